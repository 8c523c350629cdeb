// Convolutions, depthwise convolutions, pooling and padding through
// fp8-cpu-pipeline (fp8-decompose-convolutions: im2col copies and a
// register-tiled contraction, or one element-wise op per window; pads as a
// fill and a vectorized copy) against the same computation written as a
// linalg.generic with the convolution's own indexing maps, which no pass
// rewrites (scalar loops). The data are small integers, so every sum is
// exact in any order: the results must be equal.
//
// RUN: fp8-opt %s -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime \
// RUN: | FileCheck %s

// CHECK: conv nchw 3x3 dilation 2
// CHECK-NEXT: 0
// CHECK: conv nchw 3x3 stride 2
// CHECK-NEXT: 0
// CHECK: conv nchw 1x1
// CHECK-NEXT: 0
// CHECK: conv nhwc hwcf 3x3 stride 2, odd sizes
// CHECK-NEXT: 0
// CHECK: conv nhwc fhwc 2x2
// CHECK-NEXT: 0
// CHECK: depthwise nchw 3x3 stride 2
// CHECK-NEXT: 0
// CHECK: depthwise nhwc 3x3
// CHECK-NEXT: 0
// CHECK: max pool nchw 3x3 stride 2 after a -inf pad
// CHECK-NEXT: 0
// CHECK: sum pool nhwc 2x2
// CHECK-NEXT: 0

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Small integers in [-3, 3] (plus `seed`), as f32.
func.func private @integers(%t: tensor<?x?x?x?xf32>, %seed: index) -> tensor<?x?x?x?xf32> {
  %r = linalg.generic {indexing_maps = [#id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%t : tensor<?x?x?x?xf32>) {
  ^bb0(%out: f32):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %c13 = arith.constant 13 : index
    %c7 = arith.constant 7 : index
    %c5 = arith.constant 5 : index
    %c3 = arith.constant 3 : index
    %a = arith.muli %i0, %c13 : index
    %b = arith.muli %i1, %c7 : index
    %c = arith.muli %i2, %c5 : index
    %d = arith.muli %i3, %c3 : index
    %s0 = arith.addi %a, %b : index
    %s1 = arith.addi %s0, %c : index
    %s2 = arith.addi %s1, %d : index
    %s3 = arith.addi %s2, %seed : index
    %m = arith.remui %s3, %c7 : index
    %v = arith.subi %m, %c3 : index
    %i = arith.index_cast %v : index to i32
    %f = arith.sitofp %i : i32 to f32
    linalg.yield %f : f32
  } -> tensor<?x?x?x?xf32>
  return %r : tensor<?x?x?x?xf32>
}

func.func private @make(%d0: index, %d1: index, %d2: index, %d3: index, %seed: index) -> tensor<?x?x?x?xf32> {
  %e = tensor.empty(%d0, %d1, %d2, %d3) : tensor<?x?x?x?xf32>
  %r = func.call @integers(%e, %seed) : (tensor<?x?x?x?xf32>, index) -> tensor<?x?x?x?xf32>
  return %r : tensor<?x?x?x?xf32>
}

// The largest |a - b|, printed.
func.func private @report(%a: tensor<?x?x?x?xf32>, %b: tensor<?x?x?x?xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %r = linalg.generic {indexing_maps = [#id4, #id4, affine_map<(d0, d1, d2, d3) -> ()>], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%a, %b : tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) outs(%init : tensor<f32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %d = arith.subf %x, %y : f32
    %m = math.absf %d : f32
    %n = arith.maximumf %m, %acc : f32
    linalg.yield %n : f32
  } -> tensor<f32>
  %v = tensor.extract %r[] : tensor<f32>
  vector.print %v : f32
  return
}

func.func private @zeros(%t: tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %r = linalg.fill ins(%zero : f32) outs(%t : tensor<?x?x?x?xf32>) -> tensor<?x?x?x?xf32>
  return %r : tensor<?x?x?x?xf32>
}

func.func @conv_nchw(%x: tensor<2x8x13x13xf32>, %w: tensor<16x8x3x3xf32>, %o: tensor<2x16x9x9xf32>) -> (tensor<2x16x9x9xf32>, tensor<2x16x9x9xf32>) {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<2x8x13x13xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<2x16x9x9xf32>) -> tensor<2x16x9x9xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, i, j) -> (n, c, h + i * 2, w + j * 2)>, affine_map<(n, f, h, w, c, i, j) -> (f, c, i, j)>, affine_map<(n, f, h, w, c, i, j) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
     ins(%x, %w : tensor<2x8x13x13xf32>, tensor<16x8x3x3xf32>) outs(%o : tensor<2x16x9x9xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x16x9x9xf32>
  return %r, %g : tensor<2x16x9x9xf32>, tensor<2x16x9x9xf32>
}

func.func @conv_nchw_strided(%x: tensor<3x4x11x11xf32>, %w: tensor<8x4x3x3xf32>, %o: tensor<3x8x5x5xf32>) -> (tensor<3x8x5x5xf32>, tensor<3x8x5x5xf32>) {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<3x4x11x11xf32>, tensor<8x4x3x3xf32>) outs(%o : tensor<3x8x5x5xf32>) -> tensor<3x8x5x5xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, i, j) -> (n, c, h * 2 + i, w * 2 + j)>, affine_map<(n, f, h, w, c, i, j) -> (f, c, i, j)>, affine_map<(n, f, h, w, c, i, j) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
     ins(%x, %w : tensor<3x4x11x11xf32>, tensor<8x4x3x3xf32>) outs(%o : tensor<3x8x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<3x8x5x5xf32>
  return %r, %g : tensor<3x8x5x5xf32>, tensor<3x8x5x5xf32>
}

