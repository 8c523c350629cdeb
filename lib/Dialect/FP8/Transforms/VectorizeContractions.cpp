//===- VectorizeContractions.cpp - Register-tile and vectorize matmuls ----===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8VECTORIZECONTRACTIONSPASS
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

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
      FailureOr<linalg::ContractionDimensions> dims =
          linalg::inferContractionDims(op);
      if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
          dims->k.size() != 1)
        continue;
      // Batch dimensions by 1, then an M x N register tile accumulated over
      // K steps of tileK.
      SmallVector<int64_t> sizes(op.getNumLoops(), 1);
      sizes[dims->m.front()] = tileM;
      sizes[dims->n.front()] = tileN;
      sizes[dims->k.front()] = tileK;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      for (auto [size, range] : llvm::zip_equal(sizes, ranges))
        if (!ShapedType::isDynamic(range))
          size = std::min(size, range);
      SmallVector<bool> scalable(sizes.size(), false);
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled =
          scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()),
                            scf::SCFTilingOptions().setTileSizes(
                                getAsIndexOpFoldResult(&getContext(), sizes)));
      if (failed(tiled))
        continue;
      rewriter.replaceOp(op, tiled->replacements);
      for (Operation *tile : tiled->tiledOps) {
        rewriter.setInsertionPoint(tile);
        FailureOr<linalg::VectorizationResult> vectorized =
            linalg::vectorize(rewriter, tile, sizes, scalable,
                              /*vectorizeNDExtract=*/false,
                              /*flatten1DDepthwiseConv=*/false,
                              /*assumeDynamicDimsMatchVecSizes=*/false,
                              /*createNamedContraction=*/true);
        if (succeeded(vectorized))
          rewriter.replaceOp(tile, vectorized->replacements);
      }
    }
  }
};

} // namespace
