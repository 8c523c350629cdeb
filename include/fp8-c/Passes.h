/*===-- fp8-c/Passes.h - C API for fp8-mlir's passes ---------------*- C -*-===*\
|*                                                                            *|
|* Registration and creation of the fp8 passes (generated from Passes.td, as *|
|* upstream MLIR does) and of the fp8-cpu-pipeline.                           *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef FP8_C_PASSES_H
#define FP8_C_PASSES_H

#include "mlir-c/Pass.h"

// mlirRegisterFP8Passes(), mlirCreateFP8FP8ExpandOpsPass(), ...
#include "fp8/Dialect/FP8/Transforms/Passes.capi.h.inc"
// mlirRegisterFP8TransformsPasses(),
// mlirCreateFP8TransformsFP8VectorizeElementwisePass(), ...
#include "fp8/Transforms/Passes.capi.h.inc"
// mlirRegisterFP8ConversionPasses(),
// mlirCreateFP8ConversionConvertFP8ToLLVMPass(), ...
#include "fp8/Conversion/Passes.capi.h.inc"

#ifdef __cplusplus
extern "C" {
#endif

/// Registers fp8-cpu-pipeline, so that it parses from pipeline strings.
MLIR_CAPI_EXPORTED void mlirRegisterFP8Pipelines(void);

/// Appends fp8-cpu-pipeline to `passManager`.
MLIR_CAPI_EXPORTED void mlirFP8BuildCPUPipeline(MlirOpPassManager passManager);

/// Every fp8 pass and pipeline: the C++ `mlir::fp8::registerAllPasses`.
MLIR_CAPI_EXPORTED void mlirFP8RegisterAllPasses(void);

#ifdef __cplusplus
}
#endif

#endif // FP8_C_PASSES_H
