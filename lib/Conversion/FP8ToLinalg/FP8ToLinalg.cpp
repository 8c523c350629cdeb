//===- FP8ToLinalg.cpp - fp8 ops on tensors to linalg ---------------------===//
//
// Element-wise fp8 ops on tensors become linalg.generic ops whose bodies hold
// the same ops on scalars (quantize as divide-then-convert, dequantize as
// convert-then-multiply, with block scales read through `floordiv` indexing
// maps); amax becomes a max-reduction (on the bits of |x|); per-row
// quantization from the rows' own amax optionally one loop over the rows;
// scaled_matmul is decomposed into
// dequantization, an f32 contraction and its epilogue. The scalar fp8 ops are
// then lowered by convert-fp8-to-llvm.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToLinalg/FP8ToLinalg.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_CONVERTFP8TOLINALGPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

/// The indexing map from an operand's iteration space (of shape `shape`) to
/// its scale: (d0, ..., dn) -> (d0 floordiv b0, ..., dn floordiv bn), or ()
/// for a per-tensor scale. A block of 1 reads `di` and a block spanning the
/// whole (static) dimension reads 0, so per-row and per-column scales stay
/// projected permutations that the vectorizer broadcasts.
static AffineMap getScaleMap(MLIRContext *context, ArrayRef<int64_t> shape,
                             std::optional<ArrayRef<int64_t>> block) {
  unsigned rank = shape.size();
  if (!block)
    return AffineMap::get(rank, 0, context);
  SmallVector<AffineExpr> results;
  for (auto [dim, size] : llvm::enumerate(*block)) {
    AffineExpr index = getAffineDimExpr(dim, context);
    if (size == 1)
      results.push_back(index);
    else if (!ShapedType::isDynamic(shape[dim]) && size >= shape[dim])
      results.push_back(getAffineConstantExpr(0, context));
    else
      results.push_back(index.floorDiv(size));
  }
  return AffineMap::get(rank, 0, results, context);
}

namespace {
/// The iteration space of an element-wise op whose scale has a block shape.
/// When every block that is neither 1 nor the whole dimension divides its
/// static dimension, that dimension is split into [dim / b, b] and the scale
/// is read along the outer index: a projected permutation, which the
/// vectorizer handles. Otherwise the space is the operand's and the scale is
/// read through `floordiv` maps.
struct BlockedSpace {
  SmallVector<int64_t> shape;
  /// Groups of expanded dimensions per original one; empty if not split.
  SmallVector<ReassociationIndices> reassociation;
  AffineMap scaleMap;
};
} // namespace

static BlockedSpace getBlockedSpace(MLIRContext *context,
                                    ArrayRef<int64_t> shape,
                                    std::optional<ArrayRef<int64_t>> block) {
  BlockedSpace space;
  space.shape.assign(shape.begin(), shape.end());
  space.scaleMap = getScaleMap(context, shape, block);
  if (!block)
    return space;
  auto needsSplit = [&](int64_t dim, int64_t size) {
    return size != 1 && (ShapedType::isDynamic(dim) || size < dim);
  };
  bool splittable =
      llvm::all_of(llvm::zip_equal(shape, *block), [&](auto pair) {
        auto [dim, size] = pair;
        return !needsSplit(dim, size) ||
               (!ShapedType::isDynamic(dim) && dim % size == 0);
      });
  bool anySplit = llvm::any_of(llvm::zip_equal(shape, *block), [&](auto pair) {
    return needsSplit(std::get<0>(pair), std::get<1>(pair));
  });
  if (!splittable || !anySplit)
    return space;
  space.shape.clear();
  SmallVector<AffineExpr> results;
  for (auto [dim, size] : llvm::zip_equal(shape, *block)) {
    int64_t first = space.shape.size();
    if (needsSplit(dim, size)) {
      space.shape.append({dim / size, size});
      space.reassociation.push_back({first, first + 1});
      results.push_back(getAffineDimExpr(first, context));
      continue;
    }
    space.shape.push_back(dim);
    space.reassociation.push_back({first});
    results.push_back(size == 1 ? getAffineDimExpr(first, context)
                                : getAffineConstantExpr(0, context));
  }
  space.scaleMap = AffineMap::get(space.shape.size(), 0, results, context);
  return space;
}

