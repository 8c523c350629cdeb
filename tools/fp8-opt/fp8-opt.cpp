//===- fp8-opt.cpp - fp8-mlir optimizer driver ----------------------------===//
//
// mlir-opt with the fp8 dialect and its passes, plus every upstream dialect,
// extension and pass that users combine them with.
//
//===----------------------------------------------------------------------===//

#include "fp8/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

namespace mlir::fp8::test {
void registerTestEmulateAMXPass();
} // namespace mlir::fp8::test

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  mlir::fp8::registerAllPasses();
  mlir::fp8::test::registerTestEmulateAMXPass();

  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates GPU modules to LLVM IR (fp8-gpu-pipeline).
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::fp8::registerAllDialects(registry);

  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "fp8-mlir optimizer driver\n", registry));
}
