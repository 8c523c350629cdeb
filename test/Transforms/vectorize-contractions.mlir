// RUN: fp8-opt %s -fp8-vectorize-contractions | FileCheck %s
// RUN: fp8-opt %s -fp8-vectorize-contractions=tile-m=4 | FileCheck %s --check-prefix=FOUR
// RUN: not fp8-opt %s -fp8-vectorize-contractions=tile-k=0 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: fp8-vectorize-contractions: tile sizes must be >= 1, got 8x32x0

// An 8 x 32 register tile per K step, masked where N = 50 leaves a partial
// tile; the accumulator is the tile of the output.
// CHECK-LABEL: func @matmul
// CHECK: scf.for {{.*}} step %c8
// CHECK: scf.for {{.*}} step %c32
// CHECK: scf.for {{.*}} step %c1
// CHECK: vector.transfer_read {{.*}} : tensor<8x1xf32>, vector<8x1xf32>
// CHECK: vector.mask %{{.*}} { vector.transfer_read {{.*}} : tensor<1x?xf32>, vector<1x32xf32> }
// CHECK: vector.mask %{{.*}} { vector.contract {{.*}} : vector<8x1xf32>, vector<1x32xf32> into vector<8x32xf32> }
// CHECK: vector.mask %{{.*}} { vector.transfer_write
// FOUR: vector.contract {{.*}} : vector<4x1xf32>, vector<1x32xf32> into vector<4x32xf32>
func.func @matmul(%a: tensor<64x100xf32>, %b: tensor<100x50xf32>, %c: tensor<64x50xf32>) -> tensor<64x50xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<64x100xf32>, tensor<100x50xf32>) outs(%c : tensor<64x50xf32>) -> tensor<64x50xf32>
  return %r : tensor<64x50xf32>
}

// Batch dimensions are tiled by 1; element-wise ops are left alone.
// CHECK-LABEL: func @batch
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
