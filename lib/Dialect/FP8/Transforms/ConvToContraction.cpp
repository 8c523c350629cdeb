//===- ConvToContraction.cpp - 2-D convolutions as contractions -----------===//
//
// A convolution is a matrix product once its input is unfolded: a 1x1 NHWC
// convolution needs only a (strided) slice and reshapes; the others go
// through upstream's im2col rewrite.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fp8;

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

/// Upstream's im2col rewrite, and the contraction it produced.
static FailureOr<linalg::LinalgOp> rewriteIm2Col(RewriterBase &rewriter,
                                                 linalg::LinalgOp op) {
  FailureOr<std::pair<Operation *, Operation *>> rewritten =
      TypeSwitch<Operation *, FailureOr<std::pair<Operation *, Operation *>>>(
          op)
          .Case<linalg::Conv2DNhwcHwcfOp, linalg::Conv2DNhwcFhwcOp,
                linalg::Conv2DNchwFchwOp>([&](auto conv) {
            return linalg::rewriteInIm2Col(rewriter, conv);
          })
          .Default([](Operation *) { return failure(); });
  if (failed(rewritten))
    return failure();
  // The sequence ends in reshapes of the contraction's result.
  Operation *last = rewritten->second;
  while (last && isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(last))
    last = last->getOperand(0).getDefiningOp();
  auto contraction = dyn_cast_or_null<linalg::LinalgOp>(last);
  if (!contraction)
    return failure();
  return contraction;
}

FailureOr<linalg::LinalgOp>
mlir::fp8::rewriteConvolutionToContraction(RewriterBase &rewriter,
                                           linalg::LinalgOp op) {
  if (!isConvertibleConvolution(op))
    return failure();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  SmallVector<NamedAttribute> carried;
  for (NamedAttribute attr : op->getDiscardableAttrs())
    if (attr.getName().strref().starts_with("fp8."))
      carried.push_back(attr);

  FailureOr<linalg::LinalgOp> contraction = failure();
  if (is1x1Nhwc(op)) {
    DenseIntElementsAttr stridesAttr =
        isa<linalg::Conv2DNhwcHwcfOp>(op)
            ? cast<linalg::Conv2DNhwcHwcfOp>(op).getStrides()
            : cast<linalg::Conv2DNhwcFhwcOp>(op).getStrides();
    auto strides = llvm::to_vector(stridesAttr.getValues<int64_t>());
    contraction = rewrite1x1Nhwc(rewriter, op, strides);
  } else {
    contraction = rewriteIm2Col(rewriter, op);
  }
  if (failed(contraction))
    return failure();
  for (NamedAttribute attr : carried)
    (*contraction)->setDiscardableAttr(attr.getName(), attr.getValue());
  return contraction;
}
