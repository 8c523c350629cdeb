//===- FP8Folding.cpp - fp8 folders and canonicalizations -----------------===//
//
// Constant folding goes through the numerics library, so a folded constant
// is bit-identical with what the lowered code computes. HiF8 values have no
// attribute form: folds that produce HiF8 are canonicalization patterns that
// emit an i8 constant and an fp8.bitcast.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::fp8;

namespace {

/// The elements of a constant in row-major order; a splat holds one.
template <typename T> struct Elements {
  SmallVector<T> data;
  bool splat = false;

  T operator[](int64_t i) const { return splat ? data.front() : data[i]; }
};

/// Maps the row-major index of an element to the row-major index of its
/// scale under a block shape (docs/Design.md §3).
class BlockIndexer {
public:
  BlockIndexer(ArrayRef<int64_t> shape, std::optional<ArrayRef<int64_t>> block)
      : shape(shape) {
    if (!block)
      return;
    blockSizes.assign(block->begin(), block->end());
    scaleShape = getBlockedScaleShape(shape, *block);
  }

  int64_t operator()(int64_t linear) const {
    if (blockSizes.empty())
      return 0;
    int64_t scaleLinear = 0, scaleStride = 1;
    for (int64_t dim = shape.size() - 1; dim >= 0; --dim) {
      int64_t index = linear % shape[dim];
      linear /= shape[dim];
      scaleLinear += (index / blockSizes[dim]) * scaleStride;
      scaleStride *= scaleShape[dim];
    }
    return scaleLinear;
  }

private:
  SmallVector<int64_t> shape, blockSizes, scaleShape;
};

} // namespace

static int64_t getNumElements(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getNumElements();
  return 1;
}

static bool hasStaticShape(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  return !shaped || shaped.hasStaticShape();
}

static ArrayRef<int64_t> getShape(Type type) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.getShape();
  return {};
}

//===----------------------------------------------------------------------===//
// Reading constants
//===----------------------------------------------------------------------===//

/// The bits of each element of an integer or float constant attribute.
static std::optional<Elements<APInt>> getConstantBits(Attribute attr) {
  Elements<APInt> result;
  if (auto intAttr = dyn_cast_if_present<IntegerAttr>(attr)) {
    result.data.push_back(intAttr.getValue());
  } else if (auto floatAttr = dyn_cast_if_present<FloatAttr>(attr)) {
    result.data.push_back(floatAttr.getValue().bitcastToAPInt());
  } else if (auto dense = dyn_cast_if_present<DenseIntOrFPElementsAttr>(attr)) {
    result.splat = dense.isSplat();
    if (isa<FloatType>(dense.getElementType())) {
      if (result.splat)
        result.data.push_back(dense.getSplatValue<APFloat>().bitcastToAPInt());
      else
        for (const APFloat &value : dense.getValues<APFloat>())
          result.data.push_back(value.bitcastToAPInt());
    } else if (result.splat) {
      result.data.push_back(dense.getSplatValue<APInt>());
    } else {
      llvm::append_range(result.data, dense.getValues<APInt>());
    }
  } else {
    return std::nullopt;
  }
  return result;
}

/// The codes of a constant narrow-float value: a builtin f8/f6/f4 constant
/// (`attr`), or an fp8.bitcast of an integer constant (how HiF8 constants
/// are written).
static std::optional<Elements<uint8_t>> getConstantCodes(Value value,
                                                         Attribute attr) {
  if (!attr) {
    auto bitcast = value.getDefiningOp<BitcastOp>();
    if (!bitcast || !matchPattern(bitcast.getIn(), m_Constant(&attr)))
      return std::nullopt;
  }
  std::optional<Elements<APInt>> bits = getConstantBits(attr);
  if (!bits)
    return std::nullopt;
  Elements<uint8_t> codes;
  codes.splat = bits->splat;
  for (const APInt &element : bits->data)
    codes.data.push_back(static_cast<uint8_t>(element.getZExtValue()));
  return codes;
}

