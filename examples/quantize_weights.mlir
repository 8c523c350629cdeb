// Quantizing the constant weights of a linear layer three ways, with the
// scales computed from the data: per-tensor E4M3FN (OCP FP8), row-wise HiF8
// with hybrid rounding, and MX FP4 (f4E2M1FN in blocks of 4 with E8M0
// scales). `fp8-opt -canonicalize` folds all of it at compile time through
// the numerics library, leaving constant codes and scales.
//
//   fp8-opt examples/quantize_weights.mlir -canonicalize -cse

func.func @weights_e4m3fn() -> (tensor<4x8xf8E4M3FN>, f32) {
  %w = arith.constant dense<[
    [ 0.81, -1.53,  0.02,  2.70, -0.44,  0.09, -3.20,  1.11],
    [-0.06,  0.37,  5.90, -0.73,  0.15, -2.21,  0.48,  0.00],
    [ 1.72, -0.88,  0.33, -0.05,  4.40,  0.61, -1.09,  0.27],
    [-0.19,  2.05, -0.67,  0.94, -0.31,  0.08,  3.36, -7.25]]> : tensor<4x8xf32>
  %amax = fp8.amax %w : tensor<4x8xf32> -> f32
  %scale = fp8.compute_scale %amax {format = f8E4M3FN} : f32 -> f32
  %q = fp8.quantize %w, %scale : tensor<4x8xf32>, f32 to tensor<4x8xf8E4M3FN>
  return %q, %scale : tensor<4x8xf8E4M3FN>, f32
}

func.func @weights_hif8_rows() -> (tensor<4x8x!fp8.hif8>, tensor<4x1xf32>) {
  %w = arith.constant dense<[
    [ 0.81, -1.53,  0.02,  2.70, -0.44,  0.09, -3.20,  1.11],
    [-0.06,  0.37,  5.90, -0.73,  0.15, -2.21,  0.48,  0.00],
    [ 1.72, -0.88,  0.33, -0.05,  4.40,  0.61, -1.09,  0.27],
    [-0.19,  2.05, -0.67,  0.94, -0.31,  0.08,  3.36, -7.25]]> : tensor<4x8xf32>
  %amax = fp8.amax %w {block = array<i64: 1, 8>} : tensor<4x8xf32> -> tensor<4x1xf32>
  %scale = fp8.compute_scale %amax {format = !fp8.hif8, pow2} : tensor<4x1xf32> -> tensor<4x1xf32>
  %q = fp8.quantize %w, %scale {block = array<i64: 1, 8>, rounding = #fp8.rounding<hybrid>}
      : tensor<4x8xf32>, tensor<4x1xf32> to tensor<4x8x!fp8.hif8>
  return %q, %scale : tensor<4x8x!fp8.hif8>, tensor<4x1xf32>
}

func.func @weights_mxfp4() -> (tensor<4x8xf4E2M1FN>, tensor<4x2xf8E8M0FNU>, tensor<4x8xf32>) {
  %w = arith.constant dense<[
    [ 0.81, -1.53,  0.02,  2.70, -0.44,  0.09, -3.20,  1.11],
    [-0.06,  0.37,  5.90, -0.73,  0.15, -2.21,  0.48,  0.00],
    [ 1.72, -0.88,  0.33, -0.05,  4.40,  0.61, -1.09,  0.27],
    [-0.19,  2.05, -0.67,  0.94, -0.31,  0.08,  3.36, -7.25]]> : tensor<4x8xf32>
  %amax = fp8.amax %w {block = array<i64: 1, 4>} : tensor<4x8xf32> -> tensor<4x2xf32>
  %scale = fp8.compute_scale %amax {format = f4E2M1FN} : tensor<4x2xf32> -> tensor<4x2xf8E8M0FNU>
  %q = fp8.quantize %w, %scale {block = array<i64: 1, 4>, saturation = #fp8.saturation<finite>}
      : tensor<4x8xf32>, tensor<4x2xf8E8M0FNU> to tensor<4x8xf4E2M1FN>
  // What the layer will compute with: the dequantized weights.
  %deq = fp8.dequantize %q, %scale {block = array<i64: 1, 4>}
      : tensor<4x8xf4E2M1FN>, tensor<4x2xf8E8M0FNU> to tensor<4x8xf32>
  return %q, %scale, %deq : tensor<4x8xf4E2M1FN>, tensor<4x2xf8E8M0FNU>, tensor<4x8xf32>
}
