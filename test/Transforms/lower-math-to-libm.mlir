// RUN: fp8-opt %s -fp8-lower-math-to-libm | FileCheck %s

// What LLVM has no intrinsic for (erf), or lowers inaccurately near 0
// (expm1 as exp(x) - 1, log1p as log(1 + x)), becomes libm calls, vectors
// one element at a time; what LLVM lowers (sqrt, exp) stays.
// CHECK-DAG: func.func private @erf(f64) -> f64
// CHECK-DAG: func.func private @expm1(f64) -> f64
// CHECK-DAG: func.func private @log1p(f64) -> f64
// CHECK-LABEL: func @f
// CHECK-SAME: (%[[V:.*]]: vector<2xf64>, %[[X:.*]]: f64, %[[W:.*]]: vector<4xf32>)
// CHECK: %[[V0:.*]] = vector.extract %[[V]][0]
// CHECK: call @erf(%[[V0]])
// CHECK: %[[V1:.*]] = vector.extract %[[V]][1]
// CHECK: call @erf(%[[V1]])
// CHECK: call @expm1(%[[X]])
// CHECK: call @log1p(%[[X]])
// CHECK: math.sqrt %[[W]] : vector<4xf32>
// CHECK: math.exp %[[X]] : f64
func.func @f(%v: vector<2xf64>, %x: f64, %w: vector<4xf32>) -> (vector<2xf64>, f64, f64, vector<4xf32>, f64) {
  %a = math.erf %v : vector<2xf64>
  %b = math.expm1 %x : f64
  %c = math.log1p %x : f64
  %d = math.sqrt %w : vector<4xf32>
  %e = math.exp %x : f64
  return %a, %b, %c, %d, %e : vector<2xf64>, f64, f64, vector<4xf32>, f64
}
