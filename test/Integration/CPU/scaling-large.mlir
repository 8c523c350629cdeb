// Quantization at tensor level through fp8-cpu-pipeline on 256x1000 inputs
// (ragged blocks included), checked against the numerics library element by
// element: amax per block, the scale computed from it, quantize and
// dequantize with those scales.
//
// The code runs on threads: checked on 1, 2 and 3 of them.
//
// RUN: fp8-opt %s -fp8-cpu-pipeline -o %t.mlir
// RUN: env OMP_NUM_THREADS=1 mlir-runner %t.mlir -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s
// RUN: env OMP_NUM_THREADS=2 mlir-runner %t.mlir -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s
// RUN: env OMP_NUM_THREADS=3 mlir-runner %t.mlir -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s

// CHECK: amax block 1x128: 2048 values, mismatches: 0
// CHECK: quantize f32 -> f8E4M3FN nearest_even finite block 1x128: 256000 values, mismatches: 0
// CHECK: dequantize f8E4M3FN -> f32 block 1x128: 256000 values, mismatches: 0
// CHECK: amax block 32x32: 256 values, mismatches: 0
// CHECK: quantize f32 -> hif8 hybrid none block 32x32: 256000 values, mismatches: 0
// CHECK: dequantize hif8 -> f32 block 32x32: 256000 values, mismatches: 0
// CHECK: amax block 1x32: 8192 values, mismatches: 0
// CHECK: quantize f32 -> f4E2M1FN nearest_away none block 1x32: 256000 values, mismatches: 0
// CHECK: dequantize f4E2M1FN -> f32 block 1x32: 256000 values, mismatches: 0

func.func private @fp8rt_fill_2d_f32(memref<?x?xf32>, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_amax(memref<?x?xf32>, memref<?x?xf32>, i64, i64)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_quantize(memref<?x?xf32>, memref<?x?xf32>, memref<?x?xi8>,
    memref<?x?xi32>, i64, i64, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_dequantize(memref<?x?xi8>, memref<?x?xf32>, memref<?x?xf32>,
    i64, i64, i32) attributes {llvm.emit_c_interface}

func.func @e4m3fn_rows(%x: tensor<256x1000xf32>)
    -> (tensor<256x8xf32>, tensor<256x8xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>) {
  %a = fp8.amax %x {block = array<i64: 1, 128>} : tensor<256x1000xf32> -> tensor<256x8xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN} : tensor<256x8xf32> -> tensor<256x8xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>, rounding = #fp8.rounding<nearest_even>, saturation = #fp8.saturation<finite>}
      : tensor<256x1000xf32>, tensor<256x8xf32> to tensor<256x1000xf8E4M3FN>
  %d = fp8.dequantize %q, %s {block = array<i64: 1, 128>}
      : tensor<256x1000xf8E4M3FN>, tensor<256x8xf32> to tensor<256x1000xf32>
  %codes = fp8.bitcast %q : tensor<256x1000xf8E4M3FN> to tensor<256x1000xi8>

  return %a, %s, %codes, %d : tensor<256x8xf32>, tensor<256x8xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>
}

func.func @hif8_tiles(%x: tensor<256x1000xf32>)
    -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>) {
  %a = fp8.amax %x {block = array<i64: 32, 32>} : tensor<256x1000xf32> -> tensor<8x32xf32>
  %s = fp8.compute_scale %a {format = !fp8.hif8, margin = 12 : i32} : tensor<8x32xf32> -> tensor<8x32xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 32, 32>, rounding = #fp8.rounding<hybrid>}
      : tensor<256x1000xf32>, tensor<8x32xf32> to tensor<256x1000x!fp8.hif8>
  %d = fp8.dequantize %q, %s {block = array<i64: 32, 32>}
      : tensor<256x1000x!fp8.hif8>, tensor<8x32xf32> to tensor<256x1000xf32>
  %codes = fp8.bitcast %q : tensor<256x1000x!fp8.hif8> to tensor<256x1000xi8>

  return %a, %s, %codes, %d : tensor<8x32xf32>, tensor<8x32xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>
}

func.func @fp4_mx(%x: tensor<256x1000xf32>)
    -> (tensor<256x32xf32>, tensor<256x32xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>) {
  %a = fp8.amax %x {block = array<i64: 1, 32>} : tensor<256x1000xf32> -> tensor<256x32xf32>
  %s = fp8.compute_scale %a {format = f4E2M1FN, pow2} : tensor<256x32xf32> -> tensor<256x32xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 32>, rounding = #fp8.rounding<nearest_away>}
      : tensor<256x1000xf32>, tensor<256x32xf32> to tensor<256x1000xf4E2M1FN>
  %d = fp8.dequantize %q, %s {block = array<i64: 1, 32>}
      : tensor<256x1000xf4E2M1FN>, tensor<256x32xf32> to tensor<256x1000xf32>
  %codes = fp8.bitcast %q : tensor<256x1000xf4E2M1FN> to tensor<256x1000xi4>

  %bytes = arith.extui %codes : tensor<256x1000xi4> to tensor<256x1000xi8>
  return %a, %s, %bytes, %d : tensor<256x32xf32>, tensor<256x32xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>
}