/// The exact values of a constant of wide floats (f16, bf16, f32, f64) or
/// narrow floats, as doubles (every such value is exact in binary64).
static std::optional<Elements<double>> getConstantValues(Value value,
                                                         Attribute attr) {
  Type elementType = getElementTypeOrSelf(value.getType());
  Elements<double> values;
  if (std::optional<::fp8::Format> format = getFormat(elementType)) {
    std::optional<Elements<uint8_t>> codes = getConstantCodes(value, attr);
    if (!codes)
      return std::nullopt;
    values.splat = codes->splat;
    for (uint8_t code : codes->data)
      values.data.push_back(::fp8::decode(*format, code));
    return values;
  }
  auto toDouble = [](APFloat v) {
    bool losesInfo;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
    return v.convertToDouble();
  };
  if (auto floatAttr = dyn_cast_if_present<FloatAttr>(attr)) {
    values.data.push_back(toDouble(floatAttr.getValue()));
  } else if (auto dense = dyn_cast_if_present<DenseFPElementsAttr>(attr)) {
    values.splat = dense.isSplat();
    if (values.splat)
      values.data.push_back(toDouble(dense.getSplatValue<APFloat>()));
    else
      for (const APFloat &v : dense.getValues<APFloat>())
        values.data.push_back(toDouble(v));
  } else if (auto resource =
                 dyn_cast_if_present<DenseResourceElementsAttr>(attr)) {
    // torch-mlir's weights: the blob holds the elements, packed.
    auto floatType = dyn_cast<FloatType>(elementType);
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!floatType || !blob || floatType.getWidth() % 8 != 0 ||
        floatType.getWidth() > 64)
      return std::nullopt;
    size_t bytes = floatType.getWidth() / 8;
    ArrayRef<char> data = blob->getData();
    if (data.size() != bytes * getNumElements(resource.getType()))
      return std::nullopt;
    values.data.reserve(data.size() / bytes);
    for (size_t offset = 0; offset < data.size(); offset += bytes) {
      uint64_t bits = 0;
      std::memcpy(&bits, data.data() + offset, bytes);
      values.data.push_back(toDouble(APFloat(
          floatType.getFloatSemantics(), APInt(floatType.getWidth(), bits))));
    }
  } else {
    return std::nullopt;
  }
  return values;
}

/// The i32 random bits of a stochastic rounding, or all zero when the op
/// does not round stochastically.
static std::optional<Elements<uint32_t>> getRandomBits(Value randomBits) {
  Elements<uint32_t> result;
  if (!randomBits) {
    result.splat = true;
    result.data.push_back(0);
    return result;
  }
  Attribute attr;
  if (!matchPattern(randomBits, m_Constant(&attr)))
    return std::nullopt;
  std::optional<Elements<APInt>> bits = getConstantBits(attr);
  if (!bits)
    return std::nullopt;
  result.splat = bits->splat;
  for (const APInt &element : bits->data)
    result.data.push_back(static_cast<uint32_t>(element.getZExtValue()));
  return result;
}

//===----------------------------------------------------------------------===//
// Element conversions (all through the numerics library)
//===----------------------------------------------------------------------===//

/// Encodes the exact value `value` of element type `sourceType` into
/// `format`. The source type matters to hybrid rounding (SR14 from f32, SR2
/// from f16 / bf16).
static uint8_t encodeFrom(Type sourceType, double value, ::fp8::Format format,
                          ::fp8::Rounding rounding,
                          ::fp8::Saturation saturation, uint32_t randomBits) {
  if (sourceType.isF32())
    return ::fp8::encode(format, static_cast<float>(value), rounding,
                         saturation, randomBits);
  if (sourceType.isF16() || sourceType.isBF16()) {
    APFloat half(value);
    bool losesInfo;
    half.convert(cast<FloatType>(sourceType).getFloatSemantics(),
                 APFloat::rmNearestTiesToEven, &losesInfo);
    return ::fp8::encodeHalfBits(
        format, static_cast<uint16_t>(half.bitcastToAPInt().getZExtValue()),
        sourceType.isF16() ? ::fp8::Source::Binary16 : ::fp8::Source::BFloat16,
        rounding, saturation, randomBits);
  }
  return ::fp8::encode(format, value, rounding, saturation, randomBits);
}

static std::optional<APFloat::roundingMode> getIEEERounding(Rounding rounding) {
  switch (rounding) {
  case Rounding::nearest_even:
    return APFloat::rmNearestTiesToEven;
  case Rounding::nearest_away:
    return APFloat::rmNearestTiesToAway;
  case Rounding::toward_zero:
    return APFloat::rmTowardZero;
  case Rounding::upward:
    return APFloat::rmTowardPositive;
  case Rounding::downward:
    return APFloat::rmTowardNegative;
  default:
    return std::nullopt;
  }
}

/// Rounds the exact `value` into the wide float type `type` (IEEE modes).
static APFloat roundToWide(double value, FloatType type, Rounding rounding,
                           Saturation saturation) {
  APFloat result(value);
  bool losesInfo;
  result.convert(
      type.getFloatSemantics(),
      getIEEERounding(rounding).value_or(APFloat::rmNearestTiesToEven),
      &losesInfo);
  if (saturation == Saturation::finite && result.isInfinity())
    return APFloat::getLargest(type.getFloatSemantics(), result.isNegative());
  return result;
}

