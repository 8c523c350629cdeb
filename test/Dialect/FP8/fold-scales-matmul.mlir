// RUN: fp8-opt %s -fp8-fold-scales -split-input-file | FileCheck %s
// RUN: fp8-opt %s -fp8-fold-scales="allow-reassociation" -split-input-file \
// RUN: | FileCheck %s --check-prefix=REASSOC

// fp8-fold-scales on fp8.scaled_matmul: output quantization, amax, bias,
// multiplies into scales and transposes into rhs_transposed. Each fold has
// a case where it must not apply; the REASSOC prefix checks the folds that
// only allow-reassociation enables.

// CHECK-LABEL: func @quantize_output
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf8E4M3FN>, %[[B:.*]]: tensor<8x4xf8E4M3FN>, %[[S:.*]]: f32, %[[SO:.*]]: tensor<bf16>)
// CHECK: %[[E:.*]] = tensor.extract %[[SO]][] : tensor<bf16>
// CHECK: %[[F:.*]] = arith.extf %[[E]] : bf16 to f32
// CHECK: %[[R:.*]] = fp8.scaled_matmul %[[A]][%[[S]]], %[[B]][%[[S]]] out_scale(%[[F]]) {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>} : {{.*}} -> tensor<4x4xf8E5M2>
// CHECK: return %[[R]]
func.func @quantize_output(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32, %so: tensor<bf16>) -> tensor<4x4xf8E5M2> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %q = fp8.quantize %d, %so {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>} : tensor<4x4xf32>, tensor<bf16> to tensor<4x4xf8E5M2>
  return %q : tensor<4x4xf8E5M2>
}

// -----

// The f32 result is also returned: it must stay.
// CHECK-LABEL: func @quantize_output_other_use
// CHECK: %[[D:.*]] = fp8.scaled_matmul {{.*}} -> tensor<4x4xf32>
// CHECK: fp8.quantize %[[D]]
func.func @quantize_output_other_use(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32) -> (tensor<4x4xf8E5M2>, tensor<4x4xf32>) {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %q = fp8.quantize %d, %s : tensor<4x4xf32>, f32 to tensor<4x4xf8E5M2>
  return %q, %d : tensor<4x4xf8E5M2>, tensor<4x4xf32>
}

// -----

// Block output scales do not fit the op's per-tensor out_scale.
// CHECK-LABEL: func @quantize_output_blocks
// CHECK: fp8.scaled_matmul {{.*}} -> tensor<4x4xf32>
// CHECK: fp8.quantize
func.func @quantize_output_blocks(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32, %so: tensor<4x1xf32>) -> tensor<4x4xf8E5M2> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %q = fp8.quantize %d, %so {block = array<i64: 1, 4>} : tensor<4x4xf32>, tensor<4x1xf32> to tensor<4x4xf8E5M2>
  return %q : tensor<4x4xf8E5M2>
}

// -----

// Just-in-time scaling from the op's own amax: the scale depends on the op.
// The amax folds; the quantize cannot.
// CHECK-LABEL: func @quantize_output_own_amax
// CHECK: %[[D:.*]], %[[M:.*]] = fp8.scaled_matmul {{.*}} -> tensor<4x4xf32>, f32
// CHECK: %[[S:.*]] = fp8.compute_scale %[[M]]
// CHECK: fp8.quantize %[[D]], %[[S]]
func.func @quantize_output_own_amax(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32) -> tensor<4x4xf8E4M3FN> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %m = fp8.amax %d : tensor<4x4xf32> -> f32
  %so = fp8.compute_scale %m {format = f8E4M3FN} : f32 -> f32
  %q = fp8.quantize %d, %so : tensor<4x4xf32>, f32 to tensor<4x4xf8E4M3FN>
  return %q : tensor<4x4xf8E4M3FN>
}

// -----

