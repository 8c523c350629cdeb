//===- Pipelines.h - fp8-mlir's named pass pipelines ------------*- C++ -*-===//

#ifndef FP8_PIPELINES_PIPELINES_H
#define FP8_PIPELINES_PIPELINES_H

namespace mlir {
class OpPassManager;

namespace fp8 {

/// fp8-cpu-pipeline: from linalg / fp8 ops on tensors to the LLVM dialect,
/// runnable by mlir-runner.
void buildFP8CPUPipeline(OpPassManager &pm);

/// Registers the pipelines above with the global registry.
void registerFP8Pipelines();

} // namespace fp8
} // namespace mlir

#endif // FP8_PIPELINES_PIPELINES_H
