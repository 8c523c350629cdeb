// The sm_90a kernels: wgmma.mma_async on fp8 (and on f16 for HiF8
// operands) in PTX that the CUDA toolkit's ptxas assembles into cubins; the
// HiF8 kernel on sm_89 with mma.sync.m16n8k16 on f16.
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_90a | FileCheck %s --check-prefix=BIN90
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_89 | FileCheck %s --check-prefix=BIN89
// RUN: fp8-opt %s --pass-pipeline='builtin.module(convert-fp8-matmul-to-gpu{chip=sm_90a}, gpu.module(convert-fp8-to-nvvm{chip=sm_90a}, convert-scf-to-cf, convert-gpu-to-nvvm{use-bare-ptr-memref-call-conv=1}, convert-nvvm-to-llvm, reconcile-unrealized-casts), nvvm-attach-target{chip=sm_90a features=+ptx84 O=3}, gpu-module-to-binary{format=isa})' > %t
// RUN: FileCheck %s --check-prefix=PTX < %t
// RUN: %python %S/wgmma-descriptors.py < %t | FileCheck %s --check-prefix=DESC --implicit-check-not=error

// BIN90: gpu.binary @fp8_kernels {{ *}}[#gpu.object<#nvvm.target<O = 3, chip = "sm_90a", features = "+ptx84">, properties = {{.*}}, bin = "\7FELF
// BIN89: gpu.binary @fp8_kernels {{ *}}[#gpu.object<#nvvm.target<O = 3, chip = "sm_89", features = "+ptx84">, properties = {{.*}}, bin = "\7FELF

// The fp8 kernel: the proxy fence after the staging stores, 4 wgmma per
// 64-byte K slice, then commit and wait.
// PTX: .target sm_90a
// PTX: .entry scaled_matmul(
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

// The matrix descriptors each wgmma receives, evaluated from the PTX
// (wgmma-descriptors.py): start address = the operand's shared buffer plus
// the core matrices' offset, LBO = 128 bytes (the next core matrix along K),
// SBO = 512 bytes (the next 8 rows: 8 x 64 bytes of K), no base offset, no
// swizzle. Per 64-byte K slice: A's second 64-row half at +4096 bytes, the
// second 32 bytes of K at +256 (ScaledMatmulToGPU.cpp's header comment).
// DESC: scaled_matmul: wgmma.mma_async.sync.aligned.m64n128k32.f32.e4m3.e4m3
// DESC-SAME: a: [[A:__wg_[a-z0-9_]*0]] + 0 lbo 128 sbo 512 base 0 swizzle 0,
// DESC-SAME: b: [[B:__wg_[a-z0-9_]*1]] + 0 lbo 128 sbo 512 base 0 swizzle 0
// DESC-NEXT: scaled_matmul: {{.*}} a: [[A]] + 4096 lbo 128 sbo 512 base 0 swizzle 0, b: [[B]] + 0 lbo 128 sbo 512 base 0 swizzle 0
// DESC-NEXT: scaled_matmul: {{.*}} a: [[A]] + 256 lbo 128 sbo 512 base 0 swizzle 0, b: [[B]] + 256 lbo 128 sbo 512 base 0 swizzle 0
// DESC-NEXT: scaled_matmul: {{.*}} a: [[A]] + 4352 lbo 128 sbo 512 base 0 swizzle 0, b: [[B]] + 256 lbo 128 sbo 512 base 0 swizzle 0
// The HiF8 kernel: f16 operands, the same layout (64 bytes of K per slice).
// DESC-NEXT: scaled_matmul_0: wgmma.mma_async.sync.aligned.m64n128k16.f32.f16.f16
// DESC-SAME: a: [[HA:__wg_[a-z0-9_]*0]] + 0 lbo 128 sbo 512 base 0 swizzle 0,
// DESC-SAME: b: [[HB:__wg_[a-z0-9_]*1]] + 0 lbo 128 sbo 512 base 0 swizzle 0
// DESC-NEXT: scaled_matmul_0: {{.*}} a: [[HA]] + 4096 lbo 128 sbo 512 base 0 swizzle 0, b: [[HB]] + 0 lbo 128 sbo 512 base 0 swizzle 0
// DESC-NEXT: scaled_matmul_0: {{.*}} a: [[HA]] + 256 lbo 128 sbo 512 base 0 swizzle 0, b: [[HB]] + 256 lbo 128 sbo 512 base 0 swizzle 0
// DESC-NEXT: scaled_matmul_0: {{.*}} a: [[HA]] + 4352 lbo 128 sbo 512 base 0 swizzle 0, b: [[HB]] + 256 lbo 128 sbo 512 base 0 swizzle 0
// DESC-NOT: wgmma

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
