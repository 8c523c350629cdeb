// RUN: fp8-opt %s --fp8-collapse-broadcast-contractions -split-input-file | FileCheck %s

// A batch_matmul against a weight broadcast along the batch: one matmul of
// the [B*M, K] activations by the weight itself, the zero fill kept a fill,
// the result expanded back; the broadcast is gone.

// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @rhs_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<64x4x256xf32>, %[[W:.*]]: tensor<256x768xf32>)
// CHECK-NOT: linalg.broadcast
// CHECK: %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2]] : tensor<64x4x256xf32> into tensor<256x256xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<256x768xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<256x768xf32>)
// CHECK: %[[C:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[A2]], %[[W]] : tensor<256x256xf32>, tensor<256x768xf32>) outs(%[[F]] : tensor<256x768xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[R:.*]] = tensor.expand_shape %[[C]] {{\[\[}}0, 1], [2]] output_shape [64, 4, 768] : tensor<256x768xf32> into tensor<64x4x768xf32>
// CHECK: return %[[R]]
func.func @rhs_broadcast(%a: tensor<64x4x256xf32>, %w: tensor<256x768xf32>) -> tensor<64x4x768xf32> {
  %z = arith.constant 0.0 : f32
  %eb = tensor.empty() : tensor<64x256x768xf32>
  %b = linalg.broadcast ins(%w : tensor<256x768xf32>) outs(%eb : tensor<64x256x768xf32>) dimensions = [0]
  %e = tensor.empty() : tensor<64x4x768xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<64x4x768xf32>) -> tensor<64x4x768xf32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<64x4x256xf32>, tensor<64x256x768xf32>) outs(%f : tensor<64x4x768xf32>) -> tensor<64x4x768xf32>
  return %r : tensor<64x4x768xf32>
}

// -----

// torch-mlir's broadcast: a linalg.generic that copies its input; the
// weight is also transposed by it ([N, K] source), which the collapsed
// contraction reads as it is ([N, K] rhs map). The broadcast's other use
// keeps it.

// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func.func @generic_transposing_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<16x2x64xf32>, %[[W:.*]]: tensor<192x64xf32>)
// CHECK: %[[B:.*]] = linalg.generic
// CHECK: %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2]] : tensor<16x2x64xf32> into tensor<32x64xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[RHS]], #{{.*}}]
// CHECK-SAME: ins(%[[A2]], %[[W]] : tensor<32x64xf32>, tensor<192x64xf32>) outs(%{{.*}} : tensor<32x192xf32>)
// CHECK: tensor.expand_shape {{.*}} : tensor<32x192xf32> into tensor<16x2x192xf32>
// CHECK: return {{.*}}, %[[B]]
func.func @generic_transposing_broadcast(%a: tensor<16x2x64xf32>, %w: tensor<192x64xf32>) -> (tensor<16x2x192xf32>, tensor<16x64x192xf32>) {
  %z = arith.constant 0.0 : f32
  %eb = tensor.empty() : tensor<16x64x192xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<192x64xf32>) outs(%eb : tensor<16x64x192xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<16x64x192xf32>
  %e = tensor.empty() : tensor<16x2x192xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x2x192xf32>) -> tensor<16x2x192xf32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<16x2x64xf32>, tensor<16x64x192xf32>) outs(%f : tensor<16x2x192xf32>) -> tensor<16x2x192xf32>
  return %r, %b : tensor<16x2x192xf32>, tensor<16x64x192xf32>
}

// -----

// A broadcast lhs: the batch joins N. The rhs [B, K, N] is transposed to
// [K, B, N] and collapsed to [K, B*N]; the [M, B*N] result is expanded and
// transposed back to [B, M, N]. An init that is not a fill (an
// accumulator) is brought into the same layout.

