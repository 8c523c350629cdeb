// fp8-fold-scales changes no bit: these programs run through
// fp8-cpu-pipeline with and without the pass, and the outputs (every result
// printed as raw bits) must be identical. Inputs are every 8-bit code (NaN,
// Inf, subnormals included) for the dequantize -> quantize pairs, and
// normally distributed activations and weights for the matmuls. FOLDED
// checks that the folds did apply.
//
// RUN: fp8-opt %s -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime \
// RUN:     > %t.reference
// RUN: fp8-opt %s -fp8-fold-scales -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime \
// RUN:     > %t.folded
// RUN: sed -e 's/base@ = 0x[0-9a-f]*//' %t.reference > %t.reference.data
// RUN: sed -e 's/base@ = 0x[0-9a-f]*//' %t.folded > %t.folded.data
// RUN: diff %t.reference.data %t.folded.data
// RUN: FileCheck %s < %t.folded
// RUN: fp8-opt %s -fp8-fold-scales | FileCheck %s --check-prefix=FOLDED

// Five code maps (the first is the identity), the quantized layer output
// and its amax, two f32 matmul results.
// CHECK: sizes = [256]
// CHECK-NEXT: [0,  1,  2,  3,  4,
// CHECK-COUNT-4: sizes = [256]
// CHECK: sizes = [24, 16]
// CHECK: sizes = [1]
// CHECK-COUNT-2: sizes = [8, 8]

// FOLDED-LABEL: func @pairs
// FOLDED-NOT: fp8.quantize
// FOLDED: return
// FOLDED-LABEL: func @lift
// FOLDED-NOT: linalg.matmul
// FOLDED: fp8.scaled_matmul {{.*}} bias({{.*}}) out_scale({{.*}}) {lhs_block = array<i64: 1, 32>, rhs_transposed, saturation = #fp8.saturation<finite>} {{.*}} -> tensor<24x16xf8E4M3FN>, f32
// FOLDED-NOT: linalg.matmul
// FOLDED-LABEL: func @multiplies
// FOLDED-NOT: arith.mulf
// FOLDED: return

func.func private @fp8rt_fill_codes(memref<?xi8>) attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_normal_3d_f32(memref<?x?x?xf32>, f32, i32) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}

