// fp8-cpu-pipeline's threads (on by default): the outer tile loops of
// conversions, quantization, reductions and contractions become OpenMP
// work-sharing loops in parallel regions (calls to the OpenMP runtime once
// translated to LLVM IR), small ops stay serial; threads=false leaves no
// OpenMP op.
//
// RUN: fp8-opt %s -fp8-cpu-pipeline | FileCheck %s
// RUN: fp8-opt %s -fp8-cpu-pipeline=threads=false \
// RUN: | FileCheck %s --check-prefix=SERIAL --implicit-check-not=omp.
// RUN: fp8-opt %s -fp8-cpu-pipeline | mlir-translate -mlir-to-llvmir \
// RUN: | FileCheck %s --check-prefix=IR

// SERIAL-LABEL: llvm.func @quantize
// SERIAL-LABEL: llvm.func @matmul

// CHECK-LABEL: llvm.func @quantize(
// CHECK: omp.parallel {
// CHECK-NEXT: omp.wsloop {
// CHECK-NEXT: omp.loop_nest (%{{.*}}) : i64 = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK: omp.yield
// IR-LABEL: define {{.*}} @quantize(
// IR: call void {{.*}}@__kmpc_fork_call(
// IR: call void @__kmpc_for_static_init_8u(
func.func @quantize(%x: tensor<256x1000xf32>, %s: tensor<256x1xf32>) -> tensor<256x1000xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 1000>} : tensor<256x1000xf32>, tensor<256x1xf32> to tensor<256x1000xf8E4M3FN>
  return %q : tensor<256x1000xf8E4M3FN>
}

// CHECK-LABEL: llvm.func @small(
// CHECK-NOT: omp.
// CHECK: llvm.return
func.func @small(%x: tensor<4x1000xf32>, %s: tensor<4x1xf32>) -> tensor<4x1000xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 1000>} : tensor<4x1000xf32>, tensor<4x1xf32> to tensor<4x1000xf8E4M3FN>
  return %q : tensor<4x1000xf8E4M3FN>
}

// CHECK-LABEL: llvm.func @row_max(
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.intr.vector.reduce.fmaximum
func.func @row_max(%x: tensor<256x1024xf32>) -> tensor<256xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<256xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<256x1024xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %out : f32
    linalg.yield %m : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

// CHECK-LABEL: llvm.func @matmul(
// CHECK: omp.parallel
// CHECK: omp.wsloop
// CHECK: llvm.intr.fmuladd
func.func @matmul(%a: tensor<128x64xf32>, %b: tensor<64x128xf32>, %c: tensor<128x128xf32>) -> tensor<128x128xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<128x64xf32>, tensor<64x128xf32>) outs(%c : tensor<128x128xf32>) -> tensor<128x128xf32>
  return %r : tensor<128x128xf32>
}

// A parallel loop on buffers whose body allocates on the stack: the stack
// is saved and restored around each iteration (convert-scf-to-openmp's
// alloca scope, inlined by fp8-lower-alloca-scopes before the loops in it
// become branches).
// CHECK-LABEL: llvm.func @stack_per_iteration(
// CHECK: omp.parallel
// CHECK: omp.loop_nest
// CHECK: llvm.intr.stacksave
// CHECK: llvm.alloca
// CHECK: llvm.intr.stackrestore
// SERIAL-LABEL: llvm.func @stack_per_iteration(
func.func @stack_per_iteration(%m: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    %t = memref.alloca() : memref<64xf32>
    scf.for %j = %c0 to %c64 step %c1 {
      %v = memref.load %m[%i, %j] : memref<64x64xf32>
      memref.store %v, %t[%j] : memref<64xf32>
    }
    scf.for %j = %c0 to %c64 step %c1 {
      %v = memref.load %t[%j] : memref<64xf32>
      %w = arith.addf %v, %v : f32
      memref.store %w, %m[%i, %j] : memref<64x64xf32>
    }
    scf.reduce
  }
  return
}
