//===- Target.cpp - The targets fp8 code is lowered for -------------------===//

#include "fp8/Dialect/FP8/Utils/Target.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::fp8;

/// The target of a CPU with these LLVM features (x86 names; none of them
/// on other architectures, which get generic).
static CPUTarget
getCPUTargetForFeatures(const llvm::StringMap<bool> &features) {
  auto has = [&](StringRef feature) { return features.lookup(feature); };
  bool avx512 = has("avx512f") && has("avx512bw");
  if (avx512 && has("amx-tile") && has("amx-bf16"))
    return CPUTarget::AMX;
  if (avx512 && has("avx512bf16"))
    return CPUTarget::AVX512BF16;
  if (avx512)
    return CPUTarget::AVX512;
  return CPUTarget::Generic;
}

CPUTarget mlir::fp8::getHostCPUTarget() {
  static const CPUTarget target =
      getCPUTargetForFeatures(llvm::sys::getHostCPUFeatures());
  return target;
}

Target Target::getHost() {
  Target target;
  target.host = true;
  return target;
}

FailureOr<Target> Target::parse(StringRef name) {
  if (name == "host")
    return getHost();
  std::optional<CPUTarget> cpu =
      llvm::StringSwitch<std::optional<CPUTarget>>(name)
          .Case("generic", CPUTarget::Generic)
          .Case("avx512", CPUTarget::AVX512)
          .Case("avx512-bf16", CPUTarget::AVX512BF16)
          .Case("amx", CPUTarget::AMX)
          .Default(std::nullopt);
  if (cpu)
    return Target(*cpu);
  GPUChip chip;
  if (!name.consume_front("sm_"))
    return failure();
  chip.archSpecific = name.consume_back("a");
  if (name.getAsInteger(10, chip.smVersion) || chip.smVersion < 50)
    return failure();
  return Target(chip);
}

CPUTarget Target::getCPU() const {
  assert(isCPU() && "not a CPU target");
  return host ? getHostCPUTarget() : cpu;
}

const GPUChip &Target::getGPU() const {
  assert(isGPU() && "not a GPU target");
  return chip;
}

std::string Target::str() const {
  if (isGPU())
    return "sm_" + std::to_string(chip.smVersion) +
           (chip.archSpecific ? "a" : "");
  if (host)
    return "host";
  switch (cpu) {
  case CPUTarget::Generic:
    return "generic";
  case CPUTarget::AVX512:
    return "avx512";
  case CPUTarget::AVX512BF16:
    return "avx512-bf16";
  case CPUTarget::AMX:
    return "amx";
  }
  llvm_unreachable("unknown CPU target");
}

raw_ostream &mlir::fp8::operator<<(raw_ostream &os, const Target &target) {
  return os << target.str();
}

//===----------------------------------------------------------------------===//
// Supported sets
//===----------------------------------------------------------------------===//

/// The tensor-core kernel of convert-fp8-matmul-to-gpu: mma.sync or wgmma
/// on E4M3 / E5M2 codes, or on f16 where an operand is HiF8; any shape,
/// static or dynamic (edges masked, K padded with zeros); scales of any type
/// and block, applied per K-slice of 32 when they are blocks along K.
static LogicalResult canLowerOnGPU(ScaledMatmulOp op, const GPUChip &chip,
                                   llvm::raw_ostream &why) {
  if (!chip.hasFP8MmaSync()) {
    why << "needs mma.sync on fp8 operands (sm_89 or later) for the GPU "
           "lowering";
    return failure();
  }
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  auto isTensorCoreOperand = [](Type type) {
    return isa<Float8E4M3FNType, Float8E5M2Type, HiF8Type>(type);
  };
  if (!isTensorCoreOperand(lhsType.getElementType()) ||
      !isTensorCoreOperand(rhsType.getElementType())) {
    why << "has operands of type '" << lhsType.getElementType() << "' x '"
        << rhsType.getElementType()
        << "': the GPU kernel multiplies f8E4M3FN, f8E5M2 and !fp8.hif8 "
           "(decoded to f16) only";
    return failure();
  }
  if (isa<VectorType>(op.getLhsScale().getType()) ||
      isa<VectorType>(op.getRhsScale().getType())) {
    why << "has a vector scale; the GPU lowering takes scalar or tensor "
           "scales";
    return failure();
  }
  unsigned rank = lhsType.getRank();
  int64_t k = lhsType.getDimSize(rank - 1);
  int64_t group = getScaleGroupAlongK(op);
  bool perGroup = !ShapedType::isDynamic(group) &&
                  (ShapedType::isDynamic(k) || group < k);
  if (perGroup && group % 32 != 0) {
    why << "has K-blocks of " << group
        << " elements; the GPU kernel applies scales per 32-element K-slice "
           "and needs a multiple of 32";
    return failure();
  }
  return success();
}

bool Target::canLower(ScaledMatmulOp op, std::string *why) const {
  if (isCPU())
    return true;
  std::string reason;
  llvm::raw_string_ostream os(reason);
  if (succeeded(canLowerOnGPU(op, chip, os)))
    return true;
  if (why)
    *why = reason;
  return false;
}

//===----------------------------------------------------------------------===//
// Option parsing
//===----------------------------------------------------------------------===//

bool llvm::cl::parser<Target>::parse(llvm::cl::Option &option, StringRef,
                                     StringRef arg, Target &value) {
  FailureOr<Target> parsed = Target::parse(arg);
  if (failed(parsed))
    return option.error("unknown target '" + arg + "' (expected " +
                        Target::kCPUSpellings + ", or a GPU chip " +
                        Target::kGPUSpellings + ")");
  value = *parsed;
  return false;
}

void llvm::cl::parser<Target>::printOptionDiff(
    const llvm::cl::Option &option, const Target &value,
    const OptionValue<Target> &defaultValue, size_t globalWidth) const {
  printOptionName(option, globalWidth);
  llvm::outs() << "= " << value << "\n";
}

void llvm::cl::parser<Target>::anchor() {}
