//===- FoldScaledMatmulEpilogue.cpp - fp8-fold-scales on scaled_matmul ----===//
//
// Part of fp8-fold-scales: what follows an f32 fp8.scaled_matmul (output
// quantization, amax, bias add, multiplies) and a transpose of its rhs are
// folded into the op. Each fold leaves every bit of every result unchanged;
// folds that are exact only up to reassociation of f32 arithmetic are
// applied only with `allow-reassociation`.
//
//===----------------------------------------------------------------------===//

#include "FoldScalesUtils.h"

#include "fp8/Dialect/FP8/Transforms/Transforms.h"
#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"

#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fp8;

namespace {

/// The parts of an fp8.scaled_matmul, to rebuild it with some changed.
struct ScaledMatmulParts {
  Type resultType;
  bool withAmax;
  Value lhs, lhsScale, rhs, rhsScale, bias, outScale;
  DenseI64ArrayAttr lhsBlock, rhsBlock;
  bool rhsTransposed;
  RoundingAttr rounding;
  Saturation saturation;

  explicit ScaledMatmulParts(ScaledMatmulOp op)
      : resultType(op.getResult().getType()),
        withAmax(static_cast<bool>(op.getAmax())), lhs(op.getLhs()),
        lhsScale(op.getLhsScale()), rhs(op.getRhs()),
        rhsScale(op.getRhsScale()), bias(op.getBias()),
        outScale(op.getOutScale()), lhsBlock(op.getLhsBlockAttr()),
        rhsBlock(op.getRhsBlockAttr()), rhsTransposed(op.getRhsTransposed()),
        rounding(op.getRoundingAttr()), saturation(op.getSaturation()) {}

  ScaledMatmulOp create(OpBuilder &b, Location loc) const {
    Type amaxType = withAmax ? b.getF32Type() : Type();
    return ScaledMatmulOp::create(
        b, loc, resultType, amaxType, lhs, lhsScale, rhs, rhsScale, bias,
        outScale, lhsBlock, rhsBlock, rhsTransposed, rounding, saturation);
  }
};

} // namespace

/// Replaces `op` by `replacement`, whose extra amax result (if any) takes
/// the place of op's.
static void replaceScaledMatmul(PatternRewriter &rewriter, ScaledMatmulOp op,
                                ScaledMatmulOp replacement) {
  if (Value amax = op.getAmax())
    rewriter.replaceAllUsesWith(amax, replacement.getAmax());
  rewriter.replaceAllUsesWith(op.getResult(), replacement.getResult());
  rewriter.eraseOp(op);
}

/// Replaces `epilogue`, the sole user of `op`'s result, by `replacement`'s
/// result, and `op` by `replacement` as above.
static void replaceEpilogue(PatternRewriter &rewriter, Operation *epilogue,
                            ScaledMatmulOp op, ScaledMatmulOp replacement) {
  rewriter.replaceOp(epilogue, replacement.getResult());
  replaceScaledMatmul(rewriter, op, replacement);
}

/// The fp8.scaled_matmul whose f32 result `value` is, if that result is
/// used only here (an epilogue folded into the op must not be visible to
/// other users of the result).
static ScaledMatmulOp getSoleF32Producer(Value value) {
  auto op = value.getDefiningOp<ScaledMatmulOp>();
  if (!op || value != op.getResult() || !value.hasOneUse() ||
      !getElementTypeOrSelf(value.getType()).isF32())
    return {};
  return op;
}

/// For a binary op: the fp8.scaled_matmul one operand is the sole f32 result
/// of (see above), or null, and the other operand.
static std::pair<ScaledMatmulOp, Value>
getSoleF32ProducerOperand(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  if (ScaledMatmulOp matmul = getSoleF32Producer(lhs))
    return {matmul, rhs};
  return {getSoleF32Producer(rhs), lhs};
}

static bool hasUsedAmax(ScaledMatmulOp op) {
  return op.getAmax() && !op.getAmax().use_empty();
}

