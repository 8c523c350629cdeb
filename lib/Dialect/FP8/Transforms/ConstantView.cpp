//===- ConstantView.cpp - Constants seen through layout ops ---------------===//

#include "ConstantView.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/bit.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::fp8;

/// Layout ops between a weight and its use are few; a longer chain is not a
/// weight's.
static constexpr unsigned kMaxViewDepth = 16;

//===----------------------------------------------------------------------===//
// Stages
//===----------------------------------------------------------------------===//

/// The stage reading a tensor of `shape` row-major.
static ViewStage getIdentityStage(ArrayRef<int64_t> shape) {
  return {llvm::to_vector(shape), computeStrides(shape), 0};
}

static ViewStage transposeStage(const ViewStage &in,
                                ArrayRef<int64_t> permutation) {
  ViewStage out;
  out.offset = in.offset;
  for (int64_t dim : permutation) {
    out.shape.push_back(in.shape[dim]);
    out.strides.push_back(in.strides[dim]);
  }
  return out;
}

/// `added` are the dimensions of the result (of shape `shape`) that the
/// broadcast adds.
static ViewStage broadcastStage(const ViewStage &in, ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> added) {
  ViewStage out;
  out.offset = in.offset;
  out.shape.assign(shape.begin(), shape.end());
  unsigned next = 0;
  for (int64_t dim = 0, e = shape.size(); dim < e; ++dim)
    out.strides.push_back(llvm::is_contained(added, dim) ? 0
                                                         : in.strides[next++]);
  return out;
}

/// The stage of a collapse_shape of `in`, where the strides allow it.
static std::optional<ViewStage>
collapseStage(const ViewStage &in, ArrayRef<ReassociationIndices> groups) {
  ViewStage out;
  out.offset = in.offset;
  for (const ReassociationIndices &group : groups) {
    int64_t size = 1, stride = 0;
    std::optional<int64_t> inner;
    // From the innermost dimension outwards: each non-unit dimension must
    // step over the whole of the ones inside it.
    for (int64_t dim : llvm::reverse(group)) {
      size *= in.shape[dim];
      if (in.shape[dim] == 1)
        continue;
      if (!inner) {
        stride = in.strides[dim];
      } else if (in.strides[dim] != in.strides[*inner] * in.shape[*inner]) {
        return std::nullopt;
      }
      inner = dim;
    }
    out.shape.push_back(size);
    out.strides.push_back(stride);
  }
  return out;
}

static ViewStage expandStage(const ViewStage &in, ArrayRef<int64_t> shape,
                             ArrayRef<ReassociationIndices> groups) {
  ViewStage out;
  out.offset = in.offset;
  out.shape.assign(shape.begin(), shape.end());
  out.strides.assign(shape.size(), 0);
  for (auto [inDim, group] : llvm::enumerate(groups)) {
    int64_t stride = in.strides[inDim];
    for (int64_t dim : llvm::reverse(group)) {
      out.strides[dim] = stride;
      stride *= shape[dim];
    }
  }
  return out;
}

static std::optional<ViewStage> sliceStage(const ViewStage &in,
                                           tensor::ExtractSliceOp slice) {
  if (ShapedType::isDynamicShape(slice.getStaticOffsets()) ||
      ShapedType::isDynamicShape(slice.getStaticSizes()) ||
      ShapedType::isDynamicShape(slice.getStaticStrides()))
    return std::nullopt;
  llvm::SmallBitVector dropped = slice.getDroppedDims();
  ViewStage out;
  out.offset = in.offset;
  for (auto [dim, offset, size, step] :
       llvm::enumerate(slice.getStaticOffsets(), slice.getStaticSizes(),
                       slice.getStaticStrides())) {
    out.offset += offset * in.strides[dim];
    if (dropped.test(dim))
      continue;
    out.shape.push_back(size);
    out.strides.push_back(in.strides[dim] * step);
  }
  return out;
}

