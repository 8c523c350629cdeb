// RUN: not fp8-opt %s -convert-fp8-to-nvvm=chip=sm89 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not fp8-opt %s -convert-fp8-to-nvvm=chip=avx512 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: fp8-opt %s -convert-fp8-to-nvvm=chip=sm_89 -split-input-file -verify-diagnostics

// CHIP: unknown target 'sm89' (expected host, generic, avx512, avx512-bf16 or amx, or a GPU chip sm_<N> or sm_<N>a (e.g. sm_89, sm_90a))
// CPU: error: convert-fp8-to-nvvm: 'avx512' is not a GPU chip (expected sm_<N> or sm_<N>a (e.g. sm_89, sm_90a))

func.func @tensor(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{'fp8.convert' op operates on tensors and cannot be lowered to NVVM directly: map it to GPU threads first (fp8-gpu-pipeline does)}}
  %q = fp8.convert %x : tensor<4xf32> to tensor<4xf8E4M3FN>
  return %q : tensor<4xf8E4M3FN>
}

// -----

func.func @matmul(%a: tensor<16x32xf8E4M3FN>, %b: tensor<32x16xf8E4M3FN>, %s: f32) -> tensor<16x16xf32> {
  // expected-error @+1 {{'fp8.scaled_matmul' op is lowered to a GPU kernel by convert-fp8-matmul-to-gpu, not by convert-fp8-to-nvvm}}
  %d = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<16x32xf8E4M3FN>[f32], tensor<32x16xf8E4M3FN>[f32] -> tensor<16x16xf32>
  return %d : tensor<16x16xf32>
}
