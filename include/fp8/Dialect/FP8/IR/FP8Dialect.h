//===- FP8Dialect.h - fp8 dialect -------------------------------*- C++ -*-===//
//
// The fp8 dialect: its types, attributes and operations, and the helpers that
// relate MLIR types to the numerics library's formats.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8DIALECT_H
#define FP8_DIALECT_FP8_IR_FP8DIALECT_H

#include "fp8/Numerics/Numerics.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Interfaces/VectorInterfaces.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h.inc"
#include "fp8/Dialect/FP8/IR/FP8Enums.h.inc"

#define GET_TYPEDEF_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Types.h.inc"

#define GET_ATTRDEF_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Attrs.h.inc"

namespace mlir {
namespace fp8 {

/// The numerics library's format of a narrow float type (builtin f8/f6/f4 or
/// !fp8.hif8), or std::nullopt for any other type.
std::optional<::fp8::Format> getFormat(Type type);
/// Builtin f8/f6/f4 float types and !fp8.hif8.
bool isNarrowFloat(Type type);
/// f32, f16, bf16 or a builtin narrow float: every value is exact in f32.
bool isScaleFloat(Type type);
/// `type` (a scalar, or a vector or tensor of scalars) with its element type
/// replaced by `elementType`.
Type withElementType(Type type, Type elementType);
/// Types fp8.bitcast reinterprets: signless integers, floats and !fp8.hif8
/// of at most 8 bits.
bool isBitcastable(Type type);

// The attributes' enums take their values from the numerics library's, the
// source of truth (FP8Attrs.td), so that converting is a cast.
static_assert(static_cast<int>(Rounding::nearest_even) ==
              static_cast<int>(::fp8::Rounding::NearestEven));
static_assert(static_cast<int>(Rounding::nearest_away) ==
              static_cast<int>(::fp8::Rounding::NearestAway));
static_assert(static_cast<int>(Rounding::toward_zero) ==
              static_cast<int>(::fp8::Rounding::TowardZero));
static_assert(static_cast<int>(Rounding::upward) ==
              static_cast<int>(::fp8::Rounding::Upward));
static_assert(static_cast<int>(Rounding::downward) ==
              static_cast<int>(::fp8::Rounding::Downward));
static_assert(static_cast<int>(Rounding::odd) ==
              static_cast<int>(::fp8::Rounding::Odd));
static_assert(static_cast<int>(Rounding::hybrid) ==
              static_cast<int>(::fp8::Rounding::Hybrid));
static_assert(static_cast<int>(Rounding::stochastic) ==
              static_cast<int>(::fp8::Rounding::Stochastic));
static_assert(getMaxEnumValForRounding() + 1 == ::fp8::kNumRoundings);
static_assert(static_cast<int>(Saturation::none) ==
              static_cast<int>(::fp8::Saturation::None));
static_assert(static_cast<int>(Saturation::finite) ==
              static_cast<int>(::fp8::Saturation::Finite));
static_assert(getMaxEnumValForSaturation() + 1 == ::fp8::kNumSaturations);

inline ::fp8::Rounding toNumerics(Rounding rounding) {
  return static_cast<::fp8::Rounding>(rounding);
}
inline ::fp8::Saturation toNumerics(Saturation saturation) {
  return static_cast<::fp8::Saturation>(saturation);
}
/// The rounding mode an op uses: `rounding` if set, else the default of the
/// format of `resultElementType` (nearest_even; nearest_away for HiF8).
Rounding getEffectiveRounding(std::optional<Rounding> rounding,
                              Type resultElementType);

/// Shape of the scale for an input of `shape` with blocks `block`:
/// ceildiv(shape[i], block[i]); dynamic dimensions stay dynamic.
SmallVector<int64_t> getBlockedScaleShape(ArrayRef<int64_t> shape,
                                          ArrayRef<int64_t> block);

} // namespace fp8
} // namespace mlir

#define GET_OP_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Ops.h.inc"

#endif // FP8_DIALECT_FP8_IR_FP8DIALECT_H
