// fp8.scaled_matmul through fp8-cpu-pipeline against an f64 reference, for
// per-tensor, row x column, 1x16 x 16x16 block and MX32 (E8M0 scales)
// scaling, batch, odd sizes (M, N, K not multiples of any tile), transposed
// B, and mixed formats (E4M3 x E5M2, HiF8 x E4M3). The row x column case
// (2 x 130x150x200) is large enough for the kernels' scf.parallel loops
// (several tasks per panel); the others keep serial loops. Scales come from the
// data (amax -> compute_scale). The f32 result must be within the bound of
// f32 accumulation in any order of the exact f64 sum of the dequantized
// products (see fp8rt_check_scaled_matmul).
//
// Each kernel of convert-fp8-matmul-to-cpu: generic, avx512 (where the CPU has
// AVX-512), avx512-bf16 (where it has AVX-512 BF16; also with small blocks),
// amx (where it has AMX), and the amx kernel's packing, tiling and
// per-K-block scaling with its tile ops emulated by vector code (anywhere).
// The f4 case always takes the reference decomposition.
//
// RUN: fp8-opt %s -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s
// RUN: %if avx512 %{ fp8-opt %s -fp8-cpu-pipeline=target=avx512 \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s %}
// RUN: %if avx512bf16 %{ fp8-opt %s -fp8-cpu-pipeline=target=avx512-bf16 \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s %}
// RUN: %if avx512bf16 %{ fp8-opt %s \
// RUN:     -convert-fp8-matmul-to-cpu="target=avx512-bf16 mr=3 nr=16 mc=6 kc=32 nc=32" \
// RUN:     -fp8-cpu-pipeline=target=avx512-bf16 \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s %}
// RUN: %if amx %{ fp8-opt %s -fp8-cpu-pipeline=target=amx \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime,%fp8_runtime \
// RUN: | FileCheck %s %}
// RUN: fp8-opt %s -convert-fp8-matmul-to-cpu=target=amx -test-fp8-emulate-amx \
// RUN:     -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s
//
// Blocks smaller than the problems, so that every loop of the kernels runs
// several blocks and the sums are carried across K blocks.
// RUN: fp8-opt %s -convert-fp8-matmul-to-cpu="mr=3 nr=16 mc=6 kc=16 nc=32" \
// RUN:     -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s
// RUN: fp8-opt %s \
// RUN:     -convert-fp8-matmul-to-cpu="target=amx mr=16 nr=16 mc=16 kc=32 nc=32" \
// RUN:     -test-fp8-emulate-amx -fp8-cpu-pipeline \
// RUN: | mlir-runner -e main -entry-point-result=void -O2 \
// RUN:     -shared-libs=%mlir_c_runner_utils,%omp_runtime,%fp8_test_runtime \
// RUN: | FileCheck %s

// CHECK: scaled_matmul f8E4M3FN x f8E4M3FN [1x37x29x45] (worst error {{[0-9.]+}} of the bound): 1073 values, mismatches: 0
// CHECK: scaled_matmul f8E4M3FN x f8E5M2 [2x130x150x200] (worst error {{[0-9.]+}} of the bound): 39000 values, mismatches: 0
// CHECK: scaled_matmul hif8 x f8E4M3FN [2x19x35x45] (worst error {{[0-9.]+}} of the bound): 1330 values, mismatches: 0
// CHECK: scaled_matmul f8E5M2 x f8E5M2 (rhs transposed) [3x17x24x40] (worst error {{[0-9.]+}} of the bound): 1224 values, mismatches: 0
// CHECK: scaled_matmul f4E2M1FN x f4E2M1FN (rhs transposed) [1x16x48x96] (worst error {{[0-9.]+}} of the bound): 768 values, mismatches: 0

