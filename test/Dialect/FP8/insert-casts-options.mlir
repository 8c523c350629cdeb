// Every option of fp8-insert-casts on the same contractions.
//
// RUN: fp8-opt %s --fp8-insert-casts="scaling=row" | FileCheck %s --check-prefix=ROW
// RUN: fp8-opt %s --fp8-insert-casts="scaling=block1x128" | FileCheck %s --check-prefix=B1X128
// RUN: fp8-opt %s --fp8-insert-casts="scaling=block128x128" | FileCheck %s --check-prefix=B128
// RUN: fp8-opt %s --fp8-insert-casts="scaling=mx32" | FileCheck %s --check-prefix=MX
// RUN: fp8-opt %s --fp8-insert-casts="recipe=hfp8" | FileCheck %s --check-prefix=HFP8
// RUN: fp8-opt %s --fp8-insert-casts="recipe=hif8" | FileCheck %s --check-prefix=HIF8
// RUN: fp8-opt %s --fp8-insert-casts="recipe=hif8 grad-rounding=nearest_away" | FileCheck %s --check-prefix=HIF8-TA
// RUN: fp8-opt %s --fp8-insert-casts="format=f8E5M2 grad-format=hif8 rounding=toward_zero grad-rounding=hybrid saturate=false pow2-scales margin=2" \
// RUN:   | FileCheck %s --check-prefix=CUSTOM
// RUN: fp8-opt %s --fp8-insert-casts="recipe=hif8 target-max=15" | FileCheck %s --check-prefix=HIF8-15
// RUN: fp8-opt %s --fp8-insert-casts="recipe=hif8 target-max=15 scaling=mx32 pow2-scales" | FileCheck %s --check-prefix=HIF8-15-MX
// RUN: fp8-opt %s --fp8-insert-casts="recipe=hfp8 target-max=0.1" | FileCheck %s --check-prefix=HFP8-TARGET
// RUN: fp8-opt %s --fp8-insert-casts="recipe=hif8 target-max=0" | FileCheck %s --check-prefix=HIF8
// RUN: fp8-opt %s --fp8-insert-casts="keep-first-last" | FileCheck %s --check-prefix=KEEP
// RUN: fp8-opt %s --fp8-insert-casts="min-flops=2000" | FileCheck %s --check-prefix=FLOPS

