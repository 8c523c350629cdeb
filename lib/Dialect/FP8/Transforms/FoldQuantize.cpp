//===- FoldQuantize.cpp - fp8-fold-scales on quantize / dequantize --------===//
//
// Part of fp8-fold-scales: dequantize -> quantize pairs (identity, exact
// rescale), multiplies folded into dequantize scales, and compile-time
// quantization of constants. Where exactness depends on constant scales or
// multipliers, it is decided by evaluating the affected computation for
// every code of the narrow format with the numerics library (the same
// functions the folders and the lowered code agree with), not by a
// heuristic.
//
//===----------------------------------------------------------------------===//

#include "FoldScalesUtils.h"

#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/SetVector.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fp8;

/// Distinct (scale, scale or multiplier) pairs a fold may evaluate over all
/// codes; beyond this the fold is not attempted (compile time).
static constexpr size_t kMaxCheckedPairs = 4096;

/// `value` rounded to nearest even into the wide float type `type` (f32,
/// f16, bf16), returned as the f32 holding it exactly.
static float roundTo(double value, Type type) {
  APFloat result(value);
  bool losesInfo;
  result.convert(cast<FloatType>(type).getFloatSemantics(),
                 APFloat::rmNearestTiesToEven, &losesInfo);
  result.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                 &losesInfo);
  return result.convertToFloat();
}

static int64_t getNumElements(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getNumElements();
  return 1;
}

/// Deduplicated pairs, as f32 bit patterns.
using PairSet = llvm::SetVector<std::pair<uint32_t, uint32_t>>;

//===----------------------------------------------------------------------===//
// quantize(dequantize(q, s1), s2)
//===----------------------------------------------------------------------===//

/// For quantize(dequantize(q, s1), s2) with constant scales of one block:
/// the distinct (s1, s2) pairs.
static FailureOr<PairSet> getScalePairs(QuantizeOp op, DequantizeOp dequantize,
                                        PatternRewriter &rewriter) {
  if (dequantize.getBlockAttr() != op.getBlockAttr())
    return rewriter.notifyMatchFailure(op, "the scales have different blocks");
  std::optional<ConstantFloats> s1 = getConstantFloats(dequantize.getScale());
  std::optional<ConstantFloats> s2 = getConstantFloats(op.getScale());
  if (!s1 || !s2)
    return rewriter.notifyMatchFailure(op, "the scales are not constants");
  int64_t count =
      s1->splat && s2->splat ? 1 : getNumElements(op.getScale().getType());
  PairSet pairs;
  for (int64_t i = 0; i < count && pairs.size() <= kMaxCheckedPairs; ++i)
    pairs.insert({bitsOf((*s1)[i]), bitsOf((*s2)[i])});
  if (pairs.size() > kMaxCheckedPairs)
    return rewriter.notifyMatchFailure(op, "too many distinct scales to check");
  return pairs;
}

/// dequantize as the op computes it: decode(q) * s in f32, rounded into the
/// result element type `type`.
static float dequantizeTo(::fp8::Format format, unsigned code, float scale,
                          Type type) {
  return roundTo(::fp8::dequantize(format, code, scale), type);
}

namespace {

/// quantize(dequantize(q, s1), s2) -> q, where this returns every code of
/// q's format unchanged: the same format and block, constant scales, and
/// for each (s1, s2) pair and every code, quantizing the dequantized value
/// (rounded to the dequantize's result type) gives the code back under the
/// quantize's rounding and saturation. Stochastic rounding is checked at
/// both extremes of the random bits, which bound every outcome.
struct FoldDequantizeQuantizePair : OpRewritePattern<QuantizeOp> {
  FoldDequantizeQuantizePair(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "input is not fp8.dequantize");
    if (dequantize.getInput().getType() != op.getType())
      return rewriter.notifyMatchFailure(op, "the formats differ");
    FailureOr<PairSet> pairs = getScalePairs(op, dequantize, rewriter);
    if (failed(pairs))
      return failure();
    ::fp8::Format format = *getFormat(getElementTypeOrSelf(op.getType()));
    Type midType = getElementTypeOrSelf(dequantize.getType());
    ::fp8::Rounding rounding = toNumerics(op.getEffectiveRounding());
    ::fp8::Saturation saturation = toNumerics(op.getSaturation());
    unsigned codes = 1u << ::fp8::getFormatInfo(format).bitWidth;
    for (auto [s1Bits, s2Bits] : *pairs) {
      float s1 = llvm::bit_cast<float>(s1Bits),
            s2 = llvm::bit_cast<float>(s2Bits);
      for (unsigned code = 0; code < codes; ++code) {
        float x = dequantizeTo(format, code, s1, midType);
        for (uint32_t random : {0u, ~0u})
          if (::fp8::quantize(format, x, s2, rounding, saturation, random) !=
              code)
            return rewriter.notifyMatchFailure(
                op, "some code does not survive the round trip");
      }
    }
    rewriter.replaceOp(op, dequantize.getInput());
    return success();
  }
};

