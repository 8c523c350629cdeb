//===- FoldScales.cpp - Exact algebra on fp8 scales -----------------------===//
//
// fp8-fold-scales: rewrites that move scaling into the ops that do it best
// (dequantize/quantize pairs, multiplies into scales, epilogues into
// fp8.scaled_matmul, constant weights quantized at compile time) without
// changing a bit of any result. Where exactness depends on constant scales
// or multipliers, it is decided by evaluating the affected computation for
// every code of the narrow format with the numerics library (the same
// functions the folders and the lowered code agree with), not by a
// heuristic. Folds that are exact only up to reassociation of f32
// arithmetic are applied only with `allow-reassociation`.
//
// The lifting of dequantize -> linalg contractions into fp8.scaled_matmul
// lives in LiftScaledMatmul.cpp.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SetVector.h"

#include <cfloat>
#include <cmath>

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8FOLDSCALESPASS
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

/// Distinct (scale, scale or multiplier) pairs a fold may evaluate over all
/// codes; beyond this the fold is not attempted (compile time).
static constexpr size_t kMaxCheckedPairs = 4096;

//===----------------------------------------------------------------------===//
// Constants and exact arithmetic
//===----------------------------------------------------------------------===//

namespace {
/// The values of a constant float scalar or tensor in row-major order; a
/// splat holds one. Every float type the fp8 ops take is exact in double.
struct ConstantFloats {
  SmallVector<double> values;
  bool splat = true;

  double operator[](int64_t i) const {
    return splat ? values.front() : values[i];
  }
};
} // namespace

static std::optional<ConstantFloats> getConstantFloats(Value value) {
  Attribute attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto toDouble = [](APFloat v) {
    bool losesInfo;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
    return v.convertToDouble();
  };
  ConstantFloats result;
  if (auto floatAttr = dyn_cast<FloatAttr>(attr)) {
    result.values.push_back(toDouble(floatAttr.getValue()));
    return result;
  }
  auto dense = dyn_cast<DenseFPElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  result.splat = dense.isSplat();
  if (result.splat)
    result.values.push_back(toDouble(dense.getSplatValue<APFloat>()));
  else
    for (const APFloat &v : dense.getValues<APFloat>())
      result.values.push_back(toDouble(v));
  return result;
}

/// `value` exactly as an element of the float type `type`, if it is one.
static std::optional<APFloat> getExactly(double value, Type type) {
  APFloat result(value);
  bool losesInfo = false;
  APFloat::opStatus status =
      result.convert(cast<FloatType>(type).getFloatSemantics(),
                     APFloat::rmNearestTiesToEven, &losesInfo);
  if (losesInfo || (status != APFloat::opOK && !result.isNaN()))
    return std::nullopt;
  return result;
}

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

static uint32_t bitsOf(float x) { return llvm::bit_cast<uint32_t>(x); }

/// Whether `x` is a positive power of two that is a normal f32.
static bool isNormalPowerOfTwo(double x) {
  int exponent;
  return x > 0 && std::frexp(x, &exponent) == 0.5 && x >= FLT_MIN &&
         x <= std::ldexp(1.0, 127);
}

static int64_t getNumElements(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getNumElements();
  return 1;
}

/// An attribute of `type` (a float scalar or a shaped type) holding `values`
/// (each exact in the element type).
static TypedAttr makeFloatAttr(Type type, ArrayRef<double> values) {
  auto elementType = cast<FloatType>(getElementTypeOrSelf(type));
  SmallVector<APFloat> elements;
  for (double value : values)
    elements.push_back(*getExactly(value, elementType));
  if (auto shaped = dyn_cast<ShapedType>(type))
    return DenseElementsAttr::get(shaped, elements);
  return FloatAttr::get(elementType, elements.front());
}

//===----------------------------------------------------------------------===//
// Scale layouts
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> delinearize(int64_t linear,
                                        ArrayRef<int64_t> shape) {
  SmallVector<int64_t> index(shape.size());
  for (int64_t dim = shape.size() - 1; dim >= 0; --dim) {
    index[dim] = linear % shape[dim];
    linear /= shape[dim];
  }
  return index;
}

