//===- Passes.td - Transforms that know nothing of fp8 -----*- tablegen -*-===//
//
// Tiling and vectorization of linalg ops on tensors that the fp8 pipelines
// need and upstream does not offer as passes. Nothing here refers to the fp8
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

#endif // FP8_TRANSFORMS_PASSES_TD
