// Every op on the GPU: element-wise code, reductions of every amax block
// shape, softmax, conversions and what fp8-legalize decomposes become
// kernels; the host functions keep allocations, launches and scalar code
// only (no loop, no access to a buffer but scalar loads of 0-d results).
// REQUIRES: ptxas
// RUN: fp8-opt %s --fp8-gpu-pipeline="chip=sm_89 host=none" -o %t.89.mlir
// RUN: FileCheck %s --input-file=%t.89.mlir
// RUN: FileCheck %s --check-prefix=BIN --input-file=%t.89.mlir
// RUN: fp8-opt %s --fp8-gpu-pipeline="chip=sm_90a host=none" -o %t.90a.mlir
// RUN: FileCheck %s --input-file=%t.90a.mlir
// RUN: FileCheck %s --check-prefix=BIN --input-file=%t.90a.mlir
// With the host lowered (the default): only LLVM, gpu.binary and
// gpu.launch_func on LLVM values are left, which upstream translates.
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_89 | FileCheck %s --check-prefix=HOST
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_90a | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @quantize_tensor
// CHECK-NOT: scf.
// The per-tensor amax reduces to a scalar: a single-thread kernel.
// CHECK: gpu.launch_func @quantize_tensor_kernel::@quantize_tensor_kernel blocks in (%c1{{.*}}, %c1{{.*}}, %c1{{.*}}) threads in (%c1{{.*}}, %c1{{.*}}, %c1{{.*}})
// CHECK-NOT: scf.
// The quantization: 256 threads a block.
// CHECK: gpu.launch_func @quantize_tensor_kernel_{{[0-9]+}}::@quantize_tensor_kernel blocks in ({{.*}}) threads in (%c256
// CHECK-NOT: scf.
// CHECK: return
func.func @quantize_tensor(%x: tensor<64x128xf32>) -> tensor<64x128xf8E4M3FN> {
  %a = fp8.amax %x : tensor<64x128xf32> -> f32
  %s = fp8.compute_scale %a {format = f8E4M3FN} : f32 -> f32
  %q = fp8.quantize %x, %s : tensor<64x128xf32>, f32 to tensor<64x128xf8E4M3FN>
  return %q : tensor<64x128xf8E4M3FN>
}

// Row-wise and 1x32 blocks over dynamic rows: one thread a row (block).
// CHECK-LABEL: func.func @quantize_rows
// CHECK-NOT: scf.
// CHECK: gpu.launch_func @quantize_rows_kernel::@quantize_rows_kernel blocks in ({{.*}}) threads in (%c256
// CHECK-SAME: memref<1099511627776x{{[fi]}}32>
// CHECK-NOT: scf.
// CHECK: return
func.func @quantize_rows(%x: tensor<?x128xf32>) -> (tensor<?x128xf8E5M2>, tensor<?x4xf32>) {
  %a = fp8.amax %x {block = array<i64: 1, 128>} : tensor<?x128xf32> -> tensor<?x1xf32>
  %s = fp8.compute_scale %a {format = f8E5M2} : tensor<?x1xf32> -> tensor<?x1xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>} : tensor<?x128xf32>, tensor<?x1xf32> to tensor<?x128xf8E5M2>
  %b = fp8.amax %x {block = array<i64: 1, 32>} : tensor<?x128xf32> -> tensor<?x4xf32>
  return %q, %b : tensor<?x128xf8E5M2>, tensor<?x4xf32>
}

