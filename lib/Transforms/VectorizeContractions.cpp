//===- VectorizeContractions.cpp - Register-tile and vectorize matmuls ----===//

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
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8VECTORIZECONTRACTIONSPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

/// Turns the innermost (K) tile loop into a register-blocked loop: the
/// accumulator's transfers (and the extract / insert of its tile) move out
/// of it, with the masks of partial tiles (and the tile sizes they are made
/// of), which depend only on the outer loops, first. Masked transfers are
/// made transfers with a mask operand first, which the hoisting sees. Tiles
/// of linalg.generic contractions, which upstream vectorizes as a product
/// and a reduction, become vector.contract (FMAs) as named ones do.
static void hoistAccumulator(RewriterBase &rewriter, LoopLikeOpInterface loop) {
  RewritePatternSet patterns(loop->getContext());
  vector::populateVectorMaskLoweringPatternsForSideEffectingOps(patterns);
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  vector::populateVectorReductionToContractPatterns(patterns);
  (void)applyPatternsGreedily(loop, std::move(patterns));
  moveLoopInvariantCode(
      loop.getLoopRegions(),
      [&](Value value, Region *) { return loop.isDefinedOutsideOfLoop(value); },
      [](Operation *op, Region *) {
        return isa<affine::AffineMinOp, affine::AffineApplyOp,
                   arith::ConstantOp, vector::CreateMaskOp,
                   vector::ConstantMaskOp>(op);
      },
      [&](Operation *op, Region *) { loop.moveOutOfLoop(op); });
  hoistLoopInvariantSubsets(rewriter, loop);
}

namespace {

struct FP8VectorizeContractionsPass
    : mlir::fp8::impl::FP8VectorizeContractionsPassBase<
          FP8VectorizeContractionsPass> {
  using FP8VectorizeContractionsPassBase::FP8VectorizeContractionsPassBase;

  void runOnOperation() override {
    // A register tile of at most 2^16 elements (one vector.contract).
    if (tileM < 1 || tileN < 1 || tileK < 1 || tileM > 65536 ||
        tileN > 65536 || tileK > 65536 || tileM * tileN * tileK > 65536) {
      getOperation().emitError()
          << "fp8-vectorize-contractions: tile sizes must be >= 1, with at "
             "most 65536 elements in a tile, got "
          << static_cast<int64_t>(tileM) << "x" << static_cast<int64_t>(tileN)
          << "x" << static_cast<int64_t>(tileK);
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && linalg::isaContractionOpInterface(op))
        candidates.push_back(op);
    });

    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      FailureOr<linalg::ContractionDimensions> dims =
          linalg::inferContractionDims(op);
      if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.empty())
        continue;
      // Batch dimensions, and all M, N and K dimensions but one of each, by
      // 1, then an M x N register tile accumulated over K steps of tileK.
      // The M and N dimensions of the register tile are those that vary
      // fastest in the output (an im2col contraction has two M or two N
      // dimensions, one of them the image in the batch); K is the last one.
      AffineMap output = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
      auto innermost = [&](ArrayRef<unsigned> candidates) {
        return *llvm::max_element(candidates, [&](unsigned a, unsigned b) {
          return output.getResultPosition(getAffineDimExpr(a, &getContext()))
                     .value_or(0) <
                 output.getResultPosition(getAffineDimExpr(b, &getContext()))
                     .value_or(0);
        });
      };
      SmallVector<int64_t> sizes(op.getNumLoops(), 1);
      sizes[innermost(dims->m)] = tileM;
      sizes[innermost(dims->n)] = tileN;
      sizes[dims->k.back()] = tileK;
      // The K loops innermost, so that the accumulator stays in registers.
      SmallVector<int64_t> interchange;
      for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
        if (iterator == utils::IteratorType::parallel)
          interchange.push_back(dim);
      for (auto [dim, iterator] : llvm::enumerate(op.getIteratorTypesArray()))
        if (iterator == utils::IteratorType::reduction)
          interchange.push_back(dim);
      FailureOr<SmallVector<LoopLikeOpInterface>> loops =
          mlir::fp8::tileAndVectorize(rewriter, op, sizes,
                                      /*createNamedContraction=*/true,
                                      interchange, parallel);
      // (The parallel loop, when it is the only one, has no accumulator to
      // carry.)
      if (succeeded(loops) && !loops->empty() &&
          !isa<scf::ForallOp>(loops->back().getOperation()))
        hoistAccumulator(rewriter, loops->back());
    }
  }
};

} // namespace
