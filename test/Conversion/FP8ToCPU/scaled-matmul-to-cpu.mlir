// RUN: fp8-opt %s -split-input-file -convert-fp8-matmul-to-cpu=target=avx512 -canonicalize -cse \
// RUN: | FileCheck %s --check-prefixes=CHECK,AVX512
// RUN: fp8-opt %s -split-input-file -convert-fp8-matmul-to-cpu -canonicalize -cse \
// RUN: | FileCheck %s --check-prefixes=CHECK,GENERIC
// RUN: fp8-opt %s -split-input-file -convert-fp8-matmul-to-cpu=target=amx -canonicalize -cse \
// RUN: | FileCheck %s --check-prefixes=CHECK,AMX
// RUN: fp8-opt %s -split-input-file -convert-fp8-matmul-to-cpu=target=avx512-bf16 -canonicalize -cse \
// RUN: | FileCheck %s --check-prefixes=CHECK,BF16

// A 20x50x40 product: sums padded to whole register tiles, the rhs panel
// and the lhs block decoded and scaled once into packed buffers, an
// mr x nr register tile of FMAs, then the epilogue on the sliced sums.

// CHECK-LABEL: func.func @rows_times_tensor
// CHECK-DAG:     %[[A:.*]] = bufferization.to_buffer %arg0 read_only : tensor<20x40xf8E4M3FN>
// CHECK-DAG:     %[[B:.*]] = bufferization.to_buffer %arg2 read_only : tensor<40x50xf8E5M2>
// AVX512-DAG:    %[[SUMS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<24x64xf32>
// AVX512-DAG:    memref.alloc() {alignment = 64 : i64} : memref<3x8x48xf32>
// AVX512-DAG:    memref.alloc() {alignment = 64 : i64} : memref<2x48x32xf32>
// GENERIC-DAG:   %[[SUMS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<24x64xf32>
// GENERIC-DAG:   memref.alloc() {alignment = 64 : i64} : memref<4x6x40xf32>
// GENERIC-DAG:   memref.alloc() {alignment = 64 : i64} : memref<4x40x16xf32>
// AMX-DAG:       %[[SUMS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32x64xf32>
// AMX-DAG:       memref.alloc() {alignment = 64 : i64} : memref<1x32x64xbf16>
// AMX-DAG:       memref.alloc() {alignment = 64 : i64} : memref<2x32x64xbf16>
// AMX-DAG:       memref.alloc() {alignment = 64 : i64} : memref<2x32x32xf32>
// BF16-DAG:      %[[SUMS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<24x64xf32>
// BF16-DAG:      memref.alloc() {alignment = 64 : i64} : memref<3x8x64xbf16>
// BF16-DAG:      memref.alloc() {alignment = 64 : i64} : memref<2x32x64xbf16>
// BF16-DAG:      memref.alloc() {alignment = 64 : i64} : memref<2x8x32xf32>
//
// Packing: masked loads of codes, decoded as vectors (scaled unless AMX).
// CHECK:         vector.maskedload %[[B]]
// AVX512-SAME:     vector<16xf8E5M2>
// GENERIC-SAME:    vector<8xf8E5M2>
// CHECK:         fp8.convert
// AVX512:        arith.mulf
// GENERIC:       arith.mulf
// AMX:           arith.truncf {{.*}} : vector<16xf32> to vector<16xbf16>
// AMX:           vector.interleave
// BF16:          arith.truncf {{.*}} : vector<16xf32> to vector<16xbf16>
// BF16:          vector.interleave
// CHECK:         vector.maskedload %[[A]]
// CHECK:         fp8.convert
//
// The register tile.
// AVX512:        scf.for {{.*}} -> (vector<16xf32>, {{.*}}) {
// AVX512-COUNT-16: vector.fma {{.*}} : vector<16xf32>
// GENERIC:       scf.for {{.*}} -> (vector<8xf32>, {{.*}}) {
// GENERIC-COUNT-12: vector.fma {{.*}} : vector<8xf32>
// AMX:           amx.tile_zero : !amx.tile<16x16xf32>
// AMX:           scf.for {{.*}} -> (!amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>)
// AMX-COUNT-4:   amx.tile_load {{.*}} into !amx.tile<16x32xbf16>
// AMX-COUNT-4:   amx.tile_mulf
// AMX-COUNT-4:   amx.tile_store
// The scales of the K block, applied to the tile's product.
// AMX:           vector.fma
// BF16:          scf.for {{.*}} -> (vector<16xf32>, {{.*}}) {
// BF16-COUNT-16: x86vector.avx512.dot {{.*}} : vector<32xbf16> -> vector<16xf32>
// BF16:          vector.fma
//
// CHECK:         %[[T:.*]] = bufferization.to_tensor %[[SUMS]] restrict writable
// CHECK:         %[[D:.*]] = tensor.extract_slice %[[T]][0, 0] [20, 50] [1, 1]
// CHECK:         arith.truncf %[[D]] : tensor<20x50xf32> to tensor<20x50xbf16>
func.func @rows_times_tensor(%a: tensor<20x40xf8E4M3FN>, %sa: tensor<20x1xf32>,
                             %b: tensor<40x50xf8E5M2>, %sb: f32) -> tensor<20x50xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 40>}
      : tensor<20x40xf8E4M3FN>[tensor<20x1xf32>], tensor<40x50xf8E5M2>[f32] -> tensor<20x50xbf16>
  return %d : tensor<20x50xbf16>
}

