//===- FP8Ops.cpp - fp8 operations and verifiers --------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// Shared verification
//===----------------------------------------------------------------------===//

/// Prints an integer list as `[a, b, ?]`.
static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string result = "[";
  llvm::raw_string_ostream os(result);
  llvm::interleaveComma(shape, os, [&](int64_t dim) {
    if (ShapedType::isDynamic(dim))
      os << "?";
    else
      os << dim;
  });
  os << "]";
  return result;
}

/// `a` and `b` are both scalars, both vectors of one shape, or both ranked
/// tensors of compatible shapes.
static bool haveSameShape(Type a, Type b) {
  if (isa<VectorType>(a) || isa<VectorType>(b)) {
    auto va = dyn_cast<VectorType>(a), vb = dyn_cast<VectorType>(b);
    return va && vb && va.getShape() == vb.getShape() &&
           va.getScalableDims() == vb.getScalableDims();
  }
  if (isa<TensorType>(a) || isa<TensorType>(b)) {
    auto ta = dyn_cast<RankedTensorType>(a), tb = dyn_cast<RankedTensorType>(b);
    return ta && tb && succeeded(verifyCompatibleShape(ta, tb));
  }
  return true;
}

static LogicalResult verifySameShape(Operation *op, Type a, StringRef aName,
                                     Type b, StringRef bName) {
  if (haveSameShape(a, b))
    return success();
  return op->emitOpError() << "expects " << aName << " and " << bName
                           << " of the same shape, got " << a << " and " << b;
}

/// Checks a scale (or, for fp8.amax, the result) against the input it
/// scales: without `block` it is a scalar or 0-d; with `block` it is a vector
/// or tensor like the input, of shape ceildiv(input shape, block).
static LogicalResult verifyBlockedScale(Operation *op, Type inputType,
                                        StringRef inputName, Type scaleType,
                                        StringRef scaleName,
                                        std::optional<ArrayRef<int64_t>> block,
                                        StringRef blockName) {
  auto scaleShaped = dyn_cast<ShapedType>(scaleType);
  if (!block) {
    if (scaleShaped && scaleShaped.getRank() != 0)
      return op->emitOpError()
             << "expects a scalar or 0-d " << scaleName << " without `"
             << blockName << "` (per-tensor scaling), got " << scaleType;
    return success();
  }
  auto inputShaped = dyn_cast<ShapedType>(inputType);
  if (!inputShaped)
    return op->emitOpError()
           << "`" << blockName << "` needs a vector or tensor " << inputName
           << ", got " << inputType;
  if (static_cast<int64_t>(block->size()) != inputShaped.getRank())
    return op->emitOpError() << "`" << blockName << "` has " << block->size()
                             << " entries but the " << inputName << " has rank "
                             << inputShaped.getRank();
  if (llvm::any_of(*block, [](int64_t size) { return size < 1; }))
    return op->emitOpError()
           << "`" << blockName << "` entries must be >= 1, got "
           << formatShape(*block);
  if (!scaleShaped || isa<VectorType>(scaleType) != isa<VectorType>(inputType))
    return op->emitOpError()
           << "expects a " << (isa<VectorType>(inputType) ? "vector" : "tensor")
           << " " << scaleName << " with `" << blockName << "`, like the "
           << inputName << ", got " << scaleType;
  if (scaleShaped.getRank() != inputShaped.getRank())
    return op->emitOpError()
           << "expects a " << scaleName << " of rank " << inputShaped.getRank()
           << " with `" << blockName << "`, got " << scaleType;
  SmallVector<int64_t> expected =
      getBlockedScaleShape(inputShaped.getShape(), *block);
  for (auto [want, have] : llvm::zip_equal(expected, scaleShaped.getShape())) {
    if (ShapedType::isDynamic(want) || ShapedType::isDynamic(have) ||
        want == have)
      continue;
    return op->emitOpError()
           << scaleName << " shape " << formatShape(scaleShaped.getShape())
           << " does not match ceildiv(" << inputName << " shape "
           << formatShape(inputShaped.getShape()) << ", " << blockName << " "
           << formatShape(*block) << ") = " << formatShape(expected);
  }
  return success();
}

