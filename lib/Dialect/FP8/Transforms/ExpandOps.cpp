//===- ExpandOps.cpp - Expand fp8 ops into integer arith code -------------===//
//
// Encodes and decodes come from the numerics emitter (NumericsEmitter.h);
// this file wires them into the ops' semantics: scales, blocks, amax and
// scale computation, and upstream arith's narrow-float casts.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"
#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cfloat>
#include <cmath>
#include <limits>

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8EXPANDOPSPASS
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static unsigned getBitWidth(Type narrowType) {
  return isa<HiF8Type>(narrowType) ? 8 : narrowType.getIntOrFloatBitWidth();
}

/// `value` reinterpreted as `type` of the same width: arith.bitcast, which
/// upstream lowers, or fp8.bitcast where HiF8 (not a builtin type) is
/// involved.
static Value bitcast(OpBuilder &b, Location loc, Type type, Value value) {
  if (isa<HiF8Type>(getElementTypeOrSelf(type)) ||
      isa<HiF8Type>(getElementTypeOrSelf(value.getType())))
    return BitcastOp::create(b, loc, type, value);
  return arith::BitcastOp::create(b, loc, type, value);
}

/// The codes of a narrow value as i8 (sub-byte codes zero-extended).
static Value toCodes(OpBuilder &b, Location loc, Value narrow) {
  Type type = narrow.getType();
  unsigned width = getBitWidth(getElementTypeOrSelf(type));
  Value bits =
      bitcast(b, loc, withElementType(type, b.getIntegerType(width)), narrow);
  if (width == 8)
    return bits;
  return arith::ExtUIOp::create(b, loc, withElementType(type, b.getI8Type()),
                                bits);
}

/// The narrow value of type `narrowType` whose codes are `codes` (i8).
static Value fromCodes(OpBuilder &b, Location loc, Value codes,
                       Type narrowType) {
  unsigned width = getBitWidth(getElementTypeOrSelf(narrowType));
  if (width != 8)
    codes = arith::TruncIOp::create(
        b, loc, withElementType(narrowType, b.getIntegerType(width)), codes);
  return bitcast(b, loc, narrowType, codes);
}

/// `value` as f32, narrow floats decoded by integer code: exact for f16,
/// bf16 and every narrow float.
static Value decodeToF32(OpBuilder &b, Location loc, Value value) {
  Type elementType = getElementTypeOrSelf(value.getType());
  if (elementType.isF32())
    return value;
  if (std::optional<::fp8::Format> format = getFormat(elementType))
    return emitDecode(b, loc, toCodes(b, loc, value), *format);
  return arith::ExtFOp::create(
      b, loc, withElementType(value.getType(), b.getF32Type()), value);
}

static bool isTensorLike(Type type) { return isa<TensorType>(type); }

/// Broadcasts the f32 scale `scale` (a scalar, a 0-d vector or, with
/// `block`, a vector of shape ceildiv(shape, block)) to `targetType`'s shape:
/// element i of the result is the scale of element i of the input.
static FailureOr<Value> expandScale(OpBuilder &b, Location loc, Value scale,
                                    std::optional<ArrayRef<int64_t>> block,
                                    Type targetType) {
  auto target = dyn_cast<VectorType>(targetType);
  if (!block) {
    if (auto vector = dyn_cast<VectorType>(scale.getType()))
      scale = vector::ExtractOp::create(b, loc, scale, ArrayRef<int64_t>{});
    if (!target)
      return scale;
    return Value(vector::BroadcastOp::create(
        b, loc, target.clone(b.getF32Type()), scale));
  }
  if (target.isScalable())
    return failure();
  auto scaleType = cast<VectorType>(scale.getType());
  // [s0, s1] -> [s0, 1, s1, 1] -> [s0, b0, s1, b1] -> [s0*b0, s1*b1] and,
  // for ragged blocks, the leading [d0, d1] of that.
  SmallVector<int64_t> interleaved, broadcast, padded;
  for (auto [scaleDim, blockDim] :
       llvm::zip_equal(scaleType.getShape(), *block)) {
    interleaved.append({scaleDim, 1});
    broadcast.append({scaleDim, blockDim});
    padded.push_back(scaleDim * blockDim);
  }
  Type f32 = b.getF32Type();
  Value result = vector::ShapeCastOp::create(
      b, loc, VectorType::get(interleaved, f32), scale);
  result = vector::BroadcastOp::create(b, loc, VectorType::get(broadcast, f32),
                                       result);
  result =
      vector::ShapeCastOp::create(b, loc, VectorType::get(padded, f32), result);
  if (ArrayRef<int64_t>(padded) != target.getShape()) {
    SmallVector<int64_t> offsets(padded.size(), 0), strides(padded.size(), 1);
    result = vector::ExtractStridedSliceOp::create(b, loc, result, offsets,
                                                   target.getShape(), strides);
  }
  return result;
}

