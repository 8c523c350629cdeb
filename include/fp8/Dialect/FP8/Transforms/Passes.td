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
    `arith.bitcast` to and from the builtin narrow types (`fp8.bitcast` for
    `!fp8.hif8`), so that what is left holds only upstream dialects where
    no HiF8 is involved. Block scales are broadcast
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
    %q = arith.bitcast %codes : vector<8xi8> to vector<8xf8E4M3FN>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8InsertCastsPass : Pass<"fp8-insert-casts", "::mlir::ModuleOp"> {
  let summary = "Rewrite high-precision contractions into fp8 scaled matmuls";
  let description = [{
    Finds the contractions of every function in linalg on tensors and
    rewrites each into `fp8.amax -> fp8.compute_scale -> fp8.quantize` on both
    operands followed by one `fp8.scaled_matmul` whose result has the
    contraction's element type:

    - `linalg.matmul`, `linalg.batch_matmul` and their transposed forms
      (`indexing_maps`), `linalg.contract`, and every `linalg.generic` that is
      a contraction (a multiply-add body over projected-permutation maps with
      at least one M, one N and one K dimension). Several M, N or K dimensions
      are collapsed into one; an operand whose layout is not
      `[batch..., M, K]` / `[batch..., K, N]` / `[batch..., N, K]` is
      transposed first (`linalg.transpose`), and the result back.
    - Convolutions `linalg.conv_2d_nhwc_hwcf`, `conv_2d_nhwc_fhwc` and
      `conv_2d_nchw_fchw`: a 1x1 NHWC convolution is a strided slice plus a
      reshape of its operands into a `linalg.matmul`; every other one goes
      through upstream's im2col rewrite (`linalg::rewriteInIm2Col`, static
      shapes) into a contraction of the unfolded input with the reshaped
      filter. Depthwise, 1-D and 3-D convolutions are left alone.

    A batch contraction one of whose operands is broadcast along batch
    dimensions (a weight broadcast over the sequence, as torch-mlir exports
    attention's in-projection) is first collapsed into one contraction on
    the broadcast's source (`fp8-collapse-broadcast-contractions`), so that
    the weight is quantized once and multiplied in one large matmul. The
    operands' blocks then follow the collapsed layout: with `block128x128`,
    the activation's 128-row blocks span what were batch entries.

    Operands and results may be f32, f16 or bf16. The contraction's `outs`
    operand becomes the `bias` of the scaled matmul unless it is a fill with
    zero. Matrix-vector products and contractions on other types are left in
    high precision.

    Scales (`scaling`): the pass sees the lhs as activations (`[M, K]`) and
    the rhs as weights (`[K, N]`, or `[N, K]` when its K dimension is
    innermost, which sets `rhs_transposed`); batch dimensions always get
    block 1.

    | scaling | lhs block | rhs block | scale type |
    |---|---|---|---|
    | `tensor` | none (one scale) | none | f32 |
    | `row` | `[1, K]` (per row) | `[K, 1]` (per column; `[1, K]` transposed) | f32 |
    | `block1x128` | `[1, 128]` | `[128, 128]` | f32 |
    | `block128x128` | `[128, 128]` | `[128, 128]` | f32 |
    | `mx32` | `[1, 32]` | `[32, 1]` (`[1, 32]` transposed) | `f8E8M0FNU` (OCP MX rule) |

    With a dynamic K, `row` uses a block of 2^31 - 1 along K (larger than
    any K: one block).

    Formats (`recipe`, overridden by `format` / `grad-format`): `ocp` is
    E4M3FN everywhere, `hfp8` E4M3FN forward and E5M2 for contractions
    tagged `fp8.role = "grad"`, `hif8` HiF8 everywhere, rounded half away
    from zero (TA) forward and with hybrid rounding (HR) for gradients.
    `rounding` (default: the forward format's own, `nearest_even` or
    `nearest_away` for HiF8) and `grad-rounding` (default: `hybrid` under the
    `hif8` recipe when the gradient format is HiF8, else `rounding` where the
    gradient format has it, else the gradient format's own) must be defined
    for their format; `stochastic` needs random bits and is not
    offered. `margin` (default 0, and 12 for HiF8, which maps amax onto 8,
    the top of HiF8's 3-mantissa-bit range), `target-max` and `pow2-scales`
    go to every `fp8.compute_scale` the pass inserts. `target-max` (0:
    unset) maps amax onto that value instead of `max_finite * 2^-margin`
    (e.g. `recipe=hif8 target-max=15`, as Ascend's dynamic HiF8
    quantization does); it is rounded to f32, must not exceed the
    max_finite of the formats it applies to, and replaces `margin` (giving
    both is an error). With `scaling=mx32` it sets the same `target_max` on
    the E8M0 scales: `2^(floor(log2 amax) - floor(log2 target-max))`.
    `saturate` (default on) quantizes with `#fp8.saturation<finite>`.

    `keep-first-last` leaves the first and the last contraction of each
    function (in program order, counted before `min-flops`) in high
    precision; `min-flops` leaves those with fewer than that many flops
    (`2 x` the product of the loop sizes; dynamic sizes count as large).
    A contraction tagged `fp8.role = "forward"` or untagged is forward; any
    other `fp8.role` is an error.

    Static scales (`static-scales`, for inference): instead of
    `fp8.amax -> fp8.compute_scale`, every rewritten contraction takes its
    decode scales from its attributes `fp8.lhs_scale` and `fp8.rhs_scale`:
    a float (per-tensor) or dense float elements of the scale's shape for
    the chosen `scaling` (`mx32`: exact powers of two). A contraction
    without them is an error.

    Bad option values and combinations (an unknown recipe or scaling, a
    non-narrow format, `hybrid` rounding with a non-HiF8 format, `odd`
    rounding with a format that does not support it, ...) fail the pass
    with a message naming the option.

    Example (`recipe=ocp scaling=row`):

    ```mlir
    %r = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x32xf32>)
        outs(%zero : tensor<16x32xf32>) -> tensor<16x32xf32>
    ```

    becomes

    ```mlir
    %am = fp8.amax %a {block = array<i64: 1, 64>} : tensor<16x64xf32> -> tensor<16x1xf32>
    %sa = fp8.compute_scale %am {format = f8E4M3FN} : tensor<16x1xf32> -> tensor<16x1xf32>
    %qa = fp8.quantize %a, %sa {block = array<i64: 1, 64>, saturation = #fp8.saturation<finite>}
        : tensor<16x64xf32>, tensor<16x1xf32> to tensor<16x64xf8E4M3FN>
    // ... the same for %b with block [64, 1] ...
    %r = fp8.scaled_matmul %qa[%sa], %qb[%sb]
        {lhs_block = array<i64: 1, 64>, rhs_block = array<i64: 64, 1>}
        : tensor<16x64xf8E4M3FN>[tensor<16x1xf32>],
          tensor<64x32xf8E4M3FN>[tensor<1x32xf32>] -> tensor<16x32xf32>
    ```
  }];
  let options = [
    Option<"recipe", "recipe", "std::string", /*default=*/"\"ocp\"",
           "Format recipe: ocp (E4M3FN), hfp8 (E4M3FN forward, E5M2 "
           "gradients) or hif8 (HiF8, hybrid rounding for gradients)">,
    Option<"format", "format", "std::string", /*default=*/"\"\"",
           "Forward operand format, overriding the recipe's (an MLIR narrow "
           "float type: f8E4M3FN, f8E5M2, ..., or hif8)">,
    Option<"gradFormat", "grad-format", "std::string", /*default=*/"\"\"",
           "Operand format of contractions tagged fp8.role = \"grad\", "
           "overriding the recipe's">,
    Option<"scaling", "scaling", "std::string", /*default=*/"\"tensor\"",
           "Scale granularity: tensor, row, block1x128, block128x128 or mx32">,
    Option<"rounding", "rounding", "std::string", /*default=*/"\"\"",
           "Rounding of the forward quantization (nearest_even, nearest_away, "
           "toward_zero, upward, downward, odd, hybrid); default: the "
           "format's">,
    Option<"gradRounding", "grad-rounding", "std::string", /*default=*/"\"\"",
           "Rounding of the gradient quantization; default: hybrid under the "
           "hif8 recipe, else `rounding`">,
    Option<"saturate", "saturate", "bool", /*default=*/"true",
           "Quantize with saturation to the largest finite value">,
    Option<"pow2Scales", "pow2-scales", "bool", /*default=*/"false",
           "Round scales up to powers of two (exact scaling)">,
    Option<"margin", "margin", "int32_t", /*default=*/"0",
           "compute_scale margin: amax maps onto max_finite * 2^-margin "
           "(default 0, 12 for HiF8)">,
    Option<"targetMax", "target-max", "double", /*default=*/"0",
           "compute_scale target_max: amax maps onto this value (need not "
           "be a power of two; replaces margin); 0: unset">,
    Option<"keepFirstLast", "keep-first-last", "bool", /*default=*/"false",
           "Leave the first and the last contraction of each function in "
           "high precision">,
    Option<"minFlops", "min-flops", "int64_t", /*default=*/"0",
           "Leave contractions with fewer flops in high precision">,
    Option<"staticScales", "static-scales", "bool", /*default=*/"false",
           "Take the decode scales from the fp8.lhs_scale / fp8.rhs_scale "
           "attributes instead of computing them from the data">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def FP8CollapseBroadcastContractionsPass
    : Pass<"fp8-collapse-broadcast-contractions"> {
  let summary = "Turn batch contractions against a broadcast operand into "
                "one larger contraction";
  let description = [{
    A contraction that `fp8-insert-casts` accepts (on f32, f16 or bf16
    tensors, any operand layout) with batch dimensions, one of whose
    operands is produced by a broadcast along batch dimensions only
    (`linalg.broadcast`, or a `linalg.generic` that copies its one input
    into more dimensions, as torch-mlir emits for a weight used at every
    position of a sequence), computes the same product for every batch
    entry. It becomes one contraction on the broadcast's source: the
    broadcast dimensions become M (or N) dimensions of the other operand,
    which is reshaped `[B, M, K] -> [B*M, K]` (transposed first if its
    layout needs it), and the result is reshaped back. The new contraction
    is a `linalg.generic` on `[M, K] x [K, N]` (or `[N, K]`, plus the
    remaining batch dimensions) with the original body, so results differ
    at most in the order of the additions. The broadcast, if nothing else
    uses it, is removed. `fp8-insert-casts` applies the same rewrite first,
    and `fp8-cpu-pipeline` runs this pass, for the f32 contractions.

    Example (`linalg.batch_matmul` of `tensor<64x4x256xf32>` by a weight
    broadcast from `tensor<256x768xf32>` to `tensor<64x256x768xf32>`):

    ```mlir
    %a2 = tensor.collapse_shape %a [[0, 1], [2]]
        : tensor<64x4x256xf32> into tensor<256x256xf32>
    %c = linalg.generic ... ins(%a2, %w : tensor<256x256xf32>,
        tensor<256x768xf32>) outs(%zero : tensor<256x768xf32>) ...
    %r = tensor.expand_shape %c [[0, 1], [2]] output_shape [64, 4, 768]
        : tensor<256x768xf32> into tensor<64x4x768xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def FP8LegalizePass : Pass<"fp8-legalize"> {
  let summary = "Decompose fp8 ops a target's kernels cannot lower";
  let description = [{
    Rewrites every `fp8.scaled_matmul` that `target`'s kernels cannot lower
    as it is into forms they can, so that the lowering only meets its
    supported set; both pipelines run it first. The supported set is the
    target description's (`Target::canLower`, which the kernels check too).
    Ops outside the set that no decomposition reaches (`f8E8M0FNU`
    operands, chips before sm_89) are reported as errors naming the op and
    the reason.

    Supported sets:

    - CPU targets (`generic`, `avx512`, `avx512-bf16`, `amx`, and `host`,
      which resolves to one of them): everything the op allows (the packed
      kernel, and the reference decomposition for what it does not pack);
      nothing changes.
    - GPU chips (`sm_<N>`, `sm_<N>a`, from `sm_89`: the tensor-core kernel
      of `convert-fp8-matmul-to-gpu`): operands `f8E4M3FN`, `f8E5M2` or
      `!fp8.hif8` on either side; any shape, static or dynamic; scalar or
      tensor scales of any block
      and element type, where blocks along K (the gcd of the two operands'
      K blocks) are multiples of 32 elements; any bias, `amax` result and
      result type.

    Decompositions, in the order they apply:

    1. Scales blocked along K in blocks the kernel cannot apply (a gcd of
       the K blocks that is not a multiple of 32): one partial
       `fp8.scaled_matmul` per K block, in an `scf.for` over
       `tensor.extract_slice`s (plus one for a ragged tail), summed in f32;
       each partial's scales are constant along K. Bit-exact up to the
       order of the f32 additions, which the op leaves unspecified. Needs a
       static K.
    2. Operand formats the kernel lacks (every narrow format other than
       E4M3FN, E5M2 and HiF8 whose values are all exact in f16, which the
       pass checks code by code with the numerics library: f16's subnormals
       reach 2^-24): both operands are decoded to f16 (`fp8.convert`,
       exact), multiplied by a contraction `linalg.generic` ([batch..., M,
       N, K], operands extended to f32 in its body, f16 x f16 products being
       exact in f32) accumulating in f32, then scaled by
       `lhs_scale x rhs_scale` per element, plus the bias. Bit-exact up to
       the order of the f32 additions when the scales are powers of two
       (`pow2-scales`, MX); otherwise the scales are applied once to the
       sum instead of to every product, a difference of f32 rounding.
  }];
  let options = [
    Option<"target", "target", "::mlir::fp8::Target",
           /*default=*/"::mlir::fp8::Target()",
           "Target whose supported set the output fits: a CPU target "
           "(host, generic, avx512, avx512-bf16, amx) or a GPU chip (sm_89, "
           "sm_90a, ...)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
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
    - Constant weights are quantized at compile time: `amax`,
      `compute_scale` and `quantize` of a float constant (f16, bf16, f32 or
      f64; `dense<>`, or the blob of a `dense_resource<>` as torch-mlir
      emits weights) seen through `linalg.transpose`, `linalg.broadcast`,
      `linalg.copy`, a copy-only `linalg.generic` (one input read through a
      projected permutation, constant indices allowed), `tensor.expand_shape`
      / `collapse_shape` and static `tensor.extract_slice` become constants:
      the fp8 codes (one byte each: a quarter of the f32 weight; an `i8`
      constant and `fp8.bitcast` for HiF8) and their scales, computed
      element by element as the ops' folders do (the numerics library, the
      op's rounding and saturation), so bit for bit what the run-time path
      computes. The constant is read in place and no f32 copy of the view
      is made; the f32 weight stays only where something else uses it. A
      quantization that would hold more codes than the constant has
      elements (a weight broadcast over a batch) instead quantizes the
      weight once and broadcasts the codes (`linalg.broadcast` on fp8),
      where the scale does not vary along the broadcast dimensions.
      `quantize` of other constants with constant random bits goes through
      the op's folder. `dequantize` of constants is left alone (it is not
      folded into f32 constants, which would defeat the matmul lifting
      below).
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
