//===- Pipelines.cpp - fp8-mlir's named pass pipelines --------------------===//

#include "fp8/Pipelines/Pipelines.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "mlir/Conversion/AffineToStandard/AffineToStandard.h"
#include "mlir/Conversion/BufferizationToMemRef/BufferizationToMemRef.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMPass.h"
#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Conversion/SCFToControlFlow/SCFToControlFlow.h"
#include "mlir/Conversion/VectorToLLVM/ConvertVectorToLLVMPass.h"
#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/Vector/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mlir::fp8::buildFP8CPUPipeline(OpPassManager &pm,
                                    const FP8CPUPipelineOptions &options) {
  // Tensors: fp8 ops and element-wise arith to linalg. Contractions are
  // register-tiled and vectorized before element-wise fusion, so that their
  // (dequantized) operands are materialized once rather than decoded in the
  // inner loop; then the element-wise ops (conversions, quantization) are
  // fused and become loops over 16-lane vectors. What is left stays linalg
  // and becomes scalar loops.
  FP8LowerScaledMatmulPassOptions kernel;
  kernel.target = options.target;
  pm.addNestedPass<func::FuncOp>(createFP8LowerScaledMatmulPass(kernel));
  pm.addNestedPass<func::FuncOp>(createConvertFP8ToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createFP8VectorizeContractionsPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());
  pm.addNestedPass<func::FuncOp>(createFP8VectorizeElementwisePass());
  pm.addNestedPass<func::FuncOp>(vector::createLowerVectorMaskPass());
  pm.addPass(createCanonicalizerPass());

  // Buffers.
  bufferization::OneShotBufferizePassOptions bufferization;
  bufferization.bufferizeFunctionBoundaries = true;
  bufferization.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferization));
  bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Loops, whose fp8 ops become integer code, then LLVM.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createConvertVectorToSCFPass(
      VectorTransferToSCFOptions().enableFullUnroll()));
  pm.addPass(createConvertFP8ToLLVMPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Transfers to loads / masked loads and broadcasts (which convert-to-llvm
  // does not do), then everything else.
  ConvertVectorToLLVMPassOptions vectorToLLVM;
  vectorToLLVM.vectorContractLowering =
      vector::VectorContractLowering::OuterProduct;
  pm.addPass(createConvertVectorToLLVMPass(vectorToLLVM));
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

void mlir::fp8::registerFP8Pipelines() {
  PassPipelineRegistration<FP8CPUPipelineOptions>(
      "fp8-cpu-pipeline",
      "Lower linalg and fp8 ops on tensors to the LLVM dialect for the CPU "
      "(runnable by mlir-runner)",
      buildFP8CPUPipeline);
}
