//===- Pipelines.h - fp8-mlir's named pass pipelines ------------*- C++ -*-===//

#ifndef FP8_PIPELINES_PIPELINES_H
#define FP8_PIPELINES_PIPELINES_H

#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;

namespace fp8 {

struct FP8CPUPipelineOptions : PassPipelineOptions<FP8CPUPipelineOptions> {
  Option<Target> target{
      *this, "target",
      llvm::cl::desc("CPU target the kernels are shaped for: generic "
                     "(portable 8-lane vectors), avx512 (16 lanes, 32 "
                     "registers), avx512-bf16 (vdpbf16ps dot products), amx "
                     "(AMX-BF16 tiles, Intel Sapphire Rapids and later), "
                     "host (the fastest of these for this machine's CPU)"),
      llvm::cl::init(Target(CPUTarget::Generic))};
  Option<bool> threads{
      *this, "threads",
      llvm::cl::desc("Run the outer tile loops of element-wise ops, "
                     "conversions, reductions and contractions, and every "
                     "scf.parallel / scf.forall, on threads (OpenMP: the "
                     "code calls the LLVM OpenMP runtime, libomp.so, which "
                     "picks the thread count at run time: all cores, or "
                     "OMP_NUM_THREADS). Results do not depend on the thread "
                     "count. false: serial loops, no runtime needed"),
      llvm::cl::init(true)};
};

/// What fp8-gpu-pipeline makes of the kernels.
enum class GPUKernelFormat {
  Binary, ///< cubins, assembled by the CUDA toolkit's ptxas
  PTX,    ///< PTX text (no CUDA toolkit needed)
};

/// What fp8-gpu-pipeline does with the host functions.
enum class GPUHostCode { LLVM, None };

struct FP8GPUPipelineOptions : PassPipelineOptions<FP8GPUPipelineOptions> {
  Option<Target> chip{*this, "chip",
                      llvm::cl::desc("Target GPU: sm_89 or later, e.g. "
                                     "sm_89 (Ada) or sm_90a (Hopper)"),
                      llvm::cl::init(Target(GPUChip{90, true}))};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit whose ptxas assembles the kernels "
                     "(default: the one whose ptxas is on PATH, else "
                     "/usr/local/cuda)"),
      llvm::cl::init("")};
  Option<GPUKernelFormat> format{
      *this, "format",
      llvm::cl::desc("What the kernels become in the gpu.binary"),
      llvm::cl::values(
          clEnumValN(GPUKernelFormat::Binary, "bin",
                     "cubins, assembled by the CUDA toolkit's ptxas"),
          clEnumValN(GPUKernelFormat::PTX, "isa",
                     "PTX (no CUDA toolkit needed; for inspection)")),
      llvm::cl::init(GPUKernelFormat::Binary)};
  Option<GPUHostCode> host{
      *this, "host",
      llvm::cl::desc("Host code: llvm (lowered to the LLVM dialect, calling "
                     "the CUDA runtime wrapper; buffers in managed memory) "
                     "or none (func / memref / gpu.launch_func, as "
                     "gpu/harness.py reads it)"),
      llvm::cl::init(GPUHostCode::LLVM),
      llvm::cl::values(
          clEnumValN(GPUHostCode::LLVM, "llvm",
                     "host functions in the LLVM dialect"),
          clEnumValN(GPUHostCode::None, "none",
                     "host functions on memrefs, not lowered"))};
};

/// fp8-gpu-pipeline: from fp8 ops on tensors to host functions that launch
/// kernels and a gpu.binary holding the kernels' cubins, assembled by the
/// CUDA toolkit's ptxas. Every buffer access is in a kernel. With
/// host=llvm the host functions are in the LLVM dialect (calling the CUDA
/// runtime wrapper's mgpu* functions once translated); with host=none they
/// stay func / memref / gpu.launch_func.
void buildFP8GPUPipeline(OpPassManager &pm,
                         const FP8GPUPipelineOptions &options);

/// fp8-cpu-pipeline: from linalg / fp8 ops on tensors to the LLVM dialect,
/// runnable by mlir-runner.
void buildFP8CPUPipeline(OpPassManager &pm,
                         const FP8CPUPipelineOptions &options = {});

/// Registers the pipelines above with the global registry.
void registerFP8Pipelines();

} // namespace fp8
} // namespace mlir

#endif // FP8_PIPELINES_PIPELINES_H
