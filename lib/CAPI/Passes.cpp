//===- Passes.cpp - C API for fp8-mlir's passes ---------------------------===//

#include "fp8-c/Passes.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Transforms/Passes.h"
#include "fp8/InitAll.h"
#include "fp8/Pipelines/Pipelines.h"
#include "mlir/CAPI/Pass.h"

using namespace mlir;
using namespace mlir::fp8;

#ifdef __cplusplus
extern "C" {
#endif

#include "fp8/Conversion/Passes.capi.cpp.inc"
#include "fp8/Dialect/FP8/Transforms/Passes.capi.cpp.inc"
#include "fp8/Transforms/Passes.capi.cpp.inc"

#ifdef __cplusplus
}
#endif

void mlirRegisterFP8Pipelines(void) { registerFP8Pipelines(); }

void mlirFP8BuildCPUPipeline(MlirOpPassManager passManager) {
  buildFP8CPUPipeline(*unwrap(passManager));
}

void mlirFP8RegisterAllPasses(void) { mlir::fp8::registerAllPasses(); }
