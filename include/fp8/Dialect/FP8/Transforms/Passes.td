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
  let options = [
    Option<"enableAVX512", "enable-avx512", "bool", /*default=*/"false",
           "Use AVX-512BW where it shortens the code (HiF8 encoding of "
           "16-lane f32 vectors looks its tables up with vpermi2w); the code "
           "then needs a CPU with AVX-512BW">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
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

def FP8LowerScaledMatmulPass
    : Pass<"fp8-lower-scaled-matmul", "::mlir::func::FuncOp"> {
  let summary = "Lower fp8.scaled_matmul to a packed, register-blocked CPU "
                "kernel";
  let description = [{
    Rewrites each `fp8.scaled_matmul` on statically shaped tensors into a
    blocked kernel in BLIS loop order (batch, N blocks of `nc`, K blocks of
    `kc`, M blocks of `mc`, then `mr x nr` register tiles):

    * **Packing.** Each `kc x nc` panel of the right operand and each
      `mc x kc` block of the left operand is decoded once into a packed
      buffer, 16 (or 8) elements at a time with the same branch-free vector
      code as `fp8.convert` (masked loads at the edges; `rhs_transposed` is
      transposed while packing). On the `generic` and `avx512` targets the
      panels are f32 and each element is multiplied by its scale as it is
      decoded: exactly `fp8.dequantize`, so per-tensor, row, column, block
      and MX scales all cost the same. On `amx` and `avx512-bf16` the
      panels are bf16 (every 8-bit value is exact in bf16) in VNNI pairs
      along K, unscaled, and the scales are applied once per K-block (`kc`
      is then the scales' block along K).
    * **Micro-kernel.** An `mr x nr` tile of f32 accumulators lives in
      registers (`vector.fma` of a broadcast left element and `nr / 16`
      right vectors per K step; on `avx512-bf16`, `x86vector.avx512.dot`
      (vdpbf16ps) of a broadcast left pair and `nr / 16` right vectors of
      pairs; on `amx`, `amx.tile_mulf` on 2 x 2 tiles of 16 x 16) and is
      added to the f32 sums once per K block.
    * **Epilogue.** Bias, `amax` and the output quantization follow on the
      f32 sums as fp8 and linalg ops on tensors, which the CPU pipeline fuses
      and vectorizes.

    Sums are f32 (with FMA, so their rounding differs from the reference
    decomposition's by the usual f32 accumulation error). Packed buffers and
    the f32 sums are `memref.alloc`s bridged to tensors with
    `bufferization.to_buffer` / `to_tensor restrict`, so One-Shot
    Bufferize and the ownership-based deallocation pipeline must follow, as
    in `fp8-cpu-pipeline`.

    Ops the kernel does not handle are left for `convert-fp8-to-linalg`'s
    reference decomposition: dynamic shapes, 6- and 4-bit operands, and
    scale blocks along an operand's contiguous dimension that are neither 1,
    the whole dimension, nor a multiple of the vector width.

    Targets: `generic` (8-lane vectors, 6 x 16 tiles: fits 16 vector
    registers), `avx512` (16-lane vectors, `mr x 32` tiles for 32 registers),
    `avx512-bf16` (the bf16 panels and per-K-block scales of `amx`, with an
    8 x 32 tile of f32 registers updated by AVX-512 BF16 `vdpbf16ps`: two
    products per lane and instruction; needs `avx512_bf16`),
    `amx` (AMX-BF16 tiles; needs a CPU with AMX and, on Linux, the tile-data
    permission that `libfp8_runtime` requests when it is loaded). The
    blocking options override the target's defaults (0 keeps them).
  }];
  let options = [
    Option<"target", "target", "::mlir::fp8::CPUTarget",
           /*default=*/"::mlir::fp8::CPUTarget::Generic",
           "Instruction set the kernel is shaped for",
           [{::llvm::cl::values(
             clEnumValN(::mlir::fp8::CPUTarget::Generic, "generic",
                        "Portable vector code (8-lane vectors)"),
             clEnumValN(::mlir::fp8::CPUTarget::AVX512, "avx512",
                        "AVX-512: 16-lane vectors, 32 vector registers"),
             clEnumValN(::mlir::fp8::CPUTarget::AVX512BF16, "avx512-bf16",
                        "AVX-512 with BF16 (vdpbf16ps) dot products"),
             clEnumValN(::mlir::fp8::CPUTarget::AMX, "amx",
                        "AMX-BF16 tiles (Intel Sapphire Rapids and later)"))}]>,
    Option<"mr", "mr", "int64_t", /*default=*/"0",
           "Rows of the register tile (0: the target's default)">,
    Option<"nr", "nr", "int64_t", /*default=*/"0",
           "Columns of the register tile, a multiple of the vector width "
           "(0: the target's default)">,
    Option<"mc", "mc", "int64_t", /*default=*/"0",
           "Rows of a packed left block, a multiple of mr (0: default)">,
    Option<"kc", "kc", "int64_t", /*default=*/"0",
           "Depth of a packed block, a multiple of the vector width "
           "(0: default)">,
    Option<"nc", "nc", "int64_t", /*default=*/"0",
           "Columns of a packed right panel, a multiple of nr (0: default)">,
  ];
  let dependentDialects = [
    "::mlir::amx::AMXDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
    "::mlir::x86vector::X86VectorDialect",
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
    the top of HiF8's 3-mantissa-bit range) and `pow2-scales` go to
    `fp8.compute_scale`; `saturate` (default on) quantizes with
    `#fp8.saturation<finite>`.

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

def FP8LegalizePass : Pass<"fp8-legalize"> {
  let summary = "Decompose fp8 ops a target cannot run natively";
  let description = [{
    Rewrites every `fp8.scaled_matmul` that `target` cannot run natively into
    forms it can, so that its lowering only meets its supported set. Ops
    outside the set that no decomposition reaches (a block-scaled K that is
    dynamic, `f8E8M0FNU` operands on a GPU) are reported as errors naming
    the op.

    Supported sets:

    - `cpu`: everything the op allows (the CPU lowering handles every form);
      nothing changes.
    - `sm_89` (`mma.sync` with fp8 operands) and `sm_90a` (`wgmma` with fp8
      operands): operands `f8E4M3FN` or `f8E5M2` on either side (mixed
      included); scales of element type f32 that are constant along K: none
      (per tensor), or a block that covers all of K and is 1 or the whole
      dimension along M (lhs) / N (rhs) and along each batch dimension, that
      is per-tensor, per-row (lhs) and per-column (rhs) scales applied in
      the epilogue; an f32, f16 or bf16 result; an optional bias; no `amax`
      result and no fp8 result.

    Decompositions, in the order they apply:

    1. Scales not constant along K (`block1x128`, `block128x128`, MX): one
       partial `fp8.scaled_matmul` per K block (the gcd of the two K block
       sizes), in an `scf.for` over `tensor.extract_slice`s (plus one for a
       ragged tail), summed in f32; each partial has per-row / per-column
       scales. Bit-exact up to the order of the f32 additions, which the
       op leaves unspecified. Needs a static K.
    2. Scales that are blocks along M or N (a block of 128 rows) are
       broadcast to one scale per row or column; scale tensors of element
       types other than f32 become f32 (`fp8.convert` / `arith.extf`).
       Bit-exact.
    3. An fp8 result or an `amax` result: the scaled matmul produces f32,
       then `fp8.amax` and `fp8.quantize` (or `arith.truncf` to f16 / bf16)
       follow, exactly as the op defines them. Bit-exact.
    4. Operand formats the target lacks (HiF8 and every other narrow format
       whose values are all exact in f16, which the pass checks code by code
       with the numerics library; HiF8 spans 2^-22 to 2^15 and f16's
       subnormals reach 2^-24): both operands are decoded to f16
       (`fp8.convert`, exact), multiplied by a contraction `linalg.generic`
       ([batch..., M, N, K], operands extended to f32 in its body, f16 x f16
       products being exact in f32) accumulating in f32, then scaled by
       `lhs_scale x rhs_scale` per element, plus the bias. Bit-exact up to
       the order of the f32 additions when the scales are powers of two
       (`pow2-scales`, MX); otherwise the scales are applied once to the
       sum instead of to every product, a difference of f32 rounding.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"cpu\"",
           "Target whose supported set the output fits: cpu, sm_89 or "
           "sm_90a">,
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
