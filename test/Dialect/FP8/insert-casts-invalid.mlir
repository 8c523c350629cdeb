// Bad options and bad input fail fp8-insert-casts with a message.
//
// RUN: not fp8-opt %s --fp8-insert-casts="recipe=fp4" 2>&1 | FileCheck %s --check-prefix=RECIPE
// RECIPE: error: fp8-insert-casts: unknown recipe 'fp4' (expected ocp, hfp8 or hif8)
// RUN: not fp8-opt %s --fp8-insert-casts="scaling=column" 2>&1 | FileCheck %s --check-prefix=SCALING
// SCALING: error: fp8-insert-casts: unknown scaling 'column' (expected tensor, row, block1x128, block128x128 or mx32)
// RUN: not fp8-opt %s --fp8-insert-casts="format=f32" 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: error: fp8-insert-casts: option format='f32' is not a narrow float type
// RUN: not fp8-opt %s --fp8-insert-casts="grad-format=f8E8M0FNU" 2>&1 | FileCheck %s --check-prefix=GRAD-FORMAT
// GRAD-FORMAT: error: fp8-insert-casts: option grad-format='f8E8M0FNU' is not a narrow float type {{.*}}f8E8M0FNU holds scales only)
// RUN: not fp8-opt %s --fp8-insert-casts="format=e4m3" 2>&1 | FileCheck %s --check-prefix=FORMAT-NAME
// FORMAT-NAME: error: fp8-insert-casts: option format='e4m3' is not a narrow float type
// RUN: not fp8-opt %s --fp8-insert-casts="rounding=hybrid" 2>&1 | FileCheck %s --check-prefix=HYBRID
// HYBRID: error: fp8-insert-casts: rounding 'hybrid' does not apply to 'f8E4M3FN' (hybrid rounding is HiF8's)
// RUN: not fp8-opt %s --fp8-insert-casts="recipe=hfp8 grad-rounding=hybrid" 2>&1 | FileCheck %s --check-prefix=GRAD-HYBRID
// GRAD-HYBRID: error: fp8-insert-casts: grad-rounding 'hybrid' does not apply to 'f8E5M2' (hybrid rounding is HiF8's)
// RUN: not fp8-opt %s --fp8-insert-casts="recipe=hif8 rounding=upward" 2>&1 | FileCheck %s --check-prefix=HIF8-UPWARD
// HIF8-UPWARD: error: fp8-insert-casts: rounding 'upward' does not apply to '!fp8.hif8'
// RUN: not fp8-opt %s --fp8-insert-casts="rounding=stochastic" 2>&1 | FileCheck %s --check-prefix=STOCHASTIC
// STOCHASTIC: error: fp8-insert-casts: unknown rounding 'stochastic' ({{.*}}stochastic needs random bits)
// RUN: not fp8-opt %s --fp8-insert-casts="grad-rounding=even" 2>&1 | FileCheck %s --check-prefix=ROUNDING-NAME
// ROUNDING-NAME: error: fp8-insert-casts: unknown grad-rounding 'even'
// RUN: not fp8-opt %s --fp8-insert-casts="min-flops=-1" 2>&1 | FileCheck %s --check-prefix=FLOPS
// FLOPS: error: fp8-insert-casts: min-flops must be >= 0, got -1
// RUN: not fp8-opt %s --fp8-insert-casts="margin=200" 2>&1 | FileCheck %s --check-prefix=MARGIN
// MARGIN: error: fp8-insert-casts: margin 200 puts max_finite('f8E4M3FN') * 2^-margin outside the normal f32 range
// RUN: not fp8-opt %s --fp8-insert-casts="margin=-2147483648" 2>&1 | FileCheck %s --check-prefix=MARGIN-MIN
// MARGIN-MIN: error: fp8-insert-casts: margin -2147483648 puts max_finite('f8E4M3FN') * 2^-margin outside the normal f32 range
// RUN: not fp8-opt %s --fp8-insert-casts="recipe=hif8 margin=12 target-max=15" 2>&1 | FileCheck %s --check-prefix=BOTH
// BOTH: error: fp8-insert-casts: options margin and target-max are exclusive (target-max replaces margin); got margin=12 and target-max=15
// RUN: not fp8-opt %s --fp8-insert-casts="target-max=15 margin=0" 2>&1 | FileCheck %s --check-prefix=BOTH-ZERO
// BOTH-ZERO: error: fp8-insert-casts: options margin and target-max are exclusive (target-max replaces margin); got margin=0 and target-max=15
// RUN: not fp8-opt %s --fp8-insert-casts="target-max=-15" 2>&1 | FileCheck %s --check-prefix=TARGET-NEGATIVE
// TARGET-NEGATIVE: error: fp8-insert-casts: target-max must be a finite f32 no smaller than the smallest normal f32, got -15
// RUN: not fp8-opt %s --fp8-insert-casts="target-max=1e39" 2>&1 | FileCheck %s --check-prefix=TARGET-HUGE
// TARGET-HUGE: error: fp8-insert-casts: target-max must be a finite f32 no smaller than the smallest normal f32, got 1e+39
// RUN: not fp8-opt %s --fp8-insert-casts="target-max=1e-40" 2>&1 | FileCheck %s --check-prefix=TARGET-TINY
// TARGET-TINY: error: fp8-insert-casts: target-max must be a finite f32 no smaller than the smallest normal f32, got 1e-40
// RUN: not fp8-opt %s --fp8-insert-casts="target-max=500" 2>&1 | FileCheck %s --check-prefix=TARGET-RANGE
// TARGET-RANGE: error: fp8-insert-casts: target-max 500 exceeds max_finite('f8E4M3FN') = 448
// RUN: not fp8-opt %s --fp8-insert-casts="recipe=hfp8 target-max=1000" 2>&1 | FileCheck %s --check-prefix=TARGET-GRAD
// TARGET-GRAD: error: fp8-insert-casts: target-max 1000 exceeds max_finite('f8E4M3FN') = 448
// RUN: not fp8-opt %s --fp8-insert-casts="format=hif8 grad-format=f4E2M1FN target-max=15" 2>&1 | FileCheck %s --check-prefix=TARGET-GRAD-FORMAT
// TARGET-GRAD-FORMAT: error: fp8-insert-casts: target-max 15 exceeds max_finite('f4E2M1FN') = 6
//
// RUN: fp8-opt %s -split-input-file -verify-diagnostics --fp8-insert-casts="static-scales scaling=mx32"

