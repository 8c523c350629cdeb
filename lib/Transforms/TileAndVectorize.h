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
/// permutation of them) where given. Returns the tile loops, outermost
/// first; fails, leaving `op` alone, if it cannot be tiled.
FailureOr<SmallVector<LoopLikeOpInterface>>
tileAndVectorize(RewriterBase &rewriter, linalg::LinalgOp op,
                 ArrayRef<int64_t> sizes, bool createNamedContraction,
                 ArrayRef<int64_t> interchange = {});

} // namespace mlir::fp8

#endif // FP8_LIB_TRANSFORMS_TILEANDVECTORIZE_H
