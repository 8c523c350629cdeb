// RUN: fp8-opt %s -fp8-fold-scales -split-input-file | FileCheck %s

// fp8-fold-scales on quantize / dequantize: pairs, multiplies into dequantize
// scales and compile-time quantization of constants. Each fold has a case
// where it must not apply.

// Equal power-of-two scales: every E4M3FN code survives the round trip.
// CHECK-LABEL: func @pair_identity
// CHECK-SAME: (%[[Q:.*]]: tensor<8xf8E4M3FN>)
// CHECK-NEXT: return %[[Q]]
func.func @pair_identity(%q: tensor<8xf8E4M3FN>) -> tensor<8xf8E4M3FN> {
  %s = arith.constant 2.0 : f32
  %x = fp8.dequantize %q, %s : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s : tensor<8xf32>, f32 to tensor<8xf8E4M3FN>
  return %r : tensor<8xf8E4M3FN>
}

// -----

// Equal block scales, element by element.
// CHECK-LABEL: func @pair_identity_blocks
// CHECK-SAME: (%[[Q:.*]]: tensor<2x64xf8E4M3FN>)
// CHECK-NEXT: return %[[Q]]
func.func @pair_identity_blocks(%q: tensor<2x64xf8E4M3FN>) -> tensor<2x64xf8E4M3FN> {
  %s = arith.constant dense<[[0.25, 8.0], [1.0, 0.125]]> : tensor<2x2xf32>
  %x = fp8.dequantize %q, %s {block = array<i64: 1, 32>} : tensor<2x64xf8E4M3FN>, tensor<2x2xf32> to tensor<2x64xf32>
  %r = fp8.quantize %x, %s {block = array<i64: 1, 32>} : tensor<2x64xf32>, tensor<2x2xf32> to tensor<2x64xf8E4M3FN>
  return %r : tensor<2x64xf8E4M3FN>
}

// -----

// E5M2 has several NaN codes and quantize produces the canonical one: not
// the identity, but an exact rescale by 1 (one scalar for all blocks).
// CHECK-LABEL: func @pair_nan_codes_not_identity
// CHECK-SAME: (%[[Q:.*]]: tensor<2x64xf8E5M2>)
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[X:.*]] = fp8.dequantize %[[Q]], %[[ONE]] : tensor<2x64xf8E5M2>, f32 to tensor<2x64xf32>
// CHECK: %[[R:.*]] = fp8.convert %[[X]] : tensor<2x64xf32> to tensor<2x64xf8E5M2>
// CHECK: return %[[R]]
func.func @pair_nan_codes_not_identity(%q: tensor<2x64xf8E5M2>) -> tensor<2x64xf8E5M2> {
  %s = arith.constant dense<[[0.25, 8.0], [1.0, 0.125]]> : tensor<2x2xf32>
  %x = fp8.dequantize %q, %s {block = array<i64: 1, 32>} : tensor<2x64xf8E5M2>, tensor<2x2xf32> to tensor<2x64xf32>
  %r = fp8.quantize %x, %s {block = array<i64: 1, 32>} : tensor<2x64xf32>, tensor<2x2xf32> to tensor<2x64xf8E5M2>
  return %r : tensor<2x64xf8E5M2>
}

// -----

// Ratios that differ per block keep the block.
// CHECK-LABEL: func @rescale_blocks
// CHECK: %[[R:.*]] = arith.constant dense<{{\[}}[2.000000e+00, 5.000000e-01]]> : tensor<1x2xf32>
// CHECK: fp8.dequantize %{{.*}}, %[[R]] {block = array<i64: 4, 32>}
// CHECK: fp8.convert
func.func @rescale_blocks(%q: tensor<4x64xf8E4M3FN>) -> tensor<4x64xf8E4M3FN> {
  %s1 = arith.constant dense<[[1.0, 1.0]]> : tensor<1x2xf32>
  %s2 = arith.constant dense<[[0.5, 2.0]]> : tensor<1x2xf32>
  %x = fp8.dequantize %q, %s1 {block = array<i64: 4, 32>} : tensor<4x64xf8E4M3FN>, tensor<1x2xf32> to tensor<4x64xf32>
  %r = fp8.quantize %x, %s2 {block = array<i64: 4, 32>} : tensor<4x64xf32>, tensor<1x2xf32> to tensor<4x64xf8E4M3FN>
  return %r : tensor<4x64xf8E4M3FN>
}

