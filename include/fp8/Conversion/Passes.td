//===- Passes.td - fp8 conversion passes -------------------*- tablegen -*-===//

#ifndef FP8_CONVERSION_PASSES_TD
#define FP8_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertFP8ToLLVMPass : Pass<"convert-fp8-to-llvm"> {
  let summary = "Lower the fp8 dialect and narrow-float arith casts to LLVM";
  let description = [{
    Expands every fp8 op on scalars and vectors into branch-free integer
    vector code (the `fp8-expand` patterns), legalizes upstream
    `arith.truncf` / `arith.extf` / `arith.scaling_truncf` /
    `arith.scaling_extf` to and from narrow floats the same way, and lowers
    `fp8.bitcast` and `!fp8.hif8` (an `i8`) to the LLVM dialect. The
    resulting `arith`, `math` and `vector` ops are lowered by the usual
    upstream passes (or all at once by `convert-to-llvm`, which this
    dialect plugs into).

    Lowering never leaves an 8-bit conversion behind: an fp8 op or a
    narrow-float arith cast that cannot be lowered (for example one still on
    tensors) is an error naming the op.
  }];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def ConvertFP8ToLinalgPass : Pass<"convert-fp8-to-linalg"> {
  let summary = "Lower fp8 ops on tensors to linalg.generic ops on scalars";
  let description = [{
    Rewrites fp8 ops on ranked tensors into `linalg` ops whose bodies hold the
    same computation on scalars, ready for tiling, vectorization and
    bufferization:

    * `fp8.convert`, `fp8.bitcast`, `fp8.compute_scale` (and `arith` ops on
      tensors): element-wise `linalg.generic` ops, as
      `convert-elementwise-to-linalg` does;
    * `fp8.quantize` / `fp8.dequantize`: `linalg.generic` ops computing
      `convert(x / s)` / `convert(q) * s` in f32. A block of 1 or of a whole
      dimension reads the scale along `di` or `0`; a block that divides its
      static dimension splits it into `[dim / b, b]` (`tensor.expand_shape`,
      collapsed back after), so the scale is read along the outer index; a
      ragged or dynamic block reads it through `di floordiv b`;
    * `fp8.amax`: a `maximumf` reduction of `|x|` into a zero-filled f32
      tensor through the same block map;
    * `fp8.scaled_matmul`: its reference decomposition: both operands
      dequantized to f32, an f32 contraction (batch and `rhs_transposed`
      included), the bias, `amax` and output quantization.

    Example:

    ```mlir
    %q = fp8.quantize %x, %s {block = array<i64: 1, 128>}
        : tensor<4x256xf32>, tensor<4x2xf32> to tensor<4x256xf8E4M3FN>
    ```

    becomes a `linalg.generic` over `tensor<4x2x128xf32>` whose scale
    operand has the indexing map `(d0, d1, d2) -> (d0, d1)` and whose body is
    `arith.divf` and a scalar `fp8.convert`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // FP8_CONVERSION_PASSES_TD
