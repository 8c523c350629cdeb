// RUN: fp8-opt %s -transform-interpreter -split-input-file -verify-diagnostics

// Tilings of fp8.scaled_matmul that would compute a wrong result are
// refused with an error naming the reason (the upstream driver adds its own
// "failed to tile" errors).

// Tiles of 24 rows start at rows 0, 24, 48: not at 16-row block boundaries.
func.func @misaligned_rows(%a: tensor<64x128xf8E4M3FN>, %sa: tensor<4x1xf32>,
                           %b: tensor<128x96xf8E4M3FN>, %sb: f32) -> tensor<64x96xf32> {
  // expected-error @below {{'fp8.scaled_matmul' op cannot be tiled: along the lhs's M dimension, tiles start at multiples of 24, not at the boundaries of its scale blocks of 16 elements (`lhs_block`); tile it by a multiple of 16 or by a divisor of 16}}
  // expected-error @below {{faild to tile operation}}
  // expected-error @below {{failed to generate tiling loops}}
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 16, 128>}
      : tensor<64x128xf8E4M3FN>[tensor<4x1xf32>], tensor<128x96xf8E4M3FN>[f32] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_for %mm tile_sizes [24, 0, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// N tiles of 48 columns across 32-column blocks of a transposed rhs.
func.func @misaligned_columns(%a: tensor<64x128xf8E4M3FN>, %sa: f32,
                              %b: tensor<96x128xf8E4M3FN>, %sb: tensor<3x1xf32>) -> tensor<64x96xf32> {
  // expected-error @below {{cannot be tiled: along the rhs's N dimension, tiles start at multiples of 48, not at the boundaries of its scale blocks of 32 elements (`rhs_block`)}}
  // expected-error @below {{faild to tile operation}}
  // expected-error @below {{failed to generate tiling loops}}
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_block = array<i64: 32, 128>, rhs_transposed}
      : tensor<64x128xf8E4M3FN>[f32], tensor<96x128xf8E4M3FN>[tensor<3x1xf32>] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.tile_using_for %mm tile_sizes [16, 48, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// amax is a reduction over the whole result.
func.func @amax(%a: tensor<64x128xf8E4M3FN>, %sa: f32,
                %b: tensor<128x96xf8E4M3FN>, %sb: f32) -> (tensor<64x96xf32>, f32) {
  // expected-error @below {{'fp8.scaled_matmul' op cannot be tiled while it has an `amax` result: amax is a reduction over the whole result, which tiles do not produce; compute it with fp8.amax on the result instead}}
  // expected-error @below {{faild to tile operation}}
  // expected-error @below {{failed to generate tiling loops}}
  %d, %m = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<64x128xf8E4M3FN>[f32], tensor<128x96xf8E4M3FN>[f32] -> tensor<64x96xf32>, f32
  return %d, %m : tensor<64x96xf32>, f32
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.tile_using_for %mm tile_sizes [16, 32, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// K tiles of a full-reduction tiling would overwrite each other.
func.func @k_full_reduction(%a: tensor<64x128xf8E4M3FN>, %sa: f32,
                            %b: tensor<128x96xf8E4M3FN>, %sb: f32) -> tensor<64x96xf32> {
  // expected-error @below {{'fp8.scaled_matmul' op cannot be tiled along K by a full-reduction tiling (such as transform.structured.tile_using_for): it is not destination-style, so each K tile would overwrite the sums of the others; tile K with transform.structured.tile_reduction_using_for instead}}
  // expected-error @below {{faild to tile operation}}
  // expected-error @below {{failed to generate tiling loops}}
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<64x128xf8E4M3FN>[f32], tensor<128x96xf8E4M3FN>[f32] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:3 = transform.structured.tile_using_for %mm tile_sizes [16, 32, 64] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Partial reduction with an amax result.
func.func @k_partial_amax(%a: tensor<64x128xf8E4M3FN>, %sa: f32,
                          %b: tensor<128x96xf8E4M3FN>, %sb: f32) -> (tensor<64x96xf32>, f32) {
  // expected-error @below {{'fp8.scaled_matmul' op cannot be tiled while it has an `amax` result}}
  %d, %m = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<64x128xf8E4M3FN>[f32], tensor<128x96xf8E4M3FN>[f32] -> tensor<64x96xf32>, f32
  return %d, %m : tensor<64x96xf32>, f32
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{failed to tile using partial reduction}}
    %f, %s, %c, %l = transform.structured.tile_reduction_using_for %mm by tile_sizes = [0, 0, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Partial reduction with K tiles of 48 across 32-element K blocks.
func.func @k_partial_misaligned(%a: tensor<64x96xf8E4M3FN>, %sa: tensor<64x3xf32>,
                                %b: tensor<96x96xf8E4M3FN>, %sb: f32) -> tensor<64x96xf32> {
  // expected-error @below {{cannot be tiled: along the lhs's K dimension, tiles start at multiples of 48, not at the boundaries of its scale blocks of 32 elements (`lhs_block`)}}
  // expected-error @below {{faild to tile operation}}
  // expected-error @below {{failed to generate tiling loops}}
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>}
      : tensor<64x96xf8E4M3FN>[tensor<64x3xf32>], tensor<96x96xf8E4M3FN>[f32] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{failed to tile using partial reduction}}
    %f, %s, %c, %l = transform.structured.tile_reduction_using_for %mm by tile_sizes = [0, 0, 48] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Partial reduction with the partial sums of each K tile kept apart
// (PartialReductionOuterParallel) is not implemented.
func.func @k_partial_outer_parallel(%a: tensor<64x128xf8E4M3FN>, %sa: f32,
                                    %b: tensor<128x96xf8E4M3FN>, %sb: f32) -> tensor<64x96xf32> {
  // expected-error @below {{'fp8.scaled_matmul' op tiles K by partial reduction with an outer reduction loop (transform.structured.tile_reduction_using_for) only}}
  // expected-error @below {{faild to tile operation}}
  // expected-error @below {{failed to generate tiling loops}}
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<64x128xf8E4M3FN>[f32], tensor<128x96xf8E4M3FN>[f32] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    // expected-error @below {{could not tile reduction}}
    %f, %s, %c, %l = transform.structured.tile_reduction_using_forall %mm by tile_sizes = [0, 0, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}
