/* Parses an fp8 op through the C API and prints it. */
#include "fp8-c/Dialect/FP8.h"
#include "mlir-c/IR.h"
#include "mlir-c/RegisterEverything.h"

int main(void) {
  MlirContext ctx = mlirContextCreate();
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRegisterAllDialects(registry);
  mlirFP8RegisterAllDialects(registry);
  mlirContextAppendDialectRegistry(ctx, registry);
  mlirDialectRegistryDestroy(registry);
  MlirModule module = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(
               "func.func @g(%x: f32) -> !fp8.hif8 {\n"
               "  %h = fp8.convert %x {rounding = #fp8.rounding<hybrid>}"
               " : f32 to !fp8.hif8\n"
               "  return %h : !fp8.hif8\n"
               "}\n"));
  if (mlirModuleIsNull(module))
    return 1;
  mlirOperationDump(mlirModuleGetOperation(module));
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
