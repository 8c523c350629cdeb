//===- FP8ToLinalg.h - fp8 ops on tensors to linalg -------------*- C++ -*-===//

#ifndef FP8_CONVERSION_FP8TOLINALG_FP8TOLINALG_H
#define FP8_CONVERSION_FP8TOLINALG_FP8TOLINALG_H

namespace mlir {
class RewritePatternSet;

namespace fp8 {

/// Patterns that rewrite fp8 ops on tensors (and element-wise arith ops on
/// tensors) into linalg ops over scalars.
void populateFP8ToLinalgConversionPatterns(RewritePatternSet &patterns);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TOLINALG_FP8TOLINALG_H
