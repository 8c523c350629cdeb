//===- HardwareConversions.cpp - fp8 casts on the GPU's cvt instructions --===//
//
// sm_89 and later convert pairs of f32 to e4m3x2 / e5m2x2 (round to nearest
// even, satfinite) and pairs of e4m3 / e5m2 codes to f16x2 (exact). Around
// them, the numerics library's rules for NaN and overflow are applied with
// selects whose constants come from the library itself, so the results are
// bit-identical with the software expansion (NumericsEmitter) whatever the
// hardware does with NaN payloads and with Inf under satfinite.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToNVVM/FP8ToNVVM.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fp8;

/// The formats the hardware converts.
static std::optional<::fp8::Format> getHardwareFormat(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return ::fp8::Format::F8E4M3FN;
  if (isa<Float8E5M2Type>(type))
    return ::fp8::Format::F8E5M2;
  return std::nullopt;
}

/// Applies `pairwise` to the elements of `value` (a scalar or a fixed-size
/// vector) two at a time (an odd tail is paired with `padding`) and
/// reassembles the results, of element type `resultElementType`, in
/// `value`'s shape.
static Value
mapPairs(OpBuilder &b, Location loc, Value value, Type resultElementType,
         Value padding,
         function_ref<std::pair<Value, Value>(Value, Value)> pairwise) {
  auto vector = dyn_cast<VectorType>(value.getType());
  if (!vector) {
    return pairwise(value, padding).first;
  }
  int64_t n = vector.getNumElements();
  auto flatType = VectorType::get({n}, vector.getElementType());
  Value flat =
      vector.getRank() == 1
          ? value
          : vector::ShapeCastOp::create(b, loc, flatType, value).getResult();
  SmallVector<Value> results;
  for (int64_t i = 0; i < n; i += 2) {
    Value first = vector::ExtractOp::create(b, loc, flat, i);
    Value second =
        i + 1 < n ? vector::ExtractOp::create(b, loc, flat, i + 1).getResult()
                  : padding;
    auto [lo, hi] = pairwise(first, second);
    results.push_back(lo);
    if (i + 1 < n)
      results.push_back(hi);
  }
  Value result = vector::FromElementsOp::create(
      b, loc, VectorType::get({n}, resultElementType), results);
  if (vector.getRank() != 1)
    result = vector::ShapeCastOp::create(
        b, loc, vector.clone(resultElementType), result);
  return result;
}

