// The f32 example models through fp8-insert-casts and fp8-cpu-pipeline, run
// on the CPU and compared with the f32 programs. Bounds: relative L2 error
// below 0.1 against f32 (measured: 0.068 for the MLP with E4M3FN and row
// scales, 0.062 with HiF8 and 1x128 blocks, 0.098 for the CNN with MX32).
// fp8-legalize for a GPU target rewrites what the GPU kernel lacks (here
// E4M3FNUZ operands with MX scales: split per K-block, decoded to f16) into
// other ops that must compute the same values up to the order of the f32
// additions (bound 1e-5; measured ~1e-7, the printed digits).
//
// RUN: fp8-opt %fp8_src_root/examples/mlp-f32.mlir --fp8-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils > %t.mlp.f32
// RUN: fp8-opt %fp8_src_root/examples/mlp-f32.mlir --fp8-insert-casts="recipe=ocp scaling=row" --fp8-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils > %t.mlp.e4m3
// RUN: %python %S/compare-outputs.py %t.mlp.e4m3 %t.mlp.f32 --max-rel-l2 0.1 | FileCheck %s
// RUN: fp8-opt %fp8_src_root/examples/mlp-f32.mlir --fp8-insert-casts="recipe=hif8 scaling=block1x128" --fp8-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils > %t.mlp.hif8
// RUN: %python %S/compare-outputs.py %t.mlp.hif8 %t.mlp.f32 --max-rel-l2 0.1 | FileCheck %s
// RUN: fp8-opt %fp8_src_root/examples/mlp-f32.mlir --fp8-insert-casts="format=f8E4M3FNUZ scaling=mx32" --fp8-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils > %t.mlp.fnuz
// RUN: %python %S/compare-outputs.py %t.mlp.fnuz %t.mlp.f32 --max-rel-l2 0.1 | FileCheck %s
// RUN: fp8-opt %fp8_src_root/examples/mlp-f32.mlir --fp8-insert-casts="format=f8E4M3FNUZ scaling=mx32" \
// RUN:   --fp8-legalize=target=sm_90a --fp8-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils > %t.mlp.fnuz.sm90a
// RUN: %python %S/compare-outputs.py %t.mlp.fnuz.sm90a %t.mlp.fnuz --max-rel-l2 1e-5 | FileCheck %s
//
// RUN: fp8-opt %fp8_src_root/examples/cnn-f32.mlir --fp8-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils > %t.cnn.f32
// RUN: fp8-opt %fp8_src_root/examples/cnn-f32.mlir --fp8-insert-casts="scaling=mx32" --fp8-cpu-pipeline \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils > %t.cnn.mx32
// RUN: %python %S/compare-outputs.py %t.cnn.mx32 %t.cnn.f32 --max-rel-l2 0.1 | FileCheck %s --check-prefix=CNN

// CHECK: outputs: 4096
// CHECK: relative L2 error
// CNN: outputs: 20
// CNN: relative L2 error