/// A constant of `type`'s shape whose elements (f32 or f64) are `value`.
static Value createFloatConstant(OpBuilder &b, Location loc, Type type,
                                 double value) {
  TypedAttr attr = b.getFloatAttr(getElementTypeOrSelf(type), value);
  if (auto vector = dyn_cast<VectorType>(type))
    attr = SplatElementsAttr::get(vector, attr);
  return arith::ConstantOp::create(b, loc, attr);
}

/// Clamps `value` to [-bound, bound]; NaN stays NaN.
static Value clamp(OpBuilder &b, Location loc, Value value, double bound) {
  Type type = value.getType();
  value = arith::MinimumFOp::create(b, loc, value,
                                    createFloatConstant(b, loc, type, bound));
  return arith::MaximumFOp::create(b, loc, value,
                                   createFloatConstant(b, loc, type, -bound));
}

/// Rounds `value`, f32 holding exact values of the narrow format
/// `sourceFormat`, into the wide float type `targetType` with `rounding` and
/// `saturation`. Every narrow value is exact in f32, f64 and bf16, and in f16
/// except E8M0's powers of two beyond f16's range, which get the overflow or
/// underflow of `rounding`.
static Value roundToWide(OpBuilder &b, Location loc, Value value,
                         ::fp8::Format sourceFormat, FloatType targetType,
                         Rounding rounding, Saturation saturation) {
  Type type = withElementType(value.getType(), targetType);
  double largest =
      APFloat::getLargest(targetType.getFloatSemantics()).convertToDouble();
  if (targetType.isF64()) {
    value = arith::ExtFOp::create(b, loc, type, value);
    return saturation == Saturation::finite ? clamp(b, loc, value, largest)
                                            : value;
  }
  // Clamping first makes the rounding below saturate.
  if (saturation == Saturation::finite)
    value = clamp(b, loc, value, largest);
  if (targetType.isF32())
    return value;
  Value rounded = arith::TruncFOp::create(b, loc, type, value);
  if (sourceFormat != ::fp8::Format::F8E8M0FNU || !targetType.isF16())
    return rounded;
  // E8M0 -> f16: positive powers of two. Nearest-even already gives Inf above
  // f16's range and 0 below it (2^-25 is the tie with 0); other modes differ.
  double minSubnormal = std::ldexp(1.0, -24);
  auto f32 = [&](double v) {
    return createFloatConstant(b, loc, value.getType(), v);
  };
  auto half = [&](double v) {
    return arith::TruncFOp::create(b, loc, type, f32(v));
  };
  if (rounding == Rounding::toward_zero || rounding == Rounding::downward) {
    Value big = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, value,
                                      f32(largest));
    rounded = arith::SelectOp::create(b, loc, big, half(largest), rounded);
  }
  if (rounding == Rounding::upward || rounding == Rounding::nearest_away) {
    // Upward: everything below the smallest subnormal; away: only the tie.
    Value tiny = rounding == Rounding::upward
                     ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                             value, f32(minSubnormal))
                     : arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                             value, f32(minSubnormal / 2));
    rounded =
        arith::SelectOp::create(b, loc, tiny, half(minSubnormal), rounded);
  }
  return rounded;
}

