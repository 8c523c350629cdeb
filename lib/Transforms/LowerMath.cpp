//===- LowerMath.cpp - Math ops to code every CPU target vectorizes -------===//

#include "fp8/Transforms/Passes.h"
#include "fp8/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

#include <limits>

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8LOWERMATHPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

bool mlir::fp8::isApproximatedMathOp(StringRef opName) {
  // Checked over a grid of every magnitude and the special values against
  // an f64 reference (test/python/test_math_lowering.py). Not sin and cos
  // (wrong, even infinite, beyond |x| ~ 1e5), atan and atan2 (40 ulp), erfc
  // (subnormal results flush to 0) nor cbrt (cbrt(inf) is NaN): LLVM's
  // intrinsics or libm compute those.
  return llvm::is_contained(
      {math::AcosOp::getOperationName(), math::AsinOp::getOperationName(),
       math::ErfOp::getOperationName(), math::ExpOp::getOperationName(),
       math::ExpM1Op::getOperationName(), math::LogOp::getOperationName(),
       math::Log1pOp::getOperationName(), math::Log2Op::getOperationName(),
       math::TanhOp::getOperationName()},
      opName);
}

/// `type` with its (scalar or vector) element type replaced by `element`.
static Type withElementType(Type type, Type element) {
  if (auto vector = dyn_cast<VectorType>(type))
    return vector.clone(element);
  return element;
}

/// `value` as an f32 scalar or splat vector constant of `type`.
static Value createF32Constant(RewriterBase &rewriter, Location loc, Type type,
                               double value) {
  return createScalarOrSplatConstant(rewriter, loc, type,
                                     APFloat(static_cast<float>(value)));
}

/// Upstream's f32 exp approximation scales by 2^k through the exponent bits,
/// so results below the smallest normal float flush to 0. Below ln(2^-126),
/// exp(x) = exp(x / 2)^2 brings them back: one approximation of a normal
/// value, then one rounding into the subnormals.
static void extendExpToSubnormalResults(RewriterBase &rewriter,
                                        math::ExpOp op) {
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Type type = op.getType();
  auto constant = [&](double value) {
    return createF32Constant(rewriter, loc, type, value);
  };
  Value x = op.getOperand();
  Value isSubnormal =
      arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT, x,
                            constant(-126.0 * llvm::numbers::ln2));
  Value argument = arith::SelectOp::create(
      rewriter, loc, isSubnormal,
      arith::MulFOp::create(rewriter, loc, x, constant(0.5)), x);
  Value exp =
      math::ExpOp::create(rewriter, loc, argument, op.getFastmathAttr());
  Value square = arith::MulFOp::create(rewriter, loc, exp, exp);
  rewriter.replaceOpWithNewOp<arith::SelectOp>(op, isSubnormal, square, exp);
}

/// Upstream's f32 log and log2 approximations read the exponent bits, which
/// are wrong for subnormal inputs: these are scaled by 2^23 first, and
/// log(x) = log(x * 2^23) - 23 log(2) (`logOf2`: ln 2, or 1 for log2). Zero,
/// negative and NaN inputs keep their results (-inf, NaN).
template <typename LogOp>
static void extendLogToSubnormalInputs(RewriterBase &rewriter, LogOp op,
                                       double logOf2) {
  rewriter.setInsertionPoint(op);
  Location loc = op.getLoc();
  Type type = op.getType();
  auto constant = [&](double value) {
    return createF32Constant(rewriter, loc, type, value);
  };
  Value x = op.getOperand();
  Value isSubnormal =
      arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OLT, x,
                            constant(std::numeric_limits<float>::min()));
  Value argument = arith::SelectOp::create(
      rewriter, loc, isSubnormal,
      arith::MulFOp::create(rewriter, loc, x, constant(0x1p23)), x);
  Value log = LogOp::create(rewriter, loc, argument, op.getFastmathAttr());
  Value shifted =
      arith::SubFOp::create(rewriter, loc, log, constant(23.0 * logOf2));
  rewriter.replaceOpWithNewOp<arith::SelectOp>(op, isSubnormal, shifted, log);
}

