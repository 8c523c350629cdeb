// RUN: fp8-opt %s -canonicalize="test-convergence" -split-input-file | FileCheck %s

// Constant fp8.bitcast folds to builtin types; HiF8 keeps its bitcast.

// CHECK-LABEL: func @i8_to_e4m3fn
// CHECK: arith.constant dense<[1.000000e+00, 0x7F, -4.480000e+02]> : tensor<3xf8E4M3FN>
func.func @i8_to_e4m3fn() -> tensor<3xf8E4M3FN> {
  %c = arith.constant dense<[56, 127, -2]> : tensor<3xi8>
  %0 = fp8.bitcast %c : tensor<3xi8> to tensor<3xf8E4M3FN>
  return %0 : tensor<3xf8E4M3FN>
}

// -----

// Through HiF8 to E5M2: the chain folds, then the constant.
// CHECK-LABEL: func @through_hif8
// CHECK: arith.constant 2.000000e+00 : f8E5M2
// CHECK-NOT: fp8.bitcast
func.func @through_hif8() -> f8E5M2 {
  %c = arith.constant 64 : i8
  %0 = fp8.bitcast %c : i8 to !fp8.hif8
  %1 = fp8.bitcast %0 : !fp8.hif8 to f8E5M2
  return %1 : f8E5M2
}

// -----

// CHECK-LABEL: func @f4_to_i4
// CHECK: arith.constant dense<[1, 7, -1]> : vector<3xi4>
func.func @f4_to_i4() -> vector<3xi4> {
  %c = arith.constant dense<[0.5, 6.0, -6.0]> : vector<3xf4E2M1FN>
  %0 = fp8.bitcast %c : vector<3xf4E2M1FN> to vector<3xi4>
  return %0 : vector<3xi4>
}
