//===- VectorizeReductions.cpp - Tile and vectorize linalg reductions -----===//
//
// Reductions along the innermost dimension (softmax's max and sum, a norm's
// mean and variance) become one vector per row reduced by a tree; those
// along outer dimensions accumulate whole vectors of the innermost one.
//
//===----------------------------------------------------------------------===//

#include "fp8/Transforms/Passes.h"

#include "TileAndVectorize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8VECTORIZEREDUCTIONSPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

/// Reductions of rows on tensors: some loops parallel, the others
/// reductions that no output is indexed by, static loop ranges, operands
/// read along projected permutations (upstream's vectorizer then recognizes
/// the combiner of each output, or fails and leaves the tile alone). Ops
/// whose loops are all reductions (the reduction of a whole tensor to one
/// value, and fp8-to-linalg's amax, whose blocks index the result) are not
/// taken.
static bool isReductionOnTensors(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumReductionLoops() == 0 ||
      op.getNumParallelLoops() == 0 || op.hasDynamicShape())
    return false;
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  for (OpOperand &init : op.getDpsInitsMutable())
    for (unsigned dim : reductions)
      if (op.getMatchingIndexingMap(&init).isFunctionOfDim(dim))
        return false;
  return llvm::all_of(op->getOperandTypes(),
                      [](Type type) {
                        Type element = getElementTypeOrSelf(type);
                        return !element.isIntOrFloat() ||
                               element.getIntOrFloatBitWidth() % 8 == 0 ||
                               element.isInteger(1);
                      }) &&
         llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
           return map.isProjectedPermutation(/*allowZeroInResults=*/true);
         });
}

/// The largest divisor of `extent` that is at most `limit`, preferring
/// multiples of `multiple` (full tiles need no masks).
static int64_t chooseChunk(int64_t extent, int64_t limit, int64_t multiple) {
  if (extent <= limit)
    return extent;
  for (int64_t chunk = limit - limit % multiple; chunk >= multiple;
       chunk -= multiple)
    if (extent % chunk == 0)
      return chunk;
  return limit;
}

/// A multi_reduction of a vector whose leading dimensions are 1 over all the
/// others (a tile of rows reduced along them) as one vector.reduction of the
/// flattened vector, allowed to reassociate: a tree of vector ops instead
/// of the in-order chain of scalar ops an ordered float reduction is.
static LogicalResult reduceAsTree(RewriterBase &rewriter,
                                  vector::MultiDimReductionOp op) {
  VectorType source = op.getSourceVectorType();
  ArrayRef<int64_t> dims = op.getReductionDims();
  int64_t rank = source.getRank();
  int64_t kept = rank - static_cast<int64_t>(dims.size());
  for (auto [i, dim] : llvm::enumerate(dims))
    if (dim != kept + static_cast<int64_t>(i))
      return failure();
  if (!llvm::all_of(source.getShape().take_front(kept),
                    [](int64_t size) { return size == 1; }))
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto flat =
      VectorType::get({source.getNumElements()}, source.getElementType());
  Value vector =
      vector::ShapeCastOp::create(rewriter, loc, flat, op.getSource());
  Value acc = op.getAcc();
  auto accType = dyn_cast<VectorType>(acc.getType());
  if (accType && accType.getRank() != kept)
    return failure();
  if (accType)
    acc = vector::ExtractOp::create(rewriter, loc, acc,
                                    SmallVector<int64_t>(kept, 0));
  auto fastmath = isa<FloatType>(source.getElementType())
                      ? arith::FastMathFlags::reassoc
                      : arith::FastMathFlags::none;
  Value reduced = vector::ReductionOp::create(rewriter, loc, op.getKind(),
                                              vector, acc, fastmath);
  if (accType)
    reduced = vector::BroadcastOp::create(rewriter, loc, accType, reduced);
  rewriter.replaceOp(op, reduced);
  return success();
}

namespace {

/// The multi_reductions the vectorizer creates (and has not erased since).
struct ReductionCollector : RewriterBase::Listener {
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    if (isa<vector::MultiDimReductionOp>(op))
      created.insert(op);
  }
  void notifyOperationErased(Operation *op) override { created.remove(op); }
  SetVector<Operation *> created;
};

struct FP8VectorizeReductionsPass
    : mlir::fp8::impl::FP8VectorizeReductionsPassBase<
          FP8VectorizeReductionsPass> {
  using FP8VectorizeReductionsPassBase::FP8VectorizeReductionsPassBase;

  void runOnOperation() override {
    if (vectorSize < 1 || maxVectorElements < vectorSize ||
        maxVectorElements > 65536) {
      getOperation().emitError()
          << "fp8-vectorize-reductions: need 1 <= vector-size <= "
             "max-vector-elements <= 65536, got "
          << static_cast<int64_t>(vectorSize) << " and "
          << static_cast<int64_t>(maxVectorElements);
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isReductionOnTensors(op))
        candidates.push_back(op);
    });

    ReductionCollector collector;
    IRRewriter rewriter(&getContext(), &collector);
    for (linalg::LinalgOp op : candidates) {
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      unsigned innermost = op.getNumLoops() - 1;
      // Parallel dimensions by 1, but for an innermost parallel one (its
      // vectors accumulate across the reductions along outer dimensions);
      // reduction dimensions whole, innermost first, as far as the vector
      // budget goes.
      SmallVector<int64_t> sizes(op.getNumLoops(), 1);
      int64_t budget = maxVectorElements;
      if (iterators[innermost] == utils::IteratorType::parallel) {
        sizes[innermost] = std::min<int64_t>(vectorSize, ranges[innermost]);
        budget /= std::max<int64_t>(sizes[innermost], 1);
      }
      for (int64_t dim = innermost; dim >= 0 && budget > 1; --dim) {
        if (iterators[dim] != utils::IteratorType::reduction)
          continue;
        sizes[dim] = chooseChunk(ranges[dim], budget, vectorSize);
        // (0 for a dimension of size 0: tileAndVectorize drops the op.)
        budget /= std::max<int64_t>(sizes[dim], 1);
      }
      (void)mlir::fp8::tileAndVectorize(rewriter, op, sizes,
                                        /*createNamedContraction=*/false,
                                        /*interchange=*/{}, parallel);
    }

    // Rows: one tree reduction each; the others: vectors combined
    // element-wise.
    SmallVector<Operation *> others;
    for (Operation *op : collector.created.takeVector()) {
      auto reduction = cast<vector::MultiDimReductionOp>(op);
      if (reduction->getParentOfType<vector::MaskOp>() ||
          failed(reduceAsTree(rewriter, reduction)))
        others.push_back(op);
    }
    RewritePatternSet patterns(&getContext());
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel);
    (void)applyOpPatternsGreedily(others, std::move(patterns));
  }
};

} // namespace
