//===- Legalize.cpp - Decompose what a target cannot run ------------------===//
//
// fp8-legalize: fp8.scaled_matmul ops that a target's kernels cannot lower
// (Target::canLower) are decomposed into ops they can (see the pass
// description for the sets and the exactness of each decomposition).
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"
#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Dialect/Arith/IR/Arith.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/APFloat.h"

#include <cmath>
#include <limits>
#include <numeric>

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8LEGALIZEPASS
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

//===----------------------------------------------------------------------===//
// Operand views
//===----------------------------------------------------------------------===//

namespace {
/// One operand of a scaled_matmul with its scale.
struct Operand {
  Value value;
  Value scale;
  std::optional<SmallVector<int64_t>> block;
  RankedTensorType type;
  /// The dimension holding K, and the one holding M (lhs) or N (rhs).
  unsigned kDim, outerDim;
};
} // namespace

static Operand getLhs(ScaledMatmulOp op) {
  auto type = cast<RankedTensorType>(op.getLhs().getType());
  unsigned rank = type.getRank();
  std::optional<SmallVector<int64_t>> block;
  if (auto attr = op.getLhsBlock())
    block = llvm::to_vector(*attr);
  return {op.getLhs(), op.getLhsScale(), block, type, rank - 1, rank - 2};
}

static Operand getRhs(ScaledMatmulOp op) {
  auto type = cast<RankedTensorType>(op.getRhs().getType());
  unsigned rank = type.getRank();
  std::optional<SmallVector<int64_t>> block;
  if (auto attr = op.getRhsBlock())
    block = llvm::to_vector(*attr);
  bool transposed = op.getRhsTransposed();
  return {op.getRhs(),
          op.getRhsScale(),
          block,
          type,
          transposed ? rank - 1 : rank - 2,
          transposed ? rank - 2 : rank - 1};
}

/// Whether a block of `block` elements spans a whole dimension of `size`
/// (a dynamic one only with the 2^31 - 1 that fp8-insert-casts uses).
static bool covers(int64_t block, int64_t size) {
  if (ShapedType::isDynamic(size))
    return block >= std::numeric_limits<int32_t>::max();
  return block >= size;
}

static bool isConstantAlongK(const Operand &operand) {
  return !operand.block || covers((*operand.block)[operand.kDim],
                                  operand.type.getDimSize(operand.kDim));
}

/// A scale the target applies in the epilogue: f32, and per element or
/// whole along every dimension but K.
static bool isEpilogueScale(const Operand &operand) {
  if (!getElementTypeOrSelf(operand.scale.getType()).isF32())
    return false;
  if (!operand.block)
    return true;
  for (auto [dim, size] : llvm::enumerate(*operand.block))
    if (dim != operand.kDim && size != 1 &&
        !covers(size, operand.type.getDimSize(dim)))
      return false;
  return true;
}

//===----------------------------------------------------------------------===//
// Shared pieces
//===----------------------------------------------------------------------===//