namespace {

/// quantize(scaled_matmul(...) : f32, s) -> scaled_matmul(...) with output
/// quantization: per-tensor (no block) and not stochastic, the f32 result
/// used only by the quantize. The op's semantics quantize its f32 result
/// exactly as fp8.quantize does, so nothing changes. If the op's amax result
/// is used, the scale must not depend on it (it must dominate the op:
/// just-in-time scaling from the op's own amax cannot be folded).
struct FoldQuantizeIntoScaledMatmul : OpRewritePattern<QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    ScaledMatmulOp matmul = getSoleF32Producer(op.getInput());
    if (!matmul)
      return rewriter.notifyMatchFailure(
          op, "input is not the sole use of an f32 fp8.scaled_matmul result");
    if (op.getBlock())
      return rewriter.notifyMatchFailure(
          op, "block scales do not fit the per-tensor output scale");
    if (op.getRandomBits())
      return rewriter.notifyMatchFailure(
          op, "stochastic output quantization is not supported");
    if (hasUsedAmax(matmul) &&
        !DominanceInfo().properlyDominates(op.getScale(), matmul))
      return rewriter.notifyMatchFailure(
          op, "the scale may depend on the op's own amax result");
    Location loc = op.getLoc();
    Value scale = op.getScale();
    if (auto tensor = dyn_cast<RankedTensorType>(scale.getType()))
      scale = tensor::ExtractOp::create(rewriter, loc, scale, ValueRange{});
    ScaledMatmulParts parts(matmul);
    parts.resultType = op.getType();
    parts.outScale = emitToF32(rewriter, loc, scale);
    parts.rounding = op.getRoundingAttr();
    parts.saturation = op.getSaturation();
    replaceEpilogue(rewriter, op, matmul, parts.create(rewriter, loc));
    return success();
  }
};

/// amax(scaled_matmul(...) : f32) -> the op's amax result: per-tensor, and
/// the result is f32 (the op's amax is of its f32 result after the bias,
/// before output quantization; it is the same fp8.amax computation).
struct FoldAmaxIntoScaledMatmul : OpRewritePattern<AmaxOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AmaxOp op,
                                PatternRewriter &rewriter) const override {
    auto matmul = op.getInput().getDefiningOp<ScaledMatmulOp>();
    if (!matmul || op.getInput() != matmul.getResult())
      return rewriter.notifyMatchFailure(op, "input is not fp8.scaled_matmul");
    if (op.getBlock())
      return rewriter.notifyMatchFailure(op, "blocked amax");
    if (!getElementTypeOrSelf(op.getInput().getType()).isF32())
      return rewriter.notifyMatchFailure(
          op, "the op's amax is of its f32 result, not of a rounded one");
    if (Value amax = matmul.getAmax()) {
      rewriter.replaceOp(op, amax);
      return success();
    }
    ScaledMatmulParts parts(matmul);
    parts.withAmax = true;
    rewriter.setInsertionPoint(matmul);
    ScaledMatmulOp replacement = parts.create(rewriter, matmul.getLoc());
    rewriter.replaceOp(op, replacement.getAmax());
    replaceScaledMatmul(rewriter, matmul, replacement);
    return success();
  }
};

/// addf(scaled_matmul(...) : f32, b) -> scaled_matmul(...) bias(b): the f32
/// result used only by the add, no output quantization and no used amax
/// (both come after the bias). A `b` broadcast from [N] along the other
/// dimensions becomes an [N] bias, an extf of f16 / bf16 its source; the op
/// adds its bias to the f32 result in f32 exactly as the addf did. An op
/// that already has a bias folds a second only with `allow-reassociation`
/// ((D + b1) + b2 becomes D + (b1 + b2)).
struct FoldBiasAddIntoScaledMatmul : OpRewritePattern<arith::AddFOp> {
  FoldBiasAddIntoScaledMatmul(MLIRContext *context, bool allowReassociation)
      : OpRewritePattern(context), allowReassociation(allowReassociation) {}

