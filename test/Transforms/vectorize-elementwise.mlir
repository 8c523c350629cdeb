// RUN: fp8-opt %s -convert-fp8-to-linalg -fp8-vectorize-elementwise -split-input-file | FileCheck %s
// RUN: fp8-opt %s -convert-fp8-to-linalg -fp8-vectorize-elementwise=vector-size=8 -split-input-file | FileCheck %s --check-prefix=EIGHT
// RUN: not fp8-opt %s -fp8-vectorize-elementwise=vector-size=0 -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: fp8-vectorize-elementwise: vector-size must be in [1, 256], got 0

// Row-scaled quantization: 1 x 16 tiles, the scale broadcast along the row,
// masked on the last partial tile.
// CHECK-LABEL: func @quantize_rows
// CHECK: scf.for
// CHECK: scf.for {{.*}} step %c16
// CHECK: vector.create_mask %{{.*}}, %{{.*}} : vector<1x16xi1>
// CHECK: vector.transfer_read {{.*}} : tensor<1x?xf32>, vector<1x16xf32>
// CHECK: vector.transfer_read {{.*}} : tensor<1x1xf32>, vector<1x16xf32>
// CHECK: %[[Q:.*]] = arith.divf %{{.*}}, %{{.*}} : vector<1x16xf32>
// CHECK: fp8.convert %[[Q]] {rounding = #fp8.rounding<nearest_even>} : vector<1x16xf32> to vector<1x16xf8E4M3FN>
// CHECK: vector.transfer_write
// EIGHT-LABEL: func @quantize_rows
// EIGHT: fp8.convert %{{.*}} : vector<1x8xf32> to vector<1x8xf8E4M3FN>
func.func @quantize_rows(%x: tensor<4x1000xf32>, %s: tensor<4x1xf32>) -> tensor<4x1000xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 1000>} : tensor<4x1000xf32>, tensor<4x1xf32> to tensor<4x1000xf8E4M3FN>
  return %q : tensor<4x1000xf8E4M3FN>
}

// -----

// A static innermost dimension smaller than the vector size is one unmasked
// vector.
// CHECK-LABEL: func @small
// CHECK-NOT: vector.create_mask
// CHECK: fp8.convert %{{.*}} : vector<1x4xf8E5M2> to vector<1x4xf32>
func.func @small(%q: tensor<8x4xf8E5M2>) -> tensor<8x4xf32> {
  %x = fp8.convert %q : tensor<8x4xf8E5M2> to tensor<8x4xf32>
  return %x : tensor<8x4xf32>
}

// -----

// Sub-byte elements are bit-packed in vectors but not in memrefs: left scalar.
// CHECK-LABEL: func @fp4_stays_scalar
// CHECK: linalg.generic
// CHECK: fp8.convert %{{.*}} : f32 to f4E2M1FN
// CHECK-NOT: vector.transfer
func.func @fp4_stays_scalar(%x: tensor<64xf32>) -> tensor<64xf4E2M1FN> {
  %q = fp8.convert %x : tensor<64xf32> to tensor<64xf4E2M1FN>
  return %q : tensor<64xf4E2M1FN>
}

// -----

// A block that divides its dimension splits it ([4, 256] -> [4, 2, 128]) so
// the scale is read along a projected permutation, and vectorizes.
// CHECK-LABEL: func @blocks_split
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0], [1, 2]] output_shape [4, 2, 128]
// CHECK: fp8.convert %{{.*}} : vector<1x1x16xf32> to vector<1x1x16xf8E4M3FN>
// CHECK: tensor.collapse_shape
func.func @blocks_split(%x: tensor<4x256xf32>, %s: tensor<4x2xf32>) -> tensor<4x256xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>} : tensor<4x256xf32>, tensor<4x2xf32> to tensor<4x256xf8E4M3FN>
  return %q : tensor<4x256xf8E4M3FN>
}

// -----

// Ragged blocks are read through floordiv maps, which are not element-wise
// to the vectorizer: left as they are.
// CHECK-LABEL: func @ragged_blocks_stay
// CHECK: linalg.generic
// CHECK-NOT: vector.transfer
func.func @ragged_blocks_stay(%x: tensor<4x300xf32>, %s: tensor<4x3xf32>) -> tensor<4x300xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>} : tensor<4x300xf32>, tensor<4x3xf32> to tensor<4x300xf8E4M3FN>
  return %q : tensor<4x300xf8E4M3FN>
}