/// Converts one exact value of `sourceType` to `targetType`: the bits of the
/// result (a code for narrow targets).
static APInt convertElement(Type sourceType, Type targetType, double value,
                            Rounding rounding, Saturation saturation,
                            uint32_t randomBits) {
  if (std::optional<::fp8::Format> format = getFormat(targetType))
    return APInt(::fp8::getFormatInfo(*format).bitWidth,
                 encodeFrom(sourceType, value, *format, toNumerics(rounding),
                            toNumerics(saturation), randomBits));
  return roundToWide(value, cast<FloatType>(targetType), rounding, saturation)
      .bitcastToAPInt();
}

//===----------------------------------------------------------------------===//
// Building results
//===----------------------------------------------------------------------===//

/// An attribute of `type` (scalar, vector or tensor of a builtin float or
/// integer type) holding `bits`.
static Attribute makeAttr(Type type, const Elements<APInt> &bits) {
  Type elementType = getElementTypeOrSelf(type);
  auto toAttrValue = [&](const APInt &value) -> Attribute {
    if (auto floatType = dyn_cast<FloatType>(elementType))
      return FloatAttr::get(floatType,
                            APFloat(floatType.getFloatSemantics(), value));
    return IntegerAttr::get(elementType, value);
  };
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return toAttrValue(bits[0]);
  if (bits.splat)
    return DenseElementsAttr::get(shaped, toAttrValue(bits[0]));
  if (auto floatType = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    values.reserve(bits.data.size());
    for (const APInt &value : bits.data)
      values.emplace_back(floatType.getFloatSemantics(), value);
    return DenseElementsAttr::get(shaped, values);
  }
  return DenseElementsAttr::get(shaped, bits.data);
}

/// Evaluates `fn` at each element index of `resultType`, or once where every
/// input is a splat.
template <typename Fn>
static Elements<APInt> mapElements(bool allSplat, Type resultType, Fn &&fn) {
  Elements<APInt> result;
  result.splat = allSplat;
  int64_t count = allSplat ? 1 : getNumElements(resultType);
  result.data.reserve(count);
  for (int64_t i = 0; i < count; ++i)
    result.data.push_back(fn(i));
  return result;
}

/// The folded value of a narrow result, or nullptr where it is HiF8 (which
/// the canonicalization patterns below handle).
static Attribute foldToAttr(Type resultType,
                            const std::optional<Elements<APInt>> &bits) {
  if (!bits || isa<HiF8Type>(getElementTypeOrSelf(resultType)))
    return {};
  return makeAttr(resultType, *bits);
}

//===----------------------------------------------------------------------===//
// ConvertOp
//===----------------------------------------------------------------------===//

/// The folded value of `op` given its constant operands, if they all are.
static std::optional<Elements<APInt>>
evaluateConvert(ConvertOp op, ArrayRef<Attribute> operands) {
  Type resultType = op.getOut().getType();
  if (!hasStaticShape(resultType))
    return std::nullopt;
  std::optional<Elements<double>> values =
      getConstantValues(op.getIn(), operands[0]);
  std::optional<Elements<uint32_t>> random = getRandomBits(op.getRandomBits());
  if (!values || !random)
    return std::nullopt;
  Type sourceType = getElementTypeOrSelf(op.getIn().getType());
  Type targetType = getElementTypeOrSelf(resultType);
  Rounding rounding = op.getEffectiveRounding();
  Saturation saturation = op.getSaturation();
  return mapElements(
      values->splat && random->splat, resultType, [&](int64_t i) {
        return convertElement(sourceType, targetType, (*values)[i], rounding,
                              saturation, (*random)[i]);
      });
}

