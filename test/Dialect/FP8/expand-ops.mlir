// RUN: fp8-opt %s -fp8-expand -split-input-file | FileCheck %s

// What fp8-expand owns around the encode/decode code (which the integration
// tests check bit for bit): scales, blocks, reductions and the bitcasts.

// CHECK-LABEL: func @quantize_blocks
// CHECK-SAME: (%[[X:.*]]: vector<4x300xf32>, %[[S:.*]]: vector<2x3xf32>)
// CHECK: %[[S1:.*]] = vector.shape_cast %[[S]] : vector<2x3xf32> to vector<2x1x3x1xf32>
// CHECK: %[[S2:.*]] = vector.broadcast %[[S1]] : vector<2x1x3x1xf32> to vector<2x2x3x128xf32>
// CHECK: %[[S3:.*]] = vector.shape_cast %[[S2]] : vector<2x2x3x128xf32> to vector<4x384xf32>
// CHECK: %[[S4:.*]] = vector.extract_strided_slice %[[S3]] {offsets = [0, 0], sizes = [4, 300], strides = [1, 1]}
// CHECK: %[[Q:.*]] = arith.divf %[[X]], %[[S4]] : vector<4x300xf32>
// CHECK: arith.bitcast %{{.*}} : vector<4x300xi8> to vector<4x300xf8E4M3FN>
// CHECK-NOT: fp8.quantize
func.func @quantize_blocks(%x: vector<4x300xf32>, %s: vector<2x3xf32>) -> vector<4x300xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 2, 128>} : vector<4x300xf32>, vector<2x3xf32> to vector<4x300xf8E4M3FN>
  return %q : vector<4x300xf8E4M3FN>
}

// -----

// CHECK-LABEL: func @quantize_per_tensor_f16
// CHECK-SAME: (%[[X:.*]]: vector<8xf16>, %[[S:.*]]: f32)
// CHECK: %[[E:.*]] = arith.extf %[[X]] : vector<8xf16> to vector<8xf32>
// CHECK: %[[B:.*]] = vector.broadcast %[[S]] : f32 to vector<8xf32>
// CHECK: arith.divf %[[E]], %[[B]] : vector<8xf32>
// CHECK: %[[T:.*]] = arith.trunci %{{.*}} : vector<8xi{{[0-9]+}}> to vector<8xi4>
// CHECK: arith.bitcast %[[T]] : vector<8xi4> to vector<8xf4E2M1FN>
func.func @quantize_per_tensor_f16(%x: vector<8xf16>, %s: f32) -> vector<8xf4E2M1FN> {
  %q = fp8.quantize %x, %s : vector<8xf16>, f32 to vector<8xf4E2M1FN>
  return %q : vector<8xf4E2M1FN>
}

// -----

// CHECK-LABEL: func @dequantize_mx
// CHECK-SAME: (%[[Q:.*]]: vector<64xf4E2M1FN>, %[[S:.*]]: vector<2xf8E8M0FNU>)
// CHECK: %[[QB:.*]] = arith.bitcast %[[Q]] : vector<64xf4E2M1FN> to vector<64xi4>
// CHECK: arith.extui %[[QB]] : vector<64xi4> to vector<64xi{{[0-9]+}}>
// CHECK: arith.bitcast %[[S]] : vector<2xf8E8M0FNU> to vector<2xi8>
// CHECK: vector.broadcast %{{.*}} : vector<2x1xf32> to vector<2x32xf32>
// CHECK: %[[M:.*]] = arith.mulf
// CHECK: arith.truncf %[[M]] : vector<64xf32> to vector<64xbf16>
func.func @dequantize_mx(%q: vector<64xf4E2M1FN>, %s: vector<2xf8E8M0FNU>) -> vector<64xbf16> {
  %x = fp8.dequantize %q, %s {block = array<i64: 32>} : vector<64xf4E2M1FN>, vector<2xf8E8M0FNU> to vector<64xbf16>
  return %x : vector<64xbf16>
}

// -----

// Ragged blocks are padded with zeros before the reduction.
// CHECK-LABEL: func @amax_blocks
// CHECK-SAME: (%[[X:.*]]: vector<3x40xf32>)
// CHECK: %[[A:.*]] = math.absf %[[X]] : vector<3x40xf32>
// CHECK: %[[P:.*]] = vector.insert_strided_slice %[[A]], %{{.*}} {offsets = [0, 0], strides = [1, 1]} : vector<3x40xf32> into vector<4x64xf32>
// CHECK: %[[R:.*]] = vector.shape_cast %[[P]] : vector<4x64xf32> to vector<2x2x2x32xf32>
// CHECK: vector.multi_reduction <maximumf>, %[[R]], %{{.*}} [1, 3] : vector<2x2x2x32xf32> to vector<2x2xf32>
func.func @amax_blocks(%x: vector<3x40xf32>) -> vector<2x2xf32> {
  %a = fp8.amax %x {block = array<i64: 2, 32>} : vector<3x40xf32> -> vector<2x2xf32>
  return %a : vector<2x2xf32>
}

// -----

// CHECK-LABEL: func @amax_all
// CHECK: %[[A:.*]] = math.absf %{{.*}} : vector<16xf32>
// CHECK: vector.reduction <maximumf>, %[[A]] : vector<16xf32> into f32
func.func @amax_all(%x: vector<16xf32>) -> f32 {
  %a = fp8.amax %x : vector<16xf32> -> f32
  return %a : f32
}

