// RUN: fp8-opt %s -convert-fp8-matmul-to-gpu=chip=sm_89 -split-input-file | FileCheck %s

// Per-tensor scales: one K loop, scales in the epilogue. The host side
// passes buffers and scalars to a 128-thread kernel on a grid of 128 x 128
// output tiles.
// CHECK-LABEL: func.func @per_tensor
// CHECK-SAME: (%[[A:.*]]: tensor<256x512xf8E4M3FN>, %[[B:.*]]: tensor<384x512xf8E5M2>, %[[SA:.*]]: f32, %[[SB:.*]]: f32)
// CHECK-DAG: %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only
// CHECK-DAG: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only
// CHECK-DAG: %[[D:.*]] = memref.alloc() : memref<256x384xbf16>
// CHECK-DAG: %[[C3:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C128:.*]] = arith.constant 128 : index
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul blocks in (%[[C3]], %[[C2]], %{{.*}}) threads in (%[[C128]], %{{.*}}, %{{.*}}) args(%[[AB]] : memref<256x512xf8E4M3FN>, %[[BB]] : memref<384x512xf8E5M2>, %[[SA]] : f32, %[[SB]] : f32, %[[D]] : memref<256x384xbf16>)
// CHECK: %[[T:.*]] = bufferization.to_tensor %[[D]] restrict
// CHECK: return %[[T]]

// CHECK: gpu.module @fp8_kernels
// CHECK: gpu.func @scaled_matmul(
// CHECK-SAME: workgroup(%[[SHA:.*]] : memref<128x80xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[SHB:.*]] : memref<128x80xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}) kernel
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// 4 x 8 fragments of 4 accumulators per thread.
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args({{.*}}) -> (f32, f32
// Staging: 16-byte loads of both operands ([N, K]: no transposition).
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<256x512xf8E4M3FN>, vector<16xf8E4M3FN>
// CHECK: vector.store %{{.*}}, %[[SHA]]{{.*}} {alignment = 16 : i64}
// CHECK: vector.load %{{.*}} {alignment = 16 : i64} : memref<384x512xf8E5M2>, vector<16xf8E5M2>
// CHECK: vector.store %{{.*}}, %[[SHB]]{{.*}} {alignment = 16 : i64}
// CHECK: gpu.barrier
// CHECK: vector.load %[[SHA]]{{.*}} {alignment = 4 : i64} : memref<128x80xi8, #gpu.address_space<workgroup>>, vector<4xi8>
// CHECK-COUNT-64: llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e5m2.f32"
// CHECK-NOT: llvm.call_intrinsic
// CHECK: gpu.barrier
// CHECK: scf.yield
// Epilogue: both scales, then bf16 stores guarded by the bounds.
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK: scf.if
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: memref.store
func.func @per_tensor(%a: tensor<256x512xf8E4M3FN>, %b: tensor<384x512xf8E5M2>, %sa: f32, %sb: f32) -> tensor<256x384xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<256x512xf8E4M3FN>[f32], tensor<384x512xf8E5M2>[f32] -> tensor<256x384xbf16>
  return %d : tensor<256x384xbf16>
}

// -----

// 1x128 / 128x128 block scales, batch 2, a [K, N] right operand, bias,
// output quantization and amax: per K-block partial sums scaled and added
// with fma (64 x 64 block tiles: warps of 64 x 32), B transposed into
// shared memory byte by byte, an atomic maximum on the amax bits.
// CHECK-LABEL: func.func @block_scaled
// CHECK: %[[AMAX:.*]] = memref.alloc() : memref<1xi32>
// CHECK: memref.store %{{.*}}, %[[AMAX]]
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul blocks in (%{{.*}}, %{{.*}}, %[[BATCH:.*]]) threads
// CHECK: %[[BITS:.*]] = memref.load %[[AMAX]]
// CHECK: %[[M:.*]] = arith.bitcast %[[BITS]] : i32 to f32
// CHECK: return %{{.*}}, %[[M]]
// CHECK: gpu.func @scaled_matmul
// CHECK-SAME: workgroup(%{{.*}} : memref<128x80xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[SHB:.*]] : memref<64x80xi8, #gpu.address_space<workgroup>>
// CHECK: gpu.block_id  z
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK-COUNT-16: memref.store %{{.*}}, %[[SHB]]
// CHECK-COUNT-32: llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e4m3.f32"
// CHECK-NOT: llvm.call_intrinsic
// CHECK: memref.load %{{.*}} : memref<2x200x2xf32>
// CHECK: memref.load %{{.*}} : memref<2x2x1xf32>
// CHECK: math.fma
// CHECK: scf.yield
// CHECK: memref.load %{{.*}} : memref<96xbf16>
// CHECK: arith.divf
// CHECK: fp8.convert %{{.*}} {saturation = #fp8.saturation<finite>} : f32 to f8E4M3FN
// CHECK: arith.maximumf
// CHECK: memref.atomic_rmw maxu
func.func @block_scaled(%a: tensor<2x200x256xf8E4M3FN>, %sa: tensor<2x200x2xf32>, %b: tensor<2x256x96xf8E4M3FN>, %sb: tensor<2x2x1xf32>, %bias: tensor<96xbf16>, %os: f32)
    -> (tensor<2x200x96xf8E4M3FN>, f32) {
  %d, %m = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<96xbf16>) out_scale(%os)
      {lhs_block = array<i64: 1, 1, 128>, rhs_block = array<i64: 1, 128, 128>, saturation = #fp8.saturation<finite>}
      : tensor<2x200x256xf8E4M3FN>[tensor<2x200x2xf32>], tensor<2x256x96xf8E4M3FN>[tensor<2x2x1xf32>] -> tensor<2x200x96xf8E4M3FN>, f32
  return %d, %m : tensor<2x200x96xf8E4M3FN>, f32
}