/// A zero-filled f32 tensor of the result's shape.
static Value createZeroAccumulator(OpBuilder &b, Location loc,
                                   ScaledMatmulOp op) {
  Operand lhs = getLhs(op), rhs = getRhs(op);
  SmallVector<OpFoldResult> lhsSizes = tensor::getMixedSizes(b, loc, lhs.value);
  SmallVector<OpFoldResult> rhsSizes = tensor::getMixedSizes(b, loc, rhs.value);
  SmallVector<OpFoldResult> sizes(lhsSizes.begin(), lhsSizes.end() - 1);
  sizes.push_back(rhsSizes[rhs.outerDim]);
  Value empty = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// A scalar (or 0-d) scale is read through the empty map; a blocked one per
/// element (block 1) or at 0 (whole) along each result loop dimension.
static AffineMap getScaleMapInResultSpace(MLIRContext *context,
                                          const Operand &operand, unsigned rank,
                                          unsigned outerLoop) {
  if (!operand.block)
    return AffineMap::get(rank, 0, context);
  SmallVector<AffineExpr> results;
  for (auto [dim, size] : llvm::enumerate(*operand.block)) {
    if (size != 1 || dim == operand.kDim) {
      results.push_back(getAffineConstantExpr(0, context));
      continue;
    }
    unsigned loop = dim == operand.outerDim ? outerLoop : dim;
    results.push_back(getAffineDimExpr(loop, context));
  }
  return AffineMap::get(rank, 0, results, context);
}

/// `acc` (f32, the result's shape) times the operand scales (when
/// `applyScales`), plus the bias: one element-wise linalg.generic.
static Value applyScalesAndBias(OpBuilder &b, Location loc, ScaledMatmulOp op,
                                Value acc, bool applyScales) {
  Value bias = op.getBias();
  if (!applyScales && !bias)
    return acc;
  MLIRContext *context = b.getContext();
  unsigned rank = cast<RankedTensorType>(acc.getType()).getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<Value> inputs = {acc};
  SmallVector<AffineMap> maps = {identity};
  auto addScale = [&](const Operand &operand, unsigned outerLoop) {
    Value scale = operand.scale;
    if (auto tensor = dyn_cast<RankedTensorType>(scale.getType());
        tensor && tensor.getRank() == 0)
      scale = tensor::ExtractOp::create(b, loc, scale, ValueRange{});
    inputs.push_back(scale);
    maps.push_back(getScaleMapInResultSpace(context, operand, rank, outerLoop));
  };
  if (applyScales) {
    addScale(getLhs(op), rank - 2);
    addScale(getRhs(op), rank - 1);
  }
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(
        cast<RankedTensorType>(bias.getType()).getRank() == 1
            ? AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, context))
            : identity);
  }
  maps.push_back(identity);
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, acc), b.getF32Type());
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
             b, loc, init.getType(), inputs, init, maps, iterators,
             [&](OpBuilder &nested, Location loc, ValueRange args) {
               Value value = args[0];
               unsigned next = 1;
               if (applyScales) {
                 value = arith::MulFOp::create(nested, loc, value, args[1]);
                 value = arith::MulFOp::create(nested, loc, value, args[2]);
                 next = 3;
               }
               if (bias) {
                 Value term = args[next];
                 if (!term.getType().isF32())
                   term = arith::ExtFOp::create(nested, loc,
                                                nested.getF32Type(), term);
                 value = arith::AddFOp::create(nested, loc, value, term);
               }
               linalg::YieldOp::create(nested, loc, value);
             })
      .getResult(0);
}

/// The op's results from its f32 value `d` (bias already added): the amax
/// of `d`, and `d` quantized with out_scale or rounded to f16 / bf16.
static SmallVector<Value> finishResults(OpBuilder &b, Location loc,
                                        ScaledMatmulOp op, Value d) {
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  Type element = resultType.getElementType();
  SmallVector<Value> results;
  if (isNarrowFloat(element))
    results.push_back(QuantizeOp::create(
        b, loc, resultType, d, op.getOutScale(), /*random_bits=*/Value(),
        /*block=*/DenseI64ArrayAttr(), op.getRoundingAttr(),
        op.getSaturationAttr()));
  else if (!element.isF32())
    results.push_back(arith::TruncFOp::create(b, loc, resultType, d));
  else
    results.push_back(d);
  if (op.getAmax())
    results.push_back(
        AmaxOp::create(b, loc, b.getF32Type(), d, DenseI64ArrayAttr()));
  return results;
}

static DenseI64ArrayAttr
getBlockAttr(OpBuilder &b, const std::optional<SmallVector<int64_t>> &block) {
  return block ? b.getDenseI64ArrayAttr(*block) : DenseI64ArrayAttr();
}

