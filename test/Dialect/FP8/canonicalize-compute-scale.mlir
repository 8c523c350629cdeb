// RUN: fp8-opt %s -canonicalize="test-convergence" -split-input-file | FileCheck %s

// Constant fp8.compute_scale folds.

// amax / 448 in f32; 1 where amax is 0, Inf or NaN.
// CHECK-LABEL: func @e4m3
// CHECK: arith.constant dense<[1.000000e+00, 1.000000e+00, 1.000000e+00, 1.000000e+00, 0.00223214296, 2.000000e+00]> : tensor<6xf32>
func.func @e4m3() -> tensor<6xf32> {
  %a = arith.constant dense<[448.0, 0.0, 0x7F800000, 0x7FC00000, 1.0, 896.0]> : tensor<6xf32>
  %0 = fp8.compute_scale %a {format = f8E4M3FN} : tensor<6xf32> -> tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// With margin 1 the target is 448 / 2; pow2 rounds 1 / 224 up to 2^-7.
// CHECK-LABEL: func @margin_pow2
// CHECK: arith.constant 7.812500e-03 : f32
func.func @margin_pow2() -> f32 {
  %a = arith.constant 1.0 : f32
  %0 = fp8.compute_scale %a {format = f8E4M3FN, margin = 1 : i32, pow2} : f32 -> f32
  return %0 : f32
}

// -----

// OCP MX: 2^(floor(log2 amax) - emax). E4M3FN: emax 8, so 448 -> 2^0;
// f4E2M1FN: emax 2, so 6 -> 2^0 and 100 -> 2^4; 0 -> 1.
// CHECK-LABEL: func @mx
// CHECK-DAG: arith.constant dense<[1.000000e+00, 2.000000e+00]> : tensor<2xf8E8M0FNU>
// CHECK-DAG: arith.constant dense<[1.000000e+00, 1.600000e+01, 1.000000e+00]> : tensor<3xf8E8M0FNU>
func.func @mx() -> (tensor<2xf8E8M0FNU>, tensor<3xf8E8M0FNU>) {
  %a = arith.constant dense<[448.0, 1000.0]> : tensor<2xf32>
  %0 = fp8.compute_scale %a {format = f8E4M3FN} : tensor<2xf32> -> tensor<2xf8E8M0FNU>
  %b = arith.constant dense<[6.0, 100.0, 0.0]> : tensor<3xf32>
  %1 = fp8.compute_scale %b {format = f4E2M1FN} : tensor<3xf32> -> tensor<3xf8E8M0FNU>
  return %0, %1 : tensor<2xf8E8M0FNU>, tensor<3xf8E8M0FNU>
}

// -----

// HiF8's max finite is 2^15.
// CHECK-LABEL: func @hif8
// CHECK: arith.constant 2.000000e+00 : f32
func.func @hif8() -> f32 {
  %a = arith.constant 65536.0 : f32
  %0 = fp8.compute_scale %a {format = !fp8.hif8} : f32 -> f32
  return %0 : f32
}
