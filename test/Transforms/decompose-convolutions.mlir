// RUN: fp8-opt %s -fp8-decompose-convolutions -split-input-file | FileCheck %s
// RUN: fp8-opt %s -fp8-decompose-convolutions=max-taps=4 -split-input-file | FileCheck %s --check-prefix=FOUR
// RUN: not fp8-opt %s -fp8-decompose-convolutions=max-taps=0 -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: fp8-decompose-convolutions: max-taps must be >= 1, got 0

// A dilated, strided 3x3 NCHW convolution: one strided copy of the input per
// tap into [N, C, KH, KW, OH, OW], collapsed to the im2col matrix
// [N, C*KH*KW, OH*OW], contracted with the filter [F, C*KH*KW].
// CHECK-LABEL: func @conv_nchw
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x15x15xf32>, %[[W:.*]]: tensor<8x4x3x3xf32>, %[[O:.*]]: tensor<2x8x5x5xf32>)
// CHECK: %[[COL:.*]] = tensor.empty() : tensor<2x4x3x3x5x5xf32>
// CHECK: %[[TAP:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [2, 4, 5, 5] [1, 1, 2, 2]
// CHECK: %[[DST:.*]] = tensor.extract_slice %[[COL]][0, 0, 0, 0, 0, 0] [2, 4, 1, 1, 5, 5]
// CHECK: linalg.copy ins(%[[TAP]] : tensor<2x4x5x5xf32>) outs(%[[DST]] : tensor<2x4x5x5xf32>)
// The last tap: rows and columns 2 * 2 (dilation) further.
// CHECK: tensor.extract_slice %[[X]][0, 0, 4, 4] [2, 4, 5, 5] [1, 1, 2, 2]
// CHECK: %[[FULL:.*]] = tensor.insert_slice %{{.*}}[0, 0, 2, 2, 0, 0] [2, 4, 1, 1, 5, 5]
// CHECK: %[[MATRIX:.*]] = tensor.collapse_shape %[[FULL]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<2x4x3x3x5x5xf32> into tensor<2x36x25xf32>
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<8x4x3x3xf32> into tensor<8x36xf32>
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[W2]], %[[MATRIX]] : tensor<8x36xf32>, tensor<2x36x25xf32>)
// CHECK-NOT: linalg.memoized_indexing_maps
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.expand_shape %[[R]] {{\[}}[0], [1], [2, 3]] {{.*}} : tensor<2x8x25xf32> into tensor<2x8x5x5xf32>
func.func @conv_nchw(%x: tensor<2x4x15x15xf32>, %w: tensor<8x4x3x3xf32>, %o: tensor<2x8x5x5xf32>) -> tensor<2x8x5x5xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<2x4x15x15xf32>, tensor<8x4x3x3xf32>) outs(%o : tensor<2x8x5x5xf32>) -> tensor<2x8x5x5xf32>
  return %r : tensor<2x8x5x5xf32>
}

// -----

// A 1x1 NCHW convolution with unit strides: its im2col matrix is its input,
// reshaped; no copy.
// CHECK-LABEL: func @conv_nchw_1x1
// CHECK-SAME: (%[[X:.*]]: tensor<2x16x8x8xf32>
// CHECK-NOT: linalg.copy
// CHECK: %[[MATRIX:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]] : tensor<2x16x8x8xf32> into tensor<2x16x64xf32>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[MATRIX]] : tensor<32x16xf32>, tensor<2x16x64xf32>)
func.func @conv_nchw_1x1(%x: tensor<2x16x8x8xf32>, %w: tensor<32x16x1x1xf32>, %o: tensor<2x32x8x8xf32>) -> tensor<2x32x8x8xf32> {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<2x16x8x8xf32>, tensor<32x16x1x1xf32>) outs(%o : tensor<2x32x8x8xf32>) -> tensor<2x32x8x8xf32>
  return %r : tensor<2x32x8x8xf32>
}

// -----

// A depthwise convolution: one element-wise generic over the output, whose
// inputs are the 4 strided windows of the input and the filter's value per
// channel at each tap, applying the op's body once per tap.
// CHECK-LABEL: func @depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x9x9xf32>, %[[W:.*]]: tensor<8x2x2xf32>
// CHECK-DAG: %[[T00:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0] [1, 8, 4, 4] [1, 1, 2, 2]
// CHECK-DAG: %[[W00:.*]] = tensor.extract_slice %[[W]][0, 0, 0] [8, 1, 1] [1, 1, 1] : tensor<8x2x2xf32> to tensor<8xf32>
// CHECK-DAG: %[[T11:.*]] = tensor.extract_slice %[[X]][0, 0, 1, 1] [1, 8, 4, 4] [1, 1, 2, 2]
// CHECK-DAG: %[[W11:.*]] = tensor.extract_slice %[[W]][0, 1, 1] [8, 1, 1] [1, 1, 1] : tensor<8x2x2xf32> to tensor<8xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[T00]], %{{.*}}, %{{.*}}, %[[T11]], %[[W00]], %{{.*}}, %{{.*}}, %[[W11]] :
// CHECK: ^bb0(%[[I0:.*]]: f32, %[[I1:.*]]: f32, %[[I2:.*]]: f32, %[[I3:.*]]: f32, %[[F0:.*]]: f32, %[[F1:.*]]: f32, %[[F2:.*]]: f32, %[[F3:.*]]: f32, %[[OUT:.*]]: f32):
// CHECK: %[[P0:.*]] = arith.mulf %[[I0]], %[[F0]]
// CHECK: %[[S0:.*]] = arith.addf %[[OUT]], %[[P0]]
// CHECK: %[[P1:.*]] = arith.mulf %[[I1]], %[[F1]]
// CHECK: %[[S1:.*]] = arith.addf %[[S0]], %[[P1]]
// CHECK: arith.mulf %[[I2]], %[[F2]]
// CHECK: arith.mulf %[[I3]], %[[F3]]
// CHECK: %[[S3:.*]] = arith.addf
// CHECK: linalg.yield %[[S3]]
func.func @depthwise(%x: tensor<1x8x9x9xf32>, %w: tensor<8x2x2xf32>, %o: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %r = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<1x8x9x9xf32>, tensor<8x2x2xf32>) outs(%o : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %r : tensor<1x8x4x4xf32>
}

// -----

// Max pooling: the window operand only gives the window's shape; 9 taps.
// With max-taps=4 it is left alone.
// CHECK-LABEL: func @max_pool
// CHECK-NOT: linalg.pooling
// CHECK: linalg.generic {{.*}} : tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) outs(%{{.*}} : tensor<1x4x8x8xf32>)
// CHECK-COUNT-9: arith.maximumf
// FOUR-LABEL: func @max_pool
// FOUR: linalg.pooling_nhwc_max
func.func @max_pool(%x: tensor<1x10x10x8xf32>, %o: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %window = tensor.empty() : tensor<3x3xf32>
  %r = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>}
     ins(%x, %window : tensor<1x10x10x8xf32>, tensor<3x3xf32>) outs(%o : tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %r : tensor<1x4x8x8xf32>
}