func.func @conv_nchw_1x1(%x: tensor<2x24x7x7xf32>, %w: tensor<40x24x1x1xf32>, %o: tensor<2x40x7x7xf32>) -> (tensor<2x40x7x7xf32>, tensor<2x40x7x7xf32>) {
  %r = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<2x24x7x7xf32>, tensor<40x24x1x1xf32>) outs(%o : tensor<2x40x7x7xf32>) -> tensor<2x40x7x7xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, f, h, w, c, i, j) -> (n, c, h + i, w + j)>, affine_map<(n, f, h, w, c, i, j) -> (f, c, i, j)>, affine_map<(n, f, h, w, c, i, j) -> (n, f, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
     ins(%x, %w : tensor<2x24x7x7xf32>, tensor<40x24x1x1xf32>) outs(%o : tensor<2x40x7x7xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x40x7x7xf32>
  return %r, %g : tensor<2x40x7x7xf32>, tensor<2x40x7x7xf32>
}

func.func @conv_nhwc_hwcf(%x: tensor<1x13x11x5xf32>, %w: tensor<3x3x5x12xf32>, %o: tensor<1x6x5x12xf32>) -> (tensor<1x6x5x12xf32>, tensor<1x6x5x12xf32>) {
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<1x13x11x5xf32>, tensor<3x3x5x12xf32>) outs(%o : tensor<1x6x5x12xf32>) -> tensor<1x6x5x12xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, h, w, f, i, j, c) -> (n, h * 2 + i, w * 2 + j, c)>, affine_map<(n, h, w, f, i, j, c) -> (i, j, c, f)>, affine_map<(n, h, w, f, i, j, c) -> (n, h, w, f)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
     ins(%x, %w : tensor<1x13x11x5xf32>, tensor<3x3x5x12xf32>) outs(%o : tensor<1x6x5x12xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x6x5x12xf32>
  return %r, %g : tensor<1x6x5x12xf32>, tensor<1x6x5x12xf32>
}

