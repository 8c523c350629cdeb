// RUN: fp8-opt %s -canonicalize="test-convergence" -split-input-file | FileCheck %s

// Constant fp8.dequantize folds: x = decode(q) * s in f32.

// CHECK-LABEL: func @per_tensor
// CHECK: arith.constant dense<[5.000000e-01, 2.240000e+02, 0x7FC0, -2.929690e-03]> : tensor<4xbf16>
// CHECK-NOT: fp8.dequantize
func.func @per_tensor() -> tensor<4xbf16> {
  %q = arith.constant dense<[1.0, 448.0, 0x7F, -0.005859375]> : tensor<4xf8E4M3FN>
  %s = arith.constant 0.5 : f32
  %0 = fp8.dequantize %q, %s : tensor<4xf8E4M3FN>, f32 to tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

// MX: f4E2M1FN with E8M0 scales 1 and 4 over blocks of 2.
// CHECK-LABEL: func @mx_fp4
// CHECK: arith.constant dense<[5.000000e-01, 6.000000e+00, -2.400000e+01, 4.000000e+00]> : tensor<4xf32>
func.func @mx_fp4() -> tensor<4xf32> {
  %q = arith.constant dense<[0.5, 6.0, -6.0, 1.0]> : tensor<4xf4E2M1FN>
  %s = arith.constant dense<[1.0, 4.0]> : tensor<2xf8E8M0FNU>
  %0 = fp8.dequantize %q, %s {block = array<i64: 2>} : tensor<4xf4E2M1FN>, tensor<2xf8E8M0FNU> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// HiF8 constants are read through their fp8.bitcast: 0x08 = 1.0, 0x6E =
// 32768, 0xEF = -Inf.
// CHECK-LABEL: func @hif8
// CHECK: arith.constant dense<[2.000000e+00, 6.553600e+04, 0xFF800000]> : tensor<3xf32>
// CHECK-NOT: fp8.
func.func @hif8() -> tensor<3xf32> {
  %c = arith.constant dense<[8, 110, -17]> : tensor<3xi8>
  %q = fp8.bitcast %c : tensor<3xi8> to tensor<3x!fp8.hif8>
  %s = arith.constant 2.0 : f32
  %0 = fp8.dequantize %q, %s : tensor<3x!fp8.hif8>, f32 to tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

// Row scales on a 2x2 E5M2 matrix; the f32 product 57344 * 2^10 rounds to
// f16 Inf (nearest even).
// CHECK-LABEL: func @rows_to_f16
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [0x7C00, 1.024000e+03]]> : tensor<2x2xf16>
func.func @rows_to_f16() -> tensor<2x2xf16> {
  %q = arith.constant dense<[[1.0, 2.0], [57344.0, 1.0]]> : tensor<2x2xf8E5M2>
  %s = arith.constant dense<[[1.0], [1024.0]]> : tensor<2x1xf32>
  %0 = fp8.dequantize %q, %s {block = array<i64: 1, 2>} : tensor<2x2xf8E5M2>, tensor<2x1xf32> to tensor<2x2xf16>
  return %0 : tensor<2x2xf16>
}