/// Whether convert(convert(x : A -> B) : B -> A) returns every code of the
/// narrow format A bit for bit (B holds A exactly, no NaN payload or -0 is
/// lost, saturation and hybrid rounding do not move a value). Checked over
/// all codes with the numerics library; stochastic rounding is checked at
/// both extremes of the random bits, which bound every outcome.
static bool isExactRoundTrip(ConvertOp there, ConvertOp back) {
  Type a = getElementTypeOrSelf(back.getOut().getType());
  Type b = getElementTypeOrSelf(there.getOut().getType());
  std::optional<::fp8::Format> format = getFormat(a);
  if (!format)
    return false;
  const ::fp8::FormatInfo &info = ::fp8::getFormatInfo(*format);
  for (uint32_t random : {0u, ~0u}) {
    for (unsigned code = 0; code < (1u << info.bitWidth); ++code) {
      APInt mid = convertElement(a, b, ::fp8::decode(*format, code),
                                 there.getEffectiveRounding(),
                                 there.getSaturation(), random);
      double midValue =
          isNarrowFloat(b)
              ? ::fp8::decode(*getFormat(b), mid.getZExtValue())
              : APFloat(cast<FloatType>(b).getFloatSemantics(), mid)
                    .convertToDouble();
      APInt result = convertElement(b, a, midValue, back.getEffectiveRounding(),
                                    back.getSaturation(), random);
      if (result.getZExtValue() != code)
        return false;
    }
  }
  return true;
}

OpFoldResult ConvertOp::fold(FoldAdaptor adaptor) {
  if (getIn().getType() == getOut().getType())
    return getIn();
  if (auto producer = getIn().getDefiningOp<ConvertOp>())
    if (producer.getIn().getType() == getOut().getType() &&
        isExactRoundTrip(producer, *this))
      return producer.getIn();
  return foldToAttr(getOut().getType(),
                    evaluateConvert(*this, adaptor.getOperands()));
}

/// Builds `fp8.bitcast(arith.constant <i8 payload>)` for a folded HiF8 value.
static Value createHiF8Constant(PatternRewriter &rewriter, Location loc,
                                Type resultType, const Elements<APInt> &bits) {
  Type i8 = rewriter.getI8Type();
  Type payloadType = i8;
  if (auto shaped = dyn_cast<ShapedType>(resultType))
    payloadType = shaped.clone(i8);
  auto payload = cast<TypedAttr>(makeAttr(payloadType, bits));
  Value constant = arith::ConstantOp::create(rewriter, loc, payload);
  return BitcastOp::create(rewriter, loc, resultType, constant);
}

namespace {

/// Folds a constant op with a HiF8 result into `fp8.bitcast(arith.constant)`,
/// evaluated by the same `evaluate` as the op's folder.
template <typename OpTy, auto evaluate>
struct FoldConstantToHiF8 : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Type resultType = op->getResult(0).getType();
    if (!isa<HiF8Type>(getElementTypeOrSelf(resultType)))
      return rewriter.notifyMatchFailure(op, "result is not HiF8");
    SmallVector<Attribute> operands(op->getNumOperands());
    for (auto [attr, operand] : llvm::zip_equal(operands, op->getOperands()))
      matchPattern(operand, m_Constant(&attr));
    std::optional<Elements<APInt>> bits = evaluate(op, operands);
    if (!bits)
      return rewriter.notifyMatchFailure(op, "operands are not constant");
    rewriter.replaceOp(
        op, createHiF8Constant(rewriter, op.getLoc(), resultType, *bits));
    return success();
  }
};

} // namespace

void ConvertOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<FoldConstantToHiF8<ConvertOp, evaluateConvert>>(context);
}

//===----------------------------------------------------------------------===//
// BitcastOp
//===----------------------------------------------------------------------===//

