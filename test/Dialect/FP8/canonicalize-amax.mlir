// RUN: fp8-opt %s -canonicalize="test-convergence" -split-input-file | FileCheck %s

// Constant fp8.amax folds; a NaN makes its block's amax NaN.

// CHECK-LABEL: func @blocks
// CHECK-DAG: arith.constant dense<{{\[}}[5.000000e+00, 0x7FC00000], [2.000000e+00, 1.000000e+00]]> : tensor<2x2xf32>
// CHECK-DAG: arith.constant 0x7FC00000 : f32
// CHECK-NOT: fp8.amax
func.func @blocks() -> (tensor<2x2xf32>, f32) {
  %x = arith.constant dense<[[1.0, -5.0, 3.0, 0x7FC00000], [-2.0, 0.5, -0.25, 1.0]]> : tensor<2x4xf32>
  %0 = fp8.amax %x {block = array<i64: 1, 2>} : tensor<2x4xf32> -> tensor<2x2xf32>
  %1 = fp8.amax %x : tensor<2x4xf32> -> f32
  return %0, %1 : tensor<2x2xf32>, f32
}

// -----

// Ragged blocks: 3 columns in blocks of 2.
// CHECK-LABEL: func @ragged
// CHECK: arith.constant dense<[4.000000e+00, 7.000000e+00]> : vector<2xf32>
func.func @ragged() -> vector<2xf32> {
  %x = arith.constant dense<[-4.0, 3.0, -7.0]> : vector<3xf16>
  %0 = fp8.amax %x {block = array<i64: 2>} : vector<3xf16> -> vector<2xf32>
  return %0 : vector<2xf32>
}

// -----

// Narrow inputs are decoded: HiF8 0xEE = -32768.
// CHECK-LABEL: func @hif8
// CHECK: arith.constant 3.276800e+04 : f32
func.func @hif8() -> f32 {
  %c = arith.constant dense<[8, -18]> : tensor<2xi8>
  %q = fp8.bitcast %c : tensor<2xi8> to tensor<2x!fp8.hif8>
  %0 = fp8.amax %q : tensor<2x!fp8.hif8> -> f32
  return %0 : f32
}
