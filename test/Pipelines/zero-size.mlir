// Tensors with a dimension of size 0 (static, or 0 next to a dynamic one)
// are valid and compile on every target: no tile of 0 elements, no vector
// of 0 lanes (the element-wise tiling used to crash in
// linalg::computeTileSizes), no kernel over an empty matmul.
// test/python/test_reliability.py runs them.
//
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=generic | FileCheck %s
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=avx512 | FileCheck %s
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=avx512-bf16 | FileCheck %s
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=amx | FileCheck %s
// The GPU pipeline, to PTX (no ptxas).
// RUN: fp8-opt %s --fp8-gpu-pipeline="format=isa chip=sm_90a host=none" | FileCheck %s --check-prefix=GPU
// RUN: fp8-opt %s --fp8-gpu-pipeline="format=isa chip=sm_89 host=none" | FileCheck %s --check-prefix=GPU
// A scaled_matmul with a dimension of size 0 is rewritten before any
// kernel: zeros (plus the bias), or an empty tensor.
// RUN: fp8-opt %s --fp8-legalize=target=avx512 | FileCheck %s --check-prefix=LEGALIZE

// CHECK-LABEL: llvm.func @quantize
// Nothing to launch: a loop of zero iterations is not a grid of zero blocks.
// GPU-LABEL: func.func @quantize(
// GPU-NOT: gpu.launch_func
// GPU-LABEL: func.func @quantize_dynamic
func.func @quantize(%x: tensor<0x16xf32>, %s: f32) -> tensor<0x16xf8E4M3FN> {
  %q = fp8.quantize %x, %s : tensor<0x16xf32>, f32 to tensor<0x16xf8E4M3FN>
  return %q : tensor<0x16xf8E4M3FN>
}

// CHECK-LABEL: llvm.func @quantize_dynamic
func.func @quantize_dynamic(%x: tensor<?x0xf32>, %s: f32) -> tensor<?x0xf8E4M3FN> {
  %q = fp8.quantize %x, %s : tensor<?x0xf32>, f32 to tensor<?x0xf8E4M3FN>
  return %q : tensor<?x0xf8E4M3FN>
}

// CHECK-LABEL: llvm.func @blocked
func.func @blocked(%x: tensor<0x32xf32>) -> (tensor<0x32xf8E4M3FN>, tensor<0x32xf32>) {
  %a = fp8.amax %x {block = array<i64: 1, 32>} : tensor<0x32xf32> -> tensor<0x1xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN} : tensor<0x1xf32> -> tensor<0x1xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 32>} : tensor<0x32xf32>, tensor<0x1xf32> to tensor<0x32xf8E4M3FN>
  %d = fp8.dequantize %q, %s {block = array<i64: 1, 32>} : tensor<0x32xf8E4M3FN>, tensor<0x1xf32> to tensor<0x32xf32>
  return %q, %d : tensor<0x32xf8E4M3FN>, tensor<0x32xf32>
}

// Per-tensor amax of nothing: 0.
// CHECK-LABEL: llvm.func @amax
func.func @amax(%x: tensor<4x0xf32>) -> f32 {
  %a = fp8.amax %x : tensor<4x0xf32> -> f32
  return %a : f32
}

// CHECK-LABEL: llvm.func @rows
func.func @rows(%x: tensor<4x0xf32>) -> tensor<4x1xf32> {
  %a = fp8.amax %x {block = array<i64: 1, 32>} : tensor<4x0xf32> -> tensor<4x0xf32>
  %c = arith.constant dense<1.0> : tensor<4x1xf32>
  return %c : tensor<4x1xf32>
}

// CHECK-LABEL: llvm.func @elementwise
func.func @elementwise(%x: tensor<0x16xf32>, %y: tensor<?x0xf32>) -> (tensor<0x16xf32>, tensor<?x0xf8E5M2>, tensor<0x16xf8E4M3FN>) {
  %a = arith.addf %x, %x : tensor<0x16xf32>
  %t = arith.truncf %y : tensor<?x0xf32> to tensor<?x0xf8E5M2>
  %c = fp8.convert %a : tensor<0x16xf32> to tensor<0x16xf8E4M3FN>
  return %a, %t, %c : tensor<0x16xf32>, tensor<?x0xf8E5M2>, tensor<0x16xf8E4M3FN>
}

// CHECK-LABEL: llvm.func @matmul_m0
// LEGALIZE-LABEL: func.func @matmul_m0
// LEGALIZE-NOT: fp8.scaled_matmul
// LEGALIZE: return
func.func @matmul_m0(%a: tensor<0x32xf8E4M3FN>, %b: tensor<32x16xf8E4M3FN>, %s: f32) -> tensor<0x16xf32> {
  %r = fp8.scaled_matmul %a[%s], %b[%s] : tensor<0x32xf8E4M3FN>[f32], tensor<32x16xf8E4M3FN>[f32] -> tensor<0x16xf32>
  return %r : tensor<0x16xf32>
}

// CHECK-LABEL: llvm.func @matmul_n0
func.func @matmul_n0(%a: tensor<8x32xf8E4M3FN>, %b: tensor<32x0xf8E4M3FN>, %s: f32) -> tensor<8x0xf32> {
  %r = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x32xf8E4M3FN>[f32], tensor<32x0xf8E4M3FN>[f32] -> tensor<8x0xf32>
  return %r : tensor<8x0xf32>
}

// K = 0: the bias, quantized with the output scale.
// CHECK-LABEL: llvm.func @matmul_k0
// LEGALIZE-LABEL: func.func @matmul_k0
// LEGALIZE: linalg.fill
// LEGALIZE-NOT: fp8.scaled_matmul
// LEGALIZE: return
func.func @matmul_k0(%a: tensor<8x0xf8E4M3FN>, %b: tensor<0x16xf8E4M3FN>, %s: f32, %bias: tensor<16xf32>) -> (tensor<8x16xf8E4M3FN>, f32) {
  %r, %amax = fp8.scaled_matmul %a[%s], %b[%s] bias(%bias : tensor<16xf32>) out_scale(%s) : tensor<8x0xf8E4M3FN>[f32], tensor<0x16xf8E4M3FN>[f32] -> tensor<8x16xf8E4M3FN>, f32
  return %r, %amax : tensor<8x16xf8E4M3FN>, f32
}

// CHECK-LABEL: llvm.func @matmul_k0_blocked
// GPU-LABEL: func.func @matmul_k0_blocked
func.func @matmul_k0_blocked(%a: tensor<2x?x0xf8E4M3FN>, %sa: tensor<2x?x0xf32>, %b: tensor<2x16x0xf8E4M3FN>, %sb: tensor<2x16x0xf32>) -> tensor<2x?x16xbf16> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 1, 32>, rhs_block = array<i64: 1, 1, 32>, rhs_transposed} : tensor<2x?x0xf8E4M3FN>[tensor<2x?x0xf32>], tensor<2x16x0xf8E4M3FN>[tensor<2x16x0xf32>] -> tensor<2x?x16xbf16>
  return %r : tensor<2x?x16xbf16>
}
