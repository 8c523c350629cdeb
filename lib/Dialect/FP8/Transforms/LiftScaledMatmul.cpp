//===- LiftScaledMatmul.cpp - dequantize -> linalg matmul to scaled_matmul ===//
//
// Part of fp8-fold-scales: an f32 linalg contraction (linalg.matmul,
// batch_matmul, their transposed forms, or a linalg.generic with a
// multiply-add body) whose operands are fp8.dequantize results, seen
// through transposes, reshapes, broadcasts, slices and copies, becomes one
// fp8.scaled_matmul on the quantized operands. The views are replayed on
// the narrow data and on the scales, so per-tensor, per-row / per-column
// and block scales all lift (XLA's FP8 GEMM rewriter takes scalars only).
//
// Exactness: fp8.scaled_matmul is defined (and lowered) as the f32
// contraction of its dequantized operands, from +0, in the same order as
// the linalg contraction of the dequantized values; views only move values.
// So a contraction whose accumulator starts as +0.0 lifts exactly; one
// that accumulates into another tensor C computes C + sum where the
// scaled_matmul would compute sum + C (as its bias), which only
// `allow-reassociation` permits.
//
//===----------------------------------------------------------------------===//

#include "FoldScalesUtils.h"

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::fp8;

namespace {

/// `dequantize(q, scale)` with `block` (none: per-tensor), as seen through
/// views. During a dry run (no builder) only the types are computed.
struct QuantizedOperand {
  Value q, scale;
  RankedTensorType type;
  Type scaleType;
  std::optional<SmallVector<int64_t>> block;
};

} // namespace

static RankedTensorType withShape(RankedTensorType type,
                                  ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, type.getElementType());
}

/// Blocks clamped to their (static) dimensions: a block at least as large as
/// its dimension covers it whole.
static SmallVector<int64_t> clampBlock(ArrayRef<int64_t> block,
                                       ArrayRef<int64_t> shape) {
  SmallVector<int64_t> result;
  for (auto [size, dim] : llvm::zip_equal(block, shape))
    result.push_back(std::min(size, dim));
  return result;
}

/// A blocked operand needs static shapes for its scale layout to be derived.
static bool isBlockedDynamic(const QuantizedOperand &in) {
  return in.block && !in.type.hasStaticShape();
}

static FailureOr<QuantizedOperand> applyTranspose(const QuantizedOperand &in,
                                                  ArrayRef<int64_t> permutation,
                                                  OpBuilder *b, Location loc) {
  QuantizedOperand out = in;
  out.type =
      withShape(in.type, applyPermutation(in.type.getShape(), permutation));
  if (in.block) {
    out.block = applyPermutation(*in.block, permutation);
    auto scaleType = cast<RankedTensorType>(in.scaleType);
    out.scaleType = withShape(
        scaleType, applyPermutation(scaleType.getShape(), permutation));
  }
  if (!b)
    return out;
  out.q = createTranspose(*b, loc, in.q, permutation);
  if (in.block)
    out.scale = createTranspose(*b, loc, in.scale, permutation);
  return out;
}

/// One source dimension of size `dim` with block `block` expanded into
/// `sizes` (row-major): the blocks of the expanded dimensions, or failure
/// where the blocks do not stay boxes.
static FailureOr<SmallVector<int64_t>> expandBlock(int64_t block,
                                                   ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> blocks(sizes.size(), 1);
  int64_t remaining = block;
  for (int64_t i = sizes.size() - 1; i >= 0 && remaining > 1; --i) {
    if (remaining >= sizes[i]) {
      if (remaining % sizes[i] != 0)
        return failure();
      blocks[i] = sizes[i];
      remaining /= sizes[i];
      continue;
    }
    // A block inside an inner dimension must tile it; the outermost one may
    // end ragged.
    if (i != 0 && sizes[i] % remaining != 0)
      return failure();
    blocks[i] = remaining;
    remaining = 1;
  }
  return blocks;
}

