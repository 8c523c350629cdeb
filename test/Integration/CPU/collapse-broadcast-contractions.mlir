// A batch_matmul against a weight broadcast along the batch is collapsed
// into one matmul (fp8-cpu-pipeline in f32, fp8-insert-casts before
// quantization); its results must equal those of the same product whose
// weight copy is not a plain broadcast (an identity `+ -0.0` body, which is
// left batched), up to the order of the f32 additions. With row scales the
// quantization is the same either way: the per-column scales of every
// weight copy are those of the weight.
//
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=avx512 \
// RUN: | mlir-runner -e collapsed -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime > %t.f32.collapsed
// RUN: fp8-opt %s --fp8-cpu-pipeline=target=avx512 \
// RUN: | mlir-runner -e batched -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime > %t.f32.batched
// RUN: %python %S/compare-outputs.py %t.f32.collapsed %t.f32.batched --max-rel-l2 1e-6 | FileCheck %s
// RUN: fp8-opt %s --fp8-insert-casts="scaling=row" --fp8-cpu-pipeline=target=avx512 \
// RUN: | mlir-runner -e collapsed -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime > %t.e4m3.collapsed
// RUN: fp8-opt %s --fp8-insert-casts="scaling=row" --fp8-cpu-pipeline=target=avx512 \
// RUN: | mlir-runner -e batched -entry-point-result=void \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime > %t.e4m3.batched
// RUN: %python %S/compare-outputs.py %t.e4m3.collapsed %t.e4m3.batched --max-rel-l2 1e-6 | FileCheck %s
// RUN: %python %S/compare-outputs.py %t.e4m3.collapsed %t.f32.batched --max-rel-l2 0.1 | FileCheck %s
// RUN: fp8-opt %s --fp8-insert-casts="scaling=row" | FileCheck %s --check-prefix=IR

// CHECK: outputs: 432
// CHECK: relative L2 error

// IR-LABEL: func.func @product
// IR: fp8.amax %{{.*}} {block = array<i64: 40, 1>} : tensor<40x24xf32> -> tensor<1x24xf32>
// IR: fp8.scaled_matmul {{.*}} : tensor<18x40xf8E4M3FN>[tensor<18x1xf32>], tensor<40x24xf8E4M3FN>[tensor<1x24xf32>] -> tensor<18x24xf32>
// IR-LABEL: func.func @product_batched
// IR: fp8.scaled_matmul {{.*}} : tensor<6x3x40xf8E4M3FN>[tensor<6x3x1xf32>], tensor<6x40x24xf8E4M3FN>[tensor<6x1x24xf32>] -> tensor<6x3x24xf32>

func.func private @fp8rt_fill_normal_3d_f32(memref<?x?x?xf32>, f32, i32) attributes {llvm.emit_c_interface}
func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @product(%x: tensor<6x3x40xf32>, %w: tensor<40x24xf32>) -> tensor<6x3x24xf32> {
  %zero = arith.constant 0.0 : f32
  %eb = tensor.empty() : tensor<6x40x24xf32>
  %b = linalg.broadcast ins(%w : tensor<40x24xf32>) outs(%eb : tensor<6x40x24xf32>) dimensions = [0]
  %e = tensor.empty() : tensor<6x3x24xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x3x24xf32>) -> tensor<6x3x24xf32>
  %r = linalg.batch_matmul ins(%x, %b : tensor<6x3x40xf32>, tensor<6x40x24xf32>) outs(%f : tensor<6x3x24xf32>) -> tensor<6x3x24xf32>
  return %r : tensor<6x3x24xf32>
}

func.func @product_batched(%x: tensor<6x3x40xf32>, %w: tensor<40x24xf32>) -> tensor<6x3x24xf32> {
  %zero = arith.constant 0.0 : f32
  %minus_zero = arith.constant -0.0 : f32
  %eb = tensor.empty() : tensor<6x40x24xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<40x24xf32>) outs(%eb : tensor<6x40x24xf32>) {
  ^bb0(%in: f32, %out: f32):
    %same = arith.addf %in, %minus_zero : f32
    linalg.yield %same : f32
  } -> tensor<6x40x24xf32>
  %e = tensor.empty() : tensor<6x3x24xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6x3x24xf32>) -> tensor<6x3x24xf32>
  %r = linalg.batch_matmul ins(%x, %b : tensor<6x3x40xf32>, tensor<6x40x24xf32>) outs(%f : tensor<6x3x24xf32>) -> tensor<6x3x24xf32>
  return %r : tensor<6x3x24xf32>
}

func.func @inputs() -> (tensor<6x3x40xf32>, tensor<40x24xf32>) {
  %sigma = arith.constant 1.0 : f32
  %seed1 = arith.constant 1 : i32
  %seed2 = arith.constant 2 : i32
  %x_m = memref.alloc() : memref<6x3x40xf32>
  %w_m = memref.alloc() : memref<1x40x24xf32>
  %x_d = memref.cast %x_m : memref<6x3x40xf32> to memref<?x?x?xf32>
  %w_d = memref.cast %w_m : memref<1x40x24xf32> to memref<?x?x?xf32>
  call @fp8rt_fill_normal_3d_f32(%x_d, %sigma, %seed1) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%w_d, %sigma, %seed2) : (memref<?x?x?xf32>, f32, i32) -> ()
  %x = bufferization.to_tensor %x_m restrict : memref<6x3x40xf32> to tensor<6x3x40xf32>
  %w3 = bufferization.to_tensor %w_m restrict : memref<1x40x24xf32> to tensor<1x40x24xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<1x40x24xf32> into tensor<40x24xf32>
  return %x, %w : tensor<6x3x40xf32>, tensor<40x24xf32>
}

func.func @print(%t: tensor<6x3x24xf32>) {
  %m = bufferization.to_buffer %t : tensor<6x3x24xf32> to memref<6x3x24xf32>
  %u = memref.cast %m : memref<6x3x24xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  return
}

func.func @collapsed() {
  %x, %w = call @inputs() : () -> (tensor<6x3x40xf32>, tensor<40x24xf32>)
  %r = call @product(%x, %w) : (tensor<6x3x40xf32>, tensor<40x24xf32>) -> tensor<6x3x24xf32>
  call @print(%r) : (tensor<6x3x24xf32>) -> ()
  return
}

func.func @batched() {
  %x, %w = call @inputs() : () -> (tensor<6x3x40xf32>, tensor<40x24xf32>)
  %r = call @product_batched(%x, %w) : (tensor<6x3x40xf32>, tensor<40x24xf32>) -> tensor<6x3x24xf32>
  call @print(%r) : (tensor<6x3x24xf32>) -> ()
  return
}
