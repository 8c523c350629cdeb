// RUN: fp8-opt %s -canonicalize="test-convergence" -split-input-file | FileCheck %s

// Constant fp8.convert folds through the numerics library.

// CHECK-LABEL: func @f32_to_e4m3fn
// 0.1 rounds to 1.625 * 2^-4; 464 is the tie between 448 and 480 (which is
// NaN in E4M3FN) and goes to even 448; 2^-10 is the tie between 0 and the
// smallest subnormal 2^-9.
// CHECK: arith.constant dense<[1.000000e+00, 1.015630e-01, 4.480000e+02, 0xFF, 0x7F, 0.000000e+00, -0.000000e+00]> : tensor<7xf8E4M3FN>
// CHECK-NOT: fp8.convert
func.func @f32_to_e4m3fn() -> tensor<7xf8E4M3FN> {
  %c = arith.constant dense<[1.0, 0.1, 464.0, -480.0, 1.0e6, 0.0009765625, -0.0]> : tensor<7xf32>
  %0 = fp8.convert %c : tensor<7xf32> to tensor<7xf8E4M3FN>
  return %0 : tensor<7xf8E4M3FN>
}

// -----

// CHECK-LABEL: func @f32_to_e4m3fn_modes
// CHECK-DAG: arith.constant dense<[-4.480000e+02, 4.480000e+02, 1.953130e-03]> : tensor<3xf8E4M3FN>
// CHECK-DAG: arith.constant dense<[9.375000e-02, -9.375000e-02, 0.000000e+00]> : tensor<3xf8E4M3FN>
// CHECK-DAG: arith.constant dense<[1.015630e-01, -9.375000e-02, 1.953130e-03]> : tensor<3xf8E4M3FN>
// CHECK-DAG: arith.constant dense<[1.015630e-01, -1.015630e-01, 1.953130e-03]> : tensor<3xf8E4M3FN>
func.func @f32_to_e4m3fn_modes() -> (tensor<3xf8E4M3FN>, tensor<3xf8E4M3FN>, tensor<3xf8E4M3FN>, tensor<3xf8E4M3FN>) {
  %big = arith.constant dense<[-1.0e6, 480.0, 0.0009765625]> : tensor<3xf32>
  %0 = fp8.convert %big {rounding = #fp8.rounding<nearest_away>, saturation = #fp8.saturation<finite>} : tensor<3xf32> to tensor<3xf8E4M3FN>
  %c = arith.constant dense<[0.1, -0.1, 0.0009765625]> : tensor<3xf32>
  %1 = fp8.convert %c {rounding = #fp8.rounding<toward_zero>} : tensor<3xf32> to tensor<3xf8E4M3FN>
  %2 = fp8.convert %c {rounding = #fp8.rounding<upward>} : tensor<3xf32> to tensor<3xf8E4M3FN>
  // Round to odd: truncation 1.5 * 2^-4 is even and inexact, so 1.625 * 2^-4.
  %3 = fp8.convert %c {rounding = #fp8.rounding<odd>} : tensor<3xf32> to tensor<3xf8E4M3FN>
  return %0, %1, %2, %3 : tensor<3xf8E4M3FN>, tensor<3xf8E4M3FN>, tensor<3xf8E4M3FN>, tensor<3xf8E4M3FN>
}

// -----

// 1.0625 lies halfway between 1.0 and 1.125: it rounds up iff the random bits
// reach 2^31.
// CHECK-LABEL: func @stochastic
// CHECK: arith.constant dense<[1.000000e+00, 1.125000e+00, 1.000000e+00, 1.125000e+00]> : tensor<4xf8E4M3FN>
func.func @stochastic() -> tensor<4xf8E4M3FN> {
  %x = arith.constant dense<1.0625> : tensor<4xf32>
  %r = arith.constant dense<[0, -2147483648, 2147483647, -1]> : tensor<4xi32>
  %0 = fp8.convert %x random(%r : tensor<4xi32>) {rounding = #fp8.rounding<stochastic>} : tensor<4xf32> to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// The vectors of docs/HiF8.md §6: 1.0, -1.0, 1.0625, 18, 20, 100, 0.3, 32768,
// 40959, 40960, 3 * 2^-23, 2^-23, 2^-24, NaN, +Inf. HiF8 folds to an i8
// payload plus fp8.bitcast.
// CHECK-LABEL: func @f32_to_hif8
// CHECK-DAG: %[[TA:.*]] = arith.constant dense<[8, -120, 9, 65, 65, 74, 50, 110, 110, 111, 2, 1, 0, -128, 111]> : tensor<15xi8>
// CHECK-DAG: %[[SAT:.*]] = arith.constant dense<[8, -120, 9, 65, 65, 74, 50, 110, 110, 110, 2, 1, 0, -128, 110]> : tensor<15xi8>
// CHECK-DAG: %[[HR:.*]] = arith.constant dense<[8, -120, 9, 65, 66, 75, 50, 111, 110, 111, 2, 1, 0, -128, 111]> : tensor<15xi8>
// CHECK-DAG: fp8.bitcast %[[TA]] : tensor<15xi8> to tensor<15x!fp8.hif8>
// CHECK-DAG: fp8.bitcast %[[SAT]] : tensor<15xi8> to tensor<15x!fp8.hif8>
// CHECK-DAG: fp8.bitcast %[[HR]] : tensor<15xi8> to tensor<15x!fp8.hif8>
// CHECK-NOT: fp8.convert
func.func @f32_to_hif8() -> (tensor<15x!fp8.hif8>, tensor<15x!fp8.hif8>, tensor<15x!fp8.hif8>) {
  %c = arith.constant dense<[1.0, -1.0, 1.0625, 18.0, 20.0, 100.0, 0.3, 32768.0, 40959.0, 40960.0, 0x34C00000, 0x34000000, 0x33800000, 0x7FC00000, 0x7F800000]> : tensor<15xf32>
  %0 = fp8.convert %c : tensor<15xf32> to tensor<15x!fp8.hif8>
  %1 = fp8.convert %c {saturation = #fp8.saturation<finite>} : tensor<15xf32> to tensor<15x!fp8.hif8>
  %2 = fp8.convert %c {rounding = #fp8.rounding<hybrid>} : tensor<15xf32> to tensor<15x!fp8.hif8>
  return %0, %1, %2 : tensor<15x!fp8.hif8>, tensor<15x!fp8.hif8>, tensor<15x!fp8.hif8>
}

// -----

// HR from bf16 is SR2: T = {lowest kept bit, 1}, F = the two highest
// discarded bits. bf16 16.0 has T = 1 (0b01) and F = 0: kept; 17.0
// (1.0001b * 2^4) has F = 0b01 >= T: bumped to 20.
// CHECK-LABEL: func @bf16_to_hif8_hybrid
// CHECK: %[[C:.*]] = arith.constant dense<[64, 65]> : tensor<2xi8>
// CHECK: fp8.bitcast %[[C]]
func.func @bf16_to_hif8_hybrid() -> tensor<2x!fp8.hif8> {
  %c = arith.constant dense<[16.0, 17.0]> : tensor<2xbf16>
  %0 = fp8.convert %c {rounding = #fp8.rounding<hybrid>} : tensor<2xbf16> to tensor<2x!fp8.hif8>
  return %0 : tensor<2x!fp8.hif8>
}

// -----

// CHECK-LABEL: func @hif8_to_f32
// CHECK: arith.constant dense<[1.000000e+00, 1.125000e+00, 3.276800e+04, 0x7FC00000, 2.38418579E-7, 0xFF800000]> : tensor<6xf32>
// CHECK-NOT: fp8.
func.func @hif8_to_f32() -> tensor<6xf32> {
  %c = arith.constant dense<[8, 9, 110, -128, 1, -17]> : tensor<6xi8>
  %h = fp8.bitcast %c : tensor<6xi8> to tensor<6x!fp8.hif8>
  %0 = fp8.convert %h : tensor<6x!fp8.hif8> to tensor<6xf32>
  return %0 : tensor<6xf32>
}

// -----

// Narrow to narrow is one rounding of the exact value.
// CHECK-LABEL: func @narrow_to_narrow
// CHECK-DAG: arith.constant dense<[1.250000e+00, 1.750000e+00]> : tensor<2xf8E4M3FN>
// CHECK-DAG: arith.constant 1.000000e+00 : f8E5M2
// CHECK-DAG: arith.constant 1.250000e+00 : f8E5M2
func.func @narrow_to_narrow() -> (tensor<2xf8E4M3FN>, f8E5M2, f8E5M2) {
  %c = arith.constant dense<[1.25, 1.75]> : tensor<2xf8E5M2>
  %0 = fp8.convert %c : tensor<2xf8E5M2> to tensor<2xf8E4M3FN>
  %t = arith.constant 1.125 : f8E4M3FN
  %1 = fp8.convert %t : f8E4M3FN to f8E5M2
  %2 = fp8.convert %t {rounding = #fp8.rounding<nearest_away>} : f8E4M3FN to f8E5M2
  return %0, %1, %2 : tensor<2xf8E4M3FN>, f8E5M2, f8E5M2
}

// -----

// E8M0's 2^127 overflows f16; finite saturation clamps it to f16's max.
// CHECK-LABEL: func @e8m0_to_f16
// CHECK-DAG: arith.constant dense<[1.000000e+00, 0x7C00]> : tensor<2xf16>
// CHECK-DAG: arith.constant dense<[1.000000e+00, 6.550400e+04]> : tensor<2xf16>
func.func @e8m0_to_f16() -> (tensor<2xf16>, tensor<2xf16>) {
  %c = arith.constant dense<[1.0, 0x7F000000]> : tensor<2xf32>
  %e = fp8.convert %c : tensor<2xf32> to tensor<2xf8E8M0FNU>
  %0 = fp8.convert %e : tensor<2xf8E8M0FNU> to tensor<2xf16>
  %1 = fp8.convert %e {saturation = #fp8.saturation<finite>} : tensor<2xf8E8M0FNU> to tensor<2xf16>
  return %0, %1 : tensor<2xf16>, tensor<2xf16>
}

// -----

// Splats stay splats.
// CHECK-LABEL: func @splat
// CHECK: arith.constant dense<4.480000e+02> : tensor<1024x1024xf8E4M3FN>
func.func @splat() -> tensor<1024x1024xf8E4M3FN> {
  %c = arith.constant dense<450.0> : tensor<1024x1024xf32>
  %0 = fp8.convert %c : tensor<1024x1024xf32> to tensor<1024x1024xf8E4M3FN>
  return %0 : tensor<1024x1024xf8E4M3FN>
}

// -----

// Not folded: the random bits are not constant.
// CHECK-LABEL: func @stochastic_runtime_bits
// CHECK: fp8.convert
func.func @stochastic_runtime_bits(%r: i32) -> f8E5M2 {
  %c = arith.constant 0.3 : f32
  %0 = fp8.convert %c random(%r : i32) {rounding = #fp8.rounding<stochastic>} : f32 to f8E5M2
  return %0 : f8E5M2
}
