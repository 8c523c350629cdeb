//===- VerifyLoweredToLLVM.cpp - Fail on what did not reach LLVM ----------===//

#include "fp8/Transforms/Passes.h"
#include "fp8/Transforms/Transforms.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMTypes.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/LLVMIR/ROCDLDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8VERIFYLOWEREDTOLLVMPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

/// Ops that translate one to one into LLVM IR: the LLVM dialect and the
/// dialects of target intrinsics.
static bool isLLVMOp(Operation *op) {
  return isa_and_present<LLVM::LLVMDialect, NVVM::NVVMDialect,
                         ROCDL::ROCDLDialect>(op->getDialect());
}

/// OpenMP ops (the threads of fp8-cpu-pipeline) translate into calls to the
/// OpenMP runtime once their values are LLVM values (convert-to-llvm).
static bool isLoweredOpenMPOp(Operation *op) {
  if (!isa_and_present<omp::OpenMPDialect>(op->getDialect()))
    return false;
  auto isLLVMType = [](Type type) { return LLVM::isCompatibleType(type); };
  for (Region &region : op->getRegions())
    for (Block &block : region)
      if (!llvm::all_of(block.getArgumentTypes(), isLLVMType))
        return false;
  return llvm::all_of(op->getOperandTypes(), isLLVMType) &&
         llvm::all_of(op->getResultTypes(), isLLVMType);
}

/// A type LLVM IR has no counterpart for: a float it does not have, or a
/// type of a dialect other than builtin and LLVM (`!fp8.hif8`).
static bool isUnrepresentableType(Type type) {
  if (isa<FloatType>(type))
    return !isa<Float16Type, BFloat16Type, Float32Type, Float64Type,
                Float80Type, Float128Type>(type);
  return !isa<BuiltinDialect, LLVM::LLVMDialect>(type.getDialect());
}

/// The first type, in `op`'s operands, results and block arguments (and the
/// types nested in them), that LLVM IR cannot represent: the LLVM dialect
/// accepts vectors of narrow floats, which translation cannot take. Not in
/// attributes: a dense constant of fp8 values is translated as its bytes
/// (convert-to-llvm makes such globals of fp8 constants), and intrinsic ops
/// name formats in attributes (`nvvm.convert.f32x2.to.f8x2 {dstTy =
/// f8E4M3FN}`).
static Type findUnrepresentableType(Operation *op) {
  Type found;
  auto check = [&](Type type) {
    if (isUnrepresentableType(type)) {
      found = type;
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  };
  auto checkAll = [&](TypeRange types) {
    for (Type type : types)
      if (!found && type.walk(check).wasInterrupted())
        return;
  };
  checkAll(op->getOperandTypes());
  checkAll(op->getResultTypes());
  for (Region &region : op->getRegions())
    for (Block &block : region)
      checkAll(block.getArgumentTypes());
  return found;
}

/// On a host lowered to LLVM, the GPU dialect's translation takes the
/// kernels' binary and the launches of them on LLVM values.
static bool isLoweredGPUHostOp(Operation *op) {
  if (isa<gpu::BinaryOp>(op))
    return true;
  auto isLLVMType = [](Type type) { return LLVM::isCompatibleType(type); };
  return isa<gpu::LaunchFuncOp>(op) &&
         llvm::all_of(op->getOperandTypes(), isLLVMType);
}

static bool isLoweredOp(Operation *op) {
  return isa<ModuleOp>(op) || isLoweredGPUHostOp(op) || isLLVMOp(op) ||
         isLoweredOpenMPOp(op);
}

/// An unrealized cast stays where a conversion changed the types on one side
/// of it and not on the other: the op on the other side is what to look at.
static std::string describeUnrealizedCast(UnrealizedConversionCastOp cast) {
  std::string text = "was not lowered to the LLVM dialect: a conversion "
                     "left this cast";
  llvm::raw_string_ostream os(text);
  for (Operation *user : cast->getUsers())
    if (!isLoweredOp(user) && !isa<UnrealizedConversionCastOp>(user)) {
      os << " for its user '" << user->getName()
         << "', which was not converted";
      return text;
    }
  for (Value input : cast.getInputs())
    if (Operation *producer = input.getDefiningOp())
      if (!isLoweredOp(producer) &&
          !isa<UnrealizedConversionCastOp>(producer)) {
        os << " for its operand's producer '" << producer->getName()
           << "', which was not converted";
        return text;
      }
  os << " between types that no conversion unified";
  return text;
}

/// Why `op` did not reach LLVM, or nothing if it did.
static std::optional<std::string> getLeftoverReason(Operation *op) {
  if (auto cast = dyn_cast<UnrealizedConversionCastOp>(op))
    return describeUnrealizedCast(cast);
  if (isa<ModuleOp>(op) || isLoweredGPUHostOp(op))
    return std::nullopt;
  if (!isLLVMOp(op) && !isLoweredOpenMPOp(op))
    return std::string("was not lowered to the LLVM dialect");
  if (Type type = findUnrepresentableType(op)) {
    std::string reason;
    llvm::raw_string_ostream os(reason);
    os << "has type '" << type << "', which LLVM IR cannot represent";
    return reason;
  }
  return std::nullopt;
}

LogicalResult mlir::fp8::verifyLoweredToLLVM(Operation *root) {
  Operation *first = nullptr;
  std::string firstReason;
  // Op names in order of first appearance, with how often each is left.
  llvm::MapVector<OperationName, int64_t> others;
  int64_t numOthers = 0;
  root->walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == root)
      return;
    std::optional<std::string> reason = getLeftoverReason(op);
    if (!reason)
      return;
    if (!first) {
      first = op;
      firstReason = std::move(*reason);
      return;
    }
    ++others[op->getName()];
    ++numOthers;
  });
  if (!first)
    return success();

  InFlightDiagnostic diag = first->emitError();
  diag << "'" << first->getName() << "' op " << firstReason;
  if (numOthers) {
    Diagnostic &note = diag.attachNote(first->getLoc());
    note << "and " << numOthers << " more:";
    llvm::interleave(
        others,
        [&](const auto &entry) {
          note << " " << entry.first << " x" << entry.second;
        },
        [&] { note << ","; });
  }
  return diag;
}

namespace {

struct FP8VerifyLoweredToLLVMPass
    : mlir::fp8::impl::FP8VerifyLoweredToLLVMPassBase<
          FP8VerifyLoweredToLLVMPass> {
  using FP8VerifyLoweredToLLVMPassBase::FP8VerifyLoweredToLLVMPassBase;

  void runOnOperation() override {
    if (failed(fp8::verifyLoweredToLLVM(getOperation())))
      return signalPassFailure();
    markAllAnalysesPreserved();
  }
};

} // namespace
