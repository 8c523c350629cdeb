// fp8-gpu-pipeline assembles its kernels with the CUDA toolkit's ptxas, for
// Ada (sm_89) and Hopper (sm_90a); gpu/mlir_binary.py (the GPU harness's
// loader) finds the cubins and the launches a host has to make.
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-gpu-pipeline="chip=sm_89 host=none" -o %t.sm89.mlir
// RUN: FileCheck %s --check-prefix=IR --input-file=%t.sm89.mlir
// RUN: %python %fp8_src_root/gpu/mlir_binary.py %t.sm89.mlir --out %t.cubins | FileCheck %s --check-prefixes=JSON,JSON89
// RUN: fp8-opt %s --fp8-gpu-pipeline="chip=sm_90a host=none" | %python %fp8_src_root/gpu/mlir_binary.py /dev/stdin | FileCheck %s --check-prefixes=JSON,JSON90
// RUN: %python -c "import sys; d = open(sys.argv[1], 'rb').read(); assert d[:4] == b'\x7fELF' and b'scaled_matmul' in d" %t.cubins/fp8_kernels.cubin

// The PTX itself: tensor-core fp8 mma and the hardware conversions.
// RUN: fp8-opt %s --pass-pipeline='builtin.module(convert-fp8-matmul-to-gpu{chip=sm_89}, gpu.module(convert-fp8-to-nvvm{chip=sm_89}, convert-scf-to-cf, convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1}, reconcile-unrealized-casts), nvvm-attach-target{chip=sm_89 features=+ptx84 O=3}, gpu-module-to-binary{format=isa})' | FileCheck %s --check-prefix=PTX

// IR: func.func @matmul(%[[A:.*]]: memref<256x512xf8E4M3FN>, %[[SA:.*]]: f32, %[[B:.*]]: memref<256x512xf8E4M3FN>, %[[SB:.*]]: f32, %[[OS:.*]]: f32) -> memref<256x256xf8E4M3FN>
// IR: gpu.launch_func @fp8_kernels::@scaled_matmul blocks in
// IR-SAME: args(%[[A]] : memref<256x512xf8E4M3FN>, %[[B]] : memref<256x512xf8E4M3FN>, %[[SA]] : f32, %[[SB]] : f32, %[[OS]] : f32, %{{.*}} : memref<256x256xf8E4M3FN>)
// IR: func.func @quantize
// IR: gpu.launch_func @quantize_kernel::@quantize_kernel
// IR-DAG: gpu.binary @fp8_kernels {{ *}}[#gpu.object<#nvvm.target<O = 3, chip = "sm_89", features = "+ptx84">, properties = {{.*}}, bin = "\7FELF
// IR-DAG: gpu.binary @quantize_kernel {{ *}}[#gpu.object<#nvvm.target<O = 3, chip = "sm_89", features = "+ptx84">, properties = {{.*}}, bin = "\7FELF

// JSON:        "launches": {
// JSON:         "matmul": [
// JSON:           "index": 0,
// JSON-NEXT:      "type": "memref<256x512xf8E4M3FN>",
// JSON:           "index": 2,
// JSON:           "index": 1,
// JSON:           "index": 3,
// JSON:           "index": 4,
// JSON:           "index": null,
// JSON-NEXT:      "type": "memref<256x256xf8E4M3FN>",
// JSON:         "block": [
// JSON-NEXT:     128,
// JSON:         "grid": [
// JSON-NEXT:     2,
// JSON-NEXT:     2,
// JSON-NEXT:     1
// JSON:         "kernel": "scaled_matmul",
// JSON:         "quantize": [
// JSON:         "grid": [
// JSON-NEXT:     16,
// JSON:        "objects": {
// JSON-NEXT:    "fp8_kernels": {
// JSON89-NEXT:   "bytes": {{[1-9][0-9]+}},
// JSON89-NEXT:   "chip": "sm_89",
// JSON90:        "chip": "sm_90a",
// JSON-NEXT:     "kind": "cubin"

// PTX: .target sm_89
// PTX: .entry scaled_matmul(
// PTX-COUNT-64: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32
// PTX: cvt.rn.satfinite.e4m3x2.f32

func.func @matmul(%a: tensor<256x512xf8E4M3FN>, %sa: f32, %b: tensor<256x512xf8E4M3FN>, %sb: f32, %os: f32) -> tensor<256x256xf8E4M3FN> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] out_scale(%os) {rhs_transposed}
      : tensor<256x512xf8E4M3FN>[f32], tensor<256x512xf8E4M3FN>[f32] -> tensor<256x256xf8E4M3FN>
  return %d : tensor<256x256xf8E4M3FN>
}

func.func @quantize(%x: tensor<4096xf32>, %s: f32) -> tensor<4096xf8E5M2> {
  %q = fp8.quantize %x, %s : tensor<4096xf32>, f32 to tensor<4096xf8E5M2>
  return %q : tensor<4096xf8E5M2>
}
