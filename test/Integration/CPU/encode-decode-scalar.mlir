// The scalar path: fp8.convert on scalars (one element per loop iteration),
// expanded by fp8-expand and lowered to LLVM, against the numerics library,
// bit for bit, for a sample of formats, sources, rounding and saturation
// modes (the vector path is covered exhaustively by encode-decode-*.test).
//
// RUN: fp8-opt %s -fp8-expand -convert-fp8-to-llvm -convert-scf-to-cf \
// RUN:   -expand-strided-metadata -lower-affine -convert-to-llvm \
// RUN:   -reconcile-unrealized-casts \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:   -shared-libs=%mlir_c_runner_utils,%fp8_test_runtime \
// RUN: | FileCheck %s

// CHECK: encode f32 -> f8E4M3FN nearest_even none: 65536 values, mismatches: 0
// CHECK: encode f32 -> f8E5M2 stochastic finite: 65536 values, mismatches: 0
// CHECK: encode f32 -> f8E4M3FNUZ odd none: 65536 values, mismatches: 0
// CHECK: encode f32 -> f8E8M0FNU upward none: 65536 values, mismatches: 0
// CHECK: encode f32 -> f6E2M3FN toward_zero none: 65536 values, mismatches: 0
// CHECK: encode f32 -> f4E2M1FN downward none: 65536 values, mismatches: 0
// CHECK: encode f32 -> hif8 nearest_away none: 65536 values, mismatches: 0
// CHECK: encode f32 -> hif8 hybrid finite: 65536 values, mismatches: 0
// CHECK: encode bf16 -> hif8 hybrid none: 65536 values, mismatches: 0
// CHECK: encode f16 -> f8E5M2 nearest_even none: 65536 values, mismatches: 0
// CHECK: encode f64 -> f8E4M3 nearest_away finite: 65536 values, mismatches: 0
// CHECK: decode f8E4M3FN -> f32: 256 values, mismatches: 0
// CHECK: decode hif8 -> f32: 256 values, mismatches: 0
// CHECK: decode f4E2M1FN -> f32: 256 values, mismatches: 0
// CHECK: decode f8E8M0FNU -> f32: 256 values, mismatches: 0

