// RUN: not fp8-opt %s -split-input-file --fp8-cpu-pipeline 2>&1 | FileCheck %s
// RUN: not fp8-opt %s -split-input-file --fp8-cpu-pipeline=target=avx512 2>&1 | FileCheck %s

// fp8-cpu-pipeline fails, naming the op and where it came from, when
// something did not reach LLVM: nothing lowers math.isinf, so the
// conversions to LLVM leave it with casts around it.
// CHECK: fp8-cpu-pipeline-leftovers.mlir:[[@LINE+5]]:8: error: 'builtin.unrealized_conversion_cast' op was not lowered to the LLVM dialect: a conversion left this cast for its user 'math.isinf', which was not converted
// CHECK: fp8-cpu-pipeline-leftovers.mlir:[[@LINE+4]]:8: note: and 2 more: math.isinf x1, builtin.unrealized_conversion_cast x1
func.func @zero_infinities(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant dense<0.0> : tensor<4x16xf32>
  %inf = math.isinf %x : tensor<4x16xf32>
  %y = arith.select %inf, %zero, %x : tensor<4x16xi1>, tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Arithmetic on fp8 values, which no CPU has (dequantize first).
// CHECK: fp8-cpu-pipeline-leftovers.mlir:[[@LINE+3]]:8: error: 'builtin.unrealized_conversion_cast' op was not lowered to the LLVM dialect: a conversion left this cast for its user 'arith.addf', which was not converted
// CHECK: note: and 3 more: builtin.unrealized_conversion_cast x2, arith.addf x1
func.func @add(%a: tensor<4096xf8E4M3FN>, %b: tensor<4096xf8E4M3FN>) -> tensor<4096xf8E4M3FN> {
  %y = arith.addf %a, %b : tensor<4096xf8E4M3FN>
  return %y : tensor<4096xf8E4M3FN>
}

// -----

// A math op left on scalars is named itself.
// CHECK: fp8-cpu-pipeline-leftovers.mlir:[[@LINE+2]]:8: error: 'math.isinf' op was not lowered to the LLVM dialect
func.func @is_inf(%x: f32) -> i1 {
  %y = math.isinf %x : f32
  return %y : i1
}
