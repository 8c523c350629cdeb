// RUN: fp8-opt %s -convert-fp8-matmul-to-gpu=chip=sm_89 -split-input-file | FileCheck %s
// RUN: fp8-opt %s -convert-fp8-matmul-to-gpu=chip=sm_90a -split-input-file | FileCheck %s --check-prefix=WGMMA

// Any shape: K and N that are not multiples of the MMA's 16 elements are
// read with masked loads (zeros past the edges, i.e. K padded with zeros),
// the aligned 16-byte loads being kept where the shape allows them.

// CHECK-LABEL: func.func @ragged_k
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul blocks in (%c1{{.*}}, %c1{{.*}}, %c1{{.*}}) threads in (%c128
// CHECK: gpu.func @scaled_matmul(%{{.*}}: memref<16x72xf8E4M3FN>, %{{.*}}: memref<72x24xf8E4M3FN>
// K = 72: both operands' chunks are masked: min(16, 72 - k) lanes.
// CHECK: %[[LEFT:.*]] = arith.subi %c72{{.*}}, %[[K:.*]] : index
// CHECK: %[[LEFT32:.*]] = arith.index_castui %[[LEFT]] : index to i32
// CHECK: %[[BOUND:.*]] = vector.broadcast %[[LEFT32]] : i32 to vector<16xi32>
// CHECK: %[[MASK:.*]] = arith.cmpi ult, %{{.*}}, %[[BOUND]] : vector<16xi32>
// CHECK: vector.maskedload %arg0[%{{.*}}, %[[K]]], %[[MASK]], %{{.*}} : memref<16x72xf8E4M3FN>, vector<16xi1>, vector<16xf8E4M3FN> into vector<16xf8E4M3FN>
// CHECK: vector.maskedload %arg1[{{.*}} : memref<72x24xf8E4M3FN>
// CHECK-NOT: vector.load %arg0
// WGMMA-LABEL: func.func @ragged_k
// WGMMA: gpu.func @scaled_matmul(
// WGMMA: vector.maskedload %arg0
// WGMMA: nvvm.wgmma.mma_async
func.func @ragged_k(%a: tensor<16x72xf8E4M3FN>, %b: tensor<72x24xf8E4M3FN>, %s: f32) -> tensor<16x24xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<16x72xf8E4M3FN>[f32], tensor<72x24xf8E4M3FN>[f32] -> tensor<16x24xf32>
  return %d : tensor<16x24xf32>
}

// -----

// K = 64 with a transposed rhs: every load stays a plain aligned one.
// CHECK-LABEL: func.func @aligned
// CHECK: gpu.func @scaled_matmul(
// CHECK-NOT: vector.maskedload
// CHECK: vector.load %arg0[{{.*}}] {alignment = 16 : i64}
// CHECK-NOT: vector.maskedload
// CHECK: gpu.return
func.func @aligned(%a: tensor<20x64xf8E4M3FN>, %b: tensor<24x64xf8E4M3FN>, %s: f32) -> tensor<20x24xf32> {
  %d = fp8.scaled_matmul %a[%s], %b[%s] {rhs_transposed}
      : tensor<20x64xf8E4M3FN>[f32], tensor<24x64xf8E4M3FN>[f32] -> tensor<20x24xf32>
  return %d : tensor<20x24xf32>
}

// -----

