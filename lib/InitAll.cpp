//===- InitAll.cpp - Register everything fp8-mlir provides ----------------===//

#include "fp8/InitAll.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "mlir/IR/DialectRegistry.h"

void mlir::fp8::registerAllDialects(DialectRegistry &registry) {
  registry.insert<FP8Dialect>();
}

void mlir::fp8::registerAllPasses() {
  // The dialect has no passes of its own yet; transforms and conversions
  // register here as they land.
}
