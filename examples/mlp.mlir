// A two-layer MLP (4x16 -> 32 -> 8, ReLU) in linalg on tensors, run in f32
// and with both matmuls in E4M3FN (OCP FP8) and in HiF8, through
// fp8-cpu-pipeline on the CPU. Prints each output and its error against f32.
//
//   fp8-opt examples/mlp.mlir --fp8-cpu-pipeline | mlir-runner -e main \
//     -entry-point-result=void -shared-libs=<llvm>/lib/libmlir_c_runner_utils.so,<llvm>/lib/libmlir_runner_utils.so

func.func private @printMemrefF32(tensor<*xf32> {bufferization.access = "read"}) attributes {llvm.emit_c_interface}

func.func @relu(%x: tensor<4x32xf32>) -> tensor<4x32xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x32xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x32xf32>) outs(%init : tensor<4x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x32xf32>
  return %r : tensor<4x32xf32>
}

func.func @dense(%x: tensor<4x?xf32>, %w: tensor<?x?xf32>, %b: tensor<?xf32>) -> tensor<4x?xf32> {
  %c1 = arith.constant 1 : index
  %n = tensor.dim %w, %c1 : tensor<?x?xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty(%n) : tensor<4x?xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4x?xf32>) -> tensor<4x?xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<4x?xf32>, tensor<?x?xf32>) outs(%acc : tensor<4x?xf32>) -> tensor<4x?xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<4x?xf32>, tensor<?xf32>) outs(%init : tensor<4x?xf32>) {
  ^bb0(%m: f32, %bias: f32, %out: f32):
    %s = arith.addf %m, %bias : f32
    linalg.yield %s : f32
  } -> tensor<4x?xf32>
  return %y : tensor<4x?xf32>
}

