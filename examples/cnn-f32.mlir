// A small CNN in f32 only, the input of fp8-insert-casts: NHWC 2x16x16x8 ->
// 3x3 conv (16 channels) -> ReLU -> 3x3 conv (32) -> ReLU -> 1x1 conv with
// stride 2 (32) -> ReLU -> global average pool -> dense (10). The 3x3
// convolutions become matmuls through im2col, the 1x1 one through a strided
// slice. The data is pseudo-random (a hash of the index). @main prints the
// 2x10 output.
//
//   fp8-opt examples/cnn-f32.mlir --fp8-insert-casts="recipe=ocp scaling=row" \
//     --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void \
//     -shared-libs=<llvm>/lib/libmlir_c_runner_utils.so,<llvm>/lib/libmlir_runner_utils.so

#id = affine_map<(d0, d1) -> (d0, d1)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan4 = affine_map<(d0, d1, d2, d3) -> (d3)>
#pool_in = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
#pool_out = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

func.func private @printMemrefF32(tensor<*xf32> {bufferization.access = "read"}) attributes {llvm.emit_c_interface}

// Uniform values in [-scale/2, scale/2) from a hash of (seed, row, column).
func.func private @random(%init: tensor<?x?xf32>, %seed: i32, %scale: f32) -> tensor<?x?xf32> {
  %c1 = arith.constant 1 : index
  %cols = tensor.dim %init, %c1 : tensor<?x?xf32>
  %r = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%init : tensor<?x?xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %row = arith.muli %i, %cols : index
    %flat = arith.addi %row, %j : index
    %n = arith.index_cast %flat : index to i32
    %s = arith.constant 40503 : i32
    %seeded = arith.muli %seed, %s : i32
    %h0 = arith.addi %n, %seeded : i32
    // lowbias32 (Chris Wellons' integer hash).
    %c16 = arith.constant 16 : i32
    %c15 = arith.constant 15 : i32
    %m1 = arith.constant 0x7feb352d : i32
    %m2 = arith.constant 0x846ca68b : i32
    %a0 = arith.shrui %h0, %c16 : i32
    %h1 = arith.xori %h0, %a0 : i32
    %h2 = arith.muli %h1, %m1 : i32
    %a2 = arith.shrui %h2, %c15 : i32
    %h3 = arith.xori %h2, %a2 : i32
    %h4 = arith.muli %h3, %m2 : i32
    %a4 = arith.shrui %h4, %c16 : i32
    %h5 = arith.xori %h4, %a4 : i32
    %c8 = arith.constant 8 : i32
    %top = arith.shrui %h5, %c8 : i32
    %u = arith.uitofp %top : i32 to f32
    %ulp = arith.constant 5.9604644775390625e-08 : f32
    %half = arith.constant 0.5 : f32
    %unit = arith.mulf %u, %ulp : f32
    %centered = arith.subf %unit, %half : f32
    %v = arith.mulf %centered, %scale : f32
    linalg.yield %v : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// max(x + b, 0) per channel.
func.func private @bias_relu(%x: tensor<?x?x?x?xf32>, %b: tensor<?xf32>) -> tensor<?x?x?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#chan4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%b : tensor<?xf32>) outs(%x : tensor<?x?x?x?xf32>) {
  ^bb0(%bias: f32, %v: f32):
    %s = arith.addf %v, %bias : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<?x?x?x?xf32>
  return %r : tensor<?x?x?x?xf32>
}

