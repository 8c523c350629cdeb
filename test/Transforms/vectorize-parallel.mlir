// The `parallel` option of the vectorization passes: the outermost tile loop
// over a parallel dimension becomes an scf.forall, outside the other tile
// loops (reduction loops stay whole inside it), in ops of at least 32768
// iterations that are not in a parallel loop already.
//
// RUN: fp8-opt %s -split-input-file \
// RUN:   -fp8-vectorize-contractions=parallel=true \
// RUN:   -fp8-vectorize-elementwise=parallel=true \
// RUN:   -fp8-vectorize-reductions=parallel=true \
// RUN: | FileCheck %s
// RUN: fp8-opt %s -split-input-file -fp8-vectorize-contractions \
// RUN:   -fp8-vectorize-elementwise -fp8-vectorize-reductions \
// RUN: | FileCheck %s --check-prefix=SERIAL

// Without the option, the only scf.forall is @nested's own.
// SERIAL-COUNT-1: scf.forall (
// SERIAL-NOT: scf.forall (

// Rows over threads, 16-lane vectors along each row.
// CHECK-LABEL: func @elementwise
// CHECK: scf.forall (%[[I:.*]]) in (256) shared_outs(%[[OUT:.*]] = %{{.*}}) -> (tensor<256x1000xf32>)
// CHECK:   tensor.extract_slice %{{.*}}[%[[I]], 0] [1, 1000] [1, 1]
// CHECK:   scf.for {{.*}} step %c16
// CHECK:     arith.addf {{.*}} : vector<1x16xf32>
// CHECK:   scf.forall.in_parallel
// CHECK:     tensor.parallel_insert_slice {{.*}} into %[[OUT]][%[[I]], 0] [1, 1000] [1, 1]
func.func @elementwise(%x: tensor<256x1000xf32>, %y: tensor<256x1000xf32>) -> tensor<256x1000xf32> {
  %e = tensor.empty() : tensor<256x1000xf32>
  %r = linalg.add ins(%x, %y : tensor<256x1000xf32>, tensor<256x1000xf32>) outs(%e : tensor<256x1000xf32>) -> tensor<256x1000xf32>
  return %r : tensor<256x1000xf32>
}

// -----

// A 1-D op: its vectors over threads.
// CHECK-LABEL: func @flat
// CHECK: scf.forall (%{{.*}}) = (0) to (65536) step (16)
// CHECK:   arith.mulf {{.*}} : vector<16xf32>
// CHECK-NOT: scf.for %
func.func @flat(%x: tensor<65536xf32>) -> tensor<65536xf32> {
  %e = tensor.empty() : tensor<65536xf32>
  %r = linalg.mul ins(%x, %x : tensor<65536xf32>, tensor<65536xf32>) outs(%e : tensor<65536xf32>) -> tensor<65536xf32>
  return %r : tensor<65536xf32>
}

// -----

// Too small to be worth a parallel region (16384 iterations).
// CHECK-LABEL: func @small
// CHECK-NOT: scf.forall
// CHECK: scf.for
func.func @small(%x: tensor<16x1024xf32>) -> tensor<16x1024xf32> {
  %e = tensor.empty() : tensor<16x1024xf32>
  %r = linalg.mul ins(%x, %x : tensor<16x1024xf32>, tensor<16x1024xf32>) outs(%e : tensor<16x1024xf32>) -> tensor<16x1024xf32>
  return %r : tensor<16x1024xf32>
}

// -----

// Row sums: rows over threads, each row reduced whole by one thread.
// CHECK-LABEL: func @row_sum
// CHECK: scf.forall (%{{.*}}) in (256)
// CHECK:   vector.transfer_read {{.*}} : tensor<1x1024xf32>, vector<1x1024xf32>
// CHECK:   vector.reduction <add>
// CHECK-NOT: scf.forall (
func.func @row_sum(%x: tensor<256x1024xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<256x1024xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// -----

// Column sums: the parallel (column) loop over threads, outside the
// reduction loop, which each thread runs in order for its columns.
// CHECK-LABEL: func @column_sum
// CHECK: scf.forall (%{{.*}}) = (0) to (256) step (16)
// CHECK:   scf.for
// CHECK:   vector.transfer_read {{.*}} : tensor<64x16xf32>, vector<64x16xf32>
func.func @column_sum(%x: tensor<4096x256xf32>, %init: tensor<256xf32>) -> tensor<256xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<4096x256xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// -----

// Matmul: blocks of 8 rows over threads; inside, 8 x 32 register tiles
// accumulated over K in registers.
// CHECK-LABEL: func @matmul
// CHECK: scf.forall (%{{.*}}) = (0) to (128) step (8)
// CHECK:   scf.for {{.*}} step %c32
// CHECK:     vector.transfer_read {{.*}} : tensor<8x32xf32>, vector<8x32xf32>
// CHECK:     scf.for
// CHECK:       vector.contract
// CHECK:     vector.transfer_write
func.func @matmul(%a: tensor<128x64xf32>, %b: tensor<64x128xf32>, %c: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x128xf32>) outs(%c : tensor<128x128xf32>) -> tensor<128x128xf32>
  return %r : tensor<128x128xf32>
}

// -----

// Inside a parallel loop already: serial.
// CHECK-LABEL: func @nested
// CHECK: scf.forall
// CHECK-NOT: scf.forall (
// CHECK: scf.for
func.func @nested(%x: tensor<4x256x1000xf32>) -> tensor<4x256x1000xf32> {
  %r = scf.forall (%i) in (4) shared_outs(%o = %x) -> (tensor<4x256x1000xf32>) {
    %s = tensor.extract_slice %x[%i, 0, 0] [1, 256, 1000] [1, 1, 1] : tensor<4x256x1000xf32> to tensor<256x1000xf32>
    %e = tensor.empty() : tensor<256x1000xf32>
    %m = linalg.mul ins(%s, %s : tensor<256x1000xf32>, tensor<256x1000xf32>) outs(%e : tensor<256x1000xf32>) -> tensor<256x1000xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %m into %o[%i, 0, 0] [1, 256, 1000] [1, 1, 1] : tensor<256x1000xf32> into tensor<4x256x1000xf32>
    }
  }
  return %r : tensor<4x256x1000xf32>
}