func.func @forward(%a: tensor<16x256xf32>, %b: tensor<256x64xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<16x256xf32>, tensor<256x64xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// ROW-LABEL: func.func @forward
// ROW: fp8.amax %{{.*}} {block = array<i64: 1, 256>} : tensor<16x256xf32> -> tensor<16x1xf32>
// ROW: fp8.compute_scale %{{.*}} {format = f8E4M3FN} : tensor<16x1xf32> -> tensor<16x1xf32>
// ROW: fp8.amax %{{.*}} {block = array<i64: 256, 1>} : tensor<256x64xf32> -> tensor<1x64xf32>
// ROW: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 256>, rhs_block = array<i64: 256, 1>}
// ROW-SAME: tensor<16x256xf8E4M3FN>[tensor<16x1xf32>], tensor<256x64xf8E4M3FN>[tensor<1x64xf32>] -> tensor<16x64xf32>

// B1X128-LABEL: func.func @forward
// B1X128: fp8.quantize %{{.*}} {block = array<i64: 1, 128>, {{.*}}} : tensor<16x256xf32>, tensor<16x2xf32> to tensor<16x256xf8E4M3FN>
// B1X128: fp8.quantize %{{.*}} {block = array<i64: 128, 128>, {{.*}}} : tensor<256x64xf32>, tensor<2x1xf32> to tensor<256x64xf8E4M3FN>
// B1X128: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>}

// B128-LABEL: func.func @forward
// B128: fp8.quantize %{{.*}} {block = array<i64: 128, 128>, {{.*}}} : tensor<16x256xf32>, tensor<1x2xf32> to tensor<16x256xf8E4M3FN>
// B128: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 128, 128>, rhs_block = array<i64: 128, 128>}

// MX-LABEL: func.func @forward
// MX: %[[A:.*]] = fp8.amax %{{.*}} {block = array<i64: 1, 32>} : tensor<16x256xf32> -> tensor<16x8xf32>
// MX: fp8.compute_scale %[[A]] {format = f8E4M3FN} : tensor<16x8xf32> -> tensor<16x8xf8E8M0FNU>
// MX: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
// MX-SAME: tensor<16x256xf8E4M3FN>[tensor<16x8xf8E8M0FNU>], tensor<256x64xf8E4M3FN>[tensor<8x64xf8E8M0FNU>]

// HFP8-LABEL: func.func @forward
// HFP8: fp8.compute_scale %{{.*}} {format = f8E4M3FN}
// HFP8: fp8.scaled_matmul {{.*}} tensor<16x256xf8E4M3FN>[f32], tensor<256x64xf8E4M3FN>[f32]

// HIF8-LABEL: func.func @forward
// HIF8: fp8.compute_scale %{{.*}} {format = !fp8.hif8, margin = 12 : i32} : f32 -> f32
// HIF8: fp8.quantize {{.*}} {rounding = #fp8.rounding<nearest_away>, saturation = #fp8.saturation<finite>} : tensor<16x256xf32>, f32 to tensor<16x256x!fp8.hif8>
// HIF8: fp8.scaled_matmul {{.*}} tensor<16x256x!fp8.hif8>[f32], tensor<256x64x!fp8.hif8>[f32]

// HIF8-15-LABEL: func.func @forward
// HIF8-15-COUNT-2: fp8.compute_scale %{{.*}} {format = !fp8.hif8, target_max = 1.500000e+01 : f32} : f32 -> f32
// HIF8-15: fp8.scaled_matmul {{.*}} tensor<16x256x!fp8.hif8>[f32], tensor<256x64x!fp8.hif8>[f32]

// HIF8-15-MX-LABEL: func.func @forward
// HIF8-15-MX: fp8.compute_scale %{{.*}} {format = !fp8.hif8, pow2, target_max = 1.500000e+01 : f32} : tensor<16x8xf32> -> tensor<16x8xf8E8M0FNU>
// HIF8-15-MX: fp8.compute_scale %{{.*}} {format = !fp8.hif8, pow2, target_max = 1.500000e+01 : f32} : tensor<8x64xf32> -> tensor<8x64xf8E8M0FNU>

// 0.1 as the f32 attribute it becomes.
// HFP8-TARGET-LABEL: func.func @forward
// HFP8-TARGET: fp8.compute_scale %{{.*}} {format = f8E4M3FN, target_max = 1.000000e-01 : f32}

// CUSTOM-LABEL: func.func @forward
// CUSTOM: fp8.compute_scale %{{.*}} {format = f8E5M2, margin = 2 : i32, pow2} : f32 -> f32
// CUSTOM: fp8.quantize {{.*}} {rounding = #fp8.rounding<toward_zero>} : tensor<16x256xf32>, f32 to tensor<16x256xf8E5M2>

func.func @gradient(%dy: tensor<16x64xf32>, %w: tensor<64x256xf32>, %c: tensor<16x256xf32>) -> tensor<16x256xf32> {
  %r = linalg.matmul {fp8.role = "grad"} ins(%dy, %w : tensor<16x64xf32>, tensor<64x256xf32>) outs(%c : tensor<16x256xf32>) -> tensor<16x256xf32>
  return %r : tensor<16x256xf32>
}

// ROW-LABEL: func.func @gradient
// ROW: fp8.scaled_matmul {{.*}} tensor<16x64xf8E4M3FN>[tensor<16x1xf32>], tensor<64x256xf8E4M3FN>[tensor<1x256xf32>]

// HFP8-LABEL: func.func @gradient
// HFP8: fp8.compute_scale %{{.*}} {format = f8E5M2}
// HFP8: fp8.quantize {{.*}} {rounding = #fp8.rounding<nearest_even>, saturation = #fp8.saturation<finite>} : tensor<16x64xf32>, f32 to tensor<16x64xf8E5M2>
// HFP8: fp8.scaled_matmul {{.*}} tensor<16x64xf8E5M2>[f32], tensor<64x256xf8E5M2>[f32]

// HIF8-LABEL: func.func @gradient
// HIF8: fp8.quantize {{.*}} {rounding = #fp8.rounding<hybrid>, saturation = #fp8.saturation<finite>} : tensor<16x64xf32>, f32 to tensor<16x64x!fp8.hif8>

// HIF8-TA-LABEL: func.func @gradient
// HIF8-TA: fp8.quantize {{.*}} {rounding = #fp8.rounding<nearest_away>, {{.*}}} : tensor<16x64xf32>, f32 to tensor<16x64x!fp8.hif8>

// HIF8-15-LABEL: func.func @gradient
// HIF8-15: fp8.compute_scale %{{.*}} {format = !fp8.hif8, target_max = 1.500000e+01 : f32} : f32 -> f32
// HIF8-15: fp8.quantize {{.*}} {rounding = #fp8.rounding<hybrid>, saturation = #fp8.saturation<finite>} : tensor<16x64xf32>, f32 to tensor<16x64x!fp8.hif8>

// HFP8-TARGET-LABEL: func.func @gradient
// HFP8-TARGET: fp8.compute_scale %{{.*}} {format = f8E5M2, target_max = 1.000000e-01 : f32}

// CUSTOM-LABEL: func.func @gradient
// CUSTOM: fp8.compute_scale %{{.*}} {format = !fp8.hif8, margin = 2 : i32, pow2} : f32 -> f32
// CUSTOM: fp8.quantize {{.*}} {rounding = #fp8.rounding<hybrid>} : tensor<16x64xf32>, f32 to tensor<16x64x!fp8.hif8>

// With the rhs [N, K], row and MX scales run along its rows.
func.func @transposed(%a: tensor<16x256xf32>, %b: tensor<64x256xf32>, %c: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %r = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
     ins(%a, %b : tensor<16x256xf32>, tensor<64x256xf32>) outs(%c : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// ROW-LABEL: func.func @transposed
// ROW: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 256>, rhs_block = array<i64: 1, 256>, rhs_transposed}
// ROW-SAME: tensor<64x256xf8E4M3FN>[tensor<64x1xf32>]

// MX-LABEL: func.func @transposed
// MX: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 1, 32>, rhs_transposed}
// MX-SAME: tensor<64x256xf8E4M3FN>[tensor<64x8xf8E8M0FNU>]

// Batch dimensions get block 1; a dynamic K is covered by one block.
func.func @batch_dynamic(%a: tensor<2x?x?xf32>, %b: tensor<2x?x?xf32>, %c: tensor<2x?x?xf32>) -> tensor<2x?x?xf32> {
  %r = linalg.batch_matmul ins(%a, %b : tensor<2x?x?xf32>, tensor<2x?x?xf32>) outs(%c : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  return %r : tensor<2x?x?xf32>
}

// ROW-LABEL: func.func @batch_dynamic
// ROW: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 1, 2147483647>, rhs_block = array<i64: 1, 2147483647, 1>}
// ROW-SAME: tensor<2x?x?xf8E4M3FN>[tensor<2x?x1xf32>], tensor<2x?x?xf8E4M3FN>[tensor<2x1x?xf32>]

// B1X128-LABEL: func.func @batch_dynamic
// B1X128: fp8.scaled_matmul {{.*}} {lhs_block = array<i64: 1, 1, 128>, rhs_block = array<i64: 1, 128, 128>}

// Three layers: keep-first-last leaves the outer two; min-flops the small
// middle one (2 * 8 * 8 * 8 = 1024 flops < 2000; the others have 65536 and
// 16384).
func.func @three_layers(%x: tensor<16x256xf32>, %w1: tensor<256x8xf32>, %w2: tensor<8x8xf32>, %w3: tensor<8x64xf32>,
                        %x2: tensor<8x8xf32>, %c8: tensor<16x8xf32>, %c2: tensor<8x8xf32>, %c64: tensor<16x64xf32>)
    -> (tensor<16x8xf32>, tensor<8x8xf32>, tensor<16x64xf32>) {
  %h1 = linalg.matmul ins(%x, %w1 : tensor<16x256xf32>, tensor<256x8xf32>) outs(%c8 : tensor<16x8xf32>) -> tensor<16x8xf32>
  %h2 = linalg.matmul ins(%x2, %w2 : tensor<8x8xf32>, tensor<8x8xf32>) outs(%c2 : tensor<8x8xf32>) -> tensor<8x8xf32>
  %h3 = linalg.matmul ins(%h1, %w3 : tensor<16x8xf32>, tensor<8x64xf32>) outs(%c64 : tensor<16x64xf32>) -> tensor<16x64xf32>
  return %h1, %h2, %h3 : tensor<16x8xf32>, tensor<8x8xf32>, tensor<16x64xf32>
}

// KEEP-LABEL: func.func @three_layers
// KEEP: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x256xf32>, tensor<256x8xf32>)
// KEEP: fp8.scaled_matmul {{.*}} tensor<8x8xf8E4M3FN>[f32], tensor<8x8xf8E4M3FN>[f32]
// KEEP: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<16x8xf32>, tensor<8x64xf32>)

// FLOPS-LABEL: func.func @three_layers
// FLOPS: fp8.scaled_matmul {{.*}} tensor<16x256xf8E4M3FN>[f32], tensor<256x8xf8E4M3FN>[f32]
// FLOPS: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xf32>, tensor<8x8xf32>)
// FLOPS: fp8.scaled_matmul {{.*}} tensor<16x8xf8E4M3FN>[f32], tensor<8x64xf8E4M3FN>[f32]