/// A `linalg.generic` that copies its one input: every iterator parallel,
/// the body yields the input element, the output map a permutation and the
/// input map made of loop dimensions and constants.
static std::optional<ViewStage> copyStage(const ViewStage &in,
                                          linalg::GenericOp generic) {
  if (generic.getNumDpsInputs() != 1 || generic.getNumDpsInits() != 1 ||
      generic.getNumReductionLoops() != 0)
    return std::nullopt;
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (body.getOperations().size() != 1 ||
      yield.getOperand(0) != body.getArgument(0))
    return std::nullopt;
  AffineMap inputMap = generic.getIndexingMapsArray()[0];
  AffineMap outputMap = generic.getIndexingMapsArray()[1];
  if (!outputMap.isPermutation())
    return std::nullopt;
  SmallVector<int64_t> loopStrides(generic.getNumLoops(), 0);
  ViewStage out;
  out.offset = in.offset;
  for (auto [dim, expr] : llvm::enumerate(inputMap.getResults())) {
    if (auto loop = dyn_cast<AffineDimExpr>(expr)) {
      loopStrides[loop.getPosition()] += in.strides[dim];
    } else if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
      if (constant.getValue() < 0 || constant.getValue() >= in.shape[dim])
        return std::nullopt;
      out.offset += constant.getValue() * in.strides[dim];
    } else {
      return std::nullopt;
    }
  }
  auto resultType = cast<RankedTensorType>(generic->getResult(0).getType());
  out.shape.assign(resultType.getShape().begin(), resultType.getShape().end());
  for (unsigned dim = 0; dim < outputMap.getNumResults(); ++dim)
    out.strides.push_back(loopStrides[outputMap.getDimPosition(dim)]);
  return out;
}

//===----------------------------------------------------------------------===//
// ConstantView
//===----------------------------------------------------------------------===//

/// The operand `op` reads the view from, if it is a layout op.
static Value getViewSource(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalgOp.hasPureTensorSemantics() || op->getNumResults() != 1 ||
        linalgOp.getNumDpsInputs() != 1)
      return {};
    if (isa<linalg::TransposeOp, linalg::BroadcastOp, linalg::CopyOp,
            linalg::GenericOp>(op))
      return linalgOp.getDpsInputOperand(0)->get();
    return {};
  }
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(op))
    return collapse.getSrc();
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return expand.getSrc();
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
    return slice.getSource();
  return {};
}

/// The stage of `op` on top of `in`: a strided stage, or, for a reshape
/// the strides cannot express, a new stage over the reshaped tensor.
static std::optional<ViewStage>
applyLayoutOp(Operation *op, const ViewStage &in, bool &newStage) {
  newStage = false;
  auto resultShape = cast<RankedTensorType>(op->getResult(0).getType());
  if (auto transpose = dyn_cast<linalg::TransposeOp>(op))
    return transposeStage(in, transpose.getPermutation());
  if (auto broadcast = dyn_cast<linalg::BroadcastOp>(op))
    return broadcastStage(in, resultShape.getShape(),
                          broadcast.getDimensions());
  if (isa<linalg::CopyOp>(op))
    return in;
  if (auto generic = dyn_cast<linalg::GenericOp>(op))
    return copyStage(in, generic);
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
    return sliceStage(in, slice);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(op))
    return expandStage(in, resultShape.getShape(),
                       expand.getReassociationIndices());
  auto collapse = cast<tensor::CollapseShapeOp>(op);
  if (std::optional<ViewStage> stage =
          collapseStage(in, collapse.getReassociationIndices()))
    return stage;
  // A reshape keeps the row-major order: the new stage reads the one below
  // by its row-major index.
  newStage = true;
  return getIdentityStage(resultShape.getShape());
}