namespace {

/// fpowi(x, n) for an `n` that is not a constant integer: |x|^n through
/// `math.powf` (libm's powf or pow, exact on integral exponents), with the
/// sign of x where n is odd. Upstream's expansion, powf(x, sitofp(n)), takes
/// its sign from the parity of the rounded exponent, wrong for odd |n| >=
/// 2^24. Floats narrower than f32 are computed in f32.
struct NonConstantFPowIToPowF : OpRewritePattern<math::FPowIOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::FPowIOp op,
                                PatternRewriter &rewriter) const override {
    APInt exponentValue;
    if (matchPattern(op.getRhs(), m_ConstantInt(&exponentValue)))
      return rewriter.notifyMatchFailure(
          op, "constant exponent: multiplications are exact");
    Type type = op.getType();
    if (isa<ShapedType>(type) && !isa<VectorType>(type))
      return rewriter.notifyMatchFailure(op, "not a scalar or a vector");
    auto elementType = cast<FloatType>(getElementTypeOrSelf(type));

    Location loc = op.getLoc();
    Value base = op.getLhs();
    Type computeType = type;
    if (elementType.getWidth() < 32) {
      computeType = withElementType(type, rewriter.getF32Type());
      base = arith::ExtFOp::create(rewriter, loc, computeType, base);
    }
    Value exponent = op.getRhs();
    Value magnitude = math::PowFOp::create(
        rewriter, loc, math::AbsFOp::create(rewriter, loc, base),
        arith::SIToFPOp::create(rewriter, loc, computeType, exponent));

    Value isOdd = exponent;
    if (getElementTypeOrSelf(exponent).getIntOrFloatBitWidth() > 1)
      isOdd = arith::TruncIOp::create(
          rewriter, loc,
          withElementType(exponent.getType(), rewriter.getI1Type()), exponent);
    Value result = arith::SelectOp::create(
        rewriter, loc, isOdd,
        math::CopySignOp::create(rewriter, loc, magnitude, base), magnitude);
    if (computeType != type)
      result = arith::TruncFOp::create(rewriter, loc, type, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct FP8LowerMathPass
    : mlir::fp8::impl::FP8LowerMathPassBase<FP8LowerMathPass> {
  using FP8LowerMathPassBase::FP8LowerMathPassBase;

  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet simplifications(context);
    populateMathAlgebraicSimplificationPatterns(simplifications);
    algebraicSimplifications = std::move(simplifications);

    RewritePatternSet extensions(context);
    populateMathF32ExpansionPatterns(extensions, fp8::isApproximatedMathOp);
    extensionsToF32 = std::move(extensions);

    RewritePatternSet lowerings(context);
    // Preferred to upstream's fpowi expansion, which keeps the constant
    // exponents.
    fp8::populateNonConstantFPowIToPowFPatterns(lowerings);
    math::populateExpansionPatterns(lowerings, {"fpowi"});
    populateMathPolynomialApproximationPatterns(lowerings,
                                                fp8::isApproximatedMathOp);
    this->lowerings = std::move(lowerings);
    return success();
  }

  void runOnOperation() override {
    rewriteMathOps(algebraicSimplifications);
    // The approximations are f32 only, and the subnormal fixes wrap the f32
    // ops: narrower floats first become f32.
    rewriteMathOps(extensionsToF32);
    IRRewriter rewriter(&getContext());
    for (Operation *op : collectMathOps()) {
      if (op->getNumResults() != 1 ||
          !getElementTypeOrSelf(op->getResult(0)).isF32() ||
          !fp8::isApproximatedMathOp(op->getName().getStringRef()))
        continue;
      if (auto exp = dyn_cast<math::ExpOp>(op))
        extendExpToSubnormalResults(rewriter, exp);
      else if (auto log = dyn_cast<math::LogOp>(op))
        extendLogToSubnormalInputs(rewriter, log, llvm::numbers::ln2);
      else if (auto log2 = dyn_cast<math::Log2Op>(op))
        extendLogToSubnormalInputs(rewriter, log2, 1.0);
    }
    rewriteMathOps(lowerings);
  }

private:
  /// The math ops on scalars and vectors: upstream's rewrites build their
  /// constants as scalars or vectors, which would not type-check against a
  /// tensor.
  SmallVector<Operation *> collectMathOps() {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (!isa_and_present<math::MathDialect>(op->getDialect()))
        return;
      auto isScalarOrVector = [](Type type) {
        return !isa<ShapedType>(type) || isa<VectorType>(type);
      };
      if (llvm::all_of(op->getOperandTypes(), isScalarOrVector) &&
          llvm::all_of(op->getResultTypes(), isScalarOrVector))
        ops.push_back(op);
    });
    return ops;
  }

  /// Applies `patterns` to the math ops on scalars and vectors and to what
  /// they become.
  void rewriteMathOps(const FrozenRewritePatternSet &patterns) {
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    // Convergence is not required: a math op no pattern applies to stays.
    (void)applyOpPatternsGreedily(collectMathOps(), patterns, config);
  }

  FrozenRewritePatternSet algebraicSimplifications;
  FrozenRewritePatternSet extensionsToF32;
  FrozenRewritePatternSet lowerings;
};

} // namespace

void mlir::fp8::populateNonConstantFPowIToPowFPatterns(
    RewritePatternSet &patterns) {
  patterns.add<NonConstantFPowIToPowF>(patterns.getContext(),
                                       /*benefit=*/2);
}