OpFoldResult BitcastOp::fold(FoldAdaptor adaptor) {
  Type outType = getOut().getType();
  if (getIn().getType() == outType)
    return getIn();
  if (auto producer = getIn().getDefiningOp<BitcastOp>()) {
    if (producer.getIn().getType() == outType)
      return producer.getIn();
    getInMutable().assign(producer.getIn());
    return getOut();
  }
  // A HiF8 constant stays `bitcast(constant)`: it has no attribute form.
  if (isa<HiF8Type>(getElementTypeOrSelf(outType)) || !hasStaticShape(outType))
    return {};
  std::optional<Elements<APInt>> bits = getConstantBits(adaptor.getIn());
  if (!bits)
    return {};
  return makeAttr(outType, *bits);
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

/// The scale values of a constant scale operand, as f32 (exact).
static std::optional<Elements<float>> getConstantScales(Value scale,
                                                        Attribute attr) {
  std::optional<Elements<double>> values = getConstantValues(scale, attr);
  if (!values)
    return std::nullopt;
  Elements<float> result;
  result.splat = values->splat;
  for (double value : values->data)
    result.data.push_back(static_cast<float>(value));
  return result;
}

static std::optional<Elements<APInt>>
evaluateQuantize(QuantizeOp op, ArrayRef<Attribute> operands) {
  Type resultType = op.getOutput().getType();
  if (!hasStaticShape(resultType))
    return std::nullopt;
  std::optional<Elements<double>> values =
      getConstantValues(op.getInput(), operands[0]);
  std::optional<Elements<float>> scales =
      getConstantScales(op.getScale(), operands[1]);
  std::optional<Elements<uint32_t>> random = getRandomBits(op.getRandomBits());
  if (!values || !scales || !random)
    return std::nullopt;
  ::fp8::Format format = *getFormat(getElementTypeOrSelf(resultType));
  ::fp8::Rounding rounding = toNumerics(op.getEffectiveRounding());
  ::fp8::Saturation saturation = toNumerics(op.getSaturation());
  BlockIndexer scaleIndex(getShape(resultType), op.getBlock());
  return mapElements(
      values->splat && scales->splat && random->splat, resultType,
      [&](int64_t i) {
        return APInt(::fp8::getFormatInfo(format).bitWidth,
                     ::fp8::quantize(format, static_cast<float>((*values)[i]),
                                     (*scales)[scaleIndex(i)], rounding,
                                     saturation, (*random)[i]));
      });
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  return foldToAttr(getOutput().getType(),
                    evaluateQuantize(*this, adaptor.getOperands()));
}

void QuantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<FoldConstantToHiF8<QuantizeOp, evaluateQuantize>>(context);
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  Type resultType = getOutput().getType();
  if (!hasStaticShape(resultType))
    return {};
  std::optional<Elements<uint8_t>> codes =
      getConstantCodes(getInput(), adaptor.getInput());
  std::optional<Elements<float>> scales =
      getConstantScales(getScale(), adaptor.getScale());
  if (!codes || !scales)
    return {};
  ::fp8::Format format = *getFormat(getElementTypeOrSelf(getInput().getType()));
  auto resultElement = cast<FloatType>(getElementTypeOrSelf(resultType));
  BlockIndexer scaleIndex(getShape(resultType), getBlock());
  bool allSplat = codes->splat && scales->splat;
  return makeAttr(resultType, mapElements(allSplat, resultType, [&](int64_t i) {
                    float value = ::fp8::dequantize(format, (*codes)[i],
                                                    (*scales)[scaleIndex(i)]);
                    return roundToWide(value, resultElement,
                                       Rounding::nearest_even, Saturation::none)
                        .bitcastToAPInt();
                  }));
}

//===----------------------------------------------------------------------===//
// AmaxOp / ComputeScaleOp
//===----------------------------------------------------------------------===//

OpFoldResult AmaxOp::fold(FoldAdaptor adaptor) {
  Type inputType = getInput().getType();
  if (!hasStaticShape(inputType) || !hasStaticShape(getResult().getType()))
    return {};
  std::optional<Elements<double>> values =
      getConstantValues(getInput(), adaptor.getInput());
  if (!values)
    return {};
  // NaN propagates: once a block's amax is NaN it stays NaN.
  Elements<APInt> result;
  result.data.assign(getNumElements(getResult().getType()), APInt(32, 0));
  SmallVector<float> amax(result.data.size(), 0.0f);
  BlockIndexer scaleIndex(getShape(inputType), getBlock());
  for (int64_t i = 0, e = getNumElements(inputType); i < e; ++i) {
    float magnitude = std::fabs(static_cast<float>((*values)[i]));
    float &current = amax[scaleIndex(i)];
    if (std::isnan(current))
      continue;
    if (std::isnan(magnitude) || magnitude > current)
      current = magnitude;
  }
  // A NaN amax is the canonical quiet NaN, whatever NaNs the block held.
  for (auto [bits, value] : llvm::zip_equal(result.data, amax))
    bits = std::isnan(value) ? APInt(32, 0x7FC00000)
                             : APFloat(value).bitcastToAPInt();
  return makeAttr(getResult().getType(), result);
}

OpFoldResult ComputeScaleOp::fold(FoldAdaptor adaptor) {
  Type resultType = getScale().getType();
  if (!hasStaticShape(resultType))
    return {};
  std::optional<Elements<double>> amax =
      getConstantValues(getAmax(), adaptor.getAmax());
  if (!amax)
    return {};
  double target = getScaleTarget();
  bool toE8M0 = isa<Float8E8M0FNUType>(getElementTypeOrSelf(resultType));
  return makeAttr(
      resultType, mapElements(amax->splat, resultType, [&](int64_t i) {
        float value = static_cast<float>((*amax)[i]);
        if (toE8M0)
          return APInt(8, ::fp8::computeScaleE8M0ForTarget(value, target));
        return APFloat(::fp8::computeScaleForTarget(value, target, getPow2()))
            .bitcastToAPInt();
      }));
}
