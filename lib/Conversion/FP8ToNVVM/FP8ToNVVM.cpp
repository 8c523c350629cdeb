//===- FP8ToNVVM.cpp - Lower fp8 conversions in GPU code to NVVM ----------===//

#include "fp8/Conversion/FP8ToNVVM/FP8ToNVVM.h"

#include "fp8/Conversion/FP8ToLLVM/FP8ToLLVM.h"
#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Conversion/LLVMCommon/ConversionTarget.h"
#include "mlir/Conversion/LLVMCommon/TypeConverter.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_CONVERTFP8TONVVMPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

namespace {

struct ConvertFP8ToNVVMPass
    : mlir::fp8::impl::ConvertFP8ToNVVMPassBase<ConvertFP8ToNVVMPass> {
  using Base::Base;

  void runOnOperation() override {
    if (!chip.isGPU()) {
      getOperation()->emitError()
          << "convert-fp8-to-nvvm: '" << chip.getValue().str()
          << "' is not a GPU chip (expected " << Target::kGPUSpellings << ")";
      return signalPassFailure();
    }
    MLIRContext *context = &getContext();
    Operation *root = getOperation();

    WalkResult unsupported = root->walk([](Operation *op) {
      if (!isUnloweredNarrowConversion(op))
        return WalkResult::advance();
      if (isa<ScaledMatmulOp>(op)) {
        op->emitOpError("is lowered to a GPU kernel by "
                        "convert-fp8-matmul-to-gpu, not by "
                        "convert-fp8-to-nvvm");
        return WalkResult::interrupt();
      }
      if (llvm::any_of(op->getOperandTypes(), llvm::IsaPred<TensorType>) ||
          llvm::any_of(op->getResultTypes(), llvm::IsaPred<TensorType>)) {
        op->emitOpError("operates on tensors and cannot be lowered to NVVM "
                        "directly: map it to GPU threads first "
                        "(fp8-gpu-pipeline does)");
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (unsupported.wasInterrupted())
      return signalPassFailure();

    LLVMTypeConverter converter(context);
    RewritePatternSet patterns(context);
    populateFP8ToNVVMConversionPatterns(converter, patterns, chip.getGPU());
    if (failed(
            applyNarrowConversionLowering(root, std::move(patterns), "NVVM")))
      signalPassFailure();
  }
};

} // namespace

void mlir::fp8::populateFP8ToNVVMConversionPatterns(
    LLVMTypeConverter &converter, RewritePatternSet &patterns,
    const GPUChip &chip) {
  populateFP8HardwareConversionPatterns(patterns, chip);
  populateFP8ToLLVMConversionPatterns(converter, patterns);
}
