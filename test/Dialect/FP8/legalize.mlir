// fp8-legalize: scaled matmuls outside a GPU target's supported set are
// decomposed into supported ones; on the CPU nothing changes.
//
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize=target=sm_89 | FileCheck %s
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize=target=sm_90a | FileCheck %s
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize | FileCheck %s --check-prefix=CPU
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize=target=cpu | FileCheck %s --check-prefix=CPU

// CPU-COUNT-6: fp8.scaled_matmul
// CPU-NOT: scf.for
// CPU-NOT: linalg.generic

// E4M3 x E5M2 with per-row and per-column f32 scales, a bias and a bf16
// result: supported as it is.
// CHECK-LABEL: func.func @native_mixed
// CHECK-NEXT: %[[R:.*]] = fp8.scaled_matmul %arg0[%arg1], %arg2[%arg3] bias(%arg4 : tensor<32xf16>) {lhs_block = array<i64: 1, 64>, rhs_block = array<i64: 1, 64>, rhs_transposed}
// CHECK-NEXT: return %[[R]]
func.func @native_mixed(%a: tensor<16x64xf8E4M3FN>, %sa: tensor<16x1xf32>, %b: tensor<32x64xf8E5M2>, %sb: tensor<32x1xf32>, %bias: tensor<32xf16>) -> tensor<16x32xbf16> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<32xf16>) {lhs_block = array<i64: 1, 64>, rhs_block = array<i64: 1, 64>, rhs_transposed}
      : tensor<16x64xf8E4M3FN>[tensor<16x1xf32>], tensor<32x64xf8E5M2>[tensor<32x1xf32>] -> tensor<16x32xbf16>
  return %r : tensor<16x32xbf16>
}

// 1x128 / 128x128 blocks along K = 300: one partial per 128-wide K block in
// a loop, plus the 44-wide tail, each with per-row / per-column scales,
// summed in f32 in place.
// CHECK-LABEL: func.func @blocks_along_k
// CHECK-SAME: (%[[A:.*]]: tensor<16x300xf8E4M3FN>, %[[SA:.*]]: tensor<16x3xf32>, %[[B:.*]]: tensor<300x32xf8E4M3FN>, %[[SB:.*]]: tensor<3x1xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK-DAG: %[[C256:.*]] = arith.constant 256 : index
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK: %[[LOOP:.*]] = scf.for %[[K:.*]] = %[[C0]] to %[[C256]] step %[[C128]] iter_args(%[[ACC:.*]] = %[[ZERO]])
// CHECK-DAG: %[[BK:.*]] = tensor.extract_slice %[[B]][%[[K]], 0] [128, 32] [1, 1]
// CHECK-DAG: %[[AK:.*]] = tensor.extract_slice %[[A]][0, %[[K]]] [16, 128] [1, 1]
// CHECK-DAG: %[[SAK:.*]] = tensor.extract_slice %[[SA]][0, %{{.*}}] [16, 1] [1, 1] : tensor<16x3xf32> to tensor<16x1xf32>
// CHECK-DAG: %[[SBK:.*]] = tensor.extract_slice %[[SB]][%{{.*}}, 0] [1, 1] [1, 1] : tensor<3x1xf32> to tensor<1x1xf32>
// CHECK: %[[P:.*]] = fp8.scaled_matmul %[[AK]][%[[SAK]]], %[[BK]][%[[SBK]]] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>} : tensor<16x128xf8E4M3FN>[tensor<16x1xf32>], tensor<128x32xf8E4M3FN>[tensor<1x1xf32>] -> tensor<16x32xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<16x32xf32>) outs(%[[ACC]] : tensor<16x32xf32>)
// CHECK: arith.addf
// CHECK: scf.yield %[[SUM]]
// CHECK: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 44>, rhs_block = array<i64: 44, 128>} : tensor<16x44xf8E4M3FN>[tensor<16x1xf32>], tensor<44x32xf8E4M3FN>[tensor<1x1xf32>] -> tensor<16x32xf32>
// CHECK: %[[TOTAL:.*]] = linalg.generic {{.*}} outs(%[[LOOP]] : tensor<16x32xf32>)
// CHECK: return %[[TOTAL]]
func.func @blocks_along_k(%a: tensor<16x300xf8E4M3FN>, %sa: tensor<16x3xf32>, %b: tensor<300x32xf8E4M3FN>, %sb: tensor<3x1xf32>) -> tensor<16x32xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>}
      : tensor<16x300xf8E4M3FN>[tensor<16x3xf32>], tensor<300x32xf8E4M3FN>[tensor<3x1xf32>] -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// Blocks of 128 rows (constant along K) become one scale per row; an f16
