//===- FoldConstantWeights.cpp - Weights quantized at compile time --------===//
//
// fp8-fold-scales on constants: the amax, scale and quantization of a
// weight are evaluated at compile time, whatever form the frontend gives the
// weight: `dense<>` or `dense_resource<>` (torch-mlir's), behind transposes,
// broadcasts, reshapes, slices and copies (ConstantView). The constant's
// data is read in place and the fp8 result written straight into its
// attribute's buffer (a ResNet's weights are tens of MB); intermediate f32
// tensors are never materialized. The element computations are the fp8
// folders' (FP8Folding.cpp): the numerics library on each element read as
// f32, so a folded weight is bit for bit what the run-time path computes.
//
//===----------------------------------------------------------------------===//

#include "ConstantView.h"
#include "FoldScalesUtils.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/bit.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::fp8;

namespace {

/// The row-major index of the scale of an element under a block shape (the
/// one scale of a per-tensor op without one): a sum of per-dimension
/// offsets, tabulated so that no element divides.
class ScaleIndexer {
public:
  ScaleIndexer(ArrayRef<int64_t> shape,
               std::optional<ArrayRef<int64_t>> block) {
    if (!block)
      return;
    SmallVector<int64_t> scaleStrides =
        computeStrides(getBlockedScaleShape(shape, *block));
    for (auto [size, blockSize, stride] :
         llvm::zip_equal(shape, *block, scaleStrides)) {
      SmallVector<int64_t> &offsets = dimOffsets.emplace_back();
      for (int64_t i = 0; i < size; ++i)
        offsets.push_back((i / blockSize) * stride);
    }
  }

  int64_t operator()(ArrayRef<int64_t> index) const {
    int64_t linear = 0;
    for (auto [i, offsets] : llvm::zip(index, dimOffsets))
      linear += offsets[i];
    return linear;
  }

private:
  SmallVector<SmallVector<int64_t>> dimOffsets;
};

} // namespace

/// A constant of `type` (a scalar or a static shaped type) whose elements
/// are the 8-, 16-, 32- or 64-bit little-endian `bytes`; a splat where all
/// elements are equal.
static Attribute makeRawAttr(Type type, ArrayRef<char> bytes) {
  Type elementType = getElementTypeOrSelf(type);
  unsigned width = elementType.getIntOrFloatBitWidth();
  size_t elementBytes = width <= 8 ? 1 : width / 8;
  auto element = [&](size_t i) {
    uint64_t bits = 0;
    std::memcpy(&bits, bytes.data() + i * elementBytes, elementBytes);
    return APInt(width, bits);
  };
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped) {
    if (auto floatType = dyn_cast<FloatType>(elementType))
      return FloatAttr::get(floatType,
                            APFloat(floatType.getFloatSemantics(), element(0)));
    return IntegerAttr::get(elementType, element(0));
  }
  ArrayRef<char> first = bytes.take_front(elementBytes);
  bool splat = true;
  for (size_t i = elementBytes; splat && i < bytes.size(); i += elementBytes)
    splat = bytes.slice(i, elementBytes) == first;
  return DenseElementsAttr::getFromRawBuffer(shaped, splat ? first : bytes);
}

