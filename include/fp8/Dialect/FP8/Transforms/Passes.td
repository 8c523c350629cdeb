//===- Passes.td - fp8 transformation passes ---------------*- tablegen -*-===//

#ifndef FP8_DIALECT_FP8_TRANSFORMS_PASSES_TD
#define FP8_DIALECT_FP8_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FP8ExpandOpsPass : Pass<"fp8-expand"> {
  let summary = "Expand fp8 ops and narrow-float arith casts into integer "
                "arith code";
  let description = [{
    Rewrites `fp8.convert`, `fp8.quantize`, `fp8.dequantize`, `fp8.amax` and
    `fp8.compute_scale` on scalars and vectors into target-independent
    `arith`, `math` and `vector` code: encodes and decodes become branch-free
    integer bit arithmetic and selects (no calls, no per-element
    scalarization), bit-identical with the numerics library, wrapped in
    `fp8.bitcast` to and from the narrow types. Block scales are broadcast
    with `vector.broadcast` / `vector.shape_cast`; blocked amax is a
    `vector.multi_reduction <maximumf>`.

    The same patterns legalize upstream `arith.truncf` and `arith.extf` to
    and from every narrow float type (honouring `arith`'s rounding mode) and
    `arith.scaling_truncf` / `arith.scaling_extf`, which upstream MLIR can
    only lower through one APFloat runtime call per element.

    Ops on tensors are left alone: bufferize and vectorize them first (the
    CPU pipeline does). `convert-fp8-to-llvm` runs these patterns and
    reports anything it could not lower.

    Example:

    ```mlir
    %q = fp8.convert %x : vector<8xf32> to vector<8xf8E4M3FN>
    ```

    becomes integer code on `vector<8xi32>` ending in

    ```mlir
    %codes = arith.trunci %c : vector<8xi32> to vector<8xi8>
    %q = fp8.bitcast %codes : vector<8xi8> to vector<8xf8E4M3FN>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8VectorizeElementwisePass
    : Pass<"fp8-vectorize-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Tile and vectorize element-wise linalg ops on tensors";
  let description = [{
    Tiles every element-wise `linalg` op on tensors (all loops parallel, all
    indexing maps projected permutations or broadcasts: fp8 conversions,
    quantization with per-tensor, per-row, per-column or evenly dividing
    block scales, and the arith around them; not sub-byte element types) to `1 x ... x 1 x vector-size` tiles and vectorizes
    each tile with upstream's linalg vectorizer (masked for the remainder).
    Scalar `fp8.convert` ops in the bodies become `fp8.convert` on vectors,
    which `convert-fp8-to-llvm` expands into branch-free vector code. Ops it
    cannot vectorize are left as they were (lowered to loops later).

    Example: a `linalg.generic` over `tensor<4x1000xf32>` whose body is a
    scalar `fp8.convert` becomes an `scf.for` nest over `vector<1x16xf32>`
    tiles with `vector.transfer_read`, `fp8.convert` on the vector and
    `vector.transfer_write`.
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", /*default=*/"16",
           "Elements per vector along the innermost loop (>= 1)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8VectorizeContractionsPass
    : Pass<"fp8-vectorize-contractions", "::mlir::func::FuncOp"> {
  let summary = "Register-tile and vectorize matmul-like linalg ops on tensors";
  let description = [{
    Tiles every contraction on tensors with one M, one N and one K dimension
    (`linalg.matmul`, `batch_matmul`, transposed forms, and the f32
    contraction of `fp8.scaled_matmul`'s reference decomposition) to
    `tile-m x tile-n x tile-k` tiles (batch dimensions by 1) and vectorizes
    each into a `vector.contract` (masked on partial tiles). After
    bufferization, hoisting the accumulator's transfers out of the K loop and
    lowering the contraction to outer products gives a register-blocked FMA
    loop; `fp8-cpu-pipeline` does both.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"8",
           "Rows of the register tile (>= 1)">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"32",
           "Columns of the register tile (>= 1)">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"1",
           "Reduction steps per vector.contract (>= 1)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8FoldScalesPass : Pass<"fp8-fold-scales"> {
  let summary = "Fold scaling into the fp8 ops that do it, bit-exactly";
  let description = [{
    Algebra on scales that changes no bit of any result. Each fold is one
    pattern; where its exactness depends on constant scales or multipliers,
    the pass evaluates the affected computation for every code of the
    narrow format with the numerics library (the reference the folders and
    the lowered code agree with) and folds only if every code comes out the
    same. Scales are decode scales (`dequantize(q, s) = decode(q) * s`).

    - `quantize(dequantize(q, s1), s2)` with the same format and block and
      constant scales becomes `q` when every code survives the round trip
      under the quantize's rounding and saturation (equal power-of-two
      scales do, except codes the saturation or the format's NaN rules
      move), and otherwise, where every `s1 / s2` is a power of two and the
      encoder would see bit for bit `decode(q) * (s1 / s2)`, the exact
      rescale `convert(dequantize(q, s1 / s2))` (or `convert(q)` between two
      formats when the ratio is 1).
    - `quantize` of constants (weights) is evaluated at compile time with
      the op's rounding, saturation and random bits, through the op's
      folder; HiF8 results become an `i8` constant and `fp8.bitcast`.
      `dequantize` of constants is left alone (it is not folded into f32
      constants, which would defeat the matmul lifting below).
    - `mulf(dequantize(q, s), c)`, for constant `s` and `c` (a splat, or
      uniform along some dimensions: a per-tensor scale times a per-row
      multiplier becomes a per-row scale), becomes `dequantize(q, s * c)`
      where `s * c` is exact in the scale's type and every code dequantizes
      to the same bits.
    - An f32 `linalg.matmul`, `linalg.batch_matmul`, transposed form or
      `linalg.generic` multiply-add contraction whose accumulator is +0.0
      and whose operands are f32 `fp8.dequantize` results, seen through
      `linalg.transpose`, `tensor.expand_shape` / `collapse_shape`,
      `linalg.broadcast`, `tensor.extract_slice` and `linalg.copy`, becomes
      `fp8.scaled_matmul` on the narrow operands. The views are replayed on
      the narrow data and on the scales, so per-tensor, per-row, per-column
      and block scales lift as long as the blocks stay boxes (a reshape or
      slice that cuts a block does not lift). An lhs read as `[K, M]` is
      transposed, an rhs read as `[N, K]` sets `rhs_transposed`.
    - `scaled_matmul(lhs, linalg.transpose(x))` swapping the two innermost
      dimensions toggles `rhs_transposed` (a block scale is transposed too).
    - On an `fp8.scaled_matmul` whose f32 result has no other use:
      `quantize` of the result (per-tensor, not stochastic) becomes its
      output quantization; `amax` of the result (per-tensor) becomes its
      amax result (this one also with other uses); `addf` of a tensor
      becomes its bias (an `[N]` vector where the addend is a broadcast of
      one) if it has none and no used amax; `mulf` by a constant that is
      uniform along N (a scalar or per-row multiplier) or along M (per
      column) folds into the lhs or rhs scale when every multiplier and
      scale is a constant power of two and bounds on K and the formats'
      ranges show that no product or partial sum overflows or rounds in the
      subnormal range (then power-of-two scaling commutes with every f32
      rounding).

    Folds that are exact only up to reassociation of f32 arithmetic are
    applied only with `allow-reassociation`: a contraction accumulating into
    a tensor C (`C + sum` becomes `sum + C` as a bias), a second bias
    (`(D + b1) + b2` becomes `D + (b1 + b2)`), and multiplies after
    `scaled_matmul` by any positive finite constant (rounded into f32
    scales) or into a non-constant f32 scale.

    Example:

    ```mlir
    %a = fp8.dequantize %qa, %sa {block = array<i64: 1, 32>}
        : tensor<16x64xf8E4M3FN>, tensor<16x2xf32> to tensor<16x64xf32>
    %b = fp8.dequantize %qb, %sb : tensor<64x8xf8E5M2>, f32 to tensor<64x8xf32>
    %z = linalg.fill ins(%zero : f32) outs(%e : tensor<16x8xf32>) -> tensor<16x8xf32>
    %d = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x8xf32>)
        outs(%z : tensor<16x8xf32>) -> tensor<16x8xf32>
    %q = fp8.quantize %d, %so : tensor<16x8xf32>, f32 to tensor<16x8xf8E4M3FN>
    ```

    becomes

    ```mlir
    %q = fp8.scaled_matmul %qa[%sa], %qb[%sb] out_scale(%so)
        {lhs_block = array<i64: 1, 32>}
        : tensor<16x64xf8E4M3FN>[tensor<16x2xf32>], tensor<64x8xf8E5M2>[f32]
          -> tensor<16x8xf8E4M3FN>
    ```
  }];
  let options = [
    Option<"allowReassociation", "allow-reassociation", "bool",
           /*default=*/"false",
           "Also apply folds that are exact only up to reassociation of f32 "
           "arithmetic (see the description)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // FP8_DIALECT_FP8_TRANSFORMS_PASSES_TD
