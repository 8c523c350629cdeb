//===- VectorizeElementwise.cpp - Tile and vectorize element-wise linalg --===//

#include "fp8/Transforms/Passes.h"

#include "TileAndVectorize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8VECTORIZEELEMENTWISEPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

/// Vectors of sub-byte elements (f4, f6, i4) are bit-packed in memory while
/// memrefs of them hold one element per byte, so their transfers would read
/// the wrong bits: such ops stay scalar.
static bool hasByteSizedElements(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (!element.isIntOrFloat())
    return true;
  return element.getIntOrFloatBitWidth() % 8 == 0;
}

/// All loops parallel and every operand read or written along a projected
/// permutation of them (or broadcast): each output element depends on one
/// element of each input, so any tile vectorizes.
static bool isElementwiseOnTensors(linalg::LinalgOp op) {
  return op.hasPureTensorSemantics() && op.getNumLoops() > 0 &&
         llvm::all_of(op->getOperandTypes(), hasByteSizedElements) &&
         op.getNumLoops() == op.getNumParallelLoops() &&
         llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
           return map.isProjectedPermutation(/*allowZeroInResults=*/true);
         });
}

/// A tensor.pad with a constant padding value as a linalg.fill of the result
/// and a linalg.copy of the source into its interior, which vectorize like
/// any element-wise op; bufferized as it is, the pad becomes a scalar fill
/// and a `memref.copy` into a strided view (a library call).
static void decomposePad(RewriterBase &rewriter, tensor::PadOp pad) {
  Value padding = pad.getConstantPaddingValue();
  RankedTensorType type = pad.getResultType();
  if (!padding || !type.hasStaticShape())
    return;
  Location loc = pad.getLoc();
  rewriter.setInsertionPoint(pad);
  Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                        type.getElementType());
  Value filled =
      linalg::FillOp::create(rewriter, loc, padding, empty).getResult(0);
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(rewriter, loc, pad.getSource());
  SmallVector<OpFoldResult> strides(type.getRank(), rewriter.getIndexAttr(1));
  SmallVector<OpFoldResult> low = pad.getMixedLowPad();
  Value interior = tensor::ExtractSliceOp::create(rewriter, loc, filled, low,
                                                  sizes, strides);
  Value copied =
      linalg::CopyOp::create(rewriter, loc, pad.getSource(), interior)
          .getResult(0);
  rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, copied, filled, low,
                                                     sizes, strides);
}

namespace {

struct FP8VectorizeElementwisePass
    : mlir::fp8::impl::FP8VectorizeElementwisePassBase<
          FP8VectorizeElementwisePass> {
  using FP8VectorizeElementwisePassBase::FP8VectorizeElementwisePassBase;

  void runOnOperation() override {
    // Transposes take square tiles: at most 2^16 elements.
    if (vectorSize < 1 || vectorSize > 256) {
      getOperation().emitError() << "fp8-vectorize-elementwise: vector-size "
                                    "must be in [1, 256], got "
                                 << static_cast<int64_t>(vectorSize);
      return signalPassFailure();
    }
    IRRewriter rewriter(&getContext());
    SmallVector<tensor::PadOp> pads;
    getOperation().walk([&](tensor::PadOp pad) { pads.push_back(pad); });
    for (tensor::PadOp pad : pads)
      decomposePad(rewriter, pad);

    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isElementwiseOnTensors(op))
        candidates.push_back(op);
    });

    for (linalg::LinalgOp op : candidates) {
      // Innermost tiles of vectorSize elements (or of the whole dimension
      // where it is statically smaller: no masks then). An operand read
      // across the innermost loop (a transpose) gets square tiles, read by
      // rows and transposed in registers, rather than one element per row.
      SmallVector<int64_t> sizes(op.getNumLoops(), 1);
      sizes.back() = vectorSize;
      for (OpOperand *input : op.getDpsInputOperands()) {
        AffineMap map = op.getMatchingIndexingMap(input);
        if (map.getNumResults() == 0)
          continue;
        auto innermost = dyn_cast<AffineDimExpr>(map.getResults().back());
        if (innermost && innermost.getPosition() + 1 != op.getNumLoops() &&
            map.isFunctionOfDim(op.getNumLoops() - 1))
          sizes[innermost.getPosition()] = vectorSize;
      }
      (void)mlir::fp8::tileAndVectorize(rewriter, op, sizes,
                                        /*createNamedContraction=*/false,
                                        /*interchange=*/{}, parallel);
    }
  }
};

} // namespace
