//===- ConvToContraction.cpp - 2-D convolutions as contractions -----------===//
//
// A convolution is a matrix product once its input is unfolded: a 1x1 NHWC
// convolution needs only a (strided) slice and reshapes; the others an
// im2col matrix, built here from one strided copy per filter tap (which
// vectorizes like any element-wise op) rather than upstream's gather, and
// contracted as upstream's im2col rewrite does.
//
//===----------------------------------------------------------------------===//

#include "fp8/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;

/// Whether `op` is an NHWC convolution with a 1x1 filter.
static bool is1x1Nhwc(linalg::LinalgOp op) {
  if (!isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcOp>(op))
    return false;
  ArrayRef<int64_t> filter =
      cast<RankedTensorType>(op.getDpsInputs()[1].getType()).getShape();
  // HWCF: [1, 1, C, F]; FHWC: [F, 1, 1, C].
  unsigned spatial = isa<linalg::Conv2DNhwcHwcfOp>(op) ? 0 : 1;
  return filter[spatial] == 1 && filter[spatial + 1] == 1;
}

bool mlir::fp8::isConvertibleConvolution(linalg::LinalgOp op) {
  if (!isa<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcOp,
           linalg::Conv2DNchwFchwOp>(op) ||
      !op.hasPureTensorSemantics())
    return false;
  for (OpOperand &operand : op->getOpOperands()) {
    Type element = getElementTypeOrSelf(operand.get().getType());
    if (!(element.isF32() || element.isF16() || element.isBF16()))
      return false;
  }
  if (is1x1Nhwc(op))
    return true;
  return llvm::all_of(op->getOperandTypes(), [](Type type) {
    return cast<RankedTensorType>(type).hasStaticShape();
  });
}

static SmallVector<int64_t> getValues(DenseIntElementsAttr attr) {
  return llvm::to_vector(attr.getValues<int64_t>());
}

/// out[n, oh, ow, f] = sum_c in[n, oh * sh, ow * sw, c] * filter[c, f]: a
/// matmul of [N * Ho * Wo, C] by [C, F] (HWCF) or [F, C] (FHWC, as
/// matmul's transposed-B form).
static linalg::LinalgOp rewrite1x1Nhwc(RewriterBase &rewriter,
                                       linalg::LinalgOp op,
                                       ArrayRef<int64_t> strides) {
  Location loc = op.getLoc();
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
  Value output = op.getDpsInits()[0];
  auto inputType = cast<RankedTensorType>(input.getType());
  auto outputType = cast<RankedTensorType>(output.getType());
  SmallVector<OpFoldResult> outputSizes =
      tensor::getMixedSizes(rewriter, loc, output);

  // The input pixels that the output reads: in[:, ::sh, ::sw, :].
  bool unitStrides = llvm::all_of(strides, [](int64_t s) { return s == 1; });
  bool sameSpatial = inputType.getDimSize(1) == outputType.getDimSize(1) &&
                     inputType.getDimSize(2) == outputType.getDimSize(2) &&
                     !ShapedType::isDynamic(inputType.getDimSize(1)) &&
                     !ShapedType::isDynamic(inputType.getDimSize(2));
  if (!unitStrides || !sameSpatial) {
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(rewriter, loc, input);
    sizes[1] = outputSizes[1];
    sizes[2] = outputSizes[2];
    SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> steps = {
        rewriter.getIndexAttr(1), rewriter.getIndexAttr(strides[0]),
        rewriter.getIndexAttr(strides[1]), rewriter.getIndexAttr(1)};
    input = tensor::ExtractSliceOp::create(rewriter, loc, input, offsets, sizes,
                                           steps);
  }
  SmallVector<ReassociationIndices> pixels = {{0, 1, 2}, {3}};
  Value matrix = tensor::CollapseShapeOp::create(rewriter, loc, input, pixels);
  Value acc = tensor::CollapseShapeOp::create(rewriter, loc, output, pixels);
  bool fhwc = isa<linalg::Conv2DNhwcFhwcOp>(op);
  SmallVector<ReassociationIndices> filterGroups =
      fhwc ? SmallVector<ReassociationIndices>{{0}, {1, 2, 3}}
           : SmallVector<ReassociationIndices>{{0, 1, 2}, {3}};
  Value weights =
      tensor::CollapseShapeOp::create(rewriter, loc, filter, filterGroups);

  SmallVector<NamedAttribute> attributes;
  if (fhwc) {
    MLIRContext *context = rewriter.getContext();
    AffineExpr m, n, k;
    bindDims(context, m, n, k);
    auto map = [&](ArrayRef<AffineExpr> results) {
      return AffineMapAttr::get(AffineMap::get(3, 0, results, context));
    };
    attributes.push_back(rewriter.getNamedAttr(
        "indexing_maps",
        rewriter.getArrayAttr({map({m, k}), map({n, k}), map({m, n})})));
  }
  auto matmul = linalg::MatmulOp::create(
      rewriter, loc, TypeRange{acc.getType()}, ValueRange{matrix, weights},
      ValueRange{acc}, attributes);
  Value result = tensor::ExpandShapeOp::create(
      rewriter, loc, outputType, matmul->getResult(0), pixels, outputSizes);
  rewriter.replaceOp(op, result);
  return cast<linalg::LinalgOp>(matmul.getOperation());
}