func.func @conv_nhwc_fhwc(%x: tensor<2x9x9x16xf32>, %w: tensor<20x2x2x16xf32>, %o: tensor<2x8x8x20xf32>) -> (tensor<2x8x8x20xf32>, tensor<2x8x8x20xf32>) {
  %r = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<2x9x9x16xf32>, tensor<20x2x2x16xf32>) outs(%o : tensor<2x8x8x20xf32>) -> tensor<2x8x8x20xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, h, w, f, i, j, c) -> (n, h + i, w + j, c)>, affine_map<(n, h, w, f, i, j, c) -> (f, i, j, c)>, affine_map<(n, h, w, f, i, j, c) -> (n, h, w, f)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
     ins(%x, %w : tensor<2x9x9x16xf32>, tensor<20x2x2x16xf32>) outs(%o : tensor<2x8x8x20xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x8x8x20xf32>
  return %r, %g : tensor<2x8x8x20xf32>, tensor<2x8x8x20xf32>
}

func.func @depthwise_nchw(%x: tensor<2x24x17x17xf32>, %w: tensor<24x3x3xf32>, %o: tensor<2x24x8x8xf32>) -> (tensor<2x24x8x8xf32>, tensor<2x24x8x8xf32>) {
  %r = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%x, %w : tensor<2x24x17x17xf32>, tensor<24x3x3xf32>) outs(%o : tensor<2x24x8x8xf32>) -> tensor<2x24x8x8xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, c, h, w, i, j) -> (n, c, h * 2 + i, w * 2 + j)>, affine_map<(n, c, h, w, i, j) -> (c, i, j)>, affine_map<(n, c, h, w, i, j) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
     ins(%x, %w : tensor<2x24x17x17xf32>, tensor<24x3x3xf32>) outs(%o : tensor<2x24x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x24x8x8xf32>
  return %r, %g : tensor<2x24x8x8xf32>, tensor<2x24x8x8xf32>
}

func.func @depthwise_nhwc(%x: tensor<1x10x12x20xf32>, %w: tensor<3x3x20xf32>, %o: tensor<1x8x10x20xf32>) -> (tensor<1x8x10x20xf32>, tensor<1x8x10x20xf32>) {
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w : tensor<1x10x12x20xf32>, tensor<3x3x20xf32>) outs(%o : tensor<1x8x10x20xf32>) -> tensor<1x8x10x20xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, h, w, c, i, j) -> (n, h + i, w + j, c)>, affine_map<(n, h, w, c, i, j) -> (i, j, c)>, affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
     ins(%x, %w : tensor<1x10x12x20xf32>, tensor<3x3x20xf32>) outs(%o : tensor<1x8x10x20xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %c, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x8x10x20xf32>
  return %r, %g : tensor<1x8x10x20xf32>, tensor<1x8x10x20xf32>
}

func.func @max_pool_nchw(%x: tensor<2x5x14x14xf32>, %o: tensor<2x5x7x7xf32>) -> (tensor<2x5x7x7xf32>, tensor<2x5x7x7xf32>) {
  %ninf = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %ninf : f32
  } : tensor<2x5x14x14xf32> to tensor<2x5x16x16xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%o : tensor<2x5x7x7xf32>) -> tensor<2x5x7x7xf32>
  %window = tensor.empty() : tensor<3x3xf32>
  %r = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
     ins(%p, %window : tensor<2x5x16x16xf32>, tensor<3x3xf32>) outs(%init : tensor<2x5x7x7xf32>) -> tensor<2x5x7x7xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, c, h, w, i, j) -> (n, c, h * 2 + i, w * 2 + j)>, affine_map<(n, c, h, w, i, j) -> (i, j)>, affine_map<(n, c, h, w, i, j) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
     ins(%p, %window : tensor<2x5x16x16xf32>, tensor<3x3xf32>) outs(%init : tensor<2x5x7x7xf32>) {
  ^bb0(%a: f32, %unused: f32, %c: f32):
    %m = arith.maximumf %c, %a : f32
    linalg.yield %m : f32
  } -> tensor<2x5x7x7xf32>
  return %r, %g : tensor<2x5x7x7xf32>, tensor<2x5x7x7xf32>
}

