//===- fp8-opt.cpp - fp8-mlir optimizer driver ----------------------------===//
//
// mlir-opt with the fp8 dialect and its passes, plus every upstream dialect,
// extension and pass that users combine them with.
//
//===----------------------------------------------------------------------===//

#include "fp8/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

namespace mlir::fp8::test {
void registerTestEmulateAMXPass();
} // namespace mlir::fp8::test

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::fp8::registerEverything(registry);
  mlir::fp8::test::registerTestEmulateAMXPass();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "fp8-mlir optimizer driver\n", registry));
}