namespace {

/// amax(constant view) -> constant, as AmaxOp::fold computes it: |x| of each
/// element read as f32, NaN (the canonical quiet NaN) once a block has one.
struct FoldAmaxOfConstant : OpRewritePattern<AmaxOp> {
  FoldAmaxOfConstant(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
    Type resultType = op.getResult().getType();
    auto shaped = dyn_cast<ShapedType>(resultType);
    if (shaped && !shaped.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result shape");
    std::optional<ConstantView> view = ConstantView::get(op.getInput());
    if (!view)
      return rewriter.notifyMatchFailure(
          op, "input is not a constant seen through layout ops");
    int64_t count = shaped ? shaped.getNumElements() : 1;
    SmallVector<float> amax(count, 0.0f);
    ScaleIndexer scaleIndex(view->getShape(), op.getBlock());
    view->forEachElement([&](ArrayRef<int64_t> index, int64_t, float value) {
      float magnitude = std::fabs(value);
      float &current = amax[scaleIndex(index)];
      if (std::isnan(current))
        return;
      if (std::isnan(magnitude) || magnitude > current)
        current = magnitude;
    });
    // A NaN amax is the canonical quiet NaN, as AmaxOp::fold's.
    for (float &value : amax)
      if (std::isnan(value))
        value = llvm::bit_cast<float>(uint32_t{0x7FC00000});
    ArrayRef<char> bytes(reinterpret_cast<const char *>(amax.data()),
                         amax.size() * sizeof(float));
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(makeRawAttr(resultType, bytes)));
    return success();
  }
};

/// quantize(constant view, constant scale) -> an fp8 constant (an `i8`
/// payload and `fp8.bitcast` for HiF8), as QuantizeOp::fold computes it:
/// `::fp8::quantize` of each element read as f32 with its block's scale and
/// the op's rounding and saturation. Not where the result would hold more
/// elements than the constant (a broadcast: QuantizeBroadcastOfConstant
/// quantizes before it), nor with random bits (stochastic rounding of a
/// plain constant is QuantizeConstant's).
struct QuantizeConstantView : OpRewritePattern<QuantizeOp> {
  QuantizeConstantView(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getRandomBits())
      return rewriter.notifyMatchFailure(op, "has random bits");
    std::optional<ConstantView> view = ConstantView::get(op.getInput());
    if (!view)
      return rewriter.notifyMatchFailure(
          op, "input is not a constant seen through layout ops");
    if (!view->isSplat() &&
        view->getNumElements() > view->getNumSourceElements())
      return rewriter.notifyMatchFailure(
          op, "the result would be larger than the constant");
    std::optional<ConstantFloats> scales = getConstantFloats(op.getScale());
    if (!scales)
      return rewriter.notifyMatchFailure(op, "the scale is not a constant");

    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    ::fp8::Format format = *getFormat(elementType);
    ::fp8::Rounding rounding = toNumerics(op.getEffectiveRounding());
    ::fp8::Saturation saturation = toNumerics(op.getSaturation());
    ScaleIndexer scaleIndex(view->getShape(), op.getBlock());
    SmallVector<char> codes(view->getNumElements());
    view->forEachElement(
        [&](ArrayRef<int64_t> index, int64_t linear, float value) {
          float scale = static_cast<float>((*scales)[scaleIndex(index)]);
          codes[linear] = static_cast<char>(::fp8::quantize(
              format, value, scale, rounding, saturation, /*randomBits=*/0));
        });

    Location loc = op.getLoc();
    if (!isa<HiF8Type>(elementType)) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, cast<TypedAttr>(makeRawAttr(resultType, codes)));
      return success();
    }
    auto payloadType = resultType.clone(rewriter.getI8Type());
    Value payload = arith::ConstantOp::create(
        rewriter, loc, cast<TypedAttr>(makeRawAttr(payloadType, codes)));
    rewriter.replaceOpWithNewOp<BitcastOp>(op, resultType, payload);
    return success();
  }
};

/// The dimensions a broadcast-like op (`linalg.broadcast`, or a copy-only
/// `linalg.generic` with identity output map whose input map drops loop
/// dimensions) adds to its input, in result order; the input map of the
/// others is the identity on the remaining dimensions.
static std::optional<SmallVector<int64_t>> getBroadcastDims(Operation *op) {
  if (auto broadcast = dyn_cast<linalg::BroadcastOp>(op))
    return llvm::to_vector(broadcast.getDimensions());
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 || generic.getNumReductionLoops() != 0 ||
      !generic.hasPureTensorSemantics())
    return std::nullopt;
  Block &body = generic.getRegion().front();
  if (body.getOperations().size() != 1 ||
      body.getTerminator()->getOperand(0) != body.getArgument(0))
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  if (!maps[1].isIdentity())
    return std::nullopt;
  SmallVector<int64_t> kept;
  for (AffineExpr expr : maps[0].getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || (!kept.empty() && dim.getPosition() <= kept.back()))
      return std::nullopt;
    kept.push_back(dim.getPosition());
  }
  SmallVector<int64_t> added;
  for (int64_t dim = 0, e = generic.getNumLoops(); dim < e; ++dim)
    if (!llvm::is_contained(kept, dim))
      added.push_back(dim);
  if (added.empty())
    return std::nullopt;
  return added;
}

