//===- InsertCasts.cpp - High-precision contractions to fp8 ---------------===//
//
// fp8-insert-casts: every selected contraction becomes amax -> compute_scale
// -> quantize on both operands and one fp8.scaled_matmul. Convolutions are
// first rewritten into contractions (ConvToContraction.cpp), batch
// contractions against a broadcast into one larger contraction
// (CollapseBroadcastContractions.cpp).
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "ContractionLayout.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Format.h"

#include <cfloat>
#include <cmath>
#include <limits>

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8INSERTCASTSPASS
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

/// The block entry that covers a dynamic dimension whole.
static constexpr int64_t kWholeDynamicDim = std::numeric_limits<int32_t>::max();

std::optional<ScalingMode> mlir::fp8::parseScalingMode(StringRef name) {
  return llvm::StringSwitch<std::optional<ScalingMode>>(name)
      .Case("tensor", ScalingMode::tensor)
      .Case("row", ScalingMode::row)
      .Case("block1x128", ScalingMode::block1x128)
      .Case("block128x128", ScalingMode::block128x128)
      .Case("mx32", ScalingMode::mx32)
      .Default(std::nullopt);
}

//===----------------------------------------------------------------------===//
// Matching
//===----------------------------------------------------------------------===//

LogicalResult mlir::fp8::matchContraction(linalg::LinalgOp op,
                                          std::string *why) {
  return getContractionLayout(op, why);
}

