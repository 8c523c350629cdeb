// RUN: fp8-opt %s -convert-fp8-matmul-to-gpu=chip=sm_90a -split-input-file | FileCheck %s
// RUN: fp8-opt %s -convert-fp8-matmul-to-gpu=chip=sm_90 -split-input-file | FileCheck %s --check-prefix=SM90

// On sm_90a one warpgroup multiplies with wgmma.mma_async, both operands
// read from shared memory in 8-row x 16-byte core matrices through
// descriptors: start address >> 4, LBO = 128 bytes (0x8 << 16), SBO = 512
// bytes (0x20 << 32) = 8 rows x 64 bytes of K. Per 32 bytes of K, one
// m64n128k32 per 64-row half of the tile: A at +4096 bytes (256 units of
// 16 bytes) for the second half, both operands at +256 bytes (16 units)
// for the second 32 bytes of K.
// CHECK-LABEL: gpu.func @scaled_matmul
// CHECK-SAME: workgroup(%[[SHA:.*]] : memref<16x4x8x16xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[SHB:.*]] : memref<16x4x8x16xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}) kernel
// CHECK-SAME: known_block_size = array<i32: 128, 1, 1>
// CHECK: %[[PA:.*]] = memref.extract_aligned_pointer_as_index %[[SHA]]
// CHECK: %[[IA:.*]] = arith.index_castui %[[PA]] : index to i64
// CHECK: %[[MA:.*]] = arith.andi %[[IA]], %{{.*}} : i64
// CHECK: %[[SA:.*]] = arith.shrui %[[MA]], %{{.*}} : i64
// CHECK: %[[LAYOUT:.*]] = arith.constant 137439477760 : i64
// CHECK: %[[DA:.*]] = arith.ori %[[SA]], %[[LAYOUT]] : i64
// CHECK: memref.extract_aligned_pointer_as_index %[[SHB]]
// CHECK: %[[DB:.*]] = arith.ori %{{.*}}, %{{.*}} : i64
// CHECK: scf.for %{{.*}} iter_args({{.*}}) -> (f32, f32
// Staging: 16-byte stores at [row / 8, k / 16, row % 8, 0].
// CHECK: vector.store %{{.*}}, %[[SHA]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] {alignment = 16 : i64} : memref<16x4x8x16xi8, #gpu.address_space<workgroup>>, vector<16xi8>
// CHECK: vector.store %{{.*}}, %[[SHB]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] {alignment = 16 : i64}
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK-NEXT: nvvm.wgmma.fence.aligned
// CHECK: %[[C0:.*]] = arith.constant 0 : i64
// CHECK: %[[B0:.*]] = arith.addi %[[DB]], %[[C0]]
// CHECK: %[[A0:.*]] = arith.addi %[[DA]], %{{.*}}
// CHECK: %[[H0:.*]] = nvvm.wgmma.mma_async %[[A0]], %[[B0]], %{{.*}}, <m = 64, n = 128, k = 32>, D[<f32>, <one>], A[<e4m3>, <one>, <row>], B[<e5m2>, <one>, <col>] : !llvm.struct<(f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32, f32)>
// CHECK: %[[C256:.*]] = arith.constant 256 : i64
// CHECK: %[[A1:.*]] = arith.addi %[[DA]], %[[C256]]
// CHECK: %[[H1:.*]] = nvvm.wgmma.mma_async %[[A1]], %[[B0]], %{{.*}}, <m = 64, n = 128, k = 32>
// CHECK: %[[C16:.*]] = arith.constant 16 : i64
// CHECK: %[[B2:.*]] = arith.addi %[[DB]], %[[C16]]
// CHECK: %[[A2:.*]] = arith.addi %[[DA]], %{{.*}}
// CHECK: nvvm.wgmma.mma_async %[[A2]], %[[B2]], %[[H0]], <m = 64, n = 128, k = 32>
// CHECK: %[[C272:.*]] = arith.constant 272 : i64
// CHECK: %[[A3:.*]] = arith.addi %[[DA]], %[[C272]]
// CHECK: nvvm.wgmma.mma_async %[[A3]], %[[B2]], %[[H1]], <m = 64, n = 128, k = 32>
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK-NOT: llvm.call_intrinsic
// CHECK: gpu.barrier
// CHECK: scf.yield
// Epilogue: thread 32w + 4g + t holds rows 16w + g (+8) of each half.
// CHECK: arith.truncf %{{.*}} : f32 to bf16