namespace {
/// What distinguishes the convolutions that go through an im2col matrix:
/// where the channels are, and how upstream's im2col rewrite lays out and
/// contracts the matrix (kept, so that fp8-insert-casts sees the same
/// contraction as before).
struct Im2ColLayout {
  bool channelsFirst;
  SmallVector<ReassociationIndices> filterGroups;
  SmallVector<ReassociationIndices> outputGroups;
  /// The contraction's maps over (batch, m, n, k), its first input being the
  /// filter (NCHW) or the im2col matrix (NHWC).
  bool filterFirst;
  SmallVector<unsigned> filterDims, colDims;
};
} // namespace

static Im2ColLayout getIm2ColLayout(linalg::LinalgOp op) {
  // Loop dimensions of the contraction: 0 = batch, 1 = m, 2 = n, 3 = k.
  if (isa<linalg::Conv2DNchwFchwOp>(op))
    // [F, C*KH*KW] x [N, C*KH*KW, OH*OW] -> [N, F, OH*OW].
    return {true, {{0}, {1, 2, 3}}, {{0}, {1}, {2, 3}},
            true, {1, 3},           {0, 3, 2}};
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    // [N, OH*OW, KH*KW*C] x [KH*KW*C, F] -> [N, OH*OW, F].
    return {false, {{0, 1, 2}, {3}}, {{0}, {1, 2}, {3}},
            false, {3, 2},           {0, 1, 3}};
  // NHWC / FHWC: [N, OH*OW, KH*KW*C] x [F, KH*KW*C] -> [N, OH*OW, F].
  return {false, {{0}, {1, 2, 3}}, {{0}, {1, 2}, {3}},
          false, {2, 3},           {0, 1, 3}};
}

