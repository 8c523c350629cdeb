//===- TileAndVectorize.h - Shared by the vectorization passes --*- C++ -*-===//

#ifndef FP8_LIB_TRANSFORMS_TILEANDVECTORIZE_H
#define FP8_LIB_TRANSFORMS_TILEANDVECTORIZE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fp8 {

/// Tiles `op` (on tensors) by `sizes`, each clamped to its loop's static
/// range, and vectorizes every tile with those vector sizes (masked where a
/// tile is partial; contractions become vector.contract if
/// `createNamedContraction`). A tile the vectorizer cannot handle stays a
/// small linalg op. Fails, leaving `op` alone, if it cannot be tiled.
LogicalResult tileAndVectorize(RewriterBase &rewriter, linalg::LinalgOp op,
                               ArrayRef<int64_t> sizes,
                               bool createNamedContraction);

} // namespace mlir::fp8

#endif // FP8_LIB_TRANSFORMS_TILEANDVECTORIZE_H