  LogicalResult matchAndRewrite(arith::AddFOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getFastmath() != arith::FastMathFlags::none)
      return rewriter.notifyMatchFailure(op, "has fast-math flags");
    auto [matmul, bias] = getSoleF32ProducerOperand(op);
    if (!matmul)
      return rewriter.notifyMatchFailure(
          op, "no operand is the sole use of an f32 fp8.scaled_matmul result");
    if (hasUsedAmax(matmul))
      return rewriter.notifyMatchFailure(op, "the op's amax would change");
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    // An [N] bias broadcast along every other dimension.
    if (auto broadcast = bias.getDefiningOp<linalg::BroadcastOp>()) {
      int64_t rank = resultType.getRank();
      if (broadcast.getInput().getType().getRank() == 1 &&
          llvm::equal(broadcast.getDimensions(),
                      llvm::seq<int64_t>(0, rank - 1)))
        bias = broadcast.getInput();
    }
    if (auto extf = bias.getDefiningOp<arith::ExtFOp>())
      if (isa<RankedTensorType>(extf.getIn().getType()))
        bias = extf.getIn();
    ScaledMatmulParts parts(matmul);
    if (Value oldBias = matmul.getBias()) {
      if (!allowReassociation)
        return rewriter.notifyMatchFailure(
            op, "the op has a bias already (folding a second one "
                "reassociates; see allow-reassociation)");
      if (oldBias.getType() != bias.getType())
        return rewriter.notifyMatchFailure(op, "the biases differ in type");
      bias = arith::AddFOp::create(rewriter, loc, oldBias, bias);
    }
    parts.bias = bias;
    replaceEpilogue(rewriter, op, matmul, parts.create(rewriter, loc));
    return success();
  }

  bool allowReassociation;
};

/// scaled_matmul(lhs, transpose(x)) -> scaled_matmul(lhs, x) with
/// rhs_transposed toggled: a linalg.transpose that swaps the two innermost
/// dimensions of the rhs. A block scale is transposed with it (its producing
/// transpose folded, or a transpose of the small scale tensor). Only the
/// layout of the rhs changes; every product and sum is the same.
struct FoldTransposeIntoScaledMatmul : OpRewritePattern<ScaledMatmulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    auto transpose = op.getRhs().getDefiningOp<linalg::TransposeOp>();
    if (!transpose)
      return rewriter.notifyMatchFailure(op, "rhs is not linalg.transpose");
    ArrayRef<int64_t> permutation = transpose.getPermutation();
    int64_t rank = permutation.size();
    if (permutation != ArrayRef<int64_t>(getInnermostSwap(rank)))
      return rewriter.notifyMatchFailure(
          op, "the transpose does not just swap the two innermost dimensions");
    Value scale = op.getRhsScale();
    DenseI64ArrayAttr block = op.getRhsBlockAttr();
    if (block) {
      SmallVector<int64_t> swapped(block.asArrayRef());
      std::swap(swapped[rank - 1], swapped[rank - 2]);
      block = rewriter.getDenseI64ArrayAttr(swapped);
      auto scaleTranspose = scale.getDefiningOp<linalg::TransposeOp>();
      if (scaleTranspose && scaleTranspose.getPermutation() == permutation) {
        scale = scaleTranspose.getInput();
      } else {
        if (!cast<RankedTensorType>(scale.getType()).hasStaticShape())
          return rewriter.notifyMatchFailure(op, "dynamic scale shape");
        scale = createTranspose(rewriter, op.getLoc(), scale, permutation);
      }
    }
    rewriter.modifyOpInPlace(op, [&] {
      op.getRhsMutable().assign(transpose.getInput());
      op.getRhsScaleMutable().assign(scale);
      op.setRhsBlockAttr(block);
      op.setRhsTransposed(!op.getRhsTransposed());
    });
    return success();
  }
};

/// mulf(scaled_matmul(...) : f32, c) -> scaled_matmul(...) with c folded
/// into the lhs scale (c uniform along N: a scalar or per-row multiplier) or
/// the rhs scale (c uniform along M: per column), the f32 result used only
/// by the multiply, no bias, no output quantization, no used amax.
///
/// Exact (default) where scaling by c commutes with every f32 rounding of
/// the op: every c and every lhs / rhs scale (before and after) is a
/// constant positive power of two, K is static, every dequantized value and
/// every product is a multiple of 2^-149 (so subnormal results are exact)
/// and K * max|lhs| * max|rhs| <= 2^127 before and after (no overflow).
/// Then each dequantization, product, partial sum (FMA or not) and the final
/// multiply round the exactly scaled value, and rounding commutes with
/// power-of-two scaling away from overflow and subnormal loss. With
/// `allow-reassociation`, any constant positive finite c folds (rounded
/// scales), and splat c folds into a non-constant f32 scale.
struct FoldMultiplyIntoScaledMatmul : OpRewritePattern<arith::MulFOp> {
  FoldMultiplyIntoScaledMatmul(MLIRContext *context, bool allowReassociation)
      : OpRewritePattern(context), allowReassociation(allowReassociation) {}