// dequantize -> quantize over every code: identity (E4M3FN, equal scales),
// exact rescale (ratio 1/4), a format change (E4M3FN -> E5M2), saturation
// on E5M2 infinities, and HiF8 with hybrid rounding.
func.func @pairs(%codes: tensor<256xi8>) -> (tensor<256xi8>, tensor<256xi8>, tensor<256xi8>, tensor<256xi8>, tensor<256xi8>) {
  %s2 = arith.constant 2.0 : f32
  %s8 = arith.constant 8.0 : f32
  %e4 = fp8.bitcast %codes : tensor<256xi8> to tensor<256xf8E4M3FN>
  %e5 = fp8.bitcast %codes : tensor<256xi8> to tensor<256xf8E5M2>
  %h = fp8.bitcast %codes : tensor<256xi8> to tensor<256x!fp8.hif8>
  %x4 = fp8.dequantize %e4, %s2 : tensor<256xf8E4M3FN>, f32 to tensor<256xf32>
  %identity = fp8.quantize %x4, %s2 : tensor<256xf32>, f32 to tensor<256xf8E4M3FN>
  %rescaled = fp8.quantize %x4, %s8 : tensor<256xf32>, f32 to tensor<256xf8E4M3FN>
  %converted = fp8.quantize %x4, %s2 {saturation = #fp8.saturation<finite>} : tensor<256xf32>, f32 to tensor<256xf8E5M2>
  %x5 = fp8.dequantize %e5, %s8 : tensor<256xf8E5M2>, f32 to tensor<256xf32>
  %saturated = fp8.quantize %x5, %s8 {saturation = #fp8.saturation<finite>} : tensor<256xf32>, f32 to tensor<256xf8E5M2>
  %xh = fp8.dequantize %h, %s8 : tensor<256x!fp8.hif8>, f32 to tensor<256xbf16>
  %hybrid = fp8.quantize %xh, %s2 {rounding = #fp8.rounding<hybrid>} : tensor<256xbf16>, f32 to tensor<256x!fp8.hif8>
  %r0 = fp8.bitcast %identity : tensor<256xf8E4M3FN> to tensor<256xi8>
  %r1 = fp8.bitcast %rescaled : tensor<256xf8E4M3FN> to tensor<256xi8>
  %r2 = fp8.bitcast %converted : tensor<256xf8E5M2> to tensor<256xi8>
  %r3 = fp8.bitcast %saturated : tensor<256xf8E5M2> to tensor<256xi8>
  %r4 = fp8.bitcast %hybrid : tensor<256x!fp8.hif8> to tensor<256xi8>
  return %r0, %r1, %r2, %r3, %r4 : tensor<256xi8>, tensor<256xi8>, tensor<256xi8>, tensor<256xi8>, tensor<256xi8>
}

// A linear layer in linalg: row-wise 1x32 E4M3FN activations, per-tensor
// power-of-two E5M2 weights stored [N, K] and transposed, a zero-filled
// matmul, a broadcast bias, the amax of the result and its quantization.
func.func @lift(%x3: tensor<1x24x64xf32>, %w3: tensor<1x16x64xf32>, %bias3: tensor<1x1x16xf32>) -> (tensor<24x16xi8>, f32) {
  %so = arith.constant 0.25 : f32
  %zero = arith.constant 0.0 : f32
  %x = tensor.collapse_shape %x3 [[0, 1], [2]] : tensor<1x24x64xf32> into tensor<24x64xf32>
  %ax = fp8.amax %x {block = array<i64: 1, 32>} : tensor<24x64xf32> -> tensor<24x2xf32>
  %sx = fp8.compute_scale %ax {format = f8E4M3FN} : tensor<24x2xf32> -> tensor<24x2xf32>
  %qx = fp8.quantize %x, %sx {block = array<i64: 1, 32>} : tensor<24x64xf32>, tensor<24x2xf32> to tensor<24x64xf8E4M3FN>
  %dx = fp8.dequantize %qx, %sx {block = array<i64: 1, 32>} : tensor<24x64xf8E4M3FN>, tensor<24x2xf32> to tensor<24x64xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x16x64xf32> into tensor<16x64xf32>
  %aw = fp8.amax %w : tensor<16x64xf32> -> f32
  %sw = fp8.compute_scale %aw {format = f8E5M2, pow2} : f32 -> f32
  %qw = fp8.quantize %w, %sw : tensor<16x64xf32>, f32 to tensor<16x64xf8E5M2>
  %dw = fp8.dequantize %qw, %sw : tensor<16x64xf8E5M2>, f32 to tensor<16x64xf32>
  %et = tensor.empty() : tensor<64x16xf32>
  %dwt = linalg.transpose ins(%dw : tensor<16x64xf32>) outs(%et : tensor<64x16xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<24x16xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<24x16xf32>) -> tensor<24x16xf32>
  %d = linalg.matmul ins(%dx, %dwt : tensor<24x64xf32>, tensor<64x16xf32>) outs(%z : tensor<24x16xf32>) -> tensor<24x16xf32>
  %bias = tensor.collapse_shape %bias3 [[0, 1, 2]] : tensor<1x1x16xf32> into tensor<16xf32>
  %eb = tensor.empty() : tensor<24x16xf32>
  %bb = linalg.broadcast ins(%bias : tensor<16xf32>) outs(%eb : tensor<24x16xf32>) dimensions = [0]
  %r = arith.addf %d, %bb : tensor<24x16xf32>
  %m = fp8.amax %r : tensor<24x16xf32> -> f32
  %q = fp8.quantize %r, %so {saturation = #fp8.saturation<finite>} : tensor<24x16xf32>, f32 to tensor<24x16xf8E4M3FN>
  %qi = fp8.bitcast %q : tensor<24x16xf8E4M3FN> to tensor<24x16xi8>
  return %qi, %m : tensor<24x16xi8>, f32
}

// Multiplies: by 4 before a matmul (into the dequantize scale, then the op),
// by a per-row power of two after a scaled_matmul with power-of-two scales.
func.func @multiplies(%x3: tensor<1x8x32xf32>, %w3: tensor<1x32x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %s = arith.constant 0.125 : f32
  %zero = arith.constant dense<0.0> : tensor<8x8xf32>
  %four = arith.constant dense<4.0> : tensor<8x32xf32>
  %x = tensor.collapse_shape %x3 [[0, 1], [2]] : tensor<1x8x32xf32> into tensor<8x32xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x32x8xf32> into tensor<32x8xf32>
  %qx = fp8.quantize %x, %s : tensor<8x32xf32>, f32 to tensor<8x32xf8E4M3FN>
  %qw = fp8.quantize %w, %s : tensor<32x8xf32>, f32 to tensor<32x8xf8E4M3FN>
  %dx = fp8.dequantize %qx, %s : tensor<8x32xf8E4M3FN>, f32 to tensor<8x32xf32>
  %dx4 = arith.mulf %dx, %four : tensor<8x32xf32>
  %dw = fp8.dequantize %qw, %s : tensor<32x8xf8E4M3FN>, f32 to tensor<32x8xf32>
  %d0 = linalg.matmul ins(%dx4, %dw : tensor<8x32xf32>, tensor<32x8xf32>) outs(%zero : tensor<8x8xf32>) -> tensor<8x8xf32>
  %d1 = fp8.scaled_matmul %qx[%s], %qw[%s] : tensor<8x32xf8E4M3FN>[f32], tensor<32x8xf8E4M3FN>[f32] -> tensor<8x8xf32>
  %rowconst = arith.constant dense<[[2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
      [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
      [0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25], [8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0],
      [1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0], [2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0]]> : tensor<8x8xf32>
  %d2 = arith.mulf %d1, %rowconst : tensor<8x8xf32>
  return %d0, %d2 : tensor<8x8xf32>, tensor<8x8xf32>
}

func.func @print_i8(%t: tensor<256xi8>) {
  %w = arith.extui %t : tensor<256xi8> to tensor<256xi32>
  %m = bufferization.to_buffer %w : tensor<256xi32> to memref<256xi32>
  %u = memref.cast %m : memref<256xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @print_bits(%t: tensor<8x8xf32>) {
  %b = arith.bitcast %t : tensor<8x8xf32> to tensor<8x8xi32>
  %m = bufferization.to_buffer %b : tensor<8x8xi32> to memref<8x8xi32>
  %u = memref.cast %m : memref<8x8xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @main() {
  %codes_m = memref.alloc() : memref<256xi8>
  %codes_d = memref.cast %codes_m : memref<256xi8> to memref<?xi8>
  call @fp8rt_fill_codes(%codes_d) : (memref<?xi8>) -> ()
  %codes = bufferization.to_tensor %codes_m restrict : memref<256xi8> to tensor<256xi8>
  %p0, %p1, %p2, %p3, %p4 = call @pairs(%codes) : (tensor<256xi8>) -> (tensor<256xi8>, tensor<256xi8>, tensor<256xi8>, tensor<256xi8>, tensor<256xi8>)
  call @print_i8(%p0) : (tensor<256xi8>) -> ()
  call @print_i8(%p1) : (tensor<256xi8>) -> ()
  call @print_i8(%p2) : (tensor<256xi8>) -> ()
  call @print_i8(%p3) : (tensor<256xi8>) -> ()
  call @print_i8(%p4) : (tensor<256xi8>) -> ()

  %sigma = arith.constant 1.0 : f32
  %seed1 = arith.constant 1 : i32
  %seed2 = arith.constant 2 : i32
  %seed3 = arith.constant 3 : i32
  %x_m = memref.alloc() : memref<1x24x64xf32>
  %w_m = memref.alloc() : memref<1x16x64xf32>
  %b_m = memref.alloc() : memref<1x1x16xf32>
  %x_d = memref.cast %x_m : memref<1x24x64xf32> to memref<?x?x?xf32>
  %w_d = memref.cast %w_m : memref<1x16x64xf32> to memref<?x?x?xf32>
  %b_d = memref.cast %b_m : memref<1x1x16xf32> to memref<?x?x?xf32>
  call @fp8rt_fill_normal_3d_f32(%x_d, %sigma, %seed1) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%w_d, %sigma, %seed2) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%b_d, %sigma, %seed3) : (memref<?x?x?xf32>, f32, i32) -> ()
  %x = bufferization.to_tensor %x_m restrict : memref<1x24x64xf32> to tensor<1x24x64xf32>
  %w = bufferization.to_tensor %w_m restrict : memref<1x16x64xf32> to tensor<1x16x64xf32>
  %b = bufferization.to_tensor %b_m restrict : memref<1x1x16xf32> to tensor<1x1x16xf32>
  %q, %m = call @lift(%x, %w, %b) : (tensor<1x24x64xf32>, tensor<1x16x64xf32>, tensor<1x1x16xf32>) -> (tensor<24x16xi8>, f32)
  %qw = arith.extui %q : tensor<24x16xi8> to tensor<24x16xi32>
  %qm = bufferization.to_buffer %qw : tensor<24x16xi32> to memref<24x16xi32>
  %qu = memref.cast %qm : memref<24x16xi32> to memref<*xi32>
  call @printMemrefI32(%qu) : (memref<*xi32>) -> ()
  %mb = arith.bitcast %m : f32 to i32
  %mt = tensor.from_elements %mb : tensor<1xi32>
  %mm = bufferization.to_buffer %mt : tensor<1xi32> to memref<1xi32>
  %mu = memref.cast %mm : memref<1xi32> to memref<*xi32>
  call @printMemrefI32(%mu) : (memref<*xi32>) -> ()

  %x2_m = memref.alloc() : memref<1x8x32xf32>
  %w2_m = memref.alloc() : memref<1x32x8xf32>
  %x2_d = memref.cast %x2_m : memref<1x8x32xf32> to memref<?x?x?xf32>
  %w2_d = memref.cast %w2_m : memref<1x32x8xf32> to memref<?x?x?xf32>
  call @fp8rt_fill_normal_3d_f32(%x2_d, %sigma, %seed1) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%w2_d, %sigma, %seed2) : (memref<?x?x?xf32>, f32, i32) -> ()
  %x2 = bufferization.to_tensor %x2_m restrict : memref<1x8x32xf32> to tensor<1x8x32xf32>
  %w2 = bufferization.to_tensor %w2_m restrict : memref<1x32x8xf32> to tensor<1x32x8xf32>
  %d0, %d2 = call @multiplies(%x2, %w2) : (tensor<1x8x32xf32>, tensor<1x32x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>)
  call @print_bits(%d0) : (tensor<8x8xf32>) -> ()
  call @print_bits(%d2) : (tensor<8x8xf32>) -> ()
  return
}
