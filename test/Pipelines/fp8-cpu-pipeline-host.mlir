// target=host: every pass that takes a CPU target accepts it and prints it
// back as host; what it lowers is exactly what one of the explicit targets
// lowers (the one this machine's CPU resolves to), and the code runs (with
// libfp8_runtime for the AMX tile data).
//
// RUN: echo 'module {}' | fp8-opt --dump-pass-pipeline -o /dev/null \
// RUN:   --pass-pipeline='builtin.module(fp8-legalize{target=host},func.func(convert-fp8-matmul-to-cpu{target=host}),convert-fp8-to-llvm{target=host})' \
// RUN:   2>&1 | FileCheck %s --check-prefix=PIPELINE
// RUN: fp8-opt %s --dump-pass-pipeline -o /dev/null --fp8-cpu-pipeline=target=host \
// RUN:   2>&1 | FileCheck %s --check-prefix=PIPELINE
// RUN: not fp8-opt %s --fp8-cpu-pipeline=target=hots 2>&1 | FileCheck %s --check-prefix=BAD
//
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=host -o %t.host
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=generic -o %t.generic
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=avx512 -o %t.avx512
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=avx512-bf16 -o %t.avx512-bf16
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=amx -o %t.amx
// RUN: cmp -s %t.host %t.generic || cmp -s %t.host %t.avx512 || cmp -s %t.host %t.avx512-bf16 || cmp %t.host %t.amx
// RUN: mlir-runner %t.host -e main -entry-point-result=void \
// RUN:   -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_runtime | FileCheck %s

// PIPELINE: fp8-legalize{target=host}
// PIPELINE: convert-fp8-matmul-to-cpu{{.*}} target=host}
// PIPELINE: convert-fp8-to-llvm{target=host}

// BAD: unknown target 'hots' (expected host, generic, avx512, avx512-bf16 or amx, or a GPU chip

// A 32x64 by 64x32 scaled matmul of ones and twos (exact in E4M3FN and in
// every kernel's accumulation): every element is 64 * 1 * 2.
// CHECK: sizes = [32, 32]
// CHECK-NEXT: {{^\[\[(128, +){31}128\], $}}
// CHECK-COUNT-30: {{^ \[(128, +){31}128\], $}}
// CHECK-NEXT: {{^ \[(128, +){31}128\]\]$}}

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %one = arith.constant 1.0 : f32
  %two = arith.constant 2.0 : f32
  %sa = arith.constant 0.5 : f32
  %sb = arith.constant 0.25 : f32
  %ea = tensor.empty() : tensor<32x64xf32>
  %eb = tensor.empty() : tensor<64x32xf32>
  %a = linalg.fill ins(%one : f32) outs(%ea : tensor<32x64xf32>) -> tensor<32x64xf32>
  %b = linalg.fill ins(%two : f32) outs(%eb : tensor<64x32xf32>) -> tensor<64x32xf32>
  %qa = fp8.quantize %a, %sa : tensor<32x64xf32>, f32 to tensor<32x64xf8E4M3FN>
  %qb = fp8.quantize %b, %sb : tensor<64x32xf32>, f32 to tensor<64x32xf8E4M3FN>
  %d = fp8.scaled_matmul %qa[%sa], %qb[%sb] : tensor<32x64xf8E4M3FN>[f32], tensor<64x32xf8E4M3FN>[f32] -> tensor<32x32xf32>
  %m = bufferization.to_buffer %d : tensor<32x32xf32> to memref<32x32xf32>
  %u = memref.cast %m : memref<32x32xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}