/// Checks `rounding` for a result of element type `resultElementType`.
static LogicalResult verifyRounding(Operation *op, Rounding rounding,
                                    Type resultElementType) {
  std::optional<::fp8::Format> format = getFormat(resultElementType);
  if (!format)
    return success();
  if (::fp8::isRoundingSupported(*format, toNumerics(rounding)))
    return success();
  InFlightDiagnostic diag = op->emitOpError()
                            << "rounding '" << stringifyRounding(rounding)
                            << "' does not apply to " << resultElementType
                            << " results";
  if (rounding == Rounding::hybrid)
    diag << " (hybrid rounding is HiF8's)";
  else if (*format == ::fp8::Format::HiF8)
    diag << " (HiF8 takes nearest_away, hybrid, toward_zero, nearest_even "
            "and stochastic)";
  return diag;
}

/// Stochastic rounding needs random bits of the input's shape; nothing else
/// takes them.
static LogicalResult verifyRandomBits(Operation *op, Rounding rounding,
                                      Value randomBits, Type inputType) {
  if (rounding == Rounding::stochastic && !randomBits)
    return op->emitOpError("stochastic rounding needs `random` bits");
  if (rounding != Rounding::stochastic && randomBits)
    return op->emitOpError("`random` bits are only used by stochastic "
                           "rounding, not '")
           << stringifyRounding(rounding) << "'";
  if (randomBits)
    return verifySameShape(op, inputType, "input", randomBits.getType(),
                           "random bits");
  return success();
}

//===----------------------------------------------------------------------===//
// ConvertOp
//===----------------------------------------------------------------------===//

Rounding ConvertOp::getEffectiveRounding() {
  return fp8::getEffectiveRounding(getRounding(),
                                   getElementTypeOrSelf(getOut().getType()));
}

LogicalResult ConvertOp::verify() {
  Type inType = getIn().getType(), outType = getOut().getType();
  Type inElement = getElementTypeOrSelf(inType);
  Type outElement = getElementTypeOrSelf(outType);
  if (failed(verifySameShape(*this, inType, "input", outType, "result")))
    return failure();
  if (!isNarrowFloat(inElement) && !isNarrowFloat(outElement))
    return emitOpError("expects a narrow float (f8, f6, f4 or !fp8.hif8) on "
                       "at least one side, got ")
           << inElement << " to " << outElement
           << "; use arith.extf / arith.truncf between wide floats";
  Rounding rounding = getEffectiveRounding();
  bool needsNarrowResult = rounding == Rounding::odd ||
                           rounding == Rounding::hybrid ||
                           rounding == Rounding::stochastic;
  if (needsNarrowResult && !isNarrowFloat(outElement))
    return emitOpError() << "rounding '" << stringifyRounding(rounding)
                         << "' needs a narrow result, got " << outElement;
  if (failed(verifyRounding(*this, rounding, outElement)))
    return failure();
  if (rounding == Rounding::hybrid &&
      !(inElement.isF32() || inElement.isF16() || inElement.isBF16()))
    return emitOpError() << "hybrid rounding is defined for f32, f16 and bf16 "
                            "sources only, got "
                         << inElement;
  return verifyRandomBits(*this, rounding, getRandomBits(), inType);
}

//===----------------------------------------------------------------------===//
// BitcastOp
//===----------------------------------------------------------------------===//

static unsigned getBitWidth(Type elementType) {
  if (isa<HiF8Type>(elementType))
    return 8;
  return elementType.getIntOrFloatBitWidth();
}

