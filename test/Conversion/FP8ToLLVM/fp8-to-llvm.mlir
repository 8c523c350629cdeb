// RUN: fp8-opt %s -convert-fp8-to-llvm | FileCheck %s \
// RUN:   --implicit-check-not=fp8. --implicit-check-not=unrealized_conversion_cast \
// RUN:   --implicit-check-not=f8E --implicit-check-not=f6E --implicit-check-not=f4E

// convert-fp8-to-llvm on scalars and vectors: every fp8 op and every
// narrow-float arith cast becomes integer arith / vector / math code on the
// values' bits, narrow types become integers (so fp8.bitcast between them
// vanishes), and nothing narrow or unrealized is left (the implicit checks).
// The integer expansion itself is the numerics emitter's, tested bit for bit
// by test/Integration/CPU; here only its inputs and outputs are pinned.

// CHECK-LABEL: func.func @convert_scalar
// CHECK-SAME: (%[[X:.*]]: f32) -> i8
// CHECK: %[[BITS:.*]] = arith.bitcast %[[X]] : f32 to i32
// CHECK: arith.andi %[[BITS]]
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : i32 to i8
// CHECK-NEXT: return %[[CODE]] : i8
func.func @convert_scalar(%x: f32) -> i8 {
  %q = fp8.convert %x : f32 to f8E4M3FN
  %c = fp8.bitcast %q : f8E4M3FN to i8
  return %c : i8
}

// CHECK-LABEL: func.func @convert_vector_hif8
// CHECK-SAME: (%[[X:.*]]: vector<8xf32>) -> vector<8xi8>
// CHECK: arith.bitcast %[[X]] : vector<8xf32> to vector<8xi32>
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : vector<8xi32> to vector<8xi8>
// CHECK-NEXT: return %[[CODE]] : vector<8xi8>
func.func @convert_vector_hif8(%x: vector<8xf32>) -> vector<8xi8> {
  %q = fp8.convert %x {rounding = #fp8.rounding<hybrid>,
                       saturation = #fp8.saturation<finite>}
      : vector<8xf32> to vector<8x!fp8.hif8>
  %c = fp8.bitcast %q : vector<8x!fp8.hif8> to vector<8xi8>
  return %c : vector<8xi8>
}

// The random bits take part in the rounding decision.
// CHECK-LABEL: func.func @convert_stochastic
// CHECK-SAME: (%[[X:.*]]: vector<4xbf16>, %[[R:.*]]: vector<4xi32>) -> vector<4xi8>
// CHECK: arith.bitcast %[[X]] : vector<4xbf16> to vector<4xi16>
// CHECK: arith.xori %[[R]]
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : vector<4xi32> to vector<4xi8>
// CHECK: %[[BITS:.*]] = arith.trunci %[[CODE]] : vector<4xi8> to vector<4xi6>
// CHECK: %[[WIDE:.*]] = arith.extui %[[BITS]] : vector<4xi6> to vector<4xi8>
// CHECK-NEXT: return %[[WIDE]] : vector<4xi8>
func.func @convert_stochastic(%x: vector<4xbf16>, %r: vector<4xi32>) -> vector<4xi8> {
  %q = fp8.convert %x random(%r : vector<4xi32>)
      {rounding = #fp8.rounding<stochastic>}
      : vector<4xbf16> to vector<4xf6E3M2FN>
  %b = fp8.bitcast %q : vector<4xf6E3M2FN> to vector<4xi6>
  %c = arith.extui %b : vector<4xi6> to vector<4xi8>
  return %c : vector<4xi8>
}

// CHECK-LABEL: func.func @decode_hif8
// CHECK-SAME: (%[[C:.*]]: vector<4xi8>) -> vector<4xf16>
// CHECK: arith.extui %[[C]] : vector<4xi8> to vector<4xi32>
// CHECK: %[[F32:.*]] = arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK: %[[F16:.*]] = arith.truncf %[[F32]] : vector<4xf32> to vector<4xf16>
// CHECK-NEXT: return %[[F16]] : vector<4xf16>
func.func @decode_hif8(%c: vector<4xi8>) -> vector<4xf16> {
  %q = fp8.bitcast %c : vector<4xi8> to vector<4x!fp8.hif8>
  %x = fp8.convert %q : vector<4x!fp8.hif8> to vector<4xf16>
  return %x : vector<4xf16>
}

// Reinterpreting between narrow types is the identity on the bits.
// CHECK-LABEL: func.func @bitcast_hif8_e4m3
// CHECK-SAME: (%[[C:.*]]: i8) -> i8
// CHECK-NEXT: return %[[C]] : i8
func.func @bitcast_hif8_e4m3(%c: i8) -> i8 {
  %h = fp8.bitcast %c : i8 to !fp8.hif8
  %e = fp8.bitcast %h : !fp8.hif8 to f8E4M3FN
  %x = fp8.bitcast %e : f8E4M3FN to i8
  return %x : i8
}

// Block scales are broadcast over their blocks, then x / s is encoded.
// CHECK-LABEL: func.func @quantize_blocks
// CHECK-SAME: (%[[X:.*]]: vector<2x32xf32>, %[[S:.*]]: vector<2x1xf32>) -> vector<2x32xi8>
// CHECK: vector.broadcast
// CHECK: %[[SB:.*]] = vector.shape_cast %{{.*}} to vector<2x32xf32>
// CHECK: %[[Q:.*]] = arith.divf %[[X]], %[[SB]] : vector<2x32xf32>
// CHECK: arith.bitcast %[[Q]] : vector<2x32xf32> to vector<2x32xi32>
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : vector<2x32xi32> to vector<2x32xi8>
// CHECK-NEXT: return %[[CODE]] : vector<2x32xi8>
func.func @quantize_blocks(%x: vector<2x32xf32>, %s: vector<2x1xf32>) -> vector<2x32xi8> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 32>}
      : vector<2x32xf32>, vector<2x1xf32> to vector<2x32xf8E5M2>
  %c = fp8.bitcast %q : vector<2x32xf8E5M2> to vector<2x32xi8>
  return %c : vector<2x32xi8>
}

