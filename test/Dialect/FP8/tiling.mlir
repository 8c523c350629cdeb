// RUN: fp8-opt %s -transform-interpreter -split-input-file -cse | FileCheck %s

// fp8.scaled_matmul under the upstream tiling drivers (TilingInterface,
// PartialReductionOpInterface): the slices of the operands, of their scales
// (whole blocks) and of the bias. Wrong tilings: tiling-invalid.mlir.

// Per-row x per-column scales, a [N] bias: the scales are sliced like the
// rows and columns.
// CHECK-LABEL: func @rows_cols
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<64x128xf8E4M3FN>, %[[SA:[a-z0-9]+]]: tensor<64x1xf32>, %[[B:[a-z0-9]+]]: tensor<128x96xf8E5M2>, %[[SB:[a-z0-9]+]]: tensor<1x96xf32>, %[[BIAS:[a-z0-9]+]]: tensor<96xbf16>
// CHECK: %[[INIT:.+]] = tensor.empty() : tensor<64x96xf32>
// CHECK: scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[OUT:.+]] = %[[INIT]])
// CHECK: scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[OUT2:.+]] = %[[OUT]])
// CHECK-DAG: %[[TA:.+]] = tensor.extract_slice %[[A]][%[[I]], 0] [16, 128] [1, 1]
// CHECK-DAG: %[[TSA:.+]] = tensor.extract_slice %[[SA]][%[[I]], 0] [16, 1] [1, 1]
// CHECK-DAG: %[[TB:.+]] = tensor.extract_slice %[[B]][0, %[[J]]] [128, 32] [1, 1]
// CHECK-DAG: %[[TSB:.+]] = tensor.extract_slice %[[SB]][0, %[[J]]] [1, 32] [1, 1]
// CHECK-DAG: %[[TBIAS:.+]] = tensor.extract_slice %[[BIAS]][%[[J]]] [32] [1]
// CHECK: %[[T:.+]] = fp8.scaled_matmul %[[TA]][%[[TSA]]], %[[TB]][%[[TSB]]] bias(%[[TBIAS]] : tensor<32xbf16>)
// CHECK-SAME: {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 1>}
// CHECK-SAME: : tensor<16x128xf8E4M3FN>[tensor<16x1xf32>], tensor<128x32xf8E5M2>[tensor<1x32xf32>] -> tensor<16x32xf32>
// CHECK: tensor.insert_slice %[[T]] into %[[OUT2]][%[[I]], %[[J]]] [16, 32] [1, 1]
func.func @rows_cols(%a: tensor<64x128xf8E4M3FN>, %sa: tensor<64x1xf32>,
                     %b: tensor<128x96xf8E5M2>, %sb: tensor<1x96xf32>,
                     %bias: tensor<96xbf16>) -> tensor<64x96xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<96xbf16>)
      {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 1>}
      : tensor<64x128xf8E4M3FN>[tensor<64x1xf32>],
        tensor<128x96xf8E5M2>[tensor<1x96xf32>] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.tile_using_for %mm tile_sizes [16, 32, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// DeepSeek-style 1x128 activations and 128x128 weights. Tiles of 64 columns
// lie inside a 128-column weight block: their scale is the one block
// j floordiv 128. The K dimension is untiled, so every K block's scale is in
// the tile.
// CHECK: #[[BLOCK:.+]] = affine_map<(d0) -> (d0 floordiv 128)>
// CHECK-LABEL: func @blocks
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<256x512xf8E4M3FN>, %[[SA:[a-z0-9]+]]: tensor<256x4xf32>, %[[B:[a-z0-9]+]]: tensor<512x256xf8E4M3FN>, %[[SB:[a-z0-9]+]]: tensor<4x2xf32>
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK: scf.for %[[J:[a-z0-9]+]] =
// CHECK-DAG: %[[TA:.+]] = tensor.extract_slice %[[A]][%[[I]], 0] [32, 512] [1, 1]
// CHECK-DAG: %[[TSA:.+]] = tensor.extract_slice %[[SA]][%[[I]], 0] [32, 4] [1, 1]
// CHECK-DAG: %[[TB:.+]] = tensor.extract_slice %[[B]][0, %[[J]]] [512, 64] [1, 1]
// CHECK-DAG: %[[JB:.+]] = affine.apply #[[BLOCK]](%[[J]])
// CHECK-DAG: %[[TSB:.+]] = tensor.extract_slice %[[SB]][0, %[[JB]]] [4, 1] [1, 1]
// CHECK: fp8.scaled_matmul %[[TA]][%[[TSA]]], %[[TB]][%[[TSB]]]
// CHECK-SAME: : tensor<32x512xf8E4M3FN>[tensor<32x4xf32>], tensor<512x64xf8E4M3FN>[tensor<4x1xf32>] -> tensor<32x64xbf16>
func.func @blocks(%a: tensor<256x512xf8E4M3FN>, %sa: tensor<256x4xf32>,
                  %b: tensor<512x256xf8E4M3FN>, %sb: tensor<4x2xf32>) -> tensor<256x256xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>}
      : tensor<256x512xf8E4M3FN>[tensor<256x4xf32>],
        tensor<512x256xf8E4M3FN>[tensor<4x2xf32>] -> tensor<256x256xbf16>
  return %d : tensor<256x256xbf16>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.tile_using_for %mm tile_sizes [32, 64, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Batch and rhs_transposed ([batch, N, K]), 16-row weight blocks tiled by 16
// (aligned: n floordiv 16, one block), M tiled with a remainder (dynamic
// rows), an E4M3 result with out_scale and saturation kept.
// CHECK-DAG: #[[MIN:.+]] = affine_map<(d0) -> (-d0 + 40, 16)>
// CHECK-DAG: #[[BLOCK:.+]] = affine_map<(d0) -> (d0 floordiv 16)>
// CHECK-LABEL: func @batch_transposed
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<2x40x64xf8E4M3FN>, %[[SA:[a-z0-9]+]]: tensor<2x40x2xf32>, %[[B:[a-z0-9]+]]: tensor<2x48x64xf8E5M2>, %[[SB:[a-z0-9]+]]: tensor<2x3x2xf32>, %[[SO:[a-z0-9]+]]: f32
// CHECK: scf.for %[[P:[a-z0-9]+]] =
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK: scf.for %[[J:[a-z0-9]+]] =
// CHECK-DAG: %[[M:.+]] = affine.min #[[MIN]](%[[I]])
// CHECK-DAG: %[[TA:.+]] = tensor.extract_slice %[[A]][%[[P]], %[[I]], 0] [1, %[[M]], 64] [1, 1, 1] : tensor<2x40x64xf8E4M3FN> to tensor<1x?x64xf8E4M3FN>
// CHECK-DAG: %[[TSA:.+]] = tensor.extract_slice %[[SA]][%[[P]], %[[I]], 0] [1, %[[M]], 2] [1, 1, 1] : tensor<2x40x2xf32> to tensor<1x?x2xf32>
// CHECK-DAG: %[[TB:.+]] = tensor.extract_slice %[[B]][%[[P]], %[[J]], 0] [1, 16, 64] [1, 1, 1]
// CHECK-DAG: %[[JB:.+]] = affine.apply #[[BLOCK]](%[[J]])
// CHECK-DAG: %[[TSB:.+]] = tensor.extract_slice %[[SB]][%[[P]], %[[JB]], 0] [1, 1, 2] [1, 1, 1]
// CHECK: %[[T:.+]] = fp8.scaled_matmul %[[TA]][%[[TSA]]], %[[TB]][%[[TSB]]] out_scale(%[[SO]])
// CHECK-SAME: {lhs_block = array<i64: 1, 1, 32>, rhs_block = array<i64: 1, 16, 32>, rhs_transposed, saturation = #fp8.saturation<finite>}
// CHECK-SAME: : tensor<1x?x64xf8E4M3FN>[tensor<1x?x2xf32>], tensor<1x16x64xf8E5M2>[tensor<1x1x2xf32>] -> tensor<1x?x16xf8E4M3FN>
// CHECK: tensor.insert_slice %[[T]] into %{{.+}}[%[[P]], %[[I]], %[[J]]] [1, %[[M]], 16] [1, 1, 1]
func.func @batch_transposed(%a: tensor<2x40x64xf8E4M3FN>, %sa: tensor<2x40x2xf32>,
                            %b: tensor<2x48x64xf8E5M2>, %sb: tensor<2x3x2xf32>,
                            %so: f32) -> tensor<2x40x48xf8E4M3FN> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] out_scale(%so)
      {lhs_block = array<i64: 1, 1, 32>, rhs_block = array<i64: 1, 16, 32>,
       rhs_transposed, saturation = #fp8.saturation<finite>}
      : tensor<2x40x64xf8E4M3FN>[tensor<2x40x2xf32>],
        tensor<2x48x64xf8E5M2>[tensor<2x3x2xf32>] -> tensor<2x40x48xf8E4M3FN>
  return %d : tensor<2x40x48xf8E4M3FN>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:3 = transform.structured.tile_using_for %mm tile_sizes [1, 16, 16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// scf.forall; per-tensor scales (a scalar and a 0-d tensor) are not sliced.
// CHECK-LABEL: func @forall_per_tensor
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<64x128xf8E4M3FN>, %[[SA:[a-z0-9]+]]: f32, %[[B:[a-z0-9]+]]: tensor<128x96xf8E4M3FN>, %[[SB:[a-z0-9]+]]: tensor<f32>
// CHECK: scf.forall
// CHECK: %[[TA:.+]] = tensor.extract_slice %[[A]]
// CHECK: %[[TB:.+]] = tensor.extract_slice %[[B]]
// CHECK: fp8.scaled_matmul %[[TA]][%[[SA]]], %[[TB]][%[[SB]]] : tensor<16x128xf8E4M3FN>[f32], tensor<128x32xf8E4M3FN>[tensor<f32>] -> tensor<16x32xf32>
// CHECK: tensor.parallel_insert_slice
func.func @forall_per_tensor(%a: tensor<64x128xf8E4M3FN>, %sa: f32,
                             %b: tensor<128x96xf8E4M3FN>, %sb: tensor<f32>) -> tensor<64x96xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<64x128xf8E4M3FN>[f32], tensor<128x96xf8E4M3FN>[tensor<f32>] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l = transform.structured.tile_using_forall %mm tile_sizes [16, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Dynamic shapes: the destination comes from the operands
// (ReifyRankedShapedTypeOpInterface), the tiles have dynamic sizes, and the
// 1x32 scale blocks are along the untiled K.
// CHECK-LABEL: func @dynamic
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<?x128xf8E4M3FN>, %[[SA:[a-z0-9]+]]: tensor<?x4xf32>, %[[B:[a-z0-9]+]]: tensor<128x?xf8E4M3FN>
// CHECK-DAG: %[[M:.+]] = tensor.dim %[[A]], %{{.+}} : tensor<?x128xf8E4M3FN>
// CHECK-DAG: %[[N:.+]] = tensor.dim %[[B]], %{{.+}} : tensor<128x?xf8E4M3FN>
// CHECK: tensor.empty(%[[M]], %[[N]]) : tensor<?x?xf32>
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK: scf.for
// CHECK: %[[TM:.+]] = affine.min
// CHECK: tensor.extract_slice %[[SA]][%[[I]], 0] [%[[TM]], 4] [1, 1] : tensor<?x4xf32> to tensor<?x4xf32>
// CHECK: fp8.scaled_matmul {{.*}} : tensor<?x128xf8E4M3FN>[tensor<?x4xf32>], tensor<128x?xf8E4M3FN>[tensor<1x?xf32>] -> tensor<?x?xf32>
func.func @dynamic(%a: tensor<?x128xf8E4M3FN>, %sa: tensor<?x4xf32>,
                   %b: tensor<128x?xf8E4M3FN>, %sb: tensor<1x?xf32>) -> tensor<?x?xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 128, 1>}
      : tensor<?x128xf8E4M3FN>[tensor<?x4xf32>], tensor<128x?xf8E4M3FN>[tensor<1x?xf32>] -> tensor<?x?xf32>
  return %d : tensor<?x?xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.tile_using_for %mm tile_sizes [16, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// K by partial reduction: zeros, a loop over K tiles (K-block scales
// k floordiv 32, two blocks per tile) adding each tile's f32 product to the
// sums, then one linalg.generic with the bias and the output quantization.
// CHECK-DAG: #[[BLOCK:.+]] = affine_map<(d0) -> (d0 floordiv 32)>
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @k_reduction
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<64x128xf8E4M3FN>, %[[SA:[a-z0-9]+]]: tensor<64x4xf32>, %[[B:[a-z0-9]+]]: tensor<128x96xf8E4M3FN>, %[[SB:[a-z0-9]+]]: tensor<4x96xf32>, %[[BIAS:[a-z0-9]+]]: tensor<96xf16>, %[[SO:[a-z0-9]+]]: f32
// CHECK: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[FILL:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.+}} : tensor<64x96xf32>)
// CHECK: %[[SUMS:.+]] = scf.for %[[K:[a-z0-9]+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[ACC:.+]] = %[[FILL]])
// CHECK-DAG: %[[TA:.+]] = tensor.extract_slice %[[A]][0, %[[K]]] [64, 64] [1, 1]
// CHECK-DAG: %[[KB:.+]] = affine.apply #[[BLOCK]](%[[K]])
// CHECK-DAG: %[[TSA:.+]] = tensor.extract_slice %[[SA]][0, %[[KB]]] [64, 2] [1, 1]
// CHECK-DAG: %[[TB:.+]] = tensor.extract_slice %[[B]][%[[K]], 0] [64, 96] [1, 1]
// CHECK-DAG: %[[TSB:.+]] = tensor.extract_slice %[[SB]][%[[KB]], 0] [2, 96] [1, 1]
// CHECK: %[[P:.+]] = fp8.scaled_matmul %[[TA]][%[[TSA]]], %[[TB]][%[[TSB]]] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
// CHECK-SAME: -> tensor<64x96xf32>
// CHECK: %[[TACC:.+]] = tensor.extract_slice %[[ACC]][0, 0] [64, 96] [1, 1]
// CHECK: %[[ADD:.+]] = linalg.generic {{.*}} ins(%[[P]] : tensor<64x96xf32>) outs(%[[TACC]] : tensor<64x96xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[OUT:.+]]: f32):
// CHECK-NEXT: %[[S:.+]] = arith.addf %[[OUT]], %[[IN]] : f32
// CHECK-NEXT: linalg.yield %[[S]]
// CHECK: tensor.insert_slice %[[ADD]] into %[[ACC]][0, 0] [64, 96] [1, 1]
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[SUMS]], %[[BIAS]] : tensor<64x96xf32>, tensor<96xf16>) outs(%{{.+}} : tensor<64x96xf8E5M2>)
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32, %[[BV:.+]]: f16, %{{.+}}: f8E5M2):
// CHECK-NEXT: %[[BF:.+]] = arith.extf %[[BV]] : f16 to f32
// CHECK-NEXT: %[[Y:.+]] = arith.addf %[[X]], %[[BF]] : f32
// CHECK-NEXT: %[[Q:.+]] = fp8.quantize %[[Y]], %[[SO]] {rounding = #fp8.rounding<toward_zero>} : f32, f32 to f8E5M2
// CHECK-NEXT: linalg.yield %[[Q]]
func.func @k_reduction(%a: tensor<64x128xf8E4M3FN>, %sa: tensor<64x4xf32>,
                       %b: tensor<128x96xf8E4M3FN>, %sb: tensor<4x96xf32>,
                       %bias: tensor<96xf16>, %so: f32) -> tensor<64x96xf8E5M2> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] bias(%bias : tensor<96xf16>) out_scale(%so)
      {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>,
       rounding = #fp8.rounding<toward_zero>}
      : tensor<64x128xf8E4M3FN>[tensor<64x4xf32>],
        tensor<128x96xf8E4M3FN>[tensor<4x96xf32>] -> tensor<64x96xf8E5M2>
  return %d : tensor<64x96xf8E5M2>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %fill, %split, %combine, %loop = transform.structured.tile_reduction_using_for %mm by tile_sizes = [0, 0, 64] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Tile-and-fuse of a producer: the linalg.generic that quantizes the lhs is
// computed per tile, from the slice the tiled scaled_matmul reads.
// CHECK-LABEL: func @fuse_producer
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<64x128xf32>
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK: scf.for
// CHECK: %[[TX:.+]] = tensor.extract_slice %[[X]][%[[I]], 0] [16, 128] [1, 1]
// CHECK: %[[TQ:.+]] = linalg.generic {{.*}} ins(%[[TX]] : tensor<16x128xf32>)
// CHECK: fp8.convert
// CHECK: fp8.scaled_matmul %[[TQ]][%{{.+}}], %{{.+}}[%{{.+}}] {lhs_block = array<i64: 1, 32>} : tensor<16x128xf8E4M3FN>[tensor<16x4xf32>], tensor<128x32xf8E4M3FN>[f32] -> tensor<16x32xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @fuse_producer(%x: tensor<64x128xf32>, %sa: tensor<64x4xf32>,
                         %b: tensor<128x96xf8E4M3FN>, %sb: f32) -> tensor<64x96xf32> {
  %e = tensor.empty() : tensor<64x128xf8E4M3FN>
  %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x128xf32>) outs(%e : tensor<64x128xf8E4M3FN>) {
  ^bb0(%in: f32, %out: f8E4M3FN):
    %q = fp8.convert %in : f32 to f8E4M3FN
    linalg.yield %q : f8E4M3FN
  } -> tensor<64x128xf8E4M3FN>
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>}
      : tensor<64x128xf8E4M3FN>[tensor<64x4xf32>], tensor<128x96xf8E4M3FN>[f32] -> tensor<64x96xf32>
  return %d : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.fuse %mm tile_sizes [16, 32, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// Tile-and-fuse into a consumer: the relu is tiled and the scaled_matmul is
// computed per tile (generateResultTileValue). The tile has no amax; the
// untiled op stays for its amax result.
// CHECK-DAG: #[[BLOCK:.+]] = affine_map<(d0) -> (d0 floordiv 32)>
// CHECK-LABEL: func @fuse_into_consumer
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<64x128xf8E4M3FN>, %[[SA:[a-z0-9]+]]: tensor<64x4xf32>, %[[B:[a-z0-9]+]]: tensor<128x96xf8E4M3FN>, %[[SB:[a-z0-9]+]]: tensor<1x3xf32>
// CHECK: %{{.+}}, %[[AMAX:.+]] = fp8.scaled_matmul %[[A]][%[[SA]]], %[[B]][%[[SB]]] {{.*}} -> tensor<64x96xf32>, f32
// CHECK: %[[R:.+]] = scf.for %[[I:[a-z0-9]+]] =
// CHECK: scf.for %[[J:[a-z0-9]+]] =
// CHECK-DAG: %[[TA:.+]] = tensor.extract_slice %[[A]][%[[I]], 0] [16, 128] [1, 1]
// CHECK-DAG: %[[TSA:.+]] = tensor.extract_slice %[[SA]][%[[I]], 0] [16, 4] [1, 1]
// CHECK-DAG: %[[TB:.+]] = tensor.extract_slice %[[B]][0, %[[J]]] [128, 32] [1, 1]
// CHECK-DAG: %[[JB:.+]] = affine.apply #[[BLOCK]](%[[J]])
// CHECK-DAG: %[[TSB:.+]] = tensor.extract_slice %[[SB]][0, %[[JB]]] [1, 1] [1, 1]
// CHECK: %[[T:.+]] = fp8.scaled_matmul %[[TA]][%[[TSA]]], %[[TB]][%[[TSB]]] {{.*}} -> tensor<16x32xf32>{{$}}
// CHECK: linalg.generic {{.*}} ins(%[[T]] : tensor<16x32xf32>)
// CHECK: return %[[R]], %[[AMAX]]
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @fuse_into_consumer(%a: tensor<64x128xf8E4M3FN>, %sa: tensor<64x4xf32>,
                              %b: tensor<128x96xf8E4M3FN>, %sb: tensor<1x3xf32>) -> (tensor<64x96xf32>, f32) {
  %d, %m = fp8.scaled_matmul %a[%sa], %b[%sb]
      {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 128, 32>}
      : tensor<64x128xf8E4M3FN>[tensor<64x4xf32>],
        tensor<128x96xf8E4M3FN>[tensor<1x3xf32>] -> tensor<64x96xf32>, f32
  %e = tensor.empty() : tensor<64x96xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<64x96xf32>) outs(%e : tensor<64x96xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<64x96xf32>
  return %r, %m : tensor<64x96xf32>, f32
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.fuse %g tile_sizes [16, 32] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// A consumer tile that does not start at the producer's scale block
// boundaries (48 columns, 32-column blocks): the scaled_matmul is not fused
// (no error), the consumer reads slices of its whole result.
// CHECK-LABEL: func @no_fusion_across_blocks
// CHECK: %[[D:.+]] = fp8.scaled_matmul {{.*}} -> tensor<64x96xf32>
// CHECK: scf.for %[[I:[a-z0-9]+]] =
// CHECK: scf.for %[[J:[a-z0-9]+]] =
// CHECK-NOT: fp8.scaled_matmul
// CHECK: tensor.extract_slice %[[D]][%[[I]], %[[J]]] [16, 48] [1, 1]
// CHECK-NOT: fp8.scaled_matmul
// CHECK: return
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @no_fusion_across_blocks(%a: tensor<64x128xf8E4M3FN>, %sa: f32,
                                   %b: tensor<128x96xf8E4M3FN>, %sb: tensor<1x3xf32>) -> tensor<64x96xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_block = array<i64: 128, 32>}
      : tensor<64x128xf8E4M3FN>[f32], tensor<128x96xf8E4M3FN>[tensor<1x3xf32>] -> tensor<64x96xf32>
  %e = tensor.empty() : tensor<64x96xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<64x96xf32>) outs(%e : tensor<64x96xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<64x96xf32>
  return %r : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %l:2 = transform.structured.fuse %g tile_sizes [16, 48] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// fuse_into_containing_op into a consumer's scf.forall (num_threads): 16-row
// tiles lie inside the 32-row lhs blocks, their scale is block
// (16 * i) floordiv 32.
// CHECK-DAG: #[[ROWS:.+]] = affine_map<(d0) -> (d0 * 16)>
// CHECK-DAG: #[[BLOCK:.+]] = affine_map<(d0) -> (d0 floordiv 2)>
// CHECK-LABEL: func @fuse_into_forall
// CHECK-SAME: %[[A:[a-z0-9]+]]: tensor<64x128xf8E4M3FN>, %[[SA:[a-z0-9]+]]: tensor<2x1xf32>
// CHECK: scf.forall (%[[I:.+]], %[[J:.+]]) in (4, 2)
// CHECK-DAG: %[[R:.+]] = affine.apply #[[ROWS]](%[[I]])
// CHECK-DAG: %[[TA:.+]] = tensor.extract_slice %[[A]][%[[R]], 0] [16, 128] [1, 1]
// CHECK-DAG: %[[RB:.+]] = affine.apply #[[BLOCK]](%[[I]])
// CHECK-DAG: %[[TSA:.+]] = tensor.extract_slice %[[SA]][%[[RB]], 0] [1, 1] [1, 1]
// CHECK: %[[T:.+]] = fp8.scaled_matmul %[[TA]][%[[TSA]]], {{.*}} {lhs_block = array<i64: 32, 128>} : tensor<16x128xf8E4M3FN>[tensor<1x1xf32>], tensor<128x48xf8E4M3FN>[f32] -> tensor<16x48xf32>
// CHECK: linalg.generic {{.*}} ins(%[[T]] : tensor<16x48xf32>)
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @fuse_into_forall(%a: tensor<64x128xf8E4M3FN>, %sa: tensor<2x1xf32>,
                            %b: tensor<128x96xf8E4M3FN>, %sb: f32) -> tensor<64x96xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 32, 128>}
      : tensor<64x128xf8E4M3FN>[tensor<2x1xf32>], tensor<128x96xf8E4M3FN>[f32] -> tensor<64x96xf32>
  %e = tensor.empty() : tensor<64x96xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%d : tensor<64x96xf32>) outs(%e : tensor<64x96xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<64x96xf32>
  return %r : tensor<64x96xf32>
}

module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %g = transform.structured.match ops{["linalg.generic"]} in %root : (!transform.any_op) -> !transform.any_op
    %mm = transform.structured.match ops{["fp8.scaled_matmul"]} in %root : (!transform.any_op) -> !transform.any_op
    %t, %forall = transform.structured.tile_using_forall %g num_threads [4, 2] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    %fused, %new = transform.structured.fuse_into_containing_op %mm into %forall : (!transform.any_op, !transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
