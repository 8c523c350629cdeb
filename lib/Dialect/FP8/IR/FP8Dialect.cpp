//===- FP8Dialect.cpp - fp8 dialect, types and attributes -----------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::fp8;

#include "fp8/Dialect/FP8/IR/FP8Dialect.cpp.inc"
#include "fp8/Dialect/FP8/IR/FP8Enums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Types.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "fp8/Dialect/FP8/IR/FP8Attrs.cpp.inc"

void FP8Dialect::initialize() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "fp8/Dialect/FP8/IR/FP8Types.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "fp8/Dialect/FP8/IR/FP8Attrs.cpp.inc"
      >();
  addOperations<
#define GET_OP_LIST
#include "fp8/Dialect/FP8/IR/FP8Ops.cpp.inc"
      >();
}

Operation *FP8Dialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  // HiF8 values have no attribute form (dense attributes hold only builtin
  // element types): their folds go through canonicalization patterns that
  // build an i8 constant and an fp8.bitcast.
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

//===----------------------------------------------------------------------===//
// HiF8Type
//===----------------------------------------------------------------------===//

// One byte, byte-aligned, like i8.
llvm::TypeSize HiF8Type::getTypeSizeInBits(const DataLayout &,
                                           DataLayoutEntryListRef) const {
  return llvm::TypeSize::getFixed(8);
}

uint64_t HiF8Type::getABIAlignment(const DataLayout &,
                                   DataLayoutEntryListRef) const {
  return 1;
}

uint64_t HiF8Type::getPreferredAlignment(const DataLayout &,
                                         DataLayoutEntryListRef) const {
  return 1;
}

//===----------------------------------------------------------------------===//
// Type helpers
//===----------------------------------------------------------------------===//

std::optional<::fp8::Format> mlir::fp8::getFormat(Type type) {
  using ::fp8::Format;
  return llvm::TypeSwitch<Type, std::optional<Format>>(type)
      .Case([](Float8E4M3FNType) { return Format::F8E4M3FN; })
      .Case([](Float8E5M2Type) { return Format::F8E5M2; })
      .Case([](Float8E4M3FNUZType) { return Format::F8E4M3FNUZ; })
      .Case([](Float8E5M2FNUZType) { return Format::F8E5M2FNUZ; })
      .Case([](Float8E4M3B11FNUZType) { return Format::F8E4M3B11FNUZ; })
      .Case([](Float8E3M4Type) { return Format::F8E3M4; })
      .Case([](Float8E4M3Type) { return Format::F8E4M3; })
      .Case([](Float8E8M0FNUType) { return Format::F8E8M0FNU; })
      .Case([](Float6E2M3FNType) { return Format::F6E2M3FN; })
      .Case([](Float6E3M2FNType) { return Format::F6E3M2FN; })
      .Case([](Float4E2M1FNType) { return Format::F4E2M1FN; })
      .Case([](HiF8Type) { return Format::HiF8; })
      .Default([](Type) { return std::nullopt; });
}

bool mlir::fp8::isNarrowFloat(Type type) { return getFormat(type).has_value(); }

bool mlir::fp8::isScaleFloat(Type type) {
  return type.isF32() || type.isF16() || type.isBF16() ||
         (isa<FloatType>(type) && isNarrowFloat(type));
}

Type mlir::fp8::withElementType(Type type, Type elementType) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(elementType);
  return elementType;
}

bool mlir::fp8::isBitcastable(Type type) {
  if (auto intType = dyn_cast<IntegerType>(type))
    return intType.isSignless() && intType.getWidth() <= 8;
  if (auto floatType = dyn_cast<FloatType>(type))
    return floatType.getWidth() <= 8;
  return isa<HiF8Type>(type);
}

Rounding mlir::fp8::getEffectiveRounding(std::optional<Rounding> rounding,
                                         Type resultElementType) {
  if (rounding)
    return *rounding;
  if (std::optional<::fp8::Format> format = getFormat(resultElementType))
    return static_cast<Rounding>(::fp8::getDefaultRounding(*format));
  return Rounding::nearest_even;
}

SmallVector<int64_t> mlir::fp8::getBlockedScaleShape(ArrayRef<int64_t> shape,
                                                     ArrayRef<int64_t> block) {
  SmallVector<int64_t> result;
  for (auto [dim, size] : llvm::zip_equal(shape, block))
    result.push_back(ShapedType::isDynamic(dim) ? ShapedType::kDynamic
                                                : llvm::divideCeil(dim, size));
  return result;
}