/// quantize(broadcast(w), s) -> broadcast(quantize(w, s')) where `w` is a
/// constant view (so the inner quantize folds into a constant the size of
/// `w`, not of its broadcast) and the constant scale `s` does not vary
/// along the broadcast dimensions (s' drops them, and so does the block).
/// Every element of the result is quantized from the same value with the
/// same scale, so nothing changes but where the copies are made: the
/// broadcast now copies fp8 codes.
struct QuantizeBroadcastOfConstant : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getRandomBits())
      return rewriter.notifyMatchFailure(op, "has random bits");
    Operation *broadcast = op.getInput().getDefiningOp();
    std::optional<SmallVector<int64_t>> added =
        broadcast ? getBroadcastDims(broadcast) : std::nullopt;
    if (!added)
      return rewriter.notifyMatchFailure(op, "input is not a broadcast");
    Value input = broadcast->getOperand(0);
    if (!ConstantView::get(input))
      return rewriter.notifyMatchFailure(
          op, "the broadcast input is not a constant view");
    auto type = cast<RankedTensorType>(op.getInput().getType());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic shape");
    std::optional<ConstantFloats> scales = getConstantFloats(op.getScale());
    if (!scales)
      return rewriter.notifyMatchFailure(op, "the scale is not a constant");

    // The new block and scale: the dimensions the broadcast keeps.
    std::optional<ArrayRef<int64_t>> block = op.getBlock();
    Type scaleType = op.getScale().getType();
    Value scale = op.getScale();
    DenseI64ArrayAttr newBlock;
    if (block) {
      SmallVector<int64_t> scaleShape =
          getBlockedScaleShape(type.getShape(), *block);
      SmallVector<bool> varies = getVaryingDims(*scales, scaleShape);
      SmallVector<int64_t> keptBlock, keptShape;
      SmallVector<double> values;
      for (int64_t dim = 0, e = type.getRank(); dim < e; ++dim) {
        if (!llvm::is_contained(*added, dim)) {
          keptBlock.push_back((*block)[dim]);
          keptShape.push_back(scaleShape[dim]);
        } else if (varies[dim]) {
          return rewriter.notifyMatchFailure(
              op, "the scale varies along a broadcast dimension");
        }
      }
      // The scale at index 0 of every broadcast dimension.
      SmallVector<int64_t> scaleStrides = computeStrides(scaleShape);
      int64_t count = ShapedType::getNumElements(keptShape);
      SmallVector<int64_t> keptStrides = computeStrides(keptShape);
      for (int64_t i = 0; i < count; ++i) {
        SmallVector<int64_t> kept = delinearize(i, keptStrides);
        int64_t linear = 0;
        for (int64_t dim = 0, next = 0, e = type.getRank(); dim < e; ++dim)
          if (!llvm::is_contained(*added, dim))
            linear += kept[next++] * scaleStrides[dim];
        values.push_back((*scales)[linear]);
      }
      auto newScaleType =
          RankedTensorType::get(keptShape, getElementTypeOrSelf(scaleType));
      scale = arith::ConstantOp::create(rewriter, op.getLoc(),
                                        makeFloatAttr(newScaleType, values));
      newBlock = rewriter.getDenseI64ArrayAttr(keptBlock);
    }

    Location loc = op.getLoc();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto narrowType = inputType.clone(getElementTypeOrSelf(op.getType()));
    Value quantized = QuantizeOp::create(
        rewriter, loc, narrowType, input, scale, /*randomBits=*/Value(),
        newBlock, op.getRoundingAttr(), op.getSaturationAttr());
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         getElementTypeOrSelf(op.getType()));
    rewriter.replaceOp(
        op, linalg::BroadcastOp::create(rewriter, loc, quantized, init, *added)
                ->getResult(0));
    return success();
  }
};

/// compute_scale(constant) -> constant, through the op's folder.
struct FoldComputeScaleOfConstant : OpRewritePattern<ComputeScaleOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ComputeScaleOp op,
                                PatternRewriter &rewriter) const override {
    Attribute amax;
    if (!matchPattern(op.getAmax(), m_Constant(&amax)))
      return rewriter.notifyMatchFailure(op, "amax is not a constant");
    SmallVector<OpFoldResult> results;
    if (failed(op->fold({amax}, results)) || results.size() != 1)
      return rewriter.notifyMatchFailure(op, "did not fold");
    auto attr = dyn_cast_if_present<TypedAttr>(
        dyn_cast_if_present<Attribute>(results.front()));
    if (!attr)
      return rewriter.notifyMatchFailure(op, "did not fold to a constant");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, attr);
    return success();
  }
};

} // namespace

void mlir::fp8::populateFP8ConstantWeightFoldPatterns(
    RewritePatternSet &patterns) {
  patterns.add<FoldAmaxOfConstant, QuantizeConstantView,
               QuantizeBroadcastOfConstant, FoldComputeScaleOfConstant>(
      patterns.getContext());
}