/// Whether `value` is a tensor of +0.0 (a fill or a splat constant).
static bool isPositiveZeroTensor(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    return matchPattern(fill.getInputs()[0], m_PosZeroFloat());
  return matchPattern(value, m_PosZeroFloat());
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

namespace {
/// One operand in its scaled_matmul layout and how it is scaled.
struct OperandScaling {
  /// The block shape, or none for one scale.
  std::optional<SmallVector<int64_t>> block;
  RankedTensorType type;
  StringRef staticScaleName;
};
} // namespace

/// The blocks of `scaling` for the lhs ([batch..., M, K]) and the rhs
/// ([batch..., K, N], or [batch..., N, K] when transposed); batch
/// dimensions get 1.
static std::pair<std::optional<SmallVector<int64_t>>,
                 std::optional<SmallVector<int64_t>>>
getBlocks(ScalingMode scaling, unsigned rank, int64_t k, bool rhsTransposed) {
  int64_t wholeK = ShapedType::isDynamic(k) ? kWholeDynamicDim : k;
  int64_t lhsM = 1, lhsK = 1, rhsK = 1, rhsN = 1;
  switch (scaling) {
  case ScalingMode::tensor:
    return {std::nullopt, std::nullopt};
  case ScalingMode::row:
    std::tie(lhsM, lhsK, rhsK, rhsN) = std::make_tuple(1, wholeK, wholeK, 1);
    break;
  case ScalingMode::block1x128:
    std::tie(lhsM, lhsK, rhsK, rhsN) = std::make_tuple(1, 128, 128, 128);
    break;
  case ScalingMode::block128x128:
    std::tie(lhsM, lhsK, rhsK, rhsN) = std::make_tuple(128, 128, 128, 128);
    break;
  case ScalingMode::mx32:
    std::tie(lhsM, lhsK, rhsK, rhsN) = std::make_tuple(1, 32, 32, 1);
    break;
  }
  SmallVector<int64_t> lhs(rank - 2, 1), rhs(rank - 2, 1);
  lhs.append({lhsM, lhsK});
  if (rhsTransposed)
    rhs.append({rhsN, rhsK});
  else
    rhs.append({rhsK, rhsN});
  return {lhs, rhs};
}

static Type getScaleElementType(MLIRContext *context, ScalingMode scaling) {
  if (scaling == ScalingMode::mx32)
    return Float8E8M0FNUType::get(context);
  return Float32Type::get(context);
}

/// The type of the decode scale of an operand.
static Type getScaleType(const OperandScaling &operand, Type elementType) {
  if (!operand.block)
    return elementType;
  SmallVector<int64_t> shape =
      getBlockedScaleShape(operand.type.getShape(), *operand.block);
  for (auto [size, block] : llvm::zip_equal(shape, *operand.block))
    if (block == kWholeDynamicDim)
      size = 1;
  return RankedTensorType::get(shape, elementType);
}

/// The static scale attribute of `op` named `operand.staticScaleName` as a
/// constant of `scaleType`, or an error.
static FailureOr<TypedAttr> getStaticScale(linalg::LinalgOp op,
                                           const OperandScaling &operand,
                                           Type scaleType) {
  StringRef name = operand.staticScaleName;
  Attribute attr = op->getDiscardableAttr(name);
  if (!attr)
    return op->emitOpError()
               << "needs a `" << name << "` attribute (static-scales)",
           failure();
  SmallVector<double> values;
  if (auto floatAttr = dyn_cast<FloatAttr>(attr)) {
    values.push_back(floatAttr.getValueAsDouble());
  } else if (auto dense = dyn_cast<DenseFPElementsAttr>(attr)) {
    auto shaped = dyn_cast<ShapedType>(scaleType);
    if (!shaped || dense.getType().getShape() != shaped.getShape())
      return op->emitOpError()
                 << "`" << name << "` has type " << dense.getType()
                 << " but the scale of this operand is " << scaleType,
             failure();
    for (APFloat value : dense.getValues<APFloat>())
      values.push_back(value.convertToDouble());
  } else {
    return op->emitOpError() << "`" << name
                             << "` must be a float or dense float elements, "
                                "got "
                             << attr,
           failure();
  }
  Type elementType = getElementTypeOrSelf(scaleType);
  bool e8m0 = isa<Float8E8M0FNUType>(elementType);
  SmallVector<APFloat> converted;
  for (double value : values) {
    if (!(std::isfinite(value) && value > 0.0))
      return op->emitOpError()
                 << "`" << name << "` must hold positive finite scales, got "
                 << value,
             failure();
    APFloat scale(value);
    bool losesInfo = false;
    scale.convert(cast<FloatType>(elementType).getFloatSemantics(),
                  APFloat::rmNearestTiesToEven, &losesInfo);
    if (e8m0 && (losesInfo || scale.convertToDouble() != value))
      return op->emitOpError() << "`" << name
                               << "` must hold powers of two in [2^-127, "
                                  "2^127] for mx32 scales, got "
                               << value,
             failure();
    converted.push_back(scale);
  }
  auto shaped = dyn_cast<ShapedType>(scaleType);
  if (!shaped)
    return TypedAttr(FloatAttr::get(elementType, converted.front()));
  if (converted.size() == 1)
    return TypedAttr(DenseElementsAttr::get(shaped, converted.front()));
  return TypedAttr(DenseElementsAttr::get(shaped, converted));
}

/// amax -> compute_scale (or a static scale) -> quantize of `value`; returns
/// the quantized value and its scale.
static std::pair<Value, Value>
quantizeOperand(OpBuilder &b, Location loc, Value value,
                const OperandScaling &operand, TypedAttr staticScale,
                const OperandQuantization &quantization) {
  MLIRContext *context = b.getContext();
  DenseI64ArrayAttr block = operand.block
                                ? b.getDenseI64ArrayAttr(*operand.block)
                                : DenseI64ArrayAttr();
  Value scale;
  if (staticScale) {
    scale = arith::ConstantOp::create(b, loc, staticScale);
  } else {
    Value amax = AmaxOp::create(b, loc, getScaleType(operand, b.getF32Type()),
                                value, block);
    scale = ComputeScaleOp::create(
        b, loc,
        getScaleType(operand,
                     getScaleElementType(context, quantization.scaling)),
        amax, TypeAttr::get(quantization.format),
        b.getI32IntegerAttr(quantization.margin),
        quantization.pow2Scales ? b.getUnitAttr() : UnitAttr(),
        quantization.targetMax ? b.getF32FloatAttr(*quantization.targetMax)
                               : FloatAttr());
  }
  Value quantized = QuantizeOp::create(
      b, loc, RankedTensorType(operand.type).clone(quantization.format), value,
      scale,
      /*random_bits=*/Value(), block,
      RoundingAttr::get(context, quantization.rounding),
      SaturationAttr::get(context, quantization.saturation));
  return {quantized, scale};
}

//===----------------------------------------------------------------------===//
// The rewrite
//===----------------------------------------------------------------------===//

FailureOr<ScaledMatmulOp> mlir::fp8::rewriteContractionToScaledMatmul(
    RewriterBase &rewriter, linalg::LinalgOp op,
    const OperandQuantization &quantization) {
  FailureOr<ContractionLayout> layout =
      getContractionLayout(op, /*why=*/nullptr);
  if (failed(layout))
    return failure();
  Location loc = op.getLoc();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  ArrayRef<unsigned> batch = layout->batch, m = layout->m, n = layout->n,
                     k = layout->k;
  Value init = op.getDpsInits()[0];
  bool hasBias = !isPositiveZeroTensor(init);

  // Check the static scales before creating any IR. The operand types in
  // the scaled_matmul layout follow from the loop sizes.
  SmallVector<int64_t> loopSizes = op.getStaticLoopRanges();
  auto groupedShape = [&](ArrayRef<ArrayRef<unsigned>> groups) {
    SmallVector<int64_t> shape;
    for (ArrayRef<unsigned> group : groups) {
      int64_t size = 1;
      for (unsigned dim : group) {
        if (ShapedType::isDynamic(loopSizes[dim]) ||
            ShapedType::isDynamic(size))
          size = ShapedType::kDynamic;
        else
          size *= loopSizes[dim];
      }
      shape.push_back(size);
    }
    return shape;
  };
  SmallVector<ArrayRef<unsigned>> lhsGroups = {batch, m, k};
  SmallVector<ArrayRef<unsigned>> rhsGroups =
      layout->rhsTransposed ? SmallVector<ArrayRef<unsigned>>{batch, n, k}
                            : SmallVector<ArrayRef<unsigned>>{batch, k, n};
  SmallVector<ArrayRef<unsigned>> resultGroups = {batch, m, n};
  if (batch.empty()) {
    lhsGroups.erase(lhsGroups.begin());
    rhsGroups.erase(rhsGroups.begin());
    resultGroups.erase(resultGroups.begin());
  }
  SmallVector<int64_t> lhsShape = groupedShape(lhsGroups);
  unsigned rank = lhsShape.size();
  auto [lhsBlock, rhsBlock] = getBlocks(quantization.scaling, rank,
                                        lhsShape.back(), layout->rhsTransposed);
  auto elementOf = [](Value value) { return getElementTypeOrSelf(value); };
  OperandScaling lhs{
      lhsBlock,
      RankedTensorType::get(lhsShape, elementOf(op.getDpsInputs()[0])),
      "fp8.lhs_scale"};
  OperandScaling rhs{rhsBlock,
                     RankedTensorType::get(groupedShape(rhsGroups),
                                           elementOf(op.getDpsInputs()[1])),
                     "fp8.rhs_scale"};
  TypedAttr lhsStatic, rhsStatic;
  if (quantization.staticScales) {
    Type scaleElement =
        getScaleElementType(rewriter.getContext(), quantization.scaling);
    FailureOr<TypedAttr> lhsScale =
        getStaticScale(op, lhs, getScaleType(lhs, scaleElement));
    if (failed(lhsScale))
      return failure();
    FailureOr<TypedAttr> rhsScale =
        getStaticScale(op, rhs, getScaleType(rhs, scaleElement));
    if (failed(rhsScale))
      return failure();
    lhsStatic = *lhsScale;
    rhsStatic = *rhsScale;
  }

  Value lhsValue =
      toGroupedLayout(rewriter, loc, op.getDpsInputs()[0], maps[0], lhsGroups);
  Value rhsValue =
      toGroupedLayout(rewriter, loc, op.getDpsInputs()[1], maps[1], rhsGroups);
  // Collapsing may have made dynamic sizes static; keep the values' types.
  lhs.type = cast<RankedTensorType>(lhsValue.getType());
  rhs.type = cast<RankedTensorType>(rhsValue.getType());
  auto [lhsQuantized, lhsScale] =
      quantizeOperand(rewriter, loc, lhsValue, lhs, lhsStatic, quantization);
  auto [rhsQuantized, rhsScale] =
      quantizeOperand(rewriter, loc, rhsValue, rhs, rhsStatic, quantization);

  Value bias;
  if (hasBias)
    bias = toGroupedLayout(rewriter, loc, init, maps[2], resultGroups);
  auto initType = cast<RankedTensorType>(init.getType());
  auto resultType = RankedTensorType::get(groupedShape(resultGroups),
                                          initType.getElementType());
  auto blockAttr = [&](const std::optional<SmallVector<int64_t>> &block) {
    return block ? rewriter.getDenseI64ArrayAttr(*block) : DenseI64ArrayAttr();
  };
  auto scaledMatmul = ScaledMatmulOp::create(
      rewriter, loc, resultType, /*amax=*/Type(), lhsQuantized, lhsScale,
      rhsQuantized, rhsScale, bias, /*out_scale=*/Value(), blockAttr(lhs.block),
      blockAttr(rhs.block),
      layout->rhsTransposed ? rewriter.getUnitAttr() : UnitAttr(),
      /*rounding=*/RoundingAttr(),
      SaturationAttr::get(rewriter.getContext(), Saturation::none));
  Value result = fromGroupedLayout(rewriter, loc, scaledMatmul.getResult(),
                                   init, maps[2], resultGroups);
  if (result.getType() != op->getResult(0).getType())
    result = tensor::CastOp::create(rewriter, loc, op->getResult(0).getType(),
                                    result);
  rewriter.replaceOp(op, result);
  // The zero fill that the scaled matmul replaces.
  if (auto fill = init.getDefiningOp<linalg::FillOp>();
      fill && fill->use_empty())
    rewriter.eraseOp(fill);
  return scaledMatmul;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {

struct FP8InsertCastsPass
    : mlir::fp8::impl::FP8InsertCastsPassBase<FP8InsertCastsPass> {
  using FP8InsertCastsPassBase::FP8InsertCastsPassBase;

  void runOnOperation() override;

private:
  /// Parses and checks the options into the forward and gradient settings.
  LogicalResult parseOptions(OperandQuantization &forward,
                             OperandQuantization &grad);
};

} // namespace

namespace {
/// What fp8.compute_scale maps amax onto: max_finite * 2^-margin, or
/// targetMax when set.
struct ScaleTarget {
  int32_t margin = 0;
  std::optional<float> targetMax;
};
} // namespace

/// The scale target of `format` when neither `margin` nor `target-max` is
/// given; the recipes' defaults live here alone. HiF8 maps amax onto 8 (margin
/// 12), the top of its 3-mantissa-bit range, leaving the tapered binades
/// above for outliers of later steps; the others map it onto max_finite.
static ScaleTarget getDefaultScaleTarget(::fp8::Format format) {
  if (format == ::fp8::Format::HiF8)
    return {/*margin=*/12, /*targetMax=*/std::nullopt};
  return {};
}

/// `value` as an option would spell it (15, 0.1, 1e+39).
static std::string formatOptionValue(double value) {
  std::string text;
  llvm::raw_string_ostream(text) << llvm::format("%.9g", value);
  return text;
}

/// A narrow float type named by an option (`hif8` is `!fp8.hif8`).
static FailureOr<Type> parseFormat(MLIRContext *context, StringRef name) {
  if (name == "hif8")
    return Type(HiF8Type::get(context));
  // The caller reports a bad name; the parser's own diagnostic is noise.
  ScopedDiagnosticHandler silence(context,
                                  [](Diagnostic &) { return success(); });
  Type type = parseType(name, context, /*numRead=*/nullptr,
                        /*isKnownNullTerminated=*/false);
  if (!type || !isNarrowFloat(type) || isa<Float8E8M0FNUType>(type))
    return failure();
  return type;
}

static std::optional<Rounding> parseRoundingOption(StringRef name) {
  std::optional<Rounding> rounding = symbolizeRounding(name);
  if (rounding == Rounding::stochastic)
    return std::nullopt;
  return rounding;
}

LogicalResult FP8InsertCastsPass::parseOptions(OperandQuantization &forward,
                                               OperandQuantization &grad) {
  MLIRContext *context = &getContext();
  // At the module's location, without printing the whole module.
  auto error = [&]() {
    return mlir::emitError(getOperation()->getLoc()) << "fp8-insert-casts: ";
  };
  Type e4m3 = Float8E4M3FNType::get(context);
  Type forwardFormat, gradientFormat;
  bool hif8Recipe = recipe == "hif8";
  if (recipe == "ocp") {
    forwardFormat = gradientFormat = e4m3;
  } else if (recipe == "hfp8") {
    forwardFormat = e4m3;
    gradientFormat = Float8E5M2Type::get(context);
  } else if (hif8Recipe) {
    forwardFormat = gradientFormat = HiF8Type::get(context);
  } else {
    return error() << "unknown recipe '" << recipe
                   << "' (expected ocp, hfp8 or hif8)";
  }
  for (auto [option, name, type] :
       {std::make_tuple(StringRef(format), "format", &forwardFormat),
        std::make_tuple(StringRef(gradFormat), "grad-format",
                        &gradientFormat)}) {
    if (option.empty())
      continue;
    FailureOr<Type> parsed = parseFormat(context, option);
    if (failed(parsed))
      return error() << "option " << name << "='" << option
                     << "' is not a narrow float type (f8E4M3FN, f8E5M2, "
                        "hif8, ...; f8E8M0FNU holds scales only)";
    *type = *parsed;
  }
  std::optional<ScalingMode> scalingMode = parseScalingMode(scaling);
  if (!scalingMode)
    return error() << "unknown scaling '" << scaling
                   << "' (expected tensor, row, block1x128, block128x128 or "
                      "mx32)";
  if (minFlops < 0)
    return error() << "min-flops must be >= 0, got "
                   << static_cast<int64_t>(minFlops);
  // target-max (0 = unset) replaces the margin; as an f32 attribute it is
  // rounded to f32 once, here.
  std::optional<float> targetMaxValue;
  if (targetMax != 0.0) {
    if (margin.hasValue())
      return error() << "options margin and target-max are exclusive "
                        "(target-max replaces margin); got margin="
                     << static_cast<int32_t>(margin)
                     << " and target-max=" << formatOptionValue(targetMax);
    // Checked before the conversion, which is only defined within range.
    if (!(targetMax >= FLT_MIN && targetMax <= FLT_MAX))
      return error() << "target-max must be a finite f32 no smaller than the "
                        "smallest normal f32, got "
                     << formatOptionValue(targetMax);
    targetMaxValue = static_cast<float>(targetMax);
  }

  auto configure = [&](OperandQuantization &config, Type type,
                       StringRef roundingOption, StringRef roundingName,
                       std::optional<Rounding> fallback) -> LogicalResult {
    config.format = type;
    config.scaling = *scalingMode;
    config.saturation = saturate ? Saturation::finite : Saturation::none;
    config.pow2Scales = pow2Scales;
    config.staticScales = staticScales;
    ::fp8::Format numerics = *getFormat(type);
    ScaleTarget target = getDefaultScaleTarget(numerics);
    if (targetMaxValue)
      target = {/*margin=*/0, targetMaxValue};
    else if (margin.hasValue())
      target = {static_cast<int32_t>(margin), std::nullopt};
    config.margin = target.margin;
    config.targetMax = target.targetMax;
    double maxFinite = ::fp8::getFormatInfo(numerics).maxFinite;
    if (config.targetMax) {
      if (*config.targetMax > maxFinite)
        return error() << "target-max " << formatOptionValue(*config.targetMax)
                       << " exceeds max_finite(" << type
                       << ") = " << formatOptionValue(maxFinite);
    } else {
      double scaleTarget = ::fp8::getScaleTarget(numerics, config.margin);
      if (!(scaleTarget >= FLT_MIN && scaleTarget <= FLT_MAX))
        return error() << "margin " << config.margin << " puts max_finite("
                       << type << ") * 2^-margin outside the normal f32 range";
    }
    if (!roundingOption.empty()) {
      std::optional<Rounding> parsed = parseRoundingOption(roundingOption);
      if (!parsed)
        return error() << "unknown " << roundingName << " '" << roundingOption
                       << "' (expected nearest_even, nearest_away, "
                          "toward_zero, upward, downward, odd or hybrid; "
                          "stochastic needs random bits)";
      config.rounding = *parsed;
    } else {
      config.rounding =
          fallback.value_or(getEffectiveRounding(std::nullopt, type));
    }
    if (!::fp8::isRoundingSupported(numerics, toNumerics(config.rounding))) {
      InFlightDiagnostic diag = error() << roundingName << " '"
                                        << stringifyRounding(config.rounding)
                                        << "' does not apply to " << type;
      if (config.rounding == Rounding::hybrid)
        diag << " (hybrid rounding is HiF8's)";
      return diag;
    }
    return success();
  };
  if (failed(configure(forward, forwardFormat, rounding, "rounding",
                       std::nullopt)))
    return failure();
  std::optional<Rounding> gradFallback;
  if (!rounding.empty())
    gradFallback = forward.rounding;
  if (hif8Recipe && isa<HiF8Type>(gradientFormat))
    gradFallback = Rounding::hybrid;
  // An explicit rounding that the gradient format lacks is only an error if
  // it was asked for the gradients.
  if (gradFallback && !::fp8::isRoundingSupported(*getFormat(gradientFormat),
                                                  toNumerics(*gradFallback)))
    gradFallback = std::nullopt;
  return configure(grad, gradientFormat, gradRounding, "grad-rounding",
                   gradFallback);
}

/// 2 x the product of the loop sizes, or nullopt if one is dynamic.
static std::optional<int64_t> getFlops(linalg::LinalgOp op) {
  int64_t flops = 2;
  for (int64_t size : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(size))
      return std::nullopt;
    if (size != 0 && flops > std::numeric_limits<int64_t>::max() / size)
      return std::numeric_limits<int64_t>::max();
    flops *= size;
  }
  return flops;
}

void FP8InsertCastsPass::runOnOperation() {
  OperandQuantization forward, grad;
  if (failed(parseOptions(forward, grad)))
    return signalPassFailure();

  IRRewriter rewriter(&getContext());
  WalkResult result = getOperation()->walk([&](FunctionOpInterface function) {
    SmallVector<linalg::LinalgOp> candidates;
    function->walk([&](linalg::LinalgOp op) {
      if (isConvertibleConvolution(op) || succeeded(matchContraction(op)))
        candidates.push_back(op);
    });
    for (auto [index, op] : llvm::enumerate(candidates)) {
      if (keepFirstLast && (index == 0 || index + 1 == candidates.size()))
        continue;
      std::optional<int64_t> flops = getFlops(op);
      if (flops && *flops < minFlops)
        continue;
      bool isGrad = false;
      if (Attribute role = op->getDiscardableAttr("fp8.role")) {
        auto name = dyn_cast<StringAttr>(role);
        if (!name || (name != "grad" && name != "forward")) {
          op->emitOpError() << "has fp8.role = " << role
                            << "; expected \"forward\" or \"grad\"";
          return WalkResult::interrupt();
        }
        isGrad = name == "grad";
      }
      linalg::LinalgOp contraction = op;
      if (isConvertibleConvolution(op)) {
        FailureOr<linalg::LinalgOp> rewritten =
            rewriteConvolutionToContraction(rewriter, op);
        if (failed(rewritten))
          continue;
        contraction = *rewritten;
      } else if (FailureOr<linalg::LinalgOp> collapsed =
                     collapseBroadcastContraction(rewriter, op);
                 succeeded(collapsed)) {
        // The broadcast operand is quantized once, the product one matmul.
        contraction = *collapsed;
      }
      if (failed(rewriteContractionToScaledMatmul(rewriter, contraction,
                                                  isGrad ? grad : forward)))
        return WalkResult::interrupt();
    }
    return WalkResult::skip();
  });
  if (result.wasInterrupted())
    signalPassFailure();
}
