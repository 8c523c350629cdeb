// RUN: fp8-opt %s -fp8-vectorize-contractions -canonicalize | FileCheck %s
// RUN: fp8-opt %s -fp8-vectorize-contractions=tile-m=4 | FileCheck %s --check-prefix=FOUR
// RUN: not fp8-opt %s -fp8-vectorize-contractions=tile-k=0 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: fp8-vectorize-contractions: tile sizes must be >= 1, with at most 65536 elements in a tile, got 8x32x0

// An 8 x 32 register tile per K step, masked where N = 50 leaves a partial
// tile. The accumulator is read before the K loop, carried in registers
// (a vector iter_arg) and written after it; the masks of the partial tile
// are made outside the K loop too.
// CHECK-LABEL: func @matmul
// CHECK: scf.for {{.*}} step %c8
// CHECK: scf.for {{.*}} step %c32
// CHECK: %[[MASK:.*]] = vector.create_mask %c8, %{{.*}} : vector<8x32xi1>
// CHECK: %[[TILE:.*]] = tensor.extract_slice
// CHECK: %[[ACC:.*]] = vector.transfer_read %[[TILE]]{{.*}}, %[[MASK]] {{.*}} : tensor<8x?xf32>, vector<8x32xf32>
// CHECK: %[[SUM:.*]] = scf.for {{.*}} step %c1 iter_args(%[[PARTIAL:.*]] = %[[ACC]]) -> (vector<8x32xf32>)
// CHECK-NOT: create_mask
// CHECK: vector.transfer_read {{.*}} : tensor<8x1xf32>, vector<8x1xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<1x?xf32>, vector<1x32xf32>
// CHECK: vector.mask %{{.*}} { vector.contract {{.*}} %[[PARTIAL]] : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32> }
// CHECK: }
// CHECK: vector.transfer_write %[[SUM]], %[[TILE]]
// FOUR: vector.contract {{.*}} : vector<4x1xf32>, vector<1x32xf32> into vector<4x32xf32>
func.func @matmul(%a: tensor<64x100xf32>, %b: tensor<100x50xf32>, %c: tensor<64x50xf32>) -> tensor<64x50xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<64x100xf32>, tensor<100x50xf32>) outs(%c : tensor<64x50xf32>) -> tensor<64x50xf32>
  return %r : tensor<64x50xf32>
}

// Batch dimensions are tiled by 1; element-wise ops are left alone.
// CHECK-LABEL: func @batch
// CHECK: scf.for {{.*}} iter_args({{.*}}) -> (vector<1x8x16xf32>)
// CHECK: vector.contract {{.*}} : vector<1x8x1xf32>, vector<1x1x16xf32> into vector<1x8x16xf32>
// CHECK: linalg.generic
func.func @batch(%a: tensor<2x8x4xf32>, %b: tensor<2x4x16xf32>, %c: tensor<2x8x16xf32>) -> tensor<2x8x16xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x8x4xf32>, tensor<2x4x16xf32>) outs(%c : tensor<2x8x16xf32>) -> tensor<2x8x16xf32>
  %e = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%r : tensor<2x8x16xf32>) outs(%c : tensor<2x8x16xf32>) {
  ^bb0(%x: f32, %o: f32):
    %y = arith.addf %x, %x : f32
    linalg.yield %y : f32
  } -> tensor<2x8x16xf32>
  return %e : tensor<2x8x16xf32>
}

// -----

// An im2col contraction (NCHW): [F, K] x [N, K, P] -> [N, F, P]. The image
// index is a second N dimension (it is not in the filter): it is tiled by
// 1, P (the fastest in the output) by 32 and F by 8.
// CHECK-LABEL: func @im2col
// CHECK: scf.for {{.*}} to %c2 step %c1
// CHECK: scf.for {{.*}} to %c16 step %c8
// CHECK: scf.for {{.*}} to %c64 step %c32
// CHECK: scf.for {{.*}} to %c36 step %c1 iter_args({{.*}}) -> (vector<1x8x32xf32>)
// CHECK: vector.contract {{.*}} : vector<8x1xf32>, vector<1x1x32xf32> into vector<1x8x32xf32>
func.func @im2col(%w: tensor<16x36xf32>, %col: tensor<2x36x64xf32>, %o: tensor<2x16x64xf32>) -> tensor<2x16x64xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(b, m, n, k) -> (m, k)>, affine_map<(b, m, n, k) -> (b, k, n)>, affine_map<(b, m, n, k) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%w, %col : tensor<16x36xf32>, tensor<2x36x64xf32>) outs(%o : tensor<2x16x64xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %p, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x16x64xf32>
  return %r : tensor<2x16x64xf32>
}
