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
      and MX scales all cost the same. On `amx` the panels are bf16 (every
      8-bit value is exact in bf16) in the tiles' VNNI layout, unscaled, and
      the scales are applied once per K-block (`kc` is then the scales'
      block along K).
    * **Micro-kernel.** An `mr x nr` tile of f32 accumulators lives in
      registers (`vector.fma` of a broadcast left element and `nr / 16`
      right vectors per K step; on `amx`, `amx.tile_mulf` on 2 x 2 tiles of
      16 x 16) and is added to the f32 sums once per K block.
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
  ];
}

#endif // FP8_DIALECT_FP8_TRANSFORMS_PASSES_TD
