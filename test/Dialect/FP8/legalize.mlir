// fp8-legalize: scaled matmuls that a GPU target's kernel cannot lower
// (Target::canLower) are decomposed into ones it can; on the CPU nothing
// changes.
//
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize=target=sm_89 | FileCheck %s
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize=target=sm_90a | FileCheck %s
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize | FileCheck %s --check-prefix=CPU
// RUN: fp8-opt %s -mlir-print-local-scope --fp8-legalize=target=generic | FileCheck %s --check-prefix=CPU

// CPU-COUNT-8: fp8.scaled_matmul
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

// What the GPU kernel lowers stays as it is: blocks of 128 rows, K-blocks
// of 128 and MX scales (E8M0, 32-wide K blocks), an fp8 result with an amax
// result, HiF8 operands.
// CHECK-LABEL: func.func @native_blocks
// CHECK-NEXT: %[[R:.*]] = fp8.scaled_matmul %arg0[%arg1], %arg2[%arg3] {lhs_block = array<i64: 128, 128>, rhs_block = array<i64: 128, 1>}
// CHECK-NEXT: return %[[R]]
func.func @native_blocks(%a: tensor<256x256xf8E4M3FN>, %sa: tensor<2x2xf32>, %b: tensor<256x32xf8E4M3FN>, %sb: tensor<2x32xf16>) -> tensor<256x32xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 128, 128>, rhs_block = array<i64: 128, 1>}
      : tensor<256x256xf8E4M3FN>[tensor<2x2xf32>], tensor<256x32xf8E4M3FN>[tensor<2x32xf16>] -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// CHECK-LABEL: func.func @native_mx
// CHECK-NEXT: %[[R:.*]] = fp8.scaled_matmul %arg0[%arg1], %arg2[%arg3]
// CHECK-NEXT: return %[[R]]
func.func @native_mx(%a: tensor<16x64xf8E4M3FN>, %sa: tensor<16x2xf8E8M0FNU>, %b: tensor<64x32xf8E4M3FN>, %sb: tensor<2x32xf8E8M0FNU>) -> tensor<16x32xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
      : tensor<16x64xf8E4M3FN>[tensor<16x2xf8E8M0FNU>], tensor<64x32xf8E4M3FN>[tensor<2x32xf8E8M0FNU>] -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// CHECK-LABEL: func.func @native_fp8_result
// CHECK-NEXT: %[[R:.*]], %[[M:.*]] = fp8.scaled_matmul %arg0[%arg1], %arg2[%arg3] out_scale(%arg4)
// CHECK-NEXT: return %[[R]], %[[M]]
func.func @native_fp8_result(%a: tensor<16x64xf8E4M3FN>, %sa: f32, %b: tensor<64x32xf8E4M3FN>, %sb: f32, %so: f32) -> (tensor<16x32xf8E5M2>, f32) {
  %r, %amax = fp8.scaled_matmul %a[%sa], %b[%sb] out_scale(%so) {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>}
      : tensor<16x64xf8E4M3FN>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<16x32xf8E5M2>, f32
  return %r, %amax : tensor<16x32xf8E5M2>, f32
}

// CHECK-LABEL: func.func @native_hif8
// CHECK-NEXT: %[[R:.*]] = fp8.scaled_matmul %arg0[%arg1], %arg2[%arg3] bias(%arg4 : tensor<16x32xf32>)
// CHECK-NEXT: return %[[R]]
func.func @native_hif8(%a: tensor<16x64x!fp8.hif8>, %sa: tensor<16x1xf32>, %b: tensor<64x32x!fp8.hif8>, %sb: f32, %bias: tensor<16x32xf32>) -> tensor<16x32xf16> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<16x32xf32>) {lhs_block = array<i64: 1, 64>}
      : tensor<16x64x!fp8.hif8>[tensor<16x1xf32>], tensor<64x32x!fp8.hif8>[f32] -> tensor<16x32xf16>
  return %r : tensor<16x32xf16>
}

