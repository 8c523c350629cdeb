//===- FoldScales.cpp - Exact algebra on fp8 scales -----------------------===//
//
// fp8-fold-scales: rewrites that move scaling into the ops that do it best
// (dequantize/quantize pairs, multiplies into scales, epilogues into
// fp8.scaled_matmul, constant weights quantized at compile time) without
// changing a bit of any result. Where exactness depends on constant scales
// or multipliers, it is decided by evaluating the affected computation for
// every code of the narrow format with the numerics library (the same
// functions the folders and the lowered code agree with), not by a
// heuristic. Folds that are exact only up to reassociation of f32
// arithmetic are applied only with `allow-reassociation`.
//
// The patterns live by family: FoldQuantize.cpp (quantize / dequantize),
// FoldConstantWeights.cpp (weights quantized at compile time),
// FoldScaledMatmulEpilogue.cpp (into fp8.scaled_matmul) and
// LiftScaledMatmul.cpp (dequantize -> linalg contractions lifted into
// fp8.scaled_matmul).
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8FOLDSCALESPASS
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

void mlir::fp8::populateFP8FoldScalesPatterns(RewritePatternSet &patterns,
                                              bool allowReassociation) {
  populateFP8DequantizeQuantizeFoldPatterns(patterns);
  populateFP8ConstantWeightFoldPatterns(patterns);
  populateFP8ScaledMatmulFoldPatterns(patterns, allowReassociation);
  populateFP8LiftScaledMatmulPatterns(patterns, allowReassociation);
}

namespace {

struct FP8FoldScalesPass
    : mlir::fp8::impl::FP8FoldScalesPassBase<FP8FoldScalesPass> {
  using FP8FoldScalesPassBase::FP8FoldScalesPassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8FoldScalesPatterns(patterns, allowReassociation);
    // Folding is off: folding fp8.dequantize of constant weights into f32
    // constants would defeat lifting their matmuls into fp8.scaled_matmul.
    // Constant weights are FoldConstantWeights.cpp's patterns.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace
