// RUN: fp8-opt %s -split-input-file -fp8-insert-casts=scaling=row -fp8-fold-scales | FileCheck %s
// RUN: fp8-opt %s -split-input-file -canonicalize | FileCheck %s --check-prefix=FOLDER

// fp8-fold-scales quantizes constant weights at compile time, in whatever
// form the frontend gives them: dense<> or dense_resource<> (torch-mlir's),
// behind transposes, broadcasts, reshapes, slices and copies. The expected
// codes were computed independently (NumPy f32 division, ml_dtypes
// encoding).

// An nn.Linear as torch-mlir exports it: the [N, K] weight a dense_resource,
// transposed into the matmul. Per-row scaling gives the weight one scale per
// output channel: amax 448 (scale 1), 896 (scale 2), 0 (scale 1) and 1
// (1 / 448: 0.1 / s = 44.8 rounds to 44). Only the activation's
// amax / compute_scale / quantize remain; the f32 weight dies.
// CHECK-LABEL: func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>)
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[4.480000e+02, 4.480000e+02, 0.000000e+00, 4.480000e+02], [1.250000e+00, 1.250000e+00, 0.000000e+00, 4.400000e+01], [-2.000000e+00, -2.000000e+00, 0.000000e+00, -1.120000e+02], [5.000000e-01, 5.000000e-01, 0.000000e+00, 4.375000e-01], [0.000000e+00, -0.000000e+00, 0.000000e+00, 3.200000e+02], [3.000000e+00, 3.000000e+00, 0.000000e+00, -4.480000e+02], [-4.480000e+02, -4.480000e+02, 0.000000e+00, 1.280000e+02], [1.000000e+00, 1.000000e+00, 0.000000e+00, 4.500000e+00]]> : tensor<8x4xf8E4M3FN>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 1.000000e+00, 0.00223214296]]> : tensor<1x4xf32>
// CHECK-NOT: linalg.transpose
// CHECK: %[[A:.*]] = fp8.amax %[[X]]
// CHECK: %[[SX:.*]] = fp8.compute_scale %[[A]]
// CHECK: %[[QX:.*]] = fp8.quantize %[[X]], %[[SX]]
// CHECK-NOT: fp8.amax
// CHECK-NOT: fp8.compute_scale
// CHECK-NOT: fp8.quantize
// CHECK: fp8.scaled_matmul %[[QX]][%[[SX]]], %[[W]][%[[S]]]
// CHECK-NOT: dense_resource
func.func @linear(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense_resource<torch_tensor_4_8_torch.float32> : tensor<4x8xf32>
  %e = tensor.empty() : tensor<8x4xf32>
  %t = linalg.transpose ins(%w : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %o = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<2x4xf32>) -> tensor<2x4xf32>
  %r = linalg.matmul ins(%x, %t : tensor<2x8xf32>, tensor<8x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      torch_tensor_4_8_torch.float32: "0x040000000000E0436666A63F000000C00000003F00000000000040400000E0C30000803F0000604466662640000080C00000803F000000800000C040000060C40000004000000000000000000000000000000000000000000000000000000000000000000000803FCDCCCC3D000080BE6F12833A0000403F000080BF9A99993E0AD7233C"
    }
  }
#-}

// -----

// A convolution filter [F, C, KH, KW] collapsed to [F, C * KH * KW] for the
// im2col matmul, whose lhs it is: one scale per filter (row), 3.75 / 448.
// CHECK-LABEL: func @conv_filter
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[}}[-4.480000e+02, -3.840000e+02, -3.200000e+02, -2.560000e+02, -2.080000e+02, -1.440000e+02, -8.800000e+01, -3.000000e+01], [3.000000e+01, 8.800000e+01, 1.440000e+02, 2.080000e+02, 2.560000e+02, 3.200000e+02, 3.840000e+02, 4.480000e+02]]> : tensor<2x8xf8E4M3FN>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<0.00837053544> : tensor<2x1xf32>
// CHECK-NOT: tensor.collapse_shape %cst
// CHECK: fp8.scaled_matmul %[[W]][%[[S]]]
func.func @conv_filter(%cols: tensor<8x3xf32>) -> tensor<2x3xf32> {
  %zero = arith.constant 0.0 : f32
  %w = arith.constant dense_resource<filter> : tensor<2x2x2x2xf32>
  %c = tensor.collapse_shape %w [[0], [1, 2, 3]] : tensor<2x2x2x2xf32> into tensor<2x8xf32>
  %o = tensor.empty() : tensor<2x3xf32>
  %f = linalg.fill ins(%zero : f32) outs(%o : tensor<2x3xf32>) -> tensor<2x3xf32>
  %r = linalg.matmul ins(%c, %cols : tensor<2x8xf32>, tensor<8x3xf32>) outs(%f : tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

{-#
  dialect_resources: {
    builtin: {
      filter: "0x04000000000070C0000050C0000030C0000010C00000E0BF0000A0BF000040BF000080BE0000803E0000403F0000A03F0000E03F00001040000030400000504000007040"
    }
  }
#-}

// -----

// The folders read dense_resource too (canonicalize), with the same values:
// NaN makes the amax NaN and the scale 1.
// CHECK-LABEL: func @direct
// CHECK-DAG: %[[Q:.*]] = arith.constant dense<[1.000000e+00, 0x7F, -3.000000e+00, 2.000000e+00]> : tensor<4xf8E4M3FN>
// CHECK-DAG: %[[A:.*]] = arith.constant 0x7FC00000 : f32
// CHECK-DAG: %[[S:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: return %[[Q]], %[[A]], %[[S]]
// FOLDER-LABEL: func @direct
// FOLDER-DAG: %[[Q:.*]] = arith.constant dense<[1.000000e+00, 0x7F, -3.000000e+00, 2.000000e+00]> : tensor<4xf8E4M3FN>
// FOLDER-DAG: %[[A:.*]] = arith.constant 0x7FC00000 : f32
// FOLDER-DAG: %[[S:.*]] = arith.constant 1.000000e+00 : f32
// FOLDER: return %[[Q]], %[[A]], %[[S]]
func.func @direct() -> (tensor<4xf8E4M3FN>, f32, f32) {
  %w = arith.constant dense_resource<with_nan> : tensor<4xf32>
  %a = fp8.amax %w : tensor<4xf32> -> f32
  %s = fp8.compute_scale %a {format = f8E4M3FN} : f32 -> f32
  %q = fp8.quantize %w, %s : tensor<4xf32>, f32 to tensor<4xf8E4M3FN>
  return %q, %a, %s : tensor<4xf8E4M3FN>, f32, f32
}

{-#
  dialect_resources: {
    builtin: {
      with_nan: "0x040000000000803F0000C07F000040C000000040"
    }
  }
#-}

// -----

// bf16 and f16 weights, quantized to HiF8 with hybrid rounding (an i8
// payload and fp8.bitcast; the codes are fp8mlir.numerics.encode's of the
// values as f32): 18 becomes 20 (0x41), -0.3 -0.3125 (0xB2, from bf16
// -0.30078125 and f16 -0.2998046875 alike), 100 112 (0x4B).
// CHECK-LABEL: func @half_weights
// CHECK: %[[P:.*]] = arith.constant dense<[8, 65, -78, 22, 75, 0]> : tensor<6xi8>
// CHECK: %[[B:.*]] = fp8.bitcast %[[P]] : tensor<6xi8> to tensor<6x!fp8.hif8>
// CHECK: %[[H:.*]] = fp8.bitcast %[[P]] : tensor<6xi8> to tensor<6x!fp8.hif8>
// CHECK: return %[[B]], %[[H]]
func.func @half_weights() -> (tensor<6x!fp8.hif8>, tensor<6x!fp8.hif8>) {
  %s = arith.constant 1.0 : f32
  %b = arith.constant dense_resource<bf16_weights> : tensor<6xbf16>
  %h = arith.constant dense_resource<f16_weights> : tensor<6xf16>
  %qb = fp8.quantize %b, %s {rounding = #fp8.rounding<hybrid>} : tensor<6xbf16>, f32 to tensor<6x!fp8.hif8>
  %qh = fp8.quantize %h, %s {rounding = #fp8.rounding<hybrid>} : tensor<6xf16>, f32 to tensor<6x!fp8.hif8>
  return %qb, %qh : tensor<6x!fp8.hif8>, tensor<6x!fp8.hif8>
}

{-#
  dialect_resources: {
    builtin: {
      bf16_weights: "0x04000000803F90419ABE6040C8420000",
      f16_weights: "0x04000000003C804CCDB4004340560000"
    }
  }
#-}

// -----

// Slices (offsets, steps, a dropped unit dimension) and expand_shape; a
// transpose then collapse_shape (not one strided layout: two stages); a
// copy-only linalg.generic with a constant index.
// CHECK-LABEL: func @views
// CHECK-DAG: arith.constant dense<{{\[}}[7.000000e+00, 9.000000e+00], [1.100000e+01, 2.000000e+01], [2.000000e+01, 2.400000e+01]]> : tensor<3x2xf8E4M3FN>
// CHECK-DAG: arith.constant dense<[0.000000e+00, 6.000000e+00, 1.000000e+00, 7.000000e+00, 2.000000e+00, 8.000000e+00]> : tensor<6xf8E4M3FN>
// CHECK-DAG: arith.constant dense<[6.000000e+00, 8.000000e+00, 1.000000e+01]> : tensor<3xf8E4M3FN>
// CHECK-NOT: fp8.quantize
// CHECK: return
func.func @views() -> (tensor<3x2xf8E4M3FN>, tensor<6xf8E4M3FN>, tensor<3xf8E4M3FN>) {
  %s = arith.constant 1.0 : f32
  %w = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0, 5.0], [6.0, 7.0, 8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0, 16.0, 17.0], [18.0, 19.0, 20.0, 21.0, 22.0, 23.0], [24.0, 25.0, 26.0, 27.0, 28.0, 29.0]]> : tensor<5x6xf32>
  // Rows 1 and 3, columns 1, 3, 5: [7, 9, 11, 19, 21, 23] as [3, 2]; 19,
  // 21 and 23 are ties (spacing 2) to even: 20, 20, 24.
  %sl = tensor.extract_slice %w[1, 1] [2, 3] [2, 2] : tensor<5x6xf32> to tensor<2x3xf32>
  %row = tensor.extract_slice %w[1, 0] [1, 6] [1, 1] : tensor<5x6xf32> to tensor<6xf32>
  %flat = tensor.collapse_shape %sl [[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
  %ex = tensor.expand_shape %flat [[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
  %q0 = fp8.quantize %ex, %s : tensor<3x2xf32>, f32 to tensor<3x2xf8E4M3FN>
  %small = tensor.extract_slice %w[0, 0] [2, 3] [1, 1] : tensor<5x6xf32> to tensor<2x3xf32>
  %e = tensor.empty() : tensor<3x2xf32>
  %t = linalg.transpose ins(%small : tensor<2x3xf32>) outs(%e : tensor<3x2xf32>) permutation = [1, 0]
  %tf = tensor.collapse_shape %t [[0, 1]] : tensor<3x2xf32> into tensor<6xf32>
  %q1 = fp8.quantize %tf, %s : tensor<6xf32>, f32 to tensor<6xf8E4M3FN>
  %col = tensor.expand_shape %row [[0, 1]] output_shape [3, 2] : tensor<6xf32> into tensor<3x2xf32>
  %e3 = tensor.empty() : tensor<3xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0, 0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%col : tensor<3x2xf32>) outs(%e3 : tensor<3xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<3xf32>
  %q2 = fp8.quantize %c, %s : tensor<3xf32>, f32 to tensor<3xf8E4M3FN>
  return %q0, %q1, %q2 : tensor<3x2xf8E4M3FN>, tensor<6xf8E4M3FN>, tensor<3xf8E4M3FN>
}

// -----

// A weight broadcast over a batch (torch-mlir's batch_matmul operands): the
// amax folds; the quantization is of the weight once (power-of-two scales
// 2^-7 and 2^-6 per column), broadcast as fp8 codes. With a scale that
// varies along the broadcast dimension it stays.
// CHECK-LABEL: func @broadcast
// CHECK-DAG: %[[Q:.*]] = arith.constant dense<{{\[}}[1.280000e+02, 1.280000e+02], [3.840000e+02, 2.560000e+02]]> : tensor<2x2xf8E4M3FN>
// CHECK-DAG: %[[S:.*]] = arith.constant dense<{{\[}}{{\[}}[3.000000e+00, 4.000000e+00]], {{\[}}[3.000000e+00, 4.000000e+00]], {{\[}}[3.000000e+00, 4.000000e+00]]]> : tensor<3x1x2xf32>
// CHECK: %[[B:.*]] = linalg.broadcast ins(%[[Q]] : tensor<2x2xf8E4M3FN>) outs(%{{.*}} : tensor<3x2x2xf8E4M3FN>) dimensions = [0]
// CHECK: %[[V:.*]] = fp8.quantize %{{.*}}, %{{.*}} {block = array<i64: 1, 2, 1>}
// CHECK: return %[[B]], %[[S]], %[[V]]
func.func @broadcast() -> (tensor<3x2x2xf8E4M3FN>, tensor<3x1x2xf32>, tensor<3x2x2xf8E4M3FN>) {
  %w = arith.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %e = tensor.empty() : tensor<3x2x2xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<2x2xf32>) outs(%e : tensor<3x2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<3x2x2xf32>
  %a = fp8.amax %b {block = array<i64: 1, 2, 1>} : tensor<3x2x2xf32> -> tensor<3x1x2xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN, pow2} : tensor<3x1x2xf32> -> tensor<3x1x2xf32>
  %q = fp8.quantize %b, %s {block = array<i64: 1, 2, 1>} : tensor<3x2x2xf32>, tensor<3x1x2xf32> to tensor<3x2x2xf8E4M3FN>
  %sv = arith.constant dense<[[[1.0, 1.0]], [[2.0, 2.0]], [[1.0, 1.0]]]> : tensor<3x1x2xf32>
  %v = fp8.quantize %b, %sv {block = array<i64: 1, 2, 1>} : tensor<3x2x2xf32>, tensor<3x1x2xf32> to tensor<3x2x2xf8E4M3FN>
  return %q, %a, %v : tensor<3x2x2xf8E4M3FN>, tensor<3x1x2xf32>, tensor<3x2x2xf8E4M3FN>
}

// -----

// A weight with another use stays; its quantization still folds. A
// splat folds to a splat. Values that are not constants stay.
// CHECK-LABEL: func @uses
// CHECK-DAG: %[[W:.*]] = arith.constant dense<[1.000000e+00, 3.000000e+00]> : tensor<2xf32>
// CHECK-DAG: %[[Q:.*]] = arith.constant dense<[2.000000e+00, 6.000000e+00]> : tensor<2xf8E4M3FN>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<1.000000e+00> : tensor<4x4xf8E4M3FN>
// CHECK: %[[R:.*]] = fp8.quantize %{{.*}}, %{{.*}} : tensor<2xf32>, f32 to tensor<2xf8E4M3FN>
// CHECK: return %[[W]], %[[Q]], %[[Z]], %[[R]]
func.func @uses(%x: tensor<2xf32>) -> (tensor<2xf32>, tensor<2xf8E4M3FN>, tensor<4x4xf8E4M3FN>, tensor<2xf8E4M3FN>) {
  %s = arith.constant 0.5 : f32
  %w = arith.constant dense<[1.0, 3.0]> : tensor<2xf32>
  %q = fp8.quantize %w, %s : tensor<2xf32>, f32 to tensor<2xf8E4M3FN>
  %splat = arith.constant dense<0.5> : tensor<4x4xf32>
  %e = tensor.empty() : tensor<4x4xf32>
  %t = linalg.transpose ins(%splat : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) permutation = [1, 0]
  %z = fp8.quantize %t, %s : tensor<4x4xf32>, f32 to tensor<4x4xf8E4M3FN>
  %r = fp8.quantize %x, %s : tensor<2xf32>, f32 to tensor<2xf8E4M3FN>
  return %w, %q, %z, %r : tensor<2xf32>, tensor<2xf8E4M3FN>, tensor<4x4xf8E4M3FN>, tensor<2xf8E4M3FN>
}
