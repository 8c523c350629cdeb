// RUN: fp8-opt %s -convert-fp8-to-linalg=fuse-row-quantization -split-input-file | FileCheck %s
// RUN: fp8-opt %s -convert-fp8-to-linalg -split-input-file | FileCheck %s --check-prefix=UNFUSED

// Per-row quantization from the rows' own amax (fp8-insert-casts
// scaling=row) becomes one loop over the rows: the row's amax (a 0-d
// reduction), its scale, its codes computed into the result's slice, the
// scale inserted into the scale tensor, which the other users see.
// CHECK-LABEL: func @rows
// CHECK-SAME: (%[[X:.*]]: tensor<8x300xf32>)
// CHECK: %[[Q0:.*]] = tensor.empty() : tensor<8x300xf8E4M3FN>
// CHECK: %[[S0:.*]] = tensor.empty() : tensor<8x1xf32>
// CHECK: %[[R:.*]]:2 = scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[Q:.*]] = %[[Q0]], %[[S:.*]] = %[[S0]])
// CHECK:   %[[ROW:.*]] = tensor.extract_slice %[[X]][%[[I]], 0] [1, 300] [1, 1] : tensor<8x300xf32> to tensor<300xf32>
// CHECK:   linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[ROW]] : tensor<300xf32>) outs(%{{.*}} : tensor<i32>)
// CHECK:   %[[SCALE:.*]] = fp8.compute_scale %{{.*}} {format = f8E4M3FN, margin = 1 : i32} : f32 -> f32
// CHECK:   %[[DST:.*]] = tensor.extract_slice %[[Q]][%[[I]], 0] [1, 300] [1, 1]
// CHECK:   %[[CODES:.*]] = linalg.generic {{.*}} ins(%[[ROW]], %[[SCALE]] : tensor<300xf32>, f32) outs(%[[DST]] : tensor<300xf8E4M3FN>)
// CHECK:     arith.divf
// CHECK:     fp8.convert %{{.*}} {rounding = #fp8.rounding<nearest_even>, saturation = #fp8.saturation<finite>}
// CHECK:   %[[QN:.*]] = tensor.insert_slice %[[CODES]] into %[[Q]][%[[I]], 0] [1, 300] [1, 1]
// CHECK:   %[[SN:.*]] = tensor.insert %[[SCALE]] into %[[S]][%[[I]], %{{.*}}] : tensor<8x1xf32>
// CHECK:   scf.yield %[[QN]], %[[SN]]
// CHECK: return %[[R]]#0, %[[R]]#1
// UNFUSED-LABEL: func @rows
// UNFUSED-NOT: scf.for
func.func @rows(%x: tensor<8x300xf32>) -> (tensor<8x300xf8E4M3FN>, tensor<8x1xf32>) {
  %a = fp8.amax %x {block = array<i64: 1, 300>} : tensor<8x300xf32> -> tensor<8x1xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN, margin = 1 : i32} : tensor<8x1xf32> -> tensor<8x1xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 300>, saturation = #fp8.saturation<finite>} : tensor<8x300xf32>, tensor<8x1xf32> to tensor<8x300xf8E4M3FN>
  return %q, %s : tensor<8x300xf8E4M3FN>, tensor<8x1xf32>
}

// -----

// A batch: loops over the leading dimensions; the amax, used elsewhere, is a
// third result of the loops.
// CHECK-LABEL: func @batch_amax_used
// CHECK: %[[R:.*]]:3 = scf.for
// CHECK:   scf.for {{.*}} -> (tensor<2x3x64xf8E5M2>, tensor<2x3x1xf8E8M0FNU>, tensor<2x3x1xf32>)
// CHECK:     fp8.compute_scale %{{.*}} {format = f8E5M2} : f32 -> f8E8M0FNU
// CHECK: return %[[R]]#0, %[[R]]#2
func.func @batch_amax_used(%x: tensor<2x3x64xbf16>) -> (tensor<2x3x64xf8E5M2>, tensor<2x3x1xf32>) {
  %a = fp8.amax %x {block = array<i64: 1, 1, 64>} : tensor<2x3x64xbf16> -> tensor<2x3x1xf32>
  %s = fp8.compute_scale %a {format = f8E5M2} : tensor<2x3x1xf32> -> tensor<2x3x1xf8E8M0FNU>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 1, 64>} : tensor<2x3x64xbf16>, tensor<2x3x1xf8E8M0FNU> to tensor<2x3x64xf8E5M2>
  return %q, %a : tensor<2x3x64xf8E5M2>, tensor<2x3x1xf32>
}

// -----

// Not fused: 1x32 blocks (not whole rows), a scale from another tensor's
// amax, stochastic rounding.
// CHECK-LABEL: func @not_rows
// CHECK-NOT: scf.for
func.func @not_rows(%x: tensor<8x64xf32>, %y: tensor<8x64xf32>, %bits: tensor<8x64xi32>)
    -> (tensor<8x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>) {
  %a = fp8.amax %x {block = array<i64: 1, 32>} : tensor<8x64xf32> -> tensor<8x2xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN} : tensor<8x2xf32> -> tensor<8x2xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 32>} : tensor<8x64xf32>, tensor<8x2xf32> to tensor<8x64xf8E4M3FN>
  %ar = fp8.amax %y {block = array<i64: 1, 64>} : tensor<8x64xf32> -> tensor<8x1xf32>
  %sr = fp8.compute_scale %ar {format = f8E4M3FN} : tensor<8x1xf32> -> tensor<8x1xf32>
  %qo = fp8.quantize %x, %sr {block = array<i64: 1, 64>} : tensor<8x64xf32>, tensor<8x1xf32> to tensor<8x64xf8E4M3FN>
  %qs = fp8.quantize %y, %sr random(%bits : tensor<8x64xi32>) {block = array<i64: 1, 64>, rounding = #fp8.rounding<stochastic>} : tensor<8x64xf32>, tensor<8x1xf32> to tensor<8x64xf8E4M3FN>
  return %q, %qo, %qs : tensor<8x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>, tensor<8x64xf8E4M3FN>
}
