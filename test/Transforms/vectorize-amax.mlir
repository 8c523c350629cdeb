// RUN: fp8-opt %s -convert-fp8-to-linalg -fp8-vectorize-reductions -canonicalize -split-input-file | FileCheck %s

// fp8.amax of every block shape becomes loops over 16-lane vectors of the
// bits of |x| (an unsigned max), no scalar loop: nothing of the linalg
// reduction is left.

// Per tensor: the input as one row, a vector accumulator, one horizontal
// reduction at the end; NaN becomes the canonical NaN.
// CHECK-LABEL: func @per_tensor
// CHECK-NOT: linalg.generic
// CHECK: tensor.collapse_shape %{{.*}} {{\[\[}}0, 1]] : tensor<37x53xf32> into tensor<1961xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<16xi32>)
// CHECK:   vector.transfer_read {{.*}} : tensor<1961xf32>, vector<16xf32>
// CHECK:   arith.andi %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK:   arith.maxui %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK: vector.transfer_read {{.*}} : tensor<1961xf32>, vector<16xf32>
// CHECK: vector.constant_mask [9] : vector<16xi1>
// CHECK: vector.reduction <maxui>, %{{.*}} : vector<16xi32> into i32
// CHECK: arith.cmpi ugt, %{{.*}}, %{{.*}} : i32
// CHECK-NOT: linalg.generic
func.func @per_tensor(%x: tensor<37x53xf32>) -> f32 {
  %a = fp8.amax %x : tensor<37x53xf32> -> f32
  return %a : f32
}

// -----

// Per row: a loop over the rows, each reduced by a vector accumulator.
// CHECK-LABEL: func @per_row
// CHECK: scf.for %[[I:[a-z0-9_]+]] = {{.*}} -> (tensor<4096x1xi32>)
// CHECK:   scf.for {{.*}} -> (vector<16xi32>)
// CHECK:     vector.transfer_read %{{.*}}[%[[I]], %{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<4096x1024xf32>, vector<16xf32>
// CHECK:     arith.maxui %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK:   vector.reduction <maxui>
// CHECK:   tensor.insert %{{.*}} into %{{.*}}[%[[I]], %{{.*}}] : tensor<4096x1xi32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.*}} : tensor<4096x1xi32>) outs(%{{.*}} : tensor<4096x1xf32>)
func.func @per_row(%x: tensor<4096x1024xf32>) -> tensor<4096x1xf32> {
  %a = fp8.amax %x {block = array<i64: 1, 1024>} : tensor<4096x1024xf32> -> tensor<4096x1xf32>
  return %a : tensor<4096x1xf32>
}

// -----

// Per column: vectors of the row maxed into the output row in place (the
// partial last one read and written masked).
// CHECK-LABEL: func @per_column
// CHECK: scf.for {{.*}} -> (tensor<1x53xi32>)
// CHECK:   scf.for {{.*}} -> (tensor<1x53xi32>)
// CHECK:     vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<1x53xi32>, vector<16xi32>
// CHECK:     vector.transfer_read {{.*}} {in_bounds = [true]} : tensor<37x53xf32>, vector<16xf32>
// CHECK:     arith.maxui %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK:     vector.transfer_write {{.*}} {in_bounds = [true]} : vector<16xi32>, tensor<1x53xi32>
// CHECK:   vector.transfer_read {{.*}} : tensor<1x53xi32>, vector<16xi32>
// CHECK:   vector.transfer_write {{.*}} : vector<16xi32>, tensor<1x53xi32>
func.func @per_column(%x: tensor<37x53xf32>) -> tensor<1x53xf32> {
  %a = fp8.amax %x {block = array<i64: 37, 1>} : tensor<37x53xf32> -> tensor<1x53xf32>
  return %a : tensor<1x53xf32>
}

// -----

// 1x128 blocks of ragged rows (300 = 2 x 128 + 44): a loop over the blocks
// of each row, the last vector of a block masked.
// CHECK-LABEL: func @blocks_1x128
// CHECK: scf.for
// CHECK:   scf.for {{.*}} step %c128 {{.*}} -> (tensor<6x3xi32>)
// CHECK:     scf.for {{.*}} -> (vector<16xi32>)
// CHECK:       vector.transfer_read {{.*}} : tensor<6x300xbf16>, vector<16xbf16>
// CHECK:       arith.extf %{{.*}} : vector<16xbf16> to vector<16xf32>
// CHECK:     scf.if
// CHECK:       vector.create_mask
// CHECK:     vector.reduction <maxui>
func.func @blocks_1x128(%x: tensor<6x300xbf16>) -> tensor<6x3xf32> {
  %a = fp8.amax %x {block = array<i64: 1, 128>} : tensor<6x300xbf16> -> tensor<6x3xf32>
  return %a : tensor<6x3xf32>
}

// -----

// 128x128 blocks: each row's 128-element blocks maxed into the output row
// of its row block.
// CHECK-LABEL: func @blocks_128x128
// CHECK: scf.for %[[I:[a-z0-9_]+]] =
// CHECK:   arith.divui %[[I]], %c128
// CHECK:   scf.for {{.*}} step %c128
// CHECK:     scf.for {{.*}} -> (vector<16xi32>)
// CHECK:       arith.maxui %{{.*}}, %{{.*}} : vector<16xi32>
// CHECK:     vector.reduction <maxui>
// CHECK-NOT: scf.if
func.func @blocks_128x128(%x: tensor<256x512xf32>) -> tensor<2x4xf32> {
  %a = fp8.amax %x {block = array<i64: 128, 128>} : tensor<256x512xf32> -> tensor<2x4xf32>
  return %a : tensor<2x4xf32>
}

// -----

// MX 1x32 blocks over a batch, on E4M3FN codes decoded 16 at a time.
// CHECK-LABEL: func @mx32_batch
// CHECK: scf.for
// CHECK:   scf.for
// CHECK:     scf.for {{.*}} step %c32
// CHECK:       scf.for {{.*}} -> (vector<16xi32>)
// CHECK:         vector.transfer_read {{.*}} : tensor<2x3x64xf8E4M3FN>, vector<16xf8E4M3FN>
// CHECK:         fp8.convert %{{.*}} : vector<16xf8E4M3FN> to vector<16xf32>
// CHECK:       vector.reduction <maxui>
func.func @mx32_batch(%x: tensor<2x3x64xf8E4M3FN>) -> tensor<2x3x2xf32> {
  %a = fp8.amax %x {block = array<i64: 1, 1, 32>} : tensor<2x3x64xf8E4M3FN> -> tensor<2x3x2xf32>
  return %a : tensor<2x3x2xf32>
}

// -----

// A dynamic number of rows.
// CHECK-LABEL: func @dynamic
// CHECK: %[[N:.*]] = tensor.dim
// CHECK: scf.for %{{.*}} = %c0 to %[[N]]
// CHECK:   vector.reduction <maxui>
func.func @dynamic(%x: tensor<?x256xf32>) -> tensor<?x2xf32> {
  %a = fp8.amax %x {block = array<i64: 1, 128>} : tensor<?x256xf32> -> tensor<?x2xf32>
  return %a : tensor<?x2xf32>
}