static int64_t linearize(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) {
  int64_t linear = 0;
  for (auto [i, size] : llvm::zip_equal(index, shape))
    linear = linear * size + i;
  return linear;
}

/// The block of a scale over data of static `shape`: `block`, or the whole
/// shape for a per-tensor scale.
static SmallVector<int64_t>
getBlockOrWhole(std::optional<ArrayRef<int64_t>> block,
                ArrayRef<int64_t> shape) {
  if (block)
    return SmallVector<int64_t>(*block);
  return SmallVector<int64_t>(shape);
}

/// Which dimensions of a constant of static `shape` it varies along.
static SmallVector<bool> getVaryingDims(const ConstantFloats &values,
                                        ArrayRef<int64_t> shape) {
  SmallVector<bool> varies(shape.size(), false);
  if (values.splat)
    return varies;
  int64_t count = ShapedType::getNumElements(shape);
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<int64_t> index = delinearize(i, shape);
    for (auto [dim, vary] : llvm::enumerate(varies)) {
      if (vary || index[dim] == 0)
        continue;
      SmallVector<int64_t> base = index;
      base[dim] = 0;
      if (bitsOf(values[i]) != bitsOf(values[linearize(base, shape)]))
        vary = true;
    }
  }
  return varies;
}

namespace {
/// A constant scale multiplied element by element by a constant multiplier
/// that is uniform along some dimensions: the new scale keeps the old block
/// along those and gets blocks of 1 along the others.
struct ScaledScale {
  /// The new block, or none where it stays per-tensor.
  std::optional<SmallVector<int64_t>> block;
  SmallVector<int64_t> scaleShape;
  /// New scale values (exact products) and, per new scale element, the old
  /// scale and the multiplier it combines.
  SmallVector<double> values;
  SmallVector<std::pair<double, double>> factors;
};
} // namespace

/// Multiplies the constant scale `scale` (block `block` over data of static
/// `shape`) by `multiplierAt(element index)`, which is uniform along every
/// dimension where `varies` is false. `round` gives the product in the scale
/// type; std::nullopt where a product is not exact there (and `round` does
/// not round).
static std::optional<ScaledScale>
scaleScale(const ConstantFloats &scale, std::optional<ArrayRef<int64_t>> block,
           ArrayRef<int64_t> shape, ArrayRef<bool> varies,
           function_ref<double(ArrayRef<int64_t>)> multiplierAt,
           function_ref<std::optional<double>(double)> round) {
  SmallVector<int64_t> oldBlock = getBlockOrWhole(block, shape);
  SmallVector<int64_t> oldScaleShape = getBlockedScaleShape(shape, oldBlock);
  ScaledScale result;
  SmallVector<int64_t> newBlock;
  for (auto [dim, vary] : llvm::enumerate(varies))
    newBlock.push_back(vary ? 1 : oldBlock[dim]);
  if (block || llvm::is_contained(varies, true))
    result.block = newBlock;
  result.scaleShape = getBlockedScaleShape(shape, newBlock);
  int64_t count = ShapedType::getNumElements(result.scaleShape);
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<int64_t> element = delinearize(i, result.scaleShape);
    for (auto [index, size] : llvm::zip_equal(element, newBlock))
      index *= size;
    SmallVector<int64_t> oldIndex;
    for (auto [index, size] : llvm::zip_equal(element, oldBlock))
      oldIndex.push_back(index / size);
    double oldScale = scale[linearize(oldIndex, oldScaleShape)];
    double multiplier = multiplierAt(element);
    std::optional<double> product = round(oldScale * multiplier);
    if (!product)
      return std::nullopt;
    result.values.push_back(*product);
    result.factors.push_back({oldScale, multiplier});
  }
  return result;
}

