// Static scales (inference): the decode scales come from the contraction's
// fp8.lhs_scale / fp8.rhs_scale attributes, no amax or compute_scale.
//
// RUN: split-file %s %t
// RUN: fp8-opt %t/scalar.mlir --fp8-insert-casts="static-scales" | FileCheck %s
// RUN: fp8-opt %t/scalar.mlir --fp8-insert-casts="static-scales scaling=row" | FileCheck %s --check-prefix=ROW
// RUN: fp8-opt %t/scalar.mlir --fp8-insert-casts="static-scales scaling=mx32" | FileCheck %s --check-prefix=MX
// RUN: fp8-opt %t/rows.mlir --fp8-insert-casts="static-scales scaling=row" | FileCheck %s --check-prefix=ROWS

//--- scalar.mlir

// CHECK-LABEL: func.func @per_tensor
// CHECK-NOT: fp8.amax
// CHECK: %[[SA:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[QA:.*]] = fp8.quantize %{{.*}}, %[[SA]] {{.*}} : tensor<4x64xf32>, f32 to tensor<4x64xf8E4M3FN>
// CHECK: %[[SB:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[QB:.*]] = fp8.quantize %{{.*}}, %[[SB]]
// CHECK: fp8.scaled_matmul %[[QA]][%[[SA]]], %[[QB]][%[[SB]]]
// A float is one scale for every block.
// ROW-LABEL: func.func @per_tensor
// ROW-DAG: arith.constant dense<5.000000e-01> : tensor<4x1xf32>
// ROW-DAG: arith.constant dense<2.500000e-01> : tensor<1x8xf32>
// MX-LABEL: func.func @per_tensor
// MX-DAG: arith.constant dense<5.000000e-01> : tensor<4x2xf8E8M0FNU>
// MX-DAG: arith.constant dense<2.500000e-01> : tensor<2x8xf8E8M0FNU>
func.func @per_tensor(%a: tensor<4x64xf32>, %b: tensor<64x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul {fp8.lhs_scale = 0.5 : f32, fp8.rhs_scale = 0.25 : f32}
     ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

//--- rows.mlir

// ROWS-LABEL: func.func @per_row
// ROWS: %[[SA:.*]] = arith.constant dense<{{\[}}[1.000000e+00], [2.000000e+00]]> : tensor<2x1xf32>
// ROWS: fp8.quantize %{{.*}}, %[[SA]] {block = array<i64: 1, 64>, {{.*}}} : tensor<2x64xf32>, tensor<2x1xf32> to tensor<2x64xf8E4M3FN>
// ROWS: fp8.scaled_matmul {{.*}} tensor<2x64xf8E4M3FN>[tensor<2x1xf32>], tensor<64x8xf8E4M3FN>[tensor<1x8xf32>]
func.func @per_row(%a: tensor<2x64xf32>, %b: tensor<64x8xf32>, %c: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %r = linalg.matmul {fp8.lhs_scale = dense<[[1.0], [2.0]]> : tensor<2x1xf32>, fp8.rhs_scale = 0.125 : f32}
     ins(%a, %b : tensor<2x64xf32>, tensor<64x8xf32>) outs(%c : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}
