// RUN: not fp8-opt %s --fp8-gpu-pipeline 2>&1 | FileCheck %s

// fp8-gpu-pipeline checks each kernel before assembling it: arithmetic on
// fp8 values, which convert-fp8-to-nvvm does not take (dequantize first),
// is an error naming the op, not a failure to translate the kernel.
// CHECK: fp8-gpu-pipeline-leftovers.mlir:[[@LINE+4]]:8: error: 'builtin.unrealized_conversion_cast' op was not lowered to the LLVM dialect: a conversion left this cast for its user 'arith.addf', which was not converted
// CHECK: note: and 3 more: builtin.unrealized_conversion_cast x2, arith.addf x1
// CHECK-NOT: gpu.binary
func.func @add(%a: tensor<4096xf8E4M3FN>, %b: tensor<4096xf8E4M3FN>) -> tensor<4096xf8E4M3FN> {
  %y = arith.addf %a, %b : tensor<4096xf8E4M3FN>
  return %y : tensor<4096xf8E4M3FN>
}
