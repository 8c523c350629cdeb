//===- Pipelines.cpp - fp8-mlir's named pass pipelines --------------------===//

#include "fp8/Pipelines/Pipelines.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Transforms/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/GPUCommon/GPUCommonPass.h"
#include "mlir/Conversion/GPUToNVVM/GPUToNVVMPass.h"
#include "mlir/Conversion/NVVMToLLVM/NVVMToLLVM.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/SCFToGPU/SCFToGPUPass.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

using namespace mlir;

/// One-Shot Bufferize of whole modules, function boundaries included, with
/// identity layouts there (what mlir-runner's C interface and the GPU
/// launches expect).
static void addOneShotBufferize(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
}

void mlir::fp8::buildFP8CPUPipeline(OpPassManager &pm,
                                    const FP8CPUPipelineOptions &options) {
  // Tensors: fp8 ops and element-wise arith to linalg. Convolutions become
  // contractions (and copies), depthwise convolutions and pooling
  // element-wise ops. Contractions are register-tiled and vectorized before
  // element-wise fusion, so that their (dequantized) operands are
  // materialized once rather than decoded in the inner loop; then the
  // element-wise ops (conversions, quantization) are fused and become loops
  // over 16-lane vectors, and reductions of rows trees of vector ops. What
  // is left stays linalg and becomes scalar loops. With `threads`, the
  // outermost tile loop over a parallel dimension of each of these ops (not
  // of small ones) is an scf.forall, whose iterations write disjoint tiles
  // and reduce each output element in the serial order. First, what the
  // target's kernels cannot lower is decomposed (nothing, on a CPU).
  FP8LegalizePassOptions legalize;
  legalize.target = options.target;
  pm.addPass(createFP8LegalizePass(legalize));
  pm.addNestedPass<func::FuncOp>(createFP8CollapseBroadcastContractionsPass());
  ConvertFP8MatmulToCPUPassOptions kernel;
  kernel.target = options.target;
  pm.addNestedPass<func::FuncOp>(createConvertFP8MatmulToCPUPass(kernel));
  // Per-row quantization from the rows' amax: one pass over each row.
  ConvertFP8ToLinalgPassOptions toLinalg;
  toLinalg.fuseRowQuantization = true;
  pm.addNestedPass<func::FuncOp>(createConvertFP8ToLinalgPass(toLinalg));
  // Math in linalg bodies becomes arith (polynomial approximations, powers
  // as multiplications), which vectorizes on every target.
  pm.addNestedPass<func::FuncOp>(createFP8LowerMathPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createFP8DecomposeConvolutionsPass());
  FP8VectorizeContractionsPassOptions contractions;
  contractions.parallel = options.threads;
  pm.addNestedPass<func::FuncOp>(createFP8VectorizeContractionsPass(contractions));
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  FP8VectorizeElementwisePassOptions elementwise;
  elementwise.parallel = options.threads;
  pm.addNestedPass<func::FuncOp>(createFP8VectorizeElementwisePass(elementwise));
  FP8VectorizeReductionsPassOptions reductions;
  reductions.parallel = options.threads;
  pm.addNestedPass<func::FuncOp>(createFP8VectorizeReductionsPass(reductions));
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMaskPass());
  pm.addPass(createCanonicalizerPass());

  // Buffers. A tensor.empty inserted into a slice of another tensor (the
  // rows of fused per-row quantization) becomes that slice: no copy.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  addOneShotBufferize(pm);
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Parallel loops on buffers: scf.parallel (on threads below, or serial).
  pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());

  // Loops, whose fp8 ops become integer code, then LLVM.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  ConvertFP8ToLLVMPassOptions fp8ToLLVM;
  fp8ToLLVM.target = options.target;
  pm.addPass(createConvertFP8ToLLVMPass(fp8ToLLVM));
  // Each scf.parallel an omp.parallel region with a work-sharing loop
  // (static schedule: each thread a contiguous range of iterations), whose
  // thread count the OpenMP runtime picks when it runs; nested ones run on
  // the thread that reaches them. Without threads, scf-to-cf makes them
  // serial loops.
  // The conversion puts each loop body in a memref.alloca_scope, which
  // must hold one block: inlined before its loops become branches.
  if (options.threads) {
    pm.addPass(createConvertSCFToOpenMPPass());
    pm.addNestedPass<func::FuncOp>(createFP8LowerAllocaScopesPass());
  }
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // The math ops LLVM has no (accurate) lowering for, f64 erf say.
  pm.addPass(createFP8LowerMathToLibmPass());
  // Transfers to loads / masked loads and broadcasts (which convert-to-llvm
  // does not do), then everything else.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  // 16x16 tiles of transposes (fp8-vectorize-elementwise) as AVX-512
  // shuffles, not one extract and insert per element.
  vectorToLLVM.vectorTransposeLowering =
      vector::VectorTransposeLowering::Shuffle16x16;
  vectorToLLVM.x86Vector = options.target.getValue().hasAVX512BF16();
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  // Anything left (a dialect nothing here lowers, an unrealized cast) is an
  // error naming the op, not a translation failure later.
  pm.addPass(createFP8VerifyLoweredToLLVMPass());
}

/// The CUDA toolkit whose ptxas assembles the kernels: `cudaPath` if set,
/// else the one whose ptxas is on PATH, else /usr/local/cuda.
static std::string getCUDAToolkitPath(StringRef cudaPath) {
  if (!cudaPath.empty())
    return cudaPath.str();
  if (llvm::ErrorOr<std::string> ptxas = llvm::sys::findProgramByName("ptxas"))
    return llvm::sys::path::parent_path(llvm::sys::path::parent_path(*ptxas))
        .str();
  return "/usr/local/cuda";
}