/// The value `scale` is replaced by: a constant of `result`'s layout, of the
/// scale's element type, scalar if the old scale was.
static Value createScale(PatternRewriter &rewriter, Location loc,
                         Type oldScaleType, const ScaledScale &scaled) {
  Type elementType = getElementTypeOrSelf(oldScaleType);
  Type type = elementType;
  if (scaled.block)
    type = RankedTensorType::get(scaled.scaleShape, elementType);
  else if (auto shaped = dyn_cast<ShapedType>(oldScaleType))
    type = shaped.clone(elementType);
  return arith::ConstantOp::create(rewriter, loc,
                                   makeFloatAttr(type, scaled.values));
}

static DenseI64ArrayAttr
getBlockAttr(Builder &b, const std::optional<SmallVector<int64_t>> &block) {
  return block ? b.getDenseI64ArrayAttr(*block) : DenseI64ArrayAttr();
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

/// The operands of an element-wise float multiply (arith.mulf).
static std::optional<std::pair<Value, Value>> matchMultiply(Operation *op) {
  auto mul = dyn_cast<arith::MulFOp>(op);
  if (!mul || mul.getFastmath() != arith::FastMathFlags::none)
    return std::nullopt;
  return std::make_pair(mul.getLhs(), mul.getRhs());
}

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
    std::optional<std::pair<Value, Value>> operands = matchMultiply(op);
    if (!operands)
      return rewriter.notifyMatchFailure(op, "has fast-math flags");
    auto dequantize = operands->first.getDefiningOp<DequantizeOp>();
    Value multiplierValue = operands->second;
    if (!dequantize) {
      dequantize = operands->second.getDefiningOp<DequantizeOp>();
      multiplierValue = operands->first;
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
        [&](ArrayRef<int64_t> index) {
          return multiplier->splat ? (*multiplier)[0]
                                   : (*multiplier)[linearize(index, shape)];
        },
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

//===----------------------------------------------------------------------===//
// fp8.scaled_matmul epilogues and operands
//===----------------------------------------------------------------------===//

/// The parts of an fp8.scaled_matmul, to rebuild it with some changed.
struct ScaledMatmulParts {
  Type resultType;
  bool withAmax;
  Value lhs, lhsScale, rhs, rhsScale, bias, outScale;
  DenseI64ArrayAttr lhsBlock, rhsBlock;
  bool rhsTransposed;
  RoundingAttr rounding;
  Saturation saturation;

  explicit ScaledMatmulParts(ScaledMatmulOp op)
      : resultType(op.getResult().getType()),
        withAmax(static_cast<bool>(op.getAmax())), lhs(op.getLhs()),
        lhsScale(op.getLhsScale()), rhs(op.getRhs()),
        rhsScale(op.getRhsScale()), bias(op.getBias()),
        outScale(op.getOutScale()), lhsBlock(op.getLhsBlockAttr()),
        rhsBlock(op.getRhsBlockAttr()), rhsTransposed(op.getRhsTransposed()),
        rounding(op.getRoundingAttr()), saturation(op.getSaturation()) {}

  ScaledMatmulOp create(OpBuilder &b, Location loc) const {
    Type amaxType = withAmax ? b.getF32Type() : Type();
    return ScaledMatmulOp::create(
        b, loc, resultType, amaxType, lhs, lhsScale, rhs, rhsScale, bias,
        outScale, lhsBlock, rhsBlock, rhsTransposed, rounding, saturation);
  }
};

/// Replaces `op` by `replacement`, whose extra amax result (if any) takes
/// the place of op's.
static void replaceScaledMatmul(PatternRewriter &rewriter, ScaledMatmulOp op,
                                ScaledMatmulOp replacement) {
  if (Value amax = op.getAmax())
    rewriter.replaceAllUsesWith(amax, replacement.getAmax());
  rewriter.replaceAllUsesWith(op.getResult(), replacement.getResult());
  rewriter.eraseOp(op);
}

/// The fp8.scaled_matmul whose f32 result `value` is, if that result is
/// used only here (an epilogue folded into the op must not be visible to
/// other users of the result).
static ScaledMatmulOp getSoleF32Producer(Value value) {
  auto op = value.getDefiningOp<ScaledMatmulOp>();
  if (!op || value != op.getResult() || !value.hasOneUse() ||
      !getElementTypeOrSelf(value.getType()).isF32())
    return {};
  return op;
}

static bool hasUsedAmax(ScaledMatmulOp op) {
  return op.getAmax() && !op.getAmax().use_empty();
}

/// quantize(scaled_matmul(...) : f32, s) -> scaled_matmul(...) with output
/// quantization: per-tensor (no block) and not stochastic, the f32 result
/// used only by the quantize. The op's semantics quantize its f32 result
/// exactly as fp8.quantize does, so nothing changes. If the op's amax result
/// is used, the scale must not depend on it (it must dominate the op:
/// just-in-time scaling from the op's own amax cannot be folded).
struct FoldQuantizeIntoScaledMatmul : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    ScaledMatmulOp matmul = getSoleF32Producer(op.getInput());
    if (!matmul)
      return rewriter.notifyMatchFailure(
          op, "input is not the sole use of an f32 fp8.scaled_matmul result");
    if (op.getBlock())
      return rewriter.notifyMatchFailure(
          op, "block scales do not fit the per-tensor output scale");
    if (op.getRandomBits())
      return rewriter.notifyMatchFailure(
          op, "stochastic output quantization is not supported");
    if (hasUsedAmax(matmul) &&
        !DominanceInfo().properlyDominates(op.getScale(), matmul))
      return rewriter.notifyMatchFailure(
          op, "the scale may depend on the op's own amax result");
    Location loc = op.getLoc();
    Value scale = op.getScale();
    if (auto tensor = dyn_cast<RankedTensorType>(scale.getType()))
      scale = tensor::ExtractOp::create(rewriter, loc, scale, ValueRange{});
    Type f32 = rewriter.getF32Type();
    if (isNarrowFloat(scale.getType()))
      scale = ConvertOp::create(rewriter, loc, f32, scale);
    else if (!scale.getType().isF32())
      scale = arith::ExtFOp::create(rewriter, loc, f32, scale);
    ScaledMatmulParts parts(matmul);
    parts.resultType = op.getType();
    parts.outScale = scale;
    parts.rounding = op.getRoundingAttr();
    parts.saturation = op.getSaturation();
    ScaledMatmulOp replacement = parts.create(rewriter, loc);
    rewriter.replaceOp(op, replacement.getResult());
    if (Value amax = matmul.getAmax())
      rewriter.replaceAllUsesWith(amax, replacement.getAmax());
    rewriter.eraseOp(matmul);
    return success();
  }
};

