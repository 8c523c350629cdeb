// The example transformer block through fp8-cpu-pipeline: its E4M3FN variant
// stays close to f32 (relative L2 error below 0.1).
//
// RUN: fp8-opt %fp8_src_root/examples/transformer.mlir --fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils \
// RUN: | FileCheck %s

// CHECK: == f32 reference
// CHECK: sizes = [8, 16]
// CHECK: == E4M3FN projections and MLP
// CHECK: relative L2 error vs f32: {{0\.0[0-9]*|[0-9.]+e-0[2-9]}}