func.func private @fp8rt_fill_f32(memref<?xf32>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_f64(memref<?xf64>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_f16(memref<?xf16>)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_bf16(memref<?xbf16>)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_codes(memref<?xi8>)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_random_bits_f32(memref<?xi32>, memref<?xf32>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_f32(memref<?xf32>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_f64(memref<?xf64>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_f16(memref<?xf16>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_bf16(memref<?xbf16>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_decode(memref<?xi8>, memref<?xf32>, i32)
    attributes {llvm.emit_c_interface}

func.func @e4m3fn_ne(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<nearest_even>} : f32 to f8E4M3FN
    %c = fp8.bitcast %q : f8E4M3FN to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @e5m2_sr_sat(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %r = memref.load %rb[%i] : memref<?xi32>
    %q = fp8.convert %x random(%r : i32) {rounding = #fp8.rounding<stochastic>, saturation = #fp8.saturation<finite>} : f32 to f8E5M2
    %c = fp8.bitcast %q : f8E5M2 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @e4m3fnuz_odd(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<odd>} : f32 to f8E4M3FNUZ
    %c = fp8.bitcast %q : f8E4M3FNUZ to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @e8m0_up(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<upward>} : f32 to f8E8M0FNU
    %c = fp8.bitcast %q : f8E8M0FNU to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @e2m3_tz(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<toward_zero>} : f32 to f6E2M3FN
    %b = fp8.bitcast %q : f6E2M3FN to i6
    %c = arith.extui %b : i6 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @e2m1_down(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<downward>} : f32 to f4E2M1FN
    %b = fp8.bitcast %q : f4E2M1FN to i4
    %c = arith.extui %b : i4 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @hif8_ta(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<nearest_away>} : f32 to !fp8.hif8
    %c = fp8.bitcast %q : !fp8.hif8 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @hif8_hr_sat(%in: memref<?xf32>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<hybrid>, saturation = #fp8.saturation<finite>} : f32 to !fp8.hif8
    %c = fp8.bitcast %q : !fp8.hif8 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @hif8_hr_bf16(%in: memref<?xbf16>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xbf16>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xbf16>
    %q = fp8.convert %x {rounding = #fp8.rounding<hybrid>} : bf16 to !fp8.hif8
    %c = fp8.bitcast %q : !fp8.hif8 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @e5m2_ne_f16(%in: memref<?xf16>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf16>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf16>
    %q = fp8.convert %x {rounding = #fp8.rounding<nearest_even>} : f16 to f8E5M2
    %c = fp8.bitcast %q : f8E5M2 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @e4m3_na_f64(%in: memref<?xf64>, %out: memref<?xi8>, %rb: memref<?xi32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xf64>
  scf.for %i = %c0 to %n step %c1 {
    %x = memref.load %in[%i] : memref<?xf64>
    %q = fp8.convert %x {rounding = #fp8.rounding<nearest_away>, saturation = #fp8.saturation<finite>} : f64 to f8E4M3
    %c = fp8.bitcast %q : f8E4M3 to i8
    memref.store %c, %out[%i] : memref<?xi8>
  }
  return
}

func.func @decode_e4m3fn(%in: memref<?xi8>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c1 {
    %c = memref.load %in[%i] : memref<?xi8>
    %q = fp8.bitcast %c : i8 to f8E4M3FN
    %x = fp8.convert %q : f8E4M3FN to f32
    memref.store %x, %out[%i] : memref<?xf32>
  }
  return
}

func.func @decode_hif8(%in: memref<?xi8>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c1 {
    %c = memref.load %in[%i] : memref<?xi8>
    %q = fp8.bitcast %c : i8 to !fp8.hif8
    %x = fp8.convert %q : !fp8.hif8 to f32
    memref.store %x, %out[%i] : memref<?xf32>
  }
  return
}

func.func @decode_e2m1(%in: memref<?xi8>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c1 {
    %c = memref.load %in[%i] : memref<?xi8>
    %b = arith.trunci %c : i8 to i4
    %q = fp8.bitcast %b : i4 to f4E2M1FN
    %x = fp8.convert %q : f4E2M1FN to f32
    memref.store %x, %out[%i] : memref<?xf32>
  }
  return
}

func.func @decode_e8m0(%in: memref<?xi8>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %in, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c1 {
    %c = memref.load %in[%i] : memref<?xi8>
    %q = fp8.bitcast %c : i8 to f8E8M0FNU
    %x = fp8.convert %q : f8E8M0FNU to f32
    memref.store %x, %out[%i] : memref<?xf32>
  }
  return
}

func.func @main() {
  %n = arith.constant 65536 : index
  %out = memref.alloc(%n) : memref<?xi8>
  %rb = memref.alloc(%n) : memref<?xi32>
  %f32 = memref.alloc(%n) : memref<?xf32>
  %f64 = memref.alloc(%n) : memref<?xf64>
  %f16 = memref.alloc(%n) : memref<?xf16>
  %bf16 = memref.alloc(%n) : memref<?xbf16>
  call @fp8rt_fill_f16(%f16) : (memref<?xf16>) -> ()
  call @fp8rt_fill_bf16(%bf16) : (memref<?xbf16>) -> ()

  // e4m3fn_ne
  %fmt_e4m3fn_ne = arith.constant 0 : i32
  %rnd_e4m3fn_ne = arith.constant 0 : i32
  %sat_e4m3fn_ne = arith.constant 0 : i32
  call @fp8rt_fill_f32(%f32, %fmt_e4m3fn_ne) : (memref<?xf32>, i32) -> ()
  call @e4m3fn_ne(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_e4m3fn_ne, %rnd_e4m3fn_ne, %sat_e4m3fn_ne)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // e5m2_sr_sat
  %fmt_e5m2_sr_sat = arith.constant 1 : i32
  %rnd_e5m2_sr_sat = arith.constant 7 : i32
  %sat_e5m2_sr_sat = arith.constant 1 : i32
  call @fp8rt_fill_f32(%f32, %fmt_e5m2_sr_sat) : (memref<?xf32>, i32) -> ()
  call @fp8rt_fill_random_bits_f32(%rb, %f32, %fmt_e5m2_sr_sat) : (memref<?xi32>, memref<?xf32>, i32) -> ()
  call @e5m2_sr_sat(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_e5m2_sr_sat, %rnd_e5m2_sr_sat, %sat_e5m2_sr_sat)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // e4m3fnuz_odd
  %fmt_e4m3fnuz_odd = arith.constant 2 : i32
  %rnd_e4m3fnuz_odd = arith.constant 5 : i32
  %sat_e4m3fnuz_odd = arith.constant 0 : i32
  call @fp8rt_fill_f32(%f32, %fmt_e4m3fnuz_odd) : (memref<?xf32>, i32) -> ()
  call @e4m3fnuz_odd(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_e4m3fnuz_odd, %rnd_e4m3fnuz_odd, %sat_e4m3fnuz_odd)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // e8m0_up
  %fmt_e8m0_up = arith.constant 7 : i32
  %rnd_e8m0_up = arith.constant 3 : i32
  %sat_e8m0_up = arith.constant 0 : i32
  call @fp8rt_fill_f32(%f32, %fmt_e8m0_up) : (memref<?xf32>, i32) -> ()
  call @e8m0_up(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_e8m0_up, %rnd_e8m0_up, %sat_e8m0_up)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // e2m3_tz
  %fmt_e2m3_tz = arith.constant 8 : i32
  %rnd_e2m3_tz = arith.constant 2 : i32
  %sat_e2m3_tz = arith.constant 0 : i32
  call @fp8rt_fill_f32(%f32, %fmt_e2m3_tz) : (memref<?xf32>, i32) -> ()
  call @e2m3_tz(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_e2m3_tz, %rnd_e2m3_tz, %sat_e2m3_tz)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // e2m1_down
  %fmt_e2m1_down = arith.constant 10 : i32
  %rnd_e2m1_down = arith.constant 4 : i32
  %sat_e2m1_down = arith.constant 0 : i32
  call @fp8rt_fill_f32(%f32, %fmt_e2m1_down) : (memref<?xf32>, i32) -> ()
  call @e2m1_down(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_e2m1_down, %rnd_e2m1_down, %sat_e2m1_down)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // hif8_ta
  %fmt_hif8_ta = arith.constant 11 : i32
  %rnd_hif8_ta = arith.constant 1 : i32
  %sat_hif8_ta = arith.constant 0 : i32
  call @fp8rt_fill_f32(%f32, %fmt_hif8_ta) : (memref<?xf32>, i32) -> ()
  call @hif8_ta(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_hif8_ta, %rnd_hif8_ta, %sat_hif8_ta)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // hif8_hr_sat
  %fmt_hif8_hr_sat = arith.constant 11 : i32
  %rnd_hif8_hr_sat = arith.constant 6 : i32
  %sat_hif8_hr_sat = arith.constant 1 : i32
  call @fp8rt_fill_f32(%f32, %fmt_hif8_hr_sat) : (memref<?xf32>, i32) -> ()
  call @hif8_hr_sat(%f32, %out, %rb) : (memref<?xf32>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f32(%f32, %out, %rb, %fmt_hif8_hr_sat, %rnd_hif8_hr_sat, %sat_hif8_hr_sat)
      : (memref<?xf32>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // hif8_hr_bf16
  %fmt_hif8_hr_bf16 = arith.constant 11 : i32
  %rnd_hif8_hr_bf16 = arith.constant 6 : i32
  %sat_hif8_hr_bf16 = arith.constant 0 : i32
  call @hif8_hr_bf16(%bf16, %out, %rb) : (memref<?xbf16>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_bf16(%bf16, %out, %rb, %fmt_hif8_hr_bf16, %rnd_hif8_hr_bf16, %sat_hif8_hr_bf16)
      : (memref<?xbf16>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // e5m2_ne_f16
  %fmt_e5m2_ne_f16 = arith.constant 1 : i32
  %rnd_e5m2_ne_f16 = arith.constant 0 : i32
  %sat_e5m2_ne_f16 = arith.constant 0 : i32
  call @e5m2_ne_f16(%f16, %out, %rb) : (memref<?xf16>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f16(%f16, %out, %rb, %fmt_e5m2_ne_f16, %rnd_e5m2_ne_f16, %sat_e5m2_ne_f16)
      : (memref<?xf16>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  // e4m3_na_f64
  %fmt_e4m3_na_f64 = arith.constant 6 : i32
  %rnd_e4m3_na_f64 = arith.constant 1 : i32
  %sat_e4m3_na_f64 = arith.constant 1 : i32
  call @fp8rt_fill_f64(%f64, %fmt_e4m3_na_f64) : (memref<?xf64>, i32) -> ()
  call @e4m3_na_f64(%f64, %out, %rb) : (memref<?xf64>, memref<?xi8>, memref<?xi32>) -> ()
  call @fp8rt_check_encode_f64(%f64, %out, %rb, %fmt_e4m3_na_f64, %rnd_e4m3_na_f64, %sat_e4m3_na_f64)
      : (memref<?xf64>, memref<?xi8>, memref<?xi32>, i32, i32, i32) -> ()

  %n_codes = arith.constant 256 : index
  %codes = memref.alloc(%n_codes) : memref<?xi8>
  %decoded = memref.alloc(%n_codes) : memref<?xf32>
  call @fp8rt_fill_codes(%codes) : (memref<?xi8>) -> ()
  %dfmt_decode_e4m3fn = arith.constant 0 : i32
  call @decode_e4m3fn(%codes, %decoded) : (memref<?xi8>, memref<?xf32>) -> ()
  call @fp8rt_check_decode(%codes, %decoded, %dfmt_decode_e4m3fn) : (memref<?xi8>, memref<?xf32>, i32) -> ()
  %dfmt_decode_hif8 = arith.constant 11 : i32
  call @decode_hif8(%codes, %decoded) : (memref<?xi8>, memref<?xf32>) -> ()
  call @fp8rt_check_decode(%codes, %decoded, %dfmt_decode_hif8) : (memref<?xi8>, memref<?xf32>, i32) -> ()
  %dfmt_decode_e2m1 = arith.constant 10 : i32
  call @decode_e2m1(%codes, %decoded) : (memref<?xi8>, memref<?xf32>) -> ()
  call @fp8rt_check_decode(%codes, %decoded, %dfmt_decode_e2m1) : (memref<?xi8>, memref<?xf32>, i32) -> ()
  %dfmt_decode_e8m0 = arith.constant 7 : i32
  call @decode_e8m0(%codes, %decoded) : (memref<?xi8>, memref<?xf32>) -> ()
  call @fp8rt_check_decode(%codes, %decoded, %dfmt_decode_e8m0) : (memref<?xi8>, memref<?xf32>, i32) -> ()

  memref.dealloc %out : memref<?xi8>
  memref.dealloc %rb : memref<?xi32>
  memref.dealloc %f32 : memref<?xf32>
  memref.dealloc %f64 : memref<?xf64>
  memref.dealloc %f16 : memref<?xf16>
  memref.dealloc %bf16 : memref<?xbf16>
  memref.dealloc %codes : memref<?xi8>
  memref.dealloc %decoded : memref<?xf32>
  return
}
