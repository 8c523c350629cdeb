// RUN: not fp8-opt %s --fp8-legalize=target=sm_80 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: error: fp8-legalize: unknown target 'sm_80' (expected cpu, sm_89 or sm_90a)
//
// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-legalize=target=sm_90a

// Block scales along a dynamic K cannot be split.
func.func @dynamic_k(%a: tensor<16x?xf8E4M3FN>, %sa: tensor<16x?xf32>, %b: tensor<?x32xf8E4M3FN>, %sb: f32) -> tensor<16x32xf32> {
  // expected-error @+1 {{'fp8.scaled_matmul' op cannot be legalized for target sm_90a: lhs scales are blocks along K}}
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 128>}
      : tensor<16x?xf8E4M3FN>[tensor<16x?xf32>], tensor<?x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// E8M0 values reach 2^127: not exact in f16, and no GPU multiplies them.
func.func @e8m0_operand(%a: tensor<16x64xf8E8M0FNU>, %sa: f32, %b: tensor<64x32xf8E4M3FN>, %sb: f32) -> tensor<16x32xf32> {
  // expected-error @+1 {{'fp8.scaled_matmul' op cannot be legalized for target sm_90a: lhs element type f8E8M0FNU is not f8E4M3FN or f8E5M2}}
  %r = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<16x64xf8E8M0FNU>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}
