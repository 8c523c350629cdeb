//===- InitAll.cpp - Register everything fp8-mlir provides ----------------===//

#include "fp8/InitAll.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Pipelines/Pipelines.h"
#include "fp8/Transforms/Passes.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void mlir::fp8::registerAllDialects(DialectRegistry &registry) {
  registry.insert<FP8Dialect>();
  registerConvertFP8ToLLVMInterface(registry);
}

void mlir::fp8::registerAllPasses() {
  registerFP8Passes();
  registerFP8TransformsPasses();
  registerFP8ConversionPasses();
  registerFP8Pipelines();
}

void mlir::fp8::registerEverything(DialectRegistry &registry) {
  mlir::registerAllPasses();
  fp8::registerAllPasses();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
  fp8::registerAllDialects(registry);
}