// sm_90 (without the arch-specific features) keeps mma.sync.
// SM90-LABEL: gpu.func @scaled_matmul
// SM90-SAME: workgroup(%{{.*}} : memref<128x80xi8
// SM90-NOT: nvvm.wgmma
// SM90-COUNT-64: llvm.call_intrinsic "llvm.nvvm.mma.m16n8k32.row.col.f32.e4m3.e5m2.f32"
func.func @per_tensor(%a: tensor<256x512xf8E4M3FN>, %b: tensor<384x512xf8E5M2>, %sa: f32, %sb: f32) -> tensor<256x384xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<256x512xf8E4M3FN>[f32], tensor<384x512xf8E5M2>[f32] -> tensor<256x384xbf16>
  return %d : tensor<256x384xbf16>
}

// -----

// K-block scales: a 128 x 64 tile (m64n64k32), partial sums scaled per
// K-block; a [K, N] right operand transposed byte by byte into the core
// matrices.
// CHECK-LABEL: gpu.func @scaled_matmul
// CHECK-SAME: workgroup(%{{.*}} : memref<16x4x8x16xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[SHB:.*]] : memref<8x4x8x16xi8, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: scf.for
// CHECK-COUNT-16: memref.store %{{.*}}, %[[SHB]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : memref<8x4x8x16xi8, #gpu.address_space<workgroup>>
// CHECK: nvvm.fence.proxy
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 64, k = 32>, D[<f32>, <one>], A[<e5m2>, <one>, <row>], B[<e4m3>, <one>, <col>]
// CHECK-NOT: nvvm.wgmma.mma_async
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: memref.load %{{.*}} : memref<2x200x2xf32>
// CHECK: math.fma
func.func @block_kn(%a: tensor<2x200x256xf8E5M2>, %sa: tensor<2x200x2xf32>, %b: tensor<2x256x96xf8E4M3FN>, %sb: tensor<2x2x1xf32>) -> tensor<2x200x96xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      {lhs_block = array<i64: 1, 1, 128>, rhs_block = array<i64: 1, 128, 128>}
      : tensor<2x200x256xf8E5M2>[tensor<2x200x2xf32>], tensor<2x256x96xf8E4M3FN>[tensor<2x2x1xf32>] -> tensor<2x200x96xf32>
  return %d : tensor<2x200x96xf32>
}

// -----

// HiF8: both operands decoded to f16 while staged (32-element K slices, 64
// bytes), each 16-element chunk stored as two 16-byte pieces (the next 16
// bytes of a row lie in the next core matrix); m64n128k16 on f16.
// CHECK-LABEL: gpu.func @scaled_matmul
// CHECK-SAME: workgroup(%[[SHA:.*]] : memref<16x4x8x16xi8, #gpu.address_space<workgroup>> {llvm.align = 16 : i64}, %[[SHB:.*]] : memref<16x4x8x16xi8
// CHECK: fp8.convert %{{.*}} : vector<16x!fp8.hif8> to vector<16xf16>
// CHECK: vector.bitcast %{{.*}} : vector<16xf16> to vector<32xi8>
// CHECK: vector.shuffle %{{.*}} [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15] : vector<32xi8>, vector<32xi8>
// CHECK: vector.store %{{.*}}, %[[SHA]]
// CHECK: vector.shuffle %{{.*}} [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31] : vector<32xi8>, vector<32xi8>
// CHECK: vector.store %{{.*}}, %[[SHA]]
// CHECK: fp8.convert %{{.*}} : vector<16xf8E4M3FN> to vector<16xf16>
// CHECK: vector.store %{{.*}}, %[[SHB]]
// CHECK: nvvm.fence.proxy
// CHECK-COUNT-4: nvvm.wgmma.mma_async {{.*}} <m = 64, n = 128, k = 16>, D[<f32>, <one>], A[<f16>, <one>, <row>], B[<f16>, <one>, <col>]
// CHECK-NOT: nvvm.wgmma.mma_async
func.func @hif8(%a: tensor<256x256x!fp8.hif8>, %sa: f32, %b: tensor<128x256xf8E4M3FN>, %sb: f32) -> tensor<256x128xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<256x256x!fp8.hif8>[f32], tensor<128x256xf8E4M3FN>[f32] -> tensor<256x128xf32>
  return %d : tensor<256x128xf32>
}