// -----

// HiF8 (a dialect type, which upstream's vectorizer refuses in a body) is
// vectorized by the pass itself: the same 1 x 16 tiles, out-of-bounds-safe
// transfers on the partial one.
// CHECK-LABEL: func @quantize_hif8
// CHECK: scf.for {{.*}} step %c16
// CHECK: %[[X:.*]] = vector.transfer_read {{.*}} {in_bounds = [true, false]} : tensor<1x?xf32>, vector<1x16xf32>
// CHECK: %[[S:.*]] = vector.transfer_read {{.*}} : tensor<1x1xf32>, vector<1x16xf32>
// CHECK: %[[Q:.*]] = arith.divf %[[X]], %[[S]] : vector<1x16xf32>
// CHECK: %[[H:.*]] = fp8.convert %[[Q]] {rounding = #fp8.rounding<nearest_away>} : vector<1x16xf32> to vector<1x16x!fp8.hif8>
// CHECK: vector.transfer_write %[[H]], {{.*}} {in_bounds = [true, false]} : vector<1x16x!fp8.hif8>, tensor<1x?x!fp8.hif8>
func.func @quantize_hif8(%x: tensor<4x20xf32>, %s: tensor<4x1xf32>) -> tensor<4x20x!fp8.hif8> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 20>} : tensor<4x20xf32>, tensor<4x1xf32> to tensor<4x20x!fp8.hif8>
  return %q : tensor<4x20x!fp8.hif8>
}

// -----

// A copy: one 1-D transfer each way per tile (a tile-shaped read and write
// would fold back into a tensor copy, a memref.copy call per tile).
// CHECK-LABEL: func @copy
// CHECK: %[[V:.*]] = vector.transfer_read {{.*}} : tensor<1x1x?xf32>, vector<16xf32>
// CHECK: vector.transfer_write %[[V]], {{.*}} : vector<16xf32>, tensor<1x1x?xf32>
// CHECK-NOT: linalg.copy
func.func @copy(%x: tensor<2x9x40xf32>, %o: tensor<2x9x40xf32>) -> tensor<2x9x40xf32> {
  %r = linalg.copy ins(%x : tensor<2x9x40xf32>) outs(%o : tensor<2x9x40xf32>) -> tensor<2x9x40xf32>
  return %r : tensor<2x9x40xf32>
}

// -----

// tensor.pad: a vectorized fill of the result, then a vectorized copy of the
// source into its interior.
// CHECK-LABEL: func @pad
// CHECK-NOT: tensor.pad
// CHECK: vector.transfer_write %{{.*}} : vector<1x1x1x16xf32>, tensor<1x1x1x16xf32>
// CHECK: %[[INTERIOR:.*]] = tensor.extract_slice %{{.*}}[0, 0, 1, 1] [2, 3, 30, 30] [1, 1, 1, 1]
// CHECK: vector.transfer_read {{.*}} : tensor<1x1x1x?xf32>, vector<16xf32>
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 1] [2, 3, 30, 30] [1, 1, 1, 1]
func.func @pad(%x: tensor<2x3x30x30xf32>) -> tensor<2x3x32x32xf32> {
  %cst = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %cst : f32
  } : tensor<2x3x30x30xf32> to tensor<2x3x32x32xf32>
  return %p : tensor<2x3x32x32xf32>
}

// -----

// A transpose: 16 x 16 tiles, read by rows and transposed in registers.
// CHECK-LABEL: func @transpose
// CHECK: scf.for {{.*}} step %c16
// CHECK: scf.for {{.*}} step %c16
// CHECK: vector.transfer_read {{.*}}permutation_map = {{.*}} : tensor<16x16xf32>, vector<16x16xf32>
func.func @transpose(%x: tensor<64x48xf32>, %o: tensor<48x64xf32>) -> tensor<48x64xf32> {
  %t = linalg.transpose ins(%x : tensor<64x48xf32>) outs(%o : tensor<48x64xf32>) permutation = [1, 0]
  return %t : tensor<48x64xf32>
}
