/*===-- fp8-c/Dialect/FP8.h - C API for the fp8 dialect -----------*- C -*-===*\
|*                                                                            *|
|* The fp8 dialect for compilers that embed fp8-mlir through MLIR's C API:    *|
|* registration, the !fp8.hif8 type and the rounding / saturation attributes. *|
|* Link the FP8MLIRCAPI shared library, which also carries MLIR's core C API  *|
|* (mlir-c/IR.h, Pass.h, RegisterEverything.h, ExecutionEngine.h).           *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef FP8_C_DIALECT_FP8_H
#define FP8_C_DIALECT_FP8_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__fp8__(): the fp8 dialect alone.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(FP8, fp8);

/// Inserts the fp8 dialect and its interfaces (the convert-to-llvm
/// interface, which lowers !fp8.hif8 and fp8.bitcast) into `registry`:
/// what the C++ `mlir::fp8::registerAllDialects` does.
MLIR_CAPI_EXPORTED void mlirFP8RegisterAllDialects(MlirDialectRegistry registry);

//===----------------------------------------------------------------------===//
// !fp8.hif8
//===----------------------------------------------------------------------===//

MLIR_CAPI_EXPORTED bool mlirTypeIsAFP8HiF8(MlirType type);
MLIR_CAPI_EXPORTED MlirType mlirFP8HiF8TypeGet(MlirContext ctx);
MLIR_CAPI_EXPORTED MlirTypeID mlirFP8HiF8TypeGetTypeID(void);

//===----------------------------------------------------------------------===//
// #fp8.rounding<...> and #fp8.saturation<...>
//===----------------------------------------------------------------------===//

/// The values of `#fp8.rounding` (and of the numerics library's Rounding).
typedef enum MlirFP8Rounding {
  MlirFP8RoundingNearestEven = 0,
  MlirFP8RoundingNearestAway = 1,
  MlirFP8RoundingTowardZero = 2,
  MlirFP8RoundingUpward = 3,
  MlirFP8RoundingDownward = 4,
  MlirFP8RoundingOdd = 5,
  MlirFP8RoundingHybrid = 6,
  MlirFP8RoundingStochastic = 7,
} MlirFP8Rounding;

typedef enum MlirFP8Saturation {
  MlirFP8SaturationNone = 0,
  MlirFP8SaturationFinite = 1,
} MlirFP8Saturation;

MLIR_CAPI_EXPORTED bool mlirAttributeIsAFP8Rounding(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirAttribute mlirFP8RoundingAttrGet(MlirContext ctx,
                                                        MlirFP8Rounding value);
MLIR_CAPI_EXPORTED MlirFP8Rounding
mlirFP8RoundingAttrGetValue(MlirAttribute attr);

MLIR_CAPI_EXPORTED bool mlirAttributeIsAFP8Saturation(MlirAttribute attr);
MLIR_CAPI_EXPORTED MlirAttribute
mlirFP8SaturationAttrGet(MlirContext ctx, MlirFP8Saturation value);
MLIR_CAPI_EXPORTED MlirFP8Saturation
mlirFP8SaturationAttrGetValue(MlirAttribute attr);

#ifdef __cplusplus
}
#endif

#endif // FP8_C_DIALECT_FP8_H