std::optional<ConstantView> ConstantView::get(Value value) {
  // From `value` down to the constant.
  SmallVector<Operation *> layoutOps;
  Attribute attr;
  while (!matchPattern(value, m_Constant(&attr))) {
    Operation *op = value.getDefiningOp();
    if (!op || layoutOps.size() >= kMaxViewDepth)
      return std::nullopt;
    value = getViewSource(op);
    if (!value)
      return std::nullopt;
    layoutOps.push_back(op);
  }
  for (Operation *op : layoutOps)
    if (!cast<RankedTensorType>(op->getResult(0).getType()).hasStaticShape())
      return std::nullopt;

  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  ConstantView view;
  view.sourceElementType = type.getElementType();
  if (view.sourceElementType.isF16())
    view.storage = Storage::F16;
  else if (view.sourceElementType.isBF16())
    view.storage = Storage::BF16;
  else if (view.sourceElementType.isF32())
    view.storage = Storage::F32;
  else if (view.sourceElementType.isF64())
    view.storage = Storage::F64;
  else
    return std::nullopt;
  size_t elementBytes = view.sourceElementType.getIntOrFloatBitWidth() / 8;
  ArrayRef<char> bytes;
  if (auto dense = dyn_cast<DenseIntOrFPElementsAttr>(attr)) {
    bytes = dense.getRawData();
    view.numSourceElements = dense.isSplat() ? 1 : type.getNumElements();
  } else if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    // Absent where the blob was elided or never loaded.
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    bytes = blob->getData();
    view.numSourceElements = type.getNumElements();
  } else {
    return std::nullopt;
  }
  if (bytes.size() != view.numSourceElements * elementBytes)
    return std::nullopt;
  view.data = bytes.data();

  view.stages.push_back(getIdentityStage(type.getShape()));
  for (Operation *op : llvm::reverse(layoutOps)) {
    bool newStage;
    std::optional<ViewStage> stage =
        applyLayoutOp(op, view.stages.back(), newStage);
    if (!stage)
      return std::nullopt;
    if (newStage)
      view.stages.push_back(std::move(*stage));
    else
      view.stages.back() = std::move(*stage);
  }
  return view;
}

int64_t ConstantView::getNumElements() const {
  return ShapedType::getNumElements(getShape());
}

int64_t ConstantView::mapThroughStages(int64_t linear) const {
  for (const ViewStage &stage : llvm::reverse(ArrayRef(stages).drop_back())) {
    int64_t source = stage.offset;
    for (int64_t dim = stage.shape.size() - 1; dim >= 0; --dim) {
      source += (linear % stage.shape[dim]) * stage.strides[dim];
      linear /= stage.shape[dim];
    }
    linear = source;
  }
  return linear;
}

/// `bits` of a NaN made quiet, as converting through APFloat does.
static uint32_t quietNaN(uint32_t bits) {
  bool isNaN = (bits & 0x7f800000u) == 0x7f800000u && (bits & 0x007fffffu);
  return isNaN ? bits | 0x00400000u : bits;
}

float ConstantView::read(int64_t sourceIndex) const {
  if (isSplat())
    sourceIndex = 0;
  switch (storage) {
  case Storage::F32: {
    uint32_t bits;
    std::memcpy(&bits, data + 4 * sourceIndex, 4);
    return llvm::bit_cast<float>(quietNaN(bits));
  }
  case Storage::BF16: {
    uint16_t bits;
    std::memcpy(&bits, data + 2 * sourceIndex, 2);
    return llvm::bit_cast<float>(quietNaN(uint32_t(bits) << 16));
  }
  case Storage::F16: {
    uint16_t bits;
    std::memcpy(&bits, data + 2 * sourceIndex, 2);
    APFloat half(APFloat::IEEEhalf(), APInt(16, bits));
    bool losesInfo;
    half.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven,
                 &losesInfo);
    return half.convertToFloat();
  }
  case Storage::F64: {
    double value;
    std::memcpy(&value, data + 8 * sourceIndex, 8);
    return static_cast<float>(value);
  }
  }
  llvm_unreachable("unknown storage");
}
