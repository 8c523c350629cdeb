// RUN: fp8-opt %s -canonicalize="test-convergence" -split-input-file | FileCheck %s

// Converting to the same type is the identity.
// CHECK-LABEL: func @convert_same_type
// CHECK-SAME: (%[[X:.*]]: vector<4xf8E5M2>)
// CHECK-NEXT: return %[[X]]
func.func @convert_same_type(%x: vector<4xf8E5M2>) -> vector<4xf8E5M2> {
  %0 = fp8.convert %x {saturation = #fp8.saturation<finite>} : vector<4xf8E5M2> to vector<4xf8E5M2>
  return %0 : vector<4xf8E5M2>
}

// -----

// f32 holds every E4M3FN code exactly, and E4M3FN has one NaN per sign and no
// Inf, so the round trip returns every code bit for bit.
// CHECK-LABEL: func @round_trip_e4m3fn_f32
// CHECK-SAME: (%[[X:.*]]: tensor<8xf8E4M3FN>)
// CHECK-NEXT: return %[[X]]
func.func @round_trip_e4m3fn_f32(%x: tensor<8xf8E4M3FN>) -> tensor<8xf8E4M3FN> {
  %0 = fp8.convert %x : tensor<8xf8E4M3FN> to tensor<8xf32>
  %1 = fp8.convert %0 {saturation = #fp8.saturation<finite>} : tensor<8xf32> to tensor<8xf8E4M3FN>
  return %1 : tensor<8xf8E4M3FN>
}

// -----

// HiF8 through f16 (its 2^-22 is an f16 subnormal) and back under TA.
// CHECK-LABEL: func @round_trip_hif8_f16
// CHECK-SAME: (%[[X:.*]]: vector<4x!fp8.hif8>)
// CHECK-NEXT: return %[[X]]
func.func @round_trip_hif8_f16(%x: vector<4x!fp8.hif8>) -> vector<4x!fp8.hif8> {
  %0 = fp8.convert %x : vector<4x!fp8.hif8> to vector<4xf16>
  %1 = fp8.convert %0 : vector<4xf16> to vector<4x!fp8.hif8>
  return %1 : vector<4x!fp8.hif8>
}

// -----

// Exact values round to themselves under stochastic rounding, whatever the
// random bits.
// CHECK-LABEL: func @round_trip_stochastic
// CHECK-SAME: (%[[X:.*]]: f8E4M3FNUZ, %{{.*}}: i32)
// CHECK-NEXT: return %[[X]]
func.func @round_trip_stochastic(%x: f8E4M3FNUZ, %r: i32) -> f8E4M3FNUZ {
  %0 = fp8.convert %x : f8E4M3FNUZ to bf16
  %1 = fp8.convert %0 random(%r : i32) {rounding = #fp8.rounding<stochastic>} : bf16 to f8E4M3FNUZ
  return %1 : f8E4M3FNUZ
}

// -----

// Not folded: E5M2 has several NaN payloads, and an f32 round trip gives the
// canonical one.
// CHECK-LABEL: func @no_round_trip_e5m2_nan_payloads
// CHECK: fp8.convert
// CHECK: fp8.convert
func.func @no_round_trip_e5m2_nan_payloads(%x: f8E5M2) -> f8E5M2 {
  %0 = fp8.convert %x : f8E5M2 to f32
  %1 = fp8.convert %0 : f32 to f8E5M2
  return %1 : f8E5M2
}

// -----

// Not folded: saturation turns HiF8's Inf into max finite...
// CHECK-LABEL: func @no_round_trip_saturating_inf
// CHECK: fp8.convert
// CHECK: fp8.convert
func.func @no_round_trip_saturating_inf(%x: !fp8.hif8) -> !fp8.hif8 {
  %0 = fp8.convert %x : !fp8.hif8 to f32
  %1 = fp8.convert %0 {saturation = #fp8.saturation<finite>} : f32 to !fp8.hif8
  return %1 : !fp8.hif8
}

// -----

// ... but without saturation HiF8 survives the f32 round trip.
// CHECK-LABEL: func @round_trip_hif8_f32
// CHECK-SAME: (%[[X:.*]]: !fp8.hif8)
// CHECK-NEXT: return %[[X]]
func.func @round_trip_hif8_f32(%x: !fp8.hif8) -> !fp8.hif8 {
  %0 = fp8.convert %x : !fp8.hif8 to f32
  %1 = fp8.convert %0 : f32 to !fp8.hif8
  return %1 : !fp8.hif8
}

// -----

// Not folded: hybrid rounding bumps exact values (HR(16.0) = 20.0).
// CHECK-LABEL: func @no_round_trip_hybrid
// CHECK: fp8.convert
// CHECK: fp8.convert
func.func @no_round_trip_hybrid(%x: !fp8.hif8) -> !fp8.hif8 {
  %0 = fp8.convert %x : !fp8.hif8 to f32
  %1 = fp8.convert %0 {rounding = #fp8.rounding<hybrid>} : f32 to !fp8.hif8
  return %1 : !fp8.hif8
}

// -----

// Not folded: f16 cannot hold E8M0's 2^127.
// CHECK-LABEL: func @no_round_trip_e8m0_f16
// CHECK: fp8.convert
// CHECK: fp8.convert
func.func @no_round_trip_e8m0_f16(%x: f8E8M0FNU) -> f8E8M0FNU {
  %0 = fp8.convert %x : f8E8M0FNU to f16
  %1 = fp8.convert %0 : f16 to f8E8M0FNU
  return %1 : f8E8M0FNU
}

// -----

// Not folded: E4M3FN -> E5M2 loses a mantissa bit.
// CHECK-LABEL: func @no_round_trip_narrower
// CHECK: fp8.convert
// CHECK: fp8.convert
func.func @no_round_trip_narrower(%x: f8E4M3FN) -> f8E4M3FN {
  %0 = fp8.convert %x : f8E4M3FN to f8E5M2
  %1 = fp8.convert %0 : f8E5M2 to f8E4M3FN
  return %1 : f8E4M3FN
}

// -----

// CHECK-LABEL: func @bitcast_round_trip
// CHECK-SAME: (%[[X:.*]]: tensor<4xi8>)
// CHECK-NEXT: return %[[X]]
func.func @bitcast_round_trip(%x: tensor<4xi8>) -> tensor<4xi8> {
  %0 = fp8.bitcast %x : tensor<4xi8> to tensor<4x!fp8.hif8>
  %1 = fp8.bitcast %0 : tensor<4x!fp8.hif8> to tensor<4xf8E4M3FN>
  %2 = fp8.bitcast %1 : tensor<4xf8E4M3FN> to tensor<4xi8>
  return %2 : tensor<4xi8>
}

// -----

// CHECK-LABEL: func @bitcast_chain
// CHECK-SAME: (%[[X:.*]]: vector<4xi8>)
// CHECK-NEXT: %[[B:.*]] = fp8.bitcast %[[X]] : vector<4xi8> to vector<4xf8E5M2>
// CHECK-NEXT: return %[[B]]
func.func @bitcast_chain(%x: vector<4xi8>) -> vector<4xf8E5M2> {
  %0 = fp8.bitcast %x : vector<4xi8> to vector<4x!fp8.hif8>
  %1 = fp8.bitcast %0 : vector<4x!fp8.hif8> to vector<4xf8E5M2>
  return %1 : vector<4xf8E5M2>
}

// -----

// CHECK-LABEL: func @bitcast_same_type
// CHECK-SAME: (%[[X:.*]]: !fp8.hif8)
// CHECK-NEXT: return %[[X]]
func.func @bitcast_same_type(%x: !fp8.hif8) -> !fp8.hif8 {
  %0 = fp8.bitcast %x : !fp8.hif8 to !fp8.hif8
  return %0 : !fp8.hif8
}

// -----

// A HiF8 constant stays an i8 payload plus fp8.bitcast (it has no attribute
// form), and canonicalization leaves it alone.
// CHECK-LABEL: func @hif8_constant_is_stable
// CHECK-NEXT: %[[C:.*]] = arith.constant dense<[8, 9]> : tensor<2xi8>
// CHECK-NEXT: %[[B:.*]] = fp8.bitcast %[[C]] : tensor<2xi8> to tensor<2x!fp8.hif8>
// CHECK-NEXT: return %[[B]]
func.func @hif8_constant_is_stable() -> tensor<2x!fp8.hif8> {
  %c = arith.constant dense<[8, 9]> : tensor<2xi8>
  %0 = fp8.bitcast %c : tensor<2xi8> to tensor<2x!fp8.hif8>
  return %0 : tensor<2x!fp8.hif8>
}
