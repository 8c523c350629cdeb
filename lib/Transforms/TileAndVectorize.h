//===- TileAndVectorize.h - Shared by the vectorization passes --*- C++ -*-===//

#ifndef FP8_LIB_TRANSFORMS_TILEANDVECTORIZE_H
#define FP8_LIB_TRANSFORMS_TILEANDVECTORIZE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::fp8 {

/// Tiles `op` (on tensors) by `sizes`, each clamped to its loop's static
/// range, and vectorizes every tile with those vector sizes (masked where a
/// tile is partial; contractions become vector.contract if
/// `createNamedContraction`). Element-wise tiles that upstream's vectorizer
/// refuses for their element types (a dialect's float type in the body) are
/// vectorized here. A tile neither can handle stays a small linalg op.
/// The tile loops follow the loop dimensions, or `interchange` (a
/// permutation of them) where given.
///
/// If `parallel`, the outermost tile loop over a parallel dimension that has
/// more than one tile becomes an `scf.forall`, outside all the others (see
/// getParallelTileDim): its iterations write disjoint tiles of the outputs,
/// and each output element is still reduced in the same order (reduction
/// loops are never split), so the results do not depend on how its
/// iterations are spread over threads. Ops with fewer than
/// kMinParallelIterations iterations, and ops already inside a parallel
/// loop, stay serial.
///
/// Returns the tile loops, outermost first; fails, leaving `op` alone, if it
/// cannot be tiled.
FailureOr<SmallVector<LoopLikeOpInterface>>
tileAndVectorize(RewriterBase &rewriter, linalg::LinalgOp op,
                 ArrayRef<int64_t> sizes, bool createNamedContraction,
                 ArrayRef<int64_t> interchange = {}, bool parallel = false);

/// The static iteration count below which an op is not worth a parallel
/// region (a fork and join costs microseconds, the time of tens of
/// thousands of vectorized element operations).
constexpr int64_t kMinParallelIterations = int64_t(1) << 15;

} // namespace mlir::fp8

#endif // FP8_LIB_TRANSFORMS_TILEANDVECTORIZE_H