  LogicalResult matchAndRewrite(arith::MulFOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getFastmath() != arith::FastMathFlags::none)
      return rewriter.notifyMatchFailure(op, "has fast-math flags");
    auto [matmul, multiplierValue] = getSoleF32ProducerOperand(op);
    if (!matmul)
      return rewriter.notifyMatchFailure(
          op, "no operand is the sole use of an f32 fp8.scaled_matmul result");
    if (matmul.getBias() || hasUsedAmax(matmul))
      return rewriter.notifyMatchFailure(op, "the op has a bias or used amax");
    std::optional<ConstantFloats> multiplier =
        getConstantFloats(multiplierValue);
    if (!multiplier)
      return rewriter.notifyMatchFailure(op, "the multiplier is not constant");
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic result shape");
    ArrayRef<int64_t> resultShape = resultType.getShape();
    int64_t rank = resultShape.size();
    for (double c : multiplier->values)
      if (!(c > 0 && std::isfinite(c)))
        return rewriter.notifyMatchFailure(
            op, "a multiplier is not positive and finite");

    // Which side takes the multiplier: it must be uniform along N (lhs) or M
    // (rhs).
    SmallVector<bool> varies = getVaryingDims(*multiplier, resultShape);
    bool toLhs = !varies[rank - 1];
    if (!toLhs && varies[rank - 2])
      return rewriter.notifyMatchFailure(
          op, "the multiplier varies along both M and N");
    Value operand = toLhs ? matmul.getLhs() : matmul.getRhs();
    Value scaleValue = toLhs ? matmul.getLhsScale() : matmul.getRhsScale();
    std::optional<ArrayRef<int64_t>> block =
        toLhs ? matmul.getLhsBlock() : matmul.getRhsBlock();
    auto operandType = cast<RankedTensorType>(operand.getType());
    if (!operandType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "dynamic operand shape");
    ArrayRef<int64_t> shape = operandType.getShape();
    // Operand dimension of the result's M (lhs) or N (rhs), and of K.
    bool transposed = matmul.getRhsTransposed();
    int64_t mnDim = toLhs ? rank - 2 : (transposed ? rank - 2 : rank - 1);
    int64_t resultDim = toLhs ? rank - 2 : rank - 1;
    SmallVector<bool> operandVaries(rank, false);
    for (int64_t d = 0; d < rank - 2; ++d)
      operandVaries[d] = varies[d];
    operandVaries[mnDim] = varies[resultDim];
    auto multiplierAt = [&](ArrayRef<int64_t> index) {
      SmallVector<int64_t> at(rank, 0);
      for (int64_t d = 0; d < rank - 2; ++d)
        at[d] = index[d];
      at[resultDim] = index[mnDim];
      return multiplier->at(at, resultShape);
    };

