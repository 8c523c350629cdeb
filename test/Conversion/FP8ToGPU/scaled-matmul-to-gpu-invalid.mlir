// RUN: fp8-opt %s -convert-fp8-matmul-to-gpu=chip=sm_89 -split-input-file -verify-diagnostics
// RUN: not fp8-opt %s -convert-fp8-matmul-to-gpu=chip=sm_80 -split-input-file 2>&1 | FileCheck %s --check-prefix=SM80
// RUN: not fp8-opt %s -convert-fp8-matmul-to-gpu=chip=ampere 2>&1 | FileCheck %s --check-prefix=CHIP

// SM80: needs mma.sync on fp8 operands (sm_89 or later) for the GPU lowering
// CHIP: unknown target 'ampere' (expected host, generic, avx512, avx512-bf16 or amx, or a GPU chip sm_<N> or sm_<N>a (e.g. sm_89, sm_90a))

func.func @fnuz(%a: tensor<16x32xf8E4M3FNUZ>, %b: tensor<32x16x!fp8.hif8>, %s: f32) -> tensor<16x16xf32> {
  // expected-error @+1 {{has operands of type 'f8E4M3FNUZ' x '!fp8.hif8': the GPU kernel multiplies f8E4M3FN, f8E5M2 and !fp8.hif8 (decoded to f16) only}}
  %d = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<16x32xf8E4M3FNUZ>[f32], tensor<32x16x!fp8.hif8>[f32] -> tensor<16x16xf32>
  return %d : tensor<16x16xf32>
}

// -----

func.func @small_k_block(%a: tensor<16x64xf8E4M3FN>, %sa: tensor<16x4xf32>, %b: tensor<16x64xf8E4M3FN>, %s: f32) -> tensor<16x16xf32> {
  // expected-error @+1 {{has K-blocks of 16 elements; the GPU kernel applies scales per 32-element K-slice and needs a multiple of 32}}
  %d = fp8.scaled_matmul %a[%sa], %b[%s] {lhs_block = array<i64: 1, 16>, rhs_transposed}
      : tensor<16x64xf8E4M3FN>[tensor<16x4xf32>], tensor<16x64xf8E4M3FN>[f32] -> tensor<16x16xf32>
  return %d : tensor<16x16xf32>
}