/// amax(scaled_matmul(...) : f32) -> the op's amax result: per-tensor, and
/// the result is f32 (the op's amax is of its f32 result after the bias,
/// before output quantization; it is the same fp8.amax computation).
struct FoldAmaxIntoScaledMatmul : OpRewritePattern<AmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
    auto matmul = op.getInput().getDefiningOp<ScaledMatmulOp>();
    if (!matmul || op.getInput() != matmul.getResult())
      return rewriter.notifyMatchFailure(op, "input is not fp8.scaled_matmul");
    if (op.getBlock())
      return rewriter.notifyMatchFailure(op, "blocked amax");
    if (!getElementTypeOrSelf(op.getInput().getType()).isF32())
      return rewriter.notifyMatchFailure(
          op, "the op's amax is of its f32 result, not of a rounded one");
    if (Value amax = matmul.getAmax()) {
      rewriter.replaceOp(op, amax);
      return success();
    }
    ScaledMatmulParts parts(matmul);
    parts.withAmax = true;
    rewriter.setInsertionPoint(matmul);
    ScaledMatmulOp replacement = parts.create(rewriter, matmul.getLoc());
    rewriter.replaceOp(op, replacement.getAmax());
    replaceScaledMatmul(rewriter, matmul, replacement);
    return success();
  }
};