// CHECK-LABEL: func.func @lhs_broadcast
// CHECK-SAME: (%[[W:.*]]: tensor<8x32xf32>, %[[X:.*]]: tensor<4x32x16xf32>, %[[C:.*]]: tensor<4x8x16xf32>)
// CHECK: %[[XT:.*]] = linalg.transpose ins(%[[X]] : tensor<4x32x16xf32>) outs(%{{.*}} : tensor<32x4x16xf32>) permutation = [1, 0, 2]
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[XT]] {{\[\[}}0], [1, 2]] : tensor<32x4x16xf32> into tensor<32x64xf32>
// CHECK: %[[CT:.*]] = linalg.transpose ins(%[[C]] : tensor<4x8x16xf32>) outs(%{{.*}} : tensor<8x4x16xf32>) permutation = [1, 0, 2]
// CHECK: %[[C2:.*]] = tensor.collapse_shape %[[CT]] {{\[\[}}0], [1, 2]] : tensor<8x4x16xf32> into tensor<8x64xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[W]], %[[X2]] : tensor<8x32xf32>, tensor<32x64xf32>) outs(%[[C2]] : tensor<8x64xf32>)
// CHECK: %[[RE:.*]] = tensor.expand_shape %[[R]] {{\[\[}}0], [1, 2]] output_shape [8, 4, 16] : tensor<8x64xf32> into tensor<8x4x16xf32>
// CHECK: %[[RT:.*]] = linalg.transpose ins(%[[RE]] : tensor<8x4x16xf32>) outs(%{{.*}} : tensor<4x8x16xf32>) permutation = [1, 0, 2]
// CHECK: return %[[RT]]
func.func @lhs_broadcast(%w: tensor<8x32xf32>, %x: tensor<4x32x16xf32>, %c: tensor<4x8x16xf32>) -> tensor<4x8x16xf32> {
  %eb = tensor.empty() : tensor<4x8x32xf32>
  %b = linalg.broadcast ins(%w : tensor<8x32xf32>) outs(%eb : tensor<4x8x32xf32>) dimensions = [0]
  %r = linalg.batch_matmul ins(%b, %x : tensor<4x8x32xf32>, tensor<4x32x16xf32>) outs(%c : tensor<4x8x16xf32>) -> tensor<4x8x16xf32>
  return %r : tensor<4x8x16xf32>
}

// -----

// Broadcast along one of two batch dimensions: the other stays a batch
// dimension of the collapsed contraction; f16 operands keep the body's
// extension to the f32 accumulator.

