// RUN: fp8-opt %s --fp8-insert-casts -split-input-file | FileCheck %s

// The default recipe (ocp: E4M3FN, per-tensor scales from the data, saturating
// quantization). The zero-filled init becomes no bias.

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: tensor<16x64xf32>, %[[B:.*]]: tensor<64x32xf32>)
// CHECK-NOT: linalg.fill
// CHECK: %[[AA:.*]] = fp8.amax %[[A]] : tensor<16x64xf32> -> f32
// CHECK: %[[SA:.*]] = fp8.compute_scale %[[AA]] {format = f8E4M3FN} : f32 -> f32
// CHECK: %[[QA:.*]] = fp8.quantize %[[A]], %[[SA]] {rounding = #fp8.rounding<nearest_even>, saturation = #fp8.saturation<finite>} : tensor<16x64xf32>, f32 to tensor<16x64xf8E4M3FN>
// CHECK: %[[AB:.*]] = fp8.amax %[[B]] : tensor<64x32xf32> -> f32
// CHECK: %[[SB:.*]] = fp8.compute_scale %[[AB]] {format = f8E4M3FN} : f32 -> f32
// CHECK: %[[QB:.*]] = fp8.quantize %[[B]], %[[SB]] {{.*}} : tensor<64x32xf32>, f32 to tensor<64x32xf8E4M3FN>
// CHECK: %[[R:.*]] = fp8.scaled_matmul %[[QA]][%[[SA]]], %[[QB]][%[[SB]]] : tensor<16x64xf8E4M3FN>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
// CHECK: return %[[R]]
func.func @matmul(%a: tensor<16x64xf32>, %b: tensor<64x32xf32>) -> tensor<16x32xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x32xf32>) -> tensor<16x32xf32>
  %r = linalg.matmul ins(%a, %b : tensor<16x64xf32>, tensor<64x32xf32>) outs(%f : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// An init that is not zero is the bias; an [N, K] rhs (K innermost) is used
// as it is, with rhs_transposed; f16 operands are quantized directly.

// CHECK-LABEL: func.func @matmul_transpose_b
// CHECK-SAME: (%[[A:.*]]: tensor<16x64xf32>, %[[B:.*]]: tensor<32x64xf16>, %[[C:.*]]: tensor<16x32xf32>)
// CHECK: fp8.quantize %[[B]], %{{.*}} : tensor<32x64xf16>, f32 to tensor<32x64xf8E4M3FN>
// CHECK: fp8.scaled_matmul %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}] bias(%[[C]] : tensor<16x32xf32>) {rhs_transposed} : tensor<16x64xf8E4M3FN>[f32], tensor<32x64xf8E4M3FN>[f32] -> tensor<16x32xf32>
func.func @matmul_transpose_b(%a: tensor<16x64xf32>, %b: tensor<32x64xf16>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
     ins(%a, %b : tensor<16x64xf32>, tensor<32x64xf16>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// A [K, M] lhs is transposed to [M, K] before it is quantized.

// CHECK-LABEL: func.func @matmul_transpose_a
// CHECK-SAME: (%[[A:.*]]: tensor<64x16xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[A]] : tensor<64x16xf32>) outs(%{{.*}} : tensor<16x64xf32>) permutation = [1, 0]
// CHECK: fp8.quantize %[[T]]
// CHECK: fp8.scaled_matmul {{.*}} : tensor<16x64xf8E4M3FN>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
func.func @matmul_transpose_a(%a: tensor<64x16xf32>, %b: tensor<64x32xf32>, %c: tensor<16x32xf32>) -> tensor<16x32xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
     ins(%a, %b : tensor<64x16xf32>, tensor<64x32xf32>) outs(%c : tensor<16x32xf32>) -> tensor<16x32xf32>
  return %r : tensor<16x32xf32>
}

// -----

// Batch dimensions stay; the result keeps the contraction's element type.

// CHECK-LABEL: func.func @batch_matmul_bf16
// CHECK: fp8.scaled_matmul {{.*}} bias(%{{.*}} : tensor<2x16x32xbf16>) : tensor<2x16x64xf8E4M3FN>[f32], tensor<2x64x32xf8E4M3FN>[f32] -> tensor<2x16x32xbf16>
func.func @batch_matmul_bf16(%a: tensor<2x16x64xbf16>, %b: tensor<2x64x32xbf16>, %c: tensor<2x16x32xbf16>) -> tensor<2x16x32xbf16> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x16x64xbf16>, tensor<2x64x32xbf16>) outs(%c : tensor<2x16x32xbf16>) -> tensor<2x16x32xbf16>
  return %r : tensor<2x16x32xbf16>
}