func.func private @fp8rt_fill_normal_3d_f32(memref<?x?x?xf32>, f32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_scaled_matmul(memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64,
    memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, i32, memref<?x?x?xf32>) attributes {llvm.emit_c_interface}

func.func @tensor_e4m3(%xa: tensor<1x37x45xf32>, %xb: tensor<1x45x29xf32>)
    -> (tensor<1x37x45xi8>, tensor<1x1x1xf32>, tensor<1x45x29xi8>, tensor<1x1x1xf32>, tensor<1x37x29xf32>) {
  %aA = fp8.amax %xa : tensor<1x37x45xf32> -> f32
  %sA = fp8.compute_scale %aA {format = f8E4M3FN} : f32 -> f32
  %qA = fp8.quantize %xa, %sA : tensor<1x37x45xf32>, f32 to tensor<1x37x45xf8E4M3FN>
  %sfA = tensor.from_elements %sA : tensor<1x1x1xf32>
  %cA = fp8.bitcast %qA : tensor<1x37x45xf8E4M3FN> to tensor<1x37x45xi8>
  %aB = fp8.amax %xb : tensor<1x45x29xf32> -> f32
  %sB = fp8.compute_scale %aB {format = f8E4M3FN} : f32 -> f32
  %qB = fp8.quantize %xb, %sB : tensor<1x45x29xf32>, f32 to tensor<1x45x29xf8E4M3FN>
  %sfB = tensor.from_elements %sB : tensor<1x1x1xf32>
  %cB = fp8.bitcast %qB : tensor<1x45x29xf8E4M3FN> to tensor<1x45x29xi8>
  %d = fp8.scaled_matmul %qA[%sA], %qB[%sB]
      : tensor<1x37x45xf8E4M3FN>[f32], tensor<1x45x29xf8E4M3FN>[f32] -> tensor<1x37x29xf32>
  return %cA, %sfA, %cB, %sfB, %d : tensor<1x37x45xi8>, tensor<1x1x1xf32>, tensor<1x45x29xi8>, tensor<1x1x1xf32>, tensor<1x37x29xf32>
}

func.func @rows_cols_e4m3_e5m2(%xa: tensor<2x130x200xf32>, %xb: tensor<2x200x150xf32>)
    -> (tensor<2x130x200xi8>, tensor<2x130x1xf32>, tensor<2x200x150xi8>, tensor<2x1x150xf32>, tensor<2x130x150xf32>) {
  %aA = fp8.amax %xa {block = array<i64: 1, 1, 200>} : tensor<2x130x200xf32> -> tensor<2x130x1xf32>
  %sA = fp8.compute_scale %aA {format = f8E4M3FN} : tensor<2x130x1xf32> -> tensor<2x130x1xf32>
  %qA = fp8.quantize %xa, %sA {block = array<i64: 1, 1, 200>} : tensor<2x130x200xf32>, tensor<2x130x1xf32> to tensor<2x130x200xf8E4M3FN>
  %sfA = tensor.cast %sA : tensor<2x130x1xf32> to tensor<2x130x1xf32>
  %cA = fp8.bitcast %qA : tensor<2x130x200xf8E4M3FN> to tensor<2x130x200xi8>
  %aB = fp8.amax %xb {block = array<i64: 1, 200, 1>} : tensor<2x200x150xf32> -> tensor<2x1x150xf32>
  %sB = fp8.compute_scale %aB {format = f8E5M2} : tensor<2x1x150xf32> -> tensor<2x1x150xf32>
  %qB = fp8.quantize %xb, %sB {block = array<i64: 1, 200, 1>} : tensor<2x200x150xf32>, tensor<2x1x150xf32> to tensor<2x200x150xf8E5M2>
  %sfB = tensor.cast %sB : tensor<2x1x150xf32> to tensor<2x1x150xf32>
  %cB = fp8.bitcast %qB : tensor<2x200x150xf8E5M2> to tensor<2x200x150xi8>
  %d = fp8.scaled_matmul %qA[%sA], %qB[%sB] {lhs_block = array<i64: 1, 1, 200>, rhs_block = array<i64: 1, 200, 1>}
      : tensor<2x130x200xf8E4M3FN>[tensor<2x130x1xf32>], tensor<2x200x150xf8E5M2>[tensor<2x1x150xf32>] -> tensor<2x130x150xf32>
  return %cA, %sfA, %cB, %sfB, %d : tensor<2x130x200xi8>, tensor<2x130x1xf32>, tensor<2x200x150xi8>, tensor<2x1x150xf32>, tensor<2x130x150xf32>
}

func.func @block1x16_hif8_e4m3(%xa: tensor<2x19x45xf32>, %xb: tensor<2x45x35xf32>)
    -> (tensor<2x19x45xi8>, tensor<2x19x3xf32>, tensor<2x45x35xi8>, tensor<2x3x3xf32>, tensor<2x19x35xf32>) {
  %aA = fp8.amax %xa {block = array<i64: 1, 1, 16>} : tensor<2x19x45xf32> -> tensor<2x19x3xf32>
  %sA = fp8.compute_scale %aA {format = !fp8.hif8} : tensor<2x19x3xf32> -> tensor<2x19x3xf32>
  %qA = fp8.quantize %xa, %sA {block = array<i64: 1, 1, 16>} : tensor<2x19x45xf32>, tensor<2x19x3xf32> to tensor<2x19x45x!fp8.hif8>
  %sfA = tensor.cast %sA : tensor<2x19x3xf32> to tensor<2x19x3xf32>
  %cA = fp8.bitcast %qA : tensor<2x19x45x!fp8.hif8> to tensor<2x19x45xi8>
  %aB = fp8.amax %xb {block = array<i64: 1, 16, 16>} : tensor<2x45x35xf32> -> tensor<2x3x3xf32>
  %sB = fp8.compute_scale %aB {format = f8E4M3FN} : tensor<2x3x3xf32> -> tensor<2x3x3xf32>
  %qB = fp8.quantize %xb, %sB {block = array<i64: 1, 16, 16>} : tensor<2x45x35xf32>, tensor<2x3x3xf32> to tensor<2x45x35xf8E4M3FN>
  %sfB = tensor.cast %sB : tensor<2x3x3xf32> to tensor<2x3x3xf32>
  %cB = fp8.bitcast %qB : tensor<2x45x35xf8E4M3FN> to tensor<2x45x35xi8>
  %d = fp8.scaled_matmul %qA[%sA], %qB[%sB] {lhs_block = array<i64: 1, 1, 16>, rhs_block = array<i64: 1, 16, 16>}
      : tensor<2x19x45x!fp8.hif8>[tensor<2x19x3xf32>], tensor<2x45x35xf8E4M3FN>[tensor<2x3x3xf32>] -> tensor<2x19x35xf32>
  return %cA, %sfA, %cB, %sfB, %d : tensor<2x19x45xi8>, tensor<2x19x3xf32>, tensor<2x45x35xi8>, tensor<2x3x3xf32>, tensor<2x19x35xf32>
}

func.func @transposed_e5m2(%xa: tensor<3x17x40xf32>, %xb: tensor<3x24x40xf32>)
    -> (tensor<3x17x40xi8>, tensor<3x17x3xf32>, tensor<3x24x40xi8>, tensor<3x24x3xf32>, tensor<3x17x24xf32>) {
  %aA = fp8.amax %xa {block = array<i64: 1, 1, 16>} : tensor<3x17x40xf32> -> tensor<3x17x3xf32>
  %sA = fp8.compute_scale %aA {format = f8E5M2} : tensor<3x17x3xf32> -> tensor<3x17x3xf32>
  %qA = fp8.quantize %xa, %sA {block = array<i64: 1, 1, 16>} : tensor<3x17x40xf32>, tensor<3x17x3xf32> to tensor<3x17x40xf8E5M2>
  %sfA = tensor.cast %sA : tensor<3x17x3xf32> to tensor<3x17x3xf32>
  %cA = fp8.bitcast %qA : tensor<3x17x40xf8E5M2> to tensor<3x17x40xi8>
  %aB = fp8.amax %xb {block = array<i64: 1, 1, 16>} : tensor<3x24x40xf32> -> tensor<3x24x3xf32>
  %sB = fp8.compute_scale %aB {format = f8E5M2} : tensor<3x24x3xf32> -> tensor<3x24x3xf32>
  %qB = fp8.quantize %xb, %sB {block = array<i64: 1, 1, 16>} : tensor<3x24x40xf32>, tensor<3x24x3xf32> to tensor<3x24x40xf8E5M2>
  %sfB = tensor.cast %sB : tensor<3x24x3xf32> to tensor<3x24x3xf32>
  %cB = fp8.bitcast %qB : tensor<3x24x40xf8E5M2> to tensor<3x24x40xi8>
  %d = fp8.scaled_matmul %qA[%sA], %qB[%sB] {lhs_block = array<i64: 1, 1, 16>, rhs_block = array<i64: 1, 1, 16>, rhs_transposed}
      : tensor<3x17x40xf8E5M2>[tensor<3x17x3xf32>], tensor<3x24x40xf8E5M2>[tensor<3x24x3xf32>] -> tensor<3x17x24xf32>
  return %cA, %sfA, %cB, %sfB, %d : tensor<3x17x40xi8>, tensor<3x17x3xf32>, tensor<3x24x40xi8>, tensor<3x24x3xf32>, tensor<3x17x24xf32>
}

func.func @mx32_fp4(%xa: tensor<1x16x96xf32>, %xb: tensor<1x48x96xf32>)
    -> (tensor<1x16x96xi8>, tensor<1x16x3xf32>, tensor<1x48x96xi8>, tensor<1x48x3xf32>, tensor<1x16x48xf32>) {
  %aA = fp8.amax %xa {block = array<i64: 1, 1, 32>} : tensor<1x16x96xf32> -> tensor<1x16x3xf32>
  %sA = fp8.compute_scale %aA {format = f4E2M1FN} : tensor<1x16x3xf32> -> tensor<1x16x3xf8E8M0FNU>
  %qA = fp8.quantize %xa, %sA {block = array<i64: 1, 1, 32>} : tensor<1x16x96xf32>, tensor<1x16x3xf8E8M0FNU> to tensor<1x16x96xf4E2M1FN>
  %sfA = fp8.convert %sA : tensor<1x16x3xf8E8M0FNU> to tensor<1x16x3xf32>
  %c4A = fp8.bitcast %qA : tensor<1x16x96xf4E2M1FN> to tensor<1x16x96xi4>
  %cA = arith.extui %c4A : tensor<1x16x96xi4> to tensor<1x16x96xi8>
  %aB = fp8.amax %xb {block = array<i64: 1, 1, 32>} : tensor<1x48x96xf32> -> tensor<1x48x3xf32>
  %sB = fp8.compute_scale %aB {format = f4E2M1FN} : tensor<1x48x3xf32> -> tensor<1x48x3xf8E8M0FNU>
  %qB = fp8.quantize %xb, %sB {block = array<i64: 1, 1, 32>} : tensor<1x48x96xf32>, tensor<1x48x3xf8E8M0FNU> to tensor<1x48x96xf4E2M1FN>
  %sfB = fp8.convert %sB : tensor<1x48x3xf8E8M0FNU> to tensor<1x48x3xf32>
  %c4B = fp8.bitcast %qB : tensor<1x48x96xf4E2M1FN> to tensor<1x48x96xi4>
  %cB = arith.extui %c4B : tensor<1x48x96xi4> to tensor<1x48x96xi8>
  %d = fp8.scaled_matmul %qA[%sA], %qB[%sB] {lhs_block = array<i64: 1, 1, 32>, rhs_block = array<i64: 1, 1, 32>, rhs_transposed}
      : tensor<1x16x96xf4E2M1FN>[tensor<1x16x3xf8E8M0FNU>], tensor<1x48x96xf4E2M1FN>[tensor<1x48x3xf8E8M0FNU>] -> tensor<1x16x48xf32>
  return %cA, %sfA, %cB, %sfB, %d : tensor<1x16x96xi8>, tensor<1x16x3xf32>, tensor<1x48x96xi8>, tensor<1x48x3xf32>, tensor<1x16x48xf32>
}

func.func @main() {
  %sigma = arith.constant 1.0 : f32
  %tensor_e4m3_xam = memref.alloc() : memref<1x37x45xf32>
  %tensor_e4m3_xbm = memref.alloc() : memref<1x45x29xf32>
  %tensor_e4m3_xad = memref.cast %tensor_e4m3_xam : memref<1x37x45xf32> to memref<?x?x?xf32>
  %tensor_e4m3_xbd = memref.cast %tensor_e4m3_xbm : memref<1x45x29xf32> to memref<?x?x?xf32>
  %tensor_e4m3_seed_a = arith.constant 1 : i32
  %tensor_e4m3_seed_b = arith.constant 2 : i32
  call @fp8rt_fill_normal_3d_f32(%tensor_e4m3_xad, %sigma, %tensor_e4m3_seed_a) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%tensor_e4m3_xbd, %sigma, %tensor_e4m3_seed_b) : (memref<?x?x?xf32>, f32, i32) -> ()
  %tensor_e4m3_xa = bufferization.to_tensor %tensor_e4m3_xam restrict : memref<1x37x45xf32> to tensor<1x37x45xf32>
  %tensor_e4m3_xb = bufferization.to_tensor %tensor_e4m3_xbm restrict : memref<1x45x29xf32> to tensor<1x45x29xf32>
  %tensor_e4m3_ca, %tensor_e4m3_sa, %tensor_e4m3_cb, %tensor_e4m3_sb, %tensor_e4m3_d = call @tensor_e4m3(%tensor_e4m3_xa, %tensor_e4m3_xb)
      : (tensor<1x37x45xf32>, tensor<1x45x29xf32>) -> (tensor<1x37x45xi8>, tensor<1x1x1xf32>, tensor<1x45x29xi8>, tensor<1x1x1xf32>, tensor<1x37x29xf32>)
  %tensor_e4m3_cam = bufferization.to_buffer %tensor_e4m3_ca : tensor<1x37x45xi8> to memref<1x37x45xi8>
  %tensor_e4m3_cad = memref.cast %tensor_e4m3_cam : memref<1x37x45xi8> to memref<?x?x?xi8>
  %tensor_e4m3_sam = bufferization.to_buffer %tensor_e4m3_sa : tensor<1x1x1xf32> to memref<1x1x1xf32>
  %tensor_e4m3_sad = memref.cast %tensor_e4m3_sam : memref<1x1x1xf32> to memref<?x?x?xf32>
  %tensor_e4m3_cbm = bufferization.to_buffer %tensor_e4m3_cb : tensor<1x45x29xi8> to memref<1x45x29xi8>
  %tensor_e4m3_cbd = memref.cast %tensor_e4m3_cbm : memref<1x45x29xi8> to memref<?x?x?xi8>
  %tensor_e4m3_sbm = bufferization.to_buffer %tensor_e4m3_sb : tensor<1x1x1xf32> to memref<1x1x1xf32>
  %tensor_e4m3_sbd = memref.cast %tensor_e4m3_sbm : memref<1x1x1xf32> to memref<?x?x?xf32>
  %tensor_e4m3_dm = bufferization.to_buffer %tensor_e4m3_d : tensor<1x37x29xf32> to memref<1x37x29xf32>
  %tensor_e4m3_dd = memref.cast %tensor_e4m3_dm : memref<1x37x29xf32> to memref<?x?x?xf32>
  %tensor_e4m3_a0 = arith.constant 1 : i64
  %tensor_e4m3_a1 = arith.constant 37 : i64
  %tensor_e4m3_a2 = arith.constant 45 : i64
  %tensor_e4m3_b0 = arith.constant 1 : i64
  %tensor_e4m3_b1 = arith.constant 45 : i64
  %tensor_e4m3_b2 = arith.constant 29 : i64
  %tensor_e4m3_fa = arith.constant 0 : i32
  %tensor_e4m3_fb = arith.constant 0 : i32
  %tensor_e4m3_tr = arith.constant 0 : i32
  call @fp8rt_check_scaled_matmul(%tensor_e4m3_cad, %tensor_e4m3_sad, %tensor_e4m3_fa, %tensor_e4m3_a0, %tensor_e4m3_a1, %tensor_e4m3_a2,
      %tensor_e4m3_cbd, %tensor_e4m3_sbd, %tensor_e4m3_fb, %tensor_e4m3_b0, %tensor_e4m3_b1, %tensor_e4m3_b2, %tensor_e4m3_tr, %tensor_e4m3_dd)
      : (memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, i32, memref<?x?x?xf32>) -> ()
  %rows_cols_e4m3_e5m2_xam = memref.alloc() : memref<2x130x200xf32>
  %rows_cols_e4m3_e5m2_xbm = memref.alloc() : memref<2x200x150xf32>
  %rows_cols_e4m3_e5m2_xad = memref.cast %rows_cols_e4m3_e5m2_xam : memref<2x130x200xf32> to memref<?x?x?xf32>
  %rows_cols_e4m3_e5m2_xbd = memref.cast %rows_cols_e4m3_e5m2_xbm : memref<2x200x150xf32> to memref<?x?x?xf32>
  %rows_cols_e4m3_e5m2_seed_a = arith.constant 3 : i32
  %rows_cols_e4m3_e5m2_seed_b = arith.constant 4 : i32
  call @fp8rt_fill_normal_3d_f32(%rows_cols_e4m3_e5m2_xad, %sigma, %rows_cols_e4m3_e5m2_seed_a) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%rows_cols_e4m3_e5m2_xbd, %sigma, %rows_cols_e4m3_e5m2_seed_b) : (memref<?x?x?xf32>, f32, i32) -> ()
  %rows_cols_e4m3_e5m2_xa = bufferization.to_tensor %rows_cols_e4m3_e5m2_xam restrict : memref<2x130x200xf32> to tensor<2x130x200xf32>
  %rows_cols_e4m3_e5m2_xb = bufferization.to_tensor %rows_cols_e4m3_e5m2_xbm restrict : memref<2x200x150xf32> to tensor<2x200x150xf32>
  %rows_cols_e4m3_e5m2_ca, %rows_cols_e4m3_e5m2_sa, %rows_cols_e4m3_e5m2_cb, %rows_cols_e4m3_e5m2_sb, %rows_cols_e4m3_e5m2_d = call @rows_cols_e4m3_e5m2(%rows_cols_e4m3_e5m2_xa, %rows_cols_e4m3_e5m2_xb)
      : (tensor<2x130x200xf32>, tensor<2x200x150xf32>) -> (tensor<2x130x200xi8>, tensor<2x130x1xf32>, tensor<2x200x150xi8>, tensor<2x1x150xf32>, tensor<2x130x150xf32>)
  %rows_cols_e4m3_e5m2_cam = bufferization.to_buffer %rows_cols_e4m3_e5m2_ca : tensor<2x130x200xi8> to memref<2x130x200xi8>
  %rows_cols_e4m3_e5m2_cad = memref.cast %rows_cols_e4m3_e5m2_cam : memref<2x130x200xi8> to memref<?x?x?xi8>
  %rows_cols_e4m3_e5m2_sam = bufferization.to_buffer %rows_cols_e4m3_e5m2_sa : tensor<2x130x1xf32> to memref<2x130x1xf32>
  %rows_cols_e4m3_e5m2_sad = memref.cast %rows_cols_e4m3_e5m2_sam : memref<2x130x1xf32> to memref<?x?x?xf32>
  %rows_cols_e4m3_e5m2_cbm = bufferization.to_buffer %rows_cols_e4m3_e5m2_cb : tensor<2x200x150xi8> to memref<2x200x150xi8>
  %rows_cols_e4m3_e5m2_cbd = memref.cast %rows_cols_e4m3_e5m2_cbm : memref<2x200x150xi8> to memref<?x?x?xi8>
  %rows_cols_e4m3_e5m2_sbm = bufferization.to_buffer %rows_cols_e4m3_e5m2_sb : tensor<2x1x150xf32> to memref<2x1x150xf32>
  %rows_cols_e4m3_e5m2_sbd = memref.cast %rows_cols_e4m3_e5m2_sbm : memref<2x1x150xf32> to memref<?x?x?xf32>
  %rows_cols_e4m3_e5m2_dm = bufferization.to_buffer %rows_cols_e4m3_e5m2_d : tensor<2x130x150xf32> to memref<2x130x150xf32>
  %rows_cols_e4m3_e5m2_dd = memref.cast %rows_cols_e4m3_e5m2_dm : memref<2x130x150xf32> to memref<?x?x?xf32>
  %rows_cols_e4m3_e5m2_a0 = arith.constant 1 : i64
  %rows_cols_e4m3_e5m2_a1 = arith.constant 1 : i64
  %rows_cols_e4m3_e5m2_a2 = arith.constant 200 : i64
  %rows_cols_e4m3_e5m2_b0 = arith.constant 1 : i64
  %rows_cols_e4m3_e5m2_b1 = arith.constant 200 : i64
  %rows_cols_e4m3_e5m2_b2 = arith.constant 1 : i64
  %rows_cols_e4m3_e5m2_fa = arith.constant 0 : i32
  %rows_cols_e4m3_e5m2_fb = arith.constant 1 : i32
  %rows_cols_e4m3_e5m2_tr = arith.constant 0 : i32
  call @fp8rt_check_scaled_matmul(%rows_cols_e4m3_e5m2_cad, %rows_cols_e4m3_e5m2_sad, %rows_cols_e4m3_e5m2_fa, %rows_cols_e4m3_e5m2_a0, %rows_cols_e4m3_e5m2_a1, %rows_cols_e4m3_e5m2_a2,
      %rows_cols_e4m3_e5m2_cbd, %rows_cols_e4m3_e5m2_sbd, %rows_cols_e4m3_e5m2_fb, %rows_cols_e4m3_e5m2_b0, %rows_cols_e4m3_e5m2_b1, %rows_cols_e4m3_e5m2_b2, %rows_cols_e4m3_e5m2_tr, %rows_cols_e4m3_e5m2_dd)
      : (memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, i32, memref<?x?x?xf32>) -> ()
  %block1x16_hif8_e4m3_xam = memref.alloc() : memref<2x19x45xf32>
  %block1x16_hif8_e4m3_xbm = memref.alloc() : memref<2x45x35xf32>
  %block1x16_hif8_e4m3_xad = memref.cast %block1x16_hif8_e4m3_xam : memref<2x19x45xf32> to memref<?x?x?xf32>
  %block1x16_hif8_e4m3_xbd = memref.cast %block1x16_hif8_e4m3_xbm : memref<2x45x35xf32> to memref<?x?x?xf32>
  %block1x16_hif8_e4m3_seed_a = arith.constant 5 : i32
  %block1x16_hif8_e4m3_seed_b = arith.constant 6 : i32
  call @fp8rt_fill_normal_3d_f32(%block1x16_hif8_e4m3_xad, %sigma, %block1x16_hif8_e4m3_seed_a) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%block1x16_hif8_e4m3_xbd, %sigma, %block1x16_hif8_e4m3_seed_b) : (memref<?x?x?xf32>, f32, i32) -> ()
  %block1x16_hif8_e4m3_xa = bufferization.to_tensor %block1x16_hif8_e4m3_xam restrict : memref<2x19x45xf32> to tensor<2x19x45xf32>
  %block1x16_hif8_e4m3_xb = bufferization.to_tensor %block1x16_hif8_e4m3_xbm restrict : memref<2x45x35xf32> to tensor<2x45x35xf32>
  %block1x16_hif8_e4m3_ca, %block1x16_hif8_e4m3_sa, %block1x16_hif8_e4m3_cb, %block1x16_hif8_e4m3_sb, %block1x16_hif8_e4m3_d = call @block1x16_hif8_e4m3(%block1x16_hif8_e4m3_xa, %block1x16_hif8_e4m3_xb)
      : (tensor<2x19x45xf32>, tensor<2x45x35xf32>) -> (tensor<2x19x45xi8>, tensor<2x19x3xf32>, tensor<2x45x35xi8>, tensor<2x3x3xf32>, tensor<2x19x35xf32>)
  %block1x16_hif8_e4m3_cam = bufferization.to_buffer %block1x16_hif8_e4m3_ca : tensor<2x19x45xi8> to memref<2x19x45xi8>
  %block1x16_hif8_e4m3_cad = memref.cast %block1x16_hif8_e4m3_cam : memref<2x19x45xi8> to memref<?x?x?xi8>
  %block1x16_hif8_e4m3_sam = bufferization.to_buffer %block1x16_hif8_e4m3_sa : tensor<2x19x3xf32> to memref<2x19x3xf32>
  %block1x16_hif8_e4m3_sad = memref.cast %block1x16_hif8_e4m3_sam : memref<2x19x3xf32> to memref<?x?x?xf32>
  %block1x16_hif8_e4m3_cbm = bufferization.to_buffer %block1x16_hif8_e4m3_cb : tensor<2x45x35xi8> to memref<2x45x35xi8>
  %block1x16_hif8_e4m3_cbd = memref.cast %block1x16_hif8_e4m3_cbm : memref<2x45x35xi8> to memref<?x?x?xi8>
  %block1x16_hif8_e4m3_sbm = bufferization.to_buffer %block1x16_hif8_e4m3_sb : tensor<2x3x3xf32> to memref<2x3x3xf32>
  %block1x16_hif8_e4m3_sbd = memref.cast %block1x16_hif8_e4m3_sbm : memref<2x3x3xf32> to memref<?x?x?xf32>
  %block1x16_hif8_e4m3_dm = bufferization.to_buffer %block1x16_hif8_e4m3_d : tensor<2x19x35xf32> to memref<2x19x35xf32>
  %block1x16_hif8_e4m3_dd = memref.cast %block1x16_hif8_e4m3_dm : memref<2x19x35xf32> to memref<?x?x?xf32>
  %block1x16_hif8_e4m3_a0 = arith.constant 1 : i64
  %block1x16_hif8_e4m3_a1 = arith.constant 1 : i64
  %block1x16_hif8_e4m3_a2 = arith.constant 16 : i64
  %block1x16_hif8_e4m3_b0 = arith.constant 1 : i64
  %block1x16_hif8_e4m3_b1 = arith.constant 16 : i64
  %block1x16_hif8_e4m3_b2 = arith.constant 16 : i64
  %block1x16_hif8_e4m3_fa = arith.constant 11 : i32
  %block1x16_hif8_e4m3_fb = arith.constant 0 : i32
  %block1x16_hif8_e4m3_tr = arith.constant 0 : i32
  call @fp8rt_check_scaled_matmul(%block1x16_hif8_e4m3_cad, %block1x16_hif8_e4m3_sad, %block1x16_hif8_e4m3_fa, %block1x16_hif8_e4m3_a0, %block1x16_hif8_e4m3_a1, %block1x16_hif8_e4m3_a2,
      %block1x16_hif8_e4m3_cbd, %block1x16_hif8_e4m3_sbd, %block1x16_hif8_e4m3_fb, %block1x16_hif8_e4m3_b0, %block1x16_hif8_e4m3_b1, %block1x16_hif8_e4m3_b2, %block1x16_hif8_e4m3_tr, %block1x16_hif8_e4m3_dd)
      : (memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, i32, memref<?x?x?xf32>) -> ()
  %transposed_e5m2_xam = memref.alloc() : memref<3x17x40xf32>
  %transposed_e5m2_xbm = memref.alloc() : memref<3x24x40xf32>
  %transposed_e5m2_xad = memref.cast %transposed_e5m2_xam : memref<3x17x40xf32> to memref<?x?x?xf32>
  %transposed_e5m2_xbd = memref.cast %transposed_e5m2_xbm : memref<3x24x40xf32> to memref<?x?x?xf32>
  %transposed_e5m2_seed_a = arith.constant 7 : i32
  %transposed_e5m2_seed_b = arith.constant 8 : i32
  call @fp8rt_fill_normal_3d_f32(%transposed_e5m2_xad, %sigma, %transposed_e5m2_seed_a) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%transposed_e5m2_xbd, %sigma, %transposed_e5m2_seed_b) : (memref<?x?x?xf32>, f32, i32) -> ()
  %transposed_e5m2_xa = bufferization.to_tensor %transposed_e5m2_xam restrict : memref<3x17x40xf32> to tensor<3x17x40xf32>
  %transposed_e5m2_xb = bufferization.to_tensor %transposed_e5m2_xbm restrict : memref<3x24x40xf32> to tensor<3x24x40xf32>
  %transposed_e5m2_ca, %transposed_e5m2_sa, %transposed_e5m2_cb, %transposed_e5m2_sb, %transposed_e5m2_d = call @transposed_e5m2(%transposed_e5m2_xa, %transposed_e5m2_xb)
      : (tensor<3x17x40xf32>, tensor<3x24x40xf32>) -> (tensor<3x17x40xi8>, tensor<3x17x3xf32>, tensor<3x24x40xi8>, tensor<3x24x3xf32>, tensor<3x17x24xf32>)
  %transposed_e5m2_cam = bufferization.to_buffer %transposed_e5m2_ca : tensor<3x17x40xi8> to memref<3x17x40xi8>
  %transposed_e5m2_cad = memref.cast %transposed_e5m2_cam : memref<3x17x40xi8> to memref<?x?x?xi8>
  %transposed_e5m2_sam = bufferization.to_buffer %transposed_e5m2_sa : tensor<3x17x3xf32> to memref<3x17x3xf32>
  %transposed_e5m2_sad = memref.cast %transposed_e5m2_sam : memref<3x17x3xf32> to memref<?x?x?xf32>
  %transposed_e5m2_cbm = bufferization.to_buffer %transposed_e5m2_cb : tensor<3x24x40xi8> to memref<3x24x40xi8>
  %transposed_e5m2_cbd = memref.cast %transposed_e5m2_cbm : memref<3x24x40xi8> to memref<?x?x?xi8>
  %transposed_e5m2_sbm = bufferization.to_buffer %transposed_e5m2_sb : tensor<3x24x3xf32> to memref<3x24x3xf32>
  %transposed_e5m2_sbd = memref.cast %transposed_e5m2_sbm : memref<3x24x3xf32> to memref<?x?x?xf32>
  %transposed_e5m2_dm = bufferization.to_buffer %transposed_e5m2_d : tensor<3x17x24xf32> to memref<3x17x24xf32>
  %transposed_e5m2_dd = memref.cast %transposed_e5m2_dm : memref<3x17x24xf32> to memref<?x?x?xf32>
  %transposed_e5m2_a0 = arith.constant 1 : i64
  %transposed_e5m2_a1 = arith.constant 1 : i64
  %transposed_e5m2_a2 = arith.constant 16 : i64
  %transposed_e5m2_b0 = arith.constant 1 : i64
  %transposed_e5m2_b1 = arith.constant 1 : i64
  %transposed_e5m2_b2 = arith.constant 16 : i64
  %transposed_e5m2_fa = arith.constant 1 : i32
  %transposed_e5m2_fb = arith.constant 1 : i32
  %transposed_e5m2_tr = arith.constant 1 : i32
  call @fp8rt_check_scaled_matmul(%transposed_e5m2_cad, %transposed_e5m2_sad, %transposed_e5m2_fa, %transposed_e5m2_a0, %transposed_e5m2_a1, %transposed_e5m2_a2,
      %transposed_e5m2_cbd, %transposed_e5m2_sbd, %transposed_e5m2_fb, %transposed_e5m2_b0, %transposed_e5m2_b1, %transposed_e5m2_b2, %transposed_e5m2_tr, %transposed_e5m2_dd)
      : (memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, i32, memref<?x?x?xf32>) -> ()
  %mx32_fp4_xam = memref.alloc() : memref<1x16x96xf32>
  %mx32_fp4_xbm = memref.alloc() : memref<1x48x96xf32>
  %mx32_fp4_xad = memref.cast %mx32_fp4_xam : memref<1x16x96xf32> to memref<?x?x?xf32>
  %mx32_fp4_xbd = memref.cast %mx32_fp4_xbm : memref<1x48x96xf32> to memref<?x?x?xf32>
  %mx32_fp4_seed_a = arith.constant 9 : i32
  %mx32_fp4_seed_b = arith.constant 10 : i32
  call @fp8rt_fill_normal_3d_f32(%mx32_fp4_xad, %sigma, %mx32_fp4_seed_a) : (memref<?x?x?xf32>, f32, i32) -> ()
  call @fp8rt_fill_normal_3d_f32(%mx32_fp4_xbd, %sigma, %mx32_fp4_seed_b) : (memref<?x?x?xf32>, f32, i32) -> ()
  %mx32_fp4_xa = bufferization.to_tensor %mx32_fp4_xam restrict : memref<1x16x96xf32> to tensor<1x16x96xf32>
  %mx32_fp4_xb = bufferization.to_tensor %mx32_fp4_xbm restrict : memref<1x48x96xf32> to tensor<1x48x96xf32>
  %mx32_fp4_ca, %mx32_fp4_sa, %mx32_fp4_cb, %mx32_fp4_sb, %mx32_fp4_d = call @mx32_fp4(%mx32_fp4_xa, %mx32_fp4_xb)
      : (tensor<1x16x96xf32>, tensor<1x48x96xf32>) -> (tensor<1x16x96xi8>, tensor<1x16x3xf32>, tensor<1x48x96xi8>, tensor<1x48x3xf32>, tensor<1x16x48xf32>)
  %mx32_fp4_cam = bufferization.to_buffer %mx32_fp4_ca : tensor<1x16x96xi8> to memref<1x16x96xi8>
  %mx32_fp4_cad = memref.cast %mx32_fp4_cam : memref<1x16x96xi8> to memref<?x?x?xi8>
  %mx32_fp4_sam = bufferization.to_buffer %mx32_fp4_sa : tensor<1x16x3xf32> to memref<1x16x3xf32>
  %mx32_fp4_sad = memref.cast %mx32_fp4_sam : memref<1x16x3xf32> to memref<?x?x?xf32>
  %mx32_fp4_cbm = bufferization.to_buffer %mx32_fp4_cb : tensor<1x48x96xi8> to memref<1x48x96xi8>
  %mx32_fp4_cbd = memref.cast %mx32_fp4_cbm : memref<1x48x96xi8> to memref<?x?x?xi8>
  %mx32_fp4_sbm = bufferization.to_buffer %mx32_fp4_sb : tensor<1x48x3xf32> to memref<1x48x3xf32>
  %mx32_fp4_sbd = memref.cast %mx32_fp4_sbm : memref<1x48x3xf32> to memref<?x?x?xf32>
  %mx32_fp4_dm = bufferization.to_buffer %mx32_fp4_d : tensor<1x16x48xf32> to memref<1x16x48xf32>
  %mx32_fp4_dd = memref.cast %mx32_fp4_dm : memref<1x16x48xf32> to memref<?x?x?xf32>
  %mx32_fp4_a0 = arith.constant 1 : i64
  %mx32_fp4_a1 = arith.constant 1 : i64
  %mx32_fp4_a2 = arith.constant 32 : i64
  %mx32_fp4_b0 = arith.constant 1 : i64
  %mx32_fp4_b1 = arith.constant 1 : i64
  %mx32_fp4_b2 = arith.constant 32 : i64
  %mx32_fp4_fa = arith.constant 10 : i32
  %mx32_fp4_fb = arith.constant 10 : i32
  %mx32_fp4_tr = arith.constant 1 : i32
  call @fp8rt_check_scaled_matmul(%mx32_fp4_cad, %mx32_fp4_sad, %mx32_fp4_fa, %mx32_fp4_a0, %mx32_fp4_a1, %mx32_fp4_a2,
      %mx32_fp4_cbd, %mx32_fp4_sbd, %mx32_fp4_fb, %mx32_fp4_b0, %mx32_fp4_b1, %mx32_fp4_b2, %mx32_fp4_tr, %mx32_fp4_dd)
      : (memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, memref<?x?x?xi8>, memref<?x?x?xf32>, i32, i64, i64, i64, i32, memref<?x?x?xf32>) -> ()
  return
}