// The f32 reference.
func.func @mlp_f32(%x: tensor<4x16xf32>, %w1: tensor<16x32xf32>, %b1: tensor<32xf32>,
                   %w2: tensor<32x8xf32>, %b2: tensor<8xf32>) -> tensor<4x8xf32> {
  %xd = tensor.cast %x : tensor<4x16xf32> to tensor<4x?xf32>
  %w1d = tensor.cast %w1 : tensor<16x32xf32> to tensor<?x?xf32>
  %b1d = tensor.cast %b1 : tensor<32xf32> to tensor<?xf32>
  %h = call @dense(%xd, %w1d, %b1d) : (tensor<4x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<4x?xf32>
  %hs = tensor.cast %h : tensor<4x?xf32> to tensor<4x32xf32>
  %r = call @relu(%hs) : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %rd = tensor.cast %r : tensor<4x32xf32> to tensor<4x?xf32>
  %w2d = tensor.cast %w2 : tensor<32x8xf32> to tensor<?x?xf32>
  %b2d = tensor.cast %b2 : tensor<8xf32> to tensor<?xf32>
  %y = call @dense(%rd, %w2d, %b2d) : (tensor<4x?xf32>, tensor<?x?xf32>, tensor<?xf32>) -> tensor<4x?xf32>
  %ys = tensor.cast %y : tensor<4x?xf32> to tensor<4x8xf32>
  return %ys : tensor<4x8xf32>
}

// The same MLP with both matmuls in f8E4M3FN: activations scaled per row, weights
// per tensor, scales computed from the data (amax -> compute_scale).
func.func @mlp_e4m3fn(%x: tensor<4x16xf32>, %w1: tensor<16x32xf32>, %b1: tensor<32xf32>,
                  %w2: tensor<32x8xf32>, %b2: tensor<8xf32>) -> tensor<4x8xf32> {
  %ax = fp8.amax %x {block = array<i64: 1, 16>} : tensor<4x16xf32> -> tensor<4x1xf32>
  %sx = fp8.compute_scale %ax {format = f8E4M3FN} : tensor<4x1xf32> -> tensor<4x1xf32>
  %qx = fp8.quantize %x, %sx {block = array<i64: 1, 16>}
      : tensor<4x16xf32>, tensor<4x1xf32> to tensor<4x16xf8E4M3FN>
  %aw1 = fp8.amax %w1 : tensor<16x32xf32> -> f32
  %sw1 = fp8.compute_scale %aw1 {format = f8E4M3FN} : f32 -> f32
  %qw1 = fp8.quantize %w1, %sw1 : tensor<16x32xf32>, f32 to tensor<16x32xf8E4M3FN>
  %h = fp8.scaled_matmul %qx[%sx], %qw1[%sw1] bias(%b1 : tensor<32xf32>)
      {lhs_block = array<i64: 1, 16>}
      : tensor<4x16xf8E4M3FN>[tensor<4x1xf32>], tensor<16x32xf8E4M3FN>[f32] -> tensor<4x32xf32>
  %r = call @relu(%h) : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %ar = fp8.amax %r {block = array<i64: 1, 32>} : tensor<4x32xf32> -> tensor<4x1xf32>
  %sr = fp8.compute_scale %ar {format = f8E4M3FN} : tensor<4x1xf32> -> tensor<4x1xf32>
  %qr = fp8.quantize %r, %sr {block = array<i64: 1, 32>}
      : tensor<4x32xf32>, tensor<4x1xf32> to tensor<4x32xf8E4M3FN>
  %aw2 = fp8.amax %w2 : tensor<32x8xf32> -> f32
  %sw2 = fp8.compute_scale %aw2 {format = f8E4M3FN} : f32 -> f32
  %qw2 = fp8.quantize %w2, %sw2 : tensor<32x8xf32>, f32 to tensor<32x8xf8E4M3FN>
  %y = fp8.scaled_matmul %qr[%sr], %qw2[%sw2] bias(%b2 : tensor<8xf32>)
      {lhs_block = array<i64: 1, 32>}
      : tensor<4x32xf8E4M3FN>[tensor<4x1xf32>], tensor<32x8xf8E4M3FN>[f32] -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// The same MLP with both matmuls in HiF8. HiF8 tapers: it has 3 mantissa bits
// for |x| in [2^-3, 16) but 1 bit near its max finite 2^15, so the scales map
// amax onto 8 (margin 12), not onto 2^15.
func.func @mlp_hif8(%x: tensor<4x16xf32>, %w1: tensor<16x32xf32>, %b1: tensor<32xf32>,
                  %w2: tensor<32x8xf32>, %b2: tensor<8xf32>) -> tensor<4x8xf32> {
  %ax = fp8.amax %x {block = array<i64: 1, 16>} : tensor<4x16xf32> -> tensor<4x1xf32>
  %sx = fp8.compute_scale %ax {format = !fp8.hif8, margin = 12 : i32} : tensor<4x1xf32> -> tensor<4x1xf32>
  %qx = fp8.quantize %x, %sx {block = array<i64: 1, 16>}
      : tensor<4x16xf32>, tensor<4x1xf32> to tensor<4x16x!fp8.hif8>
  %aw1 = fp8.amax %w1 : tensor<16x32xf32> -> f32
  %sw1 = fp8.compute_scale %aw1 {format = !fp8.hif8, margin = 12 : i32} : f32 -> f32
  %qw1 = fp8.quantize %w1, %sw1 : tensor<16x32xf32>, f32 to tensor<16x32x!fp8.hif8>
  %h = fp8.scaled_matmul %qx[%sx], %qw1[%sw1] bias(%b1 : tensor<32xf32>)
      {lhs_block = array<i64: 1, 16>}
      : tensor<4x16x!fp8.hif8>[tensor<4x1xf32>], tensor<16x32x!fp8.hif8>[f32] -> tensor<4x32xf32>
  %r = call @relu(%h) : (tensor<4x32xf32>) -> tensor<4x32xf32>
  %ar = fp8.amax %r {block = array<i64: 1, 32>} : tensor<4x32xf32> -> tensor<4x1xf32>
  %sr = fp8.compute_scale %ar {format = !fp8.hif8, margin = 12 : i32} : tensor<4x1xf32> -> tensor<4x1xf32>
  %qr = fp8.quantize %r, %sr {block = array<i64: 1, 32>}
      : tensor<4x32xf32>, tensor<4x1xf32> to tensor<4x32x!fp8.hif8>
  %aw2 = fp8.amax %w2 : tensor<32x8xf32> -> f32
  %sw2 = fp8.compute_scale %aw2 {format = !fp8.hif8, margin = 12 : i32} : f32 -> f32
  %qw2 = fp8.quantize %w2, %sw2 : tensor<32x8xf32>, f32 to tensor<32x8x!fp8.hif8>
  %y = fp8.scaled_matmul %qr[%sr], %qw2[%sw2] bias(%b2 : tensor<8xf32>)
      {lhs_block = array<i64: 1, 32>}
      : tensor<4x32x!fp8.hif8>[tensor<4x1xf32>], tensor<32x8x!fp8.hif8>[f32] -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Relative L2 error ||y - ref|| / ||ref|| and max |y - ref|.
func.func @errors(%y: tensor<4x8xf32>, %ref: tensor<4x8xf32>) -> (f32, f32) {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<f32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<f32>) -> tensor<f32>
  %sums:3 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>,
                                            affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>],
                            iterator_types = ["reduction", "reduction"]}
      ins(%y, %ref : tensor<4x8xf32>, tensor<4x8xf32>) outs(%acc, %acc, %acc : tensor<f32>, tensor<f32>, tensor<f32>) {
  ^bb0(%a: f32, %b: f32, %diff2: f32, %ref2: f32, %maxdiff: f32):
    %d = arith.subf %a, %b : f32
    %dd = arith.mulf %d, %d : f32
    %bb = arith.mulf %b, %b : f32
    %s0 = arith.addf %diff2, %dd : f32
    %s1 = arith.addf %ref2, %bb : f32
    %ad = math.absf %d : f32
    %m = arith.maximumf %maxdiff, %ad : f32
    linalg.yield %s0, %s1, %m : f32, f32, f32
  } -> (tensor<f32>, tensor<f32>, tensor<f32>)
  %diff2 = tensor.extract %sums#0[] : tensor<f32>
  %ref2 = tensor.extract %sums#1[] : tensor<f32>
  %max = tensor.extract %sums#2[] : tensor<f32>
  %ratio = arith.divf %diff2, %ref2 : f32
  %rel = math.sqrt %ratio : f32
  return %rel, %max : f32, f32
}

