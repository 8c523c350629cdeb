// Tiling fp8.scaled_matmul with the upstream drivers (TilingInterface and
// PartialReductionOpInterface) changes no bit of its results: the payload runs
// through fp8-cpu-pipeline untiled and after the transform schedule below
// (tile_using_for, tile_using_forall, tile_reduction_using_for and
// tile-and-fuse), and every result, printed as raw bits, must be identical.
//
// Along batch, M and N each result element is computed as before, so the
// cases there use normally distributed data with amax-derived scales. K
// tiling reassociates the f32 sums, and tiles with a remainder have dynamic
// shapes (which the CPU lowering takes through the reference decomposition,
// whose order of additions differs from the kernels'), so those cases use
// small integers and power-of-two scales, whose sums are exact in any order:
// there a wrong slice, not a rounding, is what would change a bit.
//
// RUN: split-file %s %t
// RUN: fp8-opt %t/payload.mlir -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime \
// RUN:     > %t.reference
// RUN: fp8-opt %t/payload.mlir \
// RUN:     -transform-preload-library=transform-library-paths=%t/schedule.mlir \
// RUN:     -transform-interpreter -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime \
// RUN:     > %t.tiled
// RUN: sed -e 's/base@ = 0x[0-9a-f]*//' %t.reference > %t.reference.data
// RUN: sed -e 's/base@ = 0x[0-9a-f]*//' %t.tiled > %t.tiled.data
// RUN: diff %t.reference.data %t.tiled.data
// RUN: FileCheck %s < %t.tiled
// RUN: fp8-opt %t/payload.mlir \
// RUN:     -transform-preload-library=transform-library-paths=%t/schedule.mlir \
// RUN:     -transform-interpreter \
// RUN: | FileCheck %s --check-prefix=TILED

// One result per case, in order; the exact cases print known values.
// CHECK: sizes = [40, 48]
// CHECK: sizes = [2, 32, 48]
// CHECK: sizes = [32, 64]
// CHECK: sizes = [36, 40]
// CHECK: sizes = [24, 32]
// CHECK: sizes = [32, 48]

// The schedule applied: every scaled_matmul is in a loop.
// TILED-LABEL: func @rows
// TILED: scf.for
// TILED: scf.for
// TILED: fp8.scaled_matmul {{.*}} -> tensor<8x16xf32>
// TILED-LABEL: func @blocks
// TILED: scf.forall
// TILED: fp8.scaled_matmul {{.*}} -> tensor<1x16x16xbf16>
// TILED-LABEL: func @narrow
// TILED: scf.for
// TILED: scf.for
// TILED: fp8.scaled_matmul {{.*}} -> tensor<16x8xf8E4M3FN>
// TILED-LABEL: func @remainder
// TILED: scf.for
// TILED: scf.for
// TILED: fp8.scaled_matmul {{.*}} -> tensor<?x?xf32>
// TILED-LABEL: func @k_reduction
// TILED: linalg.fill
// TILED: scf.for
// TILED: fp8.scaled_matmul {{.*}} : tensor<24x64xf8E4M3FN>[tensor<24x2xf32>], tensor<64x32xf8E5M2>[tensor<2x1xf32>] -> tensor<24x32xf32>
// TILED: linalg.generic {{.*}} ins(%{{.*}} : tensor<24x32xf32>) outs(%{{.*}} : tensor<24x32xf32>)
// TILED: scf.yield
// TILED: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<24x32xf32>, tensor<32xbf16>) outs(%{{.*}} : tensor<24x32xbf16>)
// TILED-LABEL: func @fused
// TILED: scf.for
// TILED: scf.for
// TILED: linalg.generic
// TILED: fp8.scaled_matmul {{.*}} -> tensor<8x16xf32>
// TILED: linalg.generic
// TILED: scf.yield