// decode(q) * s in f32, then rounded to the result type.
// CHECK-LABEL: func.func @dequantize_scalar
// CHECK-SAME: (%[[C:.*]]: i8, %[[S:.*]]: f32) -> bf16
// CHECK: arith.extui %[[C]] : i8 to i32
// CHECK: %[[V:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[V]], %[[S]] : f32
// CHECK-NEXT: %[[R:.*]] = arith.truncf %[[P]] : f32 to bf16
// CHECK-NEXT: return %[[R]] : bf16
func.func @dequantize_scalar(%c: i8, %s: f32) -> bf16 {
  %q = fp8.bitcast %c : i8 to f8E4M3FN
  %x = fp8.dequantize %q, %s : f8E4M3FN, f32 to bf16
  return %x : bf16
}

// CHECK-LABEL: func.func @amax_blocks
// CHECK-SAME: (%[[X:.*]]: vector<2x32xf32>) -> vector<2x1xf32>
// CHECK: %[[ABS:.*]] = math.absf %[[X]] : vector<2x32xf32>
// CHECK: %[[BLOCKS:.*]] = vector.shape_cast %[[ABS]]
// CHECK: %[[MAX:.*]] = vector.multi_reduction <maximumf>, %[[BLOCKS]]
// CHECK-SAME: to vector<2x1xf32>
// CHECK-NEXT: %[[ISNAN:.*]] = arith.cmpf uno, %[[MAX]], %[[MAX]] : vector<2x1xf32>
// CHECK-NEXT: %[[NAN:.*]] = arith.constant dense<0x7FC00000> : vector<2x1xf32>
// CHECK-NEXT: %[[R:.*]] = arith.select %[[ISNAN]], %[[NAN]], %[[MAX]] : vector<2x1xi1>, vector<2x1xf32>
// CHECK-NEXT: return %[[R]] : vector<2x1xf32>
func.func @amax_blocks(%x: vector<2x32xf32>) -> vector<2x1xf32> {
  %a = fp8.amax %x {block = array<i64: 1, 32>} : vector<2x32xf32> -> vector<2x1xf32>
  return %a : vector<2x1xf32>
}

