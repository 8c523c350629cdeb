//===- fp8-capi.c - Test of the fp8 C API ---------------------------------===//
//
// A C program embedding fp8-mlir through its C API (FP8MLIRCAPI): dialect
// registration, the !fp8.hif8 type, the rounding and saturation attributes,
// pass and pipeline registration, and diagnostics of invalid fp8 IR.
//
//===----------------------------------------------------------------------===//

// RUN: fp8-capi-test 2>&1 | FileCheck %s

#include "fp8-c/Dialect/FP8.h"
#include "fp8-c/Passes.h"
#include "mlir-c/BuiltinTypes.h"
#include "mlir-c/Diagnostics.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/RegisterEverything.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void printToStderr(MlirStringRef text, void *userData) {
  (void)userData;
  fwrite(text.data, 1, text.length, stderr);
}

static MlirLogicalResult printDiagnostic(MlirDiagnostic diagnostic,
                                         void *userData) {
  (void)userData;
  fprintf(stderr, "diagnostic: ");
  mlirDiagnosticPrint(diagnostic, printToStderr, NULL);
  fprintf(stderr, "\n");
  return mlirLogicalResultSuccess();
}

#define CHECK(condition)                                                       \
  do {                                                                         \
    if (!(condition)) {                                                        \
      fprintf(stderr, "FAILED: %s (line %d)\n", #condition, __LINE__);         \
      exit(1);                                                                 \
    }                                                                          \
  } while (0)

static MlirContext createContext(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  mlirRegisterAllDialects(registry);
  mlirFP8RegisterAllDialects(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  return ctx;
}

// CHECK-LABEL: testDialectHandle
// CHECK: namespace: fp8
static void testDialectHandle(void) {
  fprintf(stderr, "testDialectHandle\n");
  MlirContext ctx = mlirContextCreate();
  MlirDialectHandle fp8 = mlirGetDialectHandle__fp8__();
  MlirStringRef name = mlirDialectHandleGetNamespace(fp8);
  fprintf(stderr, "namespace: %.*s\n", (int)name.length, name.data);
  mlirDialectHandleRegisterDialect(fp8, ctx);
  MlirDialect dialect = mlirDialectHandleLoadDialect(fp8, ctx);
  CHECK(!mlirDialectIsNull(dialect));
  CHECK(mlirDialectEqual(
      dialect, mlirContextGetOrLoadDialect(ctx, mlirStringRefCreateFromCString(
                                                    "fp8"))));
  // The type parses with the dialect loaded.
  MlirType parsed = mlirTypeParseGet(
      ctx, mlirStringRefCreateFromCString("tensor<4x!fp8.hif8>"));
  CHECK(!mlirTypeIsNull(parsed));
  mlirContextDestroy(ctx);
}

// CHECK-LABEL: testTypesAndAttributes
// CHECK: !fp8.hif8
// CHECK: #fp8.rounding<hybrid>
// CHECK: #fp8.saturation<finite>
static void testTypesAndAttributes(void) {
  fprintf(stderr, "testTypesAndAttributes\n");
  MlirContext ctx = createContext();
  MlirType hif8 = mlirFP8HiF8TypeGet(ctx);
  CHECK(mlirTypeIsAFP8HiF8(hif8));
  CHECK(!mlirTypeIsAFP8HiF8(mlirF32TypeGet(ctx)));
  CHECK(mlirTypeIDEqual(mlirTypeGetTypeID(hif8), mlirFP8HiF8TypeGetTypeID()));
  CHECK(mlirTypeEqual(hif8, mlirTypeParseGet(ctx, mlirStringRefCreateFromCString(
                                                      "!fp8.hif8"))));
  mlirTypeDump(hif8);

  MlirAttribute rounding =
      mlirFP8RoundingAttrGet(ctx, MlirFP8RoundingHybrid);
  CHECK(mlirAttributeIsAFP8Rounding(rounding));
  CHECK(!mlirAttributeIsAFP8Saturation(rounding));
  CHECK(mlirFP8RoundingAttrGetValue(rounding) == MlirFP8RoundingHybrid);
  mlirAttributeDump(rounding);
  MlirAttribute saturation =
      mlirFP8SaturationAttrGet(ctx, MlirFP8SaturationFinite);
  CHECK(mlirAttributeIsAFP8Saturation(saturation));
  CHECK(mlirFP8SaturationAttrGetValue(saturation) == MlirFP8SaturationFinite);
  CHECK(mlirAttributeEqual(
      saturation, mlirAttributeParseGet(ctx, mlirStringRefCreateFromCString(
                                                 "#fp8.saturation<finite>"))));
  mlirAttributeDump(saturation);
  mlirContextDestroy(ctx);
}

static const char *kModule =
    "func.func @tour(%x: tensor<4xf32>) -> tensor<4x!fp8.hif8> {\n"
    "  %h = fp8.convert %x {rounding = #fp8.rounding<hybrid>}\n"
    "      : tensor<4xf32> to tensor<4x!fp8.hif8>\n"
    "  return %h : tensor<4x!fp8.hif8>\n"
    "}\n";

// CHECK-LABEL: testPassesAndPipelines
// CHECK: fp8.convert %{{.*}} {rounding = #fp8.rounding<hybrid>}
// CHECK: fp8-cpu-pipeline: success
// CHECK: llvm.func @tour(
// CHECK-NOT: fp8.
// CHECK: expand: success
static void testPassesAndPipelines(void) {
  fprintf(stderr, "testPassesAndPipelines\n");
  mlirRegisterAllPasses();
  mlirFP8RegisterAllPasses();
  MlirContext ctx = createContext();
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kModule));
  CHECK(!mlirModuleIsNull(module));
  MlirOperation op = mlirModuleGetOperation(module);
  CHECK(mlirOperationVerify(op));
  mlirOperationDump(op);

  // By name, as a pipeline string.
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  CHECK(mlirLogicalResultIsSuccess(mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString("builtin.module(fp8-cpu-pipeline)"),
      printToStderr, NULL)));
  MlirLogicalResult result = mlirPassManagerRunOnOp(pm, op);
  fprintf(stderr, "fp8-cpu-pipeline: %s\n",
          mlirLogicalResultIsSuccess(result) ? "success" : "failure");
  mlirOperationDump(op);
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);

  // Created as objects.
  module = mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kModule));
  pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager funcPm = mlirPassManagerGetNestedUnder(
      pm, mlirStringRefCreateFromCString("func.func"));
  mlirOpPassManagerAddOwnedPass(funcPm,
                                mlirCreateFP8ConversionConvertFP8ToLinalgPass());
  mlirPassManagerAddOwnedPass(pm, mlirCreateFP8FP8ExpandOpsPass());
  result = mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module));
  fprintf(stderr, "expand: %s\n",
          mlirLogicalResultIsSuccess(result) ? "success" : "failure");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