/// A scaled_matmul of `lhs` and `rhs` like `op`, with an f32 result of
/// `resultType`'s shape and neither bias nor output quantization.
static Value createF32ScaledMatmul(OpBuilder &b, Location loc,
                                   ScaledMatmulOp op, const Operand &lhs,
                                   const Operand &rhs, Value bias) {
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  SmallVector<int64_t> shape(resultType.getShape());
  auto lhsType = cast<RankedTensorType>(lhs.value.getType());
  auto rhsType = cast<RankedTensorType>(rhs.value.getType());
  shape[shape.size() - 2] = lhsType.getDimSize(lhs.outerDim);
  shape.back() = rhsType.getDimSize(rhs.outerDim);
  return ScaledMatmulOp::create(
             b, loc, RankedTensorType::get(shape, b.getF32Type()),
             /*amax=*/Type(), lhs.value, lhs.scale, rhs.value, rhs.scale, bias,
             /*out_scale=*/Value(), getBlockAttr(b, lhs.block),
             getBlockAttr(b, rhs.block), op.getRhsTransposedAttr(),
             /*rounding=*/RoundingAttr(),
             SaturationAttr::get(b.getContext(), Saturation::none))
      .getResult();
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// A pattern for ops that `target`'s kernels cannot lower.
struct LegalizePattern : OpRewritePattern<ScaledMatmulOp> {
  LegalizePattern(MLIRContext *context, const Target &target)
      : OpRewritePattern(context), target(target) {}

  Target target;
};

/// Block scales along K: one partial scaled_matmul per K block (the gcd of
/// the two operands' K blocks), with per-row / per-column scales, summed in
/// f32 in an scf.for (and one partial for a ragged tail).
struct SplitKBlocks : LegalizePattern {
  using LegalizePattern::LegalizePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (target.canLower(op))
      return rewriter.notifyMatchFailure(op, "the target lowers it");
    Operand lhs = getLhs(op), rhs = getRhs(op);
    if (isConstantAlongK(lhs) && isConstantAlongK(rhs))
      return rewriter.notifyMatchFailure(op, "scales are constant along K");
    int64_t k = lhs.type.getDimSize(lhs.kDim);
    if (ShapedType::isDynamic(k))
      return rewriter.notifyMatchFailure(op, "dynamic K");
    int64_t step = 0;
    for (const Operand *operand : {&lhs, &rhs})
      if (!isConstantAlongK(*operand))
        step = std::gcd(step, (*operand->block)[operand->kDim]);

    Location loc = op.getLoc();
    // The operands restricted to K in [offset, offset + size).
    auto slice = [&](OpBuilder &b, const Operand &operand, OpFoldResult offset,
                     int64_t size) {
      Operand sliced = operand;
      unsigned rank = operand.type.getRank();
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
      SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(b, loc, operand.value);
      offsets[operand.kDim] = offset;
      sizes[operand.kDim] = b.getIndexAttr(size);
      sliced.value = tensor::ExtractSliceOp::create(b, loc, operand.value,
                                                    offsets, sizes, strides);
      if (isConstantAlongK(operand))
        return sliced;
      // The one scale column that covers this slice.
      int64_t block = (*operand.block)[operand.kDim];
      Value index = arith::DivUIOp::create(
          b, loc, getValueOrCreateConstantIndexOp(b, loc, offset),
          arith::ConstantIndexOp::create(b, loc, block));
      SmallVector<OpFoldResult> scaleSizes =
          tensor::getMixedSizes(b, loc, operand.scale);
      offsets[operand.kDim] = index;
      scaleSizes[operand.kDim] = b.getIndexAttr(1);
      sliced.scale = tensor::ExtractSliceOp::create(
          b, loc, operand.scale, offsets, scaleSizes, strides);
      (*sliced.block)[operand.kDim] = size;
      return sliced;
    };
    auto addPartial = [&](OpBuilder &b, Value acc, OpFoldResult offset,
                          int64_t size) -> Value {
      Value partial = createF32ScaledMatmul(
          b, loc, op, slice(b, lhs, offset, size), slice(b, rhs, offset, size),
          /*bias=*/Value());
      // acc += partial in place (outs = acc), so that the loop's tensor
      // bufferizes onto one buffer.
      unsigned rank = cast<RankedTensorType>(acc.getType()).getRank();
      AffineMap identity = b.getMultiDimIdentityMap(rank);
      return linalg::GenericOp::create(
                 b, loc, acc.getType(), partial, acc,
                 ArrayRef<AffineMap>{identity, identity},
                 SmallVector<utils::IteratorType>(
                     rank, utils::IteratorType::parallel),
                 [&](OpBuilder &nested, Location loc, ValueRange args) {
                   linalg::YieldOp::create(
                       nested, loc,
                       arith::AddFOp::create(nested, loc, args[1], args[0])
                           .getResult());
                 })
          .getResult(0);
    };

    Value acc = createZeroAccumulator(rewriter, loc, op);
    int64_t full = k / step * step;
    if (full > 0) {
      Value lower = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value upper = arith::ConstantIndexOp::create(rewriter, loc, full);
      Value stepValue = arith::ConstantIndexOp::create(rewriter, loc, step);
      acc = scf::ForOp::create(
                rewriter, loc, lower, upper, stepValue, ValueRange{acc},
                [&](OpBuilder &b, Location loc, Value offset,
                    ValueRange iterArgs) {
                  scf::YieldOp::create(
                      b, loc, addPartial(b, iterArgs[0], offset, step));
                })
                .getResult(0);
    }
    if (full < k)
      acc = addPartial(rewriter, acc, rewriter.getIndexAttr(full), k - full);
    Value d = applyScalesAndBias(rewriter, loc, op, acc, /*applyScales=*/false);
    rewriter.replaceOp(op, finishResults(rewriter, loc, op, d));
    return success();
  }
};