static FailureOr<QuantizedOperand> applyExpand(const QuantizedOperand &in,
                                               tensor::ExpandShapeOp op,
                                               OpBuilder *b, Location loc) {
  QuantizedOperand out = in;
  out.type = withShape(in.type, op.getResultType().getShape());
  SmallVector<ReassociationIndices> groups = op.getReassociationIndices();
  if (in.block) {
    if (!out.type.hasStaticShape() || isBlockedDynamic(in))
      return failure();
    SmallVector<int64_t> block = clampBlock(*in.block, in.type.getShape());
    SmallVector<int64_t> newBlock;
    for (auto [source, group] : llvm::enumerate(groups)) {
      SmallVector<int64_t> sizes;
      for (int64_t dim : group)
        sizes.push_back(out.type.getDimSize(dim));
      FailureOr<SmallVector<int64_t>> blocks =
          expandBlock(block[source], sizes);
      if (failed(blocks))
        return failure();
      llvm::append_range(newBlock, *blocks);
    }
    out.block = newBlock;
    out.scaleType = RankedTensorType::get(
        getBlockedScaleShape(out.type.getShape(), newBlock),
        getElementTypeOrSelf(in.scaleType));
  }
  if (!b)
    return out;
  out.q = tensor::ExpandShapeOp::create(*b, loc, out.type, in.q, groups,
                                        op.getMixedOutputShape());
  if (in.block)
    out.scale =
        tensor::ExpandShapeOp::create(*b, loc, out.scaleType, in.scale, groups);
  return out;
}

static FailureOr<QuantizedOperand> applyCollapse(const QuantizedOperand &in,
                                                 tensor::CollapseShapeOp op,
                                                 OpBuilder *b, Location loc) {
  QuantizedOperand out = in;
  out.type = withShape(in.type, op.getResultType().getShape());
  SmallVector<ReassociationIndices> groups = op.getReassociationIndices();
  if (in.block) {
    if (isBlockedDynamic(in))
      return failure();
    ArrayRef<int64_t> shape = in.type.getShape();
    SmallVector<int64_t> block = clampBlock(*in.block, shape);
    SmallVector<int64_t> newBlock;
    for (const ReassociationIndices &group : groups) {
      // The first dimension with a block other than 1; every one inside it
      // must be whole, and it must tile its dimension unless it leads.
      auto first =
          llvm::find_if(group, [&](int64_t d) { return block[d] != 1; });
      if (first == group.end()) {
        newBlock.push_back(1);
        continue;
      }
      if (first != group.begin() && shape[*first] % block[*first] != 0)
        return failure();
      int64_t size = block[*first];
      for (int64_t d : llvm::make_range(std::next(first), group.end())) {
        if (block[d] != shape[d])
          return failure();
        size *= shape[d];
      }
      newBlock.push_back(size);
    }
    out.block = newBlock;
    out.scaleType = RankedTensorType::get(
        getBlockedScaleShape(out.type.getShape(), newBlock),
        getElementTypeOrSelf(in.scaleType));
  }
  if (!b)
    return out;
  out.q = tensor::CollapseShapeOp::create(*b, loc, out.type, in.q, groups);
  if (in.block)
    out.scale = tensor::CollapseShapeOp::create(*b, loc, out.scaleType,
                                                in.scale, groups);
  return out;
}

static FailureOr<QuantizedOperand> applyBroadcast(const QuantizedOperand &in,
                                                  linalg::BroadcastOp op,
                                                  OpBuilder *b, Location loc) {
  QuantizedOperand out = in;
  auto initType = cast<RankedTensorType>(op.getInit().getType());
  out.type = withShape(in.type, initType.getShape());
  ArrayRef<int64_t> added = op.getDimensions();
  if (in.block) {
    if (!initType.hasStaticShape() || isBlockedDynamic(in))
      return failure();
    // New dimensions are covered whole by one block.
    SmallVector<int64_t> newBlock;
    auto source = in.block->begin();
    for (int64_t d = 0; d < initType.getRank(); ++d)
      newBlock.push_back(llvm::is_contained(added, d) ? initType.getDimSize(d)
                                                      : *source++);
    out.block = newBlock;
    out.scaleType = RankedTensorType::get(
        getBlockedScaleShape(out.type.getShape(), newBlock),
        getElementTypeOrSelf(in.scaleType));
  }
  if (!b)
    return out;
  Value init = tensor::EmptyOp::create(
      *b, loc, tensor::getMixedSizes(*b, loc, op.getInit()),
      in.type.getElementType());
  out.q = linalg::BroadcastOp::create(*b, loc, in.q, init, added)->getResult(0);
  if (in.block) {
    auto scaleType = cast<RankedTensorType>(out.scaleType);
    Value scaleInit = tensor::EmptyOp::create(*b, loc, scaleType.getShape(),
                                              scaleType.getElementType());
    out.scale = linalg::BroadcastOp::create(*b, loc, in.scale, scaleInit, added)
                    ->getResult(0);
  }
  return out;
}

