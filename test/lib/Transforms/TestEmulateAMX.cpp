//===- TestEmulateAMX.cpp - AMX tile ops as vector code, for tests --------===//
//
// `test-fp8-emulate-amx` rewrites the amx dialect's tile ops into vector ops
// with the same results (up to the order of the f32 additions), so that the
// AMX scaled-matmul kernel's packing, tiling and scaling can be run and
// checked on CPUs without AMX. Tiles become vectors of the same shape; a
// `tile_mulf` of bf16 tiles A (16 x 2p) and B (p x 2n, VNNI pairs along K)
// becomes C[m][n] += sum_{k, q} A[m][k][q] * B[k][n][q] in f32, a
// `vector.contract`.
//
//===----------------------------------------------------------------------===//

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/Transforms/Patterns.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace {

VectorType toVector(amx::TileType type) {
  return VectorType::get(type.getShape(), type.getElementType());
}

struct ZeroToVector : OpConversionPattern<amx::TileZeroOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(amx::TileZeroOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    VectorType type = toVector(op.getTileType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, type,
        DenseElementsAttr::get(type,
                               rewriter.getZeroAttr(type.getElementType())));
    return success();
  }
};

struct LoadToVector : OpConversionPattern<amx::TileLoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(amx::TileLoadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getStride())
      return rewriter.notifyMatchFailure(op, "explicit stride");
    VectorType type = toVector(op.getTileType());
    Value padding = arith::ConstantOp::create(
        rewriter, op.getLoc(), rewriter.getZeroAttr(type.getElementType()));
    rewriter.replaceOpWithNewOp<vector::TransferReadOp>(
        op, type, adaptor.getBase(), adaptor.getIndices(), padding,
        ArrayRef<bool>{true, true});
    return success();
  }
};

struct StoreToVector : OpConversionPattern<amx::TileStoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(amx::TileStoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (op.getStride())
      return rewriter.notifyMatchFailure(op, "explicit stride");
    rewriter.replaceOpWithNewOp<vector::TransferWriteOp>(
        op, adaptor.getVal(), adaptor.getBase(), adaptor.getIndices(),
        ArrayRef<bool>{true, true});
    return success();
  }
};

struct MulFToVector : OpConversionPattern<amx::TileMulFOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(amx::TileMulFOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto lhsType = cast<amx::TileType>(op.getLhs().getType());
    auto rhsType = cast<amx::TileType>(op.getRhs().getType());
    int64_t m = lhsType.getDimSize(0), pairs = lhsType.getDimSize(1) / 2;
    int64_t n = rhsType.getDimSize(1) / 2;
    Type f32 = rewriter.getF32Type();
    auto widen = [&](Value tile, ArrayRef<int64_t> shape) -> Value {
      auto type = cast<VectorType>(tile.getType());
      Value wide = arith::ExtFOp::create(rewriter, loc, type.clone(f32), tile);
      return vector::ShapeCastOp::create(rewriter, loc,
                                         VectorType::get(shape, f32), wide);
    };
    Value lhs = widen(adaptor.getLhs(), {m, pairs, 2});
    Value rhs = widen(adaptor.getRhs(), {pairs, n, 2});
    MLIRContext *context = rewriter.getContext();
    AffineExpr dm, dn, dk, dq;
    bindDims(context, dm, dn, dk, dq);
    SmallVector<AffineMap> maps = {AffineMap::get(4, 0, {dm, dk, dq}, context),
                                   AffineMap::get(4, 0, {dk, dn, dq}, context),
                                   AffineMap::get(4, 0, {dm, dn}, context)};
    auto parallel =
        vector::IteratorTypeAttr::get(context, vector::IteratorType::parallel);
    auto reduction =
        vector::IteratorTypeAttr::get(context, vector::IteratorType::reduction);
    rewriter.replaceOpWithNewOp<vector::ContractionOp>(
        op, lhs, rhs, adaptor.getAcc(), rewriter.getAffineMapArrayAttr(maps),
        rewriter.getArrayAttr({parallel, parallel, reduction, reduction}));
    return success();
  }
};

struct TestEmulateAMXPass
    : PassWrapper<TestEmulateAMXPass, OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(TestEmulateAMXPass)

  StringRef getArgument() const final { return "test-fp8-emulate-amx"; }
  StringRef getDescription() const final {
    return "Rewrite AMX tile ops into equivalent vector ops (tests only)";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<arith::ArithDialect, vector::VectorDialect>();
  }

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    TypeConverter converter;
    converter.addConversion([](Type type) { return type; });
    converter.addConversion(
        [](amx::TileType type) -> Type { return toVector(type); });
    ConversionTarget target(*context);
    target.addIllegalDialect<amx::AMXDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(context);
    patterns.add<ZeroToVector, LoadToVector, StoreToVector, MulFToVector>(
        converter, context);
    scf::populateSCFStructuralTypeConversionsAndLegality(converter, patterns,
                                                         target);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

namespace mlir::fp8::test {
void registerTestEmulateAMXPass() { PassRegistration<TestEmulateAMXPass>(); }
} // namespace mlir::fp8::test
