// The sm_90a kernels: wgmma.mma_async on fp8 (and on f16 for HiF8
// operands) in PTX that the CUDA toolkit's ptxas assembles into cubins; the
// HiF8 kernel on sm_89 with mma.sync.m16n8k16 on f16.
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_90a | FileCheck %s --check-prefix=BIN90
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_89 | FileCheck %s --check-prefix=BIN89
// RUN: fp8-opt %s --pass-pipeline='builtin.module(convert-fp8-matmul-to-gpu{chip=sm_90a}, gpu.module(convert-fp8-to-nvvm{chip=sm_90a}, convert-scf-to-cf, convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1}, convert-nvvm-to-llvm, reconcile-unrealized-casts), nvvm-attach-target{chip=sm_90a features=+ptx84 O=3}, gpu-module-to-binary{format=isa})' | FileCheck %s --check-prefix=PTX

// BIN90: gpu.binary @fp8_kernels {{ *}}[#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx84">, properties = {{.*}}, bin = "\7FELF
// BIN89: gpu.binary @fp8_kernels {{ *}}[#gpu.object<#nvvm.target<O = 3, chip = "sm_89", features = "+ptx84">, properties = {{.*}}, bin = "\7FELF

// The fp8 kernel: descriptors with LBO = 128 and SBO = 512 bytes
// (0x2000080000), the proxy fence after the staging stores, 4 wgmma per
// 64-byte K slice, then commit and wait.
// PTX: .target sm_90a
// PTX: .entry scaled_matmul(
// PTX: or.b64 {{[^;]*}}, 137439477760;
// PTX: fence.proxy.async.shared::cta;
// PTX: bar.sync
// PTX: wgmma.fence.sync.aligned;
// PTX-COUNT-4: wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e4m3
// PTX: wgmma.commit_group.sync.aligned;
// PTX: wgmma.wait_group.sync.aligned
// PTX-NOT: mma.sync
// The HiF8 kernel: m64n128k16 on f16.
// PTX: .entry scaled_matmul_0(
// PTX: wgmma.fence.sync.aligned;
// PTX-COUNT-4: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// PTX: wgmma.wait_group.sync.aligned

func.func @matmul(%a: tensor<256x512xf8E4M3FN>, %sa: f32, %b: tensor<256x512xf8E4M3FN>, %sb: f32) -> tensor<256x256xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<256x512xf8E4M3FN>[f32], tensor<256x512xf8E4M3FN>[f32] -> tensor<256x256xbf16>
  return %d : tensor<256x256xbf16>
}

func.func @hif8(%a: tensor<256x256x!fp8.hif8>, %sa: f32, %b: tensor<128x256xf8E4M3FN>, %sb: f32) -> tensor<256x128xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<256x256x!fp8.hif8>[f32], tensor<128x256xf8E4M3FN>[f32] -> tensor<256x128xf32>
  return %d : tensor<256x128xf32>
}
