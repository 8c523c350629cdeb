// Results do not depend on the thread count, bit for bit: quantization
// with per-row scales, row and column reductions, an f32 matmul and a
// scaled matmul through fp8-cpu-pipeline (all of them on threads: every
// function has a parallel region), run on 1, 2 and 3 threads (3: uneven
// shares) and without threads, every result printed as its bits.
//
// RUN: fp8-opt %s -fp8-cpu-pipeline -o %t.threaded.mlir
// RUN: FileCheck %s --check-prefix=IR < %t.threaded.mlir
// RUN: env OMP_NUM_THREADS=1 mlir-runner %t.threaded.mlir -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime \
// RUN: | sed -e 's/base@ = 0x[0-9a-f]*//' > %t.1
// RUN: env OMP_NUM_THREADS=2 mlir-runner %t.threaded.mlir -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime \
// RUN: | sed -e 's/base@ = 0x[0-9a-f]*//' > %t.2
// RUN: env OMP_NUM_THREADS=3 mlir-runner %t.threaded.mlir -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%mlir_runner_utils,%fp8_test_runtime \
// RUN: | sed -e 's/base@ = 0x[0-9a-f]*//' > %t.3
// RUN: fp8-opt %s -fp8-cpu-pipeline=threads=false \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%mlir_runner_utils,%fp8_test_runtime \
// RUN: | sed -e 's/base@ = 0x[0-9a-f]*//' > %t.serial
// RUN: diff %t.1 %t.2
// RUN: diff %t.1 %t.3
// RUN: diff %t.1 %t.serial
// RUN: FileCheck %s < %t.1

// IR-LABEL: llvm.func @quantize(
// IR: omp.parallel
// IR-LABEL: llvm.func @row_reductions(
// IR: omp.parallel
// IR-LABEL: llvm.func @column_sum(
// IR: omp.parallel
// IR-LABEL: llvm.func @matmul(
// IR: omp.parallel
// IR-LABEL: llvm.func @scaled_matmul(
// IR: omp.parallel

// CHECK: rank = 3 offset = 0 sizes = [1, 64, 1024]
// CHECK: rank = 3 offset = 0 sizes = [1, 256, 1]
// CHECK: rank = 3 offset = 0 sizes = [1, 256, 1]
// CHECK: rank = 2 offset = 0 sizes = [1, 256]
// CHECK: rank = 3 offset = 0 sizes = [1, 128, 128]
// CHECK: rank = 3 offset = 0 sizes = [1, 128, 128]

func.func private @fp8rt_fill_normal_3d_f32(memref<?x?x?xf32>, f32, i32) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(memref<*xi32>)

func.func @quantize(%x: tensor<1x64x1024xf32>) -> tensor<1x64x1024xi32> {
  %a = fp8.amax %x {block = array<i64: 1, 1, 1024>} : tensor<1x64x1024xf32> -> tensor<1x64x1xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN} : tensor<1x64x1xf32> -> tensor<1x64x1xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 1, 1024>}
      : tensor<1x64x1024xf32>, tensor<1x64x1xf32> to tensor<1x64x1024xf8E4M3FN>
  %c = fp8.bitcast %q : tensor<1x64x1024xf8E4M3FN> to tensor<1x64x1024xi8>
  %w = arith.extsi %c : tensor<1x64x1024xi8> to tensor<1x64x1024xi32>
  return %w : tensor<1x64x1024xi32>
}

// Softmax's reductions: the maximum and the sum of exponentials of each row.
func.func @row_reductions(%x: tensor<1x256x1024xf32>) -> (tensor<1x256x1xi32>, tensor<1x256x1xi32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x256x1xf32>
  %m0 = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x256x1xf32>) -> tensor<1x256x1xf32>
  %max = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<1x256x1024xf32>) outs(%m0 : tensor<1x256x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<1x256x1xf32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e : tensor<1x256x1xf32>) -> tensor<1x256x1xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x, %max : tensor<1x256x1024xf32>, tensor<1x256x1xf32>) outs(%s0 : tensor<1x256x1xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %d = arith.subf %in, %m : f32
    %v = math.exp %d : f32
    %s = arith.addf %v, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x256x1xf32>
  %bm = arith.bitcast %max : tensor<1x256x1xf32> to tensor<1x256x1xi32>
  %bs = arith.bitcast %sum : tensor<1x256x1xf32> to tensor<1x256x1xi32>
  return %bm, %bs : tensor<1x256x1xi32>, tensor<1x256x1xi32>
}