// Dynamic M, N and K: the grid is computed from the sizes at run time; the
// dynamic-shaped buffers reach the kernel as flat memrefs (their bare
// pointers) followed by their dynamic sizes, which the kernel reinterprets
// them with. The K-block scales are applied per 128-element group, ceil(K /
// 128) of them.
// CHECK-LABEL: func.func @dynamic(
// CHECK-DAG: %[[M:.*]] = memref.dim %[[A:.*]], %c0{{.*}} : memref<?x?xf8E4M3FN>
// CHECK-DAG: %[[K:.*]] = memref.dim %[[A]], %c1{{.*}} : memref<?x?xf8E4M3FN>
// CHECK: %[[FA:.*]] = memref.reinterpret_cast %[[A]] to offset: [0], sizes: [1099511627776], strides: [1] : memref<?x?xf8E4M3FN> to memref<1099511627776xf8E4M3FN>
// CHECK: %[[FB:.*]] = memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [1099511627776], strides: [1] : memref<?x?xf8E4M3FN> to memref<1099511627776xf8E4M3FN>
// CHECK: %[[FSA:.*]] = memref.reinterpret_cast %{{.*}} : memref<?x?xf32> to memref<1099511627776xf32>
// CHECK: %[[D:.*]] = memref.alloc(%{{.*}}, %{{.*}}) : memref<?x?xf32>
// CHECK: %[[FD:.*]] = memref.reinterpret_cast %[[D]] {{.*}} : memref<?x?xf32> to memref<1099511627776xf32>
// CHECK: %[[GX:.*]] = arith.ceildivui %{{.*}}, %c64{{.*}} : index
// CHECK: %[[GY:.*]] = arith.ceildivui %{{.*}}, %c128{{.*}} : index
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul blocks in (%[[GX]], %[[GY]], %c1{{.*}}) threads in (%c128{{.*}}, %{{.*}}, %{{.*}}) args(%[[FA]] : memref<1099511627776xf8E4M3FN>, %[[FB]] : memref<1099511627776xf8E4M3FN>, %[[FSA]] : memref<1099511627776xf32>, %{{.*}} : f32, %[[FD]] : memref<1099511627776xf32>, %[[M]] : index, %[[K]] : index, %{{.*}} : index, %{{.*}} : index, %{{.*}} : index, %{{.*}} : index, %{{.*}} : index, %{{.*}} : index)
// CHECK: gpu.func @scaled_matmul(%[[KA:.*]]: memref<1099511627776xf8E4M3FN>, %{{.*}}: memref<1099511627776xf8E4M3FN>, %{{.*}}: memref<1099511627776xf32>, %{{.*}}: f32, %{{.*}}: memref<1099511627776xf32>, %[[KM:arg[0-9]+]]: index, %[[KK:arg[0-9]+]]: index,
// CHECK: %[[VA:.*]] = memref.reinterpret_cast %[[KA]] to offset: [0], sizes: [%[[KM]], %[[KK]]], strides: [%[[KK]], 1] : memref<1099511627776xf8E4M3FN> to memref<?x?xf8E4M3FN, strided<[?, 1]>>
// CHECK: %[[GROUPS:.*]] = arith.ceildivui %{{.*}}, %c128{{.*}} : index
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[GROUPS]]
// CHECK: vector.maskedload %[[VA]]
func.func @dynamic(%a: tensor<?x?xf8E4M3FN>, %sa: tensor<?x?xf32>, %b: tensor<?x?xf8E4M3FN>, %s: f32) -> tensor<?x?xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%s] {lhs_block = array<i64: 1, 128>, rhs_transposed}
      : tensor<?x?xf8E4M3FN>[tensor<?x?xf32>], tensor<?x?xf8E4M3FN>[f32] -> tensor<?x?xf32>
  return %d : tensor<?x?xf32>
}

// -----

// A dynamic batch and sequence length (HiF8, decoded to f16 while staged):
// the grid's z is the batch, N masked along the [K, N] rhs.
// CHECK-LABEL: func.func @dynamic_batch(
// CHECK: memref.reinterpret_cast %{{.*}} : memref<?x?x40xbf16> to memref<1099511627776xbf16>
// CHECK: %[[BATCH:.*]] = memref.dim %{{.*}}, %c0{{.*}} : memref<?x?x40xbf16>
// CHECK: %[[M:.*]] = memref.dim %{{.*}}, %c1{{.*}} : memref<?x?x40xbf16>
// CHECK: %[[GY:.*]] = arith.ceildivui %[[M]], %c128{{.*}} : index
// CHECK: gpu.launch_func @fp8_kernels::@scaled_matmul blocks in (%c1{{.*}}, %[[GY]], %[[BATCH]])
// CHECK: gpu.func @scaled_matmul(
// CHECK: vector.maskedload {{.*}} : memref<?x40x40x!fp8.hif8, strided<[1600, 40, 1]>>
func.func @dynamic_batch(%a: tensor<?x?x40x!fp8.hif8>, %b: tensor<?x40x40x!fp8.hif8>, %s: f32) -> tensor<?x?x40xbf16> {
  %d = fp8.scaled_matmul %a[%s], %b[%s]
      : tensor<?x?x40x!fp8.hif8>[f32], tensor<?x40x40x!fp8.hif8>[f32] -> tensor<?x?x40xbf16>
  return %d : tensor<?x?x40xbf16>
}
