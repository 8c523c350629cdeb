//===- Target.h - The targets fp8 code is lowered for -----------*- C++ -*-===//
//
// One typed description of a target: a CPU instruction set (the shape of the
// packed scaled-matmul kernel and of the conversions' vector code) or an
// NVIDIA GPU chip. Passes take it as a typed option (`target=avx512`,
// `chip=sm_90a`: parsed and printed here), hand the value down to their
// patterns, and ask it what a target can do: its features, and which ops its
// kernels lower as they are (`canLower`), which fp8-legalize decomposes
// towards. The kernels check the same predicates, so the supported set of
// each target has one source.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_UTILS_TARGET_H
#define FP8_DIALECT_FP8_UTILS_TARGET_H

#include "mlir/Support/LLVM.h"
#include "llvm/Support/CommandLine.h"

#include <string>

namespace mlir::fp8 {
class ScaledMatmulOp;

/// The CPU instruction sets the kernels are shaped for.
enum class CPUTarget { Generic, AVX512, AVX512BF16, AMX };

/// An NVIDIA GPU architecture: `sm_<N>`, or `sm_<N>a` with the
/// architecture-specific features (wgmma on sm_90a).
struct GPUChip {
  unsigned smVersion = 0;
  bool archSpecific = false;

  /// cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 and cvt.rn.f16x2.{e4m3x2,e5m2x2}.
  bool hasFP8Conversions() const { return smVersion >= 89; }
  /// mma.sync.aligned.m16n8k32 on e4m3 / e5m2 operands.
  bool hasFP8MmaSync() const { return smVersion >= 89; }
  /// wgmma.mma_async (Hopper's architecture-specific sm_90a only).
  bool hasWgmma() const { return smVersion == 90 && archSpecific; }
};

/// The fastest CPU target of the CPU this process runs on, from its
/// features (llvm::sys::getHostCPUFeatures, read once), by the model
/// benchmark's figures (bench/models.py, recipe=ocp scaling=row, one
/// thread) per CPU family:
///
/// - AMX-BF16 (Intel Xeon from Sapphire Rapids): `amx`. Measured on an
///   Intel Xeon with AMX: see docs/Design.md, "target=host".
/// - AVX-512 BF16 without AMX (AMD Zen 4 / Zen 5, Intel Cooper Lake):
///   `avx512-bf16`, from the CPU kernel benchmark on Zen 5; the model
///   benchmark was not run on such a CPU.
/// - AVX-512 F and BW without BF16 (Intel Skylake-SP to Ice Lake):
///   `avx512`.
/// - Anything else: `generic`.
CPUTarget getHostCPUTarget();

/// A CPU target or a GPU chip.
class Target {
public:
  /// The spellings `parse` accepts, for messages and option help.
  static constexpr llvm::StringLiteral kCPUSpellings =
      "host, generic, avx512, avx512-bf16 or amx";
  static constexpr llvm::StringLiteral kGPUSpellings =
      "sm_<N> or sm_<N>a (e.g. sm_89, sm_90a)";

  /// The portable CPU target.
  Target() = default;
  Target(CPUTarget cpu) : cpu(cpu) {}
  Target(GPUChip chip) : gpu(true), chip(chip) {}
  /// `host`: the CPU target getHostCPUTarget() picks for the machine that
  /// runs the passes, resolved when they ask (what it prints is `host`).
  static Target getHost();

  /// Parses a CPU target (`kCPUSpellings`) or a GPU chip (`kGPUSpellings`).
  static FailureOr<Target> parse(StringRef name);

  bool isCPU() const { return !gpu; }
  bool isGPU() const { return gpu; }
  /// Whether this is `host`, which resolves to a CPU target.
  bool isHost() const { return host; }
  /// The CPU instruction set (`host` resolved); only for CPU targets.
  CPUTarget getCPU() const;
  /// The chip; only for GPU targets.
  const GPUChip &getGPU() const;

  /// AVX-512 (F, BW): 16-lane f32 vectors, 32 vector registers.
  bool hasAVX512() const { return isCPU() && getCPU() != CPUTarget::Generic; }
  /// AVX-512 BF16 dot products (vdpbf16ps), used by the avx512-bf16 kernel.
  bool hasAVX512BF16() const {
    return isCPU() && getCPU() == CPUTarget::AVX512BF16;
  }
  /// AMX-BF16 tiles.
  bool hasAMX() const { return isCPU() && getCPU() == CPUTarget::AMX; }

  /// Whether this target's kernels lower `op` as it is, without
  /// fp8-legalize's decompositions. On a CPU every scaled_matmul lowers (the
  /// packed kernel, or the reference decomposition for what it does not
  /// pack); on a GPU the tensor-core kernel's set. If not and `why` is
  /// given, the reason, phrased to follow "op ...".
  bool canLower(ScaledMatmulOp op, std::string *why = nullptr) const;

  /// The spelling `parse` accepts for this target (`host` for host).
  std::string str() const;

private:
  bool gpu = false;
  bool host = false;
  CPUTarget cpu = CPUTarget::Generic;
  GPUChip chip;
};

raw_ostream &operator<<(raw_ostream &os, const Target &target);

} // namespace mlir::fp8

/// Lets pass options (`Option<"target", "target", "::mlir::fp8::Target",
/// ...>` in ODS) hold a Target: a bad spelling is an option parse error that
/// lists the valid ones.
template <>
class llvm::cl::parser<mlir::fp8::Target>
    : public llvm::cl::basic_parser<mlir::fp8::Target> {
public:
  parser(llvm::cl::Option &option) : basic_parser(option) {}
  bool parse(llvm::cl::Option &option, StringRef argName, StringRef arg,
             mlir::fp8::Target &value);
  StringRef getValueName() const override { return "target"; }
  void printOptionDiff(const llvm::cl::Option &option,
                       const mlir::fp8::Target &value,
                       const OptionValue<mlir::fp8::Target> &defaultValue,
                       size_t globalWidth) const;
  void anchor() override;
};

#endif // FP8_DIALECT_FP8_UTILS_TARGET_H
