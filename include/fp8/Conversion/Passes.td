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

    `target` picks the CPU instructions the code may use; the results are
    the same bits on every target.
  }];
  let options = [
    Option<"target", "target", "::mlir::fp8::Target",
           /*default=*/"::mlir::fp8::Target()",
           "CPU target whose instructions the code may use: generic "
           "(target-independent), or avx512 / avx512-bf16 / amx (HiF8 "
           "encoding of 16-lane f32 vectors looks its tables up with "
           "AVX-512BW's vpermi2w), or host (the target getHostCPUTarget "
           "picks for this machine's CPU)">,
  ];
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
    * `fp8.amax`: an unsigned-max reduction of the bits of `|x|` (an i32
      that orders magnitudes as the floats do and every NaN above +Inf:
      exact in any order) into a zero-filled i32 tensor through the same
      block map, dimensions with a block of 1 parallel; the bits then become
      f32, a NaN the canonical quiet NaN `0x7FC00000`;
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

    With `fuse-row-quantization` (fp8-cpu-pipeline sets it), per-row
    quantization with a scale computed from the rows themselves,
    `fp8.quantize %x, fp8.compute_scale(fp8.amax %x)` with blocks
    `[1, ..., 1, K]` (fp8-insert-casts' `scaling=row`), becomes one
    `scf.for` nest over the rows (each row at most 64 KiB: it stays in
    cache), each iteration the amax of its row, its scale and the row's
    quantization into the result: the input is read from memory once. The
    results are the same bits as the unfused ops'.
  }];
  let options = [
    Option<"fuseRowQuantization", "fuse-row-quantization", "bool",
           /*default=*/"false",
           "Fuse amax, compute_scale and quantize of each row into one loop "
           "over the rows">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def ConvertFP8MatmulToCPUPass
    : Pass<"convert-fp8-matmul-to-cpu", "::mlir::func::FuncOp"> {
  let summary = "Lower fp8.scaled_matmul to a packed, register-blocked CPU "
                "kernel";
  let description = [{
    Rewrites each `fp8.scaled_matmul` on statically shaped tensors into a
    blocked kernel in BLIS loop order (batch, N blocks of `nc`, K blocks of
    `kc`, M blocks of `mc`, then `mr x nr` register tiles):

    * **Threads.** Within each K block, the packing of the right panels
      (per `nr` panel), of the left rows (per `mr` rows) and the register
      tiles (per task of `mc` rows by a share of the panels, at least 16
      tasks where the problem has them) are `scf.parallel` loops, which
      `convert-scf-to-openmp` can run on threads. Every iteration writes its
      own part of the packed buffers or of the sums, and the K blocks stay a
      sequential loop around them, so each sum adds its K blocks in the same
      order whatever the thread count (bit-identical results). Products of
      fewer than 2^18 multiply-adds keep `scf.for` loops.

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
    * **Constant weights.** Where the right operand is an `arith.constant`
      (as `fp8-fold-scales` leaves quantized weights, HiF8 behind
      `fp8.bitcast`) and, for the f32 panels, its scales are constants too,
      all its panels are packed at compile time into one constant in the
      kernel's layout (`[batch..., N / nc, K / kc, nc / nr]` panels), with
      the same values the run-time packing computes (the numerics library's
      decode times the scale in f32), and the kernel packs no right panel
      at run time. Up to 256 MiB of packed panels.
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
    products per lane and instruction; needs `avx512_bf16`. On Intel
    Sapphire / Emerald Rapids a 512-bit `vdpbf16ps` holds both FMA ports
    (0 and 5) for two cycles in LLVM's scheduling model, so its inner loop
    does 16 multiply-adds a cycle against 32 for `avx512`'s two FMA pipes:
    measured 106 against 186 GFLOP/s at 1024^3 there; prefer `amx` or
    `avx512` on those CPUs),
    `amx` (AMX-BF16 tiles; needs a CPU with AMX and, on Linux, the tile-data
    permission that `libfp8_runtime` requests when it is loaded). The
    blocking options override the target's defaults (0 keeps them).
  }];
  let options = [
    Option<"target", "target", "::mlir::fp8::Target",
           /*default=*/"::mlir::fp8::Target()",
           "CPU target the kernel is shaped for: generic (portable 8-lane "
           "vectors), avx512 (16 lanes, 32 registers), avx512-bf16 "
           "(vdpbf16ps dot products), amx (AMX-BF16 tiles), host (the "
           "fastest of these for this machine's CPU)">,
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

def ConvertFP8ToNVVMPass : Pass<"convert-fp8-to-nvvm"> {
  let summary = "Lower fp8 conversions in GPU code to NVVM";
  let description = [{
    Lowers fp8 ops and narrow-float arith casts on scalars and vectors (the
    bodies of GPU kernels, before `convert-gpu-to-nvvm`) for an NVIDIA GPU:

    * on `sm_89` and later, `fp8.convert`, `arith.truncf` and `arith.extf`
      between `f32` / `f16` and `f8E4M3FN` / `f8E5M2` that round to nearest
      even use the hardware conversions (`cvt.rn.satfinite.e4m3x2.f32`,
      `cvt.rn.f16x2.e4m3x2` and their e5m2 forms, two elements at a time),
      with the numerics library's NaN and overflow rules applied by selects
      around them: `saturation = none` overflows to NaN (E4M3FN) or Inf
      (E5M2) where the hardware saturates, and a NaN keeps its sign. The
      result is bit-identical with the software expansion;
    * every other conversion (other rounding modes, other formats, HiF8,
      stochastic rounding, older chips) and `fp8.quantize`, `dequantize`,
      `amax`, `compute_scale` become the same branch-free integer code as
      in `convert-fp8-to-llvm`.

    The remaining `arith`, `math` and `vector` ops are lowered by
    `convert-gpu-to-nvvm`. Like `convert-fp8-to-llvm`, it fails naming any
    op it cannot lower (ops on tensors, `fp8.scaled_matmul`, which
    `convert-fp8-matmul-to-gpu` turns into a kernel).
  }];
  let options = [
    Option<"chip", "chip", "::mlir::fp8::Target",
           /*default=*/"::mlir::fp8::GPUChip{90, true}",
           "Target architecture: sm_<N> or sm_<N>a (hardware conversions "
           "from sm_89 on)">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def ConvertFP8MatmulToGPUPass : Pass<"convert-fp8-matmul-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Turn fp8.scaled_matmul into a tensor-core GPU kernel launch";
  let description = [{
    Replaces every `fp8.scaled_matmul` on tensors by a
    `gpu.launch_func` of a kernel generated for it into the
    `gpu.module @fp8_kernels`, its operands passed as buffers
    (`bufferization.to_buffer`, a `memref.alloc` for the result). The
    kernel (one per distinct op signature, named after it):

    * tiles the output in 128x128 blocks of 4 warps (64x64 per warp);
      64-deep K slices of both operands are staged through shared memory
      (16-byte coalesced global loads; a `[K, N]` right operand is
      transposed on the way, `rhs_transposed` is read directly);
    * multiplies with `mma.sync.aligned.m16n8k32.row.col.f32.<A>.<B>.f32`
      on `f8E4M3FN` / `f8E5M2` operands (any combination), accumulating in
      f32; on `sm_90a` the 128 threads are one warpgroup issuing
      `wgmma.mma_async.sync.aligned.m64n<BN>k32.f32.<A>.<B>` (two per 32
      bytes of K, one per 64-row half of the tile) on both operands in
      shared memory, laid out as K-major 8-row x 16-byte core matrices
      without swizzle and addressed by matrix descriptors
      (`nvvm.wgmma.mma_async`; lower with `convert-nvvm-to-llvm`);
    * decodes `!fp8.hif8` operands to f16 while staging them (the other
      operand too; every HiF8, E4M3 and E5M2 value is exact in f16) and
      multiplies with `mma.sync.m16n8k16` (`wgmma ... k16` on `sm_90a`)
      on f16, accumulating in f32;
    * applies block scales once per K-block: with a K-block shorter than K
      (1x128, 128x128, MX `[1, 32]` with `f8E8M0FNU` scales, ...) the
      partial sum of each K-block is multiplied by its two scales and added
      to the accumulator; otherwise (per-tensor, per-row / per-column) the
      scales are applied once in the epilogue;
    * fuses the epilogue: scales, `bias`, the `amax` result (an atomic
      maximum over the whole output) and output quantization with
      `out_scale`, `rounding` and `saturation` (the encoders of
      `convert-fp8-to-nvvm`), or rounding to f16 / bf16.

    Any M, N and K: where K (or N, for a `[K, N]` rhs) is not a static
    multiple of 16, rows are read with masked loads, zeros past the edges
    (K padded with zeros); elsewhere with aligned 16-byte loads. Dynamic
    sizes (batch, M, N, K) are read at run time: the grid is computed from
    them on the host, and each dynamic-shaped buffer reaches the kernel as
    a flat `memref<2^40 x T>` (its bare pointer) followed, after all other
    arguments, by its dynamic sizes as `index` values, with which the
    kernel reinterprets it.

    Kernels take bare pointers to the buffers (lower with
    `use-bare-ptr-memref-call-conv`), then scalars (a scalar scale, the
    `out_scale`); batch dimensions are the grid's z. Other operand formats
    (FNUZ, sub-byte) must be decomposed first (`fp8-legalize`); K-blocks
    not a multiple of 32 are errors naming the op. `mma.sync` on fp8 needs `sm_89` or later.
    The supported set is the target description's (`Target::canLower`),
    which `fp8-legalize` decomposes towards.
  }];
  let options = [
    Option<"chip", "chip", "::mlir::fp8::Target",
           /*default=*/"::mlir::fp8::GPUChip{90, true}",
           "Target architecture: sm_<N> or sm_<N>a (sm_89 or later; "
           "wgmma on sm_90a)">,
  ];
  let dependentDialects = [
    "::mlir::LLVM::LLVMDialect",
    "::mlir::NVVM::NVVMDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::fp8::FP8Dialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8GPUCopiesToLinalgPass
    : Pass<"fp8-gpu-copies-to-linalg", "::mlir::ModuleOp"> {
  let summary = "Turn host buffer copies into linalg.copy, for GPU kernels";
  let description = [{
    Replaces each `memref.copy` in host code (outside GPU modules and
    launches) by a `linalg.copy` of the same buffers, so that the GPU
    pipeline turns it into a parallel loop and then a kernel rather than
    a host copy of device memory. `fp8-gpu-pipeline` runs it after
    bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FP8GPULaunchHostCodePass
    : Pass<"fp8-gpu-launch-host-code", "::mlir::func::FuncOp"> {
  let summary = "Move host loops and stores into GPU launches; pass "
                "dynamic-shaped buffers to kernels as flat bare pointers";
  let description = [{
    For host functions of the GPU pipeline, after
    `convert-parallel-loops-to-gpu`:

    * every run of adjacent loops (`scf.for`, `scf.parallel` that no
      mapping took, `scf.while`, `scf.if`) and `memref.store`s without
      results in the function's body, with no launch, call or allocation
      inside, becomes the body of a single-thread `gpu.launch` (sequential
      reductions to a scalar, say, or initializing stores), so that no host
      code reads or writes buffers in a loop;
    * every buffer a `gpu.launch` captures whose type a kernel cannot take
      as a bare pointer (a dynamic shape or a non-identity layout) is
      replaced inside it by a `memref.reinterpret_cast` of a flat
      `memref<2^40 x T>` of its base buffer with its offset, sizes and
      strides (`memref.extract_strided_metadata` on the host): after
      outlining, kernels take the flat buffer (a bare pointer) and the
      dynamic sizes, strides and offset as `index` arguments.

    The operations `gpu-kernel-outlining` sinks into launches (constants,
    `memref.dim`, `arith.select`, `arith.cmpi`) are sunk first, so that
    none of them refers to a replaced buffer afterwards.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

def FP8GPUHostSharedAllocsPass
    : Pass<"fp8-gpu-host-shared-allocs", "::mlir::ModuleOp"> {
  let summary = "Allocate host buffers as GPU managed memory";
  let description = [{
    Replaces `memref.alloc` and `memref.dealloc` in host code by
    `gpu.alloc host_shared` and `gpu.dealloc`: the buffers the host
    functions allocate (intermediate and returned tensors) become CUDA
    managed memory (`cuMemAllocManaged` in the runtime wrapper), which the
    kernels and the host code that remains (scalar loads of a 0-d result,
    say) both reach. `fp8-gpu-pipeline{host=llvm}` runs it before
    `gpu-to-llvm`.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

#endif // FP8_CONVERSION_PASSES_TD