// -----

// MX: 32-element K-blocks with E8M0 scales, decoded in the kernel; 32-deep
// K slices.
// CHECK-LABEL: func.func @mx
// CHECK: gpu.func @scaled_matmul
// CHECK: scf.for
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C32:c32.*]] iter_args
// CHECK-COUNT-16: llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e4m3.f32"
// CHECK-NOT: llvm.call_intrinsic
// CHECK: memref.load %{{.*}} : memref<128x4xf8E8M0FNU>
// CHECK: fp8.convert %{{.*}} : f8E8M0FNU to f32
func.func @mx(%a: tensor<128x128xf8E4M3FN>, %sa: tensor<128x4xf8E8M0FNU>, %b: tensor<64x128xf8E4M3FN>, %sb: tensor<64x4xf8E8M0FNU>) -> tensor<128x64xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 1, 32>, rhs_transposed}
      : tensor<128x128xf8E4M3FN>[tensor<128x4xf8E8M0FNU>], tensor<64x128xf8E4M3FN>[tensor<64x4xf8E8M0FNU>] -> tensor<128x64xf32>
  return %d : tensor<128x64xf32>
}

// -----

// HiF8 x E5M2 with a [K, N] right operand: both decoded to f16 while staged
// (32-element K slices = 64 bytes, as for fp8), f16 pairs transposed into
// shared memory, mma.sync.m16n8k16 on vector<2xf16> fragments.
// CHECK-LABEL: func.func @hif8
// CHECK: gpu.func @scaled_matmul
// CHECK-SAME: workgroup(%[[SHA:.*]] : memref<128x80xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[SHB:.*]] : memref<128x80xi8
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %[[C32:c32.*]] iter_args
// CHECK: fp8.convert %{{.*}} : vector<16x!fp8.hif8> to vector<16xf16>
// CHECK: vector.bitcast %{{.*}} : vector<16xf16> to vector<32xi8>
// CHECK: vector.store %{{.*}}, %[[SHA]]{{.*}} : memref<128x80xi8, #gpu.address_space<workgroup>>, vector<16xi8>
// CHECK: fp8.convert %{{.*}} : vector<16xf8E5M2> to vector<16xf16>
// CHECK-COUNT-16: vector.store %{{.*}}, %[[SHB]]{{.*}} : memref<128x80xi8, #gpu.address_space<workgroup>>, vector<2xi8>
// CHECK: gpu.barrier
// CHECK: vector.bitcast %{{.*}} : vector<4xi8> to vector<2xf16>
// CHECK-COUNT-64: llvm.call_intrinsic "llvm.nvvm.mma.m16n8k16.row.col.f32.f32"(%{{.*}}) : (vector<2xf16>, vector<2xf16>, vector<2xf16>, vector<2xf16>, vector<2xf16>, vector<2xf16>, f32, f32, f32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-NOT: llvm.call_intrinsic
func.func @hif8(%a: tensor<256x256x!fp8.hif8>, %sa: f32, %b: tensor<256x128xf8E5M2>, %sb: f32) -> tensor<256x128xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<256x256x!fp8.hif8>[f32], tensor<256x128xf8E5M2>[f32] -> tensor<256x128xf32>
  return %d : tensor<256x128xf32>
}