// -----

// A linalg.generic contraction with two M dimensions: they are collapsed
// into one, and the result is expanded back.

// CHECK-LABEL: func.func @generic_two_m_dims
// CHECK-SAME: (%[[A:.*]]: tensor<2x3x8xf32>, %[[B:.*]]: tensor<8x4xf32>, %[[C:.*]]: tensor<2x3x4xf32>)
// CHECK: %[[A2:.*]] = tensor.collapse_shape %[[A]] {{\[}}[0, 1], [2]] : tensor<2x3x8xf32> into tensor<6x8xf32>
// CHECK: fp8.quantize %[[A2]]
// CHECK: %[[C2:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK: %[[R:.*]] = fp8.scaled_matmul {{.*}} bias(%[[C2]] : tensor<6x4xf32>) : tensor<6x8xf8E4M3FN>[f32], tensor<8x4xf8E4M3FN>[f32] -> tensor<6x4xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[R]] {{\[}}[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
// CHECK: return %[[E]]
func.func @generic_two_m_dims(%a: tensor<2x3x8xf32>, %b: tensor<8x4xf32>, %c: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>, affine_map<(d0, d1, d2, d3) -> (d3, d2)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%a, %b : tensor<2x3x8xf32>, tensor<8x4xf32>) outs(%c : tensor<2x3x4xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// A transposed result ([N, M]) is computed as [M, N] and transposed back.

// CHECK-LABEL: func.func @generic_transposed_result
// CHECK: %[[BIAS:.*]] = linalg.transpose ins(%{{.*}} : tensor<4x16xf32>) outs(%{{.*}} : tensor<16x4xf32>) permutation = [1, 0]
// CHECK: %[[R:.*]] = fp8.scaled_matmul {{.*}} bias(%[[BIAS]] : tensor<16x4xf32>) {{.*}} -> tensor<16x4xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[R]] : tensor<16x4xf32>) outs(%{{.*}} : tensor<4x16xf32>) permutation = [1, 0]
// CHECK: return %[[T]]
func.func @generic_transposed_result(%a: tensor<16x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d1, d0)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%a, %b : tensor<16x8xf32>, tensor<8x4xf32>) outs(%c : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// -----

// linalg.contract and dynamic shapes.

// CHECK-LABEL: func.func @contract_dynamic
// CHECK: fp8.scaled_matmul {{.*}} : tensor<?x?xf8E4M3FN>[f32], tensor<?x?xf8E4M3FN>[f32] -> tensor<?x?xf32>
func.func @contract_dynamic(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>, %c: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.contract indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>] ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>) outs(%c : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----

// Left in high precision: matrix-vector products, integer and f64
// contractions, contractions on buffers.

// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: fp8.
// CHECK: linalg.matvec
// CHECK: linalg.matmul {{.*}} tensor<16x8xi32>
// CHECK: linalg.matmul {{.*}} tensor<16x8xf64>
// CHECK: linalg.matmul {{.*}} memref<16x8xf32>
// CHECK-NOT: fp8.
func.func @left_alone(%a: tensor<16x8xf32>, %v: tensor<8xf32>, %y: tensor<16xf32>,
                      %ai: tensor<16x8xi32>, %bi: tensor<8x4xi32>, %ci: tensor<16x4xi32>,
                      %ad: tensor<16x8xf64>, %bd: tensor<8x4xf64>, %cd: tensor<16x4xf64>,
                      %am: memref<16x8xf32>, %bm: memref<8x4xf32>, %cm: memref<16x4xf32>)
    -> (tensor<16xf32>, tensor<16x4xi32>, tensor<16x4xf64>) {
  %0 = linalg.matvec ins(%a, %v : tensor<16x8xf32>, tensor<8xf32>) outs(%y : tensor<16xf32>) -> tensor<16xf32>
  %1 = linalg.matmul ins(%ai, %bi : tensor<16x8xi32>, tensor<8x4xi32>) outs(%ci : tensor<16x4xi32>) -> tensor<16x4xi32>
  %2 = linalg.matmul ins(%ad, %bd : tensor<16x8xf64>, tensor<8x4xf64>) outs(%cd : tensor<16x4xf64>) -> tensor<16x4xf64>
  linalg.matmul ins(%am, %bm : memref<16x8xf32>, memref<8x4xf32>) outs(%cm : memref<16x4xf32>)
  return %0, %1, %2 : tensor<16xf32>, tensor<16x4xi32>, tensor<16x4xf64>
}

// -----

// A 3x3 convolution goes through an im2col matrix, built by one strided
// copy per filter tap into [N, Ho, Wo, Kh, Kw, C]: the unfolded input
// [N, Ho*Wo, Kh*Kw*C] (N is an M dimension, collapsed with Ho*Wo) times the
// reshaped filter [Kh*Kw*C, F].

// CHECK-LABEL: func.func @conv_3x3
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x4xf32>, %[[W:.*]]: tensor<3x3x4x16xf32>, %[[O:.*]]: tensor<1x6x6x16xf32>)
// CHECK: %[[TAP:.*]] = tensor.extract_slice %[[X]][0, 2, 2, 0] [1, 6, 6, 4] [1, 1, 1, 1] : tensor<1x8x8x4xf32> to tensor<1x6x6x4xf32>
// CHECK: %[[COPY:.*]] = linalg.copy ins(%[[TAP]] : tensor<1x6x6x4xf32>)
// CHECK: %[[COL6:.*]] = tensor.insert_slice %[[COPY]] into %{{.*}}[0, 0, 0, 2, 2, 0] [1, 6, 6, 1, 1, 4] [1, 1, 1, 1, 1, 1] : tensor<1x6x6x4xf32> into tensor<1x6x6x3x3x4xf32>
// CHECK: %[[COLS:.*]] = tensor.collapse_shape %[[COL6]] {{\[}}[0], [1, 2], [3, 4, 5]] : tensor<1x6x6x3x3x4xf32> into tensor<1x36x36xf32>
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0, 1, 2], [3]] : tensor<3x3x4x16xf32> into tensor<36x16xf32>
// CHECK: %[[COLS2:.*]] = tensor.collapse_shape %[[COLS]] {{\[}}[0, 1], [2]] : tensor<1x36x36xf32> into tensor<36x36xf32>
// CHECK: %[[QX:.*]] = fp8.quantize %[[COLS2]], %{{.*}} : tensor<36x36xf32>, f32 to tensor<36x36xf8E4M3FN>
// CHECK: %[[QW:.*]] = fp8.quantize %[[W2]], %{{.*}} : tensor<36x16xf32>, f32 to tensor<36x16xf8E4M3FN>
// CHECK: %[[R:.*]] = fp8.scaled_matmul %[[QX]][%{{.*}}], %[[QW]][%{{.*}}] bias({{.*}}) : tensor<36x36xf8E4M3FN>[f32], tensor<36x16xf8E4M3FN>[f32] -> tensor<36x16xf32>
// CHECK: tensor.expand_shape %[[R]]
// CHECK: %[[Y:.*]] = tensor.expand_shape {{.*}} output_shape [1, 6, 6, 16] : tensor<1x36x16xf32> into tensor<1x6x6x16xf32>
// CHECK: return %[[Y]]
func.func @conv_3x3(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x4x16xf32>, %o: tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32> {
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x8x8x4xf32>, tensor<3x3x4x16xf32>) outs(%o : tensor<1x6x6x16xf32>) -> tensor<1x6x6x16xf32>
  return %r : tensor<1x6x6x16xf32>
}