// Delayed scaling: the scale comes from outside, both fold.
// CHECK-LABEL: func @amax_and_quantize
// CHECK-SAME: %[[SO:[^:]*]]: f32)
// CHECK: %[[Q:.*]], %[[M:.*]] = fp8.scaled_matmul {{.*}} out_scale(%[[SO]]) {{.*}} -> tensor<4x4xf8E4M3FN>, f32
// CHECK: return %[[Q]], %[[M]]
func.func @amax_and_quantize(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32, %so: f32) -> (tensor<4x4xf8E4M3FN>, f32) {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %m = fp8.amax %d : tensor<4x4xf32> -> f32
  %q = fp8.quantize %d, %so : tensor<4x4xf32>, f32 to tensor<4x4xf8E4M3FN>
  return %q, %m : tensor<4x4xf8E4M3FN>, f32
}

// -----

// The amax of a bf16 result is of rounded values, not the op's f32 result.
// CHECK-LABEL: func @amax_bf16
// CHECK: fp8.scaled_matmul {{.*}} -> tensor<4x4xbf16>
// CHECK: fp8.amax
func.func @amax_bf16(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32) -> f32 {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xbf16>
  %m = fp8.amax %d : tensor<4x4xbf16> -> f32
  return %m : f32
}

// -----

// Blocked amax has no counterpart on the op.
// CHECK-LABEL: func @amax_blocks
// CHECK: fp8.amax
func.func @amax_blocks(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32) -> tensor<4x1xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %m = fp8.amax %d {block = array<i64: 1, 4>} : tensor<4x4xf32> -> tensor<4x1xf32>
  return %m : tensor<4x1xf32>
}

// -----

// A row bias broadcast along M becomes the op's [N] bias.
// CHECK-LABEL: func @bias_row
// CHECK-SAME: %[[BIAS:[^:]*]]: tensor<4xf32>)
// CHECK: %[[R:.*]] = fp8.scaled_matmul {{.*}} bias(%[[BIAS]] : tensor<4xf32>)
// CHECK-NOT: arith.addf
// CHECK: return %[[R]]
func.func @bias_row(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32, %bias: tensor<4xf32>) -> tensor<4x4xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %e = tensor.empty() : tensor<4x4xf32>
  %bb = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<4x4xf32>) dimensions = [0]
  %r = arith.addf %bb, %d : tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// A full-shape bf16 bias, extended: the op extends it the same way.
// CHECK-LABEL: func @bias_full_bf16
// CHECK-SAME: %[[BIAS:[^:]*]]: tensor<4x4xbf16>)
// CHECK: fp8.scaled_matmul {{.*}} bias(%[[BIAS]] : tensor<4x4xbf16>)
func.func @bias_full_bf16(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32, %bias: tensor<4x4xbf16>) -> tensor<4x4xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %x = arith.extf %bias : tensor<4x4xbf16> to tensor<4x4xf32>
  %r = arith.addf %d, %x : tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// A second bias reassociates: only with allow-reassociation.
// CHECK-LABEL: func @bias_second
// CHECK: fp8.scaled_matmul
// CHECK: arith.addf
// REASSOC-LABEL: func @bias_second
// REASSOC-SAME: (%{{.*}}: tensor<4x8xf8E4M3FN>, %{{.*}}: tensor<8x4xf8E4M3FN>, %{{.*}}: f32, %[[B1:.*]]: tensor<4x4xf32>, %[[B2:.*]]: tensor<4x4xf32>)
// REASSOC: %[[SUM:.*]] = arith.addf %[[B1]], %[[B2]] : tensor<4x4xf32>
// REASSOC: %[[R:.*]] = fp8.scaled_matmul {{.*}} bias(%[[SUM]] : tensor<4x4xf32>)
// REASSOC: return %[[R]]
func.func @bias_second(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32, %b1: tensor<4x4xf32>, %b2: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] bias(%b1 : tensor<4x4xf32>) : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>
  %r = arith.addf %d, %b2 : tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// The op's amax is used: adding the bias would change it.
