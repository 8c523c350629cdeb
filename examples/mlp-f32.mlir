// A three-layer MLP (32x256 -> 512 -> 512 -> 128, ReLU) in f32 only: the
// input of fp8-insert-casts. Its data is pseudo-random (an integer hash of
// the element index), with every 37th input feature 8x larger, like the
// outlier channels of real activations. @main prints the output.
//
//   fp8-opt examples/mlp-f32.mlir --fp8-insert-casts="recipe=ocp scaling=row" \
//     --fp8-cpu-pipeline | mlir-runner -e main -entry-point-result=void \
//     -shared-libs=<llvm>/lib/libmlir_c_runner_utils.so,<llvm>/lib/libmlir_runner_utils.so
//
// bench/recipes.py compares that output with the f32 program's for every
// recipe and scaling.

#id = affine_map<(d0, d1) -> (d0, d1)>
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

// max(x @ w + b, 0) (or without the ReLU on the last layer).
func.func private @mlp(%x: tensor<32x256xf32>, %w1: tensor<256x512xf32>, %b1: tensor<512xf32>,
               %w2: tensor<512x512xf32>, %b2: tensor<512xf32>,
               %w3: tensor<512x128xf32>, %b3: tensor<128xf32>) -> tensor<32x128xf32> {
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<32x512xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<32x512xf32>) -> tensor<32x512xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<32x256xf32>, tensor<256x512xf32>) outs(%z1 : tensor<32x512xf32>) -> tensor<32x512xf32>
  %h1 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<32x512xf32>, tensor<512xf32>) outs(%e1 : tensor<32x512xf32>) {
  ^bb0(%m: f32, %b: f32, %o: f32):
    %s = arith.addf %m, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<32x512xf32>
  %m2 = linalg.matmul ins(%h1, %w2 : tensor<32x512xf32>, tensor<512x512xf32>) outs(%z1 : tensor<32x512xf32>) -> tensor<32x512xf32>
  %h2 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m2, %b2 : tensor<32x512xf32>, tensor<512xf32>) outs(%e1 : tensor<32x512xf32>) {
  ^bb0(%m: f32, %b: f32, %o: f32):
    %s = arith.addf %m, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<32x512xf32>
  %e3 = tensor.empty() : tensor<32x128xf32>
  %z3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %m3 = linalg.matmul ins(%h2, %w3 : tensor<32x512xf32>, tensor<512x128xf32>) outs(%z3 : tensor<32x128xf32>) -> tensor<32x128xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m3, %b3 : tensor<32x128xf32>, tensor<128xf32>) outs(%e3 : tensor<32x128xf32>) {
  ^bb0(%m: f32, %b: f32, %o: f32):
    %s = arith.addf %m, %b : f32
    linalg.yield %s : f32
  } -> tensor<32x128xf32>
  return %y : tensor<32x128xf32>
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
  %c32 = arith.constant 32 : index
  %c128 = arith.constant 128 : index
  %c256 = arith.constant 256 : index
  %c512 = arith.constant 512 : index
  %s1 = arith.constant 1 : i32
  %s2 = arith.constant 2 : i32
  %s3 = arith.constant 3 : i32
  %s4 = arith.constant 4 : i32
  %s5 = arith.constant 5 : i32
  %s6 = arith.constant 6 : i32
  %s7 = arith.constant 7 : i32
  %xscale = arith.constant 2.0 : f32
  // Uniform weights of variance 2 / fan-in (He initialization).
  %w1scale = arith.constant 0.3062 : f32
  %w2scale = arith.constant 0.2165 : f32
  %bscale = arith.constant 0.1 : f32
  %xd = call @matrix(%c32, %c256, %s1, %xscale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %x0 = tensor.cast %xd : tensor<?x?xf32> to tensor<32x256xf32>
  // Outlier features: every 37th column 8x larger.
  %eight = arith.constant 8.0 : f32
  %one = arith.constant 1.0 : f32
  %c37 = arith.constant 37 : index
  %c0 = arith.constant 0 : index
  %xe = tensor.empty() : tensor<32x256xf32>
  %x = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x0 : tensor<32x256xf32>) outs(%xe : tensor<32x256xf32>) {
  ^bb0(%in: f32, %o: f32):
    %j = linalg.index 1 : index
    %rem = arith.remui %j, %c37 : index
    %is = arith.cmpi eq, %rem, %c0 : index
    %f = arith.select %is, %eight, %one : f32
    %v = arith.mulf %in, %f : f32
    linalg.yield %v : f32
  } -> tensor<32x256xf32>
  %w1d = call @matrix(%c256, %c512, %s2, %w1scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %w2d = call @matrix(%c512, %c512, %s3, %w2scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %w3d = call @matrix(%c512, %c128, %s4, %w2scale) : (index, index, i32, f32) -> tensor<?x?xf32>
  %b1d = call @vector(%c512, %s5, %bscale) : (index, i32, f32) -> tensor<?xf32>
  %b2d = call @vector(%c512, %s6, %bscale) : (index, i32, f32) -> tensor<?xf32>
  %b3d = call @vector(%c128, %s7, %bscale) : (index, i32, f32) -> tensor<?xf32>
  %w1 = tensor.cast %w1d : tensor<?x?xf32> to tensor<256x512xf32>
  %w2 = tensor.cast %w2d : tensor<?x?xf32> to tensor<512x512xf32>
  %w3 = tensor.cast %w3d : tensor<?x?xf32> to tensor<512x128xf32>
  %b1 = tensor.cast %b1d : tensor<?xf32> to tensor<512xf32>
  %b2 = tensor.cast %b2d : tensor<?xf32> to tensor<512xf32>
  %b3 = tensor.cast %b3d : tensor<?xf32> to tensor<128xf32>
  %y = call @mlp(%x, %w1, %b1, %w2, %b2, %w3, %b3)
      : (tensor<32x256xf32>, tensor<256x512xf32>, tensor<512xf32>, tensor<512x512xf32>, tensor<512xf32>,
         tensor<512x128xf32>, tensor<128xf32>) -> tensor<32x128xf32>
  %u = tensor.cast %y : tensor<32x128xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