namespace {

/// A pattern that emits encodes with `emitter`'s choices.
template <typename OpTy> struct EmitterPattern : OpRewritePattern<OpTy> {
  EmitterPattern(MLIRContext *context, EmitterOptions emitter,
                 PatternBenefit benefit = 1)
      : OpRewritePattern<OpTy>(context, benefit), emitter(emitter) {}

  EmitterOptions emitter;
};

/// Base for the patterns below: they apply to scalars and vectors only.
template <typename OpTy> struct ExpandPattern : EmitterPattern<OpTy> {
  using EmitterPattern<OpTy>::EmitterPattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    if (llvm::any_of(op->getOperandTypes(), isTensorLike) ||
        llvm::any_of(op->getResultTypes(), isTensorLike))
      return rewriter.notifyMatchFailure(
          op, "operates on tensors: bufferize and vectorize first");
    return expand(op, rewriter);
  }

  virtual LogicalResult expand(OpTy op, PatternRewriter &rewriter) const = 0;
};

struct ExpandConvert : ExpandPattern<ConvertOp> {
  using ExpandPattern::ExpandPattern;

  LogicalResult expand(ConvertOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type inElement = getElementTypeOrSelf(op.getIn().getType());
    Type outType = op.getOut().getType();
    Type outElement = getElementTypeOrSelf(outType);
    if (inElement == outElement) {
      rewriter.replaceOp(op, op.getIn());
      return success();
    }
    Value source = op.getIn();
    std::optional<::fp8::Format> inFormat = getFormat(inElement);
    if (inFormat)
      source =
          emitDecode(rewriter, loc, toCodes(rewriter, loc, source), *inFormat);
    if (std::optional<::fp8::Format> outFormat = getFormat(outElement)) {
      Value codes = emitEncode(rewriter, loc, source, *outFormat,
                               toNumerics(op.getEffectiveRounding()),
                               toNumerics(op.getSaturation()),
                               op.getRandomBits(), emitter);
      rewriter.replaceOp(op, fromCodes(rewriter, loc, codes, outType));
      return success();
    }
    rewriter.replaceOp(op, roundToWide(rewriter, loc, source, *inFormat,
                                       cast<FloatType>(outElement),
                                       op.getEffectiveRounding(),
                                       op.getSaturation()));
    return success();
  }
};

struct ExpandQuantize : ExpandPattern<QuantizeOp> {
  using ExpandPattern::ExpandPattern;

  LogicalResult expand(QuantizeOp op,
                       PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = decodeToF32(rewriter, loc, op.getInput());
    FailureOr<Value> scale =
        expandScale(rewriter, loc, decodeToF32(rewriter, loc, op.getScale()),
                    op.getBlock(), input.getType());
    if (failed(scale))
      return rewriter.notifyMatchFailure(op,
                                         "block scales on scalable vectors");
    Value scaled = arith::DivFOp::create(rewriter, loc, input, *scale);
    Type outType = op.getOutput().getType();
    Value codes = emitEncode(
        rewriter, loc, scaled, *getFormat(getElementTypeOrSelf(outType)),
        toNumerics(op.getEffectiveRounding()), toNumerics(op.getSaturation()),
        op.getRandomBits(), emitter);
    rewriter.replaceOp(op, fromCodes(rewriter, loc, codes, outType));
    return success();
  }
};

struct ExpandDequantize : ExpandPattern<DequantizeOp> {
  using ExpandPattern::ExpandPattern;

