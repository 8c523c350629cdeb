// RUN: fp8-opt %s -fp8-lower-alloca-scopes -split-input-file | FileCheck %s

// A scope that allocates on the stack: its ops between a stack save and a
// restore, its results the values it returned.
// CHECK-LABEL: func @allocates
// CHECK: %[[S:.*]] = llvm.intr.stacksave : !llvm.ptr
// CHECK: %[[T:.*]] = memref.alloca() : memref<16xf32>
// CHECK: scf.for
// CHECK: %[[V:.*]] = memref.load %[[T]]
// CHECK: llvm.intr.stackrestore %[[S]] : !llvm.ptr
// CHECK-NOT: memref.alloca_scope
// CHECK: return %[[V]]
func.func @allocates(%m: memref<16xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %r = memref.alloca_scope -> f32 {
    %t = memref.alloca() : memref<16xf32>
    scf.for %i = %c0 to %c16 step %c1 {
      %v = memref.load %m[%i] : memref<16xf32>
      memref.store %v, %t[%i] : memref<16xf32>
    }
    %v = memref.load %t[%c0] : memref<16xf32>
    memref.alloca_scope.return %v : f32
  }
  return %r : f32
}

// -----

// No stack allocation: the ops inlined, nothing saved.
// CHECK-LABEL: func @plain
// CHECK-NOT: llvm.intr.stacksave
// CHECK-NOT: memref.alloca_scope
// CHECK: memref.store
func.func @plain(%m: memref<16xf32>, %x: f32) {
  %c0 = arith.constant 0 : index
  memref.alloca_scope {
    memref.store %x, %m[%c0] : memref<16xf32>
  }
  return
}

// -----

// Nested scopes: both inlined, each saving the stack for its own alloca.
// CHECK-LABEL: func @nested
// CHECK: %[[OUTER:.*]] = llvm.intr.stacksave
// CHECK: memref.alloca() : memref<4xf32>
// CHECK: %[[INNER:.*]] = llvm.intr.stacksave
// CHECK: memref.alloca() : memref<8xf32>
// CHECK: llvm.intr.stackrestore %[[INNER]]
// CHECK: llvm.intr.stackrestore %[[OUTER]]
func.func @nested() {
  memref.alloca_scope {
    %a = memref.alloca() : memref<4xf32>
    memref.alloca_scope {
      %b = memref.alloca() : memref<8xf32>
    }
  }
  return
}
