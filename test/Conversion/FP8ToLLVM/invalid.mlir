// RUN: fp8-opt %s -convert-fp8-to-llvm -split-input-file -verify-diagnostics

// Lowering never leaves an 8-bit conversion behind: what it cannot lower is
// an error naming the op.

func.func @convert_tensor(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{'fp8.convert' op operates on tensors and cannot be lowered to LLVM directly: bufferize and vectorize it first (fp8-cpu-pipeline does)}}
  %0 = fp8.convert %x : tensor<4xf32> to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

func.func @truncf_tensor(%x: tensor<4xf32>) -> tensor<4xf8E5M2> {
  // expected-error @+1 {{'arith.truncf' op operates on tensors and cannot be lowered to LLVM directly: bufferize and vectorize it first (fp8-cpu-pipeline does)}}
  %0 = arith.truncf %x : tensor<4xf32> to tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

func.func @scaled_matmul(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x4xf32> {
  // expected-error @+1 {{'fp8.scaled_matmul' op operates on tensors and cannot be lowered to LLVM directly}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}