/// `value` (a tensor like the op's input) viewed in `space`.
static Value expandTo(OpBuilder &b, Location loc, const BlockedSpace &space,
                      Value value) {
  if (space.reassociation.empty())
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  return tensor::ExpandShapeOp::create(b, loc, type.clone(space.shape), value,
                                       space.reassociation);
}

/// The generic's result `value` viewed back as `type`.
static Value collapseFrom(OpBuilder &b, Location loc, const BlockedSpace &space,
                          Value value, RankedTensorType type) {
  if (space.reassociation.empty())
    return value;
  return tensor::CollapseShapeOp::create(b, loc, type, value,
                                         space.reassociation);
}

/// A 0-d tensor scale is read as a scalar.
static Value getScaleOperand(OpBuilder &b, Location loc, Value scale) {
  if (auto tensor = dyn_cast<RankedTensorType>(scale.getType()))
    if (tensor.getRank() == 0)
      return tensor::ExtractOp::create(b, loc, scale, ValueRange{});
  return scale;
}

/// An empty tensor shaped like `like` (dynamic sizes read from it) with
/// `elementType`.
static Value createEmptyLike(OpBuilder &b, Location loc, Value like,
                             Type elementType) {
  auto type = cast<RankedTensorType>(like.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, like);
  return tensor::EmptyOp::create(b, loc, sizes, elementType,
                                 type.getEncoding());
}

static SmallVector<utils::IteratorType> getParallel(unsigned rank) {
  return SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel);
}

namespace {

/// Tensor-only patterns: scalars and vectors go to convert-fp8-to-llvm.
template <typename OpTy> struct TensorPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const final {
    if (!isa<RankedTensorType>(op->getOperand(0).getType()))
      return rewriter.notifyMatchFailure(op, "not on tensors");
    return lower(op, rewriter);
  }

  virtual LogicalResult lower(OpTy op, PatternRewriter &rewriter) const = 0;
};

/// q = convert(x / s) element by element.
struct QuantizeToLinalg : TensorPattern<QuantizeOp> {
  using TensorPattern::TensorPattern;

  LogicalResult lower(QuantizeOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    BlockedSpace space =
        getBlockedSpace(rewriter.getContext(), type.getShape(), op.getBlock());
    unsigned rank = space.shape.size();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<Value> inputs = {expandTo(rewriter, loc, space, op.getInput()),
                                 getScaleOperand(rewriter, loc, op.getScale())};
    SmallVector<AffineMap> maps = {identity, space.scaleMap};
    if (Value random = op.getRandomBits()) {
      inputs.push_back(expandTo(rewriter, loc, space, random));
      maps.push_back(identity);
    }
    maps.push_back(identity);
    Value init =
        createEmptyLike(rewriter, loc, inputs[0], type.getElementType());
    Rounding rounding = op.getEffectiveRounding();
    Saturation saturation = op.getSaturation();
    bool hasRandom = static_cast<bool>(op.getRandomBits());
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), inputs, init, maps, getParallel(rank),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value x = emitToF32(b, loc, args[0]);
          Value scale = emitToF32(b, loc, args[1]);
          Value quotient = arith::DivFOp::create(b, loc, x, scale);
          auto convert = ConvertOp::create(
              b, loc, type.getElementType(), quotient,
              hasRandom ? args[2] : Value(),
              RoundingAttr::get(b.getContext(), rounding),
              SaturationAttr::get(b.getContext(), saturation));
          linalg::YieldOp::create(b, loc, convert.getResult());
        });
    rewriter.replaceOp(
        op, collapseFrom(rewriter, loc, space, generic.getResult(0), type));
    return success();
  }
};