// CHECK-LABEL: testDiagnostics
// CHECK: diagnostic: 'fp8.quantize' op scale shape [16, 2] does not match ceildiv(input shape [16, 300], block [1, 128]) = [16, 3]
// CHECK: module is null: 1
// CHECK: error: 'fp8-nope' does not refer to a registered pass
static void testDiagnostics(void) {
  fprintf(stderr, "testDiagnostics\n");
  MlirContext ctx = createContext();
  MlirDiagnosticHandlerID handler =
      mlirContextAttachDiagnosticHandler(ctx, printDiagnostic, NULL, NULL);
  MlirModule module = mlirModuleCreateParse(
      ctx, mlirStringRefCreateFromCString(
               "func.func @f(%x: tensor<16x300xf32>, %s: tensor<16x2xf32>)\n"
               "    -> tensor<16x300xf8E4M3FN> {\n"
               "  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>}\n"
               "      : tensor<16x300xf32>, tensor<16x2xf32>\n"
               "      to tensor<16x300xf8E4M3FN>\n"
               "  return %q : tensor<16x300xf8E4M3FN>\n"
               "}\n"));
  fprintf(stderr, "module is null: %d\n", mlirModuleIsNull(module));
  mlirContextDetachDiagnosticHandler(ctx, handler);

  MlirPassManager pm = mlirPassManagerCreate(ctx);
  CHECK(mlirLogicalResultIsFailure(mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm),
      mlirStringRefCreateFromCString("builtin.module(fp8-nope)"),
      printToStderr, NULL)));
  fprintf(stderr, "\n");
  mlirPassManagerDestroy(pm);
  mlirContextDestroy(ctx);
}

int main(void) {
  testDialectHandle();
  testTypesAndAttributes();
  testPassesAndPipelines();
  testDiagnostics();
  fprintf(stderr, "all C API tests passed\n");
  return 0;
}
// CHECK: all C API tests passed
