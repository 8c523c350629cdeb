//===- Dialect.cpp - C API for the fp8 dialect ----------------------------===//

#include "fp8-c/Dialect/FP8.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/InitAll.h"
#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"

using namespace mlir;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(FP8, fp8, mlir::fp8::FP8Dialect)

void mlirFP8RegisterAllDialects(MlirDialectRegistry registry) {
  mlir::fp8::registerAllDialects(*unwrap(registry));
}

/// The getters load the dialect, as the parser would: a type or attribute
/// of a dialect that is not loaded cannot be created.
static MLIRContext *loadFP8(MlirContext ctx) {
  MLIRContext *context = unwrap(ctx);
  context->getOrLoadDialect<mlir::fp8::FP8Dialect>();
  return context;
}

bool mlirTypeIsAFP8HiF8(MlirType type) {
  return isa<mlir::fp8::HiF8Type>(unwrap(type));
}

MlirType mlirFP8HiF8TypeGet(MlirContext ctx) {
  return wrap(mlir::fp8::HiF8Type::get(loadFP8(ctx)));
}

MlirTypeID mlirFP8HiF8TypeGetTypeID(void) {
  return wrap(mlir::fp8::HiF8Type::getTypeID());
}

// The C enums take the dialect's values (which are the numerics library's,
// see FP8Dialect.h), so that converting is a cast; one check per case.
static_assert(static_cast<int>(mlir::fp8::Rounding::nearest_even) ==
              MlirFP8RoundingNearestEven);
static_assert(static_cast<int>(mlir::fp8::Rounding::nearest_away) ==
              MlirFP8RoundingNearestAway);
static_assert(static_cast<int>(mlir::fp8::Rounding::toward_zero) ==
              MlirFP8RoundingTowardZero);
static_assert(static_cast<int>(mlir::fp8::Rounding::upward) ==
              MlirFP8RoundingUpward);
static_assert(static_cast<int>(mlir::fp8::Rounding::downward) ==
              MlirFP8RoundingDownward);
static_assert(static_cast<int>(mlir::fp8::Rounding::odd) == MlirFP8RoundingOdd);
static_assert(static_cast<int>(mlir::fp8::Rounding::hybrid) ==
              MlirFP8RoundingHybrid);
static_assert(static_cast<int>(mlir::fp8::Rounding::stochastic) ==
              MlirFP8RoundingStochastic);
static_assert(mlir::fp8::getMaxEnumValForRounding() ==
              MlirFP8RoundingStochastic);
static_assert(static_cast<int>(mlir::fp8::Saturation::none) ==
              MlirFP8SaturationNone);
static_assert(static_cast<int>(mlir::fp8::Saturation::finite) ==
              MlirFP8SaturationFinite);
static_assert(mlir::fp8::getMaxEnumValForSaturation() ==
              MlirFP8SaturationFinite);

bool mlirAttributeIsAFP8Rounding(MlirAttribute attr) {
  return isa<mlir::fp8::RoundingAttr>(unwrap(attr));
}

MlirAttribute mlirFP8RoundingAttrGet(MlirContext ctx, MlirFP8Rounding value) {
  return wrap(mlir::fp8::RoundingAttr::get(
      loadFP8(ctx), static_cast<mlir::fp8::Rounding>(value)));
}

MlirFP8Rounding mlirFP8RoundingAttrGetValue(MlirAttribute attr) {
  return static_cast<MlirFP8Rounding>(
      cast<mlir::fp8::RoundingAttr>(unwrap(attr)).getValue());
}

bool mlirAttributeIsAFP8Saturation(MlirAttribute attr) {
  return isa<mlir::fp8::SaturationAttr>(unwrap(attr));
}

MlirAttribute mlirFP8SaturationAttrGet(MlirContext ctx,
                                       MlirFP8Saturation value) {
  return wrap(mlir::fp8::SaturationAttr::get(
      loadFP8(ctx), static_cast<mlir::fp8::Saturation>(value)));
}

MlirFP8Saturation mlirFP8SaturationAttrGetValue(MlirAttribute attr) {
  return static_cast<MlirFP8Saturation>(
      cast<mlir::fp8::SaturationAttr>(unwrap(attr)).getValue());
}