// -----

// amax / 448 in f32, clamped to the normal range, 1 for 0 / Inf / NaN.
// CHECK-LABEL: func @compute_scale
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : vector<4xf32>
// CHECK-DAG: %[[TARGET:.*]] = arith.constant dense<4.480000e+02> : vector<4xf32>
// CHECK: %[[A:.*]] = math.absf
// CHECK: %[[ZERO:.*]] = arith.cmpf oeq, %[[A]]
// CHECK: %[[NONFINITE:.*]] = arith.cmpf uge, %[[A]]
// CHECK: %[[USEONE:.*]] = arith.ori %[[ZERO]], %[[NONFINITE]]
// CHECK: %[[D:.*]] = arith.divf %[[A]], %[[TARGET]]
// CHECK: %[[LO:.*]] = arith.minimumf %[[D]]
// CHECK: %[[HI:.*]] = arith.maximumf %[[LO]]
// CHECK: arith.select %[[USEONE]], %[[ONE]], %[[HI]]
func.func @compute_scale(%a: vector<4xf32>) -> vector<4xf32> {
  %s = fp8.compute_scale %a {format = f8E4M3FN} : vector<4xf32> -> vector<4xf32>
  return %s : vector<4xf32>
}

// -----

// target_max = 15 (not a power of two) replaces max_finite * 2^-margin: the
// divisor is 15; pow2 compares the mantissa bits with 15's (1.875 * 2^3:
// 0x700000) and subtracts its exponent 3; E8M0 codes are
// floor(log2 amax) + 127 - 3.
// CHECK-LABEL: func @compute_scale_target_max
// CHECK-DAG: %[[TARGET:.*]] = arith.constant dense<1.500000e+01> : vector<4xf32>
// CHECK-DAG: %[[TMANT:.*]] = arith.constant dense<7340032> : vector<4xi32>
// CHECK-DAG: %[[TEXP:.*]] = arith.constant dense<3> : vector<4xi32>
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<124> : vector<4xi32>
// CHECK: arith.divf %{{.*}}, %[[TARGET]] : vector<4xf32>
// CHECK: %[[MANT:.*]] = arith.andi
// CHECK: arith.cmpi ugt, %[[MANT]], %[[TMANT]]
// CHECK: arith.subi %{{.*}}, %[[TEXP]]
// CHECK: arith.addi %{{.*}}, %[[BIAS]]
// CHECK: arith.bitcast %{{.*}} : vector<4xi8> to vector<4xf8E8M0FNU>
func.func @compute_scale_target_max(%a: vector<4xf32>) -> (vector<4xf32>, vector<4xf32>, vector<4xf8E8M0FNU>) {
  %s = fp8.compute_scale %a {format = !fp8.hif8, target_max = 1.5e+01 : f32} : vector<4xf32> -> vector<4xf32>
  %p = fp8.compute_scale %a {format = !fp8.hif8, target_max = 1.5e+01 : f32, pow2} : vector<4xf32> -> vector<4xf32>
  %e = fp8.compute_scale %a {format = !fp8.hif8, target_max = 1.5e+01 : f32} : vector<4xf32> -> vector<4xf8E8M0FNU>
  return %s, %p, %e : vector<4xf32>, vector<4xf32>, vector<4xf8E8M0FNU>
}

// -----

// arith's narrow casts are expanded too; scaling_truncf goes through
// upstream's expansion into divf + truncf first.
// CHECK-LABEL: func @arith_casts
// CHECK-NOT: arith.truncf {{.*}} to vector<4xf8E5M2>
// CHECK-NOT: arith.scaling_truncf
// CHECK-NOT: arith.extf {{.*}}f8E4M3FN
// CHECK: return
func.func @arith_casts(%x: vector<4xf32>, %s: vector<4xf8E8M0FNU>, %q: vector<4xf8E4M3FN>) -> (vector<4xf8E5M2>, vector<4xf4E2M1FN>, vector<4xf16>) {
  %0 = arith.truncf %x downward : vector<4xf32> to vector<4xf8E5M2>
  %1 = arith.scaling_truncf %x, %s : vector<4xf32>, vector<4xf8E8M0FNU> to vector<4xf4E2M1FN>
  %2 = arith.extf %q : vector<4xf8E4M3FN> to vector<4xf16>
  return %0, %1, %2 : vector<4xf8E5M2>, vector<4xf4E2M1FN>, vector<4xf16>
}

// -----

// Tensors are left to the tensor lowering.
// CHECK-LABEL: func @tensor
// CHECK: fp8.convert %{{.*}} : tensor<4xf32> to tensor<4xf8E4M3FN>
func.func @tensor(%x: tensor<4xf32>) -> tensor<4xf8E4M3FN> {
  %0 = fp8.convert %x : tensor<4xf32> to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

// HiF8 is not a builtin type, so its codes are reinterpreted by fp8.bitcast;
// builtin narrow types use arith.bitcast, which upstream lowers.
// CHECK-LABEL: func.func @hif8_codes
// CHECK: %[[C:.*]] = arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// CHECK: %[[H:.*]] = fp8.bitcast %[[C]] : vector<16xi8> to vector<16x!fp8.hif8>
// CHECK: return %[[H]]
func.func @hif8_codes(%x: vector<16xf32>) -> vector<16x!fp8.hif8> {
  %q = fp8.convert %x : vector<16xf32> to vector<16x!fp8.hif8>
  return %q : vector<16x!fp8.hif8>
}