func.func @sum_pool_nhwc(%x: tensor<3x8x8x17xf32>, %o: tensor<3x7x7x17xf32>) -> (tensor<3x7x7x17xf32>, tensor<3x7x7x17xf32>) {
  %window = tensor.empty() : tensor<2x2xf32>
  %r = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %window : tensor<3x8x8x17xf32>, tensor<2x2xf32>) outs(%o : tensor<3x7x7x17xf32>) -> tensor<3x7x7x17xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(n, h, w, c, i, j) -> (n, h + i, w + j, c)>, affine_map<(n, h, w, c, i, j) -> (i, j)>, affine_map<(n, h, w, c, i, j) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
     ins(%x, %window : tensor<3x8x8x17xf32>, tensor<2x2xf32>) outs(%o : tensor<3x7x7x17xf32>) {
  ^bb0(%a: f32, %unused: f32, %c: f32):
    %s = arith.addf %c, %a : f32
    linalg.yield %s : f32
  } -> tensor<3x7x7x17xf32>
  return %r, %g : tensor<3x7x7x17xf32>, tensor<3x7x7x17xf32>
}


func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c6 = arith.constant 6 : index
  %c7 = arith.constant 7 : index
  %c8 = arith.constant 8 : index
  %c9 = arith.constant 9 : index
  %c10 = arith.constant 10 : index
  %c11 = arith.constant 11 : index
  %c12 = arith.constant 12 : index
  %c13 = arith.constant 13 : index
  %c14 = arith.constant 14 : index
  %c16 = arith.constant 16 : index
  %c17 = arith.constant 17 : index
  %c20 = arith.constant 20 : index
  %c24 = arith.constant 24 : index
  %c40 = arith.constant 40 : index

  vector.print str "conv nchw 3x3 dilation 2\n"
  %x0 = func.call @make(%c2, %c8, %c13, %c13, %c0) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %w0 = func.call @make(%c16, %c8, %c3, %c3, %c1) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o0 = func.call @make(%c2, %c16, %c9, %c9, %c2) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x0s = tensor.cast %x0 : tensor<?x?x?x?xf32> to tensor<2x8x13x13xf32>
  %w0s = tensor.cast %w0 : tensor<?x?x?x?xf32> to tensor<16x8x3x3xf32>
  %o0s = tensor.cast %o0 : tensor<?x?x?x?xf32> to tensor<2x16x9x9xf32>
  %r0:2 = func.call @conv_nchw(%x0s, %w0s, %o0s) : (tensor<2x8x13x13xf32>, tensor<16x8x3x3xf32>, tensor<2x16x9x9xf32>) -> (tensor<2x16x9x9xf32>, tensor<2x16x9x9xf32>)
  %a0 = tensor.cast %r0#0 : tensor<2x16x9x9xf32> to tensor<?x?x?x?xf32>
  %b0 = tensor.cast %r0#1 : tensor<2x16x9x9xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a0, %b0) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "conv nchw 3x3 stride 2\n"
  %x1 = func.call @make(%c3, %c4, %c11, %c11, %c3) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %w1 = func.call @make(%c8, %c4, %c3, %c3, %c4) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o1 = func.call @make(%c3, %c8, %c5, %c5, %c5) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x1s = tensor.cast %x1 : tensor<?x?x?x?xf32> to tensor<3x4x11x11xf32>
  %w1s = tensor.cast %w1 : tensor<?x?x?x?xf32> to tensor<8x4x3x3xf32>
  %o1s = tensor.cast %o1 : tensor<?x?x?x?xf32> to tensor<3x8x5x5xf32>
  %r1:2 = func.call @conv_nchw_strided(%x1s, %w1s, %o1s) : (tensor<3x4x11x11xf32>, tensor<8x4x3x3xf32>, tensor<3x8x5x5xf32>) -> (tensor<3x8x5x5xf32>, tensor<3x8x5x5xf32>)
  %a1 = tensor.cast %r1#0 : tensor<3x8x5x5xf32> to tensor<?x?x?x?xf32>
  %b1 = tensor.cast %r1#1 : tensor<3x8x5x5xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a1, %b1) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "conv nchw 1x1\n"
  %x2 = func.call @make(%c2, %c24, %c7, %c7, %c6) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %w2 = func.call @make(%c40, %c24, %c1, %c1, %c7) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o2 = func.call @make(%c2, %c40, %c7, %c7, %c8) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x2s = tensor.cast %x2 : tensor<?x?x?x?xf32> to tensor<2x24x7x7xf32>
  %w2s = tensor.cast %w2 : tensor<?x?x?x?xf32> to tensor<40x24x1x1xf32>
  %o2s = tensor.cast %o2 : tensor<?x?x?x?xf32> to tensor<2x40x7x7xf32>
  %r2:2 = func.call @conv_nchw_1x1(%x2s, %w2s, %o2s) : (tensor<2x24x7x7xf32>, tensor<40x24x1x1xf32>, tensor<2x40x7x7xf32>) -> (tensor<2x40x7x7xf32>, tensor<2x40x7x7xf32>)
  %a2 = tensor.cast %r2#0 : tensor<2x40x7x7xf32> to tensor<?x?x?x?xf32>
  %b2 = tensor.cast %r2#1 : tensor<2x40x7x7xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a2, %b2) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "conv nhwc hwcf 3x3 stride 2, odd sizes\n"
  %x3 = func.call @make(%c1, %c13, %c11, %c5, %c9) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %w3 = func.call @make(%c3, %c3, %c5, %c12, %c10) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o3 = func.call @make(%c1, %c6, %c5, %c12, %c11) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x3s = tensor.cast %x3 : tensor<?x?x?x?xf32> to tensor<1x13x11x5xf32>
  %w3s = tensor.cast %w3 : tensor<?x?x?x?xf32> to tensor<3x3x5x12xf32>
  %o3s = tensor.cast %o3 : tensor<?x?x?x?xf32> to tensor<1x6x5x12xf32>
  %r3:2 = func.call @conv_nhwc_hwcf(%x3s, %w3s, %o3s) : (tensor<1x13x11x5xf32>, tensor<3x3x5x12xf32>, tensor<1x6x5x12xf32>) -> (tensor<1x6x5x12xf32>, tensor<1x6x5x12xf32>)
  %a3 = tensor.cast %r3#0 : tensor<1x6x5x12xf32> to tensor<?x?x?x?xf32>
  %b3 = tensor.cast %r3#1 : tensor<1x6x5x12xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a3, %b3) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "conv nhwc fhwc 2x2\n"
  %x4 = func.call @make(%c2, %c9, %c9, %c16, %c12) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %w4 = func.call @make(%c20, %c2, %c2, %c16, %c13) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o4 = func.call @make(%c2, %c8, %c8, %c20, %c14) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x4s = tensor.cast %x4 : tensor<?x?x?x?xf32> to tensor<2x9x9x16xf32>
  %w4s = tensor.cast %w4 : tensor<?x?x?x?xf32> to tensor<20x2x2x16xf32>
  %o4s = tensor.cast %o4 : tensor<?x?x?x?xf32> to tensor<2x8x8x20xf32>
  %r4:2 = func.call @conv_nhwc_fhwc(%x4s, %w4s, %o4s) : (tensor<2x9x9x16xf32>, tensor<20x2x2x16xf32>, tensor<2x8x8x20xf32>) -> (tensor<2x8x8x20xf32>, tensor<2x8x8x20xf32>)
  %a4 = tensor.cast %r4#0 : tensor<2x8x8x20xf32> to tensor<?x?x?x?xf32>
  %b4 = tensor.cast %r4#1 : tensor<2x8x8x20xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a4, %b4) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "depthwise nchw 3x3 stride 2\n"
  %x5 = func.call @make(%c2, %c24, %c17, %c17, %c1) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %w5f = func.call @make(%c1, %c24, %c3, %c3, %c2) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o5 = func.call @make(%c2, %c24, %c8, %c8, %c3) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x5s = tensor.cast %x5 : tensor<?x?x?x?xf32> to tensor<2x24x17x17xf32>
  %w5c = tensor.cast %w5f : tensor<?x?x?x?xf32> to tensor<1x24x3x3xf32>
  %w5s = tensor.collapse_shape %w5c [[0, 1], [2], [3]] : tensor<1x24x3x3xf32> into tensor<24x3x3xf32>
  %o5s = tensor.cast %o5 : tensor<?x?x?x?xf32> to tensor<2x24x8x8xf32>
  %r5:2 = func.call @depthwise_nchw(%x5s, %w5s, %o5s) : (tensor<2x24x17x17xf32>, tensor<24x3x3xf32>, tensor<2x24x8x8xf32>) -> (tensor<2x24x8x8xf32>, tensor<2x24x8x8xf32>)
  %a5 = tensor.cast %r5#0 : tensor<2x24x8x8xf32> to tensor<?x?x?x?xf32>
  %b5 = tensor.cast %r5#1 : tensor<2x24x8x8xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a5, %b5) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "depthwise nhwc 3x3\n"
  %x6 = func.call @make(%c1, %c10, %c12, %c20, %c4) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %w6f = func.call @make(%c1, %c3, %c3, %c20, %c5) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o6 = func.call @make(%c1, %c8, %c10, %c20, %c6) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x6s = tensor.cast %x6 : tensor<?x?x?x?xf32> to tensor<1x10x12x20xf32>
  %w6c = tensor.cast %w6f : tensor<?x?x?x?xf32> to tensor<1x3x3x20xf32>
  %w6s = tensor.collapse_shape %w6c [[0, 1], [2], [3]] : tensor<1x3x3x20xf32> into tensor<3x3x20xf32>
  %o6s = tensor.cast %o6 : tensor<?x?x?x?xf32> to tensor<1x8x10x20xf32>
  %r6:2 = func.call @depthwise_nhwc(%x6s, %w6s, %o6s) : (tensor<1x10x12x20xf32>, tensor<3x3x20xf32>, tensor<1x8x10x20xf32>) -> (tensor<1x8x10x20xf32>, tensor<1x8x10x20xf32>)
  %a6 = tensor.cast %r6#0 : tensor<1x8x10x20xf32> to tensor<?x?x?x?xf32>
  %b6 = tensor.cast %r6#1 : tensor<1x8x10x20xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a6, %b6) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "max pool nchw 3x3 stride 2 after a -inf pad\n"
  %x7 = func.call @make(%c2, %c5, %c14, %c14, %c7) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o7 = func.call @make(%c2, %c5, %c7, %c7, %c8) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x7s = tensor.cast %x7 : tensor<?x?x?x?xf32> to tensor<2x5x14x14xf32>
  %o7s = tensor.cast %o7 : tensor<?x?x?x?xf32> to tensor<2x5x7x7xf32>
  %r7:2 = func.call @max_pool_nchw(%x7s, %o7s) : (tensor<2x5x14x14xf32>, tensor<2x5x7x7xf32>) -> (tensor<2x5x7x7xf32>, tensor<2x5x7x7xf32>)
  %a7 = tensor.cast %r7#0 : tensor<2x5x7x7xf32> to tensor<?x?x?x?xf32>
  %b7 = tensor.cast %r7#1 : tensor<2x5x7x7xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a7, %b7) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()

  vector.print str "sum pool nhwc 2x2\n"
  %x8 = func.call @make(%c3, %c8, %c8, %c17, %c9) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %o8 = func.call @make(%c3, %c7, %c7, %c17, %c10) : (index, index, index, index, index) -> tensor<?x?x?x?xf32>
  %x8s = tensor.cast %x8 : tensor<?x?x?x?xf32> to tensor<3x8x8x17xf32>
  %o8s = tensor.cast %o8 : tensor<?x?x?x?xf32> to tensor<3x7x7x17xf32>
  %r8:2 = func.call @sum_pool_nhwc(%x8s, %o8s) : (tensor<3x8x8x17xf32>, tensor<3x7x7x17xf32>) -> (tensor<3x7x7x17xf32>, tensor<3x7x7x17xf32>)
  %a8 = tensor.cast %r8#0 : tensor<3x7x7x17xf32> to tensor<?x?x?x?xf32>
  %b8 = tensor.cast %r8#1 : tensor<3x7x7x17xf32> to tensor<?x?x?x?xf32>
  func.call @report(%a8, %b8) : (tensor<?x?x?x?xf32>, tensor<?x?x?x?xf32>) -> ()
  return
}