func.func @bad_role(%a: tensor<4x64xf32>, %b: tensor<64x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'linalg.matmul' op has fp8.role = "backward"; expected "forward" or "grad"}}
  %r = linalg.matmul {fp8.role = "backward"} ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

func.func @missing_scale(%a: tensor<4x64xf32>, %b: tensor<64x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'linalg.matmul' op needs a `fp8.rhs_scale` attribute (static-scales)}}
  %r = linalg.matmul {fp8.lhs_scale = 1.0 : f32} ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

func.func @wrong_shape(%a: tensor<4x64xf32>, %b: tensor<64x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'linalg.matmul' op `fp8.lhs_scale` has type 'tensor<4x1xf32>' but the scale of this operand is 'tensor<4x2xf8E8M0FNU>'}}
  %r = linalg.matmul {fp8.lhs_scale = dense<1.0> : tensor<4x1xf32>, fp8.rhs_scale = 1.0 : f32} ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

func.func @not_pow2(%a: tensor<4x64xf32>, %b: tensor<64x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'linalg.matmul' op `fp8.rhs_scale` must hold powers of two in [2^-127, 2^127] for mx32 scales, got 3}}
  %r = linalg.matmul {fp8.lhs_scale = 1.0 : f32, fp8.rhs_scale = 3.0 : f32} ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

func.func @negative(%a: tensor<4x64xf32>, %b: tensor<64x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'linalg.matmul' op `fp8.lhs_scale` must hold positive finite scales, got -2}}
  %r = linalg.matmul {fp8.lhs_scale = -2.0 : f32, fp8.rhs_scale = 1.0 : f32} ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

func.func @not_float(%a: tensor<4x64xf32>, %b: tensor<64x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'linalg.matmul' op `fp8.lhs_scale` must be a float or dense float elements, got "two"}}
  %r = linalg.matmul {fp8.lhs_scale = "two", fp8.rhs_scale = 1.0 : f32} ins(%a, %b : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
