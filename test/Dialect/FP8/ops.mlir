// RUN: fp8-opt %s | fp8-opt | FileCheck %s
// RUN: fp8-opt %s --mlir-print-op-generic | fp8-opt | FileCheck %s

// CHECK-LABEL: func @hif8_type
// CHECK-SAME: (%{{.*}}: !fp8.hif8, %{{.*}}: vector<4x!fp8.hif8>, %{{.*}}: tensor<2x?x!fp8.hif8>, %{{.*}}: memref<8x!fp8.hif8>)
func.func @hif8_type(%a: !fp8.hif8, %b: vector<4x!fp8.hif8>,
                     %c: tensor<2x?x!fp8.hif8>, %d: memref<8x!fp8.hif8>) {
  return
}

// CHECK-LABEL: func @convert
func.func @convert(%f: f32, %v: vector<8xf32>, %t: tensor<4x4xbf16>,
                   %h: vector<8xf16>, %bits: vector<8xi32>, %q: f8E5M2) {
  // CHECK: fp8.convert %{{.*}} : f32 to f8E4M3FN
  %0 = fp8.convert %f : f32 to f8E4M3FN
  // CHECK: fp8.convert %{{.*}} {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>} : vector<8xf32> to vector<8xf8E5M2>
  %1 = fp8.convert %v {rounding = #fp8.rounding<toward_zero>, saturation = #fp8.saturation<finite>} : vector<8xf32> to vector<8xf8E5M2>
  // CHECK: fp8.convert %{{.*}} {rounding = #fp8.rounding<hybrid>} : tensor<4x4xbf16> to tensor<4x4x!fp8.hif8>
  %2 = fp8.convert %t {rounding = #fp8.rounding<hybrid>} : tensor<4x4xbf16> to tensor<4x4x!fp8.hif8>
  // CHECK: fp8.convert %{{.*}} random(%{{.*}} : vector<8xi32>) {rounding = #fp8.rounding<stochastic>} : vector<8xf16> to vector<8xf6E3M2FN>
  %3 = fp8.convert %h random(%bits : vector<8xi32>) {rounding = #fp8.rounding<stochastic>} : vector<8xf16> to vector<8xf6E3M2FN>
  // CHECK: fp8.convert %{{.*}} {rounding = #fp8.rounding<odd>} : vector<8xf32> to vector<8xf4E2M1FN>
  %4 = fp8.convert %v {rounding = #fp8.rounding<odd>} : vector<8xf32> to vector<8xf4E2M1FN>
  // CHECK: fp8.convert %{{.*}} : f8E5M2 to f32
  %5 = fp8.convert %q : f8E5M2 to f32
  // CHECK: fp8.convert %{{.*}} {rounding = #fp8.rounding<nearest_away>} : f8E5M2 to f8E4M3FNUZ
  %6 = fp8.convert %q {rounding = #fp8.rounding<nearest_away>} : f8E5M2 to f8E4M3FNUZ
  // CHECK: fp8.convert %{{.*}} : tensor<4x4x!fp8.hif8> to tensor<4x4xf32>
  %7 = fp8.convert %2 : tensor<4x4x!fp8.hif8> to tensor<4x4xf32>
  return
}

// CHECK-LABEL: func @bitcast
func.func @bitcast(%a: tensor<16xi8>, %b: vector<4xi4>) -> (tensor<16x!fp8.hif8>, vector<4xf4E2M1FN>) {
  // CHECK: fp8.bitcast %{{.*}} : tensor<16xi8> to tensor<16x!fp8.hif8>
  %0 = fp8.bitcast %a : tensor<16xi8> to tensor<16x!fp8.hif8>
  // CHECK: fp8.bitcast %{{.*}} : vector<4xi4> to vector<4xf4E2M1FN>
  %1 = fp8.bitcast %b : vector<4xi4> to vector<4xf4E2M1FN>
  return %0, %1 : tensor<16x!fp8.hif8>, vector<4xf4E2M1FN>
}

// CHECK-LABEL: func @quantize_dequantize
func.func @quantize_dequantize(%x: tensor<16x64xf32>, %s: f32,
                               %rows: tensor<16x1xf32>,
                               %mx: tensor<16x2xf8E8M0FNU>,
                               %bits: tensor<16x64xi32>,
                               %dyn: tensor<?x256xbf16>,
                               %dynScale: tensor<?x2xf32>) {
  // CHECK: fp8.quantize %{{.*}}, %{{.*}} : tensor<16x64xf32>, f32 to tensor<16x64xf8E4M3FN>
  %0 = fp8.quantize %x, %s : tensor<16x64xf32>, f32 to tensor<16x64xf8E4M3FN>
  // CHECK: fp8.quantize %{{.*}}, %{{.*}} {block = array<i64: 1, 64>} : tensor<16x64xf32>, tensor<16x1xf32> to tensor<16x64xf8E5M2>
  %1 = fp8.quantize %x, %rows {block = array<i64: 1, 64>} : tensor<16x64xf32>, tensor<16x1xf32> to tensor<16x64xf8E5M2>
  // CHECK: fp8.quantize %{{.*}}, %{{.*}} {block = array<i64: 1, 32>, saturation = #fp8.saturation<finite>} : tensor<16x64xf32>, tensor<16x2xf8E8M0FNU> to tensor<16x64xf4E2M1FN>
  %2 = fp8.quantize %x, %mx {block = array<i64: 1, 32>, saturation = #fp8.saturation<finite>} : tensor<16x64xf32>, tensor<16x2xf8E8M0FNU> to tensor<16x64xf4E2M1FN>
  // CHECK: fp8.quantize %{{.*}}, %{{.*}} random(%{{.*}} : tensor<16x64xi32>) {rounding = #fp8.rounding<stochastic>} : tensor<16x64xf32>, f32 to tensor<16x64x!fp8.hif8>
  %3 = fp8.quantize %x, %s random(%bits : tensor<16x64xi32>) {rounding = #fp8.rounding<stochastic>} : tensor<16x64xf32>, f32 to tensor<16x64x!fp8.hif8>
  // CHECK: fp8.quantize %{{.*}}, %{{.*}} {block = array<i64: 1, 128>} : tensor<?x256xbf16>, tensor<?x2xf32> to tensor<?x256xf8E4M3FN>
  %4 = fp8.quantize %dyn, %dynScale {block = array<i64: 1, 128>} : tensor<?x256xbf16>, tensor<?x2xf32> to tensor<?x256xf8E4M3FN>
  // CHECK: fp8.dequantize %{{.*}}, %{{.*}} : tensor<16x64xf8E4M3FN>, f32 to tensor<16x64xbf16>
  %5 = fp8.dequantize %0, %s : tensor<16x64xf8E4M3FN>, f32 to tensor<16x64xbf16>
  // CHECK: fp8.dequantize %{{.*}}, %{{.*}} {block = array<i64: 1, 32>} : tensor<16x64xf4E2M1FN>, tensor<16x2xf8E8M0FNU> to tensor<16x64xf32>
  %6 = fp8.dequantize %2, %mx {block = array<i64: 1, 32>} : tensor<16x64xf4E2M1FN>, tensor<16x2xf8E8M0FNU> to tensor<16x64xf32>
  return
}

// CHECK-LABEL: func @amax_compute_scale
func.func @amax_compute_scale(%x: tensor<8x512xf32>, %v: vector<4x64xf16>,
                              %q: tensor<8x512xf8E4M3FN>) {
  // CHECK: fp8.amax %{{.*}} : tensor<8x512xf32> -> f32
  %0 = fp8.amax %x : tensor<8x512xf32> -> f32
  // CHECK: fp8.amax %{{.*}} {block = array<i64: 1, 128>} : tensor<8x512xf32> -> tensor<8x4xf32>
  %1 = fp8.amax %x {block = array<i64: 1, 128>} : tensor<8x512xf32> -> tensor<8x4xf32>
  // CHECK: fp8.amax %{{.*}} {block = array<i64: 4, 32>} : vector<4x64xf16> -> vector<1x2xf32>
  %2 = fp8.amax %v {block = array<i64: 4, 32>} : vector<4x64xf16> -> vector<1x2xf32>
  // CHECK: fp8.amax %{{.*}} : tensor<8x512xf8E4M3FN> -> f32
  %3 = fp8.amax %q : tensor<8x512xf8E4M3FN> -> f32
  // CHECK: fp8.compute_scale %{{.*}} {format = f8E4M3FN, margin = 1 : i32, pow2} : f32 -> f32
  %4 = fp8.compute_scale %0 {format = f8E4M3FN, margin = 1 : i32, pow2} : f32 -> f32
  // CHECK: fp8.compute_scale %{{.*}} {format = !fp8.hif8} : tensor<8x4xf32> -> tensor<8x4xf32>
  %5 = fp8.compute_scale %1 {format = !fp8.hif8} : tensor<8x4xf32> -> tensor<8x4xf32>
  // CHECK: fp8.compute_scale %{{.*}} {format = f4E2M1FN} : tensor<8x4xf32> -> tensor<8x4xf8E8M0FNU>
  %6 = fp8.compute_scale %1 {format = f4E2M1FN} : tensor<8x4xf32> -> tensor<8x4xf8E8M0FNU>
  // CHECK: fp8.compute_scale %{{.*}} {format = !fp8.hif8, pow2, target_max = 1.500000e+01 : f32} : f32 -> f32
  %7 = fp8.compute_scale %0 {format = !fp8.hif8, target_max = 15.0 : f32, pow2} : f32 -> f32
  // CHECK: fp8.compute_scale %{{.*}} {format = f8E4M3FN, target_max = 4.480000e+02 : f32} : tensor<8x4xf32> -> tensor<8x4xf8E8M0FNU>
  %8 = fp8.compute_scale %1 {format = f8E4M3FN, target_max = 448.0 : f32} : tensor<8x4xf32> -> tensor<8x4xf8E8M0FNU>
  return
}

// CHECK-LABEL: func @scaled_matmul
func.func @scaled_matmul(%a: tensor<64x512xf8E4M3FN>, %sa: f32,
                         %b: tensor<512x256xf8E5M2>, %sb: f32,
                         %a128: tensor<64x4xf32>, %b128: tensor<4x2xf32>,
                         %bt: tensor<2x256x512x!fp8.hif8>,
                         %ab: tensor<2x64x512xf8E4M3FN>,
                         %bias: tensor<256xf32>, %os: f32) {
  // CHECK: fp8.scaled_matmul %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}] : tensor<64x512xf8E4M3FN>[f32], tensor<512x256xf8E5M2>[f32] -> tensor<64x256xf32>
  %0 = fp8.scaled_matmul %a[%sa], %b[%sb] : tensor<64x512xf8E4M3FN>[f32], tensor<512x256xf8E5M2>[f32] -> tensor<64x256xf32>
  // CHECK: fp8.scaled_matmul %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>} : tensor<64x512xf8E4M3FN>[tensor<64x4xf32>], tensor<512x256xf8E5M2>[tensor<4x2xf32>] -> tensor<64x256xbf16>
  %1 = fp8.scaled_matmul %a[%a128], %b[%b128] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>} : tensor<64x512xf8E4M3FN>[tensor<64x4xf32>], tensor<512x256xf8E5M2>[tensor<4x2xf32>] -> tensor<64x256xbf16>
  // CHECK: %{{.*}}, %{{.*}} = fp8.scaled_matmul %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}] bias(%{{.*}} : tensor<256xf32>) out_scale(%{{.*}}) {rhs_transposed, saturation = #fp8.saturation<finite>} : tensor<2x64x512xf8E4M3FN>[f32], tensor<2x256x512x!fp8.hif8>[f32] -> tensor<2x64x256xf8E4M3FN>, f32
  %2:2 = fp8.scaled_matmul %ab[%sa], %bt[%sb] bias(%bias : tensor<256xf32>) out_scale(%os) {rhs_transposed, saturation = #fp8.saturation<finite>} : tensor<2x64x512xf8E4M3FN>[f32], tensor<2x256x512x!fp8.hif8>[f32] -> tensor<2x64x256xf8E4M3FN>, f32
  return
}