/// `operand` with its scale (constant along K) as one f32 per row / column /
/// batch element where it was a block along M, N or a batch dimension or of
/// another element type: the form applyScalesAndBias reads. Bit-exact.
static Operand normalizeScale(OpBuilder &b, Location loc, Operand operand) {
  if (isEpilogueScale(operand))
    return operand;
  if (!operand.block) {
    operand.scale = emitToF32(b, loc, operand.scale);
    return operand;
  }
  // Blocks along M, N or batch become 1: the scale is broadcast (read
  // through floordiv maps) and widened in one generic.
  SmallVector<int64_t> block = *operand.block;
  bool broadcast = false;
  for (auto [dim, size] : llvm::enumerate(block)) {
    if (dim == operand.kDim || size == 1 ||
        covers(size, operand.type.getDimSize(dim)))
      continue;
    size = 1;
    broadcast = true;
  }
  if (!broadcast) {
    operand.scale = emitToF32(b, loc, operand.scale);
    return operand;
  }
  MLIRContext *context = b.getContext();
  unsigned rank = block.size();
  SmallVector<OpFoldResult> operandSizes =
      tensor::getMixedSizes(b, loc, operand.value);
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(b, loc, operand.scale);
  SmallVector<AffineExpr> reads;
  for (unsigned dim = 0; dim < rank; ++dim) {
    AffineExpr index = getAffineDimExpr(dim, context);
    if (block[dim] == (*operand.block)[dim]) {
      reads.push_back(index);
      continue;
    }
    reads.push_back(index.floorDiv((*operand.block)[dim]));
    sizes[dim] = operandSizes[dim];
  }
  Value init = tensor::EmptyOp::create(b, loc, sizes, b.getF32Type());
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, reads, context),
                                 b.getMultiDimIdentityMap(rank)};
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  operand.scale =
      linalg::GenericOp::create(
          b, loc, init.getType(), operand.scale, init, maps, iterators,
          [&](OpBuilder &nested, Location loc, ValueRange args) {
            linalg::YieldOp::create(nested, loc,
                                    emitToF32(nested, loc, args[0]));
          })
          .getResult(0);
  operand.block = block;
  return operand;
}

/// Whether every finite value of `format` is exact in f16 (checked code by
/// code with the numerics library).
static bool isExactInF16(::fp8::Format format) {
  const ::fp8::FormatInfo &info = ::fp8::getFormatInfo(format);
  for (unsigned code = 0; code < (1u << info.bitWidth); ++code) {
    double value = ::fp8::decode(format, code);
    if (!std::isfinite(value))
      continue;
    APFloat half(value);
    bool losesInfo = false;
    APFloat::opStatus status = half.convert(
        APFloat::IEEEhalf(), APFloat::rmNearestTiesToEven, &losesInfo);
    if (losesInfo || status != APFloat::opOK)
      return false;
  }
  return true;
}

/// Operand formats the GPU kernel lacks: decode both operands to f16
/// (exact), an f16 x f16 -> f32 contraction, then the scales, bias and
/// result.
struct DecodeToF16 : LegalizePattern {
  using LegalizePattern::LegalizePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (target.canLower(op))
      return rewriter.notifyMatchFailure(op, "the target lowers it");
    Operand lhs = getLhs(op), rhs = getRhs(op);
    auto isKernelOperand = [](Type type) {
      return isa<Float8E4M3FNType, Float8E5M2Type, HiF8Type>(type);
    };
    if (isKernelOperand(lhs.type.getElementType()) &&
        isKernelOperand(rhs.type.getElementType()))
      return rewriter.notifyMatchFailure(op, "operand formats the kernel has");
    for (const Operand *operand : {&lhs, &rhs})
      if (!isExactInF16(*getFormat(operand->type.getElementType())))
        return rewriter.notifyMatchFailure(op, "a format is not exact in f16");
    if (!isConstantAlongK(lhs) || !isConstantAlongK(rhs))
      return rewriter.notifyMatchFailure(op, "split K-blocks first");

