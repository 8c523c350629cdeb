// RUN: fp8-opt %s -convert-fp8-to-linalg -split-input-file | FileCheck %s

// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[BLOCK:.*]] = affine_map<(d0, d1) -> (d0, d1 floordiv 128)>
// CHECK-LABEL: func @quantize_blocks
// CHECK-SAME: (%[[X:.*]]: tensor<4x300xf32>, %[[S:.*]]: tensor<4x3xf32>)
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<4x300xf8E4M3FN>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[BLOCK]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[S]] : tensor<4x300xf32>, tensor<4x3xf32>) outs(%[[INIT]] : tensor<4x300xf8E4M3FN>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f8E4M3FN):
// CHECK:   %[[Q:.*]] = arith.divf %[[A]], %[[B]] : f32
// CHECK:   %[[C:.*]] = fp8.convert %[[Q]] {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>} : f32 to f8E4M3FN
// CHECK:   linalg.yield %[[C]]
func.func @quantize_blocks(%x: tensor<4x300xf32>, %s: tensor<4x3xf32>) -> tensor<4x300xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>, rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>}
      : tensor<4x300xf32>, tensor<4x3xf32> to tensor<4x300xf8E4M3FN>
  return %q : tensor<4x300xf8E4M3FN>
}

// -----

// A per-tensor scale is a scalar operand; bf16 inputs are extended to f32;
// random bits ride along.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func @quantize_stochastic
// CHECK-SAME: (%[[X:.*]]: tensor<?xbf16>, %[[S:.*]]: f32, %[[R:.*]]: tensor<?xi32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %[[C0]]
// CHECK: %[[INIT:.*]] = tensor.empty(%[[N]]) : tensor<?x!fp8.hif8>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[SCALAR]], #[[ID]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[R]] : tensor<?xbf16>, f32, tensor<?xi32>)
// CHECK: ^bb0(%[[A:.*]]: bf16, %[[B:.*]]: f32, %[[RB:.*]]: i32, %{{.*}}: !fp8.hif8):
// CHECK:   %[[E:.*]] = arith.extf %[[A]] : bf16 to f32
// CHECK:   %[[Q:.*]] = arith.divf %[[E]], %[[B]] : f32
// CHECK:   fp8.convert %[[Q]] random(%[[RB]] : i32) {rounding = #fp8.rounding<stochastic>} : f32 to !fp8.hif8
func.func @quantize_stochastic(%x: tensor<?xbf16>, %s: f32, %r: tensor<?xi32>) -> tensor<?x!fp8.hif8> {
  %q = fp8.quantize %x, %s random(%r : tensor<?xi32>) {rounding = #fp8.rounding<stochastic>}
      : tensor<?xbf16>, f32 to tensor<?x!fp8.hif8>
  return %q : tensor<?x!fp8.hif8>
}

// -----

// MX dequantize: 64 columns in blocks of 32 split into [2, 32], so the scale
// is read along (d0, d1); E8M0 scales are decoded with fp8.convert.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[BLOCK:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func @dequantize_mx
// CHECK: %[[E:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf4E2M1FN> into tensor<8x2x32xf4E2M1FN>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[BLOCK]], #[[ID]]]
// CHECK-SAME: ins(%[[E]], %{{.*}} : tensor<8x2x32xf4E2M1FN>, tensor<8x2xf8E8M0FNU>)
// CHECK: ^bb0(%[[Q:.*]]: f4E2M1FN, %[[S:.*]]: f8E8M0FNU, %{{.*}}: bf16):
// CHECK:   %[[QF:.*]] = fp8.convert %[[Q]] : f4E2M1FN to f32
// CHECK:   %[[SF:.*]] = fp8.convert %[[S]] : f8E8M0FNU to f32
// CHECK:   %[[M:.*]] = arith.mulf %[[QF]], %[[SF]] : f32
// CHECK:   %[[T:.*]] = arith.truncf %[[M]] : f32 to bf16
// CHECK:   linalg.yield %[[T]]
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2]] : tensor<8x2x32xbf16> into tensor<8x64xbf16>
func.func @dequantize_mx(%q: tensor<8x64xf4E2M1FN>, %s: tensor<8x2xf8E8M0FNU>) -> tensor<8x64xbf16> {
  %x = fp8.dequantize %q, %s {block = array<i64: 1, 32>} : tensor<8x64xf4E2M1FN>, tensor<8x2xf8E8M0FNU> to tensor<8x64xbf16>
  return %x : tensor<8x64xbf16>
}

// -----