// CHECK-LABEL: func.func @partial_broadcast_f16
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x4x8xf16>, %[[W:.*]]: tensor<2x8x5xf16>
// CHECK: %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0], [1, 2], [3]] : tensor<2x3x4x8xf16> into tensor<2x12x8xf16>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[A2]], %[[W]] : tensor<2x12x8xf16>, tensor<2x8x5xf16>) outs(%{{.*}} : tensor<2x12x5xf32>)
// CHECK: arith.extf
// CHECK: arith.extf
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0], [1, 2], [3]] output_shape [2, 3, 4, 5] : tensor<2x12x5xf32> into tensor<2x3x4x5xf32>
func.func @partial_broadcast_f16(%a: tensor<2x3x4x8xf16>, %w: tensor<2x8x5xf16>, %c: tensor<2x3x4x5xf32>) -> tensor<2x3x4x5xf32> {
  %eb = tensor.empty() : tensor<2x3x8x5xf16>
  %b = linalg.broadcast ins(%w : tensor<2x8x5xf16>) outs(%eb : tensor<2x3x8x5xf16>) dimensions = [1]
  %r = linalg.generic {indexing_maps = [affine_map<(b0, b1, m, n, k) -> (b0, b1, m, k)>, affine_map<(b0, b1, m, n, k) -> (b0, b1, k, n)>, affine_map<(b0, b1, m, n, k) -> (b0, b1, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%a, %b : tensor<2x3x4x8xf16>, tensor<2x3x8x5xf16>) outs(%c : tensor<2x3x4x5xf32>) {
  ^bb0(%x: f16, %y: f16, %acc: f32):
    %xf = arith.extf %x : f16 to f32
    %yf = arith.extf %y : f16 to f32
    %p = arith.mulf %xf, %yf : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x3x4x5xf32>
  return %r : tensor<2x3x4x5xf32>
}

// -----

// A dynamic batch: the collapsed sizes are dynamic, the result is
// expanded with the batch size of the init.

// CHECK-LABEL: func.func @dynamic_batch
// CHECK-SAME: (%[[A:.*]]: tensor<?x4x16xf32>, %[[W:.*]]: tensor<16x8xf32>, %[[C:.*]]: tensor<?x4x8xf32>)
// CHECK: %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[\[}}0, 1], [2]] : tensor<?x4x16xf32> into tensor<?x16xf32>
// CHECK: %[[C2:.*]] = tensor.collapse_shape %[[C]] {{\[\[}}0, 1], [2]] : tensor<?x4x8xf32> into tensor<?x8xf32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[A2]], %[[W]] : tensor<?x16xf32>, tensor<16x8xf32>) outs(%[[C2]] : tensor<?x8xf32>)
// CHECK: %[[D:.*]] = tensor.dim %[[C]], %{{.*}} : tensor<?x4x8xf32>
// CHECK: tensor.expand_shape %[[R]] {{\[\[}}0, 1], [2]] output_shape [%[[D]], 4, 8] : tensor<?x8xf32> into tensor<?x4x8xf32>
func.func @dynamic_batch(%a: tensor<?x4x16xf32>, %w: tensor<16x8xf32>, %c: tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?x4x16xf32>
  %eb = tensor.empty(%n) : tensor<?x16x8xf32>
  %b = linalg.broadcast ins(%w : tensor<16x8xf32>) outs(%eb : tensor<?x16x8xf32>) dimensions = [0]
  %r = linalg.batch_matmul ins(%a, %b : tensor<?x4x16xf32>, tensor<?x16x8xf32>) outs(%c : tensor<?x4x8xf32>) -> tensor<?x4x8xf32>
  return %r : tensor<?x4x8xf32>
}

// -----

// Left alone: a broadcast along K (not a batch dimension), a batch
// contraction without a broadcast, and static scale tensors of
// fp8-insert-casts, whose shapes follow the batch layout.

// CHECK-LABEL: func.func @not_collapsed
// CHECK-NOT: tensor.collapse_shape
// CHECK-COUNT-3: linalg.batch_matmul
// CHECK-NOT: tensor.expand_shape
func.func @not_collapsed(%a: tensor<2x4x8xf32>, %v: tensor<2x5xf32>, %bb: tensor<2x8x5xf32>, %w: tensor<8x5xf32>, %c: tensor<2x4x5xf32>) -> (tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>) {
  %eb = tensor.empty() : tensor<2x8x5xf32>
  %k = linalg.broadcast ins(%v : tensor<2x5xf32>) outs(%eb : tensor<2x8x5xf32>) dimensions = [1]
  %r0 = linalg.batch_matmul ins(%a, %k : tensor<2x4x8xf32>, tensor<2x8x5xf32>) outs(%c : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  %r1 = linalg.batch_matmul ins(%a, %bb : tensor<2x4x8xf32>, tensor<2x8x5xf32>) outs(%c : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  %b = linalg.broadcast ins(%w : tensor<8x5xf32>) outs(%eb : tensor<2x8x5xf32>) dimensions = [0]
  %r2 = linalg.batch_matmul {fp8.rhs_scale = dense<1.0> : tensor<2x1x5xf32>} ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x5xf32>) outs(%c : tensor<2x4x5xf32>) -> tensor<2x4x5xf32>
  return %r0, %r1, %r2 : tensor<2x4x5xf32>, tensor<2x4x5xf32>, tensor<2x4x5xf32>
}
