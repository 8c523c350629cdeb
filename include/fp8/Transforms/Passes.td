//===- Passes.td - Transforms that know nothing of fp8 -----*- tablegen -*-===//
//
// Tiling and vectorization of linalg ops on tensors, lowering of math ops
// and the check that a lowering reached LLVM, which the fp8 pipelines need
// and upstream does not offer as passes. Nothing here refers to the fp8
// dialect.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_TRANSFORMS_PASSES_TD
#define FP8_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

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
    which `convert-fp8-to-llvm` expands into branch-free vector code; bodies
    with values of a dialect type that vectors hold but upstream's
    vectorizer refuses (`!fp8.hif8`) are vectorized by this pass itself, and
    copies (`linalg.copy`, the im2col copies of
    `fp8-decompose-convolutions`) become 1-D transfers that stay vector
    loads and stores. A `tensor.pad` with a constant padding value first
    becomes a `linalg.fill` of the result and a `linalg.copy` of the source
    into its interior. Ops it cannot vectorize are left as they were
    (lowered to loops later).

    Example: a `linalg.generic` over `tensor<4x1000xf32>` whose body is a
    scalar `fp8.convert` becomes an `scf.for` nest over `vector<1x16xf32>`
    tiles with `vector.transfer_read`, `fp8.convert` on the vector and
    `vector.transfer_write`.
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", /*default=*/"16",
           "Elements per vector along the innermost loop (>= 1)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Make the outermost tile loop over a parallel dimension an "
           "scf.forall (for threads), outside the others, in ops of at "
           "least 32768 iterations that are not in a parallel loop already">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8DecomposeConvolutionsPass
    : Pass<"fp8-decompose-convolutions", "::mlir::func::FuncOp"> {
  let summary = "Rewrite convolutions and pooling into contractions and "
                "element-wise ops that the vectorization passes take";
  let description = [{
    Convolutions and pooling windows stay scalar loop nests in a CPU
    lowering (upstream's vectorizer takes only 1-D ones). This pass rewrites
    those on tensors with static shapes into what the other passes of
    `fp8-cpu-pipeline` vectorize:

    - 2-D convolutions (`linalg.conv_2d_nhwc_hwcf`, `conv_2d_nhwc_fhwc`,
      `conv_2d_nchw_fchw`; any padding, which the frontend makes a
      `tensor.pad`, strides and dilations) become a contraction with the
      filter, which `fp8-vectorize-contractions` register-tiles: 1x1 NHWC
      ones a (strided) matmul, the others an im2col matrix built by one
      strided copy of the input per filter tap (`linalg.copy`, vectorized by
      `fp8-vectorize-elementwise`; none where the filter is 1x1 with unit
      strides). This is `mlir::fp8::rewriteConvolutionToContraction`, which
      `fp8-insert-casts` also uses.
    - Depthwise convolutions (`linalg.depthwise_conv_2d_nchw_chw`,
      `depthwise_conv_2d_nhwc_hwc`) and pooling (`linalg.pooling_nchw_max`,
      `pooling_nchw_sum`, `pooling_nhwc_max`, `pooling_nhwc_min`,
      `pooling_nhwc_sum`) with at most `max-taps` window positions become
      one element-wise `linalg.generic` over the output whose inputs are the
      strided windows of the input (and, for depthwise convolutions, the
      filter's value per channel at each tap), applying the op's own body
      once per tap in the op's order (bit-identical to its loops).

    Example: a 3x3 `linalg.depthwise_conv_2d_nchw_chw` on `tensor<2x32x34x34xf32>`
    becomes a `linalg.generic` over `tensor<2x32x32x32xf32>` with 18 inputs
    (9 `tensor.extract_slice`s of the input, 9 of the filter's columns) and a
    body of 9 `arith.mulf` / `arith.addf` pairs.
  }];
  let options = [
    Option<"maxTaps", "max-taps", "int64_t", /*default=*/"64",
           "Largest window (KH x KW) of a depthwise convolution or pooling "
           "that is unrolled (>= 1)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

def FP8VectorizeReductionsPass
    : Pass<"fp8-vectorize-reductions", "::mlir::func::FuncOp"> {
  let summary = "Tile and vectorize linalg reductions on tensors";
  let description = [{
    Tiles every `linalg` op on tensors with reduction loops, static shapes
    and projected-permutation maps (softmax's max and sum, a layer norm's
    mean and variance, a global average pool, with the element-wise code
    fused into them) and vectorizes each tile with upstream's linalg
    vectorizer:

    - Parallel loops are tiled by 1, except an innermost parallel loop,
      tiled by `vector-size`; reduction loops as a whole, innermost first,
      as long as a tile holds at most `max-vector-elements` elements (a
      reduction loop too long for that is tiled by its largest divisor that
      fits, preferably a multiple of `vector-size`).
    - A tile that reduces its rows (reduction loops innermost) becomes one
      `vector.reduction` per row allowed to reassociate
      (`fastmath<reassoc>`): a tree of vector operations rather than the
      in-order chain of scalar additions an ordered float reduction lowers
      to. Sums are rounded differently from the op's loop order (within
      f32's accuracy for any model tolerance); maxima and minima are exact.
    - A tile that reduces along outer loops combines vectors of the
      innermost (parallel) loop element-wise, in the op's order.

    Block maxima of integers (`convert-fp8-to-linalg`'s `fp8.amax`: an
    unsigned max of the bits of `|x|` into a tensor indexed by `di`, `0` or
    `di floordiv b` per input dimension, any rank, dynamic sizes included)
    are not tiled but written as loops over the outer dimensions and, along
    the innermost one, `vector-size`-lane vectors: where its block is 1 (per
    column) they are maxed into the output row in place; otherwise into a
    vector accumulator per block (a whole row, 128 or 32 elements, the whole
    input seen as one row for a per-tensor amax), reduced horizontally at the
    block's end, its last partial vector read masked. An unsigned max is
    exact in any order, so the bits are those of the folder.

    Ops the vectorizer cannot handle (a combiner it does not recognize) are
    left as they were (lowered to loops later).

    Example: a `linalg.generic` summing `tensor<256x1024xf32>` into
    `tensor<256x1xf32>` becomes an `scf.for` over the 256 rows, each a
    `vector.transfer_read` of `vector<1x1024xf32>` and a
    `vector.reduction <add>, ... fastmath<reassoc>`.
  }];
  let options = [
    Option<"vectorSize", "vector-size", "int64_t", /*default=*/"16",
           "Elements per vector along an innermost parallel loop (>= 1)">,
    Option<"maxVectorElements", "max-vector-elements", "int64_t",
           /*default=*/"1024",
           "Most elements of a tile (>= vector-size)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Make the outermost tile loop over a parallel dimension an "
           "scf.forall (for threads), outside the others, in ops of at "
           "least 32768 iterations that are not in a parallel loop already">,
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
    Tiles every contraction on tensors (`linalg.matmul`, `batch_matmul`,
    transposed forms, the f32 contraction of `fp8.scaled_matmul`'s reference
    decomposition, the im2col contractions of `fp8-decompose-convolutions`)
    to `tile-m x tile-n x tile-k` register tiles and vectorizes each into a
    `vector.contract` (masked on partial tiles):

    - Batch dimensions, and every M, N and K dimension but one of each, are
      tiled by 1; the M and N dimensions of the register tile are those that
      vary fastest in the output (an NCHW im2col contraction has the image
      as a second N dimension), and the K loops are innermost.
    - The accumulator tile is read before the innermost K loop, carried in
      registers through it and written after it (with the masks of partial
      tiles made outside it): a register-blocked FMA loop once
      `fp8-cpu-pipeline` lowers the contraction to outer products.
    - `linalg.generic` contractions, which upstream's vectorizer turns into
      a product and a reduction, become `vector.contract` too.
  }];
  let options = [
    Option<"tileM", "tile-m", "int64_t", /*default=*/"8",
           "Rows of the register tile (>= 1)">,
    Option<"tileN", "tile-n", "int64_t", /*default=*/"32",
           "Columns of the register tile (>= 1)">,
    Option<"tileK", "tile-k", "int64_t", /*default=*/"1",
           "Reduction steps per vector.contract (>= 1)">,
    Option<"parallel", "parallel", "bool", /*default=*/"false",
           "Make the outermost tile loop over a parallel dimension an "
           "scf.forall (for threads), outside the others, in ops of at "
           "least 32768 iterations that are not in a parallel loop already">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8LowerMathPass : Pass<"fp8-lower-math"> {
  let summary = "Rewrite math ops into arith code that every CPU target "
                "lowers and vectorizes";
  let description = [{
    Models exported from PyTorch use `math` ops that a CPU pipeline either
    cannot lower (`math.erf`, of the default GELU, has no LLVM intrinsic) or
    lowers into code that does not vectorize (`math.fpowi` of the tanh GELU
    becomes `llvm.intr.powi`, whose exponent must stay a scalar; `llvm.exp`
    on a vector becomes one libm call per lane). This pass rewrites the math
    ops on scalars and vectors (those on tensors are left alone: convert them
    to linalg first) so that what is left of them lowers to LLVM on any CPU:

    1. Upstream's algebraic simplifications: `math.powf` and `math.fpowi`
       with a constant exponent become multiplications, `sqrt`, `rsqrt` or a
       division (`fpowi(x, 3)` is `x * x * x`).
    2. `math.fpowi` with any other constant exponent becomes upstream's
       square-and-multiply expansion. With an exponent not known at compile
       time it becomes `powf(|x|, sitofp(n))`, with the sign of `x` where `n`
       is odd (`math.powf` is libm's `powf` or `pow`; floats narrower than
       f32 are computed in f32): exact integer powers for |n| < 2^24 (2^53
       for f64) and the right sign for every `n`. Upstream's expansion of
       `math.powf` as `exp(y * log(x))` is not used (NaN for a negative
       base): `math.powf` stays.
    3. Upstream's polynomial approximations of f32 `exp`, `expm1`, `log`,
       `log2`, `log1p`, `tanh`, `erf`, `asin` and `acos` (f16 and bf16 are
       computed in f32 and rounded back), branch-free arith code that
       vectorizes with the rest of a linalg body. Their special values are
       exact (`exp(-inf) = 0` for masked softmax, `exp(+inf) = inf`,
       `tanh(±big) = ±1`, `erf(±inf) = ±1`, `log(0) = -inf`,
       `log(x < 0) = NaN`, NaN to NaN) and their largest errors, measured
       against an f64 reference over every 4093rd f32 and [-10, 10] in steps
       of 1e-4 (`test/python/test_math_lowering.py`), are 4.4 ulp (exp,
       expm1), 0.8 (log), 1.5 (log2), 2.3 (log1p), 4.3 (tanh), 4.0 (erf),
       5.2 (asin) and 1.1 (acos). Two of them are wrapped to be right below
       the normal range too: `exp(x) = exp(x / 2)^2` for x < ln(2^-126)
       (upstream's flushes subnormal results to 0), and
       `log(x) = log(x * 2^23) - 23 ln 2` for subnormal x (upstream's reads
       their exponent bits as if normal). Not approximated, as upstream's
       approximations are wrong somewhere: `sin` and `cos` (beyond
       |x| ~ 1e5), `atan` and `atan2` (40 ulp), `erfc` (subnormal results
       flush to 0), `cbrt` (`cbrt(inf)` is NaN); nor f64 math.

    What is left lowers through `convert-to-llvm` (an LLVM intrinsic) or
    `fp8-lower-math-to-libm` (a libm call). `fp8-cpu-pipeline` runs this
    pass on tensors right after `convert-fp8-to-linalg`, so that linalg
    bodies hold only arith when they are vectorized.

    Example:

    ```mlir
    %0 = math.fpowi %x, %c3_i64 : f32, i64
    %1 = math.erf %x : f32
    ```

    becomes `%0 = arith.mulf (arith.mulf %x, %x), %x` and, for `%1`, about
    forty arith and `math.fma` ops (a rational approximation).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::math::MathDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8LowerMathToLibmPass
    : Pass<"fp8-lower-math-to-libm", "::mlir::ModuleOp"> {
  let summary = "Turn the math ops that LLVM has no accurate lowering for "
                "into libm calls";
  let description = [{
    `math.erf`, `math.erfc`, `math.expm1`, `math.log1p`, `math.cbrt`,
    `math.asinh`, `math.acosh` and `math.atanh` have no LLVM intrinsic, and
    `convert-math-to-llvm` lowers `expm1` as `exp(x) - 1` and (by default)
    `log1p` as `log(1 + x)`, which lose all accuracy near 0. This pass turns
    these ops (what `fp8-lower-math` did not approximate: f64 ones) into
    calls to libm (`erf`, `erff`, ...), unrolling vectors, with upstream's
    `convert-math-to-libm` patterns. Other math ops are left for
    `convert-to-llvm` (upstream's `convert-math-to-libm` pass would make
    every math op it knows a scalar call, `sqrt` and `floor` included, and
    fails on those it does not know). `fp8-cpu-pipeline` runs it after
    vectorization, before the conversions to LLVM.

    Example: `%0 = math.erf %x : vector<2xf64>` becomes two `func.call @erf`
    on the extracted elements and a `func.func private @erf(f64) -> f64`.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def FP8LowerAllocaScopesPass : Pass<"fp8-lower-alloca-scopes"> {
  let summary = "Inline memref.alloca_scope bodies between a stack save and "
                "restore";
  let description = [{
    `convert-scf-to-openmp` puts the body of each parallel loop in a
    `memref.alloca_scope` (stack allocations in an iteration are released at
    its end), whose region must be one block; `convert-scf-to-cf` would turn
    the loops in it into branches, which it cannot hold. This pass replaces
    every `memref.alloca_scope` that is one block by its ops, preceded by
    `llvm.intr.stacksave` and followed by `llvm.intr.stackrestore` where it
    allocates on the stack itself (`memref.alloca`, `llvm.alloca`; not in a
    nested allocation scope), which is what `convert-to-llvm` makes of it.
    `fp8-cpu-pipeline` runs it after `convert-scf-to-openmp`.

    Example: `memref.alloca_scope { %t = memref.alloca() : memref<16xf32>
    ... }` becomes `%s = llvm.intr.stacksave : !llvm.ptr`, the alloca and
    the other ops, and `llvm.intr.stackrestore %s : !llvm.ptr`.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def FP8VerifyLoweredToLLVMPass : Pass<"fp8-verify-lowered-to-llvm"> {
  let summary = "Fail on anything that did not reach the LLVM dialect";
  let description = [{
    A lowering that leaves an op behind (a dialect no pass converted, a
    `builtin.unrealized_conversion_cast` between types no pattern unified, a
    vector of fp8 values on an LLVM op) would otherwise only fail at
    translation to LLVM IR, with a message that names neither the op nor
    where it came from, or crash there. This pass fails with an error at the
    first such op nested in the op it runs on (which itself is not checked),
    and a note that counts the others:

    ```
    model.mlir:12:8: error: 'builtin.unrealized_conversion_cast' op was not
        lowered to the LLVM dialect: a conversion left this cast for its
        user 'math.isinf', which was not converted
    model.mlir:12:8: note: and 2 more: math.isinf x1,
        builtin.unrealized_conversion_cast x1
    ```

    Lowered means: an op of the `llvm` dialect or of a dialect of LLVM
    intrinsics (`nvvm`, `rocdl`), a `builtin.module`, or what the GPU
    dialect translates on a lowered host (`gpu.binary`, `gpu.launch_func` on
    LLVM values), an `omp` op on LLVM values (threads); and no value of such an op (operands, results, block
    arguments) has a type LLVM IR cannot represent: a float other than f16,
    bf16, f32, f64, f80 and f128 (the LLVM dialect takes vectors of them),
    or a type of another dialect, such as `!fp8.hif8`. Attributes are not
    checked: a dense constant of fp8 values is translated as its bytes, and
    NVVM ops name fp8 formats in attributes.

    `fp8-cpu-pipeline` ends with it. `fp8-gpu-pipeline` runs it on each
    `gpu.module` before `gpu-module-to-binary`; the host side, which that
    pipeline does not lower to LLVM yet, will be checked once it is. The
    Python JIT (`fp8mlir.jit`) runs the same check after any pipeline. The
    check is also `mlir::fp8::verifyLoweredToLLVM`
    (`fp8/Transforms/Transforms.h`).
  }];
}

#endif // FP8_TRANSFORMS_PASSES_TD
