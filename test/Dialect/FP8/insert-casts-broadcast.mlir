// RUN: fp8-opt %s --fp8-insert-casts="scaling=row recipe=hfp8" -split-input-file | FileCheck %s

// torch-mlir's attention in-projection: the weight, transposed and copied
// to every position of the sequence by a linalg.generic, multiplied by the
// [seq, batch, d] activations in a batch_matmul. The weight is quantized
// once, per column, and the product is one [seq*batch, d] x [d, 3d] scaled
// matmul; nothing of the broadcast is left.

// CHECK-LABEL: func.func @in_projection
// CHECK-SAME: (%[[X:.*]]: tensor<16x2x64xf32>, %[[W:.*]]: tensor<192x64xf32>)
// CHECK-NOT: linalg.batch_matmul
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0, 1], [2]] : tensor<16x2x64xf32> into tensor<32x64xf32>
// CHECK: fp8.amax %[[X2]] {block = array<i64: 1, 64>} : tensor<32x64xf32> -> tensor<32x1xf32>
// CHECK: %[[AW:.*]] = fp8.amax %[[W]] {block = array<i64: 1, 64>} : tensor<192x64xf32> -> tensor<192x1xf32>
// CHECK: %[[R:.*]] = fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 64>, rhs_block = array<i64: 1, 64>, rhs_transposed}
// CHECK-SAME: tensor<32x64xf8E4M3FN>[tensor<32x1xf32>], tensor<192x64xf8E4M3FN>[tensor<192x1xf32>] -> tensor<32x192xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2]] output_shape [16, 2, 192] : tensor<32x192xf32> into tensor<16x2x192xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[E]]
func.func @in_projection(%x: tensor<16x2x64xf32>, %w: tensor<192x64xf32>) -> tensor<16x2x192xf32> {
  %z = arith.constant 0.0 : f32
  %eb = tensor.empty() : tensor<16x64x192xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<192x64xf32>) outs(%eb : tensor<16x64x192xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x64x192xf32>
  %e = tensor.empty() : tensor<16x2x192xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x2x192xf32>) -> tensor<16x2x192xf32>
  %r = linalg.batch_matmul ins(%x, %b : tensor<16x2x64xf32>, tensor<16x64x192xf32>) outs(%f : tensor<16x2x192xf32>) -> tensor<16x2x192xf32>
  return %r : tensor<16x2x192xf32>
}

// -----

// The contraction's fp8.role travels with it (E5M2 for gradients under
// hfp8), and a non-zero init becomes the bias, collapsed like the result.

// CHECK-LABEL: func.func @gradient_with_bias
// CHECK-SAME: (%[[X:.*]]: tensor<4x8x32xf32>, %[[W:.*]]: tensor<32x16xf32>, %[[C:.*]]: tensor<4x8x16xf32>)
// CHECK: %[[C2:.*]] = tensor.collapse_shape %[[C]] {{\[\[}}0, 1], [2]] : tensor<4x8x16xf32> into tensor<32x16xf32>
// CHECK: fp8.scaled_matmul {{.*}} bias(%[[C2]] : tensor<32x16xf32>)
// CHECK-SAME: tensor<32x32xf8E5M2>[tensor<32x1xf32>], tensor<32x16xf8E5M2>[tensor<1x16xf32>] -> tensor<32x16xf32>
func.func @gradient_with_bias(%x: tensor<4x8x32xf32>, %w: tensor<32x16xf32>, %c: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %eb = tensor.empty() : tensor<4x32x16xf32>
  %b = linalg.broadcast ins(%w : tensor<32x16xf32>) outs(%eb : tensor<4x32x16xf32>) dimensions = [0]
  %r = linalg.batch_matmul {fp8.role = "grad"} ins(%x, %b : tensor<4x8x32xf32>, tensor<4x32x16xf32>) outs(%c : tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  return %r : tensor<4x8x16xf32>
}