// CHECK-LABEL: func @bias_used_amax
// CHECK: fp8.scaled_matmul
// CHECK: arith.addf
func.func @bias_used_amax(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>, %s: f32, %bias: tensor<4x4xf32>) -> (tensor<4x4xf32>, f32) {
  %d, %m = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<4x4xf32>, f32
  %r = arith.addf %d, %bias : tensor<4x4xf32>
  return %r, %m : tensor<4x4xf32>, f32
}

// -----

// A transposed rhs (and its block scale) becomes rhs_transposed.
// CHECK-LABEL: func @transpose_rhs
// CHECK-SAME: (%[[A:.*]]: tensor<4x64xf8E4M3FN>, %[[SA:.*]]: f32, %[[BT:.*]]: tensor<8x64xf8E5M2>, %[[SBT:.*]]: tensor<8x2xf32>)
// CHECK: %[[R:.*]] = fp8.scaled_matmul %[[A]][%[[SA]]], %[[BT]][%[[SBT]]] {rhs_block = array<i64: 1, 32>, rhs_transposed}
// CHECK: return %[[R]]
func.func @transpose_rhs(%a: tensor<4x64xf8E4M3FN>, %sa: f32, %bt: tensor<8x64xf8E5M2>, %sbt: tensor<8x2xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<64x8xf8E5M2>
  %b = linalg.transpose ins(%bt : tensor<8x64xf8E5M2>) outs(%e : tensor<64x8xf8E5M2>) permutation = [1, 0]
  %es = tensor.empty() : tensor<2x8xf32>
  %sb = linalg.transpose ins(%sbt : tensor<8x2xf32>) outs(%es : tensor<2x8xf32>) permutation = [1, 0]
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_block = array<i64: 32, 1>} : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E5M2>[tensor<2x8xf32>] -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// Already transposed: the transpose cancels.
// CHECK-LABEL: func @transpose_rhs_back
// CHECK-SAME: %[[B:[^:]*]]: tensor<2x64x8xf8E4M3FN>)
// CHECK: fp8.scaled_matmul %{{.*}}, %[[B]][%{{.*}}] : tensor<2x4x64xf8E4M3FN>[f32], tensor<2x64x8xf8E4M3FN>[f32] -> tensor<2x4x8xf32>
func.func @transpose_rhs_back(%a: tensor<2x4x64xf8E4M3FN>, %s: f32, %b: tensor<2x64x8xf8E4M3FN>) -> tensor<2x4x8xf32> {
  %e = tensor.empty() : tensor<2x8x64xf8E4M3FN>
  %bt = linalg.transpose ins(%b : tensor<2x64x8xf8E4M3FN>) outs(%e : tensor<2x8x64xf8E4M3FN>) permutation = [0, 2, 1]
  %d = fp8.scaled_matmul %a[%s], %bt[%s] {rhs_transposed} : tensor<2x4x64xf8E4M3FN>[f32], tensor<2x8x64xf8E4M3FN>[f32] -> tensor<2x4x8xf32>
  return %d : tensor<2x4x8xf32>
}

// -----

// A transpose that also moves the batch dimension is not a rhs transpose.
// CHECK-LABEL: func @transpose_batch
// CHECK: linalg.transpose
// CHECK: fp8.scaled_matmul
// CHECK-NOT: rhs_transposed
func.func @transpose_batch(%a: tensor<2x4x2xf8E4M3FN>, %s: f32, %b: tensor<2x2x8xf8E4M3FN>) -> tensor<2x4x8xf32> {
  %e = tensor.empty() : tensor<2x2x8xf8E4M3FN>
  %bt = linalg.transpose ins(%b : tensor<2x2x8xf8E4M3FN>) outs(%e : tensor<2x2x8xf8E4M3FN>) permutation = [1, 0, 2]
  %d = fp8.scaled_matmul %a[%s], %bt[%s] : tensor<2x4x2xf8E4M3FN>[f32], tensor<2x2x8xf8E4M3FN>[f32] -> tensor<2x4x8xf32>
  return %d : tensor<2x4x8xf32>
}

