//===- FP8ToCPU.h - fp8 to CPU kernels --------------------------*- C++ -*-===//
//
// What the CPU targets add to the lowering: the packed scaled-matmul
// kernels (generic vectors, AVX-512, AVX-512 BF16, AMX) and the x86 code
// shapes of the conversions.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_FP8TOCPU_FP8TOCPU_H
#define FP8_CONVERSION_FP8TOCPU_FP8TOCPU_H

#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <string>

namespace mlir {
class RewritePatternSet;

namespace fp8 {
class Target;

/// The packed kernel's blocking: an `mr x nr` register tile, `mc x kc`
/// left blocks and `kc x nc` right panels. 0 keeps the target's default.
struct CPUMatmulBlocking {
  int64_t mr = 0, nr = 0, mc = 0, kc = 0, nc = 0;
};

/// Why `blocking` does not fit `target` (a CPU target), or "" if it does.
std::string verifyCPUMatmulBlocking(const Target &target,
                                    const CPUMatmulBlocking &blocking);

/// A pattern that rewrites each fp8.scaled_matmul on static tensors that the
/// packed kernel takes into that kernel for `target` (a CPU target) and
/// `blocking` (which must verify), and leaves the others to
/// convert-fp8-to-linalg's reference decomposition.
void populateFP8MatmulToCPUPatterns(RewritePatternSet &patterns,
                                    const Target &target,
                                    const CPUMatmulBlocking &blocking = {});

/// The conversions' code-generation choices for `target`: on the AVX-512
/// targets, HiF8 encoding looks its tables up with AVX-512BW's vpermi2w.
/// The default options (target-independent code) for the others.
EmitterOptions getCPUEmitterOptions(const Target &target);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TOCPU_FP8TOCPU_H