void mlir::fp8::buildFP8GPUPipeline(OpPassManager &pm,
                                    const FP8GPUPipelineOptions &options) {
  // Scaled matmuls the kernel cannot take are decomposed, the others become
  // tensor-core kernels; the other fp8 ops linalg.
  FP8LegalizePassOptions legalize;
  legalize.target = options.chip;
  pm.addPass(createFP8LegalizePass(legalize));
  ConvertFP8MatmulToGPUPassOptions matmul;
  matmul.chip = options.chip;
  pm.addPass(createConvertFP8MatmulToGPUPass(matmul));
  pm.addNestedPass<func::FuncOp>(createConvertFP8ToLinalgPass());
  // Math in linalg bodies becomes arith (as on the CPU), which NVVM takes.
  pm.addNestedPass<func::FuncOp>(createFP8LowerMathPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addPass(createCanonicalizerPass());

  // Buffers; host copies become linalg copies, hence kernels.
  // (Buffer deallocation does not run here: it cannot reason about the
  // launches of the matmul kernels, whose buffers are then not freed.)
  addOneShotBufferize(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createFP8GPUCopiesToLinalgPass());

  // Loops: 256 elements per block, one per thread, the tile's ends
  // guarded rather than bounded by a min, so that the thread loop has a
  // constant bound (convert-parallel-loops-to-gpu needs one). Reductions
  // run sequentially per thread over the parallel dimensions they keep.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  // Loops of zero iterations (a dimension of size 0) go before mapping: a
  // grid of zero blocks is not a launch.
  pm.addNestedPass<func::FuncOp>(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(
      createParallelLoopTilingPass({256}, /*noMinMaxBounds=*/true));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createCanonicalizerPass());
  // What no mapping took (loops reducing to a scalar, stores) becomes a
  // single-thread launch; captured dynamic buffers flat bare pointers
  // (right before outlining: canonicalization would fold the views back).
  pm.addNestedPass<func::FuncOp>(createFP8GPULaunchHostCodePass());
  // Constants are sunk into the kernels rather than passed to them.
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());

  // Kernels to NVVM, conversions on the hardware where it has them.
  ConvertFP8ToNVVMPassOptions toNVVM;
  toNVVM.chip = options.chip;
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createConvertFP8ToNVVMPass(toNVVM));
  kernels.addPass(createLowerAffinePass());
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  ConvertGpuOpsToNVVMOpsOptions gpuToNVVM;
  gpuToNVVM.useBarePtrCallConv = true;
  kernels.addPass(createConvertGpuOpsToNVVMOps(gpuToNVVM));
  // nvvm.wgmma.mma_async (sm_90a) becomes inline PTX.
  kernels.addPass(createConvertNVVMToLLVMPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  // A kernel op that did not reach NVVM / LLVM is an error naming it rather
  // than a translation failure in gpu-module-to-binary.
  kernels.addPass(createFP8VerifyLoweredToLLVMPass());

  // PTX (ISA 8.4: mma.sync on e4m3 / e5m2), assembled by ptxas.
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip.getValue().str();
  target.features = "+ptx84";
  target.optLevel = 3;
  pm.addPass(createGpuNVVMAttachTarget(target));
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget =
      options.format == GPUKernelFormat::PTX ? "isa" : "bin";
  binary.toolkitPath = getCUDAToolkitPath(options.cudaPath);
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createCanonicalizerPass());
  if (options.host == GPUHostCode::None)
    return;

  // Host code to LLVM: buffers in managed memory, launches and allocations
  // as calls into the CUDA runtime wrapper (mgpu*, lib/Runtime), kernels
  // taking bare pointers.
  pm.addPass(createFP8GPUHostSharedAllocsPass());
  // Scalar fp8 code left on the host (a conversion of a scale, say): the
  // portable CPU code shapes.
  ConvertFP8ToLLVMPassOptions hostFP8;
  hostFP8.target = Target(CPUTarget::Generic);
  pm.addPass(createConvertFP8ToLLVMPass(hostFP8));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFP8LowerMathToLibmPass());
  GpuToLLVMConversionPassOptions gpuToLLVM;
  gpuToLLVM.kernelBarePtrCallConv = true;
  pm.addPass(createGpuToLLVMConversionPass(gpuToLLVM));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  // Anything left on the host or in the kernels (a dialect nothing here
  // lowers, an unrealized cast) is an error naming the op; gpu.binary and
  // gpu.launch_func on LLVM values are what translation takes.
  pm.addPass(createFP8VerifyLoweredToLLVMPass());
}

void mlir::fp8::registerFP8Pipelines() {
  PassPipelineRegistration<FP8GPUPipelineOptions>(
      "fp8-gpu-pipeline",
      "Lower fp8 ops on tensors to NVIDIA GPU kernels in a gpu.binary "
      "(cubins assembled by the CUDA toolkit's ptxas), launched from host "
      "functions in the LLVM dialect that call the CUDA runtime wrapper "
      "(host=llvm), or by gpu.launch_func from host functions on memrefs "
      "(host=none)",
      [](OpPassManager &pm, const FP8GPUPipelineOptions &options) {
        buildFP8GPUPipeline(pm, options);
      });
  PassPipelineRegistration<FP8CPUPipelineOptions>(
      "fp8-cpu-pipeline",
      "Lower linalg and fp8 ops on tensors to the LLVM dialect for the CPU "
      "(runnable by mlir-runner)",
      buildFP8CPUPipeline);
}
