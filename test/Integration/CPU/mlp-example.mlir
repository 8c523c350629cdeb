// The README's main job: the example MLP through fp8-cpu-pipeline, run on the
// CPU. Its fp8 variants must stay close to the f32 reference (relative L2
// error below 0.1).
//
// RUN: fp8-opt %fp8_src_root/examples/mlp.mlir --fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils \
// RUN: | FileCheck %s

// CHECK: == f32 reference
// CHECK: sizes = [4, 8]
// CHECK: == E4M3FN
// CHECK: relative L2 error vs f32: {{0\.0[0-9]*|[0-9.]+e-0[2-9]}}
// CHECK: == HiF8
// CHECK: relative L2 error vs f32: {{0\.0[0-9]*|[0-9.]+e-0[2-9]}}