/// quantize(dequantize(q, s1), s2) -> convert(dequantize(q, s1 / s2)), or
/// convert(q) where every ratio is 1 and the formats differ: constant
/// scales of one block whose ratios are powers of two, and for each pair and
/// every code, the f32 value the quantize encodes (dequantized, rounded to
/// the dequantize's type, divided by s2) is bit for bit decode(q) * (s1 /
/// s2) in f32. The encoder then sees the same input, so the result is the
/// same under every rounding and saturation mode.
struct RescaleDequantizeQuantizePair : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto dequantize = op.getInput().getDefiningOp<DequantizeOp>();
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "input is not fp8.dequantize");
    FailureOr<PairSet> pairs = getScalePairs(op, dequantize, rewriter);
    if (failed(pairs))
      return failure();
    Value q = dequantize.getInput();
    ::fp8::Format format = *getFormat(getElementTypeOrSelf(q.getType()));
    Type midType = getElementTypeOrSelf(dequantize.getType());
    unsigned codes = 1u << ::fp8::getFormatInfo(format).bitWidth;
    bool allOne = true;
    for (auto [s1Bits, s2Bits] : *pairs) {
      float s1 = llvm::bit_cast<float>(s1Bits),
            s2 = llvm::bit_cast<float>(s2Bits);
      double ratio = static_cast<double>(s1) / s2;
      if (!isNormalPowerOfTwo(ratio))
        return rewriter.notifyMatchFailure(
            op, "a scale ratio is not a power of two");
      allOne &= ratio == 1.0;
      for (unsigned code = 0; code < codes; ++code) {
        float quotient = dequantizeTo(format, code, s1, midType) / s2;
        float rescaled =
            ::fp8::dequantize(format, code, static_cast<float>(ratio));
        bool same = bitsOf(quotient) == bitsOf(rescaled) ||
                    (std::isnan(quotient) && std::isnan(rescaled) &&
                     std::signbit(quotient) == std::signbit(rescaled));
        if (!same)
          return rewriter.notifyMatchFailure(
              op, "the rescale is not exact for some code");
      }
    }

    Location loc = op.getLoc();
    Type resultType = op.getType();
    RoundingAttr roundingAttr = op.getRoundingAttr();
    if (allOne && q.getType() != resultType &&
        op.getEffectiveRounding() != Rounding::hybrid) {
      rewriter.replaceOpWithNewOp<ConvertOp>(op, resultType, q,
                                             op.getRandomBits(), roundingAttr,
                                             op.getSaturationAttr());
      return success();
    }
    // One ratio per scale element of the (shared) scale layout.
    std::optional<ConstantFloats> s1 = getConstantFloats(dequantize.getScale());
    std::optional<ConstantFloats> s2 = getConstantFloats(op.getScale());
    Type scaleType = op.getScale().getType();
    SmallVector<double> ratios;
    int64_t count = s1->splat && s2->splat ? 1 : getNumElements(scaleType);
    for (int64_t i = 0; i < count; ++i)
      ratios.push_back(static_cast<float>((*s1)[i]) /
                       static_cast<double>(static_cast<float>((*s2)[i])));
    // A uniform ratio is one scalar, whatever the scales' blocks.
    Type f32 = rewriter.getF32Type();
    Type ratioType = f32;
    DenseI64ArrayAttr block;
    if (llvm::any_of(ratios, [&](double r) { return r != ratios.front(); })) {
      ratioType = cast<ShapedType>(scaleType).clone(f32);
      block = dequantize.getBlockAttr();
    } else {
      ratios.resize(1);
    }
    Value ratio = arith::ConstantOp::create(rewriter, loc,
                                            makeFloatAttr(ratioType, ratios));
    Type wideType = f32;
    if (auto shaped = dyn_cast<ShapedType>(q.getType()))
      wideType = shaped.clone(f32);
    Value rescaled =
        DequantizeOp::create(rewriter, loc, wideType, q, ratio, block);
    rewriter.replaceOpWithNewOp<ConvertOp>(op, resultType, rescaled,
                                           op.getRandomBits(), roundingAttr,
                                           op.getSaturationAttr());
    return success();
  }
};

/// quantize(constant, constant scale) -> constant: the op's own folder
/// (numerics library, the op's rounding and saturation, constant random
/// bits). HiF8 results, which have no attribute form, are the dialect's
/// canonicalization pattern (i8 payload + fp8.bitcast), added alongside.
struct QuantizeConstant : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    SmallVector<Attribute> operands(op->getNumOperands());
    for (auto [attr, operand] : llvm::zip_equal(operands, op->getOperands()))
      matchPattern(operand, m_Constant(&attr));
    SmallVector<OpFoldResult> results;
    if (failed(op->fold(operands, results)) || results.size() != 1)
      return rewriter.notifyMatchFailure(op, "operands are not constants");
    auto attr = dyn_cast_if_present<TypedAttr>(
        dyn_cast_if_present<Attribute>(results.front()));
    if (!attr)
      return rewriter.notifyMatchFailure(op, "did not fold to a constant");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, attr);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Multiplies into dequantize scales
