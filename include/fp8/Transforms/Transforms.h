//===- Transforms.h - Patterns and checks not about fp8 ---------*- C++ -*-===//

#ifndef FP8_TRANSFORMS_TRANSFORMS_H
#define FP8_TRANSFORMS_TRANSFORMS_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class Operation;
class RewriterBase;
class RewritePatternSet;

namespace linalg {
class LinalgOp;
} // namespace linalg

namespace fp8 {

/// Whether `op` is a 2-D convolution that
/// `rewriteConvolutionToContraction` handles (NHWC/HWCF, NHWC/FHWC,
/// NCHW/FCHW on f32, f16 or bf16 tensors; static shapes unless 1x1 NHWC).
bool isConvertibleConvolution(linalg::LinalgOp op);

/// Rewrites a convolution that `isConvertibleConvolution` accepts into a
/// contraction: a 1x1 NHWC convolution into a strided slice, reshapes and
/// linalg.matmul; the others into an im2col matrix (one strided copy of the
/// input per filter tap, a reshape where the filter is 1x1 with unit
/// strides) contracted with the filter in the layout of upstream's im2col
/// rewrite (`linalg::rewriteInIm2Col`). Dilated convolutions other than 1x1
/// NHWC ones are refused unless `allowDilation` (fp8-insert-casts keeps
/// them, as upstream's rewrite did). Returns the contraction; the
/// convolution's discardable attributes other than linalg's (`fp8.role`)
/// are carried over to it.
FailureOr<linalg::LinalgOp>
rewriteConvolutionToContraction(RewriterBase &rewriter, linalg::LinalgOp op,
                                bool allowDilation = false);

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