/// addf(scaled_matmul(...) : f32, b) -> scaled_matmul(...) bias(b): the f32
/// result used only by the add, no output quantization and no used amax
/// (both come after the bias). A `b` broadcast from [N] along the other
/// dimensions becomes an [N] bias, an extf of f16 / bf16 its source; the op
/// adds its bias to the f32 result in f32 exactly as the addf did. An op
/// that already has a bias folds a second only with `allow-reassociation`
/// ((D + b1) + b2 becomes D + (b1 + b2)).
struct FoldBiasAddIntoScaledMatmul : OpRewritePattern<arith::AddFOp> {
  FoldBiasAddIntoScaledMatmul(MLIRContext *context, bool allowReassociation)
      : OpRewritePattern(context), allowReassociation(allowReassociation) {}

  LogicalResult matchAndRewrite(arith::AddFOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getFastmath() != arith::FastMathFlags::none)
      return rewriter.notifyMatchFailure(op, "has fast-math flags");
    Value bias = op.getRhs();
    ScaledMatmulOp matmul = getSoleF32Producer(op.getLhs());
    if (!matmul) {
      matmul = getSoleF32Producer(op.getRhs());
      bias = op.getLhs();
    }
    if (!matmul)
      return rewriter.notifyMatchFailure(
          op, "no operand is the sole use of an f32 fp8.scaled_matmul result");
    if (hasUsedAmax(matmul))
      return rewriter.notifyMatchFailure(op, "the op's amax would change");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    // An [N] bias broadcast along every other dimension.
    if (auto broadcast = bias.getDefiningOp<linalg::BroadcastOp>()) {
      int64_t rank = resultType.getRank();
      if (broadcast.getInput().getType().getRank() == 1 &&
          llvm::equal(broadcast.getDimensions(),
                      llvm::seq<int64_t>(0, rank - 1)))
        bias = broadcast.getInput();
    }
    if (auto extf = bias.getDefiningOp<arith::ExtFOp>())
      if (isa<RankedTensorType>(extf.getIn().getType()))
        bias = extf.getIn();
    ScaledMatmulParts parts(matmul);
    if (Value oldBias = matmul.getBias()) {
      if (!allowReassociation)
        return rewriter.notifyMatchFailure(
            op, "the op has a bias already (folding a second one "
                "reassociates; see allow-reassociation)");
      if (oldBias.getType() != bias.getType())
        return rewriter.notifyMatchFailure(op, "the biases differ in type");
      bias = arith::AddFOp::create(rewriter, loc, oldBias, bias);
    }
    parts.bias = bias;
    ScaledMatmulOp replacement = parts.create(rewriter, loc);
    rewriter.replaceOp(op, replacement.getResult());
    if (Value amax = matmul.getAmax())
      rewriter.replaceAllUsesWith(amax, replacement.getAmax());
    rewriter.eraseOp(matmul);
    return success();
  }

  bool allowReassociation;
};