//===----------------------------------------------------------------------===//

/// mulf(dequantize(q, s), c) -> dequantize(q, s * c): a constant scale and
/// a constant multiplier (splat, or uniform along some dimensions, which
/// then get blocks of 1: a per-tensor scale times a per-row multiplier
/// becomes a per-row scale). Each s * c must be exact in the scale's type,
/// and for every (s, c) pair and every code, decode(q) * (s * c) rounded
/// once into the result type must be bit for bit the original
/// round(round(decode(q) * s) * c). Dequantized operands of matmuls lifted
/// into fp8.scaled_matmul carry the multiply into its scales.
struct FoldMultiplyIntoDequantize : OpRewritePattern<arith::MulFOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(arith::MulFOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getFastmath() != arith::FastMathFlags::none)
      return rewriter.notifyMatchFailure(op, "has fast-math flags");
    auto dequantize = op.getLhs().getDefiningOp<DequantizeOp>();
    Value multiplierValue = op.getRhs();
    if (!dequantize) {
      dequantize = op.getRhs().getDefiningOp<DequantizeOp>();
      multiplierValue = op.getLhs();
    }
    if (!dequantize)
      return rewriter.notifyMatchFailure(op, "no operand is fp8.dequantize");
    std::optional<ConstantFloats> multiplier =
        getConstantFloats(multiplierValue);
    std::optional<ConstantFloats> scale =
        getConstantFloats(dequantize.getScale());
    if (!multiplier || !scale)
      return rewriter.notifyMatchFailure(
          op, "the multiplier or the scale is not a constant");
    Type type = op.getType();
    auto shaped = dyn_cast<ShapedType>(type);
    if (shaped && (!shaped.hasStaticShape() || isa<VectorType>(type)) &&
        !multiplier->splat)
      return rewriter.notifyMatchFailure(
          op, "non-splat multipliers need a static tensor");
    ArrayRef<int64_t> shape = shaped ? shaped.getShape() : ArrayRef<int64_t>{};
    if (dequantize.getBlock() && (!shaped || !shaped.hasStaticShape()))
      return rewriter.notifyMatchFailure(op, "block scales need static shapes");

    Type scaleElement = getElementTypeOrSelf(dequantize.getScale().getType());
    SmallVector<bool> varies = getVaryingDims(*multiplier, shape);
    std::optional<ScaledScale> scaled = scaleScale(
        *scale, dequantize.getBlock(), shape, varies,
        [&](ArrayRef<int64_t> index) { return multiplier->at(index, shape); },
        [&](double product) -> std::optional<double> {
          if (!getExactly(product, scaleElement))
            return std::nullopt;
          return product;
        });
    if (!scaled)
      return rewriter.notifyMatchFailure(
          op, "a scale times its multiplier is not exact in the scale type");

    ::fp8::Format format =
        *getFormat(getElementTypeOrSelf(dequantize.getInput().getType()));
    Type resultElement = getElementTypeOrSelf(type);
    unsigned codes = 1u << ::fp8::getFormatInfo(format).bitWidth;
    PairSet checked;
    for (auto [oldScale, factor] : scaled->factors) {
      if (!checked.insert({bitsOf(oldScale), bitsOf(factor)}))
        continue;
      if (checked.size() > kMaxCheckedPairs)
        return rewriter.notifyMatchFailure(op, "too many distinct factors");
      float newScale = static_cast<float>(oldScale * factor);
      for (unsigned code = 0; code < codes; ++code) {
        float before = dequantizeTo(format, code, oldScale, resultElement);
        float product =
            roundTo(static_cast<double>(before) * factor, resultElement);
        float folded = dequantizeTo(format, code, newScale, resultElement);
        if (bitsOf(product) != bitsOf(folded))
          return rewriter.notifyMatchFailure(
              op, "folding the multiply changes some dequantized value");
      }
    }
    Value newScale = createScale(rewriter, op.getLoc(),
                                 dequantize.getScale().getType(), *scaled);
    rewriter.replaceOpWithNewOp<DequantizeOp>(
        op, type, dequantize.getInput(), newScale,
        getBlockAttr(rewriter, scaled->block));
    return success();
  }
};

} // namespace

void mlir::fp8::populateFP8DequantizeQuantizeFoldPatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldDequantizeQuantizePair, RescaleDequantizeQuantizePair,
               QuantizeConstant, FoldMultiplyIntoDequantize>(
      patterns.getContext());
  QuantizeOp::getCanonicalizationPatterns(patterns, patterns.getContext());
}
