//===- ConstantView.h - Constants seen through layout ops -------*- C++ -*-===//
//
// A tensor whose every element is an element of a float constant, seen
// through the layout ops frontends put between a weight and its use
// (transpose, broadcast, reshapes, slices, copies). fp8-fold-scales reads
// weights through it to quantize them at compile time without
// materializing the intermediate f32 tensors: the constant's data
// (`dense<>` or the blob of a `dense_resource<>`) is read in place.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_DIALECT_FP8_TRANSFORMS_CONSTANTVIEW_H
#define FP8_LIB_DIALECT_FP8_TRANSFORMS_CONSTANTVIEW_H

#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace mlir::fp8 {

/// One strided gather: the element at multi-index `i` of a tensor of
/// `shape` is the element at row-major index `offset + sum_d i[d] *
/// strides[d]` of the tensor below it (the constant, or the previous
/// stage's result).
struct ViewStage {
  SmallVector<int64_t> shape;
  SmallVector<int64_t> strides;
  int64_t offset = 0;
};

/// A tensor of static shape read from a float constant (f16, bf16, f32 or
/// f64; `dense<>` or `dense_resource<>`) through `linalg.transpose`,
/// `linalg.broadcast`, `linalg.copy`, copy-only `linalg.generic` (one input
/// read through a projected permutation, possibly with constant indices),
/// `tensor.expand_shape`, `tensor.collapse_shape` and static
/// `tensor.extract_slice`. The layout ops compose into strided stages; a
/// reshape that a strided layout cannot express starts a new stage.
class ConstantView {
public:
  /// `value` as a view of a constant, if it is one.
  static std::optional<ConstantView> get(Value value);

  /// The element type of the constant the view reads.
  Type getSourceElementType() const { return sourceElementType; }
  /// The number of elements the constant stores (1 for a splat).
  int64_t getNumSourceElements() const { return numSourceElements; }
  bool isSplat() const { return numSourceElements == 1; }

  ArrayRef<int64_t> getShape() const { return stages.back().shape; }
  int64_t getNumElements() const;

  /// Calls `fn(index, linear, value)` for every element of the view in
  /// row-major order: its multi-index, its row-major index and its value
  /// as f32 (exact for f16, bf16 and f32; f64 rounds to nearest even; NaNs
  /// quiet), as the fp8 folders read constants.
  template <typename Fn> void forEachElement(Fn &&fn) const;

private:
  enum class Storage { F16, BF16, F32, F64 };

  /// The row-major index into the constant of the element at row-major
  /// index `linear` of the top stage's operand.
  int64_t mapToSource(int64_t linear) const {
    return stages.size() == 1 ? linear : mapThroughStages(linear);
  }
  int64_t mapThroughStages(int64_t linear) const;
  float read(int64_t sourceIndex) const;

  /// From the constant (front) to the view's shape (back); never empty.
  SmallVector<ViewStage, 1> stages;
  const char *data = nullptr;
  Storage storage = Storage::F32;
  Type sourceElementType;
  int64_t numSourceElements = 0;
};

template <typename Fn> void ConstantView::forEachElement(Fn &&fn) const {
  const ViewStage &top = stages.back();
  int64_t rank = top.shape.size();
  int64_t count = getNumElements();
  if (count == 0)
    return;
  int64_t innerSize = rank ? top.shape.back() : 1;
  int64_t innerStride = rank ? top.strides.back() : 0;
  SmallVector<int64_t> index(rank, 0);
  int64_t base = top.offset;
  for (int64_t linear = 0; linear < count;) {
    for (int64_t i = 0; i < innerSize; ++i, ++linear) {
      if (rank)
        index.back() = i;
      fn(ArrayRef<int64_t>(index), linear,
         read(mapToSource(base + i * innerStride)));
    }
    // The odometer over the outer dimensions.
    for (int64_t dim = rank - 2; dim >= 0; --dim) {
      base += top.strides[dim];
      if (++index[dim] < top.shape[dim])
        break;
      base -= top.strides[dim] * top.shape[dim];
      index[dim] = 0;
    }
  }
}

} // namespace mlir::fp8

#endif // FP8_LIB_DIALECT_FP8_TRANSFORMS_CONSTANTVIEW_H