/// scaled_matmul(lhs, transpose(x)) -> scaled_matmul(lhs, x) with
/// rhs_transposed toggled: a linalg.transpose that swaps the two innermost
/// dimensions of the rhs. A block scale is transposed with it (its producing
/// transpose folded, or a transpose of the small scale tensor). Only the
/// layout of the rhs changes; every product and sum is the same.
struct FoldTransposeIntoScaledMatmul : OpRewritePattern<ScaledMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op.getRhs().getDefiningOp<linalg::TransposeOp>();
    if (!transpose)
      return rewriter.notifyMatchFailure(op, "rhs is not linalg.transpose");
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    int64_t rank = permutation.size();
    SmallVector<int64_t> swapLast =
        llvm::to_vector(llvm::seq<int64_t>(0, rank));
    std::swap(swapLast[rank - 1], swapLast[rank - 2]);
    if (permutation != ArrayRef<int64_t>(swapLast))
      return rewriter.notifyMatchFailure(
          op, "the transpose does not just swap the two innermost dimensions");
    Value scale = op.getRhsScale();
    DenseI64ArrayAttr block = op.getRhsBlockAttr();
    if (block) {
      SmallVector<int64_t> swapped(block.asArrayRef());
      std::swap(swapped[rank - 1], swapped[rank - 2]);
      block = rewriter.getDenseI64ArrayAttr(swapped);
      auto scaleTranspose = scale.getDefiningOp<linalg::TransposeOp>();
      if (scaleTranspose && scaleTranspose.getPermutation() == permutation) {
        scale = scaleTranspose.getInput();
      } else {
        auto scaleType = cast<RankedTensorType>(scale.getType());
        SmallVector<int64_t> shape(scaleType.getShape());
        std::swap(shape[rank - 1], shape[rank - 2]);
        if (ShapedType::isDynamicShape(shape))
          return rewriter.notifyMatchFailure(op, "dynamic scale shape");
        Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), shape,
                                             scaleType.getElementType());
        scale = linalg::TransposeOp::create(rewriter, op.getLoc(), scale, init,
                                            swapLast)
                    ->getResult(0);
      }
    }
    rewriter.modifyOpInPlace(op, [&] {
      op.getRhsMutable().assign(transpose.getInput());
      op.getRhsScaleMutable().assign(scale);
      op.setRhsBlockAttr(block);
      op.setRhsTransposed(!op.getRhsTransposed());
    });
    return success();
  }
};

/// mulf(scaled_matmul(...) : f32, c) -> scaled_matmul(...) with c folded
/// into the lhs scale (c uniform along N: a scalar or per-row multiplier) or
/// the rhs scale (c uniform along M: per column), the f32 result used only
/// by the multiply, no bias, no output quantization, no used amax.
///
/// Exact (default) where scaling by c commutes with every f32 rounding of
/// the op: every c and every lhs / rhs scale (before and after) is a
/// constant positive power of two, K is static, every dequantized value and
/// every product is a multiple of 2^-149 (so subnormal results are exact)
/// and K * max|lhs| * max|rhs| <= 2^127 before and after (no overflow).
/// Then each dequantization, product, partial sum (FMA or not) and the final
/// multiply round the exactly scaled value, and rounding commutes with
/// power-of-two scaling away from overflow and subnormal loss. With
/// `allow-reassociation`, any constant positive finite c folds (rounded
/// scales), and splat c folds into a non-constant f32 scale.
struct FoldMultiplyIntoScaledMatmul : OpRewritePattern<arith::MulFOp> {
  FoldMultiplyIntoScaledMatmul(MLIRContext *context, bool allowReassociation)
      : OpRewritePattern(context), allowReassociation(allowReassociation) {}