func.func private @cnn(%x: tensor<2x16x16x8xf32>, %w1: tensor<3x3x8x16xf32>, %b1: tensor<16xf32>,
               %w2: tensor<3x3x16x32xf32>, %b2: tensor<32xf32>, %w3: tensor<1x1x32x32xf32>, %b3: tensor<32xf32>,
               %w4: tensor<32x10xf32>, %b4: tensor<10xf32>) -> tensor<2x10xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<2x14x14x16xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x14x14x16xf32>) -> tensor<2x14x14x16xf32>
  %c1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w1 : tensor<2x16x16x8xf32>, tensor<3x3x8x16xf32>) outs(%z1 : tensor<2x14x14x16xf32>) -> tensor<2x14x14x16xf32>
  %c1d = tensor.cast %c1 : tensor<2x14x14x16xf32> to tensor<?x?x?x?xf32>
  %b1d = tensor.cast %b1 : tensor<16xf32> to tensor<?xf32>
  %r1d = call @bias_relu(%c1d, %b1d) : (tensor<?x?x?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
  %r1 = tensor.cast %r1d : tensor<?x?x?x?xf32> to tensor<2x14x14x16xf32>

  %e2 = tensor.empty() : tensor<2x12x12x32xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x12x12x32xf32>) -> tensor<2x12x12x32xf32>
  %c2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%r1, %w2 : tensor<2x14x14x16xf32>, tensor<3x3x16x32xf32>) outs(%z2 : tensor<2x12x12x32xf32>) -> tensor<2x12x12x32xf32>
  %c2d = tensor.cast %c2 : tensor<2x12x12x32xf32> to tensor<?x?x?x?xf32>
  %b2d = tensor.cast %b2 : tensor<32xf32> to tensor<?xf32>
  %r2d = call @bias_relu(%c2d, %b2d) : (tensor<?x?x?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
  %r2 = tensor.cast %r2d : tensor<?x?x?x?xf32> to tensor<2x12x12x32xf32>

  %e3 = tensor.empty() : tensor<2x6x6x32xf32>
  %z3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<2x6x6x32xf32>) -> tensor<2x6x6x32xf32>
  %c3 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%r2, %w3 : tensor<2x12x12x32xf32>, tensor<1x1x32x32xf32>) outs(%z3 : tensor<2x6x6x32xf32>) -> tensor<2x6x6x32xf32>
  %c3d = tensor.cast %c3 : tensor<2x6x6x32xf32> to tensor<?x?x?x?xf32>
  %b3d = tensor.cast %b3 : tensor<32xf32> to tensor<?xf32>
  %r3d = call @bias_relu(%c3d, %b3d) : (tensor<?x?x?x?xf32>, tensor<?xf32>) -> tensor<?x?x?x?xf32>
  %r3 = tensor.cast %r3d : tensor<?x?x?x?xf32> to tensor<2x6x6x32xf32>

  // Global average pool over the 6x6 pixels.
  %ep = tensor.empty() : tensor<2x32xf32>
  %zp = linalg.fill ins(%zero : f32) outs(%ep : tensor<2x32xf32>) -> tensor<2x32xf32>
  %sum = linalg.generic {indexing_maps = [#pool_in, #pool_out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%r3 : tensor<2x6x6x32xf32>) outs(%zp : tensor<2x32xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  } -> tensor<2x32xf32>
  %inv = arith.constant 0.027777778 : f32
  %pool = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%sum : tensor<2x32xf32>) {
  ^bb0(%s: f32):
    %m = arith.mulf %s, %inv : f32
    linalg.yield %m : f32
  } -> tensor<2x32xf32>

  %e4 = tensor.empty() : tensor<2x10xf32>
  %z4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<2x10xf32>) -> tensor<2x10xf32>
  %d = linalg.matmul ins(%pool, %w4 : tensor<2x32xf32>, tensor<32x10xf32>) outs(%z4 : tensor<2x10xf32>) -> tensor<2x10xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d, %b4 : tensor<2x10xf32>, tensor<10xf32>) outs(%e4 : tensor<2x10xf32>) {
  ^bb0(%m: f32, %b: f32, %o: f32):
    %s = arith.addf %m, %b : f32
    linalg.yield %s : f32
  } -> tensor<2x10xf32>
  return %y : tensor<2x10xf32>
}

