//===- ContractionLayout.h - Contractions by loop-dimension role -*- C++
//-*-===//
//
// What fp8-insert-casts and the broadcast-contraction collapse share: a
// linalg contraction's loop dimensions by role (batch, M, N, K), and the
// transposes and reshapes that bring an operand into a [group, group, ...]
// layout and the result back.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_DIALECT_FP8_TRANSFORMS_CONTRACTIONLAYOUT_H
#define FP8_LIB_DIALECT_FP8_TRANSFORMS_CONTRACTIONLAYOUT_H

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/Builders.h"

#include <string>

namespace mlir::fp8 {

/// A contraction's loop dimensions by role, each in loop order, and whether
/// its rhs is laid out [N, K] (K innermost).
struct ContractionLayout {
  SmallVector<unsigned> batch, m, n, k;
  bool rhsTransposed = false;
};

/// The layout of a contraction fp8-insert-casts rewrites (matchContraction in
/// Transforms.h), or failure and, if given, `why` not.
FailureOr<ContractionLayout> getContractionLayout(linalg::LinalgOp op,
                                                  std::string *why = nullptr);

/// `value` (indexed by `map`) transposed so that its dimensions follow
/// `groups` in order, then each group collapsed into one dimension.
Value toGroupedLayout(OpBuilder &b, Location loc, Value value, AffineMap map,
                      ArrayRef<ArrayRef<unsigned>> groups);

/// The inverse of toGroupedLayout for a result: `value` (in `groups`)
/// expanded and transposed into `like`'s layout (indexed by `map`).
Value fromGroupedLayout(OpBuilder &b, Location loc, Value value, Value like,
                        AffineMap map, ArrayRef<ArrayRef<unsigned>> groups);

} // namespace mlir::fp8

#endif // FP8_LIB_DIALECT_FP8_TRANSFORMS_CONTRACTIONLAYOUT_H