// An f8E8M0FNU scale is built from the exponent bits of |amax|.
// CHECK-LABEL: func.func @compute_scale_e8m0
// CHECK-SAME: (%[[A:.*]]: vector<4xf32>) -> vector<4xi8>
// CHECK: math.absf %[[A]] : vector<4xf32>
// CHECK: arith.bitcast %{{.*}} : vector<4xf32> to vector<4xi32>
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : vector<4xi32> to vector<4xi8>
// CHECK-NEXT: return %[[CODE]] : vector<4xi8>
func.func @compute_scale_e8m0(%a: vector<4xf32>) -> vector<4xi8> {
  %s = fp8.compute_scale %a {format = f4E2M1FN} : vector<4xf32> -> vector<4xf8E8M0FNU>
  %c = fp8.bitcast %s : vector<4xf8E8M0FNU> to vector<4xi8>
  return %c : vector<4xi8>
}

// |amax| / (448 * 2^-1), and 1 where amax is 0 or not finite.
// CHECK-LABEL: func.func @compute_scale_f32
// CHECK-SAME: (%[[A:.*]]: f32) -> f32
// CHECK: %[[ABS:.*]] = math.absf %[[A]] : f32
// CHECK: arith.divf %[[ABS]], %{{.*}} : f32
// CHECK: %[[S:.*]] = arith.select
// CHECK-NEXT: return %[[S]] : f32
func.func @compute_scale_f32(%a: f32) -> f32 {
  %s = fp8.compute_scale %a {format = f8E4M3FN, margin = 1 : i32} : f32 -> f32
  return %s : f32
}

// Upstream's narrow-float casts get the same expansion.
// CHECK-LABEL: func.func @arith_truncf
// CHECK-SAME: (%[[X:.*]]: vector<4xf32>) -> vector<4xi8>
// CHECK: arith.bitcast %[[X]] : vector<4xf32> to vector<4xi32>
// CHECK: %[[CODE:.*]] = arith.trunci %{{.*}} : vector<4xi32> to vector<4xi8>
// CHECK-NEXT: return %[[CODE]] : vector<4xi8>
func.func @arith_truncf(%x: vector<4xf32>) -> vector<4xi8> {
  %q = arith.truncf %x : vector<4xf32> to vector<4xf8E4M3FN>
  %c = fp8.bitcast %q : vector<4xf8E4M3FN> to vector<4xi8>
  return %c : vector<4xi8>
}

// CHECK-LABEL: func.func @arith_extf
// CHECK-SAME: (%[[C:.*]]: i8) -> f32
// CHECK: arith.extui %[[C]] : i8 to i32
// CHECK: %[[X:.*]] = arith.bitcast %{{.*}} : i32 to f32
// CHECK-NEXT: return %[[X]] : f32
func.func @arith_extf(%c: i8) -> f32 {
  %q = fp8.bitcast %c : i8 to f8E5M2
  %x = arith.extf %q : f8E5M2 to f32
  return %x : f32
}

// The f4E2M1FN values times their f8E8M0FNU scales, both decoded.
// CHECK-LABEL: func.func @arith_scaling_extf
// CHECK-SAME: (%[[C:.*]]: vector<4xi4>, %[[E:.*]]: vector<4xi8>) -> vector<4xf32>
// CHECK-DAG: arith.extui %[[E]] : vector<4xi8> to vector<4xi32>
// CHECK-DAG: arith.extui %[[C]] : vector<4xi4> to vector<4xi32>
// CHECK: %[[V:.*]] = arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[V]], %{{.*}} : vector<4xf32>
// CHECK-NEXT: return %[[P]] : vector<4xf32>
func.func @arith_scaling_extf(%c: vector<4xi4>, %e: vector<4xi8>) -> vector<4xf32> {
  %q = fp8.bitcast %c : vector<4xi4> to vector<4xf4E2M1FN>
  %s = fp8.bitcast %e : vector<4xi8> to vector<4xf8E8M0FNU>
  %x = arith.scaling_extf %q, %s : vector<4xf4E2M1FN>, vector<4xf8E8M0FNU> to vector<4xf32>
  return %x : vector<4xf32>
}