static FailureOr<QuantizedOperand> applySlice(const QuantizedOperand &in,
                                              tensor::ExtractSliceOp op,
                                              OpBuilder *b, Location loc) {
  QuantizedOperand out = in;
  out.type = withShape(in.type, op.getResultType().getShape());
  SmallVector<OpFoldResult> scaleOffsets, scaleSizes, scaleStrides;
  if (in.block) {
    if (isBlockedDynamic(in) || !op.hasUnitStride() ||
        ShapedType::isDynamicShape(op.getStaticOffsets()) ||
        ShapedType::isDynamicShape(op.getStaticSizes()))
      return failure();
    ArrayRef<int64_t> shape = in.type.getShape();
    SmallVector<int64_t> block = clampBlock(*in.block, shape);
    llvm::SmallBitVector dropped = op.getDroppedDims();
    SmallVector<int64_t> newBlock, scaleShape;
    Builder attrs(op.getContext());
    for (auto [dim, offset, size] :
         llvm::enumerate(op.getStaticOffsets(), op.getStaticSizes())) {
      int64_t bs = block[dim];
      int64_t first = offset / bs, last = (offset + size - 1) / bs;
      int64_t sliceBlock, scaleCount;
      if (size < 1)
        return failure();
      if (first == last) {
        // Inside one block: one scale for the whole sliced extent.
        sliceBlock = size;
        scaleCount = 1;
      } else if (offset % bs == 0 &&
                 (size % bs == 0 || offset + size == shape[dim])) {
        sliceBlock = bs;
        scaleCount = last - first + 1;
      } else {
        return failure();
      }
      scaleOffsets.push_back(attrs.getIndexAttr(first));
      scaleSizes.push_back(attrs.getIndexAttr(scaleCount));
      scaleStrides.push_back(attrs.getIndexAttr(1));
      if (dropped.test(dim))
        continue;
      newBlock.push_back(sliceBlock);
      scaleShape.push_back(scaleCount);
    }
    out.block = newBlock;
    out.scaleType =
        RankedTensorType::get(scaleShape, getElementTypeOrSelf(in.scaleType));
  }
  if (!b)
    return out;
  out.q = tensor::ExtractSliceOp::create(
      *b, loc, out.type, in.q, op.getMixedOffsets(), op.getMixedSizes(),
      op.getMixedStrides());
  if (in.block)
    out.scale = tensor::ExtractSliceOp::create(
        *b, loc, cast<RankedTensorType>(out.scaleType), in.scale, scaleOffsets,
        scaleSizes, scaleStrides);
  return out;
}

/// Replays `view` (whose input is what `in` stands for) on `in`.
static FailureOr<QuantizedOperand>
applyView(Operation *view, const QuantizedOperand &in, OpBuilder *b) {
  Location loc = view->getLoc();
  if (auto transpose = dyn_cast<linalg::TransposeOp>(view))
    return applyTranspose(in, transpose.getPermutation(), b, loc);
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(view))
    return applyExpand(in, expand, b, loc);
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(view))
    return applyCollapse(in, collapse, b, loc);
  if (auto broadcast = dyn_cast<linalg::BroadcastOp>(view))
    return applyBroadcast(in, broadcast, b, loc);
  if (auto slice = dyn_cast<tensor::ExtractSliceOp>(view))
    return applySlice(in, slice, b, loc);
  // linalg.copy between equal types (checked when tracing) moves nothing.
  return in;
}

