//===- Transforms.h - Patterns and checks not about fp8 ---------*- C++ -*-===//

#ifndef FP8_TRANSFORMS_TRANSFORMS_H
#define FP8_TRANSFORMS_TRANSFORMS_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class Operation;
class RewritePatternSet;

namespace fp8 {

/// Whether `fp8-lower-math` replaces the f32 math op named `opName` (e.g.
/// "math.erf") with upstream's polynomial approximation.
bool isApproximatedMathOp(StringRef opName);

/// `math.fpowi` with an exponent that is not a constant integer becomes
/// `math.powf` of the magnitude, with the base's sign where the exponent is
/// odd (in f32 for narrower floats).
void populateNonConstantFPowIToPowFPatterns(RewritePatternSet &patterns);

/// Fails, with an error at the first op nested in `root` that did not reach
/// the LLVM dialect (see `fp8-verify-lowered-to-llvm`) and a note counting
/// the others; `root` itself is not checked.
LogicalResult verifyLoweredToLLVM(Operation *root);

} // namespace fp8
} // namespace mlir

#endif // FP8_TRANSFORMS_TRANSFORMS_H
