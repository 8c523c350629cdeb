//===- VectorizeContractions.cpp - Register-tile and vectorize matmuls ----===//

#include "fp8/Transforms/Passes.h"

#include "TileAndVectorize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
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

/// The input of `op` if it only broadcasts it (`linalg.broadcast`, or a
/// generic copying its one input along a projected permutation to an
/// identity-mapped output), with the map from the output's dimensions to the
/// input's.
static std::optional<std::pair<Value, AffineMap>>
matchBroadcast(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
      linalgOp.getNumDpsInputs() != 1 || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumLoops() != linalgOp.getNumParallelLoops())
    return std::nullopt;
  OpOperand *input = linalgOp.getDpsInputOperand(0);
  AffineMap inputMap = linalgOp.getMatchingIndexingMap(input);
  auto yield = cast<linalg::YieldOp>(linalgOp.getBlock()->getTerminator());
  if (!isa<RankedTensorType>(input->get().getType()) ||
      !linalgOp.getMatchingIndexingMap(linalgOp.getDpsInitOperand(0))
           .isIdentity() ||
      !inputMap.isProjectedPermutation() || inputMap.isPermutation() ||
      yield.getValues().size() != 1 ||
      yield.getValues()[0] != linalgOp.getMatchingBlockArgument(input))
    return std::nullopt;
  return std::make_pair(input->get(), inputMap);
}

/// A contraction reading an operand broadcast along some of its dimensions
/// (a weight broadcast to every sequence of a batch_matmul, say) reads the
/// broadcast's input instead, and M (or N) dimensions that then appear
/// together in every operand are collapsed into one: a batch_matmul against
/// a broadcast [K, N] matrix becomes one matmul of [B * M, K] by [K, N],
/// and the broadcast is not materialized. The sums are unchanged.
static linalg::LinalgOp foldBroadcastOperands(RewriterBase &rewriter,
                                              linalg::LinalgOp op) {
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  bool folded = false;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    std::optional<std::pair<Value, AffineMap>> broadcast =
        matchBroadcast(input->get().getDefiningOp());
    if (broadcast) {
      inputs.push_back(broadcast->first);
      maps.push_back(broadcast->second.compose(map));
      folded = true;
      continue;
    }
    inputs.push_back(input->get());
    maps.push_back(map);
  }
  if (!folded)
    return op;
  for (OpOperand &init : op.getDpsInitsMutable())
    maps.push_back(op.getMatchingIndexingMap(&init));

  rewriter.setInsertionPoint(op);
  auto generic = linalg::GenericOp::create(
      rewriter, op.getLoc(), op->getResultTypes(), inputs, op.getDpsInits(),
      maps, op.getIteratorTypesArray());
  rewriter.inlineRegionBefore(op->getRegion(0), generic.getRegion(),
                              generic.getRegion().begin());
  rewriter.replaceOp(op, generic->getResults());
  linalg::LinalgOp result = generic;

  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(result);
  if (failed(dims))
    return result;
  for (ArrayRef<unsigned> group :
       {ArrayRef<unsigned>(dims->m), ArrayRef<unsigned>(dims->n)}) {
    if (group.size() < 2)
      continue;
    ReassociationIndices collapsed(group.begin(), group.end());
    if (!llvm::is_sorted(collapsed) ||
        collapsed.back() - collapsed.front() + 1 !=
            static_cast<int64_t>(collapsed.size()) ||
        !linalg::areDimSequencesPreserved(result.getIndexingMapsArray(),
                                          {collapsed}))
      continue;
    rewriter.setInsertionPoint(result);
    FailureOr<linalg::CollapseResult> collapsedOp =
        linalg::collapseOpIterationDims(result, {collapsed}, rewriter);
    if (failed(collapsedOp))
      continue;
    rewriter.replaceOp(result, collapsedOp->results);
    return collapsedOp->collapsedOp;
  }
  return result;
}

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
    if (tileM < 1 || tileN < 1 || tileK < 1) {
      getOperation().emitError()
          << "fp8-vectorize-contractions: tile sizes must be >= 1, got "
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
      op = foldBroadcastOperands(rewriter, op);
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
                                      interchange);
      if (succeeded(loops) && !loops->empty())
        hoistAccumulator(rewriter, loops->back());
    }
  }
};

} // namespace