func.func @column_sum(%x: tensor<1x4096x256xf32>) -> tensor<1x256xi32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x256xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x256xf32>) -> tensor<1x256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%x : tensor<1x4096x256xf32>) outs(%init : tensor<1x256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.addf %in, %out : f32
    linalg.yield %s : f32
  } -> tensor<1x256xf32>
  %b = arith.bitcast %r : tensor<1x256xf32> to tensor<1x256xi32>
  return %b : tensor<1x256xi32>
}

func.func @matmul(%a: tensor<1x128x256xf32>, %b: tensor<1x256x128xf32>) -> tensor<1x128x128xi32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128x128xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
  %r = linalg.batch_matmul ins(%a, %b : tensor<1x128x256xf32>, tensor<1x256x128xf32>) outs(%init : tensor<1x128x128xf32>) -> tensor<1x128x128xf32>
  %bits = arith.bitcast %r : tensor<1x128x128xf32> to tensor<1x128x128xi32>
  return %bits : tensor<1x128x128xi32>
}

func.func @scaled_matmul(%xa: tensor<1x128x256xf32>, %xb: tensor<1x256x128xf32>) -> tensor<1x128x128xi32> {
  %aA = fp8.amax %xa {block = array<i64: 1, 1, 256>} : tensor<1x128x256xf32> -> tensor<1x128x1xf32>
  %sA = fp8.compute_scale %aA {format = f8E4M3FN} : tensor<1x128x1xf32> -> tensor<1x128x1xf32>
  %qA = fp8.quantize %xa, %sA {block = array<i64: 1, 1, 256>} : tensor<1x128x256xf32>, tensor<1x128x1xf32> to tensor<1x128x256xf8E4M3FN>
  %aB = fp8.amax %xb {block = array<i64: 1, 256, 1>} : tensor<1x256x128xf32> -> tensor<1x1x128xf32>
  %sB = fp8.compute_scale %aB {format = f8E4M3FN} : tensor<1x1x128xf32> -> tensor<1x1x128xf32>
  %qB = fp8.quantize %xb, %sB {block = array<i64: 1, 256, 1>} : tensor<1x256x128xf32>, tensor<1x1x128xf32> to tensor<1x256x128xf8E4M3FN>
  %d = fp8.scaled_matmul %qA[%sA], %qB[%sB] {lhs_block = array<i64: 1, 1, 256>, rhs_block = array<i64: 1, 256, 1>}
      : tensor<1x128x256xf8E4M3FN>[tensor<1x128x1xf32>], tensor<1x256x128xf8E4M3FN>[tensor<1x1x128xf32>] -> tensor<1x128x128xf32>
  %bits = arith.bitcast %d : tensor<1x128x128xf32> to tensor<1x128x128xi32>
  return %bits : tensor<1x128x128xi32>
}

func.func @filled(%d0: index, %d1: index, %d2: index, %seed: i32) -> memref<?x?x?xf32> {
  %one = arith.constant 1.0 : f32
  %m = memref.alloc(%d0, %d1, %d2) : memref<?x?x?xf32>
  call @fp8rt_fill_normal_3d_f32(%m, %one, %seed) : (memref<?x?x?xf32>, f32, i32) -> ()
  return %m : memref<?x?x?xf32>
}