  LogicalResult expand(DequantizeOp op,
                       PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value decoded = decodeToF32(rewriter, loc, op.getInput());
    FailureOr<Value> scale =
        expandScale(rewriter, loc, decodeToF32(rewriter, loc, op.getScale()),
                    op.getBlock(), decoded.getType());
    if (failed(scale))
      return rewriter.notifyMatchFailure(op,
                                         "block scales on scalable vectors");
    Value result = arith::MulFOp::create(rewriter, loc, decoded, *scale);
    Type outType = op.getOutput().getType();
    if (!getElementTypeOrSelf(outType).isF32())
      result = arith::TruncFOp::create(rewriter, loc, outType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// `value` (f32 or a vector of f32) with its NaNs replaced by the canonical
/// quiet NaN 0x7FC00000: the NaN that fp8.amax defines (whatever NaN the
/// block held, and whichever LLVM's maximum returns).
static Value canonicalizeNaN(OpBuilder &b, Location loc, Value value) {
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, value,
                                      value);
  Value nan = createFloatConstant(b, loc, value.getType(),
                                  std::numeric_limits<float>::quiet_NaN());
  return arith::SelectOp::create(b, loc, isNaN, nan, value);
}

struct ExpandAmax : ExpandPattern<AmaxOp> {
  using ExpandPattern::ExpandPattern;

  LogicalResult expand(AmaxOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value magnitude = math::AbsFOp::create(
        rewriter, loc, decodeToF32(rewriter, loc, op.getInput()));
    auto vector = dyn_cast<VectorType>(magnitude.getType());
    if (!vector) {
      rewriter.replaceOp(op, canonicalizeNaN(rewriter, loc, magnitude));
      return success();
    }
    // maximumf propagates NaN, as amax must.
    auto kind = vector::CombiningKind::MAXIMUMF;
    if (!op.getBlock()) {
      if (vector.getRank() == 0) {
        Value element = vector::ExtractOp::create(rewriter, loc, magnitude,
                                                  ArrayRef<int64_t>{});
        rewriter.replaceOp(op, canonicalizeNaN(rewriter, loc, element));
        return success();
      }
      if (vector.getRank() > 1)
        magnitude = vector::ShapeCastOp::create(
            rewriter, loc,
            VectorType::get({vector.getNumElements()}, vector.getElementType(),
                            {vector.isScalable()}),
            magnitude);
      Value reduced =
          vector::ReductionOp::create(rewriter, loc, kind, magnitude);
      rewriter.replaceOp(op, canonicalizeNaN(rewriter, loc, reduced));
      return success();
    }
    if (vector.isScalable())
      return rewriter.notifyMatchFailure(op, "block amax of a scalable vector");
    // Pad ragged blocks with zeros (|x| >= 0), view as [s0, b0, s1, b1, ...]
    // and reduce the block dimensions.
    ArrayRef<int64_t> block = *op.getBlock();
    SmallVector<int64_t> scaleShape =
        getBlockedScaleShape(vector.getShape(), block);
    SmallVector<int64_t> padded, split, reductionDims;
    for (auto [i, scaleDim, blockDim] : llvm::enumerate(scaleShape, block)) {
      padded.push_back(scaleDim * blockDim);
      split.append({scaleDim, blockDim});
      reductionDims.push_back(2 * i + 1);
    }
    Type f32 = rewriter.getF32Type();
    if (ArrayRef<int64_t>(padded) != vector.getShape()) {
      Value zeros = createFloatConstant(rewriter, loc,
                                        VectorType::get(padded, f32), 0.0f);
      SmallVector<int64_t> offsets(padded.size(), 0), strides(padded.size(), 1);
      magnitude = vector::InsertStridedSliceOp::create(rewriter, loc, magnitude,
                                                       zeros, offsets, strides);
    }
    magnitude = vector::ShapeCastOp::create(
        rewriter, loc, VectorType::get(split, f32), magnitude);
    SmallVector<bool> reduced(split.size(), false);
    for (int64_t dim : reductionDims)
      reduced[dim] = true;
    Value init = createFloatConstant(rewriter, loc,
                                     VectorType::get(scaleShape, f32), 0.0f);
    Value maxima = vector::MultiDimReductionOp::create(rewriter, loc, magnitude,
                                                       init, reduced, kind);
    rewriter.replaceOp(op, canonicalizeNaN(rewriter, loc, maxima));
    return success();
  }
};

struct ExpandComputeScale : ExpandPattern<ComputeScaleOp> {
  using ExpandPattern::ExpandPattern;

  LogicalResult expand(ComputeScaleOp op,
                       PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value amax = math::AbsFOp::create(rewriter, loc, op.getAmax());
    Type f32Type = amax.getType();
    Type i32Type = withElementType(f32Type, rewriter.getI32Type());
    // The verifier keeps the target a normal f32, so the f32 constants and
    // bit fields below are exact.
    double target = op.getScaleTarget();
    int targetExponent = std::ilogb(target);
    auto f32 = [&](float v) {
      return createFloatConstant(rewriter, loc, f32Type, v);
    };
    auto i32 = [&](int64_t v) {
      return createScalarOrSplatConstant(rewriter, loc, i32Type, v);
    };

    // amax 0, Inf or NaN (unordered): scale 1.
    Value isZero = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OEQ, amax, f32(0.0f));
    Value isNotFinite = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::UGE, amax, f32(INFINITY));
    Value useOne = arith::OrIOp::create(rewriter, loc, isZero, isNotFinite);

    bool toE8M0 = isa<Float8E8M0FNUType>(getElementTypeOrSelf(op.getType()));
    Value result;
    if (toE8M0 || op.getPow2()) {
      // floor(log2 amax) from the bits, after scaling subnormals up by 2^64
      // (exact), and the mantissa bits for the comparison below.
      Value isSubnormal = arith::CmpFOp::create(
          rewriter, loc, arith::CmpFPredicate::OLT, amax, f32(FLT_MIN));
      Value normalized = arith::SelectOp::create(
          rewriter, loc, isSubnormal,
          arith::MulFOp::create(rewriter, loc, amax, f32(0x1p64f)), amax);
      Value bits = arith::BitcastOp::create(rewriter, loc, i32Type, normalized);
      Value biasedExponent =
          arith::ShRUIOp::create(rewriter, loc, bits, i32(23));
      Value bias = arith::SelectOp::create(rewriter, loc, isSubnormal,
                                           i32(127 + 64), i32(127));
      Value exponent =
          arith::SubIOp::create(rewriter, loc, biasedExponent, bias);
      if (toE8M0) {
        Value code = arith::AddIOp::create(rewriter, loc, exponent,
                                           i32(127 - targetExponent));
        code = arith::MaxSIOp::create(rewriter, loc, code, i32(0));
        code = arith::MinSIOp::create(rewriter, loc, code, i32(254));
        code = arith::SelectOp::create(rewriter, loc, useOne, i32(127), code);
        Value bytes = arith::TruncIOp::create(
            rewriter, loc, withElementType(f32Type, rewriter.getI8Type()),
            code);
        rewriter.replaceOp(op, fromCodes(rewriter, loc, bytes, op.getType()));
        return success();
      }
      // Smallest power of two >= amax / target, exactly: with amax = ma 2^ea
      // and target = mt 2^et (ma, mt in [1, 2)), 2^(ea - et + (ma > mt)).
      int64_t targetMantissa =
          static_cast<int64_t>(std::ldexp(target, -targetExponent) * 0x1p23) -
          (int64_t{1} << 23);
      Value mantissa =
          arith::AndIOp::create(rewriter, loc, bits, i32((1 << 23) - 1));
      Value roundUp = arith::ExtUIOp::create(
          rewriter, loc, i32Type,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ugt,
                                mantissa, i32(targetMantissa)));
      Value k = arith::AddIOp::create(
          rewriter, loc,
          arith::SubIOp::create(rewriter, loc, exponent, i32(targetExponent)),
          roundUp);
      k = arith::MaxSIOp::create(rewriter, loc, k, i32(-126));
      k = arith::MinSIOp::create(rewriter, loc, k, i32(127));
      Value scaleBits = arith::ShLIOp::create(
          rewriter, loc, arith::AddIOp::create(rewriter, loc, k, i32(127)),
          i32(23));
      result = arith::BitcastOp::create(rewriter, loc, f32Type, scaleBits);
    } else {
      result = arith::DivFOp::create(rewriter, loc, amax,
                                     f32(static_cast<float>(target)));
      result = arith::MinimumFOp::create(rewriter, loc, result, f32(FLT_MAX));
      result = arith::MaximumFOp::create(rewriter, loc, result, f32(FLT_MIN));
    }
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, useOne, f32(1.0f), result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// arith casts to and from narrow floats
//===----------------------------------------------------------------------===//

static Rounding getRounding(std::optional<arith::RoundingMode> mode) {
  if (!mode)
    return Rounding::nearest_even;
  switch (*mode) {
  case arith::RoundingMode::to_nearest_even:
    return Rounding::nearest_even;
  case arith::RoundingMode::to_nearest_away:
    return Rounding::nearest_away;
  case arith::RoundingMode::toward_zero:
    return Rounding::toward_zero;
  case arith::RoundingMode::upward:
    return Rounding::upward;
  case arith::RoundingMode::downward:
    return Rounding::downward;
  }
  llvm_unreachable("unknown arith rounding mode");
}

/// arith.truncf to a narrow float: one encode with the op's rounding mode
/// and the format's own overflow rules (APFloat's semantics).
struct ExpandNarrowTruncF : EmitterPattern<arith::TruncFOp> {
  using EmitterPattern::EmitterPattern;

