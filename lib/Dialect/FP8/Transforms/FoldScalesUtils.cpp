//===- FoldScalesUtils.cpp - Shared by the fp8-fold-scales patterns -------===//

#include "FoldScalesUtils.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// Constants and exact arithmetic
//===----------------------------------------------------------------------===//

double ConstantFloats::at(ArrayRef<int64_t> index,
                          ArrayRef<int64_t> shape) const {
  return splat ? values.front()
               : values[linearize(index, computeStrides(shape))];
}

std::optional<ConstantFloats> mlir::fp8::getConstantFloats(Value value) {
  Attribute attr;
  if (!value || !matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  auto toDouble = [](APFloat v) {
    bool losesInfo;
    v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
    return v.convertToDouble();
  };
  ConstantFloats result;
  if (auto floatAttr = dyn_cast<FloatAttr>(attr)) {
    result.values.push_back(toDouble(floatAttr.getValue()));
    return result;
  }
  auto dense = dyn_cast<DenseFPElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  result.splat = dense.isSplat();
  if (result.splat)
    result.values.push_back(toDouble(dense.getSplatValue<APFloat>()));
  else
    for (const APFloat &v : dense.getValues<APFloat>())
      result.values.push_back(toDouble(v));
  return result;
}

std::optional<APFloat> mlir::fp8::getExactly(double value, Type type) {
  APFloat result(value);
  bool losesInfo = false;
  APFloat::opStatus status =
      result.convert(cast<FloatType>(type).getFloatSemantics(),
                     APFloat::rmNearestTiesToEven, &losesInfo);
  if (losesInfo || (status != APFloat::opOK && !result.isNaN()))
    return std::nullopt;
  return result;
}

bool mlir::fp8::isNormalPowerOfTwo(double x) {
  int exponent;
  return x > 0 && std::frexp(x, &exponent) == 0.5 && x >= FLT_MIN &&
         x <= std::ldexp(1.0, 127);
}

TypedAttr mlir::fp8::makeFloatAttr(Type type, ArrayRef<double> values) {
  auto elementType = cast<FloatType>(getElementTypeOrSelf(type));
  SmallVector<APFloat> elements;
  for (double value : values)
    elements.push_back(*getExactly(value, elementType));
  if (auto shaped = dyn_cast<ShapedType>(type))
    return DenseElementsAttr::get(shaped, elements);
  return FloatAttr::get(elementType, elements.front());
}

//===----------------------------------------------------------------------===//
// Scale layouts
//===----------------------------------------------------------------------===//

SmallVector<bool> mlir::fp8::getVaryingDims(const ConstantFloats &values,
                                            ArrayRef<int64_t> shape) {
  SmallVector<bool> varies(shape.size(), false);
  if (values.splat)
    return varies;
  SmallVector<int64_t> strides = computeStrides(shape);
  int64_t count = ShapedType::getNumElements(shape);
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<int64_t> index = delinearize(i, strides);
    for (auto [dim, vary] : llvm::enumerate(varies)) {
      if (vary || index[dim] == 0)
        continue;
      SmallVector<int64_t> base = index;
      base[dim] = 0;
      if (bitsOf(values[i]) != bitsOf(values[linearize(base, strides)]))
        vary = true;
    }
  }
  return varies;
}

std::optional<ScaledScale>
mlir::fp8::scaleScale(const ConstantFloats &scale,
                      std::optional<ArrayRef<int64_t>> block,
                      ArrayRef<int64_t> shape, ArrayRef<bool> varies,
                      function_ref<double(ArrayRef<int64_t>)> multiplierAt,
                      function_ref<std::optional<double>(double)> round) {
  // The block of a per-tensor scale is the whole shape.
  SmallVector<int64_t> oldBlock(block ? *block : shape);
  SmallVector<int64_t> oldScaleStrides =
      computeStrides(getBlockedScaleShape(shape, oldBlock));
  ScaledScale result;
  SmallVector<int64_t> newBlock;
  for (auto [dim, vary] : llvm::enumerate(varies))
    newBlock.push_back(vary ? 1 : oldBlock[dim]);
  if (block || llvm::is_contained(varies, true))
    result.block = newBlock;
  result.scaleShape = getBlockedScaleShape(shape, newBlock);
  SmallVector<int64_t> scaleStrides = computeStrides(result.scaleShape);
  int64_t count = ShapedType::getNumElements(result.scaleShape);
  for (int64_t i = 0; i < count; ++i) {
    SmallVector<int64_t> element = delinearize(i, scaleStrides);
    for (auto [index, size] : llvm::zip_equal(element, newBlock))
      index *= size;
    SmallVector<int64_t> oldIndex;
    for (auto [index, size] : llvm::zip_equal(element, oldBlock))
      oldIndex.push_back(index / size);
    double oldScale = scale[linearize(oldIndex, oldScaleStrides)];
    double multiplier = multiplierAt(element);
    std::optional<double> product = round(oldScale * multiplier);
    if (!product)
      return std::nullopt;
    result.values.push_back(*product);
    result.factors.push_back({oldScale, multiplier});
  }
  return result;
}

Value mlir::fp8::createScale(OpBuilder &builder, Location loc,
                             Type oldScaleType, const ScaledScale &scaled) {
  Type elementType = getElementTypeOrSelf(oldScaleType);
  Type type = elementType;
  if (scaled.block)
    type = RankedTensorType::get(scaled.scaleShape, elementType);
  else if (auto shaped = dyn_cast<ShapedType>(oldScaleType))
    type = shaped.clone(elementType);
  return arith::ConstantOp::create(builder, loc,
                                   makeFloatAttr(type, scaled.values));
}

//===----------------------------------------------------------------------===//
// Transposes
//===----------------------------------------------------------------------===//

SmallVector<int64_t> mlir::fp8::getInnermostSwap(int64_t rank) {
  SmallVector<int64_t> permutation =
      llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(permutation[rank - 1], permutation[rank - 2]);
  return permutation;
}

Value mlir::fp8::createTranspose(OpBuilder &builder, Location loc, Value value,
                                 ArrayRef<int64_t> permutation) {
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(builder, loc, value);
  applyPermutationToVector(sizes, permutation);
  Value init = tensor::EmptyOp::create(
      builder, loc, sizes,
      cast<RankedTensorType>(value.getType()).getElementType());
  return linalg::TransposeOp::create(builder, loc, value, init, permutation)
      ->getResult(0);
}