//--- schedule.mlir
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %rows = transform.structured.match ops{["func.func"]} attributes{sym_name = "rows"} in %root : (!transform.any_op) -> !transform.any_op
    %mm0 = transform.structured.match ops{["fp8.scaled_matmul"]} in %rows : (!transform.any_op) -> !transform.any_op
    %t0, %l0:2 = transform.structured.tile_using_for %mm0 tile_sizes [8, 16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)

    %blocks = transform.structured.match ops{["func.func"]} attributes{sym_name = "blocks"} in %root : (!transform.any_op) -> !transform.any_op
    %mm1 = transform.structured.match ops{["fp8.scaled_matmul"]} in %blocks : (!transform.any_op) -> !transform.any_op
    %t1, %l1 = transform.structured.tile_using_forall %mm1 tile_sizes [1, 16, 16] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)

    %narrow = transform.structured.match ops{["func.func"]} attributes{sym_name = "narrow"} in %root : (!transform.any_op) -> !transform.any_op
    %mm2 = transform.structured.match ops{["fp8.scaled_matmul"]} in %narrow : (!transform.any_op) -> !transform.any_op
    %t2, %l2:2 = transform.structured.tile_using_for %mm2 tile_sizes [16, 8, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)

    %remainder = transform.structured.match ops{["func.func"]} attributes{sym_name = "remainder"} in %root : (!transform.any_op) -> !transform.any_op
    %mm3 = transform.structured.match ops{["fp8.scaled_matmul"]} in %remainder : (!transform.any_op) -> !transform.any_op
    %t3, %l3:2 = transform.structured.tile_using_for %mm3 tile_sizes [16, 24, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)

    %kred = transform.structured.match ops{["func.func"]} attributes{sym_name = "k_reduction"} in %root : (!transform.any_op) -> !transform.any_op
    %mm4 = transform.structured.match ops{["fp8.scaled_matmul"]} in %kred : (!transform.any_op) -> !transform.any_op
    %f4, %s4, %c4, %l4 = transform.structured.tile_reduction_using_for %mm4 by tile_sizes = [0, 0, 64] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)

    %fused = transform.structured.match ops{["func.func"]} attributes{sym_name = "fused"} in %root : (!transform.any_op) -> !transform.any_op
    %relu = transform.structured.match ops{["linalg.generic"]} attributes{relu} in %fused : (!transform.any_op) -> !transform.any_op
    %t5, %l5:2 = transform.structured.fuse %relu tile_sizes [8, 16] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

//--- payload.mlir
#id = affine_map<(d0, d1) -> (d0, d1)>

func.func private @fp8rt_fill_normal_3d_f32(memref<?x?x?xf32>, f32, i32) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(memref<*xi32>) attributes {llvm.emit_c_interface}

// Row x column scales, an f32 bias, an f32 result; tiles 8 x 16.
func.func @rows(%x3: tensor<1x40x64xf32>, %w3: tensor<1x64x48xf32>, %b3: tensor<1x1x48xf32>) -> tensor<40x48xi32> {
  %x = tensor.collapse_shape %x3 [[0, 1], [2]] : tensor<1x40x64xf32> into tensor<40x64xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x64x48xf32> into tensor<64x48xf32>
  %bias = tensor.collapse_shape %b3 [[0, 1, 2]] : tensor<1x1x48xf32> into tensor<48xf32>
  %ax = fp8.amax %x {block = array<i64: 1, 64>} : tensor<40x64xf32> -> tensor<40x1xf32>
  %sx = fp8.compute_scale %ax {format = f8E4M3FN} : tensor<40x1xf32> -> tensor<40x1xf32>
  %qx = fp8.quantize %x, %sx {block = array<i64: 1, 64>} : tensor<40x64xf32>, tensor<40x1xf32> to tensor<40x64xf8E4M3FN>
  %aw = fp8.amax %w {block = array<i64: 64, 1>} : tensor<64x48xf32> -> tensor<1x48xf32>
  %sw = fp8.compute_scale %aw {format = f8E5M2} : tensor<1x48xf32> -> tensor<1x48xf32>
  %qw = fp8.quantize %w, %sw {block = array<i64: 64, 1>} : tensor<64x48xf32>, tensor<1x48xf32> to tensor<64x48xf8E5M2>
  %d = fp8.scaled_matmul %qx[%sx], %qw[%sw] bias(%bias : tensor<48xf32>)
      {lhs_block = array<i64: 1, 64>, rhs_block = array<i64: 64, 1>}
      : tensor<40x64xf8E4M3FN>[tensor<40x1xf32>], tensor<64x48xf8E5M2>[tensor<1x48xf32>] -> tensor<40x48xf32>
  %bits = arith.bitcast %d : tensor<40x48xf32> to tensor<40x48xi32>
  return %bits : tensor<40x48xi32>
}