func.func @print3(%t: tensor<?x?x?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?x?x?xi32> to memref<?x?x?xi32>
  %u = memref.cast %m : memref<?x?x?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @main() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  %c4096 = arith.constant 4096 : index
  %s1 = arith.constant 1 : i32
  %s2 = arith.constant 2 : i32
  %s3 = arith.constant 3 : i32
  %s4 = arith.constant 4 : i32
  %s5 = arith.constant 5 : i32

  %xqm = call @filled(%c1, %c64, %c1024, %s1) : (index, index, index, i32) -> memref<?x?x?xf32>
  %xqd = bufferization.to_tensor %xqm restrict : memref<?x?x?xf32> to tensor<?x?x?xf32>
  %xq = tensor.cast %xqd : tensor<?x?x?xf32> to tensor<1x64x1024xf32>
  %q = call @quantize(%xq) : (tensor<1x64x1024xf32>) -> tensor<1x64x1024xi32>
  %qd = tensor.cast %q : tensor<1x64x1024xi32> to tensor<?x?x?xi32>
  call @print3(%qd) : (tensor<?x?x?xi32>) -> ()

  %xrm = call @filled(%c1, %c256, %c1024, %s2) : (index, index, index, i32) -> memref<?x?x?xf32>
  %xrd = bufferization.to_tensor %xrm restrict : memref<?x?x?xf32> to tensor<?x?x?xf32>
  %xr = tensor.cast %xrd : tensor<?x?x?xf32> to tensor<1x256x1024xf32>
  %max, %sum = call @row_reductions(%xr) : (tensor<1x256x1024xf32>) -> (tensor<1x256x1xi32>, tensor<1x256x1xi32>)
  %maxd = tensor.cast %max : tensor<1x256x1xi32> to tensor<?x?x?xi32>
  call @print3(%maxd) : (tensor<?x?x?xi32>) -> ()
  %sumd = tensor.cast %sum : tensor<1x256x1xi32> to tensor<?x?x?xi32>
  call @print3(%sumd) : (tensor<?x?x?xi32>) -> ()

  %xcm = call @filled(%c1, %c4096, %c256, %s3) : (index, index, index, i32) -> memref<?x?x?xf32>
  %xcd = bufferization.to_tensor %xcm restrict : memref<?x?x?xf32> to tensor<?x?x?xf32>
  %xc = tensor.cast %xcd : tensor<?x?x?xf32> to tensor<1x4096x256xf32>
  %cs = call @column_sum(%xc) : (tensor<1x4096x256xf32>) -> tensor<1x256xi32>
  %csm = bufferization.to_buffer %cs : tensor<1x256xi32> to memref<1x256xi32>
  %csu = memref.cast %csm : memref<1x256xi32> to memref<*xi32>
  call @printMemrefI32(%csu) : (memref<*xi32>) -> ()

  %xam = call @filled(%c1, %c128, %c256, %s4) : (index, index, index, i32) -> memref<?x?x?xf32>
  %xad = bufferization.to_tensor %xam restrict : memref<?x?x?xf32> to tensor<?x?x?xf32>
  %xa = tensor.cast %xad : tensor<?x?x?xf32> to tensor<1x128x256xf32>
  %xbm = call @filled(%c1, %c256, %c128, %s5) : (index, index, index, i32) -> memref<?x?x?xf32>
  %xbd = bufferization.to_tensor %xbm restrict : memref<?x?x?xf32> to tensor<?x?x?xf32>
  %xb = tensor.cast %xbd : tensor<?x?x?xf32> to tensor<1x256x128xf32>
  %mm = call @matmul(%xa, %xb) : (tensor<1x128x256xf32>, tensor<1x256x128xf32>) -> tensor<1x128x128xi32>
  %mmd = tensor.cast %mm : tensor<1x128x128xi32> to tensor<?x?x?xi32>
  call @print3(%mmd) : (tensor<?x?x?xi32>) -> ()
  %sm = call @scaled_matmul(%xa, %xb) : (tensor<1x128x256xf32>, tensor<1x256x128xf32>) -> tensor<1x128x128xi32>
  %smd = tensor.cast %sm : tensor<1x128x128xi32> to tensor<?x?x?xi32>
  call @print3(%smd) : (tensor<?x?x?xi32>) -> ()

  return
}