func.func private @matrix(%rows: index, %cols: index, %seed: i32, %scale: f32) -> tensor<?x?xf32> {
  %e = tensor.empty(%rows, %cols) : tensor<?x?xf32>
  %r = call @random(%e, %seed, %scale) : (tensor<?x?xf32>, i32, f32) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

func.func private @vector(%n: index, %seed: i32, %scale: f32) -> tensor<?xf32> {
  %c1 = arith.constant 1 : index
  %m = call @matrix(%c1, %n, %seed, %scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %v = tensor.collapse_shape %m [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  return %v : tensor<?xf32>
}

func.func @main() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c10 = arith.constant 10 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c72 = arith.constant 72 : index
  %c144 = arith.constant 144 : index
  %c512 = arith.constant 512 : index
  %s1 = arith.constant 11 : i32
  %s2 = arith.constant 12 : i32
  %s3 = arith.constant 13 : i32
  %s4 = arith.constant 14 : i32
  %s5 = arith.constant 15 : i32
  %s6 = arith.constant 16 : i32
  %s7 = arith.constant 17 : i32
  %s8 = arith.constant 18 : i32
  %s9 = arith.constant 19 : i32
  %xscale = arith.constant 2.0 : f32
  // Uniform weights of variance 2 / fan-in (He initialization).
  %w1scale = arith.constant 0.5774 : f32
  %w2scale = arith.constant 0.4082 : f32
  %w3scale = arith.constant 0.8660 : f32
  %bscale = arith.constant 0.1 : f32
  %xd = call @matrix(%c512, %c16, %s1, %xscale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %x2 = tensor.cast %xd : tensor<?x?xf32> to tensor<512x16xf32>
  %x = tensor.expand_shape %x2 [[0, 1, 2], [3]] output_shape [2, 16, 16, 16] : tensor<512x16xf32> into tensor<2x16x16x16xf32>
  %x8 = tensor.extract_slice %x[0, 0, 0, 0] [2, 16, 16, 8] [1, 1, 1, 1] : tensor<2x16x16x16xf32> to tensor<2x16x16x8xf32>
  %w1d = call @matrix(%c72, %c16, %s2, %w1scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %w1m = tensor.cast %w1d : tensor<?x?xf32> to tensor<72x16xf32>
  %w1 = tensor.expand_shape %w1m [[0, 1, 2], [3]] output_shape [3, 3, 8, 16] : tensor<72x16xf32> into tensor<3x3x8x16xf32>
  %w2d = call @matrix(%c144, %c32, %s3, %w2scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %w2m = tensor.cast %w2d : tensor<?x?xf32> to tensor<144x32xf32>
  %w2 = tensor.expand_shape %w2m [[0, 1, 2], [3]] output_shape [3, 3, 16, 32] : tensor<144x32xf32> into tensor<3x3x16x32xf32>
  %w3d = call @matrix(%c32, %c32, %s4, %w3scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %w3m = tensor.cast %w3d : tensor<?x?xf32> to tensor<32x32xf32>
  %w3 = tensor.expand_shape %w3m [[0, 1, 2], [3]] output_shape [1, 1, 32, 32] : tensor<32x32xf32> into tensor<1x1x32x32xf32>
  %w4d = call @matrix(%c32, %c10, %s5, %w3scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %w4 = tensor.cast %w4d : tensor<?x?xf32> to tensor<32x10xf32>
  %b1d = call @vector(%c16, %s6, %bscale) : (index, i32, f32) -> tensor<?xf32>
  %b2d = call @vector(%c32, %s7, %bscale) : (index, i32, f32) -> tensor<?xf32>
  %b3d = call @vector(%c32, %s8, %bscale) : (index, i32, f32) -> tensor<?xf32>
  %b4d = call @vector(%c10, %s9, %bscale) : (index, i32, f32) -> tensor<?xf32>
  %b1 = tensor.cast %b1d : tensor<?xf32> to tensor<16xf32>
  %b2 = tensor.cast %b2d : tensor<?xf32> to tensor<32xf32>
  %b3 = tensor.cast %b3d : tensor<?xf32> to tensor<32xf32>
  %b4 = tensor.cast %b4d : tensor<?xf32> to tensor<10xf32>
  %y = call @cnn(%x8, %w1, %b1, %w2, %b2, %w3, %b3, %w4, %b4)
      : (tensor<2x16x16x8xf32>, tensor<3x3x8x16xf32>, tensor<16xf32>, tensor<3x3x16x32xf32>, tensor<32xf32>,
         tensor<1x1x32x32xf32>, tensor<32xf32>, tensor<32x10xf32>, tensor<10xf32>) -> tensor<2x10xf32>
  %u = tensor.cast %y : tensor<2x10xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
