// RUN: not fp8-opt %s --fp8-legalize=target=cpu 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: unknown target 'cpu' (expected host, generic, avx512, avx512-bf16 or amx, or a GPU chip sm_<N> or sm_<N>a (e.g. sm_89, sm_90a))
//
// RUN: not fp8-opt %s --fp8-legalize=target=sm_80 2>&1 | FileCheck %s --check-prefix=SM80
// SM80: error: 'fp8.scaled_matmul' op cannot be legalized for target sm_80: needs mma.sync on fp8 operands (sm_89 or later) for the GPU lowering
//
// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-legalize=target=sm_90a

// E8M0 values reach 2^127: not exact in f16, and no GPU multiplies them.
func.func @e8m0_operand(%a: tensor<16x64xf8E8M0FNU>, %sa: f32, %b: tensor<64x32xf8E4M3FN>, %sb: f32) -> tensor<16x32xf32> {
  // expected-error @+1 {{'fp8.scaled_matmul' op cannot be legalized for target sm_90a: has operands of type 'f8E8M0FNU' x 'f8E4M3FN': the GPU kernel multiplies f8E4M3FN, f8E5M2 and !fp8.hif8 (decoded to f16) only}}
  %r = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<16x64xf8E8M0FNU>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}