func.func @main() {
  %x = arith.constant dense<[[-0.256, 0.511, -0.226, -0.315, -0.930, -0.213, 1.112, 0.424, 1.037, 0.249, 0.395, 0.185, -1.666, 0.855, 0.506, 0.499],
      [-1.691, -1.744, -0.890, -0.468, 0.305, -0.046, 0.521, -0.642, 0.309, 0.394, -0.661, 1.718, 0.557, 1.197, -0.620, -0.740],
      [-0.344, -0.106, 0.632, 0.248, -0.447, -0.957, -0.521, 1.221, -0.808, 0.245, 0.427, -1.490, 0.048, 1.306, -2.014, -0.322],
      [-0.106, -0.817, 0.497, -0.062, -1.465, 0.828, 0.669, 0.946, 1.441, 0.362, 0.119, -1.299, 0.615, -0.612, -0.453, -1.265]]> : tensor<4x16xf32>
  %w1 = arith.constant dense<[[-0.242, -0.133, 0.322, -0.508, -0.364, 0.060, 0.361, 0.145, -0.475, -0.630, 0.089, -0.184, -0.280, 0.244, 0.275, 0.039, 0.061, 0.109, 0.399, 0.155, 0.130, 0.137, -0.392, 0.320, 0.239, 0.132, -0.493, -0.158, 0.211, -0.453, -0.046, 0.255],
      [-0.328, 0.403, 0.138, -0.038, 0.081, 0.162, 0.030, 0.286, -0.165, -0.104, 0.260, 0.007, -0.220, 0.237, 0.366, -0.111, -0.345, -0.034, -0.037, -0.074, 0.351, -0.257, 0.315, -0.317, -0.197, 0.158, 0.282, 0.215, 0.086, 0.036, 0.038, 0.144],
      [-0.044, 0.069, 0.143, 0.000, 0.191, 0.141, 0.503, 0.081, -0.107, -0.093, -0.003, 0.231, -0.084, 0.096, 0.459, -0.641, -0.281, 0.061, 0.100, 0.060, -0.108, 0.164, 0.071, -0.131, 0.608, 0.089, -0.139, -0.025, -0.056, -0.016, -0.682, -0.122],
      [0.252, -0.292, -0.017, 0.238, 0.214, 0.373, -0.425, -0.088, -0.085, 0.156, 0.273, -0.671, 0.272, -0.362, 0.171, -0.373, 0.044, 0.299, -0.037, 0.048, 0.199, 0.035, -0.022, 0.383, 0.262, -0.073, 0.686, -0.287, 0.229, -0.066, 0.033, 0.176],
      [0.056, 0.160, -0.382, -0.377, 0.154, -0.241, -0.257, -0.368, 0.317, 0.187, 0.368, -0.234, 0.000, -0.285, 0.192, 0.397, -0.223, 0.390, 0.247, -0.044, -0.493, 0.352, -0.024, -0.151, 0.100, 0.102, 0.375, -0.255, 0.284, 0.372, 0.363, -0.045],
      [-0.186, 0.255, 0.029, 0.031, 0.356, -0.066, -0.574, -0.097, -0.463, 0.205, 0.079, -0.153, -0.002, 0.208, 0.020, 0.332, -0.015, 0.260, 0.373, 0.402, -0.168, 0.220, -0.469, -0.271, -0.491, 0.267, -0.308, -0.003, -0.048, -0.007, -0.148, 0.058],
      [0.448, 0.011, 0.133, 0.250, -0.049, -0.315, -0.139, 0.268, -0.412, -0.149, 0.252, 0.198, 0.002, 0.201, 0.041, -0.295, -0.391, -0.160, 0.231, -0.141, -0.226, -0.193, -0.383, -0.029, -0.295, 0.091, -0.590, 0.082, -0.160, -0.486, 0.181, -0.069],
      [-0.558, -0.219, 0.073, -0.115, 0.195, 0.187, 0.167, 0.082, 0.333, 0.165, 0.113, -0.521, 0.224, 0.327, -0.074, -0.117, 0.485, -0.440, 0.117, 0.606, -0.232, 0.172, 0.472, -0.030, 0.140, 0.226, -0.226, -0.022, 0.073, 0.206, -0.009, -0.049],
      [-0.254, -0.090, 0.223, 0.025, -0.213, -0.210, 0.667, 0.285, 0.159, -0.648, 0.155, 0.120, 0.421, 0.107, -0.017, 0.131, -0.486, 0.258, 0.081, -0.176, 0.331, 0.452, -0.351, -0.167, 0.073, 0.046, -0.100, -0.244, 0.530, 0.259, -0.299, -0.336],
      [0.426, 0.247, 0.455, 0.203, -0.218, 0.065, -0.540, -0.187, -0.015, 0.131, -0.182, -0.031, 0.115, 0.094, 0.159, 0.052, -0.081, 0.197, 0.012, -0.207, -0.156, -0.000, -0.027, 0.039, -0.000, 0.044, -0.034, -0.315, 0.105, 0.263, 0.109, -0.047],
      [0.112, -0.241, -0.474, 0.015, -0.233, 0.185, -0.271, -0.657, -0.260, 0.395, -0.095, -0.342, -0.191, 0.130, 0.124, 0.044, 0.371, 0.177, -0.005, 0.149, 0.414, 0.243, 0.256, -0.271, -0.037, 0.182, -0.074, 0.267, 0.149, 0.227, -0.053, 0.637],
      [0.310, -0.054, 0.023, 0.649, -0.086, 0.219, 0.245, 0.002, -0.292, 0.047, 0.090, 0.282, 0.196, 0.006, 0.213, 0.135, 0.052, 0.014, -0.061, 0.172, -0.264, -0.157, 0.001, -0.366, -0.109, -0.502, -0.171, 0.142, 0.142, -0.014, -0.058, -0.354],
      [0.457, 0.129, 0.273, -0.221, -0.046, -0.455, 0.195, 0.234, -0.474, -0.013, 0.158, -0.441, -0.456, -0.266, -0.157, -0.351, 0.008, 0.062, 0.159, 0.176, 0.376, 0.291, -0.328, -0.126, -0.265, -0.269, -0.020, 0.001, 0.123, -0.397, -0.309, -0.006],
      [-0.050, -0.078, -0.016, -0.190, 0.175, 0.089, -0.022, -0.168, -0.044, -0.680, -0.245, 0.009, -0.376, 0.050, 0.037, -0.344, -0.063, -0.078, 0.115, 0.153, -0.009, -0.213, -0.036, -0.016, 0.184, 0.074, -0.181, -0.339, -0.093, -0.185, -0.278, -0.029],
      [-0.123, 0.026, 0.131, -0.103, 0.581, -0.080, 0.275, 0.030, 0.279, -0.594, -0.188, 0.062, 0.151, 0.584, 0.081, 0.320, 0.192, 0.237, 0.128, -0.039, 0.127, -0.270, 0.295, -0.254, 0.062, 0.530, -0.056, 0.005, 0.291, 0.007, -0.202, 0.065],
      [0.146, 0.178, -0.193, 0.438, 0.417, 0.005, 0.067, -0.107, 0.354, -0.176, 0.169, -0.120, -0.174, 0.180, 0.333, -0.003, -0.169, 0.203, -0.012, 0.078, 0.381, 0.283, -0.130, 0.571, 0.001, 0.196, -0.162, -0.011, -0.437, 0.447, 0.341, -0.304]]> : tensor<16x32xf32>
  %b1 = arith.constant dense<[-0.151, -0.162, 0.118, -0.046, -0.006, -0.031, -0.012, -0.109, 0.002, -0.144, -0.007, 0.031, 0.047, -0.023, -0.090, 0.016, -0.048, 0.157, 0.077, -0.012, -0.047, -0.070, -0.094, -0.035, 0.029, 0.052, 0.057, 0.210, -0.070, 0.001, 0.279, -0.187]> : tensor<32xf32>
  %w2 = arith.constant dense<[[-0.092, 0.030, 0.027, 0.072, -0.042, 0.065, 0.009, 0.136],
      [-0.335, -0.156, -0.000, -0.182, -0.185, 0.111, -0.115, 0.112],
      [0.132, 0.054, 0.090, -0.018, -0.249, -0.005, 0.080, -0.094],
      [-0.018, 0.132, -0.155, 0.113, 0.329, -0.098, 0.026, -0.027],
      [0.272, 0.056, 0.159, -0.122, -0.003, -0.002, -0.314, 0.255],
      [0.159, -0.309, 0.132, -0.023, 0.079, 0.065, -0.265, -0.037],
      [0.264, -0.102, -0.181, -0.240, -0.216, 0.059, 0.299, 0.076],
      [0.043, 0.395, -0.092, -0.119, 0.093, 0.097, -0.179, -0.207],
      [0.051, 0.044, -0.231, -0.036, -0.096, 0.081, -0.021, -0.015],
      [-0.062, 0.186, 0.246, -0.065, 0.150, -0.134, 0.013, 0.133],
      [0.268, -0.068, -0.013, 0.035, -0.265, 0.003, -0.119, 0.066],
      [-0.200, -0.349, 0.007, 0.046, -0.097, 0.157, -0.048, -0.107],
      [0.084, -0.277, -0.120, -0.004, 0.150, -0.029, 0.055, -0.116],
      [0.053, 0.294, -0.121, 0.418, -0.114, 0.003, 0.031, 0.181],
      [-0.219, -0.371, 0.107, 0.141, 0.110, 0.465, 0.036, 0.045],
      [0.164, 0.065, 0.294, -0.219, -0.066, -0.609, 0.144, -0.066],
      [0.163, 0.381, -0.001, -0.045, -0.088, -0.148, -0.111, 0.113],
      [0.007, 0.012, -0.031, 0.162, 0.087, -0.025, 0.118, -0.027],
      [-0.204, 0.257, 0.082, -0.169, 0.191, 0.061, -0.277, 0.285],
      [0.059, 0.158, 0.035, -0.026, -0.274, 0.172, 0.005, -0.051],
      [0.062, 0.014, 0.119, -0.066, -0.006, -0.378, -0.075, 0.119],
      [0.236, -0.064, -0.021, 0.280, -0.058, 0.130, 0.297, 0.007],
      [0.217, -0.126, 0.037, -0.014, 0.020, 0.200, 0.422, -0.118],
      [-0.102, 0.088, -0.187, 0.088, 0.101, -0.049, 0.094, -0.274],
      [0.134, -0.273, -0.123, -0.098, -0.071, 0.152, 0.014, -0.070],
      [0.096, 0.280, 0.001, 0.065, 0.219, 0.047, -0.227, 0.440],
      [0.390, -0.351, -0.007, 0.074, 0.171, 0.118, -0.048, -0.186],
      [0.018, 0.183, -0.193, -0.182, -0.004, -0.343, -0.046, -0.077],
      [0.080, -0.124, -0.156, -0.070, -0.009, -0.117, 0.002, 0.133],
      [0.210, 0.301, -0.139, -0.074, -0.439, 0.336, -0.128, -0.006],
      [0.092, -0.240, 0.082, -0.005, -0.323, 0.052, 0.211, -0.330],
      [0.143, 0.037, 0.084, 0.078, 0.231, -0.040, 0.154, -0.072]]> : tensor<32x8xf32>
  %b2 = arith.constant dense<[0.073, -0.081, -0.011, 0.173, 0.045, -0.016, -0.114, -0.079]> : tensor<8xf32>
  %ref = call @mlp_f32(%x, %w1, %b1, %w2, %b2)
      : (tensor<4x16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %e4m3 = call @mlp_e4m3fn(%x, %w1, %b1, %w2, %b2)
      : (tensor<4x16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %hif8 = call @mlp_hif8(%x, %w1, %b1, %w2, %b2)
      : (tensor<4x16xf32>, tensor<16x32xf32>, tensor<32xf32>, tensor<32x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  vector.print str "== f32 reference\n"
  %u = tensor.cast %ref : tensor<4x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  vector.print str "== E4M3FN (OCP FP8), per-row activations, per-tensor weights\n"
  %u_e4m3 = tensor.cast %e4m3 : tensor<4x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u_e4m3) : (tensor<*xf32>) -> ()
  %rel_e4m3, %max_e4m3 = call @errors(%e4m3, %ref) : (tensor<4x8xf32>, tensor<4x8xf32>) -> (f32, f32)
  vector.print str "relative L2 error vs f32: "
  vector.print %rel_e4m3 : f32
  vector.print str "max abs error vs f32:     "
  vector.print %max_e4m3 : f32
  vector.print str "== HiF8, per-row activations, per-tensor weights\n"
  %u_hif8 = tensor.cast %hif8 : tensor<4x8xf32> to tensor<*xf32>
  call @printMemrefF32(%u_hif8) : (tensor<*xf32>) -> ()
  %rel_hif8, %max_hif8 = call @errors(%hif8, %ref) : (tensor<4x8xf32>, tensor<4x8xf32>) -> (f32, f32)
  vector.print str "relative L2 error vs f32: "
  vector.print %rel_hif8 : f32
  vector.print str "max abs error vs f32:     "
  vector.print %max_hif8 : f32
  return
}