/// Encodes `source` (f32 or f16, scalar or vector) into `format` codes (i8)
/// with round to nearest even and `saturation`, bit-identical with
/// ::fp8::encode.
static Value emitHardwareEncode(OpBuilder &b, Location loc, Value source,
                                ::fp8::Format format,
                                ::fp8::Saturation saturation,
                                Type narrowElementType) {
  Type type = source.getType();
  Type f32Type = withElementType(type, b.getF32Type());
  Type i32Type = withElementType(type, b.getI32Type());
  Type i8Type = withElementType(type, b.getI8Type());
  // f16 -> f32 is exact; the f32x2 form has a documented lane order.
  if (!getElementTypeOrSelf(type).isF32())
    source = arith::ExtFOp::create(b, loc, f32Type, source);

  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  auto pairType = VectorType::get({2}, b.getI8Type());
  Value codes =
      mapPairs(b, loc, source, b.getI8Type(), zero, [&](Value lo, Value hi) {
        // cvt puts its first operand in the upper byte: lane 1.
        Value pair = NVVM::ConvertF32x2ToF8x2Op::create(
            b, loc, pairType, hi, lo, NVVM::FPRoundingMode::RN,
            NVVM::SaturationMode::SATFINITE, /*relu=*/false, narrowElementType);
        return std::make_pair(
            vector::ExtractOp::create(b, loc, pair, 0).getResult(),
            vector::ExtractOp::create(b, loc, pair, 1).getResult());
      });

  // The library's answers for NaN and for overflow, by sign. Overflow starts
  // half a top-binade spacing above max finite; whether that tie overflows
  // is the library's call too.
  const ::fp8::FormatInfo &info = ::fp8::getFormatInfo(format);
  auto encode = [&](float x) {
    return static_cast<int8_t>(
        ::fp8::encode(format, x, ::fp8::Rounding::NearestEven, saturation));
  };
  double below = ::fp8::decode(format, info.maxFiniteCode - 1);
  float tie = static_cast<float>(info.maxFinite + (info.maxFinite - below) / 2);
  bool tieOverflows = encode(tie) != static_cast<int8_t>(info.maxFiniteCode);

  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                            arith::BitcastOp::create(b, loc, i32Type, source),
                            createScalarOrSplatConstant(b, loc, i32Type, 0));
  auto bySign = [&](float x) {
    // (Named, so that the IR does not depend on the compiler's order of
    // evaluating arguments.)
    Value positive = createScalarOrSplatConstant(b, loc, i8Type, encode(x));
    Value negativeCode =
        createScalarOrSplatConstant(b, loc, i8Type, encode(-x));
    return arith::SelectOp::create(b, loc, negative, negativeCode, positive);
  };
  Value magnitude = math::AbsFOp::create(b, loc, source);
  Value overflows = arith::CmpFOp::create(
      b, loc,
      tieOverflows ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT,
      magnitude, createScalarOrSplatConstant(b, loc, f32Type, APFloat(tie)));
  codes = arith::SelectOp::create(b, loc, overflows, bySign(INFINITY), codes);
  Value isNaN =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, source, source);
  return arith::SelectOp::create(b, loc, isNaN, bySign(NAN), codes);
}

/// Decodes `codes` (i8, scalar or vector) of `format` into f16 or f32
/// (`resultElementType`), bit-identical with the software expansion: NaN
/// codes give the quiet NaN with the code's sign.
static Value emitHardwareDecode(OpBuilder &b, Location loc, Value codes,
                                Type narrowElementType,
                                FloatType resultElementType) {
  Type type = codes.getType();
  Value zero = arith::ConstantOp::create(b, loc, b.getI8IntegerAttr(0));
  auto pairType = VectorType::get({2}, b.getI8Type());
  auto halfPairType = VectorType::get({2}, b.getF16Type());
  Value halves =
      mapPairs(b, loc, codes, b.getF16Type(), zero, [&](Value lo, Value hi) {
        Value pair = vector::FromElementsOp::create(b, loc, pairType,
                                                    ValueRange{lo, hi});
        Value wide = NVVM::ConvertF8x2ToF16x2Op::create(
            b, loc, halfPairType, pair, /*relu=*/false, narrowElementType);
        return std::make_pair(
            vector::ExtractOp::create(b, loc, wide, 0).getResult(),
            vector::ExtractOp::create(b, loc, wide, 1).getResult());
      });
  Value result = halves;
  Type resultType = withElementType(type, resultElementType);
  if (!resultElementType.isF16())
    result = arith::ExtFOp::create(b, loc, resultType, halves);

  unsigned width = resultElementType.getWidth();
  Type intType = withElementType(type, b.getIntegerType(width));
  uint64_t quietNaN = width == 16 ? 0x7E00 : 0x7FC00000;
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, codes,
                            createScalarOrSplatConstant(b, loc, type, 0));
  Value nan = arith::SelectOp::create(
      b, loc, negative,
      createScalarOrSplatConstant(
          b, loc, intType,
          static_cast<int64_t>(quietNaN | (uint64_t{1} << (width - 1)))),
      createScalarOrSplatConstant(b, loc, intType,
                                  static_cast<int64_t>(quietNaN)));
  Value isNaN =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, halves, halves);
  return arith::SelectOp::create(
      b, loc, isNaN, arith::BitcastOp::create(b, loc, resultType, nan), result);
}

static bool isHardwareWideType(Type type) {
  return type.isF32() || type.isF16();
}