// Batch, 1x32 and 16x32 blocks, rhs stored [N, K], a bf16 result; forall
// tiles 1 x 16 x 16.
func.func @blocks(%x: tensor<2x32x64xf32>, %w: tensor<2x48x64xf32>) -> tensor<2x32x48xi32> {
  %ax = fp8.amax %x {block = array<i64: 1, 1, 32>} : tensor<2x32x64xf32> -> tensor<2x32x2xf32>
  %sx = fp8.compute_scale %ax {format = f8E4M3FN} : tensor<2x32x2xf32> -> tensor<2x32x2xf32>
  %qx = fp8.quantize %x, %sx {block = array<i64: 1, 1, 32>} : tensor<2x32x64xf32>, tensor<2x32x2xf32> to tensor<2x32x64xf8E4M3FN>
  %aw = fp8.amax %w {block = array<i64: 1, 16, 32>} : tensor<2x48x64xf32> -> tensor<2x3x2xf32>
  %sw = fp8.compute_scale %aw {format = f8E4M3FN} : tensor<2x3x2xf32> -> tensor<2x3x2xf32>
  %qw = fp8.quantize %w, %sw {block = array<i64: 1, 16, 32>} : tensor<2x48x64xf32>, tensor<2x3x2xf32> to tensor<2x48x64xf8E4M3FN>
  %d = fp8.scaled_matmul %qx[%sx], %qw[%sw]
      {lhs_block = array<i64: 1, 1, 32>, rhs_block = array<i64: 1, 16, 32>, rhs_transposed}
      : tensor<2x32x64xf8E4M3FN>[tensor<2x32x2xf32>], tensor<2x48x64xf8E4M3FN>[tensor<2x3x2xf32>] -> tensor<2x32x48xbf16>
  %bits = arith.bitcast %d : tensor<2x32x48xbf16> to tensor<2x32x48xi16>
  %wide = arith.extui %bits : tensor<2x32x48xi16> to tensor<2x32x48xi32>
  return %wide : tensor<2x32x48xi32>
}

