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

// -----

// target_max replaces max_finite * 2^-margin: |amax| / 15 in f32 (1 / 15 is
// 0x3D888889), clamped to [FLT_MIN, FLT_MAX] (1.76e-37 / 15 is subnormal,
// 1.8e-37 / 15 is not); 1 where amax is 0, Inf or NaN.
// CHECK-LABEL: func @target_max
// CHECK: arith.constant dense<[1.000000e+00, 0.0666666701, 1.000000e+00, 1.000000e+00, 1.000000e+00, 2.000000e+00, 0.466666669, 6.000000e-02, 1.17549435E-38, 1.17549435E-38, 1.17549435E-38, 1.200000e-38, 2.26854898E+37]> : tensor<13xf32>
func.func @target_max() -> tensor<13xf32> {
  %a = arith.constant dense<[15.0, 1.0, 0.0, 0x7F800000, 0x7FC00000, -30.0, 7.0, 9.0e-01, 1.0e-45, 1.0e-37, 1.76e-37, 1.8e-37, 3.4028235e+38]> : tensor<13xf32>
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 1.5e+01 : f32} : tensor<13xf32> -> tensor<13xf32>
  return %0 : tensor<13xf32>
}

// -----

// pow2: the smallest power of two >= amax / 15, exactly: 15 -> 1,
// 15 + 1 ulp -> 2, 7.5 -> 0.5, 7.5 + 1 ulp -> 1, 1 -> 2^-3, and clamped to
// [2^-126, 2^127] (FLT_MAX -> 2^125).
// CHECK-LABEL: func @target_max_pow2
// CHECK: arith.constant dense<[1.000000e+00, 2.000000e+00, 5.000000e-01, 1.000000e+00, 1.250000e-01, 1.000000e+00, 1.17549435E-38, 4.25352959E+37]> : tensor<8xf32>
func.func @target_max_pow2() -> tensor<8xf32> {
  %a = arith.constant dense<[15.0, 0x41700001, 7.5, 0x40F00001, 1.0, 0.0, 1.0e-45, 3.4028235e+38]> : tensor<8xf32>
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 1.5e+01 : f32, pow2} : tensor<8xf32> -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// E8M0: 2^(floor(log2 amax) - floor(log2 15)) = 2^(floor(log2 amax) - 3),
// the same codes as HiF8 with margin 12; 2^-149 clamps to 2^-127.
// CHECK-LABEL: func @target_max_mx
// CHECK: %[[S:.*]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 5.000000e-01, 1.250000e-01, 1.000000e+00, 5.877470e-39, 2.126760e+37]> : tensor<7xf8E8M0FNU>
// CHECK: return %[[S]], %[[S]]
func.func @target_max_mx() -> (tensor<7xf8E8M0FNU>, tensor<7xf8E8M0FNU>) {
  %a = arith.constant dense<[15.0, 16.0, 7.9, 1.0, 0x7FC00000, 1.0e-45, 3.4028235e+38]> : tensor<7xf32>
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 1.5e+01 : f32} : tensor<7xf32> -> tensor<7xf8E8M0FNU>
  %1 = fp8.compute_scale %a {format = !fp8.hif8, margin = 12 : i32} : tensor<7xf32> -> tensor<7xf8E8M0FNU>
  return %0, %1 : tensor<7xf8E8M0FNU>, tensor<7xf8E8M0FNU>
}