// -----

// NCHW: the filter [F, C*Kh*Kw] is the lhs, the unfolded input the rhs.

// CHECK-LABEL: func.func @conv_nchw
// CHECK: fp8.scaled_matmul {{.*}} : tensor<16x36xf8E4M3FN>[f32], tensor<36x36xf8E4M3FN>[f32] -> tensor<16x36xf32>
// CHECK: tensor.expand_shape {{.*}} output_shape [1, 16, 6, 6]
func.func @conv_nchw(%x: tensor<1x4x8x8xf32>, %w: tensor<16x4x3x3xf32>, %o: tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x4x8x8xf32>, tensor<16x4x3x3xf32>) outs(%o : tensor<1x16x6x6xf32>) -> tensor<1x16x6x6xf32>
  return %r : tensor<1x16x6x6xf32>
}

// -----

// A strided 1x1 convolution is a strided slice and a matmul of
// [N*Ho*Wo, C] by the filter ([F, C] for FHWC: rhs_transposed); no im2col.

// CHECK-LABEL: func.func @conv_1x1_strided
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x4xf32>, %[[W:.*]]: tensor<16x1x1x4xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[S:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 4, 4, 4] [1, 2, 2, 1] : tensor<1x8x8x4xf32> to tensor<1x4x4x4xf32>
// CHECK: %[[X2:.*]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1, 2], [3]] : tensor<1x4x4x4xf32> into tensor<16x4xf32>
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<16x1x1x4xf32> into tensor<16x4xf32>
// CHECK: %[[R:.*]] = fp8.scaled_matmul {{.*}} {rhs_transposed} : tensor<16x4xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<16x16xf32>
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0, 1, 2], [3]] output_shape [1, 4, 4, 16]
func.func @conv_1x1_strided(%x: tensor<1x8x8x4xf32>, %w: tensor<16x1x1x4xf32>, %o: tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32> {
  %r = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<1x8x8x4xf32>, tensor<16x1x1x4xf32>) outs(%o : tensor<1x4x4x16xf32>) -> tensor<1x4x4x16xf32>
  return %r : tensor<1x4x4x16xf32>
}