/// x = convert(q) * s element by element.
struct DequantizeToLinalg : TensorPattern<DequantizeOp> {
  using TensorPattern::TensorPattern;

  LogicalResult lower(DequantizeOp op,
                      PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    BlockedSpace space =
        getBlockedSpace(rewriter.getContext(), type.getShape(), op.getBlock());
    unsigned rank = space.shape.size();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<Value> inputs = {expandTo(rewriter, loc, space, op.getInput()),
                                 getScaleOperand(rewriter, loc, op.getScale())};
    SmallVector<AffineMap> maps = {identity, space.scaleMap, identity};
    Type resultElement = type.getElementType();
    Value init = createEmptyLike(rewriter, loc, inputs[0], resultElement);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), inputs, init, maps, getParallel(rank),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value decoded = emitToF32(b, loc, args[0]);
          Value scale = emitToF32(b, loc, args[1]);
          Value product = arith::MulFOp::create(b, loc, decoded, scale);
          if (!resultElement.isF32())
            product = arith::TruncFOp::create(b, loc, resultElement, product);
          linalg::YieldOp::create(b, loc, product);
        });
    rewriter.replaceOp(
        op, collapseFrom(rewriter, loc, space, generic.getResult(0), type));
    return success();
  }
};

/// max |x| per block, on the bits: |x| as an i32 (the f32 bits without the
/// sign) orders every non-NaN magnitude as the floats do and every NaN above
/// +Inf, so an unsigned max is exact, associative and commutative (any
/// reduction order, vector width or thread partition gives the same bits).
/// It reduces into a zero-filled i32 tensor (or a 0-d one for the whole
/// input); dimensions whose block is 1 are parallel, the others reductions
/// through the block's map. The bits become f32 at the end, a NaN as the
/// canonical quiet NaN 0x7FC00000 (the folder's result).
struct AmaxToLinalg : TensorPattern<AmaxOp> {
  using TensorPattern::TensorPattern;