    Location loc = op.getLoc();
    Type scaleElement = getElementTypeOrSelf(scaleValue.getType());
    std::optional<ConstantFloats> scale = getConstantFloats(scaleValue);
    Value newScale;
    DenseI64ArrayAttr newBlock;
    if (scale) {
      std::optional<ScaledScale> scaled =
          scaleScale(*scale, block, shape, operandVaries, multiplierAt,
                     [&](double product) -> std::optional<double> {
                       if (std::optional<APFloat> exact =
                               getExactly(product, scaleElement))
                         return product;
                       if (!allowReassociation || !scaleElement.isF32())
                         return std::nullopt;
                       return static_cast<double>(static_cast<float>(product));
                     });
      if (!scaled)
        return rewriter.notifyMatchFailure(
            op, "a new scale is not exact in the scale type");
      if (!allowReassociation &&
          !isExactlyScalable(matmul, toLhs, *scale, *scaled, *multiplier))
        return rewriter.notifyMatchFailure(
            op, "scaling by the multiplier does not provably commute with "
                "the op's f32 rounding (see allow-reassociation)");
      newScale = createScale(rewriter, loc, scaleValue.getType(), *scaled);
      newBlock = getBlockAttr(rewriter, scaled->block);
    } else {
      if (!allowReassociation)
        return rewriter.notifyMatchFailure(
            op, "the scale is not constant: exactness cannot be shown (see "
                "allow-reassociation)");
      if (!multiplier->splat || !scaleElement.isF32())
        return rewriter.notifyMatchFailure(
            op, "a non-constant scale takes only a splat multiplier, in f32");
      Type type = scaleValue.getType();
      if (auto shaped = dyn_cast<ShapedType>(type);
          shaped && !shaped.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "dynamic scale shape");
      Value c = arith::ConstantOp::create(
          rewriter, loc, makeFloatAttr(type, {(*multiplier)[0]}));
      newScale = arith::MulFOp::create(rewriter, loc, scaleValue, c);
      newBlock = toLhs ? matmul.getLhsBlockAttr() : matmul.getRhsBlockAttr();
    }
    ScaledMatmulParts parts(matmul);
    (toLhs ? parts.lhsScale : parts.rhsScale) = newScale;
    (toLhs ? parts.lhsBlock : parts.rhsBlock) = newBlock;
    replaceEpilogue(rewriter, op, matmul, parts.create(rewriter, loc));
    return success();
  }

  /// The range argument above, for constant scales.
  static bool isExactlyScalable(ScaledMatmulOp op, bool toLhs,
                                const ConstantFloats &scale,
                                const ScaledScale &scaled,
                                const ConstantFloats &multiplier) {
    for (double c : multiplier.values)
      if (!isNormalPowerOfTwo(c))
        return false;
    std::optional<ConstantFloats> otherScale =
        getConstantFloats(toLhs ? op.getRhsScale() : op.getLhsScale());
    if (!otherScale)
      return false;
    auto range = [](ArrayRef<double> values)
        -> std::optional<std::pair<double, double>> {
      double lo = INFINITY, hi = 0;
      for (double v : values) {
        if (!isNormalPowerOfTwo(v))
          return std::nullopt;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      return std::make_pair(lo, hi);
    };
    auto before = range(scale.values), after = range(scaled.values),
         other = range(otherScale->values);
    if (!before || !after || !other)
      return false;
    auto info = [](Value v) {
      return ::fp8::getFormatInfo(
          *getFormat(getElementTypeOrSelf(v.getType())));
    };
    const ::fp8::FormatInfo &self = info(toLhs ? op.getLhs() : op.getRhs());
    const ::fp8::FormatInfo &peer = info(toLhs ? op.getRhs() : op.getLhs());
    auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
    int64_t k = lhsType.getShape().back();
    if (ShapedType::isDynamic(k))
      return false;
    const double smallest = std::ldexp(1.0, -149);
    const double largest = std::ldexp(1.0, 127);
    double peerGrain = peer.minSubnormal * other->first;
    double peerMax = peer.maxFinite * other->second;
    if (peerMax > largest)
      return false;
    for (auto [lo, hi] : {*before, *after}) {
      double grain = self.minSubnormal * lo;
      if (grain < smallest || peerGrain < smallest ||
          grain * peerGrain < smallest)
        return false;
      if (self.maxFinite * hi > largest ||
          static_cast<double>(k) * self.maxFinite * hi * peerMax > largest)
        return false;
    }
    return true;
  }

  bool allowReassociation;
};

} // namespace

void mlir::fp8::populateFP8ScaledMatmulFoldPatterns(RewritePatternSet &patterns,
                                                    bool allowReassociation) {
  MLIRContext *context = patterns.getContext();
  patterns.add<FoldQuantizeIntoScaledMatmul, FoldAmaxIntoScaledMatmul,
               FoldTransposeIntoScaledMatmul>(context);
  patterns.add<FoldBiasAddIntoScaledMatmul, FoldMultiplyIntoScaledMatmul>(
      context, allowReassociation);
}