// scale becomes f32.
// CHECK-LABEL: func.func @blocks_of_rows
// CHECK: %[[ROWS:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0 floordiv 128, d1)>, affine_map<(d0, d1) -> (d0, d1)>], {{.*}}} ins(%arg1 : tensor<2x1xf32>) outs(%{{.*}} : tensor<256x1xf32>)
// CHECK: %[[SB:.*]] = arith.extf %arg3 : f16 to f32
// CHECK: fp8.scaled_matmul %arg0[%[[ROWS]]], %arg2[%[[SB]]] {lhs_block = array<i64: 1, 64>} : tensor<256x64xf8E4M3FN>[tensor<256x1xf32>], tensor<64x32xf8E4M3FN>[f32]
func.func @blocks_of_rows(%a: tensor<256x64xf8E4M3FN>, %sa: tensor<2x1xf32>, %b: tensor<64x32xf8E4M3FN>, %sb: f16) -> tensor<256x32xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 128, 64>}
      : tensor<256x64xf8E4M3FN>[tensor<2x1xf32>], tensor<64x32xf8E4M3FN>[f16] -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// MX: 32-wide K blocks, and the E8M0 scales of each become f32.
// CHECK-LABEL: func.func @mx
// CHECK: scf.for
// CHECK: %[[SA:.*]] = fp8.convert %{{.*}} : tensor<16x1xf8E8M0FNU> to tensor<16x1xf32>
// CHECK: %[[SB:.*]] = fp8.convert %{{.*}} : tensor<1x32xf8E8M0FNU> to tensor<1x32xf32>
// CHECK: fp8.scaled_matmul %{{.*}}[%[[SA]]], %{{.*}}[%[[SB]]] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>} : tensor<16x32xf8E4M3FN>[tensor<16x1xf32>], tensor<32x32xf8E4M3FN>[tensor<1x32xf32>] -> tensor<16x32xf32>
func.func @mx(%a: tensor<16x64xf8E4M3FN>, %sa: tensor<16x2xf8E8M0FNU>, %b: tensor<64x32xf8E4M3FN>, %sb: tensor<2x32xf8E8M0FNU>) -> tensor<16x32xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
      : tensor<16x64xf8E4M3FN>[tensor<16x2xf8E8M0FNU>], tensor<64x32xf8E4M3FN>[tensor<2x32xf8E8M0FNU>] -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// An fp8 result and an amax result: the matmul produces f32, then amax and
// quantize with the op's out_scale, rounding and saturation.
// CHECK-LABEL: func.func @fp8_result
// CHECK: %[[D:.*]] = fp8.scaled_matmul %arg0[%arg1], %arg2[%arg3] : tensor<16x64xf8E4M3FN>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
// CHECK: %[[Q:.*]] = fp8.quantize %[[D]], %arg4 {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>} : tensor<16x32xf32>, f32 to tensor<16x32xf8E5M2>
// CHECK: %[[M:.*]] = fp8.amax %[[D]] : tensor<16x32xf32> -> f32
// CHECK: return %[[Q]], %[[M]]
func.func @fp8_result(%a: tensor<16x64xf8E4M3FN>, %sa: f32, %b: tensor<64x32xf8E4M3FN>, %sb: f32, %so: f32) -> (tensor<16x32xf8E5M2>, f32) {
  %r, %amax = fp8.scaled_matmul %a[%sa], %b[%sb] out_scale(%so) {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>}
      : tensor<16x64xf8E4M3FN>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<16x32xf8E5M2>, f32
  return %r, %amax : tensor<16x32xf8E5M2>, f32
}

// HiF8: both operands decoded to f16, an f16 x f16 contraction accumulating
// in f32, then the scales and the bias, then the f16 result.
// CHECK-LABEL: func.func @hif8
// CHECK-NOT: fp8.scaled_matmul
// CHECK-DAG: %[[A:.*]] = fp8.convert %arg0 : tensor<16x64x!fp8.hif8> to tensor<16x64xf16>
// CHECK-DAG: %[[B:.*]] = fp8.convert %arg2 : tensor<64x32x!fp8.hif8> to tensor<64x32xf16>
// CHECK: %[[ACC:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[A]], %[[B]] : tensor<16x64xf16>, tensor<64x32xf16>) outs(%{{.*}} : tensor<16x32xf32>)
// CHECK: arith.extf
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[D:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], {{.*}}} ins(%[[ACC]], %arg1, %arg3, %arg4 : tensor<16x32xf32>, tensor<16x1xf32>, f32, tensor<16x32xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[S1:.*]]: f32, %[[S2:.*]]: f32, %[[BIAS:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[M1:.*]] = arith.mulf %[[X]], %[[S1]]
// CHECK-NEXT: %[[M2:.*]] = arith.mulf %[[M1]], %[[S2]]
// CHECK-NEXT: %[[SUM:.*]] = arith.addf %[[M2]], %[[BIAS]]
// CHECK: %[[R:.*]] = arith.truncf %[[D]] : tensor<16x32xf32> to tensor<16x32xf16>
// CHECK: return %[[R]]
func.func @hif8(%a: tensor<16x64x!fp8.hif8>, %sa: tensor<16x1xf32>, %b: tensor<64x32x!fp8.hif8>, %sb: f32, %bias: tensor<16x32xf32>) -> tensor<16x32xf16> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<16x32xf32>) {lhs_block = array<i64: 1, 64>}
      : tensor<16x64x!fp8.hif8>[tensor<16x1xf32>], tensor<64x32x!fp8.hif8>[f32] -> tensor<16x32xf16>
  return %r : tensor<16x32xf16>
}
