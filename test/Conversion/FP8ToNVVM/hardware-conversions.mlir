// RUN: fp8-opt %s -convert-fp8-to-nvvm=chip=sm_89 -split-input-file | FileCheck %s
// RUN: fp8-opt %s -convert-fp8-to-nvvm=chip=sm_80 -split-input-file | FileCheck %s --check-prefix=SM80

// Two f32 per cvt (the first operand lands in the upper byte, lane 1), then
// the numerics library's overflow (|x| > 464 -> NaN under saturation none)
// and NaN (sign kept) rules.
// CHECK-LABEL: func.func @f32_to_e4m3
// CHECK-SAME: (%[[X:.*]]: vector<2xf32>)
// CHECK-DAG: %[[X0:.*]] = vector.extract %[[X]][0]
// CHECK-DAG: %[[X1:.*]] = vector.extract %[[X]][1]
// CHECK: %[[PAIR:.*]] = nvvm.convert.f32x2.to.f8x2 %[[X1]], %[[X0]] {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// CHECK: %[[LIMIT:.*]] = arith.constant dense<4.640000e+02> : vector<2xf32>
// CHECK: arith.cmpf ogt, %{{.*}}, %[[LIMIT]]
// CHECK: arith.constant dense<127> : vector<2xi8>
// CHECK: arith.constant dense<-1> : vector<2xi8>
// CHECK: arith.cmpf uno, %[[X]], %[[X]]
// SM80-LABEL: func.func @f32_to_e4m3
// SM80-NOT: nvvm.convert
func.func @f32_to_e4m3(%x: vector<2xf32>) -> vector<2xf8E4M3FN> {
  %q = fp8.convert %x : vector<2xf32> to vector<2xf8E4M3FN>
  return %q : vector<2xf8E4M3FN>
}

// -----

// E5M2 ties at 61440 overflow (to Inf, 0x7C / 0xFC); saturation finite
// keeps the bound but saturates to max finite (0x7B / 0xFB).
// CHECK-LABEL: func.func @f32_to_e5m2
// CHECK: nvvm.convert.f32x2.to.f8x2 {{.*}} : vector<2xi8>(f8E5M2)
// CHECK: arith.cmpf oge, %{{.*}}, %{{.*}} : f32
// CHECK-DAG: arith.constant 124 : i8
// CHECK-DAG: arith.constant -4 : i8
// CHECK-LABEL: func.func @f32_to_e5m2_finite
// CHECK: nvvm.convert.f32x2.to.f8x2
// CHECK-DAG: arith.constant 123 : i8
// CHECK-DAG: arith.constant -5 : i8
func.func @f32_to_e5m2(%x: f32) -> f8E5M2 {
  %q = fp8.convert %x : f32 to f8E5M2
  return %q : f8E5M2
}
func.func @f32_to_e5m2_finite(%x: f32) -> f8E5M2 {
  %q = fp8.convert %x {saturation = #fp8.saturation<finite>} : f32 to f8E5M2
  return %q : f8E5M2
}

// -----

// f16 is widened exactly and takes the same path; arith.truncf too.
// CHECK-LABEL: func.func @f16_to_e4m3
// CHECK: arith.extf %{{.*}} : vector<3xf16> to vector<3xf32>
// CHECK-COUNT-2: nvvm.convert.f32x2.to.f8x2
// CHECK-NOT: nvvm.convert.f32x2.to.f8x2
// CHECK: return
// CHECK-LABEL: func.func @truncf
// CHECK: nvvm.convert.f32x2.to.f8x2
func.func @f16_to_e4m3(%x: vector<3xf16>) -> vector<3xf8E4M3FN> {
  %q = fp8.convert %x : vector<3xf16> to vector<3xf8E4M3FN>
  return %q : vector<3xf8E4M3FN>
}
func.func @truncf(%x: f32) -> f8E4M3FN {
  %q = arith.truncf %x : f32 to f8E4M3FN
  return %q : f8E4M3FN
}

// -----

// Decoding: cvt to f16x2 (exact), widened to f32, NaN codes give the quiet
// NaN with the code's sign (0x7FC00000 / 0xFFC00000).
// CHECK-LABEL: func.func @e5m2_to_f32
// CHECK: %[[PAIR:.*]] = nvvm.convert.f8x2.to.f16x2 %{{.*}} : vector<2xi8>(f8E5M2) -> vector<2xf16>
// CHECK: %[[H:.*]] = vector.extract %[[PAIR]][0]
// CHECK: %[[W:.*]] = arith.extf %[[H]] : f16 to f32
// CHECK-DAG: arith.constant 2143289344 : i32
// CHECK-DAG: arith.constant -4194304 : i32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[H]], %[[H]] : f16
// CHECK: arith.select %[[NAN]], %{{.*}}, %[[W]] : f32
// CHECK-LABEL: func.func @e4m3_to_f16
// CHECK: nvvm.convert.f8x2.to.f16x2 %{{.*}} : vector<2xi8>(f8E4M3FN) -> vector<2xf16>
// CHECK-DAG: arith.constant 32256 : i16
// CHECK-DAG: arith.constant -512 : i16
// CHECK-LABEL: func.func @extf
// CHECK: nvvm.convert.f8x2.to.f16x2
func.func @e5m2_to_f32(%x: f8E5M2) -> f32 {
  %q = fp8.convert %x : f8E5M2 to f32
  return %q : f32
}
func.func @e4m3_to_f16(%x: f8E4M3FN) -> f16 {
  %q = fp8.convert %x : f8E4M3FN to f16
  return %q : f16
}
func.func @extf(%x: vector<2xf8E5M2>) -> vector<2xf32> {
  %q = arith.extf %x : vector<2xf8E5M2> to vector<2xf32>
  return %q : vector<2xf32>
}

// -----

// No hardware instruction: other rounding modes, stochastic rounding, other
// formats, HiF8, bf16 sources, saturating decodes. The software expansion.
// CHECK-LABEL: func.func @software
// CHECK-NOT: nvvm.convert
// CHECK: return
func.func @software(%x: f32, %h: bf16, %r: i32, %e: f8E5M2)
    -> (f8E4M3FN, f8E4M3FN, f8E4M3FNUZ, !fp8.hif8, f8E4M3FN, f16) {
  %a = fp8.convert %x {rounding = #fp8.rounding<toward_zero>} : f32 to f8E4M3FN
  %b = fp8.convert %x random(%r : i32) {rounding = #fp8.rounding<stochastic>} : f32 to f8E4M3FN
  %c = fp8.convert %x : f32 to f8E4M3FNUZ
  %d = fp8.convert %x : f32 to !fp8.hif8
  %f = fp8.convert %h : bf16 to f8E4M3FN
  %g = fp8.convert %e {saturation = #fp8.saturation<finite>} : f8E5M2 to f16
  return %a, %b, %c, %d, %f, %g : f8E4M3FN, f8E4M3FN, f8E4M3FNUZ, !fp8.hif8, f8E4M3FN, f16
}
