// Ragged K and N and dynamic sizes assemble for Ada and Hopper (masked
// loads, run-time sizes and grids).
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-gpu-pipeline="chip=sm_89 host=none" | FileCheck %s
// RUN: fp8-opt %s --fp8-gpu-pipeline="chip=sm_90a host=none" | FileCheck %s
// With the host in LLVM (the default), upstream translates the whole module.
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_90a | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVM
// LLVM-DAG: declare void @mgpuLaunchKernel(ptr, i64, i64, i64, i64, i64, i64, i32, ptr, ptr, ptr, i64)
// LLVM-DAG: declare ptr @mgpuMemAlloc(i64, ptr, i8)
// LLVM-DAG: define {{.*}} @dynamic_batch_hif8(

// CHECK-LABEL: func.func @ragged_k
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul
// CHECK-LABEL: func.func @dynamic
// CHECK: arith.ceildivui
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul_0
// CHECK-LABEL: func.func @dynamic_batch_hif8
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul_1
// CHECK: gpu.binary @fp8_kernels {{.*}}bin = "\7FELF
func.func @ragged_k(%a: tensor<16x72xf8E4M3FN>, %b: tensor<72x24xf8E5M2>, %s: f32) -> tensor<16x24xbf16> {
  %d = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<16x72xf8E4M3FN>[f32], tensor<72x24xf8E5M2>[f32] -> tensor<16x24xbf16>
  return %d : tensor<16x24xbf16>
}
func.func @dynamic(%a: tensor<?x?xf8E4M3FN>, %sa: tensor<?x?xf32>, %b: tensor<?x?xf8E4M3FN>, %s: f32, %os: f32) -> tensor<?x?xf8E4M3FN> {
  %d = fp8.scaled_matmul %a[%sa], %b[%s] out_scale(%os) {lhs_block = array<i64: 1, 128>, rhs_transposed}
      : tensor<?x?xf8E4M3FN>[tensor<?x?xf32>], tensor<?x?xf8E4M3FN>[f32] -> tensor<?x?xf8E4M3FN>
  return %d : tensor<?x?xf8E4M3FN>
}
func.func @dynamic_batch_hif8(%a: tensor<?x?x40x!fp8.hif8>, %b: tensor<?x40x?x!fp8.hif8>, %s: f32) -> tensor<?x?x?xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<?x?x40x!fp8.hif8>[f32], tensor<?x40x?x!fp8.hif8>[f32] -> tensor<?x?x?xf32>
  return %d : tensor<?x?x?xf32>
}