func.func @main() {
  %unused = memref.alloc() : memref<1x1xi32>
  %no_bits = memref.cast %unused : memref<1x1xi32> to memref<?x?xi32>
  %e4m3fn_rows_xm = memref.alloc() : memref<256x1000xf32>
  %e4m3fn_rows_xd = memref.cast %e4m3fn_rows_xm : memref<256x1000xf32> to memref<?x?xf32>
  %e4m3fn_rows_format = arith.constant 0 : i32
  call @fp8rt_fill_2d_f32(%e4m3fn_rows_xd, %e4m3fn_rows_format) : (memref<?x?xf32>, i32) -> ()
  %e4m3fn_rows_x = bufferization.to_tensor %e4m3fn_rows_xm restrict : memref<256x1000xf32> to tensor<256x1000xf32>
  %e4m3fn_rows_a, %e4m3fn_rows_s, %e4m3fn_rows_q, %e4m3fn_rows_d = call @e4m3fn_rows(%e4m3fn_rows_x)
      : (tensor<256x1000xf32>) -> (tensor<256x8xf32>, tensor<256x8xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>)
  %e4m3fn_rows_am = bufferization.to_buffer %e4m3fn_rows_a : tensor<256x8xf32> to memref<256x8xf32>
  %e4m3fn_rows_sm = bufferization.to_buffer %e4m3fn_rows_s : tensor<256x8xf32> to memref<256x8xf32>
  %e4m3fn_rows_qm = bufferization.to_buffer %e4m3fn_rows_q : tensor<256x1000xi8> to memref<256x1000xi8>
  %e4m3fn_rows_dm = bufferization.to_buffer %e4m3fn_rows_d : tensor<256x1000xf32> to memref<256x1000xf32>
  %e4m3fn_rows_ad = memref.cast %e4m3fn_rows_am : memref<256x8xf32> to memref<?x?xf32>
  %e4m3fn_rows_sd = memref.cast %e4m3fn_rows_sm : memref<256x8xf32> to memref<?x?xf32>
  %e4m3fn_rows_qd = memref.cast %e4m3fn_rows_qm : memref<256x1000xi8> to memref<?x?xi8>
  %e4m3fn_rows_dd = memref.cast %e4m3fn_rows_dm : memref<256x1000xf32> to memref<?x?xf32>
  %e4m3fn_rows_b0 = arith.constant 1 : i64
  %e4m3fn_rows_b1 = arith.constant 128 : i64
  %e4m3fn_rows_rounding = arith.constant 0 : i32
  %e4m3fn_rows_saturation = arith.constant 1 : i32
  call @fp8rt_check_amax(%e4m3fn_rows_xd, %e4m3fn_rows_ad, %e4m3fn_rows_b0, %e4m3fn_rows_b1) : (memref<?x?xf32>, memref<?x?xf32>, i64, i64) -> ()
  call @fp8rt_check_quantize(%e4m3fn_rows_xd, %e4m3fn_rows_sd, %e4m3fn_rows_qd, %no_bits, %e4m3fn_rows_b0, %e4m3fn_rows_b1, %e4m3fn_rows_format, %e4m3fn_rows_rounding, %e4m3fn_rows_saturation)
      : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xi8>, memref<?x?xi32>, i64, i64, i32, i32, i32) -> ()
  call @fp8rt_check_dequantize(%e4m3fn_rows_qd, %e4m3fn_rows_sd, %e4m3fn_rows_dd, %e4m3fn_rows_b0, %e4m3fn_rows_b1, %e4m3fn_rows_format)
      : (memref<?x?xi8>, memref<?x?xf32>, memref<?x?xf32>, i64, i64, i32) -> ()
  %hif8_tiles_xm = memref.alloc() : memref<256x1000xf32>
  %hif8_tiles_xd = memref.cast %hif8_tiles_xm : memref<256x1000xf32> to memref<?x?xf32>
  %hif8_tiles_format = arith.constant 11 : i32
  call @fp8rt_fill_2d_f32(%hif8_tiles_xd, %hif8_tiles_format) : (memref<?x?xf32>, i32) -> ()
  %hif8_tiles_x = bufferization.to_tensor %hif8_tiles_xm restrict : memref<256x1000xf32> to tensor<256x1000xf32>
  %hif8_tiles_a, %hif8_tiles_s, %hif8_tiles_q, %hif8_tiles_d = call @hif8_tiles(%hif8_tiles_x)
      : (tensor<256x1000xf32>) -> (tensor<8x32xf32>, tensor<8x32xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>)
  %hif8_tiles_am = bufferization.to_buffer %hif8_tiles_a : tensor<8x32xf32> to memref<8x32xf32>
  %hif8_tiles_sm = bufferization.to_buffer %hif8_tiles_s : tensor<8x32xf32> to memref<8x32xf32>
  %hif8_tiles_qm = bufferization.to_buffer %hif8_tiles_q : tensor<256x1000xi8> to memref<256x1000xi8>
  %hif8_tiles_dm = bufferization.to_buffer %hif8_tiles_d : tensor<256x1000xf32> to memref<256x1000xf32>
  %hif8_tiles_ad = memref.cast %hif8_tiles_am : memref<8x32xf32> to memref<?x?xf32>
  %hif8_tiles_sd = memref.cast %hif8_tiles_sm : memref<8x32xf32> to memref<?x?xf32>
  %hif8_tiles_qd = memref.cast %hif8_tiles_qm : memref<256x1000xi8> to memref<?x?xi8>
  %hif8_tiles_dd = memref.cast %hif8_tiles_dm : memref<256x1000xf32> to memref<?x?xf32>
  %hif8_tiles_b0 = arith.constant 32 : i64
  %hif8_tiles_b1 = arith.constant 32 : i64
  %hif8_tiles_rounding = arith.constant 6 : i32
  %hif8_tiles_saturation = arith.constant 0 : i32
  call @fp8rt_check_amax(%hif8_tiles_xd, %hif8_tiles_ad, %hif8_tiles_b0, %hif8_tiles_b1) : (memref<?x?xf32>, memref<?x?xf32>, i64, i64) -> ()
  call @fp8rt_check_quantize(%hif8_tiles_xd, %hif8_tiles_sd, %hif8_tiles_qd, %no_bits, %hif8_tiles_b0, %hif8_tiles_b1, %hif8_tiles_format, %hif8_tiles_rounding, %hif8_tiles_saturation)
      : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xi8>, memref<?x?xi32>, i64, i64, i32, i32, i32) -> ()
  call @fp8rt_check_dequantize(%hif8_tiles_qd, %hif8_tiles_sd, %hif8_tiles_dd, %hif8_tiles_b0, %hif8_tiles_b1, %hif8_tiles_format)
      : (memref<?x?xi8>, memref<?x?xf32>, memref<?x?xf32>, i64, i64, i32) -> ()
  %fp4_mx_xm = memref.alloc() : memref<256x1000xf32>
  %fp4_mx_xd = memref.cast %fp4_mx_xm : memref<256x1000xf32> to memref<?x?xf32>
  %fp4_mx_format = arith.constant 10 : i32
  call @fp8rt_fill_2d_f32(%fp4_mx_xd, %fp4_mx_format) : (memref<?x?xf32>, i32) -> ()
  %fp4_mx_x = bufferization.to_tensor %fp4_mx_xm restrict : memref<256x1000xf32> to tensor<256x1000xf32>
  %fp4_mx_a, %fp4_mx_s, %fp4_mx_q, %fp4_mx_d = call @fp4_mx(%fp4_mx_x)
      : (tensor<256x1000xf32>) -> (tensor<256x32xf32>, tensor<256x32xf32>, tensor<256x1000xi8>, tensor<256x1000xf32>)
  %fp4_mx_am = bufferization.to_buffer %fp4_mx_a : tensor<256x32xf32> to memref<256x32xf32>
  %fp4_mx_sm = bufferization.to_buffer %fp4_mx_s : tensor<256x32xf32> to memref<256x32xf32>
  %fp4_mx_qm = bufferization.to_buffer %fp4_mx_q : tensor<256x1000xi8> to memref<256x1000xi8>
  %fp4_mx_dm = bufferization.to_buffer %fp4_mx_d : tensor<256x1000xf32> to memref<256x1000xf32>
  %fp4_mx_ad = memref.cast %fp4_mx_am : memref<256x32xf32> to memref<?x?xf32>
  %fp4_mx_sd = memref.cast %fp4_mx_sm : memref<256x32xf32> to memref<?x?xf32>
  %fp4_mx_qd = memref.cast %fp4_mx_qm : memref<256x1000xi8> to memref<?x?xi8>
  %fp4_mx_dd = memref.cast %fp4_mx_dm : memref<256x1000xf32> to memref<?x?xf32>
  %fp4_mx_b0 = arith.constant 1 : i64
  %fp4_mx_b1 = arith.constant 32 : i64
  %fp4_mx_rounding = arith.constant 1 : i32
  %fp4_mx_saturation = arith.constant 0 : i32
  call @fp8rt_check_amax(%fp4_mx_xd, %fp4_mx_ad, %fp4_mx_b0, %fp4_mx_b1) : (memref<?x?xf32>, memref<?x?xf32>, i64, i64) -> ()
  call @fp8rt_check_quantize(%fp4_mx_xd, %fp4_mx_sd, %fp4_mx_qd, %no_bits, %fp4_mx_b0, %fp4_mx_b1, %fp4_mx_format, %fp4_mx_rounding, %fp4_mx_saturation)
      : (memref<?x?xf32>, memref<?x?xf32>, memref<?x?xi8>, memref<?x?xi32>, i64, i64, i32, i32, i32) -> ()
  call @fp8rt_check_dequantize(%fp4_mx_qd, %fp4_mx_sd, %fp4_mx_dd, %fp4_mx_b0, %fp4_mx_b1, %fp4_mx_format)
      : (memref<?x?xi8>, memref<?x?xf32>, memref<?x?xf32>, i64, i64, i32) -> ()
  return
}