// -----

// Transposed rhs ([N, K]): read along K, written down the packed column
// (in VNNI pairs for AMX).

// CHECK-LABEL: func.func @transposed
// AVX512:        vector.transfer_write {{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : vector<16xf32>, memref<1x64x32xf32>
// GENERIC:       vector.transfer_write {{.*}} {in_bounds = [true], permutation_map = #{{.*}}} : vector<8xf32>, memref<2x64x16xf32>
// AMX:           vector.shape_cast {{.*}} : vector<16xbf16> to vector<8x2xbf16>
// AMX:           vector.transfer_write {{.*}} : vector<8x2xbf16>, memref<1x32x64xbf16>
// BF16:          vector.shape_cast {{.*}} : vector<16xbf16> to vector<8x2xbf16>
// BF16:          vector.transfer_write {{.*}} : vector<8x2xbf16>, memref<1x32x64xbf16>
// CHECK-NOT:     fp8.scaled_matmul
func.func @transposed(%a: tensor<16x64xf8E4M3FN>, %b: tensor<32x64xf8E4M3FN>, %s: f32)
    -> tensor<16x32xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] {rhs_transposed}
      : tensor<16x64xf8E4M3FN>[f32], tensor<32x64xf8E4M3FN>[f32] -> tensor<16x32xf32>
  return %d : tensor<16x32xf32>
}

// -----

// MX32: E8M0 block scales along K. f32 kernels multiply while packing; the
// AMX kernel works in K blocks of 32, one scale per block.

// CHECK-LABEL: func.func @mx32
// CHECK-NOT:     fp8.scaled_matmul
// AVX512:        fp8.convert {{.*}} : f8E8M0FNU to f32
// AMX:           scf.for %{{.*}} = %c0 to %c128 step %c32
// AMX:           amx.tile_mulf
// BF16:          scf.for %{{.*}} = %c0 to %c128 step %c32
// BF16:          x86vector.avx512.dot
func.func @mx32(%a: tensor<32x128xf8E4M3FN>, %sa: tensor<32x4xf8E8M0FNU>,
                %b: tensor<128x32xf8E4M3FN>, %sb: tensor<4x32xf8E8M0FNU>) -> tensor<32x32xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
      : tensor<32x128xf8E4M3FN>[tensor<32x4xf8E8M0FNU>],
        tensor<128x32xf8E4M3FN>[tensor<4x32xf8E8M0FNU>] -> tensor<32x32xf32>
  return %d : tensor<32x32xf32>
}

// -----

// What the kernels do not take stays for convert-fp8-to-linalg's reference
// decomposition: dynamic shapes, 4-bit operands, and scale blocks along the
// contiguous dimension that a vector straddles (12 is not a multiple of 8 or
// 16).

// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-3: fp8.scaled_matmul
func.func @left_alone(%a: tensor<?x64xf8E4M3FN>, %b: tensor<64x32xf8E4M3FN>, %s: f32,
                      %a4: tensor<16x64xf4E2M1FN>, %b4: tensor<64x32xf4E2M1FN>,
                      %c: tensor<16x48xf8E4M3FN>, %sc: tensor<16x4xf32>,
                      %d: tensor<48x32xf8E4M3FN>)
    -> (tensor<?x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>) {
  %r0 = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<?x64xf8E4M3FN>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<?x32xf32>
  %r1 = fp8.scaled_matmul %a4[%s], %b4[%s]
      : tensor<16x64xf4E2M1FN>[f32], tensor<64x32xf4E2M1FN>[f32] -> tensor<16x32xf32>
  %r2 = fp8.scaled_matmul %c[%sc], %d[%s] {lhs_block = array<i64: 1, 12>}
      : tensor<16x48xf8E4M3FN>[tensor<16x4xf32>], tensor<48x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
  return %r0, %r1, %r2 : tensor<?x32xf32>, tensor<16x32xf32>, tensor<16x32xf32>
}

// -----

// Threads: in each K block (the sequential loop, so that every sum adds its
// K blocks in order), the rhs panels, the lhs rows and the register tiles
// are scf.parallel loops whose iterations write disjoint parts of the
// packed buffers and of the sums.

// CHECK-LABEL: func.func @parallel
// CHECK:         scf.for %[[PC:.*]] = %c0 to %c512 step %c256
// CHECK:           scf.parallel
// CHECK:             vector.maskedload %{{.*}} : memref<512x64xf8E4M3FN>
// CHECK:           scf.parallel
// CHECK:             vector.maskedload %{{.*}} : memref<64x512xf8E4M3FN>
// CHECK:           scf.parallel
// AVX512:            vector.fma
// GENERIC:           vector.fma
// AMX:               amx.tile_mulf
// BF16:              x86vector.avx512.dot
// CHECK-NOT:     scf.parallel
// CHECK:         bufferization.to_tensor
func.func @parallel(%a: tensor<64x512xf8E4M3FN>, %b: tensor<512x64xf8E4M3FN>, %s: f32)
    -> tensor<64x64xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<64x512xf8E4M3FN>[f32], tensor<512x64xf8E4M3FN>[f32] -> tensor<64x64xf32>
  return %d : tensor<64x64xf32>
}

// -----

// A constant rhs (with, for the f32 panels, a constant scale) is packed at
// compile time: the panels are one constant ([N / nc, K / kc] blocks of
// panels) and only the lhs is loaded and packed at run time. 1.5 * 0.5 is
// 0.75 (0x3F400000) in the f32 panels; bf16 panels hold 1.5 (0x3FC0), in
// VNNI pairs; zeros past N = 24.

// CHECK-LABEL: func.func @constant_rhs
// AVX512:        arith.constant dense<"0x0000403F0000403F{{[0-9A-F]*}}"> : tensor<1x1x1x64x32xf32>
// GENERIC:       arith.constant dense<"0x0000403F0000403F{{[0-9A-F]*}}"> : tensor<1x1x2x64x16xf32>
// AMX:           arith.constant dense<"0xC03FC03F{{[0-9A-F]*}}"> : tensor<1x1x1x32x64xbf16>
// BF16:          arith.constant dense<"0xC03FC03F{{[0-9A-F]*}}"> : tensor<1x1x1x32x64xbf16>
// CHECK:         vector.maskedload %{{.*}} : memref<16x64xf8E4M3FN>
// CHECK-NOT:     vector.maskedload
// CHECK:         bufferization.to_tensor
func.func @constant_rhs(%a: tensor<16x64xf8E4M3FN>, %s: f32) -> tensor<16x24xf32> {
  %b = arith.constant dense<1.5> : tensor<64x24xf8E4M3FN>
  %sb = arith.constant 0.5 : f32
  %d = fp8.scaled_matmul %a[%s], %b[%sb]
      : tensor<16x64xf8E4M3FN>[f32], tensor<64x24xf8E4M3FN>[f32] -> tensor<16x24xf32>
  return %d : tensor<16x24xf32>
}
