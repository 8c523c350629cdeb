//===- FoldScalesUtils.h - Shared by fp8-fold-scales patterns ---*- C++ -*-===//
//
// Exact arithmetic on constant scales and multipliers (FoldQuantize.cpp and
// FoldScaledMatmulEpilogue.cpp), and the layout helpers the epilogue and
// lift patterns (LiftScaledMatmul.cpp) share.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_DIALECT_FP8_TRANSFORMS_FOLDSCALESUTILS_H
#define FP8_LIB_DIALECT_FP8_TRANSFORMS_FOLDSCALESUTILS_H

#include "mlir/IR/Builders.h"
#include "llvm/ADT/bit.h"

#include <optional>

namespace mlir::fp8 {

//===----------------------------------------------------------------------===//
// Constants and exact arithmetic
//===----------------------------------------------------------------------===//

/// The values of a constant float scalar or tensor in row-major order; a
/// splat holds one. Every float type the fp8 ops take is exact in double.
struct ConstantFloats {
  SmallVector<double> values;
  bool splat = true;

  double operator[](int64_t i) const {
    return splat ? values.front() : values[i];
  }

  /// The value at `index` of a constant of static `shape`.
  double at(ArrayRef<int64_t> index, ArrayRef<int64_t> shape) const;
};

/// The values of `value` if it is a float constant (scalar or dense).
std::optional<ConstantFloats> getConstantFloats(Value value);

/// `value` exactly as an element of the float type `type`, if it is one.
std::optional<APFloat> getExactly(double value, Type type);

inline uint32_t bitsOf(float x) { return llvm::bit_cast<uint32_t>(x); }

/// Whether `x` is a positive power of two that is a normal f32.
bool isNormalPowerOfTwo(double x);

/// An attribute of `type` (a float scalar or a shaped type) holding `values`
/// (each exact in the element type).
TypedAttr makeFloatAttr(Type type, ArrayRef<double> values);

//===----------------------------------------------------------------------===//
// Scale layouts
//===----------------------------------------------------------------------===//

/// Which dimensions of a constant of static `shape` it varies along.
SmallVector<bool> getVaryingDims(const ConstantFloats &values,
                                 ArrayRef<int64_t> shape);

/// A constant scale multiplied element by element by a constant multiplier
/// that is uniform along some dimensions: the new scale keeps the old block
/// along those and gets blocks of 1 along the others.
struct ScaledScale {
  /// The new block, or none where it stays per-tensor.
  std::optional<SmallVector<int64_t>> block;
  SmallVector<int64_t> scaleShape;
  /// New scale values (exact products) and, per new scale element, the old
  /// scale and the multiplier it combines.
  SmallVector<double> values;
  SmallVector<std::pair<double, double>> factors;
};

/// Multiplies the constant scale `scale` (block `block` over data of static
/// `shape`) by `multiplierAt(element index)`, which is uniform along every
/// dimension where `varies` is false. `round` gives the product in the scale
/// type; std::nullopt where a product is not exact there (and `round` does
/// not round).
std::optional<ScaledScale>
scaleScale(const ConstantFloats &scale, std::optional<ArrayRef<int64_t>> block,
           ArrayRef<int64_t> shape, ArrayRef<bool> varies,
           function_ref<double(ArrayRef<int64_t>)> multiplierAt,
           function_ref<std::optional<double>(double)> round);

/// The value a scale of type `oldScaleType` is replaced by: a constant of
/// `scaled`'s layout, of the scale's element type, scalar if the old scale
/// was.
Value createScale(OpBuilder &builder, Location loc, Type oldScaleType,
                  const ScaledScale &scaled);

/// The block attribute of an fp8 op: `block`, or none for per-tensor.
inline DenseI64ArrayAttr
getBlockAttr(Builder &builder,
             const std::optional<SmallVector<int64_t>> &block) {
  return block ? builder.getDenseI64ArrayAttr(*block) : DenseI64ArrayAttr();
}

//===----------------------------------------------------------------------===//
// Transposes
//===----------------------------------------------------------------------===//

/// The permutation of rank `rank` that swaps the two innermost dimensions.
SmallVector<int64_t> getInnermostSwap(int64_t rank);

/// `value` (a ranked tensor) permuted by `permutation` with
/// linalg.transpose into a new tensor.empty.
Value createTranspose(OpBuilder &builder, Location loc, Value value,
                      ArrayRef<int64_t> permutation);

} // namespace mlir::fp8

#endif // FP8_LIB_DIALECT_FP8_TRANSFORMS_FOLDSCALESUTILS_H