/// The view ops between `value` and the f32 fp8.dequantize it comes from,
/// innermost first, or failure.
static FailureOr<std::pair<DequantizeOp, SmallVector<Operation *>>>
traceToDequantize(Value value) {
  SmallVector<Operation *> views;
  while (Operation *def = value.getDefiningOp()) {
    if (auto dequantize = dyn_cast<DequantizeOp>(def)) {
      auto type = dyn_cast<RankedTensorType>(dequantize.getType());
      if (!type || !type.getElementType().isF32())
        return failure();
      std::reverse(views.begin(), views.end());
      return std::make_pair(dequantize, views);
    }
    Value source;
    if (auto copy = dyn_cast<linalg::CopyOp>(def)) {
      if (!copy.hasPureTensorSemantics() ||
          copy.getInputs()[0].getType() != copy->getResult(0).getType())
        return failure();
      source = copy.getInputs()[0];
    } else if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
      source = transpose.getInput();
    } else if (auto broadcast = dyn_cast<linalg::BroadcastOp>(def)) {
      source = broadcast.getInput();
    } else if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                   tensor::ExtractSliceOp>(def)) {
      source = def->getOperand(0);
    } else {
      return failure();
    }
    if (!isa<RankedTensorType>(source.getType()))
      return failure();
    views.push_back(def);
    value = source;
  }
  return failure();
}

/// The quantized form of the contraction operand `value`, transposed by
/// `permutation` if given; built with `b`, or only checked without.
static FailureOr<QuantizedOperand>
getQuantizedOperand(Value value, std::optional<ArrayRef<int64_t>> permutation,
                    OpBuilder *b) {
  auto traced = traceToDequantize(value);
  if (failed(traced))
    return failure();
  auto [dequantize, views] = *traced;
  QuantizedOperand operand;
  operand.q = dequantize.getInput();
  operand.scale = dequantize.getScale();
  operand.type = cast<RankedTensorType>(operand.q.getType());
  operand.scaleType = operand.scale.getType();
  if (std::optional<ArrayRef<int64_t>> block = dequantize.getBlock())
    operand.block = SmallVector<int64_t>(*block);
  for (Operation *view : views) {
    FailureOr<QuantizedOperand> next = applyView(view, operand, b);
    if (failed(next))
      return failure();
    operand = *next;
  }
  if (permutation)
    return applyTranspose(operand, *permutation, b, value.getLoc());
  return operand;
}

/// Whether the body is exactly `out + in0 * in1` (either operand order) in
/// f32 without fast-math flags: the contraction fp8.scaled_matmul computes.
static bool hasMultiplyAddBody(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (body->getOperations().size() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add.getFastmath() != arith::FastMathFlags::none)
    return false;
  Value in0 = body->getArgument(0), in1 = body->getArgument(1),
        out = body->getArgument(2);
  Value product = add.getLhs() == out ? add.getRhs() : add.getLhs();
  if (product == out || (add.getLhs() != out && add.getRhs() != out))
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul || mul.getFastmath() != arith::FastMathFlags::none)
    return false;
  return (mul.getLhs() == in0 && mul.getRhs() == in1) ||
         (mul.getLhs() == in1 && mul.getRhs() == in0);
}

/// Whether `value` is a tensor of +0.0 (a fill or a splat constant).
static bool isPositiveZeroTensor(Value value) {
  if (auto fill = value.getDefiningOp<linalg::FillOp>())
    value = fill.getInputs()[0];
  Attribute attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return false;
  if (auto splat = dyn_cast<SplatElementsAttr>(attr))
    attr = splat.getSplatValue<Attribute>();
  auto floatAttr = dyn_cast<FloatAttr>(attr);
  return floatAttr && floatAttr.getValue().isPosZero();
}

