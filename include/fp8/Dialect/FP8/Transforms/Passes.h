//===- Passes.h - fp8 transformation passes ---------------------*- C++ -*-===//

#ifndef FP8_DIALECT_FP8_TRANSFORMS_PASSES_H
#define FP8_DIALECT_FP8_TRANSFORMS_PASSES_H

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"
#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace fp8 {

/// The instruction sets `fp8-lower-scaled-matmul` (and `fp8-cpu-pipeline`)
/// shape the scaled-matmul kernel for.
enum class CPUTarget { Generic, AVX512, AVX512BF16, AMX };

#define GEN_PASS_DECL
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"

/// Patterns that expand fp8.convert / quantize / dequantize / amax /
/// compute_scale on scalars and vectors into arith, math and vector code.
void populateFP8ExpandOpsPatterns(RewritePatternSet &patterns,
                                  const EmitterOptions &emitter = {});

/// Patterns that expand arith.truncf / extf to and from narrow floats (and
/// arith.scaling_truncf / scaling_extf) into the same integer code.
void populateArithNarrowFloatExpandPatterns(
    RewritePatternSet &patterns, const EmitterOptions &emitter = {});

/// Whether `op` is an arith cast to or from a narrow float, which the
/// patterns above expand.
bool isArithNarrowFloatCast(Operation *op);

/// All fp8-fold-scales patterns (the three sets below).
void populateFP8FoldScalesPatterns(RewritePatternSet &patterns,
                                   bool allowReassociation = false);

/// fp8-fold-scales on quantize / dequantize: dequantize -> quantize pairs
/// (identity, exact rescale), multiplies into dequantize scales, and
/// compile-time quantization of constants.
void populateFP8DequantizeQuantizeFoldPatterns(RewritePatternSet &patterns);

/// fp8-fold-scales on fp8.scaled_matmul: output quantization, amax, bias,
/// multiplies into scales, transposes into rhs_transposed.
void populateFP8ScaledMatmulFoldPatterns(RewritePatternSet &patterns,
                                         bool allowReassociation = false);

/// fp8-fold-scales: f32 linalg contractions of dequantized operands (through
/// views) become fp8.scaled_matmul.
void populateFP8LiftScaledMatmulPatterns(RewritePatternSet &patterns,
                                         bool allowReassociation = false);

#define GEN_PASS_REGISTRATION
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"

} // namespace fp8
} // namespace mlir

#endif // FP8_DIALECT_FP8_TRANSFORMS_PASSES_H
