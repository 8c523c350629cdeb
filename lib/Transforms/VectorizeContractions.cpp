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
#include "mlir/IR/PatternMatch.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8VECTORIZECONTRACTIONSPASS
#include "fp8/Transforms/Passes.h.inc"
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
      (void)mlir::fp8::tileAndVectorize(rewriter, op, sizes,
                                        /*createNamedContraction=*/true);
    }
  }
};

} // namespace