  LogicalResult matchAndRewrite(arith::TruncFOp op,
                                PatternRewriter &rewriter) const override {
    Type outType = op.getType();
    std::optional<::fp8::Format> format =
        getFormat(getElementTypeOrSelf(outType));
    if (!format)
      return rewriter.notifyMatchFailure(op, "result is not a narrow float");
    if (isTensorLike(outType))
      return rewriter.notifyMatchFailure(op, "operates on tensors");
    Location loc = op.getLoc();
    Value source = op.getIn();
    if (std::optional<::fp8::Format> inFormat =
            getFormat(getElementTypeOrSelf(source.getType())))
      source =
          emitDecode(rewriter, loc, toCodes(rewriter, loc, source), *inFormat);
    Rounding rounding = getRounding(op.getRoundingmode());
    if (!::fp8::isRoundingSupported(*format, toNumerics(rounding)))
      return rewriter.notifyMatchFailure(op, "rounding mode not defined here");
    Value codes =
        emitEncode(rewriter, loc, source, *format, toNumerics(rounding),
                   ::fp8::Saturation::None, /*randomBits=*/{}, emitter);
    rewriter.replaceOp(op, fromCodes(rewriter, loc, codes, outType));
    return success();
  }
};

/// arith.extf from a narrow float: an exact decode.
struct ExpandNarrowExtF : EmitterPattern<arith::ExtFOp> {
  using EmitterPattern::EmitterPattern;

  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<::fp8::Format> format =
        getFormat(getElementTypeOrSelf(op.getIn().getType()));
    if (!format)
      return rewriter.notifyMatchFailure(op, "source is not a narrow float");
    if (isTensorLike(op.getType()))
      return rewriter.notifyMatchFailure(op, "operates on tensors");
    Location loc = op.getLoc();
    Value decoded =
        emitDecode(rewriter, loc, toCodes(rewriter, loc, op.getIn()), *format);
    auto outElement = cast<FloatType>(getElementTypeOrSelf(op.getType()));
    if (std::optional<::fp8::Format> outFormat = getFormat(outElement)) {
      // Narrow to a wider narrow format (f4 -> f8): exact.
      Value codes =
          emitEncode(rewriter, loc, decoded, *outFormat,
                     ::fp8::Rounding::NearestEven, ::fp8::Saturation::None,
                     /*randomBits=*/{}, emitter);
      rewriter.replaceOp(op, fromCodes(rewriter, loc, codes, op.getType()));
      return success();
    }
    rewriter.replaceOp(op,
                       roundToWide(rewriter, loc, decoded, *format, outElement,
                                   Rounding::nearest_even, Saturation::none));
    return success();
  }
};

