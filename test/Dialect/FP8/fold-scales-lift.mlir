// RUN: fp8-opt %s -fp8-fold-scales -split-input-file | FileCheck %s
// RUN: fp8-opt %s -fp8-fold-scales="allow-reassociation" -split-input-file \
// RUN: | FileCheck %s --check-prefix=REASSOC

// fp8-fold-scales lifts f32 linalg contractions of dequantized operands,
// seen through views, into fp8.scaled_matmul (per-tensor, row and block
// scales); each view has a case where the scales cannot follow.

// Per-tensor scales, zero-filled accumulator.
// CHECK-LABEL: func @matmul_tensor
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf8E4M3FN>, %[[SA:.*]]: f32, %[[B:.*]]: tensor<8x2xf8E5M2>, %[[SB:.*]]: tensor<f32>)
// CHECK: %[[R:.*]] = fp8.scaled_matmul %[[A]][%[[SA]]], %[[B]][%[[SB]]] : tensor<4x8xf8E4M3FN>[f32], tensor<8x2xf8E5M2>[tensor<f32>] -> tensor<4x2xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return %[[R]]
func.func @matmul_tensor(%qa: tensor<4x8xf8E4M3FN>, %sa: f32, %qb: tensor<8x2xf8E5M2>, %sb: tensor<f32>) -> tensor<4x2xf32> {
  %a = fp8.dequantize %qa, %sa : tensor<4x8xf8E4M3FN>, f32 to tensor<4x8xf32>
  %b = fp8.dequantize %qb, %sb : tensor<8x2xf8E5M2>, tensor<f32> to tensor<8x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %d = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%z : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}

// -----

