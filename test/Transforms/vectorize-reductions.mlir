// RUN: fp8-opt %s -fp8-vectorize-reductions -split-input-file | FileCheck %s
// RUN: fp8-opt %s -fp8-vectorize-reductions=max-vector-elements=128 -split-input-file | FileCheck %s --check-prefix=CHUNK
// RUN: not fp8-opt %s -fp8-vectorize-reductions=vector-size=0 -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: fp8-vectorize-reductions: need 1 <= vector-size <= max-vector-elements <= 65536, got 0 and 1024

// A layer norm's variance (torch-mlir's form: keepdim output, the mean
// broadcast in): one row per tile, read as one vector, reduced by a tree.
// CHECK-LABEL: func @variance
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[X:.*]] = vector.transfer_read {{.*}} : tensor<1x1x256xf32>, vector<1x1x256xf32>
// CHECK: %[[D:.*]] = arith.subf %[[X]], %{{.*}} : vector<1x1x256xf32>
// CHECK: %[[SQ:.*]] = arith.mulf %[[D]], %[[D]] : vector<1x1x256xf32>
// CHECK: %[[ROW:.*]] = vector.shape_cast %[[SQ]] : vector<1x1x256xf32> to vector<256xf32>
// CHECK: vector.reduction <add>, %[[ROW]], %{{.*}} fastmath<reassoc> : vector<256xf32> into f32
// CHUNK-LABEL: func @variance
// CHUNK: scf.for {{.*}} to %c256 step %c128
// CHUNK: vector.reduction <add>, %{{.*}}, %{{.*}} fastmath<reassoc> : vector<128xf32> into f32
func.func @variance(%x: tensor<2x16x256xf32>, %mean: tensor<2x16x1xf32>, %init: tensor<2x16x1xf32>) -> tensor<2x16x1xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %mean : tensor<2x16x256xf32>, tensor<2x16x1xf32>) outs(%init : tensor<2x16x1xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %sq = arith.mulf %d, %d : f32
    %s = arith.addf %sq, %out : f32
    linalg.yield %s : f32
  } -> tensor<2x16x1xf32>
  return %r : tensor<2x16x1xf32>
}

// -----

// Softmax's maximum: the same tree (exact in any order).
// CHECK-LABEL: func @row_max
// CHECK: vector.reduction <maximumf>, %{{.*}}, %{{.*}} fastmath<reassoc> : vector<64xf32> into f32
func.func @row_max(%x: tensor<8x64xf32>, %init: tensor<8xf32>) -> tensor<8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<8x64xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

// A reduction along an outer loop: 16-wide vectors of the innermost
// (parallel) loop, combined element-wise in the op's order.
// CHECK-LABEL: func @column_sum
// CHECK: vector.transfer_read {{.*}} : tensor<1x32x16xf32>, vector<1x32x16xf32>
// CHECK-NOT: vector.multi_reduction
// CHECK-NOT: vector.reduction
// CHECK: arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
func.func @column_sum(%x: tensor<4x32x48xf32>, %init: tensor<4x48xf32>) -> tensor<4x48xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : tensor<4x32x48xf32>) outs(%init : tensor<4x48xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<4x48xf32>
  return %r : tensor<4x48xf32>
}

// -----

// Ops whose loops are all reductions (a whole tensor to one value;
// convert-fp8-to-linalg's per-row amax, whose blocks index the result) are
// left alone.
// CHECK-LABEL: func @not_rows
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK-NOT: vector.
func.func @not_rows(%x: tensor<8x32xf32>, %acc: tensor<f32>, %rows: tensor<8x1xf32>) -> (tensor<f32>, tensor<8x1xf32>) {
  %total = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%x : tensor<8x32xf32>) outs(%acc : tensor<f32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %amax = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>], iterator_types = ["reduction", "reduction"]}
      ins(%x : tensor<8x32xf32>) outs(%rows : tensor<8x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = math.absf %in : f32
    %m = arith.maximumf %out, %a : f32
    linalg.yield %m : f32
  } -> tensor<8x1xf32>
  return %total, %amax : tensor<f32>, tensor<8x1xf32>
}
