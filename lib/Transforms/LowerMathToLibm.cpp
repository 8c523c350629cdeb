//===- LowerMathToLibm.cpp - Math ops LLVM cannot lower to libm calls -----===//

#include "fp8/Transforms/Passes.h"

#include "mlir/Conversion/MathToLibm/MathToLibm.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8LOWERMATHTOLIBMPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

namespace {

struct FP8LowerMathToLibmPass
    : mlir::fp8::impl::FP8LowerMathToLibmPassBase<FP8LowerMathToLibmPass> {
  using FP8LowerMathToLibmPassBase::FP8LowerMathToLibmPassBase;

  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet libmCalls(context);
    populateMathToLibmConversionPatterns(libmCalls);
    patterns = std::move(libmCalls);
    return success();
  }

  void runOnOperation() override {
    // No LLVM intrinsic (erf, ...), or convert-math-to-llvm's lowering is
    // inaccurate near 0 (expm1, log1p).
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<math::AcoshOp, math::AsinhOp, math::AtanhOp, math::CbrtOp,
              math::ErfOp, math::ErfcOp, math::ExpM1Op, math::Log1pOp>(op))
        ops.push_back(op);
    });
    // The scalar ops that vectors unroll into are new ops: they become
    // calls too. An op of a type libm has no function for stays, and
    // fp8-verify-lowered-to-llvm reports it.
    GreedyRewriteConfig config;
    config.setStrictness(GreedyRewriteStrictness::ExistingAndNewOps);
    (void)applyOpPatternsGreedily(ops, patterns, config);
  }

private:
  FrozenRewritePatternSet patterns;
};

} // namespace