// Blocked amax reduces the bits of |x| by unsigned max through the block map
// into a zero-filled i32 tensor (dimensions with a block of 1 parallel), then
// makes them f32 with NaN canonical; the per-tensor one reduces into a 0-d
// tensor it then reads.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[BLOCK:.*]] = affine_map<(d0, d1) -> (d0 floordiv 2, d1 floordiv 128)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[ALL:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func @amax
// CHECK-SAME: (%[[X:.*]]: tensor<4x300xf16>)
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK-DAG: %[[ABS:.*]] = arith.constant 2147483647 : i32
// CHECK-DAG: %[[INF:.*]] = arith.constant 2139095040 : i32
// CHECK-DAG: %[[NAN:.*]] = arith.constant 2143289344 : i32
// CHECK: %[[FILL:.*]] = linalg.fill ins(%[[ZERO]] : i32) outs(%{{.*}} : tensor<2x3xi32>)
// CHECK: %[[BITS:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[BLOCK]]], iterator_types = ["reduction", "reduction"]}
// CHECK-SAME: ins(%[[X]] : tensor<4x300xf16>) outs(%[[FILL]] : tensor<2x3xi32>)
// CHECK: ^bb0(%[[A:.*]]: f16, %[[ACC:.*]]: i32):
// CHECK:   %[[E:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK:   %[[I:.*]] = arith.bitcast %[[E]] : f32 to i32
// CHECK:   %[[M:.*]] = arith.andi %[[I]], %[[ABS]] : i32
// CHECK:   arith.maxui %[[ACC]], %[[M]] : i32
// CHECK: linalg.generic {{.*}} ins(%[[BITS]] : tensor<2x3xi32>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK:   %[[ISNAN:.*]] = arith.cmpi ugt, %{{.*}}, %[[INF]] : i32
// CHECK:   %[[C:.*]] = arith.select %[[ISNAN]], %[[NAN]], %{{.*}} : i32
// CHECK:   arith.bitcast %[[C]] : i32 to f32
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ALL]]], iterator_types = ["reduction", "reduction"]}
// CHECK: %[[T:.*]] = tensor.extract %{{.*}}[] : tensor<i32>
// CHECK: arith.cmpi ugt, %[[T]], %[[INF]] : i32
func.func @amax(%x: tensor<4x300xf16>) -> (tensor<2x3xf32>, tensor<4x1xf32>, f32) {
  %b = fp8.amax %x {block = array<i64: 2, 128>} : tensor<4x300xf16> -> tensor<2x3xf32>
  %r = fp8.amax %x {block = array<i64: 1, 300>} : tensor<4x300xf16> -> tensor<4x1xf32>
  %t = fp8.amax %x : tensor<4x300xf16> -> f32
  return %b, %r, %t : tensor<2x3xf32>, tensor<4x1xf32>, f32
}

// -----

// Dynamic blocked amax sizes its result with ceildiv.
// CHECK-LABEL: func @amax_dynamic
// CHECK-DAG: %[[C32:.*]] = arith.constant 32 : index
// CHECK-DAG: %[[N:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x256xf32>
// CHECK: %[[B:.*]] = arith.ceildivui %[[N]], %[[C32]] : index
// CHECK: tensor.empty(%[[B]]) : tensor<?x256xi32>
func.func @amax_dynamic(%x: tensor<?x256xf32>) -> tensor<?x256xf32> {
  %b = fp8.amax %x {block = array<i64: 32, 1>} : tensor<?x256xf32> -> tensor<?x256xf32>
  return %b : tensor<?x256xf32>
}

// -----

// Element-wise fp8 ops go through the upstream element-wise conversion.
// CHECK-LABEL: func @elementwise
// CHECK: linalg.generic
// CHECK:   fp8.convert %{{.*}} {saturation = #fp8.saturation<finite>} : f32 to f8E5M2
// CHECK: linalg.generic
// CHECK:   fp8.compute_scale %{{.*}} {format = f8E5M2, pow2} : f32 -> f32
func.func @elementwise(%x: tensor<16xf32>, %a: tensor<4xf32>) -> (tensor<16xf8E5M2>, tensor<4xf32>) {
  %q = fp8.convert %x {saturation = #fp8.saturation<finite>} : tensor<16xf32> to tensor<16xf8E5M2>
  %s = fp8.compute_scale %a {format = f8E5M2, pow2} : tensor<4xf32> -> tensor<4xf32>
  return %q, %s : tensor<16xf8E5M2>, tensor<4xf32>
}

// -----

// The reference decomposition of scaled_matmul: dequantize, an f32
// contraction over [batch, M, N, K], bias, amax and output quantization.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[RHST:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[BIAS:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func @scaled_matmul
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x8x16xf8E4M3FN>, tensor<2x8x1xf32>)
// CHECK: %[[B:.*]] = linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4x16x!fp8.hif8>, f32)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[LHS]], #[[RHST]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[A]], %[[B]] : tensor<2x8x16xf32>, tensor<2x4x16xf32>)
// CHECK:   arith.mulf
// CHECK:   arith.addf
// CHECK: %[[D:.*]] = linalg.generic {{.*}}#[[BIAS]]{{.*}} ins(%[[ACC]], %{{.*}} : tensor<2x8x4xf32>, tensor<4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[D]], %{{.*}} : tensor<2x8x4xf32>, f32) outs(%{{.*}} : tensor<2x8x4xf8E5M2>)
// CHECK:   fp8.convert %{{.*}} {rounding = #fp8.rounding<nearest_even>, saturation = #fp8.saturation<finite>} : f32 to f8E5M2
// CHECK: linalg.generic {{.*}} ins(%[[D]] : tensor<2x8x4xf32>)
// CHECK:   arith.maxui
func.func @scaled_matmul(%a: tensor<2x8x16xf8E4M3FN>, %b: tensor<2x4x16x!fp8.hif8>, %sa: tensor<2x8x1xf32>, %sb: f32,
                         %bias: tensor<4xf32>, %os: f32) -> (tensor<2x8x4xf8E5M2>, f32) {
  %d:2 = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<4xf32>) out_scale(%os)
      {lhs_block = array<i64: 1, 1, 16>, rhs_transposed, saturation = #fp8.saturation<finite>}
      : tensor<2x8x16xf8E4M3FN>[tensor<2x8x1xf32>], tensor<2x4x16x!fp8.hif8>[f32] -> tensor<2x8x4xf8E5M2>, f32
  return %d#0, %d#1 : tensor<2x8x4xf8E5M2>, f32
}
