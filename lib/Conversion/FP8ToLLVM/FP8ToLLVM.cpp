//===- FP8ToLLVM.cpp - Lower the fp8 dialect to LLVM ----------------------===//

#include "fp8/Conversion/FP8ToLLVM/FP8ToLLVM.h"

#include "fp8/Conversion/FP8ToCPU/FP8ToCPU.h"
#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"
#include "mlir/Conversion/ConvertToLLVM/ToLLVMInterface.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/Pattern.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_CONVERTFP8TOLLVMPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

/// An arith.bitcast to or from a narrow float (fp8-expand wraps its codes
/// in them): the lowering's to remove, as the types it casts between become
/// integers.
static bool isNarrowFloatBitcast(Operation *op) {
  return isa<arith::BitcastOp>(op) &&
         (isNarrowFloat(getElementTypeOrSelf(op->getOperand(0))) ||
          isNarrowFloat(getElementTypeOrSelf(op->getResult(0))));
}

bool mlir::fp8::isUnloweredNarrowConversion(Operation *op) {
  return isa<FP8Dialect>(op->getDialect()) || isArithNarrowFloatCast(op) ||
         isNarrowFloatBitcast(op);
}

LogicalResult mlir::fp8::applyNarrowConversionLowering(
    Operation *root, RewritePatternSet &&patterns, StringRef targetName) {
  LLVMConversionTarget target(*root->getContext());
  target.markUnknownOpDynamicallyLegal(
      [](Operation *op) { return !isUnloweredNarrowConversion(op); });
  if (failed(applyPartialConversion(root, target, std::move(patterns))))
    return failure();
  // Casts between a narrow type and its i8 that meet their inverse go away,
  // so that no conversion cast is left where both sides were lowered.
  SmallVector<UnrealizedConversionCastOp> casts;
  root->walk([&](UnrealizedConversionCastOp cast) { casts.push_back(cast); });
  reconcileUnrealizedCasts(casts);
  WalkResult leftOver = root->walk([&](Operation *op) {
    if (!isUnloweredNarrowConversion(op))
      return WalkResult::advance();
    op->emitOpError("could not be lowered to ") << targetName;
    return WalkResult::interrupt();
  });
  return failure(leftOver.wasInterrupted());
}

namespace {

/// fp8.bitcast, and arith.bitcast to or from a narrow float: both sides are
/// integers of one width once narrow floats and HiF8 are converted, so it
/// usually vanishes.
template <typename BitcastOpTy>
struct BitcastOpLowering : ConvertOpToLLVMPattern<BitcastOpTy> {
  using ConvertOpToLLVMPattern<BitcastOpTy>::ConvertOpToLLVMPattern;
  using OpAdaptor = typename BitcastOpTy::Adaptor;

  LogicalResult
  matchAndRewrite(BitcastOpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<TensorType>(op.getType()))
      return rewriter.notifyMatchFailure(op, "operates on tensors");
    if (isa<arith::BitcastOp>(op) && !isNarrowFloatBitcast(op))
      return rewriter.notifyMatchFailure(op, "no narrow float involved");
    Type resultType = this->getTypeConverter()->convertType(op.getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    Value in = adaptor.getOperands().front();
    if (in.getType() == resultType)
      rewriter.replaceOp(op, in);
    else
      rewriter.replaceOpWithNewOp<LLVM::BitcastOp>(op, resultType, in);
    return success();
  }
};

struct FP8ToLLVMDialectInterface : ConvertToLLVMPatternInterface {
  using ConvertToLLVMPatternInterface::ConvertToLLVMPatternInterface;

  void loadDependentDialects(MLIRContext *context) const final {
    context->loadDialect<arith::ArithDialect, math::MathDialect,
                         vector::VectorDialect>();
  }

  void populateConvertToLLVMConversionPatterns(
      ConversionTarget &target, LLVMTypeConverter &converter,
      RewritePatternSet &patterns) const final {
    populateFP8ToLLVMConversionPatterns(converter, patterns);
  }
};

struct ConvertFP8ToLLVMPass
    : mlir::fp8::impl::ConvertFP8ToLLVMPassBase<ConvertFP8ToLLVMPass> {
  using ConvertFP8ToLLVMPassBase::ConvertFP8ToLLVMPassBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    Operation *root = getOperation();

    // Tensors have to become vectors and loops first: say so, naming the op.
    WalkResult onTensors = root->walk([](Operation *op) {
      if (!isUnloweredNarrowConversion(op) ||
          (llvm::none_of(op->getOperandTypes(), llvm::IsaPred<TensorType>) &&
           llvm::none_of(op->getResultTypes(), llvm::IsaPred<TensorType>)))
        return WalkResult::advance();
      op->emitOpError("operates on tensors and cannot be lowered to LLVM "
                      "directly: bufferize and vectorize it first "
                      "(fp8-cpu-pipeline does)");
      return WalkResult::interrupt();
    });
    if (onTensors.wasInterrupted())
      return signalPassFailure();

    LLVMTypeConverter converter(context);
    RewritePatternSet patterns(context);
    populateFP8ToLLVMConversionPatterns(converter, patterns,
                                        getCPUEmitterOptions(target));
    if (failed(
            applyNarrowConversionLowering(root, std::move(patterns), "LLVM")))
      signalPassFailure();
  }
};

} // namespace

void mlir::fp8::populateFP8TypeConversions(TypeConverter &converter) {
  converter.addConversion([](HiF8Type type) -> Type {
    return IntegerType::get(type.getContext(), 8);
  });
}

void mlir::fp8::populateFP8ToLLVMConversionPatterns(
    LLVMTypeConverter &converter, RewritePatternSet &patterns,
    const EmitterOptions &emitter) {
  populateFP8TypeConversions(converter);
  patterns
      .add<BitcastOpLowering<BitcastOp>, BitcastOpLowering<arith::BitcastOp>>(
          converter);
  populateFP8ExpandOpsPatterns(patterns, emitter);
  populateArithNarrowFloatExpandPatterns(patterns, emitter);
}

void mlir::fp8::registerConvertFP8ToLLVMInterface(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, FP8Dialect *dialect) {
    dialect->addInterfaces<FP8ToLLVMDialectInterface>();
  });
}
