// RUN: fp8-opt %s -split-input-file -verify-diagnostics

// Parsing

func.func @unknown_rounding(%x: f32) -> f8E4M3FN {
  // expected-error @+2 {{failed to parse FP8_RoundingAttr parameter 'value'}}
  // expected-error @+1 {{expected ::mlir::fp8::Rounding to be one of: nearest_even, nearest_away, toward_zero, upward, downward, odd, hybrid, stochastic}}
  %0 = fp8.convert %x {rounding = #fp8.rounding<banana>} : f32 to f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

func.func @unknown_type(%x: f32) {
  // expected-error @+1 {{unknown  type `hif4` in dialect `fp8`}}
  %0 = fp8.convert %x : f32 to !fp8.hif4
  return
}

// -----
// fp8.convert

func.func @convert_wide_to_wide(%x: f32) -> f16 {
  // expected-error @+1 {{expects a narrow float (f8, f6, f4 or !fp8.hif8) on at least one side, got 'f32' to 'f16'; use arith.extf / arith.truncf between wide floats}}
  %0 = fp8.convert %x : f32 to f16
  return %0 : f16
}

// -----

func.func @convert_integer(%x: i8) -> f8E4M3FN {
  // expected-error @+1 {{operand #0 must be}}
  %0 = fp8.convert %x : i8 to f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

func.func @convert_shape(%x: f32) -> vector<4xf8E4M3FN> {
  // expected-error @+1 {{if a result is non-scalar, then at least one operand must be non-scalar}}
  %0 = fp8.convert %x : f32 to vector<4xf8E4M3FN>
  return %0 : vector<4xf8E4M3FN>
}

// -----

func.func @convert_scalar_with_vector_bits(%x: f32, %r: vector<4xi32>) -> vector<4xf8E4M3FN> {
  // expected-error @+1 {{expects input and result of the same shape, got 'f32' and 'vector<4xf8E4M3FN>'}}
  %0 = fp8.convert %x random(%r : vector<4xi32>) {rounding = #fp8.rounding<stochastic>} : f32 to vector<4xf8E4M3FN>
  return %0 : vector<4xf8E4M3FN>
}

// -----

func.func @convert_hybrid_e4m3(%x: f32) -> f8E4M3FN {
  // expected-error @+1 {{rounding 'hybrid' does not apply to 'f8E4M3FN' results (hybrid rounding is HiF8's)}}
  %0 = fp8.convert %x {rounding = #fp8.rounding<hybrid>} : f32 to f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

func.func @convert_upward_hif8(%x: f32) -> !fp8.hif8 {
  // expected-error @+1 {{rounding 'upward' does not apply to '!fp8.hif8' results (HiF8 takes nearest_away, hybrid, toward_zero, nearest_even and stochastic)}}
  %0 = fp8.convert %x {rounding = #fp8.rounding<upward>} : f32 to !fp8.hif8
  return %0 : !fp8.hif8
}

// -----

func.func @convert_odd_to_wide(%x: f8E4M3FN) -> f32 {
  // expected-error @+1 {{rounding 'odd' needs a narrow result, got 'f32'}}
  %0 = fp8.convert %x {rounding = #fp8.rounding<odd>} : f8E4M3FN to f32
  return %0 : f32
}

// -----

func.func @convert_hybrid_from_f64(%x: f64) -> !fp8.hif8 {
  // expected-error @+1 {{hybrid rounding is defined for f32, f16 and bf16 sources only, got 'f64'}}
  %0 = fp8.convert %x {rounding = #fp8.rounding<hybrid>} : f64 to !fp8.hif8
  return %0 : !fp8.hif8
}

// -----

func.func @convert_stochastic_without_bits(%x: f32) -> f8E5M2 {
  // expected-error @+1 {{stochastic rounding needs `random` bits}}
  %0 = fp8.convert %x {rounding = #fp8.rounding<stochastic>} : f32 to f8E5M2
  return %0 : f8E5M2
}

// -----

func.func @convert_bits_without_stochastic(%x: f32, %r: i32) -> f8E5M2 {
  // expected-error @+1 {{`random` bits are only used by stochastic rounding, not 'nearest_even'}}
  %0 = fp8.convert %x random(%r : i32) : f32 to f8E5M2
  return %0 : f8E5M2
}

// -----

func.func @convert_bits_shape(%x: vector<4xf32>, %r: vector<8xi32>) -> vector<4xf8E5M2> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = fp8.convert %x random(%r : vector<8xi32>) {rounding = #fp8.rounding<stochastic>} : vector<4xf32> to vector<4xf8E5M2>
  return %0 : vector<4xf8E5M2>
}

// -----

func.func @convert_scalar_bits_for_vector(%x: vector<4xf32>, %r: i32) -> vector<4xf8E5M2> {
  // expected-error @+1 {{expects input and random bits of the same shape, got 'vector<4xf32>' and 'i32'}}
  %0 = fp8.convert %x random(%r : i32) {rounding = #fp8.rounding<stochastic>} : vector<4xf32> to vector<4xf8E5M2>
  return %0 : vector<4xf8E5M2>
}

// -----
// fp8.bitcast

func.func @bitcast_width(%x: vector<4xi8>) -> vector<4xf4E2M1FN> {
  // expected-error @+1 {{expects input and result elements of the same bit width, got 'i8' (8 bits) and 'f4E2M1FN' (4 bits)}}
  %0 = fp8.bitcast %x : vector<4xi8> to vector<4xf4E2M1FN>
  return %0 : vector<4xf4E2M1FN>
}

// -----

func.func @bitcast_wide(%x: i16) -> f16 {
  // expected-error @+1 {{operand #0 must be}}
  %0 = fp8.bitcast %x : i16 to f16
  return %0 : f16
}

// -----

func.func @bitcast_shape(%x: tensor<4xi8>) -> tensor<8x!fp8.hif8> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = fp8.bitcast %x : tensor<4xi8> to tensor<8x!fp8.hif8>
  return %0 : tensor<8x!fp8.hif8>
}

// -----
// fp8.quantize / fp8.dequantize

func.func @quantize_f64(%x: tensor<4xf64>, %s: f32) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{operand #0 must be}}
  %0 = fp8.quantize %x, %s : tensor<4xf64>, f32 to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

func.func @quantize_to_wide(%x: tensor<4xf32>, %s: f32) -> tensor<4xf16> {
  // expected-error @+1 {{result #0 must be}}
  %0 = fp8.quantize %x, %s : tensor<4xf32>, f32 to tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

func.func @quantize_shape(%x: tensor<4x8xf32>, %s: f32) -> tensor<4x4xf8E4M3FN> {
  // expected-error @+1 {{expects input and result of the same shape, got 'tensor<4x8xf32>' and 'tensor<4x4xf8E4M3FN>'}}
  %0 = fp8.quantize %x, %s : tensor<4x8xf32>, f32 to tensor<4x4xf8E4M3FN>
  return %0 : tensor<4x4xf8E4M3FN>
}

// -----

func.func @quantize_tensor_scale_without_block(%x: tensor<4x8xf32>, %s: tensor<4x1xf32>) -> tensor<4x8xf8E4M3FN> {
  // expected-error @+1 {{expects a scalar or 0-d scale without `block` (per-tensor scaling), got 'tensor<4x1xf32>'}}
  %0 = fp8.quantize %x, %s : tensor<4x8xf32>, tensor<4x1xf32> to tensor<4x8xf8E4M3FN>
  return %0 : tensor<4x8xf8E4M3FN>
}

// -----

func.func @quantize_block_on_scalar(%x: f32, %s: f32) -> f8E4M3FN {
  // expected-error @+1 {{`block` needs a vector or tensor input, got 'f32'}}
  %0 = fp8.quantize %x, %s {block = array<i64: 1>} : f32, f32 to f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

func.func @quantize_block_rank(%x: tensor<4x8xf32>, %s: tensor<4x1xf32>) -> tensor<4x8xf8E4M3FN> {
  // expected-error @+1 {{`block` has 1 entries but the input has rank 2}}
  %0 = fp8.quantize %x, %s {block = array<i64: 8>} : tensor<4x8xf32>, tensor<4x1xf32> to tensor<4x8xf8E4M3FN>
  return %0 : tensor<4x8xf8E4M3FN>
}

// -----

func.func @quantize_block_zero(%x: tensor<4x8xf32>, %s: tensor<4x1xf32>) -> tensor<4x8xf8E4M3FN> {
  // expected-error @+1 {{`block` entries must be >= 1, got [1, 0]}}
  %0 = fp8.quantize %x, %s {block = array<i64: 1, 0>} : tensor<4x8xf32>, tensor<4x1xf32> to tensor<4x8xf8E4M3FN>
  return %0 : tensor<4x8xf8E4M3FN>
}

// -----

func.func @quantize_scalar_scale_with_block(%x: tensor<4x8xf32>, %s: f32) -> tensor<4x8xf8E4M3FN> {
  // expected-error @+1 {{expects a tensor scale with `block`, like the input, got 'f32'}}
  %0 = fp8.quantize %x, %s {block = array<i64: 1, 8>} : tensor<4x8xf32>, f32 to tensor<4x8xf8E4M3FN>
  return %0 : tensor<4x8xf8E4M3FN>
}

// -----

func.func @quantize_vector_tensor_mix(%x: vector<4x8xf32>, %s: tensor<4x1xf32>) -> vector<4x8xf8E4M3FN> {
  // expected-error @+1 {{expects a vector scale with `block`, like the input, got 'tensor<4x1xf32>'}}
  %0 = fp8.quantize %x, %s {block = array<i64: 1, 8>} : vector<4x8xf32>, tensor<4x1xf32> to vector<4x8xf8E4M3FN>
  return %0 : vector<4x8xf8E4M3FN>
}

// -----

func.func @quantize_scale_rank(%x: tensor<4x8xf32>, %s: tensor<4xf32>) -> tensor<4x8xf8E4M3FN> {
  // expected-error @+1 {{expects a scale of rank 2 with `block`, got 'tensor<4xf32>'}}
  %0 = fp8.quantize %x, %s {block = array<i64: 1, 8>} : tensor<4x8xf32>, tensor<4xf32> to tensor<4x8xf8E4M3FN>
  return %0 : tensor<4x8xf8E4M3FN>
}

// -----

func.func @quantize_scale_shape(%x: tensor<4x300xf32>, %s: tensor<4x2xf32>) -> tensor<4x300xf8E4M3FN> {
  // expected-error @+1 {{scale shape [4, 2] does not match ceildiv(input shape [4, 300], block [1, 128]) = [4, 3]}}
  %0 = fp8.quantize %x, %s {block = array<i64: 1, 128>} : tensor<4x300xf32>, tensor<4x2xf32> to tensor<4x300xf8E4M3FN>
  return %0 : tensor<4x300xf8E4M3FN>
}

// -----

func.func @quantize_scale_type(%x: tensor<4xf32>, %s: i32) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{operand #1 must be}}
  %0 = fp8.quantize %x, %s : tensor<4xf32>, i32 to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

func.func @quantize_hybrid_e5m2(%x: tensor<4xf32>, %s: f32) -> tensor<4xf8E5M2> {
  // expected-error @+1 {{rounding 'hybrid' does not apply to 'f8E5M2' results (hybrid rounding is HiF8's)}}
  %0 = fp8.quantize %x, %s {rounding = #fp8.rounding<hybrid>} : tensor<4xf32>, f32 to tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

func.func @quantize_odd_hif8(%x: tensor<4xf32>, %s: f32) -> tensor<4x!fp8.hif8> {
  // expected-error @+1 {{rounding 'odd' does not apply to '!fp8.hif8' results}}
  %0 = fp8.quantize %x, %s {rounding = #fp8.rounding<odd>} : tensor<4xf32>, f32 to tensor<4x!fp8.hif8>
  return %0 : tensor<4x!fp8.hif8>
}

// -----

func.func @quantize_stochastic_without_bits(%x: tensor<4xf32>, %s: f32) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{stochastic rounding needs `random` bits}}
  %0 = fp8.quantize %x, %s {rounding = #fp8.rounding<stochastic>} : tensor<4xf32>, f32 to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

func.func @quantize_bits_shape(%x: tensor<4xf32>, %s: f32, %r: tensor<8xi32>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{expects input and random bits of the same shape, got 'tensor<4xf32>' and 'tensor<8xi32>'}}
  %0 = fp8.quantize %x, %s random(%r : tensor<8xi32>) {rounding = #fp8.rounding<stochastic>} : tensor<4xf32>, f32 to tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

func.func @dequantize_shape(%q: tensor<4xf8E4M3FN>, %s: f32) -> tensor<8xf32> {
  // expected-error @+1 {{expects input and result of the same shape, got 'tensor<4xf8E4M3FN>' and 'tensor<8xf32>'}}
  %0 = fp8.dequantize %q, %s : tensor<4xf8E4M3FN>, f32 to tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

func.func @dequantize_scale_shape(%q: tensor<64x64xf8E4M3FN>, %s: tensor<2x2xf8E8M0FNU>) -> tensor<64x64xf32> {
  // expected-error @+1 {{scale shape [2, 2] does not match ceildiv(input shape [64, 64], block [1, 32]) = [64, 2]}}
  %0 = fp8.dequantize %q, %s {block = array<i64: 1, 32>} : tensor<64x64xf8E4M3FN>, tensor<2x2xf8E8M0FNU> to tensor<64x64xf32>
  return %0 : tensor<64x64xf32>
}

// -----

func.func @dequantize_from_wide(%q: tensor<4xf16>, %s: f32) -> tensor<4xf32> {
  // expected-error @+1 {{operand #0 must be}}
  %0 = fp8.dequantize %q, %s : tensor<4xf16>, f32 to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----
// fp8.amax / fp8.compute_scale

func.func @amax_shaped_without_block(%x: tensor<4x8xf32>) -> tensor<1x1xf32> {
  // expected-error @+1 {{expects a scalar f32 result without `block` (amax of the whole input), got 'tensor<1x1xf32>'}}
  %0 = fp8.amax %x : tensor<4x8xf32> -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @amax_result_shape(%x: tensor<4x256xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{result shape [4, 1] does not match ceildiv(input shape [4, 256], block [1, 128]) = [4, 2]}}
  %0 = fp8.amax %x {block = array<i64: 1, 128>} : tensor<4x256xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

func.func @amax_result_type(%x: tensor<4xf32>) -> f16 {
  // expected-error @+1 {{result #0 must be}}
  %0 = fp8.amax %x : tensor<4xf32> -> f16
  return %0 : f16
}

// -----

func.func @compute_scale_wide_format(%a: f32) -> f32 {
  // expected-error @+1 {{expects `format` to be a narrow float type (f8, f6, f4 or !fp8.hif8), got 'bf16'}}
  %0 = fp8.compute_scale %a {format = bf16} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_margin(%a: f32) -> f32 {
  // expected-error @+1 {{margin -200 puts max_finite('f8E4M3FN') * 2^-margin outside the normal f32 range}}
  %0 = fp8.compute_scale %a {format = f8E4M3FN, margin = -200 : i32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_margin_int_min(%a: f32) -> f32 {
  // expected-error @+1 {{margin -2147483648 puts max_finite('f8E4M3FN') * 2^-margin outside the normal f32 range}}
  %0 = fp8.compute_scale %a {format = f8E4M3FN, margin = -2147483648 : i32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_and_margin(%a: f32) -> f32 {
  // expected-error @+1 {{sets both `target_max` and `margin` 12; target_max replaces margin}}
  %0 = fp8.compute_scale %a {format = !fp8.hif8, margin = 12 : i32, target_max = 15.0 : f32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_above_max_finite(%a: f32) -> f32 {
  // expected-error @+1 {{expects `target_max` <= max_finite('f8E4M3FN') = 448, got 449}}
  %0 = fp8.compute_scale %a {format = f8E4M3FN, target_max = 449.0 : f32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_zero(%a: f32) -> f32 {
  // expected-error @+1 {{expects `target_max` to be a finite f32 no smaller than the smallest normal f32, got 0}}
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 0.0 : f32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_negative(%a: f32) -> f32 {
  // expected-error @+1 {{expects `target_max` to be a finite f32 no smaller than the smallest normal f32, got -15}}
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = -15.0 : f32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_subnormal(%a: f32) -> f32 {
  // expected-error @+1 {{expects `target_max` to be a finite f32 no smaller than the smallest normal f32, got 1.40129846E-45}}
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 0x00000001 : f32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_nan(%a: f32) -> f32 {
  // expected-error @+1 {{expects `target_max` to be a finite f32 no smaller than the smallest normal f32, got NaN}}
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 0x7FC00000 : f32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_inf(%a: f32) -> f32 {
  // expected-error @+1 {{expects `target_max` to be a finite f32 no smaller than the smallest normal f32, got +Inf}}
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 0x7F800000 : f32} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_target_max_type(%a: f32) -> f32 {
  // expected-error @+1 {{attribute 'target_max' failed to satisfy constraint: 32-bit float attribute}}
  %0 = fp8.compute_scale %a {format = !fp8.hif8, target_max = 15.0 : f64} : f32 -> f32
  return %0 : f32
}

// -----

func.func @compute_scale_result(%a: f32) -> f16 {
  // expected-error @+1 {{result #0 must be}}
  %0 = fp8.compute_scale %a {format = f8E4M3FN} : f32 -> f16
  return %0 : f16
}

// -----

func.func @compute_scale_shape(%a: tensor<4xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{all non-scalar operands/results must have the same shape and base type}}
  %0 = fp8.compute_scale %a {format = f8E4M3FN} : tensor<4xf32> -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @compute_scale_missing_format(%a: f32) -> f32 {
  // expected-error @+1 {{requires attribute 'format'}}
  %0 = fp8.compute_scale %a : f32 -> f32
  return %0 : f32
}

// -----
// fp8.scaled_matmul

func.func @matmul_rank1(%a: tensor<16xf8E4M3FN>, %b: tensor<16xf8E4M3FN>, %s: f32) -> tensor<16xf32> {
  // expected-error @+1 {{expects operands of rank >= 2 ([batch..., M, K]), got 'tensor<16xf8E4M3FN>'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<16xf8E4M3FN>[f32], tensor<16xf8E4M3FN>[f32] -> tensor<16xf32>
  return %0 : tensor<16xf32>
}

// -----

func.func @matmul_rank_mismatch(%a: tensor<2x8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<2x8x4xf32> {
  // expected-error @+1 {{expects lhs and rhs of the same rank, got 'tensor<2x8x16xf8E4M3FN>' and 'tensor<16x4xf8E4M3FN>'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<2x8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<2x8x4xf32>
  return %0 : tensor<2x8x4xf32>
}

// -----

func.func @matmul_result_rank(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<1x8x4xf32> {
  // expected-error @+1 {{expects a result of rank 2, got 'tensor<1x8x4xf32>'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<1x8x4xf32>
  return %0 : tensor<1x8x4xf32>
}

// -----

func.func @matmul_k(%a: tensor<8x16xf8E4M3FN>, %b: tensor<32x4xf8E4M3FN>, %s: f32) -> tensor<8x4xf32> {
  // expected-error @+1 {{contraction sizes differ: lhs 'tensor<8x16xf8E4M3FN>' has K = 16 but rhs 'tensor<32x4xf8E4M3FN>' has K = 32 (rhs is [batch..., K, N])}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x16xf8E4M3FN>[f32], tensor<32x4xf8E4M3FN>[f32] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @matmul_k_transposed(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x16xf32> {
  // expected-error @+1 {{contraction sizes differ: lhs 'tensor<8x16xf8E4M3FN>' has K = 16 but rhs 'tensor<16x4xf8E4M3FN>' has K = 4 (rhs is [batch..., N, K])}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] {rhs_transposed} : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x16xf32>
  return %0 : tensor<8x16xf32>
}

// -----

func.func @matmul_batch(%a: tensor<2x8x16xf8E4M3FN>, %b: tensor<3x16x4xf8E4M3FN>, %s: f32) -> tensor<2x8x4xf32> {
  // expected-error @+1 {{batch dimension 0 differs: 2 (lhs) vs 3 (rhs)}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<2x8x16xf8E4M3FN>[f32], tensor<3x16x4xf8E4M3FN>[f32] -> tensor<2x8x4xf32>
  return %0 : tensor<2x8x4xf32>
}

// -----

func.func @matmul_result_shape(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x8xf32> {
  // expected-error @+1 {{expects a result of shape [8, 4], got 'tensor<8x8xf32>'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x8xf32>
  return %0 : tensor<8x8xf32>
}

// -----

func.func @matmul_lhs_scale(%a: tensor<8x256xf8E4M3FN>, %b: tensor<256x4xf8E4M3FN>, %sa: tensor<8x1xf32>, %s: f32) -> tensor<8x4xf32> {
  // expected-error @+1 {{lhs scale shape [8, 1] does not match ceildiv(lhs shape [8, 256], lhs_block [1, 128]) = [8, 2]}}
  %0 = fp8.scaled_matmul %a[%sa], %b[%s] {lhs_block = array<i64: 1, 128>} : tensor<8x256xf8E4M3FN>[tensor<8x1xf32>], tensor<256x4xf8E4M3FN>[f32] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @matmul_rhs_scale_without_block(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32, %sb: tensor<1x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{expects a scalar or 0-d rhs scale without `rhs_block` (per-tensor scaling), got 'tensor<1x4xf32>'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%sb] : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[tensor<1x4xf32>] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @matmul_rhs_block_rank(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32, %sb: tensor<1x4xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{`rhs_block` has 3 entries but the rhs has rank 2}}
  %0 = fp8.scaled_matmul %a[%s], %b[%sb] {rhs_block = array<i64: 1, 16, 1>} : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[tensor<1x4xf32>] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @matmul_bias(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32, %bias: tensor<8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{expects a bias of shape [4] or of the result's shape [8, 4], got 'tensor<8xf32>'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] bias(%bias : tensor<8xf32>) : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @matmul_missing_out_scale(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x4xf8E4M3FN> {
  // expected-error @+1 {{a 'f8E4M3FN' result needs `out_scale` to quantize with}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xf8E4M3FN>
  return %0 : tensor<8x4xf8E4M3FN>
}

// -----

func.func @matmul_needless_out_scale(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x4xbf16> {
  // expected-error @+1 {{`out_scale` needs a narrow result type, got 'bf16'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] out_scale(%s) : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xbf16>
  return %0 : tensor<8x4xbf16>
}

// -----

func.func @matmul_rounding_wide(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x4xf32> {
  // expected-error @+1 {{rounding and saturation apply to a narrow result only, got 'f32'}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] {saturation = #fp8.saturation<finite>} : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

func.func @matmul_stochastic(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x4xf8E5M2> {
  // expected-error @+1 {{stochastic rounding is not supported for the output quantization (no random bits); quantize the f32 result with fp8.quantize instead}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] out_scale(%s) {rounding = #fp8.rounding<stochastic>} : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xf8E5M2>
  return %0 : tensor<8x4xf8E5M2>
}

// -----

func.func @matmul_hybrid_e5m2(%a: tensor<8x16xf8E4M3FN>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x4xf8E5M2> {
  // expected-error @+1 {{rounding 'hybrid' does not apply to 'f8E5M2' results (hybrid rounding is HiF8's)}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] out_scale(%s) {rounding = #fp8.rounding<hybrid>} : tensor<8x16xf8E4M3FN>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xf8E5M2>
  return %0 : tensor<8x4xf8E5M2>
}

// -----

func.func @matmul_wide_operand(%a: tensor<8x16xbf16>, %b: tensor<16x4xf8E4M3FN>, %s: f32) -> tensor<8x4xf32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 8-bit, 6-bit or 4-bit float}}
  %0 = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x16xbf16>[f32], tensor<16x4xf8E4M3FN>[f32] -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}