// K-blocks of 16 (the kernel applies scales per 32-wide K slice): one
// partial per 16-wide K block in a loop, each with per-row scales, summed in
// f32 in place; then the output quantization.
// CHECK-LABEL: func.func @small_k_blocks
// CHECK-SAME: (%[[A:.*]]: tensor<16x64xf8E4M3FN>, %[[SA:.*]]: tensor<16x4xf32>, %[[B:.*]]: tensor<64x32xf8E5M2>, %[[SB:.*]]: f32, %[[SO:.*]]: f32)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[ZERO:.*]] = linalg.fill
// CHECK: %[[LOOP:.*]] = scf.for %[[K:.*]] = %[[C0]] to %[[C64]] step %[[C16]] iter_args(%[[ACC:.*]] = %[[ZERO]])
// CHECK-DAG: %[[BK:.*]] = tensor.extract_slice %[[B]][%[[K]], 0] [16, 32] [1, 1]
// CHECK-DAG: %[[AK:.*]] = tensor.extract_slice %[[A]][0, %[[K]]] [16, 16] [1, 1]
// CHECK-DAG: %[[SAK:.*]] = tensor.extract_slice %[[SA]][0, %{{.*}}] [16, 1] [1, 1] : tensor<16x4xf32> to tensor<16x1xf32>
// CHECK: %[[P:.*]] = fp8.scaled_matmul %[[AK]][%[[SAK]]], %[[BK]][%[[SB]]] {lhs_block = array<i64: 1, 16>} : tensor<16x16xf8E4M3FN>[tensor<16x1xf32>], tensor<16x32xf8E5M2>[f32] -> tensor<16x32xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<16x32xf32>) outs(%[[ACC]] : tensor<16x32xf32>)
// CHECK: arith.addf
// CHECK: scf.yield %[[SUM]]
// CHECK: %[[Q:.*]] = fp8.quantize %[[LOOP]], %[[SO]] {saturation = #fp8.saturation<finite>} : tensor<16x32xf32>, f32 to tensor<16x32xf8E4M3FN>
// CHECK: return %[[Q]]
func.func @small_k_blocks(%a: tensor<16x64xf8E4M3FN>, %sa: tensor<16x4xf32>, %b: tensor<64x32xf8E5M2>, %sb: f32, %so: f32) -> tensor<16x32xf8E4M3FN> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] out_scale(%so) {lhs_block = array<i64: 1, 16>, saturation = #fp8.saturation<finite>}
      : tensor<16x64xf8E4M3FN>[tensor<16x4xf32>], tensor<64x32xf8E5M2>[f32] -> tensor<16x32xf8E4M3FN>
  return %r : tensor<16x32xf8E4M3FN>
}

// MX with f4E2M1FN operands: split per 32-wide K block, then each partial
// decoded to f16 with its E8M0 scales as f32.
// CHECK-LABEL: func.func @mx_f4
// CHECK: scf.for
// CHECK-NOT: fp8.scaled_matmul
// CHECK-DAG: fp8.convert %{{.*}} : tensor<256x1xf8E8M0FNU> to tensor<256x1xf32>
// CHECK-DAG: fp8.convert %{{.*}} : tensor<256x32xf4E2M1FN> to tensor<256x32xf16>
// CHECK-DAG: fp8.convert %{{.*}} : tensor<32x32xf4E2M1FN> to tensor<32x32xf16>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: scf.yield
func.func @mx_f4(%a: tensor<256x64xf4E2M1FN>, %sa: tensor<256x2xf8E8M0FNU>, %b: tensor<64x32xf4E2M1FN>, %sb: tensor<2x32xf8E8M0FNU>) -> tensor<256x32xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
      : tensor<256x64xf4E2M1FN>[tensor<256x2xf8E8M0FNU>], tensor<64x32xf4E2M1FN>[tensor<2x32xf8E8M0FNU>] -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// E5M2FNUZ, which no tensor core takes (its values are exact in f16): both
// operands decoded to f16, an f16 x f16 contraction accumulating in f32,
// then the scales and the bias, then the f16 result.
// CHECK-LABEL: func.func @fnuz
// CHECK-NOT: fp8.scaled_matmul
// CHECK-DAG: %[[A:.*]] = fp8.convert %arg0 : tensor<16x64xf8E5M2FNUZ> to tensor<16x64xf16>
// CHECK-DAG: %[[B:.*]] = fp8.convert %arg2 : tensor<64x32xf8E5M2FNUZ> to tensor<64x32xf16>
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
func.func @fnuz(%a: tensor<16x64xf8E5M2FNUZ>, %sa: tensor<16x1xf32>, %b: tensor<64x32xf8E5M2FNUZ>, %sb: f32, %bias: tensor<16x32xf32>) -> tensor<16x32xf16> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<16x32xf32>) {lhs_block = array<i64: 1, 64>}
      : tensor<16x64xf8E5M2FNUZ>[tensor<16x1xf32>], tensor<64x32xf8E5M2FNUZ>[f32] -> tensor<16x32xf16>
  return %r : tensor<16x32xf16>
}
