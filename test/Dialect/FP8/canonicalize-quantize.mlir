// RUN: fp8-opt %s -canonicalize="test-convergence" -split-input-file | FileCheck %s

// Constant fp8.quantize folds: q = encode(x / s) with the division in f32.

// Rows use the scales [1, 2] and [10, 0.1] over 1x2 blocks. 30 / 0.1f and
// 40 / 0.1f round to 300 and 400 in f32; 300 -> 288, and 400 is the tie
// between 384 and 416 that goes to even 384.
// CHECK-LABEL: func @block_scales
// CHECK: arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 1.500000e+00, 2.000000e+00], [1.000000e+00, 2.000000e+00, 2.880000e+02, 3.840000e+02]]> : tensor<2x4xf8E4M3FN>
// CHECK-NOT: fp8.quantize
func.func @block_scales() -> tensor<2x4xf8E4M3FN> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [10.0, 20.0, 30.0, 40.0]]> : tensor<2x4xf32>
  %s = arith.constant dense<[[1.0, 2.0], [10.0, 0.1]]> : tensor<2x2xf32>
  %0 = fp8.quantize %x, %s {block = array<i64: 1, 2>} : tensor<2x4xf32>, tensor<2x2xf32> to tensor<2x4xf8E4M3FN>
  return %0 : tensor<2x4xf8E4M3FN>
}

// -----

// Per-tensor scalar scale, saturation: 1000 / 2 = 500 rounds to 512 (E5M2
// steps by 64 there); 2^17 / 2 = 65536 overflows E5M2 (max 57344) and
// saturates, and so does -Inf.
// CHECK-LABEL: func @per_tensor_saturate
// CHECK: arith.constant dense<[5.120000e+02, 5.734400e+04, -5.734400e+04, 0.000000e+00]> : tensor<4xf8E5M2>
func.func @per_tensor_saturate() -> tensor<4xf8E5M2> {
  %x = arith.constant dense<[1000.0, 131072.0, 0xFF800000, 0.0]> : tensor<4xf32>
  %s = arith.constant 2.0 : f32
  %0 = fp8.quantize %x, %s {saturation = #fp8.saturation<finite>} : tensor<4xf32>, f32 to tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

// MX: f4E2M1FN values with E8M0 block scales 2^2 and 2^-1 over 1x2 blocks.
// 5 / 4 = 1.25 is the tie between 1 and 1.5 (even: 1); 26 / 4 = 6.5
// overflows to max 6 (f4 has no Inf or NaN); 0.75 / 0.5 = 1.5.
// CHECK-LABEL: func @mx_fp4
// CHECK: arith.constant dense<[1.000000e+00, 6.000000e+00, 1.500000e+00, -2.000000e+00]> : tensor<4xf4E2M1FN>
func.func @mx_fp4() -> tensor<4xf4E2M1FN> {
  %x = arith.constant dense<[5.0, 26.0, 0.75, -1.0]> : tensor<4xf32>
  %s = arith.constant dense<[4.0, 0.5]> : tensor<2xf8E8M0FNU>
  %0 = fp8.quantize %x, %s {block = array<i64: 2>} : tensor<4xf32>, tensor<2xf8E8M0FNU> to tensor<4xf4E2M1FN>
  return %0 : tensor<4xf4E2M1FN>
}

// -----

// To HiF8 (a pattern: i8 payload plus fp8.bitcast): 200 / 2 = 100 -> 96
// under TA (0x4A = 74) and 112 under HR (0x4B = 75).
// CHECK-LABEL: func @hif8
// CHECK-DAG: %[[TA:.*]] = arith.constant dense<[74, 8]> : vector<2xi8>
// CHECK-DAG: %[[HR:.*]] = arith.constant dense<[75, 8]> : vector<2xi8>
// CHECK-DAG: fp8.bitcast %[[TA]] : vector<2xi8> to vector<2x!fp8.hif8>
// CHECK-DAG: fp8.bitcast %[[HR]] : vector<2xi8> to vector<2x!fp8.hif8>
// CHECK-NOT: fp8.quantize
func.func @hif8() -> (vector<2x!fp8.hif8>, vector<2x!fp8.hif8>) {
  %x = arith.constant dense<[200.0, 2.0]> : vector<2xf32>
  %s = arith.constant 2.0 : f32
  %0 = fp8.quantize %x, %s : vector<2xf32>, f32 to vector<2x!fp8.hif8>
  %1 = fp8.quantize %x, %s {rounding = #fp8.rounding<hybrid>} : vector<2xf32>, f32 to vector<2x!fp8.hif8>
  return %0, %1 : vector<2x!fp8.hif8>, vector<2x!fp8.hif8>
}

// -----

// Not folded: the scale is not constant.
// CHECK-LABEL: func @runtime_scale
// CHECK: fp8.quantize
func.func @runtime_scale(%s: f32) -> tensor<2xf8E4M3FN> {
  %x = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %0 = fp8.quantize %x, %s : tensor<2xf32>, f32 to tensor<2xf8E4M3FN>
  return %0 : tensor<2xf8E4M3FN>
}