LogicalResult BitcastOp::verify() {
  Type inType = getIn().getType(), outType = getOut().getType();
  if (failed(verifySameShape(*this, inType, "input", outType, "result")))
    return failure();
  Type inElement = getElementTypeOrSelf(inType);
  Type outElement = getElementTypeOrSelf(outType);
  if (getBitWidth(inElement) != getBitWidth(outElement))
    return emitOpError() << "expects input and result elements of the same "
                            "bit width, got "
                         << inElement << " (" << getBitWidth(inElement)
                         << " bits) and " << outElement << " ("
                         << getBitWidth(outElement) << " bits)";
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp / DequantizeOp
//===----------------------------------------------------------------------===//

Rounding QuantizeOp::getEffectiveRounding() {
  return fp8::getEffectiveRounding(getRounding(),
                                   getElementTypeOrSelf(getOutput().getType()));
}

LogicalResult QuantizeOp::verify() {
  Type inType = getInput().getType();
  if (failed(verifySameShape(*this, inType, "input", getOutput().getType(),
                             "result")) ||
      failed(verifyBlockedScale(*this, inType, "input", getScale().getType(),
                                "scale", getBlock(), "block")))
    return failure();
  Rounding rounding = getEffectiveRounding();
  if (failed(verifyRounding(*this, rounding,
                            getElementTypeOrSelf(getOutput().getType()))))
    return failure();
  return verifyRandomBits(*this, rounding, getRandomBits(), inType);
}

LogicalResult DequantizeOp::verify() {
  Type inType = getInput().getType();
  if (failed(verifySameShape(*this, inType, "input", getOutput().getType(),
                             "result")))
    return failure();
  return verifyBlockedScale(*this, inType, "input", getScale().getType(),
                            "scale", getBlock(), "block");
}

//===----------------------------------------------------------------------===//
// AmaxOp
//===----------------------------------------------------------------------===//

LogicalResult AmaxOp::verify() {
  Type resultType = getResult().getType();
  if (!getBlock() && isa<ShapedType>(resultType))
    return emitOpError() << "expects a scalar f32 result without `block` "
                            "(amax of the whole input), got "
                         << resultType;
  return verifyBlockedScale(*this, getInput().getType(), "input", resultType,
                            "result", getBlock(), "block");
}

//===----------------------------------------------------------------------===//
// ComputeScaleOp
//===----------------------------------------------------------------------===//

LogicalResult ComputeScaleOp::verify() {
  if (failed(verifySameShape(*this, getAmax().getType(), "amax",
                             getScale().getType(), "result")))
    return failure();
  std::optional<::fp8::Format> format = fp8::getFormat(getFormat());
  if (!format)
    return emitOpError() << "expects `format` to be a narrow float type (f8, "
                            "f6, f4 or !fp8.hif8), got "
                         << getFormatAttr().getValue();
  double maxFinite = ::fp8::getFormatInfo(*format).maxFinite;
  if (std::optional<APFloat> targetMax = getTargetMax()) {
    if (getSignedMargin() != 0)
      return emitOpError() << "sets both `target_max` and `margin` "
                           << getSignedMargin()
                           << "; target_max replaces margin";
    auto print = [](const APFloat &value) {
      SmallString<16> text;
      value.toString(text);
      return text;
    };
    double value = targetMax->convertToDouble();
    if (!(value >= FLT_MIN && value <= FLT_MAX))
      return emitOpError() << "expects `target_max` to be a finite f32 no "
                              "smaller than the smallest normal f32, got "
                           << print(*targetMax);
    if (value > maxFinite)
      return emitOpError() << "expects `target_max` <= max_finite("
                           << getFormatAttr().getValue()
                           << ") = " << print(APFloat(maxFinite)) << ", got "
                           << print(*targetMax);
    return success();
  }
  // The target max_finite * 2^-margin must be a normal f32.
  double target = ::fp8::getScaleTarget(*format, getSignedMargin());
  if (!(target >= FLT_MIN && target <= FLT_MAX))
    return emitOpError() << "margin " << getSignedMargin()
                         << " puts max_finite(" << getFormatAttr().getValue()
                         << ") * 2^-margin outside the normal f32 range";
  return success();
}

double ComputeScaleOp::getScaleTarget() {
  if (std::optional<APFloat> targetMax = getTargetMax())
    return targetMax->convertToDouble();
  return ::fp8::getScaleTarget(*fp8::getFormat(getFormat()), getSignedMargin());
}

//===----------------------------------------------------------------------===//
// ScaledMatmulOp
//===----------------------------------------------------------------------===//

LogicalResult ScaledMatmulOp::verify() {
  auto lhsType = cast<RankedTensorType>(getLhs().getType());
  auto rhsType = cast<RankedTensorType>(getRhs().getType());
  auto resultType = cast<RankedTensorType>(getResult().getType());
  int64_t rank = lhsType.getRank();
  if (rank < 2)
    return emitOpError() << "expects operands of rank >= 2 ([batch..., M, K]), "
                            "got "
                         << lhsType;
  if (rhsType.getRank() != rank)
    return emitOpError() << "expects lhs and rhs of the same rank, got "
                         << lhsType << " and " << rhsType;
  if (resultType.getRank() != rank)
    return emitOpError() << "expects a result of rank " << rank << ", got "
                         << resultType;

  ArrayRef<int64_t> lhsShape = lhsType.getShape(),
                    rhsShape = rhsType.getShape();
  int64_t m = lhsShape[rank - 2], k = lhsShape[rank - 1];
  bool transposed = getRhsTransposed();
  int64_t rhsK = rhsShape[rank - (transposed ? 1 : 2)];
  int64_t n = rhsShape[rank - (transposed ? 2 : 1)];
  auto compatible = [](int64_t a, int64_t b) {
    return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
  };
  if (!compatible(k, rhsK))
    return emitOpError() << "contraction sizes differ: lhs " << lhsType
                         << " has K = " << k << " but rhs " << rhsType
                         << " has K = " << rhsK
                         << (transposed ? " (rhs is [batch..., N, K])"
                                        : " (rhs is [batch..., K, N])");
  SmallVector<int64_t> expected(lhsShape.drop_back(2));
  for (auto [dim, lhsDim, rhsDim] :
       llvm::enumerate(lhsShape.drop_back(2), rhsShape.drop_back(2))) {
    if (!compatible(lhsDim, rhsDim))
      return emitOpError() << "batch dimension " << dim
                           << " differs: " << lhsDim << " (lhs) vs " << rhsDim
                           << " (rhs)";
    if (ShapedType::isDynamic(lhsDim))
      expected[dim] = rhsDim;
  }
  expected.push_back(m);
  expected.push_back(n);
  if (failed(verifyCompatibleShape(expected, resultType.getShape())))
    return emitOpError() << "expects a result of shape "
                         << formatShape(expected) << ", got " << resultType;

  if (failed(verifyBlockedScale(*this, lhsType, "lhs", getLhsScale().getType(),
                                "lhs scale", getLhsBlock(), "lhs_block")) ||
      failed(verifyBlockedScale(*this, rhsType, "rhs", getRhsScale().getType(),
                                "rhs scale", getRhsBlock(), "rhs_block")))
    return failure();

  if (Value bias = getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    bool isRow =
        biasType.getRank() == 1 && compatible(biasType.getDimSize(0), n);
    if (!isRow && failed(verifyCompatibleShape(biasType.getShape(),
                                               resultType.getShape())))
      return emitOpError() << "expects a bias of shape [" << n
                           << "] or of the result's shape "
                           << formatShape(resultType.getShape()) << ", got "
                           << biasType;
  }

  Type resultElement = resultType.getElementType();
  bool quantized = isNarrowFloat(resultElement);
  if (quantized && !getOutScale())
    return emitOpError() << "a " << resultElement
                         << " result needs `out_scale` to quantize with";
  if (!quantized && getOutScale())
    return emitOpError() << "`out_scale` needs a narrow result type, got "
                         << resultElement;
  if (!quantized && (getRounding() || getSaturation() != Saturation::none))
    return emitOpError() << "rounding and saturation apply to a narrow "
                            "result only, got "
                         << resultElement;
  Rounding rounding = fp8::getEffectiveRounding(getRounding(), resultElement);
  if (rounding == Rounding::stochastic)
    return emitOpError("stochastic rounding is not supported for the output "
                       "quantization (no random bits); quantize the f32 "
                       "result with fp8.quantize instead");
  return verifyRounding(*this, rounding, resultElement);
}

#define GET_OP_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Ops.cpp.inc"