// 1x16 and 32x32 blocks, an E4M3 result quantized with saturation; tiles of
// 8 columns lie inside the 32-column weight blocks.
func.func @narrow(%x3: tensor<1x32x64xf32>, %w3: tensor<1x64x64xf32>) -> tensor<32x64xi32> {
  %so = arith.constant 0.5 : f32
  %x = tensor.collapse_shape %x3 [[0, 1], [2]] : tensor<1x32x64xf32> into tensor<32x64xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x64x64xf32> into tensor<64x64xf32>
  %ax = fp8.amax %x {block = array<i64: 1, 16>} : tensor<32x64xf32> -> tensor<32x4xf32>
  %sx = fp8.compute_scale %ax {format = f8E4M3FN} : tensor<32x4xf32> -> tensor<32x4xf32>
  %qx = fp8.quantize %x, %sx {block = array<i64: 1, 16>} : tensor<32x64xf32>, tensor<32x4xf32> to tensor<32x64xf8E4M3FN>
  %aw = fp8.amax %w {block = array<i64: 32, 32>} : tensor<64x64xf32> -> tensor<2x2xf32>
  %sw = fp8.compute_scale %aw {format = f8E4M3FN} : tensor<2x2xf32> -> tensor<2x2xf32>
  %qw = fp8.quantize %w, %sw {block = array<i64: 32, 32>} : tensor<64x64xf32>, tensor<2x2xf32> to tensor<64x64xf8E4M3FN>
  %d = fp8.scaled_matmul %qx[%sx], %qw[%sw] out_scale(%so)
      {lhs_block = array<i64: 1, 16>, rhs_block = array<i64: 32, 32>, saturation = #fp8.saturation<finite>}
      : tensor<32x64xf8E4M3FN>[tensor<32x4xf32>], tensor<64x64xf8E4M3FN>[tensor<2x2xf32>] -> tensor<32x64xf8E4M3FN>
  %i8 = fp8.bitcast %d : tensor<32x64xf8E4M3FN> to tensor<32x64xi8>
  %wide = arith.extui %i8 : tensor<32x64xi8> to tensor<32x64xi32>
  return %wide : tensor<32x64xi32>
}

// Integers in [-4, 4] (exact in E4M3) and power-of-two scales that depend on
// the position, so that a slice at a wrong offset changes the result.
func.func @integers(%rows: index, %cols: index, %seed: index) -> tensor<?x?xf32> {
  %e = tensor.empty(%rows, %cols) : tensor<?x?xf32>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c7 = arith.constant 7 : index
    %c9 = arith.constant 9 : index
    %c4 = arith.constant 4 : index
    %a = arith.muli %i, %c7 : index
    %b = arith.muli %j, %seed : index
    %s = arith.addi %a, %b : index
    %m = arith.remui %s, %c9 : index
    %v = arith.subi %m, %c4 : index
    %vi = arith.index_cast %v : index to i32
    %vf = arith.sitofp %vi : i32 to f32
    linalg.yield %vf : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

func.func @pow2(%rows: index, %cols: index) -> tensor<?x?xf32> {
  %e = tensor.empty(%rows, %cols) : tensor<?x?xf32>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c5 = arith.constant 5 : index
    %s = arith.addi %i, %j : index
    %s2 = arith.addi %s, %j : index
    %m = arith.remui %s2, %c5 : index
    %mi = arith.index_cast %m : index to i32
    %mf = arith.sitofp %mi : i32 to f32
    %c2 = arith.constant 2.0 : f32
    %h = arith.constant 0.125 : f32
    %p = math.powf %c2, %mf : f32
    %v = arith.mulf %p, %h : f32
    linalg.yield %v : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// Exact data; tiles 16 x 24 leave remainders (4 rows, 16 columns) of dynamic
// shape.
func.func @remainder() -> tensor<36x40xi32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c5 = arith.constant 5 : index
  %c36 = arith.constant 36 : index
  %c40 = arith.constant 40 : index
  %c64 = arith.constant 64 : index
  %xd = call @integers(%c36, %c64, %c3) : (index, index, index) -> tensor<?x?xf32>
  %wd = call @integers(%c64, %c40, %c5) : (index, index, index) -> tensor<?x?xf32>
  %sxd = call @pow2(%c36, %c2) : (index, index) -> tensor<?x?xf32>
  %swd = call @pow2(%c2, %c5) : (index, index) -> tensor<?x?xf32>
  %x = tensor.cast %xd : tensor<?x?xf32> to tensor<36x64xf32>
  %w = tensor.cast %wd : tensor<?x?xf32> to tensor<64x40xf32>
  %sx = tensor.cast %sxd : tensor<?x?xf32> to tensor<36x2xf32>
  %sw = tensor.cast %swd : tensor<?x?xf32> to tensor<2x5xf32>
  %one = arith.constant 1.0 : f32
  %qx = fp8.quantize %x, %one : tensor<36x64xf32>, f32 to tensor<36x64xf8E4M3FN>
  %qw = fp8.quantize %w, %one : tensor<64x40xf32>, f32 to tensor<64x40xf8E4M3FN>
  %d = fp8.scaled_matmul %qx[%sx], %qw[%sw]
      {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 8>}
      : tensor<36x64xf8E4M3FN>[tensor<36x2xf32>], tensor<64x40xf8E4M3FN>[tensor<2x5xf32>] -> tensor<36x40xf32>
  %bits = arith.bitcast %d : tensor<36x40xf32> to tensor<36x40xi32>
  return %bits : tensor<36x40xi32>
}

// Exact data; K tiled by partial reduction (two tiles of 64) with a bf16
// bias and a bf16 result.
func.func @k_reduction() -> tensor<24x32xi32> {
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c24 = arith.constant 24 : index
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %xd = call @integers(%c24, %c128, %c5) : (index, index, index) -> tensor<?x?xf32>
  %wd = call @integers(%c128, %c32, %c4) : (index, index, index) -> tensor<?x?xf32>
  %sxd = call @pow2(%c24, %c4) : (index, index) -> tensor<?x?xf32>
  %swd = call @pow2(%c4, %c1) : (index, index) -> tensor<?x?xf32>
  %bd = call @integers(%c1, %c32, %c5) : (index, index, index) -> tensor<?x?xf32>
  %x = tensor.cast %xd : tensor<?x?xf32> to tensor<24x128xf32>
  %w = tensor.cast %wd : tensor<?x?xf32> to tensor<128x32xf32>
  %sx = tensor.cast %sxd : tensor<?x?xf32> to tensor<24x4xf32>
  %sw = tensor.cast %swd : tensor<?x?xf32> to tensor<4x1xf32>
  %b2 = tensor.cast %bd : tensor<?x?xf32> to tensor<1x32xf32>
  %bf = tensor.collapse_shape %b2 [[0, 1]] : tensor<1x32xf32> into tensor<32xf32>
  %bias = arith.truncf %bf : tensor<32xf32> to tensor<32xbf16>
  %one = arith.constant 1.0 : f32
  %qx = fp8.quantize %x, %one : tensor<24x128xf32>, f32 to tensor<24x128xf8E4M3FN>
  %qw = fp8.quantize %w, %one : tensor<128x32xf32>, f32 to tensor<128x32xf8E5M2>
  %d = fp8.scaled_matmul %qx[%sx], %qw[%sw] bias(%bias : tensor<32xbf16>)
      {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 32>}
      : tensor<24x128xf8E4M3FN>[tensor<24x4xf32>], tensor<128x32xf8E5M2>[tensor<4x1xf32>] -> tensor<24x32xbf16>
  %bits = arith.bitcast %d : tensor<24x32xbf16> to tensor<24x32xi16>
  %wide = arith.extui %bits : tensor<24x32xi16> to tensor<24x32xi32>
  return %wide : tensor<24x32xi32>
}

// Tile-and-fuse: the relu consumer is tiled 8 x 16 and the scaled_matmul,
// then the linalg.generic that quantizes its lhs, are fused into the loops.
func.func @fused(%x3: tensor<1x32x64xf32>, %w3: tensor<1x64x48xf32>) -> tensor<32x48xi32> {
  %s = arith.constant 0.0625 : f32
  %zero = arith.constant 0.0 : f32
  %x = tensor.collapse_shape %x3 [[0, 1], [2]] : tensor<1x32x64xf32> into tensor<32x64xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x64x48xf32> into tensor<64x48xf32>
  %aw = fp8.amax %w {block = array<i64: 64, 16>} : tensor<64x48xf32> -> tensor<1x3xf32>
  %sw = fp8.compute_scale %aw {format = f8E4M3FN} : tensor<1x3xf32> -> tensor<1x3xf32>
  %qw = fp8.quantize %w, %sw {block = array<i64: 64, 16>} : tensor<64x48xf32>, tensor<1x3xf32> to tensor<64x48xf8E4M3FN>
  %eq = tensor.empty() : tensor<32x64xf8E4M3FN>
  %qx = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<32x64xf32>) outs(%eq : tensor<32x64xf8E4M3FN>) {
  ^bb0(%in: f32, %out: f8E4M3FN):
    %q = fp8.quantize %in, %s : f32, f32 to f8E4M3FN
    linalg.yield %q : f8E4M3FN
  } -> tensor<32x64xf8E4M3FN>
  %d = fp8.scaled_matmul %qx[%s], %qw[%sw] {rhs_block = array<i64: 64, 16>}
      : tensor<32x64xf8E4M3FN>[f32], tensor<64x48xf8E4M3FN>[tensor<1x3xf32>] -> tensor<32x48xf32>
  %er = tensor.empty() : tensor<32x48xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<32x48xf32>) outs(%er : tensor<32x48xf32>) attrs = {relu} {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<32x48xf32>
  %bits = arith.bitcast %r : tensor<32x48xf32> to tensor<32x48xi32>
  return %bits : tensor<32x48xi32>
}

func.func @fill(%m: memref<?x?x?xf32>, %seed: i32) {
  %sigma = arith.constant 1.0 : f32
  call @fp8rt_fill_normal_3d_f32(%m, %sigma, %seed) : (memref<?x?x?xf32>, f32, i32) -> ()
  return
}

func.func @main() {
  %s1 = arith.constant 1 : i32
  %s2 = arith.constant 2 : i32
  %s3 = arith.constant 3 : i32

  %x0m = memref.alloc() : memref<1x40x64xf32>
  %w0m = memref.alloc() : memref<1x64x48xf32>
  %b0m = memref.alloc() : memref<1x1x48xf32>
  %x0d = memref.cast %x0m : memref<1x40x64xf32> to memref<?x?x?xf32>
  %w0d = memref.cast %w0m : memref<1x64x48xf32> to memref<?x?x?xf32>
  %b0d = memref.cast %b0m : memref<1x1x48xf32> to memref<?x?x?xf32>
  call @fill(%x0d, %s1) : (memref<?x?x?xf32>, i32) -> ()
  call @fill(%w0d, %s2) : (memref<?x?x?xf32>, i32) -> ()
  call @fill(%b0d, %s3) : (memref<?x?x?xf32>, i32) -> ()
  %x0 = bufferization.to_tensor %x0m restrict : memref<1x40x64xf32> to tensor<1x40x64xf32>
  %w0 = bufferization.to_tensor %w0m restrict : memref<1x64x48xf32> to tensor<1x64x48xf32>
  %b0 = bufferization.to_tensor %b0m restrict : memref<1x1x48xf32> to tensor<1x1x48xf32>
  %r0 = call @rows(%x0, %w0, %b0) : (tensor<1x40x64xf32>, tensor<1x64x48xf32>, tensor<1x1x48xf32>) -> tensor<40x48xi32>
  %r0m = bufferization.to_buffer %r0 : tensor<40x48xi32> to memref<40x48xi32>
  %r0u = memref.cast %r0m : memref<40x48xi32> to memref<*xi32>
  call @printMemrefI32(%r0u) : (memref<*xi32>) -> ()

  %x1m = memref.alloc() : memref<2x32x64xf32>
  %w1m = memref.alloc() : memref<2x48x64xf32>
  %x1d = memref.cast %x1m : memref<2x32x64xf32> to memref<?x?x?xf32>
  %w1d = memref.cast %w1m : memref<2x48x64xf32> to memref<?x?x?xf32>
  call @fill(%x1d, %s2) : (memref<?x?x?xf32>, i32) -> ()
  call @fill(%w1d, %s3) : (memref<?x?x?xf32>, i32) -> ()
  %x1 = bufferization.to_tensor %x1m restrict : memref<2x32x64xf32> to tensor<2x32x64xf32>
  %w1 = bufferization.to_tensor %w1m restrict : memref<2x48x64xf32> to tensor<2x48x64xf32>
  %r1 = call @blocks(%x1, %w1) : (tensor<2x32x64xf32>, tensor<2x48x64xf32>) -> tensor<2x32x48xi32>
  %r1m = bufferization.to_buffer %r1 : tensor<2x32x48xi32> to memref<2x32x48xi32>
  %r1u = memref.cast %r1m : memref<2x32x48xi32> to memref<*xi32>
  call @printMemrefI32(%r1u) : (memref<*xi32>) -> ()

  %x2m = memref.alloc() : memref<1x32x64xf32>
  %w2m = memref.alloc() : memref<1x64x64xf32>
  %x2d = memref.cast %x2m : memref<1x32x64xf32> to memref<?x?x?xf32>
  %w2d = memref.cast %w2m : memref<1x64x64xf32> to memref<?x?x?xf32>
  call @fill(%x2d, %s3) : (memref<?x?x?xf32>, i32) -> ()
  call @fill(%w2d, %s1) : (memref<?x?x?xf32>, i32) -> ()
  %x2 = bufferization.to_tensor %x2m restrict : memref<1x32x64xf32> to tensor<1x32x64xf32>
  %w2 = bufferization.to_tensor %w2m restrict : memref<1x64x64xf32> to tensor<1x64x64xf32>
  %r2 = call @narrow(%x2, %w2) : (tensor<1x32x64xf32>, tensor<1x64x64xf32>) -> tensor<32x64xi32>
  %r2m = bufferization.to_buffer %r2 : tensor<32x64xi32> to memref<32x64xi32>
  %r2u = memref.cast %r2m : memref<32x64xi32> to memref<*xi32>
  call @printMemrefI32(%r2u) : (memref<*xi32>) -> ()

  %r3 = call @remainder() : () -> tensor<36x40xi32>
  %r3m = bufferization.to_buffer %r3 : tensor<36x40xi32> to memref<36x40xi32>
  %r3u = memref.cast %r3m : memref<36x40xi32> to memref<*xi32>
  call @printMemrefI32(%r3u) : (memref<*xi32>) -> ()

  %r4 = call @k_reduction() : () -> tensor<24x32xi32>
  %r4m = bufferization.to_buffer %r4 : tensor<24x32xi32> to memref<24x32xi32>
  %r4u = memref.cast %r4m : memref<24x32xi32> to memref<*xi32>
  call @printMemrefI32(%r4u) : (memref<*xi32>) -> ()

  %x5m = memref.alloc() : memref<1x32x64xf32>
  %w5m = memref.alloc() : memref<1x64x48xf32>
  %x5d = memref.cast %x5m : memref<1x32x64xf32> to memref<?x?x?xf32>
  %w5d = memref.cast %w5m : memref<1x64x48xf32> to memref<?x?x?xf32>
  call @fill(%x5d, %s1) : (memref<?x?x?xf32>, i32) -> ()
  call @fill(%w5d, %s3) : (memref<?x?x?xf32>, i32) -> ()
  %x5 = bufferization.to_tensor %x5m restrict : memref<1x32x64xf32> to tensor<1x32x64xf32>
  %w5 = bufferization.to_tensor %w5m restrict : memref<1x64x48xf32> to tensor<1x64x48xf32>
  %r5 = call @fused(%x5, %w5) : (tensor<1x32x64xf32>, tensor<1x64x48xf32>) -> tensor<32x48xi32>
  %r5m = bufferization.to_buffer %r5 : tensor<32x48xi32> to memref<32x48xi32>
  %r5u = memref.cast %r5m : memref<32x48xi32> to memref<*xi32>
  call @printMemrefI32(%r5u) : (memref<*xi32>) -> ()
  return
}