  LogicalResult lower(AmaxOp op, PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    unsigned rank = inputType.getRank();
    Type i32 = rewriter.getI32Type();
    Value init;
    if (auto resultType = dyn_cast<RankedTensorType>(op.getType())) {
      SmallVector<OpFoldResult> sizes;
      for (auto [dim, size] : llvm::enumerate(resultType.getShape())) {
        if (!ShapedType::isDynamic(size)) {
          sizes.push_back(rewriter.getIndexAttr(size));
          continue;
        }
        // ceildiv(dim(input, i), block[i]).
        Value extent = tensor::DimOp::create(rewriter, loc, input, dim);
        Value blockSize = arith::ConstantIndexOp::create(rewriter, loc,
                                                         (*op.getBlock())[dim]);
        sizes.push_back(
            arith::CeilDivUIOp::create(rewriter, loc, extent, blockSize)
                .getResult());
      }
      init = tensor::EmptyOp::create(rewriter, loc, sizes, i32);
    } else {
      init = tensor::EmptyOp::create(rewriter, loc, ArrayRef<int64_t>{}, i32);
    }
    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getI32IntegerAttr(0));
    init = linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
    AffineMap blockMap =
        getScaleMap(rewriter.getContext(), inputType.getShape(), op.getBlock());
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   blockMap};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::reduction);
    for (unsigned dim = 0; dim < rank; ++dim)
      if (op.getBlock() && (*op.getBlock())[dim] == 1)
        iterators[dim] = utils::IteratorType::parallel;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, init.getType(), input, init, maps, iterators,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(),
                                                emitToF32(b, loc, args[0]));
          Value magnitude = arith::AndIOp::create(
              b, loc, bits,
              arith::ConstantOp::create(b, loc,
                                        b.getI32IntegerAttr(0x7FFFFFFF)));
          Value max = arith::MaxUIOp::create(b, loc, args[1], magnitude);
          linalg::YieldOp::create(b, loc, max);
        });
    auto toAmax = [](OpBuilder &b, Location loc, Value bits) -> Value {
      Value isNaN = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ugt, bits,
          arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0x7F800000)));
      Value canonical = arith::SelectOp::create(
          b, loc, isNaN,
          arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0x7FC00000)),
          bits);
      return arith::BitcastOp::create(b, loc, b.getF32Type(), canonical);
    };
    Value bits = generic.getResult(0);
    Value result;
    if (auto resultType = dyn_cast<RankedTensorType>(op.getType())) {
      unsigned resultRank = resultType.getRank();
      AffineMap identity = rewriter.getMultiDimIdentityMap(resultRank);
      Value empty = createEmptyLike(rewriter, loc, bits, rewriter.getF32Type());
      result = linalg::GenericOp::create(
                   rewriter, loc, empty.getType(), bits, empty,
                   SmallVector<AffineMap>{identity, identity},
                   getParallel(resultRank),
                   [&](OpBuilder &b, Location loc, ValueRange args) {
                     linalg::YieldOp::create(b, loc,
                                             toAmax(b, loc, args[0]));
                   })
                   .getResult(0);
    } else {
      result = toAmax(
          rewriter, loc,
          tensor::ExtractOp::create(rewriter, loc, bits, ValueRange{}));
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Per-row quantization with a scale from the rows themselves,
/// `quantize(x, compute_scale(amax(x)))` with blocks [1, ..., 1, K] and the
/// rows static and at most `kMaxFusedRowBytes`: one loop nest over the rows,
/// each iteration the amax of its row (read from memory), the scale, and the
/// quantization of the row (read again from cache) into its slice of the
/// result. The same ops on a row are the same bits as on the whole tensor.
struct FuseRowQuantization : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  static constexpr int64_t kMaxFusedRowBytes = 64 << 10;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    auto inputType = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !inputType || inputType.getRank() == 0 || op.getRandomBits())
      return rewriter.notifyMatchFailure(op, "not a deterministic tensor op");
    int64_t rank = inputType.getRank();
    int64_t rowLength = inputType.getShape().back();
    if (ShapedType::isDynamic(rowLength) ||
        rowLength * inputType.getElementTypeBitWidth() / 8 > kMaxFusedRowBytes)
      return rewriter.notifyMatchFailure(op, "rows dynamic or too long");
    auto isRowBlock = [&](std::optional<ArrayRef<int64_t>> block) {
      return block && llvm::all_of(block->drop_back(),
                                   [](int64_t size) { return size == 1; }) &&
             block->back() >= rowLength;
    };
    auto computeScale = op.getScale().getDefiningOp<ComputeScaleOp>();
    if (!isRowBlock(op.getBlock()) || !computeScale)
      return rewriter.notifyMatchFailure(op, "scale not per row");
    auto amax = computeScale.getAmax().getDefiningOp<AmaxOp>();
    if (!amax || amax.getInput() != op.getInput() ||
        !isRowBlock(amax.getBlock()) ||
        !isa<RankedTensorType>(computeScale.getType()))
      return rewriter.notifyMatchFailure(op, "scale not from the rows' amax");

    Location loc = op.getLoc();
    // The quantization, then anything else that uses the amax or the scale,
    // see the loop's results: it is built before the first of them.
    Operation *first = op;
    for (Operation *user : llvm::concat<Operation *>(
             llvm::to_vector(amax->getUsers()),
             llvm::to_vector(computeScale->getUsers())))
      if (user->getBlock() == op->getBlock() && user->isBeforeInBlock(first))
        first = user;
    if (llvm::any_of(amax->getUsers(),
                     [&](Operation *user) {
                       return user->getBlock() != op->getBlock();
                     }) ||
        llvm::any_of(computeScale->getUsers(), [&](Operation *user) {
          return user->getBlock() != op->getBlock();
        }))
      return rewriter.notifyMatchFailure(op, "users in other blocks");
    rewriter.setInsertionPoint(first);

    Value input = op.getInput();
    auto scaleType = cast<RankedTensorType>(computeScale.getType());
    auto amaxType = cast<RankedTensorType>(amax.getType());
    bool amaxUsed = !amax->hasOneUse();
    SmallVector<Value> inits = {
        createEmptyLike(rewriter, loc, input, type.getElementType())};
    auto perRow = [&](RankedTensorType rowsType) {
      SmallVector<OpFoldResult> sizes;
      for (int64_t dim = 0; dim + 1 < rank; ++dim)
        sizes.push_back(tensor::getMixedSize(rewriter, loc, input, dim));
      sizes.push_back(rewriter.getIndexAttr(1));
      return tensor::EmptyOp::create(rewriter, loc, sizes,
                                     rowsType.getElementType())
          .getResult();
    };
    inits.push_back(perRow(scaleType));
    if (amaxUsed)
      inits.push_back(perRow(amaxType));

    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<Value> lbs(rank - 1, zero), ubs, steps(rank - 1, one);
    for (int64_t dim = 0; dim + 1 < rank; ++dim)
      ubs.push_back(tensor::DimOp::create(rewriter, loc, input, dim));
    auto rowType = RankedTensorType::get({rowLength},
                                         inputType.getElementType());
    auto codesType = RankedTensorType::get({rowLength}, type.getElementType());
    Rounding rounding = op.getEffectiveRounding();
    Saturation saturation = op.getSaturation();
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, inits,
        [&](OpBuilder &b, Location loc, ValueRange ivs,
            ValueRange args) -> scf::ValueVector {
          SmallVector<OpFoldResult> offsets(ivs.begin(), ivs.end());
          offsets.push_back(b.getIndexAttr(0));
          SmallVector<OpFoldResult> sizes(rank - 1, b.getIndexAttr(1));
          sizes.push_back(b.getIndexAttr(rowLength));
          SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
          Value row = tensor::ExtractSliceOp::create(b, loc, rowType, input,
                                                     offsets, sizes, strides);
          Value rowAmax = AmaxOp::create(b, loc, b.getF32Type(), row,
                                         DenseI64ArrayAttr());
          auto rowScale = cast<ComputeScaleOp>(b.clone(*computeScale));
          rowScale->setOperand(0, rowAmax);
          rowScale.getScale().setType(scaleType.getElementType());
          // The row's codes, computed into its slice of the result.
          Value slice = tensor::ExtractSliceOp::create(b, loc, codesType,
                                                       args[0], offsets, sizes,
                                                       strides);
          AffineMap identity = b.getMultiDimIdentityMap(1);
          AffineMap scalar = AffineMap::get(1, 0, b.getContext());
          Value codes =
              linalg::GenericOp::create(
                  b, loc, codesType, ValueRange{row, rowScale.getScale()},
                  slice, SmallVector<AffineMap>{identity, scalar, identity},
                  getParallel(1),
                  [&](OpBuilder &b, Location loc, ValueRange args) {
                    Value x = emitToF32(b, loc, args[0]);
                    Value scale = emitToF32(b, loc, args[1]);
                    Value quotient = arith::DivFOp::create(b, loc, x, scale);
                    auto convert = ConvertOp::create(
                        b, loc, type.getElementType(), quotient, Value(),
                        RoundingAttr::get(b.getContext(), rounding),
                        SaturationAttr::get(b.getContext(), saturation));
                    linalg::YieldOp::create(b, loc, convert.getResult());
                  })
                  .getResult(0);
          scf::ValueVector results = {tensor::InsertSliceOp::create(
              b, loc, codes, args[0], offsets, sizes, strides)};
          SmallVector<Value> rowIndex(ivs.begin(), ivs.end());
          rowIndex.push_back(zero);
          results.push_back(tensor::InsertOp::create(
              b, loc, rowScale.getScale(), args[1], rowIndex));
          if (amaxUsed)
            results.push_back(
                tensor::InsertOp::create(b, loc, rowAmax, args[2], rowIndex));
          return results;
        });
    auto cast = [&](Value value, Type type) -> Value {
      if (value.getType() == type)
        return value;
      return tensor::CastOp::create(rewriter, loc, type, value);
    };
    rewriter.replaceOp(op, cast(nest.results[0], type));
    rewriter.replaceOp(computeScale, cast(nest.results[1], scaleType));
    if (amaxUsed)
      rewriter.replaceOp(amax, cast(nest.results[2], amaxType));
    else
      rewriter.eraseOp(amax);
    return success();
  }
};

