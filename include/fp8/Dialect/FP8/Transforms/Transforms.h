//===- Transforms.h - fp8 rewrites usable outside the passes ----*- C++ -*-===//
//
// The patterns and rewrites behind the passes of Passes.h, for compilers
// that drive them op by op or add them to their own pattern sets.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_TRANSFORMS_TRANSFORMS_H
#define FP8_DIALECT_FP8_TRANSFORMS_TRANSFORMS_H

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"
#include "fp8/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir {
namespace fp8 {
class Target;

//===----------------------------------------------------------------------===//
// fp8-expand
//===----------------------------------------------------------------------===//

/// Patterns that expand fp8.convert / quantize / dequantize / amax /
/// compute_scale on scalars and vectors into arith, math and vector code.
/// `emitter` (NumericsEmitter.h) picks target-specific code shapes; the
/// default is target-independent.
void populateFP8ExpandOpsPatterns(RewritePatternSet &patterns,
                                  const EmitterOptions &emitter = {});

/// Patterns that expand arith.truncf / extf to and from narrow floats (and
/// arith.scaling_truncf / scaling_extf) into the same integer code.
void populateArithNarrowFloatExpandPatterns(RewritePatternSet &patterns,
                                            const EmitterOptions &emitter = {});

/// Whether `op` is an arith cast to or from a narrow float, which the
/// patterns above expand.
bool isArithNarrowFloatCast(Operation *op);

//===----------------------------------------------------------------------===//
// fp8-fold-scales
//===----------------------------------------------------------------------===//

/// All fp8-fold-scales patterns (the three sets below).
void populateFP8FoldScalesPatterns(RewritePatternSet &patterns,
                                   bool allowReassociation = false);

/// fp8-fold-scales on quantize / dequantize: dequantize -> quantize pairs
/// (identity, exact rescale), multiplies into dequantize scales, and
/// compile-time quantization of constants.
void populateFP8DequantizeQuantizeFoldPatterns(RewritePatternSet &patterns);

/// fp8-fold-scales on constant weights: amax, compute_scale and quantize of
/// constants (`dense<>`, `dense_resource<>`) seen through transposes,
/// broadcasts, reshapes, slices and copies, evaluated at compile time.
void populateFP8ConstantWeightFoldPatterns(RewritePatternSet &patterns);

/// fp8-fold-scales on fp8.scaled_matmul: output quantization, amax, bias,
/// multiplies into scales, transposes into rhs_transposed.
void populateFP8ScaledMatmulFoldPatterns(RewritePatternSet &patterns,
                                         bool allowReassociation = false);

/// fp8-fold-scales: f32 linalg contractions of dequantized operands (through
/// views) become fp8.scaled_matmul.
void populateFP8LiftScaledMatmulPatterns(RewritePatternSet &patterns,
                                         bool allowReassociation = false);

//===----------------------------------------------------------------------===//
// fp8-insert-casts
//===----------------------------------------------------------------------===//

/// Scale granularity of the operands of a rewritten contraction.
enum class ScalingMode { tensor, row, block1x128, block128x128, mx32 };

std::optional<ScalingMode> parseScalingMode(StringRef name);

/// How the operands of one contraction are quantized.
struct OperandQuantization {
  /// The narrow element type of both operands.
  Type format;
  Rounding rounding = Rounding::nearest_even;
  Saturation saturation = Saturation::finite;
  /// fp8.compute_scale's margin, target_max (replaces the margin when set)
  /// and pow2.
  int32_t margin = 0;
  std::optional<float> targetMax;
  bool pow2Scales = false;
  ScalingMode scaling = ScalingMode::tensor;
  /// Take the scales from the `fp8.lhs_scale` / `fp8.rhs_scale` attributes
  /// of the contraction instead of fp8.amax -> fp8.compute_scale.
  bool staticScales = false;
};

/// Why `op` is not a contraction fp8-insert-casts rewrites (tensors of f32,
/// f16 or bf16; at least one M, one N and one K dimension; projected
/// permutation maps), or success.
LogicalResult matchContraction(linalg::LinalgOp op, std::string *why = nullptr);

/// Rewrites a contraction that `matchContraction` accepts into quantization
/// of both operands and one fp8.scaled_matmul (plus transposes and reshapes
/// to and from its [batch..., M, K] x [batch..., K, N] layout). Emits an
/// error and fails for bad static scales; the IR is unchanged then.
FailureOr<ScaledMatmulOp>
rewriteContractionToScaledMatmul(RewriterBase &rewriter, linalg::LinalgOp op,
                                 const OperandQuantization &quantization);

/// Rewrites a contraction that `matchContraction` accepts and one of whose
/// operands is a broadcast (linalg.broadcast, or a linalg.generic copying
/// its input into more dimensions) along batch dimensions only into one
/// contraction on the broadcast's source: the broadcast dimensions become M
/// (or N) dimensions of the other operand, which is reshaped
/// ([B, M, K] -> [B*M, K]), and the result reshaped back. The new
/// contraction is a linalg.generic with the original body, on
/// [batch..., M, K] x [batch..., K, N] (or [batch..., N, K]); the result
/// differs at most by the order of the f32 accumulation. Returns it.
FailureOr<linalg::LinalgOp> collapseBroadcastContraction(RewriterBase &rewriter,
                                                         linalg::LinalgOp op);

/// The rewrite above as a pattern (fp8-collapse-broadcast-contractions).
void populateCollapseBroadcastContractionsPatterns(RewritePatternSet &patterns);

// isConvertibleConvolution and rewriteConvolutionToContraction, which know
// nothing of fp8, are in fp8/Transforms/Transforms.h.

//===----------------------------------------------------------------------===//
// fp8-legalize
//===----------------------------------------------------------------------===//

/// Patterns that decompose fp8.scaled_matmul ops that `target`'s kernels
/// cannot lower (Target::canLower) into ops they can.
void populateFP8LegalizePatterns(RewritePatternSet &patterns,
                                 const Target &target);

} // namespace fp8
} // namespace mlir

#endif // FP8_DIALECT_FP8_TRANSFORMS_TRANSFORMS_H