namespace {

/// The contraction-to-scaled_matmul lift (see the file comment).
struct LiftDequantizedContraction
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  LiftDequantizedContraction(MLIRContext *context, bool allowReassociation)
      : OpInterfaceRewritePattern(context),
        allowReassociation(allowReassociation) {}

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 || !linalg::isaContractionOpInterface(op))
      return rewriter.notifyMatchFailure(op, "not a contraction on tensors");
    if (!llvm::all_of(op->getOperandTypes(), [](Type type) {
          return getElementTypeOrSelf(type).isF32();
        }))
      return rewriter.notifyMatchFailure(op, "not an f32 contraction");
    if (!hasMultiplyAddBody(op))
      return rewriter.notifyMatchFailure(op, "body is not out + in0 * in1");
    FailureOr<linalg::ContractionDimensions> dims =
        linalg::inferContractionDims(op);
    if (failed(dims) || dims->m.size() != 1 || dims->n.size() != 1 ||
        dims->k.size() != 1)
      return rewriter.notifyMatchFailure(op, "not one M, N and K dimension");

    // Operands [batch..., M, K] (or [batch..., K, M], transposed for the
    // op), [batch..., K, N] or [batch..., N, K]; result [batch..., M, N].
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    unsigned m = dims->m.front(), n = dims->n.front(), k = dims->k.front();
    auto positions = [](AffineMap map) -> std::optional<SmallVector<unsigned>> {
      if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
        return std::nullopt;
      SmallVector<unsigned> result;
      for (AffineExpr expr : map.getResults())
        result.push_back(cast<AffineDimExpr>(expr).getPosition());
      return result;
    };
    auto lhs = positions(maps[0]), rhs = positions(maps[1]),
         out = positions(maps[2]);
    size_t rank = dims->batch.size() + 2;
    if (!lhs || !rhs || !out || lhs->size() != rank || rhs->size() != rank ||
        out->size() != rank)
      return rewriter.notifyMatchFailure(op,
                                         "operands are not [batch..., 2-d]");
    ArrayRef<unsigned> batch = ArrayRef<unsigned>(*out).drop_back(2);
    auto hasLayout = [&](ArrayRef<unsigned> operand, unsigned inner0,
                         unsigned inner1) {
      return operand.drop_back(2) == batch && operand[rank - 2] == inner0 &&
             operand[rank - 1] == inner1;
    };
    if (!hasLayout(*out, m, n))
      return rewriter.notifyMatchFailure(op, "result is not [batch..., M, N]");
    bool lhsTransposed = hasLayout(*lhs, k, m);
    bool rhsTransposed = hasLayout(*rhs, n, k);
    if ((!lhsTransposed && !hasLayout(*lhs, m, k)) ||
        (!rhsTransposed && !hasLayout(*rhs, k, n)))
      return rewriter.notifyMatchFailure(op, "unsupported operand layout");

    Value init = op.getDpsInitOperand(0)->get();
    Value bias;
    if (!isPositiveZeroTensor(init)) {
      if (!allowReassociation)
        return rewriter.notifyMatchFailure(
            op, "the accumulator does not start at +0.0 (folding it into the "
                "bias reassociates; see allow-reassociation)");
      bias = init;
    }

    SmallVector<int64_t> swapLast = getInnermostSwap(rank);
    std::optional<ArrayRef<int64_t>> lhsPermutation;
    if (lhsTransposed)
      lhsPermutation = swapLast;
    Value lhsValue = op.getDpsInputOperand(0)->get();
    Value rhsValue = op.getDpsInputOperand(1)->get();
    if (failed(getQuantizedOperand(lhsValue, lhsPermutation, nullptr)) ||
        failed(getQuantizedOperand(rhsValue, std::nullopt, nullptr)))
      return rewriter.notifyMatchFailure(
          op, "an operand is not a liftable view of an f32 fp8.dequantize");
    QuantizedOperand lhsOperand =
        *getQuantizedOperand(lhsValue, lhsPermutation, &rewriter);
    QuantizedOperand rhsOperand =
        *getQuantizedOperand(rhsValue, std::nullopt, &rewriter);
    rewriter.replaceOpWithNewOp<ScaledMatmulOp>(
        op, init.getType(), /*amax=*/Type(), lhsOperand.q, lhsOperand.scale,
        rhsOperand.q, rhsOperand.scale, bias, /*out_scale=*/Value(),
        getBlockAttr(rewriter, lhsOperand.block),
        getBlockAttr(rewriter, rhsOperand.block), rhsTransposed, RoundingAttr(),
        Saturation::none);
    return success();
  }

  bool allowReassociation;
};

} // namespace

void mlir::fp8::populateFP8LiftScaledMatmulPatterns(RewritePatternSet &patterns,
                                                    bool allowReassociation) {
  patterns.add<LiftDequantizedContraction>(patterns.getContext(),
                                           allowReassociation);
}