/// The im2col matrix of `input` for a KH x KW window: [N, C*KH*KW, OH*OW]
/// (channels first) or [N, OH*OW, KH*KW*C] (channels last), built as a
/// [N, C, KH, KW, OH, OW] (or [N, OH, OW, KH, KW, C]) tensor by one copy of
/// a strided window of the input per filter tap, then collapsed. Where the
/// only tap reads the whole input, the matrix is the input reshaped.
static Value buildIm2Col(RewriterBase &rewriter, Location loc, Value input,
                         bool channelsFirst, ArrayRef<int64_t> window,
                         ArrayRef<int64_t> outputSpatial,
                         ArrayRef<int64_t> strides,
                         ArrayRef<int64_t> dilations) {
  auto inputType = cast<RankedTensorType>(input.getType());
  ArrayRef<int64_t> inputShape = inputType.getShape();
  int64_t batch = inputShape[0];
  int64_t channels = channelsFirst ? inputShape[1] : inputShape[3];
  unsigned spatial = channelsFirst ? 2 : 1;
  int64_t oh = outputSpatial[0], ow = outputSpatial[1];
  int64_t kh = window[0], kw = window[1];

  SmallVector<ReassociationIndices> groups =
      channelsFirst ? SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, {4, 5}}
                    : SmallVector<ReassociationIndices>{{0}, {1, 2}, {3, 4, 5}};
  if (kh == 1 && kw == 1 &&
      llvm::all_of(strides, [](int64_t s) { return s == 1; }) &&
      inputShape[spatial] == oh && inputShape[spatial + 1] == ow) {
    SmallVector<ReassociationIndices> pixels =
        channelsFirst ? SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}}
                      : SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}};
    return tensor::CollapseShapeOp::create(rewriter, loc, input, pixels);
  }

  SmallVector<int64_t> colShape =
      channelsFirst ? SmallVector<int64_t>{batch, channels, kh, kw, oh, ow}
                    : SmallVector<int64_t>{batch, oh, ow, kh, kw, channels};
  Value col = tensor::EmptyOp::create(rewriter, loc, colShape,
                                      inputType.getElementType());
  SmallVector<int64_t> tapShape =
      channelsFirst ? SmallVector<int64_t>{batch, channels, oh, ow}
                    : SmallVector<int64_t>{batch, oh, ow, channels};
  auto tapType = RankedTensorType::get(tapShape, inputType.getElementType());
  SmallVector<OpFoldResult> tapSizes =
      getAsIndexOpFoldResult(rewriter.getContext(), tapShape);
  SmallVector<int64_t> steps(4, 1);
  steps[spatial] = strides[0];
  steps[spatial + 1] = strides[1];
  SmallVector<OpFoldResult> colSizes =
      getAsIndexOpFoldResult(rewriter.getContext(), colShape);
  unsigned tapDim = channelsFirst ? 2 : 3;
  colSizes[tapDim] = colSizes[tapDim + 1] = rewriter.getIndexAttr(1);
  SmallVector<OpFoldResult> ones(6, rewriter.getIndexAttr(1));
  for (int64_t i = 0; i < kh; ++i) {
    for (int64_t j = 0; j < kw; ++j) {
      SmallVector<int64_t> offsets(4, 0);
      offsets[spatial] = i * dilations[0];
      offsets[spatial + 1] = j * dilations[1];
      Value tap = tensor::ExtractSliceOp::create(
          rewriter, loc, tapType, input,
          getAsIndexOpFoldResult(rewriter.getContext(), offsets), tapSizes,
          getAsIndexOpFoldResult(rewriter.getContext(), steps));
      SmallVector<int64_t> colOffsets(6, 0);
      colOffsets[tapDim] = i;
      colOffsets[tapDim + 1] = j;
      SmallVector<OpFoldResult> at =
          getAsIndexOpFoldResult(rewriter.getContext(), colOffsets);
      Value destination = tensor::ExtractSliceOp::create(
          rewriter, loc, tapType, col, at, colSizes, ones);
      Value copied =
          linalg::CopyOp::create(rewriter, loc, tap, destination).getResult(0);
      col = tensor::InsertSliceOp::create(rewriter, loc, copied, col, at,
                                          colSizes, ones);
    }
  }
  return tensor::CollapseShapeOp::create(rewriter, loc, col, groups);
}