// Softmax over rows: max and sum reductions, exp, division.
// CHECK-LABEL: func.func @softmax
// CHECK-NOT: scf.
// CHECK-NOT: memref.load
// CHECK: gpu.launch_func
// CHECK-NOT: scf.
// CHECK-NOT: memref.load
// CHECK: return
#row = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>
func.func @softmax(%x: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<32xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e0 : tensor<32xf32>) -> tensor<32xf32>
  %m = linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<32x64xf32>) outs(%m0 : tensor<32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %e1 = tensor.empty() : tensor<32x64xf32>
  %ex = linalg.generic {indexing_maps = [#row, #red, #row], iterator_types = ["parallel", "parallel"]}
      ins(%x, %m : tensor<32x64xf32>, tensor<32xf32>) outs(%e1 : tensor<32x64xf32>) {
  ^bb0(%in: f32, %mx: f32, %o: f32):
    %d = arith.subf %in, %mx : f32
    %r = math.exp %d : f32
    linalg.yield %r : f32
  } -> tensor<32x64xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<32xf32>) -> tensor<32xf32>
  %s = linalg.generic {indexing_maps = [#row, #red], iterator_types = ["parallel", "reduction"]}
      ins(%ex : tensor<32x64xf32>) outs(%s0 : tensor<32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %y = linalg.generic {indexing_maps = [#row, #red, #row], iterator_types = ["parallel", "parallel"]}
      ins(%ex, %s : tensor<32x64xf32>, tensor<32xf32>) outs(%e1 : tensor<32x64xf32>) {
  ^bb0(%in: f32, %sum: f32, %o: f32):
    %r = arith.divf %in, %sum : f32
    linalg.yield %r : f32
  } -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}

// MX (f4E2M1FN, E8M0 scales): fp8-legalize decomposes it into per-K-block
// f16 contractions, which run as kernels in a host loop over the blocks.
// CHECK-LABEL: func.func @mx_f4
// CHECK: scf.for
// CHECK-NOT: memref.load
// CHECK: gpu.launch_func
// CHECK-NOT: memref.load
// CHECK: return
func.func @mx_f4(%a: tensor<256x64xf4E2M1FN>, %sa: tensor<256x2xf8E8M0FNU>, %b: tensor<64x32xf4E2M1FN>, %sb: tensor<2x32xf8E8M0FNU>) -> tensor<256x32xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
      : tensor<256x64xf4E2M1FN>[tensor<256x2xf8E8M0FNU>], tensor<64x32xf4E2M1FN>[tensor<2x32xf8E8M0FNU>] -> tensor<256x32xf32>
  return %r : tensor<256x32xf32>
}

// K-blocks of 16 (the kernel applies scales per 32): decomposed into
// 16-deep scaled_matmuls, each the tensor-core kernel.
// CHECK-LABEL: func.func @small_k_blocks
// CHECK: scf.for
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul
// CHECK: return
func.func @small_k_blocks(%a: tensor<16x64xf8E4M3FN>, %sa: tensor<16x4xf32>, %b: tensor<64x32xf8E5M2>, %sb: f32, %so: f32) -> tensor<16x32xf8E4M3FN> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] out_scale(%so) {lhs_block = array<i64: 1, 16>}
      : tensor<16x64xf8E4M3FN>[tensor<16x4xf32>], tensor<64x32xf8E5M2>[f32] -> tensor<16x32xf8E4M3FN>
  return %r : tensor<16x32xf8E4M3FN>
}

// BIN: gpu.binary @quantize_tensor_kernel {{ *}}[#gpu.object<#nvvm.target<O = 3, chip = "sm_{{89|90a}}", features = "+ptx84">, properties = {{.*}}, bin = "\7FELF

// HOST-NOT: func.func
// HOST-NOT: memref.
// HOST-NOT: scf.
// HOST: llvm.func @quantize_tensor(
// HOST: gpu.launch_func @quantize_tensor_kernel::@quantize_tensor_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) : i64 args(%{{.*}} : !llvm.ptr
// HOST: gpu.binary @quantize_tensor_kernel
// HOST-NOT: func.func
// HOST-NOT: memref.

// LLVM: define { ptr, ptr, i64, [2 x i64], [2 x i64] } @quantize_tensor(
// LLVM: call ptr @mgpuMemAlloc(i64 8192, ptr null, i8 1)
// LLVM: call void @mgpuLaunchKernel(
// LLVM: define internal void @quantize_tensor_kernel_load()
// LLVM: call ptr @mgpuModuleLoad(
