//===- FP8ToNVVM.h - fp8 to NVVM lowering -----------------------*- C++ -*-===//

#ifndef FP8_CONVERSION_FP8TONVVM_FP8TONVVM_H
#define FP8_CONVERSION_FP8TONVVM_FP8TONVVM_H

#include "mlir/Support/LLVM.h"

namespace mlir {
class LLVMTypeConverter;
class RewritePatternSet;

namespace fp8 {
struct GPUChip;

/// Patterns that lower fp8.convert and arith.truncf / arith.extf between
/// f32 or f16 and f8E4M3FN / f8E5M2 (round to nearest even) to the hardware
/// `cvt` instructions of `chip`, with the NaN and overflow rules of the
/// numerics library applied around them, so that the result is bit-identical
/// with the software expansion. Adds nothing for chips without them.
void populateFP8HardwareConversionPatterns(RewritePatternSet &patterns,
                                           const GPUChip &chip);

/// The hardware patterns above (preferred) plus everything
/// populateFP8ToLLVMConversionPatterns adds: the rest of the fp8 dialect and
/// the narrow-float arith casts as bit-exact integer code.
void populateFP8ToNVVMConversionPatterns(LLVMTypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const GPUChip &chip);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TONVVM_FP8TONVVM_H