namespace {

/// Shared matching: scalars and fixed-size vectors only; `rewrite` returns
/// the replacement or null if the cast is not one the hardware does.
template <typename OpTy> struct HardwareCastPattern : OpRewritePattern<OpTy> {
  HardwareCastPattern(MLIRContext *context)
      : OpRewritePattern<OpTy>(context, /*benefit=*/10) {}

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    Type in = op->getOperand(0).getType();
    Type out = op->getResult(0).getType();
    for (Type type : {in, out}) {
      auto vector = dyn_cast<VectorType>(type);
      if (isa<ShapedType>(type) && (!vector || vector.isScalable()))
        return rewriter.notifyMatchFailure(op, "not a scalar or fixed vector");
    }
    Type inElement = getElementTypeOrSelf(in);
    Type outElement = getElementTypeOrSelf(out);
    Location loc = op.getLoc();
    if (getHardwareFormat(outElement) && isHardwareWideType(inElement)) {
      std::optional<::fp8::Saturation> saturation = getEncodeSaturation(op);
      if (!saturation)
        return rewriter.notifyMatchFailure(op, "not round to nearest even");
      Value codes = emitHardwareEncode(rewriter, loc, op->getOperand(0),
                                       *getHardwareFormat(outElement),
                                       *saturation, outElement);
      rewriter.replaceOpWithNewOp<BitcastOp>(op, out, codes);
      return success();
    }
    if (getHardwareFormat(inElement) && isHardwareWideType(outElement)) {
      if (!isExactDecode(op))
        return rewriter.notifyMatchFailure(op, "saturates Inf");
      Value codes = BitcastOp::create(rewriter, loc,
                                      withElementType(in, rewriter.getI8Type()),
                                      op->getOperand(0));
      rewriter.replaceOp(op, emitHardwareDecode(rewriter, loc, codes, inElement,
                                                cast<FloatType>(outElement)));
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no hardware conversion");
  }

  /// The saturation of an encode that rounds to nearest even, else nullopt.
  virtual std::optional<::fp8::Saturation>
  getEncodeSaturation(OpTy op) const = 0;
  /// Whether a decode is plain (no saturation of Inf).
  virtual bool isExactDecode(OpTy op) const = 0;
};

struct HardwareConvert : HardwareCastPattern<ConvertOp> {
  using HardwareCastPattern::HardwareCastPattern;

  std::optional<::fp8::Saturation>
  getEncodeSaturation(ConvertOp op) const override {
    if (op.getEffectiveRounding() != Rounding::nearest_even)
      return std::nullopt;
    return toNumerics(op.getSaturation());
  }
  bool isExactDecode(ConvertOp op) const override {
    return op.getSaturation() == Saturation::none;
  }
};

struct HardwareTruncF : HardwareCastPattern<arith::TruncFOp> {
  using HardwareCastPattern::HardwareCastPattern;

  std::optional<::fp8::Saturation>
  getEncodeSaturation(arith::TruncFOp op) const override {
    std::optional<arith::RoundingMode> mode = op.getRoundingmode();
    if (mode && *mode != arith::RoundingMode::to_nearest_even)
      return std::nullopt;
    return ::fp8::Saturation::None;
  }
  bool isExactDecode(arith::TruncFOp) const override { return false; }
};

struct HardwareExtF : HardwareCastPattern<arith::ExtFOp> {
  using HardwareCastPattern::HardwareCastPattern;

  std::optional<::fp8::Saturation>
  getEncodeSaturation(arith::ExtFOp) const override {
    return std::nullopt;
  }
  bool isExactDecode(arith::ExtFOp) const override { return true; }
};

} // namespace

void mlir::fp8::populateFP8HardwareConversionPatterns(
    RewritePatternSet &patterns, const GPUChip &chip) {
  if (!chip.hasFP8Conversions())
    return;
  patterns.add<HardwareConvert, HardwareTruncF, HardwareExtF>(
      patterns.getContext());
}