// -----

// Saturation moves E5M2's infinities to max finite: not the identity, but
// still an exact rescale (ratio 1) through f32.
// CHECK-LABEL: func @pair_saturating_not_identity
// CHECK-SAME: (%[[Q:.*]]: tensor<8xf8E5M2>)
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[X:.*]] = fp8.dequantize %[[Q]], %[[ONE]]
// CHECK: %[[R:.*]] = fp8.convert %[[X]] {saturation = #fp8.saturation<finite>} : tensor<8xf32> to tensor<8xf8E5M2>
// CHECK: return %[[R]]
func.func @pair_saturating_not_identity(%q: tensor<8xf8E5M2>) -> tensor<8xf8E5M2> {
  %s = arith.constant 4.0 : f32
  %x = fp8.dequantize %q, %s : tensor<8xf8E5M2>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s {saturation = #fp8.saturation<finite>} : tensor<8xf32>, f32 to tensor<8xf8E5M2>
  return %r : tensor<8xf8E5M2>
}

// -----

// A scale of 3 is not a power of two: decode(q) * 3 / 3 is exact for every
// E4M3FN code (the identity holds, checked over all codes).
// CHECK-LABEL: func @pair_identity_non_pow2
// CHECK-SAME: (%[[Q:.*]]: tensor<8xf8E4M3FN>)
// CHECK-NEXT: return %[[Q]]
func.func @pair_identity_non_pow2(%q: tensor<8xf8E4M3FN>) -> tensor<8xf8E4M3FN> {
  %s = arith.constant 3.0 : f32
  %x = fp8.dequantize %q, %s : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s : tensor<8xf32>, f32 to tensor<8xf8E4M3FN>
  return %r : tensor<8xf8E4M3FN>
}

// -----

// A huge scale overflows f32 for large codes (448 * 2^120 = inf): neither
// the identity nor a rescale.
// CHECK-LABEL: func @pair_overflow
// CHECK: fp8.dequantize
// CHECK: fp8.quantize
func.func @pair_overflow(%q: tensor<8xf8E4M3FN>) -> tensor<8xf8E4M3FN> {
  %s = arith.constant 0x7B800000 : f32
  %x = fp8.dequantize %q, %s : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s : tensor<8xf32>, f32 to tensor<8xf8E4M3FN>
  return %r : tensor<8xf8E4M3FN>
}

// -----

// Non-constant scales: nothing is known about them.
// CHECK-LABEL: func @pair_runtime_scale
// CHECK: fp8.dequantize
// CHECK: fp8.quantize
func.func @pair_runtime_scale(%q: tensor<8xf8E4M3FN>, %s: f32) -> tensor<8xf8E4M3FN> {
  %x = fp8.dequantize %q, %s : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s : tensor<8xf32>, f32 to tensor<8xf8E4M3FN>
  return %r : tensor<8xf8E4M3FN>
}

// -----

// Different blocks.
// CHECK-LABEL: func @pair_different_blocks
// CHECK: fp8.dequantize
// CHECK: fp8.quantize
func.func @pair_different_blocks(%q: tensor<2x64xf8E4M3FN>) -> tensor<2x64xf8E4M3FN> {
  %s1 = arith.constant dense<1.0> : tensor<2x1xf32>
  %s2 = arith.constant dense<1.0> : tensor<1x64xf32>
  %x = fp8.dequantize %q, %s1 {block = array<i64: 1, 64>} : tensor<2x64xf8E4M3FN>, tensor<2x1xf32> to tensor<2x64xf32>
  %r = fp8.quantize %x, %s2 {block = array<i64: 2, 1>} : tensor<2x64xf32>, tensor<1x64xf32> to tensor<2x64xf8E4M3FN>
  return %r : tensor<2x64xf8E4M3FN>
}

// -----

// Ratio 1/4 (s1 = 1, s2 = 4): the exact rescale.
// CHECK-LABEL: func @rescale_pow2
// CHECK-SAME: (%[[Q:.*]]: tensor<8xf8E4M3FN>)
// CHECK: %[[R:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[X:.*]] = fp8.dequantize %[[Q]], %[[R]] : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
// CHECK: %[[C:.*]] = fp8.convert %[[X]] : tensor<8xf32> to tensor<8xf8E4M3FN>
// CHECK: return %[[C]]
func.func @rescale_pow2(%q: tensor<8xf8E4M3FN>) -> tensor<8xf8E4M3FN> {
  %s1 = arith.constant 1.0 : f32
  %s2 = arith.constant 4.0 : f32
  %x = fp8.dequantize %q, %s1 : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s2 : tensor<8xf32>, f32 to tensor<8xf8E4M3FN>
  return %r : tensor<8xf8E4M3FN>
}

// -----

// Equal scales into another format: one convert between the formats.
// CHECK-LABEL: func @rescale_format_change
// CHECK-SAME: (%[[Q:.*]]: tensor<8xf8E4M3FN>)
// CHECK: %[[C:.*]] = fp8.convert %[[Q]] {saturation = #fp8.saturation<finite>} : tensor<8xf8E4M3FN> to tensor<8xf8E5M2>
// CHECK: return %[[C]]
func.func @rescale_format_change(%q: tensor<8xf8E4M3FN>) -> tensor<8xf8E5M2> {
  %s = arith.constant 0.5 : f32
  %x = fp8.dequantize %q, %s : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s {saturation = #fp8.saturation<finite>} : tensor<8xf32>, f32 to tensor<8xf8E5M2>
  return %r : tensor<8xf8E5M2>
}

// -----

// HiF8 with hybrid rounding, ratio 2 through a bf16 dequantize: exact.
// CHECK-LABEL: func @rescale_hif8
// CHECK: %[[X:.*]] = fp8.dequantize %{{.*}}, %{{.*}} : tensor<8x!fp8.hif8>, f32 to tensor<8xf32>
// CHECK: fp8.convert %[[X]] {rounding = #fp8.rounding<hybrid>} : tensor<8xf32> to tensor<8x!fp8.hif8>
func.func @rescale_hif8(%q: tensor<8x!fp8.hif8>) -> tensor<8x!fp8.hif8> {
  %s1 = arith.constant 2.0 : f32
  %s2 = arith.constant 1.0 : f32
  %x = fp8.dequantize %q, %s1 : tensor<8x!fp8.hif8>, f32 to tensor<8xbf16>
  %r = fp8.quantize %x, %s2 {rounding = #fp8.rounding<hybrid>} : tensor<8xbf16>, f32 to tensor<8x!fp8.hif8>
  return %r : tensor<8x!fp8.hif8>
}

// -----

// Ratio 3 is not a power of two.
// CHECK-LABEL: func @rescale_not_pow2
// CHECK: fp8.dequantize
// CHECK: fp8.quantize
func.func @rescale_not_pow2(%q: tensor<8xf8E4M3FN>) -> tensor<8xf8E4M3FN> {
  %s1 = arith.constant 3.0 : f32
  %s2 = arith.constant 1.0 : f32
  %x = fp8.dequantize %q, %s1 : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %r = fp8.quantize %x, %s2 : tensor<8xf32>, f32 to tensor<8xf8E4M3FN>
  return %r : tensor<8xf8E4M3FN>
}

// -----

// Power-of-two ratio, but an f16 dequantize loses E5M2's large codes
// (57344 * 2 overflows f16): the encoder would see Inf where the rescale
// sees a finite value.
// CHECK-LABEL: func @rescale_lossy_f16
// CHECK: fp8.dequantize
// CHECK: fp8.quantize
func.func @rescale_lossy_f16(%q: tensor<8xf8E5M2>) -> tensor<8xf8E5M2> {
  %s1 = arith.constant 2.0 : f32
  %s2 = arith.constant 4.0 : f32
  %x = fp8.dequantize %q, %s1 : tensor<8xf8E5M2>, f32 to tensor<8xf16>
  %r = fp8.quantize %x, %s2 : tensor<8xf16>, f32 to tensor<8xf8E5M2>
  return %r : tensor<8xf8E5M2>
}

// -----

// Compile-time weight quantization with the op's rounding and saturation.
// CHECK-LABEL: func @quantize_weights
// CHECK: %[[W:.*]] = arith.constant dense<[1.000000e+00, 4.480000e+02, 2.750000e+00]> : tensor<3xf8E4M3FN>
// CHECK: return %[[W]]
func.func @quantize_weights() -> tensor<3xf8E4M3FN> {
  %w = arith.constant dense<[0.5, 1000.0, 1.3]> : tensor<3xf32>
  %s = arith.constant 0.5 : f32
  %q = fp8.quantize %w, %s {rounding = #fp8.rounding<upward>, saturation = #fp8.saturation<finite>} : tensor<3xf32>, f32 to tensor<3xf8E4M3FN>
  return %q : tensor<3xf8E4M3FN>
}

// -----

// HiF8 weights: an i8 payload and fp8.bitcast (18 rounds to 20 under hybrid
// rounding: 0x41).
// CHECK-LABEL: func @quantize_weights_hif8
// CHECK: %[[P:.*]] = arith.constant dense<[8, 65]> : tensor<2xi8>
// CHECK: %[[W:.*]] = fp8.bitcast %[[P]] : tensor<2xi8> to tensor<2x!fp8.hif8>
// CHECK: return %[[W]]
func.func @quantize_weights_hif8() -> tensor<2x!fp8.hif8> {
  %w = arith.constant dense<[1.0, 18.0]> : tensor<2xf32>
  %s = arith.constant 1.0 : f32
  %q = fp8.quantize %w, %s {rounding = #fp8.rounding<hybrid>} : tensor<2xf32>, f32 to tensor<2x!fp8.hif8>
  return %q : tensor<2x!fp8.hif8>
}

// -----

// Not constant: stays (and a dequantize of constants is not folded, so that
// its matmul can still be lifted).
// CHECK-LABEL: func @quantize_runtime
// CHECK: fp8.quantize
// CHECK: fp8.dequantize
func.func @quantize_runtime(%w: tensor<3xf32>) -> (tensor<3xf8E4M3FN>, tensor<2xf32>) {
  %s = arith.constant 0.5 : f32
  %q = fp8.quantize %w, %s : tensor<3xf32>, f32 to tensor<3xf8E4M3FN>
  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf8E4M3FN>
  %d = fp8.dequantize %c, %s : tensor<2xf8E4M3FN>, f32 to tensor<2xf32>
  return %q, %d : tensor<3xf8E4M3FN>, tensor<2xf32>
}

// -----

// A scalar power-of-two multiply folds into a per-tensor scale.
// CHECK-LABEL: func @multiply_scalar
// CHECK-SAME: (%[[Q:.*]]: tensor<4x8xf8E4M3FN>)
// CHECK: %[[S:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: %[[X:.*]] = fp8.dequantize %[[Q]], %[[S]] : tensor<4x8xf8E4M3FN>, f32 to tensor<4x8xf32>
// CHECK: return %[[X]]
func.func @multiply_scalar(%q: tensor<4x8xf8E4M3FN>) -> tensor<4x8xf32> {
  %s = arith.constant 0.75 : f32
  %c = arith.constant dense<2.0> : tensor<4x8xf32>
  %x = fp8.dequantize %q, %s : tensor<4x8xf8E4M3FN>, f32 to tensor<4x8xf32>
  %y = arith.mulf %x, %c : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A per-row multiplier turns a per-tensor scale into a per-row one.
// CHECK-LABEL: func @multiply_rows
// CHECK: %[[S:.*]] = arith.constant dense<{{\[}}[2.000000e+00], [2.500000e-01]]> : tensor<2x1xf32>
// CHECK: fp8.dequantize %{{.*}}, %[[S]] {block = array<i64: 1, 4>} : tensor<2x4xf8E5M2>, tensor<2x1xf32> to tensor<2x4xf32>
// CHECK-NOT: arith.mulf
func.func @multiply_rows(%q: tensor<2x4xf8E5M2>) -> tensor<2x4xf32> {
  %s = arith.constant 1.0 : f32
  %c = arith.constant dense<[[2.0, 2.0, 2.0, 2.0], [0.25, 0.25, 0.25, 0.25]]> : tensor<2x4xf32>
  %x = fp8.dequantize %q, %s : tensor<2x4xf8E5M2>, f32 to tensor<2x4xf32>
  %y = arith.mulf %c, %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A per-column multiplier on a 1x2 block scale: blocks of 1 along columns.
// CHECK-LABEL: func @multiply_columns_blocks
// CHECK: %[[S:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 4.000000e+00, 8.000000e+00]]> : tensor<1x4xf32>
// CHECK: fp8.dequantize %{{.*}}, %[[S]] {block = array<i64: 2, 1>}
func.func @multiply_columns_blocks(%q: tensor<2x4xf8E4M3FN>) -> tensor<2x4xf32> {
  %s = arith.constant dense<[[1.0, 4.0]]> : tensor<1x2xf32>
  %c = arith.constant dense<[[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]> : tensor<2x4xf32>
  %x = fp8.dequantize %q, %s {block = array<i64: 2, 2>} : tensor<2x4xf8E4M3FN>, tensor<1x2xf32> to tensor<2x4xf32>
  %y = arith.mulf %x, %c : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Multiplying by 3 rounds twice where the folded scale rounds once.
// CHECK-LABEL: func @multiply_inexact
// CHECK: fp8.dequantize
// CHECK: arith.mulf
func.func @multiply_inexact(%q: tensor<8xf8E4M3FN>) -> tensor<8xf32> {
  %s = arith.constant 1.1 : f32
  %c = arith.constant dense<3.0> : tensor<8xf32>
  %x = fp8.dequantize %q, %s : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %y = arith.mulf %x, %c : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// 2 * 2^127 does not fit an f8E8M0FNU scale.
// CHECK-LABEL: func @multiply_scale_overflow
// CHECK: fp8.dequantize
// CHECK: arith.mulf
func.func @multiply_scale_overflow(%q: tensor<8xf8E4M3FN>) -> tensor<8xf32> {
  %s = arith.constant 0x7F : f8E8M0FNU
  %s2 = arith.constant 0xFE : f8E8M0FNU
  %c = arith.constant dense<2.0> : tensor<8xf32>
  %x = fp8.dequantize %q, %s2 : tensor<8xf8E4M3FN>, f8E8M0FNU to tensor<8xf32>
  %y = arith.mulf %x, %c : tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

// A multiplier that varies inside a block of a non-constant scale.
// CHECK-LABEL: func @multiply_runtime_scale
// CHECK: fp8.dequantize
// CHECK: arith.mulf
func.func @multiply_runtime_scale(%q: tensor<8xf8E4M3FN>, %s: f32) -> tensor<8xf32> {
  %c = arith.constant dense<2.0> : tensor<8xf32>
  %x = fp8.dequantize %q, %s : tensor<8xf8E4M3FN>, f32 to tensor<8xf32>
  %y = arith.mulf %x, %c : tensor<8xf32>
  return %y : tensor<8xf32>
}
