// Registers the fp8 dialect and its passes, parses an fp8 op, folds it with
// the canonicalizer (through the numerics library) and prints the result.
#include "fp8/InitAll.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/raw_ostream.h"

int main() {
  mlir::DialectRegistry registry;
  registry.insert<mlir::arith::ArithDialect, mlir::func::FuncDialect>();
  mlir::fp8::registerAllDialects(registry);
  mlir::fp8::registerAllPasses();
  mlir::MLIRContext context(registry);

  const char *source = R"mlir(
func.func @f() -> f8E4M3FN {
  %x = arith.constant 1000.0 : f32
  %s = arith.constant 2.0 : f32
  %q = fp8.quantize %x, %s {saturation = #fp8.saturation<finite>}
      : f32, f32 to f8E4M3FN
  return %q : f8E4M3FN
}
)mlir";
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(source, &context);
  if (!module)
    return 1;
  module->print(llvm::outs());
  mlir::PassManager pm(&context);
  pm.addPass(mlir::createCanonicalizerPass());
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  return 0;
}
