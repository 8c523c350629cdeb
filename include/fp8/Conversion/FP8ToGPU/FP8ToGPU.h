//===- FP8ToGPU.h - fp8.scaled_matmul to GPU kernels ------------*- C++ -*-===//

#ifndef FP8_CONVERSION_FP8TOGPU_FP8TOGPU_H
#define FP8_CONVERSION_FP8TOGPU_FP8TOGPU_H

#include "mlir/Support/LLVM.h"

namespace mlir {
namespace gpu {
class GPUModuleOp;
} // namespace gpu

namespace fp8 {
class ScaledMatmulOp;
struct GPUChip;

/// Replaces `op` (host code, static tensors) by a gpu.launch_func of a
/// tensor-core kernel generated for it into `kernels`, for `chip`. Fails
/// with an error naming the op where the kernel cannot lower it
/// (Target::canLower; fp8-legalize decomposes towards that set).
LogicalResult lowerScaledMatmulToGPU(ScaledMatmulOp op, const GPUChip &chip,
                                     gpu::GPUModuleOp kernels);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TOGPU_FP8TOGPU_H
