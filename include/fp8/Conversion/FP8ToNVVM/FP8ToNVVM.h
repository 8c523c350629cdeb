//===- FP8ToNVVM.h - fp8 to NVVM lowering -----------------------*- C++ -*-===//

#ifndef FP8_CONVERSION_FP8TONVVM_FP8TONVVM_H
#define FP8_CONVERSION_FP8TONVVM_FP8TONVVM_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class LLVMTypeConverter;
class RewritePatternSet;

namespace fp8 {

/// An NVIDIA GPU architecture as the fp8 GPU lowering understands it:
/// "sm_<N>" or "sm_<N>a" (architecture-specific features such as wgmma).
struct GPUChip {
  unsigned smVersion = 0;
  bool archSpecific = false;

  /// Parses "sm_89", "sm_90a", ...; failure for anything else.
  static FailureOr<GPUChip> parse(StringRef chip);
  /// cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 and cvt.rn.f16x2.{e4m3x2,e5m2x2}.
  bool hasFP8Conversions() const { return smVersion >= 89; }
  /// mma.sync.aligned.m16n8k32 with e4m3/e5m2 operands.
  bool hasFP8MmaSync() const { return smVersion >= 89; }
  /// wgmma.mma_async (Hopper's arch-specific sm_90a only).
  bool hasWgmma() const { return smVersion == 90 && archSpecific; }
};

/// Patterns that lower fp8.convert and arith.truncf / arith.extf between
/// f32 or f16 and f8E4M3FN / f8E5M2 (round to nearest even) to the hardware
/// `cvt` instructions of `chip`, with the NaN and overflow rules of the
/// numerics library applied around them, so that the result is bit-identical
/// with the software expansion. Adds nothing for chips without them.
void populateFP8HardwareConversionPatterns(RewritePatternSet &patterns,
                                           GPUChip chip);

/// The hardware patterns above (preferred) plus everything
/// populateFP8ToLLVMConversionPatterns adds: the rest of the fp8 dialect and
/// the narrow-float arith casts as bit-exact integer code.
void populateFP8ToNVVMConversionPatterns(LLVMTypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         GPUChip chip);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TONVVM_FP8TONVVM_H