/// The reference lowering of fp8.scaled_matmul: dequantize both operands to
/// f32, contract in f32, then bias, amax and output quantization.
struct ScaledMatmulToLinalg : OpRewritePattern<ScaledMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    auto dequantize = [&](Value operand, Value scale,
                          std::optional<ArrayRef<int64_t>> block) -> Value {
      auto type = cast<RankedTensorType>(operand.getType());
      return DequantizeOp::create(
          rewriter, loc, type.clone(f32), operand, scale,
          block ? rewriter.getDenseI64ArrayAttr(*block) : DenseI64ArrayAttr());
    };
    Value lhs = dequantize(op.getLhs(), op.getLhsScale(), op.getLhsBlock());
    Value rhs = dequantize(op.getRhs(), op.getRhsScale(), op.getRhsBlock());

    // Iteration space [batch..., M, N, K].
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    unsigned rank = resultType.getRank(), batch = rank - 2;
    SmallVector<AffineMap> maps;
    SmallVector<utils::IteratorType> iterators;
    getScaledMatmulContraction(op, maps, iterators);

    // Dynamic result sizes come from the operands.
    SmallVector<OpFoldResult> sizes;
    for (unsigned i = 0; i < rank; ++i) {
      if (!resultType.isDynamicDim(i)) {
        sizes.push_back(rewriter.getIndexAttr(resultType.getDimSize(i)));
        continue;
      }
      bool fromRhs = i == batch + 1;
      unsigned dim = fromRhs ? (op.getRhsTransposed() ? batch : batch + 1) : i;
      sizes.push_back(
          tensor::DimOp::create(rewriter, loc, fromRhs ? rhs : lhs, dim)
              .getResult());
    }
    Value init = tensor::EmptyOp::create(rewriter, loc, sizes, f32);
    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getF32FloatAttr(0.0f));
    init = linalg::FillOp::create(rewriter, loc, zero, init).getResult(0);
    Value accumulated =
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), ValueRange{lhs, rhs}, init, maps,
            iterators,
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
              linalg::YieldOp::create(
                  b, loc,
                  arith::AddFOp::create(b, loc, args[2], product).getResult());
            })
            .getResult(0);

    rewriter.replaceOp(op, emitScaledMatmulEpilogue(rewriter, op, accumulated));
    return success();
  }
};

struct ConvertFP8ToLinalgPass
    : mlir::fp8::impl::ConvertFP8ToLinalgPassBase<ConvertFP8ToLinalgPass> {
  using ConvertFP8ToLinalgPassBase::ConvertFP8ToLinalgPassBase;

  void runOnOperation() override {
    if (fuseRowQuantization) {
      RewritePatternSet fusion(&getContext());
      fusion.add<FuseRowQuantization>(&getContext());
      if (failed(applyPatternsGreedily(getOperation(), std::move(fusion))))
        return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateFP8ToLinalgConversionPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void mlir::fp8::populateFP8ToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  // convert, bitcast and compute_scale are ElementwiseMappable, as are the
  // arith ops the patterns below create on tensors.
  linalg::populateElementwiseToLinalgConversionPatterns(patterns);
  patterns.add<QuantizeToLinalg, DequantizeToLinalg, AmaxToLinalg,
               ScaledMatmulToLinalg>(patterns.getContext());
}