    // The scales in the form the epilogue below reads.
    Location loc = op.getLoc();
    lhs = normalizeScale(rewriter, loc, lhs);
    rhs = normalizeScale(rewriter, loc, rhs);
    rewriter.modifyOpInPlace(op, [&] {
      op.getLhsScaleMutable().assign(lhs.scale);
      op.getRhsScaleMutable().assign(rhs.scale);
      op.setLhsBlockAttr(getBlockAttr(rewriter, lhs.block));
      op.setRhsBlockAttr(getBlockAttr(rewriter, rhs.block));
    });
    auto decode = [&](const Operand &operand) -> Value {
      return ConvertOp::create(
          rewriter, loc,
          RankedTensorType(operand.type).clone(rewriter.getF16Type()),
          operand.value);
    };
    Value lhs16 = decode(lhs), rhs16 = decode(rhs);

    // Iteration space [batch..., M, N, K].
    SmallVector<AffineMap> maps;
    SmallVector<utils::IteratorType> iterators;
    getScaledMatmulContraction(op, maps, iterators);
    Value init = createZeroAccumulator(rewriter, loc, op);
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, init.getType(), ValueRange{lhs16, rhs16}, init, maps,
            iterators,
            [&](OpBuilder &b, Location loc, ValueRange args) {
              Type f32 = b.getF32Type();
              Value a = arith::ExtFOp::create(b, loc, f32, args[0]);
              Value c = arith::ExtFOp::create(b, loc, f32, args[1]);
              Value product = arith::MulFOp::create(b, loc, a, c);
              linalg::YieldOp::create(
                  b, loc,
                  arith::AddFOp::create(b, loc, args[2], product).getResult());
            })
            .getResult(0);
    Value d = applyScalesAndBias(rewriter, loc, op, acc, /*applyScales=*/true);
    rewriter.replaceOp(op, finishResults(rewriter, loc, op, d));
    return success();
  }
};

/// A scaled_matmul with a dimension of size 0 (batch, M, N or K) has no
/// products to sum: its sums are zeros (an empty tensor where the result
/// has no elements), to which the epilogue adds the bias (K = 0 gives the
/// bias, quantized if the result is narrow). Rewritten here, before any
/// kernel, which would tile by 0 or read an empty operand.
struct ZeroSizeScaledMatmul : OpRewritePattern<ScaledMatmulOp> {
  ZeroSizeScaledMatmul(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    auto isEmpty = [](Value value) {
      return llvm::is_contained(
          cast<RankedTensorType>(value.getType()).getShape(), int64_t(0));
    };
    if (!isEmpty(op.getLhs()) && !isEmpty(op.getRhs()) &&
        !isEmpty(op.getResult()))
      return rewriter.notifyMatchFailure(op, "no dimension of size 0");
    ReifiedRankedShapedTypeDims shapes;
    if (failed(reifyResultShapes(rewriter, op, shapes)))
      return rewriter.notifyMatchFailure(op, "cannot reify the result shape");
    Location loc = op.getLoc();
    Value empty = tensor::EmptyOp::create(rewriter, loc, shapes[0],
                                          rewriter.getF32Type());
    Value zero = arith::ConstantOp::create(rewriter, loc,
                                           rewriter.getF32FloatAttr(0.0f));
    Value sums = linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
    rewriter.replaceOp(op, emitScaledMatmulEpilogue(rewriter, op, sums));
    return success();
  }
};

struct FP8LegalizePass : mlir::fp8::impl::FP8LegalizePassBase<FP8LegalizePass> {
  using FP8LegalizePassBase::FP8LegalizePassBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFP8LegalizePatterns(patterns, target);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    WalkResult result = getOperation()->walk([&](ScaledMatmulOp op) {
      std::string why;
      if (target.getValue().canLower(op, &why))
        return WalkResult::advance();
      op.emitOpError() << "cannot be legalized for target "
                       << target.getValue().str() << ": " << why;
      return WalkResult::interrupt();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace

void mlir::fp8::populateFP8LegalizePatterns(RewritePatternSet &patterns,
                                            const Target &target) {
  patterns.add<SplitKBlocks, DecodeToF16>(patterns.getContext(), target);
  patterns.add<ZeroSizeScaledMatmul>(patterns.getContext());
}