// -----

// Power-of-two scalar multiply with power-of-two constant scales and a
// small K: provably exact.
// CHECK-LABEL: func @multiply_scalar
// CHECK-DAG: %[[SA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[SB:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[R:.*]] = fp8.scaled_matmul %{{.*}}[%[[SA]]], %{{.*}}[%[[SB]]]
// CHECK-NOT: arith.mulf
// CHECK: return %[[R]]
func.func @multiply_scalar(%a: tensor<4x64xf8E4M3FN>, %b: tensor<64x8xf8E4M3FN>) -> tensor<4x8xf32> {
  %sa = arith.constant 0.25 : f32
  %sb = arith.constant 0.5 : f32
  %c = arith.constant dense<4.0> : tensor<4x8xf32>
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E4M3FN>[f32] -> tensor<4x8xf32>
  %r = arith.mulf %d, %c : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Per-column multiplier into a per-column rhs scale (rhs transposed).
// CHECK-LABEL: func @multiply_columns
// CHECK: %[[SB:.*]] = arith.constant dense<{{\[}}[2.000000e+00], [5.000000e-01]]> : tensor<2x1xf32>
// CHECK: fp8.scaled_matmul %{{.*}}, %{{.*}}[%[[SB]]] {rhs_block = array<i64: 1, 16>, rhs_transposed}
func.func @multiply_columns(%a: tensor<4x16xf8E5M2>, %b: tensor<2x16xf8E5M2>) -> tensor<4x2xf32> {
  %sa = arith.constant 1.0 : f32
  %sb = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %c = arith.constant dense<[[2.0, 0.25], [2.0, 0.25], [2.0, 0.25], [2.0, 0.25]]> : tensor<4x2xf32>
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_block = array<i64: 1, 16>, rhs_transposed} : tensor<4x16xf8E5M2>[f32], tensor<2x16xf8E5M2>[tensor<2x1xf32>] -> tensor<4x2xf32>
  %r = arith.mulf %c, %d : tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

// Per-row multiplier: a per-tensor lhs scale becomes per-row.
// CHECK-LABEL: func @multiply_rows
// CHECK: %[[SA:.*]] = arith.constant dense<{{\[}}[1.000000e+00], [4.000000e+00]]> : tensor<2x1xf32>
// CHECK: fp8.scaled_matmul %{{.*}}[%[[SA]]], %{{.*}} {lhs_block = array<i64: 1, 16>}
func.func @multiply_rows(%a: tensor<2x16xf8E4M3FN>, %b: tensor<16x3xf8E4M3FN>) -> tensor<2x3xf32> {
  %s = arith.constant 1.0 : f32
  %c = arith.constant dense<[[1.0, 1.0, 1.0], [4.0, 4.0, 4.0]]> : tensor<2x3xf32>
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<2x16xf8E4M3FN>[f32], tensor<16x3xf8E4M3FN>[f32] -> tensor<2x3xf32>
  %r = arith.mulf %d, %c : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// Multiplying by 3 rounds the f32 result once more; folded, the scale
// would change every product. Only with allow-reassociation.
// CHECK-LABEL: func @multiply_not_pow2
// CHECK: fp8.scaled_matmul
// CHECK: arith.mulf
// REASSOC-LABEL: func @multiply_not_pow2
// REASSOC: %[[SA:.*]] = arith.constant 7.500000e-01 : f32
// REASSOC: fp8.scaled_matmul %{{.*}}[%[[SA]]]
// REASSOC-NOT: arith.mulf
func.func @multiply_not_pow2(%a: tensor<4x64xf8E4M3FN>, %b: tensor<64x8xf8E4M3FN>) -> tensor<4x8xf32> {
  %s = arith.constant 0.25 : f32
  %c = arith.constant dense<3.0> : tensor<4x8xf32>
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E4M3FN>[f32] -> tensor<4x8xf32>
  %r = arith.mulf %d, %c : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Small power-of-two scales (2^-63): every product is still a multiple of
// 2^-149, so even subnormal results are exact before and after.
// CHECK-LABEL: func @multiply_small_scales
// CHECK-NOT: arith.mulf
// CHECK: return
func.func @multiply_small_scales(%a: tensor<4x64xf8E4M3FN>, %b: tensor<64x8xf8E4M3FN>) -> tensor<4x8xf32> {
  %s = arith.constant 0x20000000 : f32
  %c = arith.constant dense<2.0> : tensor<4x8xf32>
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E4M3FN>[f32] -> tensor<4x8xf32>
  %r = arith.mulf %d, %c : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Scales of 2^-70: products of small codes (2^-158) round in f32's
// subnormal range, differently once scaled.
// CHECK-LABEL: func @multiply_subnormal
// CHECK: fp8.scaled_matmul
// CHECK: arith.mulf
func.func @multiply_subnormal(%a: tensor<4x64xf8E4M3FN>, %b: tensor<64x8xf8E4M3FN>) -> tensor<4x8xf32> {
  %s = arith.constant 0x1C800000 : f32
  %c = arith.constant dense<2.0> : tensor<4x8xf32>
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E4M3FN>[f32] -> tensor<4x8xf32>
  %r = arith.mulf %d, %c : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Huge scales: partial sums may overflow after scaling.
// CHECK-LABEL: func @multiply_overflow
// CHECK: fp8.scaled_matmul
// CHECK: arith.mulf
func.func @multiply_overflow(%a: tensor<4x64xf8E4M3FN>, %b: tensor<64x8xf8E4M3FN>) -> tensor<4x8xf32> {
  %s = arith.constant 0x5F000000 : f32
  %c = arith.constant dense<2.0> : tensor<4x8xf32>
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E4M3FN>[f32] -> tensor<4x8xf32>
  %r = arith.mulf %d, %c : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Runtime scales: no bound, only with allow-reassociation (splat into f32).
// CHECK-LABEL: func @multiply_runtime_scale
// CHECK: fp8.scaled_matmul
// CHECK: arith.mulf
// REASSOC-LABEL: func @multiply_runtime_scale
// REASSOC-SAME: (%{{.*}}: tensor<4x64xf8E4M3FN>, %{{.*}}: tensor<64x8xf8E4M3FN>, %[[S:.*]]: f32)
// REASSOC: %[[C:.*]] = arith.constant 2.000000e+00 : f32
// REASSOC: %[[S2:.*]] = arith.mulf %[[S]], %[[C]] : f32
// REASSOC: fp8.scaled_matmul %{{.*}}[%[[S2]]], %{{.*}}[%[[S]]]
func.func @multiply_runtime_scale(%a: tensor<4x64xf8E4M3FN>, %b: tensor<64x8xf8E4M3FN>, %s: f32) -> tensor<4x8xf32> {
  %c = arith.constant dense<2.0> : tensor<4x8xf32>
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<4x64xf8E4M3FN>[f32], tensor<64x8xf8E4M3FN>[f32] -> tensor<4x8xf32>
  %r = arith.mulf %d, %c : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// A multiplier that varies along both M and N is not a row or column scale.
// CHECK-LABEL: func @multiply_both
// CHECK: fp8.scaled_matmul
// CHECK: arith.mulf
func.func @multiply_both(%a: tensor<2x16xf8E4M3FN>, %b: tensor<16x2xf8E4M3FN>) -> tensor<2x2xf32> {
  %s = arith.constant 1.0 : f32
  %c = arith.constant dense<[[1.0, 2.0], [4.0, 8.0]]> : tensor<2x2xf32>
  %d = fp8.scaled_matmul %a[%s], %b[%s] : tensor<2x16xf8E4M3FN>[f32], tensor<16x2xf8E4M3FN>[f32] -> tensor<2x2xf32>
  %r = arith.mulf %d, %c : tensor<2x2xf32>
  return %r : tensor<2x2xf32>
}
