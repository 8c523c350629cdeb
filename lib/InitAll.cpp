//===- InitAll.cpp - Register everything fp8-mlir provides ----------------===//

#include "fp8/InitAll.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Pipelines/Pipelines.h"
#include "mlir/IR/DialectRegistry.h"

void mlir::fp8::registerAllDialects(DialectRegistry &registry) {
  registry.insert<FP8Dialect>();
  registerConvertFP8ToLLVMInterface(registry);
}

void mlir::fp8::registerAllPasses() {
  registerFP8Passes();
  registerFP8ConversionPasses();
  registerFP8Pipelines();
}
