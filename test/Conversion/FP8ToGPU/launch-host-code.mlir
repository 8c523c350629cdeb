// RUN: fp8-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(fp8-gpu-launch-host-code))' | FileCheck %s
// RUN: fp8-opt %s -split-input-file --fp8-gpu-copies-to-linalg | FileCheck %s --check-prefix=COPY
// RUN: fp8-opt %s -split-input-file --fp8-gpu-host-shared-allocs | FileCheck %s --check-prefix=SHARED

// A reduction to a scalar (what gpu-map-parallel-loops leaves on the host)
// and the store that initializes it become one single-thread launch; the
// dynamic-shaped buffer it captures is passed as a flat memref and its
// size, the view rebuilt inside.
// CHECK-LABEL: func.func @sum
// CHECK-SAME: (%[[X:.*]]: memref<?xf32>, %[[R:.*]]: memref<f32>)
// CHECK: %[[BASE:.*]], %[[OFF:.*]], %[[SIZE:.*]], %[[STRIDE:.*]] = memref.extract_strided_metadata %[[X]]
// CHECK: %[[FLAT:.*]] = memref.reinterpret_cast %[[BASE]] to offset: [0], sizes: [1099511627776], strides: [1] : memref<f32> to memref<1099511627776xf32>
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %[[ONE:.*]], %{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]]) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]], %{{.*}} = %[[ONE]])
// CHECK: %[[VIEW:.*]] = memref.reinterpret_cast %[[FLAT]] to offset: [0], sizes: [%[[SIZE]]], strides: [1] : memref<1099511627776xf32> to memref<?xf32>
// CHECK: %[[DIM:.*]] = memref.dim %[[VIEW]], %c0
// CHECK: memref.store %{{.*}}, %[[R]][]
// CHECK: scf.for %[[I:.*]] = %c0{{.*}} to %[[DIM]]
// CHECK: memref.load %[[VIEW]][%[[I]]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.for
// CHECK: return
func.func @sum(%x: memref<?xf32>, %r: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %x, %c0 : memref<?xf32>
  memref.store %zero, %r[] : memref<f32>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %x[%i] : memref<?xf32>
    %s = memref.load %r[] : memref<f32>
    %t = arith.addf %s, %v : f32
    memref.store %t, %r[] : memref<f32>
  }
  return
}

// -----

// Loops with a launch inside stay on the host; scalar loads too.
// CHECK-LABEL: func.func @host_loop
// CHECK: %[[S:.*]] = memref.load
// CHECK-NEXT: scf.for
// CHECK-NEXT: gpu.launch
// CHECK-NOT: gpu.launch
func.func @host_loop(%x: memref<4xf32>, %s: memref<f32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %v = memref.load %s[] : memref<f32>
  scf.for %i = %c0 to %c4 step %c1 {
    gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1) threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
      memref.store %v, %x[%tx] : memref<4xf32>
      gpu.terminator
    }
  }
  return %v : f32
}

// -----

// COPY-LABEL: func.func @copy
// COPY: linalg.copy ins(%{{.*}} : memref<?xf32, strided<[?], offset: ?>>) outs(%{{.*}} : memref<?xf32>)
// COPY-NOT: memref.copy
// SHARED-LABEL: func.func @copy
// SHARED: %[[A:.*]] = gpu.alloc host_shared (%{{.*}}) : memref<?xf32>
// SHARED: %[[G:.*]] = memref.get_global @table : memref<4xf32>
// SHARED: %[[GA:.*]] = gpu.alloc host_shared () : memref<4xf32>
// SHARED: memref.copy %[[G]], %[[GA]]
// SHARED: call @use(%[[GA]])
// SHARED: %[[T:.*]] = gpu.wait async
// SHARED: gpu.dealloc async [%[[T]]] %[[A]]
// SHARED: gpu.wait
// SHARED: gpu.dealloc async [%{{.*}}] %[[GA]]
// SHARED: return
memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
func.func private @use(memref<4xf32>)
func.func @copy(%x: memref<?xf32, strided<[?], offset: ?>>, %n: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  memref.copy %x, %a : memref<?xf32, strided<[?], offset: ?>> to memref<?xf32>
  %g = memref.get_global @table : memref<4xf32>
  func.call @use(%g) : (memref<4xf32>) -> ()
  memref.dealloc %a : memref<?xf32>
  return
}