struct FP8ExpandOpsPass
    : mlir::fp8::impl::FP8ExpandOpsPassBase<FP8ExpandOpsPass> {
  using FP8ExpandOpsPassBase::FP8ExpandOpsPassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8ExpandOpsPatterns(patterns);
    populateArithNarrowFloatExpandPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::fp8::populateFP8ExpandOpsPatterns(RewritePatternSet &patterns,
                                             const EmitterOptions &emitter) {
  patterns.add<ExpandConvert, ExpandQuantize, ExpandDequantize, ExpandAmax,
               ExpandComputeScale>(patterns.getContext(), emitter);
}

void mlir::fp8::populateArithNarrowFloatExpandPatterns(
    RewritePatternSet &patterns, const EmitterOptions &emitter) {
  arith::populateExpandScalingExtTruncPatterns(patterns);
  // Ahead of upstream's arith-to-llvm casts, which cannot lower these.
  patterns.add<ExpandNarrowTruncF, ExpandNarrowExtF>(patterns.getContext(),
                                                     emitter, /*benefit=*/2);
}

bool mlir::fp8::isArithNarrowFloatCast(Operation *op) {
  if (!isa<arith::TruncFOp, arith::ExtFOp, arith::ScalingTruncFOp,
           arith::ScalingExtFOp>(op))
    return false;
  auto isNarrow = [](Type type) {
    return isNarrowFloat(getElementTypeOrSelf(type));
  };
  return llvm::any_of(op->getOperandTypes(), isNarrow) ||
         llvm::any_of(op->getResultTypes(), isNarrow);
}