// -----

// A 1x1 convolution with a dynamic batch needs no static shapes.

// CHECK-LABEL: func.func @conv_1x1_dynamic
// CHECK: %[[N:.*]] = tensor.dim
// CHECK: fp8.scaled_matmul {{.*}} : tensor<?x4xf8E4M3FN>[f32], tensor<4x16xf8E4M3FN>[f32] -> tensor<?x16xf32>
// CHECK: tensor.expand_shape {{.*}} output_shape [%[[N]], 8, 8, 16]
func.func @conv_1x1_dynamic(%x: tensor<?x8x8x4xf32>, %w: tensor<1x1x4x16xf32>, %o: tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32> {
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<?x8x8x4xf32>, tensor<1x1x4x16xf32>) outs(%o : tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
  return %r : tensor<?x8x8x16xf32>
}

// -----

// Depthwise convolutions and 3x3 convolutions with dynamic shapes are left
// alone.

// CHECK-LABEL: func.func @conv_left_alone
// CHECK-NOT: fp8.
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: fp8.
func.func @conv_left_alone(%x: tensor<1x8x8x4xf32>, %w: tensor<3x3x4xf32>, %o: tensor<1x6x6x4xf32>,
                           %xd: tensor<?x8x8x4xf32>, %wd: tensor<3x3x4x16xf32>, %od: tensor<?x6x6x16xf32>)
    -> (tensor<1x6x6x4xf32>, tensor<?x6x6x16xf32>) {
  %0 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x8x8x4xf32>, tensor<3x3x4xf32>) outs(%o : tensor<1x6x6x4xf32>) -> tensor<1x6x6x4xf32>
  %1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%xd, %wd : tensor<?x8x8x4xf32>, tensor<3x3x4x16xf32>) outs(%od : tensor<?x6x6x16xf32>) -> tensor<?x6x6x16xf32>
  return %0, %1 : tensor<1x6x6x4xf32>, tensor<?x6x6x16xf32>
}