  LogicalResult matchAndRewrite(arith::MulFOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<std::pair<Value, Value>> operands = matchMultiply(op);
    if (!operands)
      return rewriter.notifyMatchFailure(op, "has fast-math flags");
    Value multiplierValue = operands->second;
    ScaledMatmulOp matmul = getSoleF32Producer(operands->first);
    if (!matmul) {
      matmul = getSoleF32Producer(operands->second);
      multiplierValue = operands->first;
    }
    if (!matmul)
      return rewriter.notifyMatchFailure(
          op, "no operand is the sole use of an f32 fp8.scaled_matmul result");
    if (matmul.getBias() || hasUsedAmax(matmul))
      return rewriter.notifyMatchFailure(op, "the op has a bias or used amax");
    std::optional<ConstantFloats> multiplier =
        getConstantFloats(multiplierValue);
    if (!multiplier)
      return rewriter.notifyMatchFailure(op, "the multiplier is not constant");
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result shape");
    ArrayRef<int64_t> resultShape = resultType.getShape();
    int64_t rank = resultShape.size();
    for (double c : multiplier->values)
      if (!(c > 0 && std::isfinite(c)))
        return rewriter.notifyMatchFailure(
            op, "a multiplier is not positive and finite");

    // Which side takes the multiplier: it must be uniform along N (lhs) or M
    // (rhs).
    SmallVector<bool> varies = getVaryingDims(*multiplier, resultShape);
    bool toLhs = !varies[rank - 1];
    if (!toLhs && varies[rank - 2])
      return rewriter.notifyMatchFailure(
          op, "the multiplier varies along both M and N");
    Value operand = toLhs ? matmul.getLhs() : matmul.getRhs();
    Value scaleValue = toLhs ? matmul.getLhsScale() : matmul.getRhsScale();
    std::optional<ArrayRef<int64_t>> block =
        toLhs ? matmul.getLhsBlock() : matmul.getRhsBlock();
    auto operandType = cast<RankedTensorType>(operand.getType());
    if (!operandType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic operand shape");
    ArrayRef<int64_t> shape = operandType.getShape();
    // Operand dimension of the result's M (lhs) or N (rhs), and of K.
    bool transposed = matmul.getRhsTransposed();
    int64_t mnDim = toLhs ? rank - 2 : (transposed ? rank - 2 : rank - 1);
    int64_t resultDim = toLhs ? rank - 2 : rank - 1;
    SmallVector<bool> operandVaries(rank, false);
    for (int64_t d = 0; d < rank - 2; ++d)
      operandVaries[d] = varies[d];
    operandVaries[mnDim] = varies[resultDim];
    auto multiplierAt = [&](ArrayRef<int64_t> index) {
      if (multiplier->splat)
        return (*multiplier)[0];
      SmallVector<int64_t> at(rank, 0);
      for (int64_t d = 0; d < rank - 2; ++d)
        at[d] = index[d];
      at[resultDim] = index[mnDim];
      return (*multiplier)[linearize(at, resultShape)];
    };

    Location loc = op.getLoc();
    Type scaleElement = getElementTypeOrSelf(scaleValue.getType());
    std::optional<ConstantFloats> scale = getConstantFloats(scaleValue);
    Value newScale;
    DenseI64ArrayAttr newBlock;
    if (scale) {
      std::optional<ScaledScale> scaled =
          scaleScale(*scale, block, shape, operandVaries, multiplierAt,
                     [&](double product) -> std::optional<double> {
                       if (std::optional<APFloat> exact =
                               getExactly(product, scaleElement))
                         return product;
                       if (!allowReassociation || !scaleElement.isF32())
                         return std::nullopt;
                       return static_cast<double>(static_cast<float>(product));
                     });
      if (!scaled)
        return rewriter.notifyMatchFailure(
            op, "a new scale is not exact in the scale type");
      if (!allowReassociation &&
          !isExactlyScalable(matmul, toLhs, *scale, *scaled, *multiplier))
        return rewriter.notifyMatchFailure(
            op, "scaling by the multiplier does not provably commute with "
                "the op's f32 rounding (see allow-reassociation)");
      newScale = createScale(rewriter, loc, scaleValue.getType(), *scaled);
      newBlock = getBlockAttr(rewriter, scaled->block);
    } else {
      if (!allowReassociation)
        return rewriter.notifyMatchFailure(
            op, "the scale is not constant: exactness cannot be shown (see "
                "allow-reassociation)");
      if (!multiplier->splat || !scaleElement.isF32())
        return rewriter.notifyMatchFailure(
            op, "a non-constant scale takes only a splat multiplier, in f32");
      Type type = scaleValue.getType();
      if (auto shaped = dyn_cast<ShapedType>(type);
          shaped && !shaped.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "dynamic scale shape");
      Value c = arith::ConstantOp::create(
          rewriter, loc, makeFloatAttr(type, {(*multiplier)[0]}));
      newScale = arith::MulFOp::create(rewriter, loc, scaleValue, c);
      newBlock = toLhs ? matmul.getLhsBlockAttr() : matmul.getRhsBlockAttr();
    }
    ScaledMatmulParts parts(matmul);
    (toLhs ? parts.lhsScale : parts.rhsScale) = newScale;
    (toLhs ? parts.lhsBlock : parts.rhsBlock) = newBlock;
    ScaledMatmulOp replacement = parts.create(rewriter, loc);
    rewriter.replaceOp(op, replacement.getResult());
    if (Value amax = matmul.getAmax())
      rewriter.replaceAllUsesWith(amax, replacement.getAmax());
    rewriter.eraseOp(matmul);
    return success();
  }

  /// The range argument above, for constant scales.
  static bool isExactlyScalable(ScaledMatmulOp op, bool toLhs,
                                const ConstantFloats &scale,
                                const ScaledScale &scaled,
                                const ConstantFloats &multiplier) {
    for (double c : multiplier.values)
      if (!isNormalPowerOfTwo(c))
        return false;
    std::optional<ConstantFloats> otherScale =
        getConstantFloats(toLhs ? op.getRhsScale() : op.getLhsScale());
    if (!otherScale)
      return false;
    auto range = [](ArrayRef<double> values)
        -> std::optional<std::pair<double, double>> {
      double lo = INFINITY, hi = 0;
      for (double v : values) {
        if (!isNormalPowerOfTwo(v))
          return std::nullopt;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      return std::make_pair(lo, hi);
    };
    auto before = range(scale.values), after = range(scaled.values),
         other = range(otherScale->values);
    if (!before || !after || !other)
      return false;
    auto info = [](Value v) {
      return ::fp8::getFormatInfo(
          *getFormat(getElementTypeOrSelf(v.getType())));
    };
    const ::fp8::FormatInfo &self = info(toLhs ? op.getLhs() : op.getRhs());
    const ::fp8::FormatInfo &peer = info(toLhs ? op.getRhs() : op.getLhs());
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    int64_t k = lhsType.getShape().back();
    if (ShapedType::isDynamic(k))
      return false;
    const double smallest = std::ldexp(1.0, -149);
    const double largest = std::ldexp(1.0, 127);
    double peerGrain = peer.minSubnormal * other->first;
    double peerMax = peer.maxFinite * other->second;
    if (peerMax > largest)
      return false;
    for (auto [lo, hi] : {*before, *after}) {
      double grain = self.minSubnormal * lo;
      if (grain < smallest || peerGrain < smallest ||
          grain * peerGrain < smallest)
        return false;
      if (self.maxFinite * hi > largest ||
          static_cast<double>(k) * self.maxFinite * hi * peerMax > largest)
        return false;
    }
    return true;
  }

  bool allowReassociation;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct FP8FoldScalesPass
    : mlir::fp8::impl::FP8FoldScalesPassBase<FP8FoldScalesPass> {
  using FP8FoldScalesPassBase::FP8FoldScalesPassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8FoldScalesPatterns(patterns, allowReassociation);
    // Folding is off: folding fp8.dequantize of constant weights into f32
    // constants would defeat lifting their matmuls into fp8.scaled_matmul.
    // Constant quantization is the QuantizeConstant pattern.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
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

void mlir::fp8::populateFP8ScaledMatmulFoldPatterns(RewritePatternSet &patterns,
                                                    bool allowReassociation) {
  MLIRContext *context = patterns.getContext();
  patterns.add<FoldQuantizeIntoScaledMatmul, FoldAmaxIntoScaledMatmul,
               FoldTransposeIntoScaledMatmul>(context);
  patterns.add<FoldBiasAddIntoScaledMatmul, FoldMultiplyIntoScaledMatmul>(
      context, allowReassociation);
}

void mlir::fp8::populateFP8FoldScalesPatterns(RewritePatternSet &patterns,
                                              bool allowReassociation) {
  populateFP8DequantizeQuantizeFoldPatterns(patterns);
  populateFP8ScaledMatmulFoldPatterns(patterns, allowReassociation);
  populateFP8LiftScaledMatmulPatterns(patterns, allowReassociation);
}