// Row-wise lhs, 1x32 blocks, through a transpose of the weights ([N, K]
// stored): the replayed transposes fold into rhs_transposed, leaving the
// weights and their block scale as stored.
// CHECK-LABEL: func @matmul_rows_transposed_weights
// CHECK-SAME: (%[[A:.*]]: tensor<4x64xf8E4M3FN>, %[[SA:.*]]: tensor<4x1xf32>, %[[W:.*]]: tensor<8x64xf8E4M3FN>, %[[SW:.*]]: tensor<8x2xf32>)
// CHECK: %[[R:.*]] = fp8.scaled_matmul %[[A]][%[[SA]]], %[[W]][%[[SW]]] {lhs_block = array<i64: 1, 64>, rhs_block = array<i64: 1, 32>, rhs_transposed}
// CHECK: return %[[R]]
func.func @matmul_rows_transposed_weights(%qa: tensor<4x64xf8E4M3FN>, %sa: tensor<4x1xf32>, %qw: tensor<8x64xf8E4M3FN>, %sw: tensor<8x2xf32>) -> tensor<4x8xf32> {
  %a = fp8.dequantize %qa, %sa {block = array<i64: 1, 64>} : tensor<4x64xf8E4M3FN>, tensor<4x1xf32> to tensor<4x64xf32>
  %w = fp8.dequantize %qw, %sw {block = array<i64: 1, 32>} : tensor<8x64xf8E4M3FN>, tensor<8x2xf32> to tensor<8x64xf32>
  %et = tensor.empty() : tensor<64x8xf32>
  %wt = linalg.transpose ins(%w : tensor<8x64xf32>) outs(%et : tensor<64x8xf32>) permutation = [1, 0]
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %d = linalg.matmul ins(%a, %wt : tensor<4x64xf32>, tensor<64x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// linalg.matmul with a transposed-B indexing map.
// CHECK-LABEL: func @matmul_transpose_b_map
// CHECK: fp8.scaled_matmul {{.*}} {rhs_transposed} : tensor<4x16xf8E4M3FN>[f32], tensor<8x16xf8E4M3FN>[f32] -> tensor<4x8xf32>
func.func @matmul_transpose_b_map(%qa: tensor<4x16xf8E4M3FN>, %qb: tensor<8x16xf8E4M3FN>, %s: f32) -> tensor<4x8xf32> {
  %a = fp8.dequantize %qa, %s : tensor<4x16xf8E4M3FN>, f32 to tensor<4x16xf32>
  %b = fp8.dequantize %qb, %s : tensor<8x16xf8E4M3FN>, f32 to tensor<8x16xf32>
  %z = arith.constant dense<0.0> : tensor<4x8xf32>
  %d = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<4x16xf32>, tensor<8x16xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// Batch matmul of activations (1x32 blocks) against weights broadcast over
// the batch: the scale is broadcast with them.
// CHECK-LABEL: func @batch_matmul_broadcast_weights
// CHECK-SAME: (%[[A:.*]]: tensor<2x4x64xf8E4M3FN>, %[[SA:.*]]: tensor<2x4x2xf32>, %[[W:.*]]: tensor<64x8xf8E4M3FN>, %[[SW:.*]]: tensor<2x1xf32>)
// CHECK: %[[WB:.*]] = linalg.broadcast ins(%[[W]] : tensor<64x8xf8E4M3FN>) outs(%{{.*}} : tensor<2x64x8xf8E4M3FN>) dimensions = [0]
// CHECK: %[[SWB:.*]] = linalg.broadcast ins(%[[SW]] : tensor<2x1xf32>) outs(%{{.*}} : tensor<1x2x1xf32>) dimensions = [0]
// CHECK: fp8.scaled_matmul %[[A]][%[[SA]]], %[[WB]][%[[SWB]]] {lhs_block = array<i64: 1, 1, 32>, rhs_block = array<i64: 2, 32, 8>}
func.func @batch_matmul_broadcast_weights(%qa: tensor<2x4x64xf8E4M3FN>, %sa: tensor<2x4x2xf32>, %qw: tensor<64x8xf8E4M3FN>, %sw: tensor<2x1xf32>) -> tensor<2x4x8xf32> {
  %a = fp8.dequantize %qa, %sa {block = array<i64: 1, 1, 32>} : tensor<2x4x64xf8E4M3FN>, tensor<2x4x2xf32> to tensor<2x4x64xf32>
  %w = fp8.dequantize %qw, %sw {block = array<i64: 32, 8>} : tensor<64x8xf8E4M3FN>, tensor<2x1xf32> to tensor<64x8xf32>
  %eb = tensor.empty() : tensor<2x64x8xf32>
  %wb = linalg.broadcast ins(%w : tensor<64x8xf32>) outs(%eb : tensor<2x64x8xf32>) dimensions = [0]
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %d = linalg.batch_matmul ins(%a, %wb : tensor<2x4x64xf32>, tensor<2x64x8xf32>) outs(%z : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %d : tensor<2x4x8xf32>
}

// -----

// Flattening [2, 3, 64] activations with 1x1x32 blocks to [6, 64]: the
// blocks stay 1x32; the scale is collapsed alike.
// CHECK-LABEL: func @collapse_rows
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x64xf8E4M3FN>, %[[SA:.*]]: tensor<2x3x2xf32>
// CHECK: %[[AC:.*]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<2x3x64xf8E4M3FN> into tensor<6x64xf8E4M3FN>
// CHECK: %[[SC:.*]] = tensor.collapse_shape %[[SA]] {{\[}}[0, 1], [2]] : tensor<2x3x2xf32> into tensor<6x2xf32>
// CHECK: fp8.scaled_matmul %[[AC]][%[[SC]]], {{.*}} {lhs_block = array<i64: 1, 32>}
func.func @collapse_rows(%qa: tensor<2x3x64xf8E4M3FN>, %sa: tensor<2x3x2xf32>, %qb: tensor<64x8xf8E4M3FN>, %sb: f32) -> tensor<6x8xf32> {
  %a3 = fp8.dequantize %qa, %sa {block = array<i64: 1, 1, 32>} : tensor<2x3x64xf8E4M3FN>, tensor<2x3x2xf32> to tensor<2x3x64xf32>
  %a = tensor.collapse_shape %a3 [[0, 1], [2]] : tensor<2x3x64xf32> into tensor<6x64xf32>
  %b = fp8.dequantize %qb, %sb : tensor<64x8xf8E4M3FN>, f32 to tensor<64x8xf32>
  %z = arith.constant dense<0.0> : tensor<6x8xf32>
  %d = linalg.matmul ins(%a, %b : tensor<6x64xf32>, tensor<64x8xf32>) outs(%z : tensor<6x8xf32>) -> tensor<6x8xf32>
  return %d : tensor<6x8xf32>
}

// -----

// Collapsing K = [4, 16] with 2x8 blocks into 64: a 2x8 block is not a
// contiguous run of the flattened K. Not lifted.
// CHECK-LABEL: func @collapse_cuts_blocks
// CHECK: linalg.matmul
func.func @collapse_cuts_blocks(%qa: tensor<2x4x16xf8E4M3FN>, %sa: tensor<2x2x2xf32>, %qb: tensor<64x8xf8E4M3FN>, %sb: f32) -> tensor<2x8xf32> {
  %a3 = fp8.dequantize %qa, %sa {block = array<i64: 1, 2, 8>} : tensor<2x4x16xf8E4M3FN>, tensor<2x2x2xf32> to tensor<2x4x16xf32>
  %a = tensor.collapse_shape %a3 [[0], [1, 2]] : tensor<2x4x16xf32> into tensor<2x64xf32>
  %b = fp8.dequantize %qb, %sb : tensor<64x8xf8E4M3FN>, f32 to tensor<64x8xf32>
  %z = arith.constant dense<0.0> : tensor<2x8xf32>
  %d = linalg.matmul ins(%a, %b : tensor<2x64xf32>, tensor<64x8xf32>) outs(%z : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %d : tensor<2x8xf32>
}

// -----

// Expanding K = 64 (blocks of 32) into [2, 32] is fine for a batch view of
// the weights: [64, 8] -> [1, 64, 8] with the scale [2, 1] -> [1, 2, 1].
// CHECK-LABEL: func @expand_weights
// CHECK: %[[W3:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [1, 64, 8] : tensor<64x8xf8E4M3FN> into tensor<1x64x8xf8E4M3FN>
// CHECK: %[[S3:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1], [2]] output_shape [1, 2, 1] : tensor<2x1xf32> into tensor<1x2x1xf32>
// CHECK: fp8.scaled_matmul %{{.*}}, %[[W3]][%[[S3]]] {rhs_block = array<i64: 1, 32, 8>}
func.func @expand_weights(%qa: tensor<1x4x64xf8E4M3FN>, %sa: f32, %qw: tensor<64x8xf8E4M3FN>, %sw: tensor<2x1xf32>) -> tensor<1x4x8xf32> {
  %a = fp8.dequantize %qa, %sa : tensor<1x4x64xf8E4M3FN>, f32 to tensor<1x4x64xf32>
  %w = fp8.dequantize %qw, %sw {block = array<i64: 32, 8>} : tensor<64x8xf8E4M3FN>, tensor<2x1xf32> to tensor<64x8xf32>
  %w3 = tensor.expand_shape %w [[0, 1], [2]] output_shape [1, 64, 8] : tensor<64x8xf32> into tensor<1x64x8xf32>
  %z = arith.constant dense<0.0> : tensor<1x4x8xf32>
  %d = linalg.batch_matmul ins(%a, %w3 : tensor<1x4x64xf32>, tensor<1x64x8xf32>) outs(%z : tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  return %d : tensor<1x4x8xf32>
}

// -----

// Expanding [6, K] rows with 1x32 blocks into [2, 3, K] batch x rows.
// CHECK-LABEL: func @expand_rows
// CHECK: tensor.expand_shape %{{.*}} output_shape [2, 3, 64] : tensor<6x64xf8E4M3FN> into tensor<2x3x64xf8E4M3FN>
// CHECK: tensor.expand_shape %{{.*}} output_shape [2, 3, 2] : tensor<6x2xf32> into tensor<2x3x2xf32>
// CHECK: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 1, 32>}
func.func @expand_rows(%qa: tensor<6x64xf8E4M3FN>, %sa: tensor<6x2xf32>, %qb: tensor<2x64x8xf8E4M3FN>, %sb: f32) -> tensor<2x3x8xf32> {
  %a2 = fp8.dequantize %qa, %sa {block = array<i64: 1, 32>} : tensor<6x64xf8E4M3FN>, tensor<6x2xf32> to tensor<6x64xf32>
  %a = tensor.expand_shape %a2 [[0, 1], [2]] output_shape [2, 3, 64] : tensor<6x64xf32> into tensor<2x3x64xf32>
  %b = fp8.dequantize %qb, %sb : tensor<2x64x8xf8E4M3FN>, f32 to tensor<2x64x8xf32>
  %z = arith.constant dense<0.0> : tensor<2x3x8xf32>
  %d = linalg.batch_matmul ins(%a, %b : tensor<2x3x64xf32>, tensor<2x64x8xf32>) outs(%z : tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  return %d : tensor<2x3x8xf32>
}

// -----

// Expanding K = 48 with blocks of 16 into [4, 12]: 16 does not tile 12, so
// the blocks are not boxes. Not lifted.
// CHECK-LABEL: func @expand_cuts_blocks
// CHECK: linalg.batch_matmul
func.func @expand_cuts_blocks(%qa: tensor<4x48xf8E4M3FN>, %sa: tensor<4x3xf32>, %qb: tensor<4x12x8xf8E4M3FN>, %sb: f32) -> tensor<4x1x8xf32> {
  %a2 = fp8.dequantize %qa, %sa {block = array<i64: 1, 16>} : tensor<4x48xf8E4M3FN>, tensor<4x3xf32> to tensor<4x48xf32>
  %a = tensor.expand_shape %a2 [[0], [1, 2]] output_shape [4, 4, 12] : tensor<4x48xf32> into tensor<4x4x12xf32>
  %b = fp8.dequantize %qb, %sb : tensor<4x12x8xf8E4M3FN>, f32 to tensor<4x12x8xf32>
  %z = arith.constant dense<0.0> : tensor<4x4x8xf32>
  %d = linalg.batch_matmul ins(%a, %b : tensor<4x4x12xf32>, tensor<4x12x8xf32>) outs(%z : tensor<4x4x8xf32>) -> tensor<4x4x8xf32>
  %r = tensor.extract_slice %d[0, 0, 0] [4, 1, 8] [1, 1, 1] : tensor<4x4x8xf32> to tensor<4x1x8xf32>
  return %r : tensor<4x1x8xf32>
}

// -----

// A block-aligned slice of block-scaled weights, then a copy.
// CHECK-LABEL: func @slice_weights
// CHECK-SAME: (%{{.*}}: tensor<4x64xf8E4M3FN>, %{{.*}}: f32, %[[W:.*]]: tensor<128x16xf8E4M3FN>, %[[SW:.*]]: tensor<4x2xf32>)
// CHECK: %[[WS:.*]] = tensor.extract_slice %[[W]][32, 8] [64, 8] [1, 1] : tensor<128x16xf8E4M3FN> to tensor<64x8xf8E4M3FN>
// CHECK: %[[SS:.*]] = tensor.extract_slice %[[SW]][1, 1] [2, 1] [1, 1] : tensor<4x2xf32> to tensor<2x1xf32>
// CHECK: fp8.scaled_matmul %{{.*}}, %[[WS]][%[[SS]]] {rhs_block = array<i64: 32, 8>}
func.func @slice_weights(%qa: tensor<4x64xf8E4M3FN>, %sa: f32, %qw: tensor<128x16xf8E4M3FN>, %sw: tensor<4x2xf32>) -> tensor<4x8xf32> {
  %a = fp8.dequantize %qa, %sa : tensor<4x64xf8E4M3FN>, f32 to tensor<4x64xf32>
  %w = fp8.dequantize %qw, %sw {block = array<i64: 32, 8>} : tensor<128x16xf8E4M3FN>, tensor<4x2xf32> to tensor<128x16xf32>
  %ws = tensor.extract_slice %w[32, 8] [64, 8] [1, 1] : tensor<128x16xf32> to tensor<64x8xf32>
  %ec = tensor.empty() : tensor<64x8xf32>
  %wc = linalg.copy ins(%ws : tensor<64x8xf32>) outs(%ec : tensor<64x8xf32>) -> tensor<64x8xf32>
  %z = arith.constant dense<0.0> : tensor<4x8xf32>
  %d = linalg.matmul ins(%a, %wc : tensor<4x64xf32>, tensor<64x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// A rank-reducing slice of one batch of per-tensor-scaled weights.
// CHECK-LABEL: func @slice_rank_reducing
// CHECK: %[[WS:.*]] = tensor.extract_slice %{{.*}}[1, 0, 0] [1, 64, 8] [1, 1, 1] : tensor<3x64x8xf8E5M2> to tensor<64x8xf8E5M2>
// CHECK: fp8.scaled_matmul %{{.*}}, %[[WS]][%{{.*}}] : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E5M2>[f32]
func.func @slice_rank_reducing(%qa: tensor<4x64xf8E4M3FN>, %sa: f32, %qw: tensor<3x64x8xf8E5M2>, %sw: f32) -> tensor<4x8xf32> {
  %a = fp8.dequantize %qa, %sa : tensor<4x64xf8E4M3FN>, f32 to tensor<4x64xf32>
  %w = fp8.dequantize %qw, %sw : tensor<3x64x8xf8E5M2>, f32 to tensor<3x64x8xf32>
  %ws = tensor.extract_slice %w[1, 0, 0] [1, 64, 8] [1, 1, 1] : tensor<3x64x8xf32> to tensor<64x8xf32>
  %z = arith.constant dense<0.0> : tensor<4x8xf32>
  %d = linalg.matmul ins(%a, %ws : tensor<4x64xf32>, tensor<64x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// A slice starting inside a block cuts it.
// CHECK-LABEL: func @slice_cuts_blocks
// CHECK: linalg.matmul
func.func @slice_cuts_blocks(%qa: tensor<4x64xf8E4M3FN>, %sa: f32, %qw: tensor<128x8xf8E4M3FN>, %sw: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %a = fp8.dequantize %qa, %sa : tensor<4x64xf8E4M3FN>, f32 to tensor<4x64xf32>
  %w = fp8.dequantize %qw, %sw {block = array<i64: 32, 8>} : tensor<128x8xf8E4M3FN>, tensor<4x1xf32> to tensor<128x8xf32>
  %ws = tensor.extract_slice %w[16, 0] [64, 8] [1, 1] : tensor<128x8xf32> to tensor<64x8xf32>
  %z = arith.constant dense<0.0> : tensor<4x8xf32>
  %d = linalg.matmul ins(%a, %ws : tensor<4x64xf32>, tensor<64x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// A power-of-two multiply before the matmul folds into the dequantize
// scale, then the matmul lifts: the multiply ends up in the op's scale.
// CHECK-LABEL: func @multiply_then_lift
// CHECK: %[[S:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: fp8.scaled_matmul %{{.*}}[%[[S]]]
// CHECK-NOT: arith.mulf
func.func @multiply_then_lift(%qa: tensor<4x64xf8E4M3FN>, %qb: tensor<64x8xf8E4M3FN>, %sb: f32) -> tensor<4x8xf32> {
  %sa = arith.constant 0.125 : f32
  %c = arith.constant dense<4.0> : tensor<4x64xf32>
  %a0 = fp8.dequantize %qa, %sa : tensor<4x64xf8E4M3FN>, f32 to tensor<4x64xf32>
  %a = arith.mulf %a0, %c : tensor<4x64xf32>
  %b = fp8.dequantize %qb, %sb : tensor<64x8xf8E4M3FN>, f32 to tensor<64x8xf32>
  %z = arith.constant dense<0.0> : tensor<4x8xf32>
  %d = linalg.matmul ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%z : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// A generic contraction reading the lhs as [K, M]: the narrow lhs is
// transposed for the op.
// CHECK-LABEL: func @generic_lhs_transposed
// CHECK-SAME: (%[[AT:.*]]: tensor<16x4xf8E4M3FN>
// CHECK: %[[A:.*]] = linalg.transpose ins(%[[AT]] : tensor<16x4xf8E4M3FN>) outs(%{{.*}} : tensor<4x16xf8E4M3FN>) permutation = [1, 0]
// CHECK: fp8.scaled_matmul %[[A]]
func.func @generic_lhs_transposed(%qat: tensor<16x4xf8E4M3FN>, %qb: tensor<16x8xf8E4M3FN>, %s: f32) -> tensor<4x8xf32> {
  %at = fp8.dequantize %qat, %s : tensor<16x4xf8E4M3FN>, f32 to tensor<16x4xf32>
  %b = fp8.dequantize %qb, %s : tensor<16x8xf8E4M3FN>, f32 to tensor<16x8xf32>
  %z = arith.constant dense<0.0> : tensor<4x8xf32>
  %d = linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%at, %b : tensor<16x4xf32>, tensor<16x8xf32>) outs(%z : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// A bf16 dequantize rounds the operands before the f32 contraction; the
// op would not. Not lifted.
// CHECK-LABEL: func @bf16_operands
// CHECK: linalg.matmul
func.func @bf16_operands(%qa: tensor<4x8xf8E4M3FN>, %qb: tensor<8x2xf8E4M3FN>, %s: f32) -> tensor<4x2xf32> {
  %a = fp8.dequantize %qa, %s : tensor<4x8xf8E4M3FN>, f32 to tensor<4x8xbf16>
  %b = fp8.dequantize %qb, %s : tensor<8x2xf8E4M3FN>, f32 to tensor<8x2xbf16>
  %z = arith.constant dense<0.0> : tensor<4x2xf32>
  %d = linalg.matmul ins(%a, %b : tensor<4x8xbf16>, tensor<8x2xbf16>) outs(%z : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}

// -----

// One operand is plain f32: nothing to lift.
// CHECK-LABEL: func @plain_operand
// CHECK: linalg.matmul
func.func @plain_operand(%qa: tensor<4x8xf8E4M3FN>, %b: tensor<8x2xf32>, %s: f32) -> tensor<4x2xf32> {
  %a = fp8.dequantize %qa, %s : tensor<4x8xf8E4M3FN>, f32 to tensor<4x8xf32>
  %z = arith.constant dense<0.0> : tensor<4x2xf32>
  %d = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%z : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}

// -----

// -0.0 is not the op's +0 start (-0 + -0 = -0, +0 + -0 = +0).
// CHECK-LABEL: func @negative_zero_init
// CHECK: linalg.matmul
func.func @negative_zero_init(%qa: tensor<4x8xf8E4M3FN>, %qb: tensor<8x2xf8E4M3FN>, %s: f32) -> tensor<4x2xf32> {
  %a = fp8.dequantize %qa, %s : tensor<4x8xf8E4M3FN>, f32 to tensor<4x8xf32>
  %b = fp8.dequantize %qb, %s : tensor<8x2xf8E4M3FN>, f32 to tensor<8x2xf32>
  %z = arith.constant dense<-0.0> : tensor<4x2xf32>
  %d = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%z : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}

// -----

// Accumulating into C: C + sum is sum + C only under reassociation.
// CHECK-LABEL: func @accumulate
// CHECK: linalg.matmul
// REASSOC-LABEL: func @accumulate
// REASSOC-SAME: %[[C:[^:]*]]: tensor<4x2xf32>)
// REASSOC: fp8.scaled_matmul {{.*}} bias(%[[C]] : tensor<4x2xf32>)
func.func @accumulate(%qa: tensor<4x8xf8E4M3FN>, %qb: tensor<8x2xf8E4M3FN>, %s: f32, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %a = fp8.dequantize %qa, %s : tensor<4x8xf8E4M3FN>, f32 to tensor<4x8xf32>
  %b = fp8.dequantize %qb, %s : tensor<8x2xf8E4M3FN>, f32 to tensor<8x2xf32>
  %d = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%c : tensor<4x2xf32>) -> tensor<4x2xf32>
  return %d : tensor<4x2xf32>
}