/// The convolution as an im2col matrix and one contraction with the filter,
/// in the layout of upstream's im2col rewrite.
static linalg::LinalgOp rewriteIm2Col(RewriterBase &rewriter,
                                      linalg::LinalgOp op,
                                      ArrayRef<int64_t> strides,
                                      ArrayRef<int64_t> dilations) {
  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
  Value output = op.getDpsInits()[0];
  auto outputType = cast<RankedTensorType>(output.getType());
  ArrayRef<int64_t> filterShape =
      cast<RankedTensorType>(filter.getType()).getShape();
  Im2ColLayout layout = getIm2ColLayout(op);

  ArrayRef<int64_t> outputShape = outputType.getShape();
  SmallVector<int64_t> outputSpatial =
      layout.channelsFirst
          ? SmallVector<int64_t>{outputShape[2], outputShape[3]}
          : SmallVector<int64_t>{outputShape[1], outputShape[2]};
  // FCHW: [F, C, KH, KW]; HWCF: [KH, KW, C, F]; FHWC: [F, KH, KW, C].
  SmallVector<int64_t> window =
      isa<linalg::Conv2DNchwFchwOp>(op)
          ? SmallVector<int64_t>{filterShape[2], filterShape[3]}
      : isa<linalg::Conv2DNhwcHwcfOp>(op)
          ? SmallVector<int64_t>{filterShape[0], filterShape[1]}
          : SmallVector<int64_t>{filterShape[1], filterShape[2]};
  Value col = buildIm2Col(rewriter, loc, input, layout.channelsFirst, window,
                          outputSpatial, strides, dilations);
  Value weights = tensor::CollapseShapeOp::create(rewriter, loc, filter,
                                                  layout.filterGroups);
  Value acc = tensor::CollapseShapeOp::create(rewriter, loc, output,
                                              layout.outputGroups);

  auto map = [&](ArrayRef<unsigned> dims) {
    SmallVector<AffineExpr> results;
    for (unsigned dim : dims)
      results.push_back(getAffineDimExpr(dim, context));
    return AffineMap::get(4, 0, results, context);
  };
  AffineMap filterMap = map(layout.filterDims), colMap = map(layout.colDims);
  SmallVector<Value> inputs = {col, weights};
  SmallVector<AffineMap> maps = {colMap, filterMap, map({0, 1, 2})};
  if (layout.filterFirst) {
    std::swap(inputs[0], inputs[1]);
    std::swap(maps[0], maps[1]);
  }
  auto parallel = utils::IteratorType::parallel;
  auto contraction = linalg::GenericOp::create(
      rewriter, loc, acc.getType(), inputs, ValueRange{acc}, maps,
      {parallel, parallel, parallel, utils::IteratorType::reduction},
      [&](OpBuilder &b, Location bodyLoc, ValueRange args) {
        Type accType = args[2].getType();
        Value lhs = convertScalarToDtype(b, bodyLoc, args[0], accType,
                                         /*isUnsignedCast=*/false);
        Value rhs = convertScalarToDtype(b, bodyLoc, args[1], accType,
                                         /*isUnsignedCast=*/false);
        Value product = arith::MulFOp::create(b, bodyLoc, lhs, rhs);
        Value sum = arith::AddFOp::create(b, bodyLoc, product, args[2]);
        linalg::YieldOp::create(b, bodyLoc, sum);
      });
  Value result = tensor::ExpandShapeOp::create(
      rewriter, loc, outputType, contraction.getResult(0), layout.outputGroups);
  rewriter.replaceOp(op, result);
  return cast<linalg::LinalgOp>(contraction.getOperation());
}

FailureOr<linalg::LinalgOp> mlir::fp8::rewriteConvolutionToContraction(
    RewriterBase &rewriter, linalg::LinalgOp op, bool allowDilation) {
  if (!isConvertibleConvolution(op))
    return failure();
  SmallVector<int64_t> strides, dilations;
  auto read = [&](auto conv) {
    strides = getValues(conv.getStrides());
    dilations = getValues(conv.getDilations());
  };
  if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op.getOperation()))
    read(conv);
  else if (auto conv = dyn_cast<linalg::Conv2DNhwcFhwcOp>(op.getOperation()))
    read(conv);
  else
    read(cast<linalg::Conv2DNchwFchwOp>(op.getOperation()));
  // Dilation does not matter to a 1x1 filter.
  bool dilated = llvm::any_of(dilations, [](int64_t d) { return d != 1; });
  if (dilated && !allowDilation && !is1x1Nhwc(op))
    return failure();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  // Not linalg's own (its cache of the named op's indexing maps).
  SmallVector<NamedAttribute> carried;
  for (NamedAttribute attr : op->getDiscardableAttrs())
    if (!attr.getName().strref().starts_with("linalg."))
      carried.push_back(attr);
  linalg::LinalgOp contraction =
      is1x1Nhwc(op) ? rewrite1x1Nhwc(rewriter, op, strides)
                    : rewriteIm2Col(rewriter, op, strides, dilations);
  for (NamedAttribute attr : carried)
    contraction->setDiscardableAttr(attr.getName(), attr.getValue());
  return contraction;
}
