// Scaled-matmul kernels the GPU harness (gpu/harness.py) checks against an
// f64 reference and torch._scaled_mm, and times (B is [N, K], as cuBLASLt
// takes it; scales are per tensor or 1x128 / 128x128 blocks).

func.func @check_tensor(%a: tensor<320x512xf8E4M3FN>, %sa: f32, %b: tensor<272x512xf8E4M3FN>, %sb: f32) -> tensor<320x272xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<320x512xf8E4M3FN>[f32], tensor<272x512xf8E4M3FN>[f32] -> tensor<320x272xf32>
  return %d : tensor<320x272xf32>
}

func.func @check_tensor_e5m2(%a: tensor<256x256xf8E4M3FN>, %sa: f32, %b: tensor<128x256xf8E5M2>, %sb: f32) -> tensor<256x128xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<256x256xf8E4M3FN>[f32], tensor<128x256xf8E5M2>[f32] -> tensor<256x128xf32>
  return %d : tensor<256x128xf32>
}

func.func @check_block(%a: tensor<320x512xf8E4M3FN>, %sa: tensor<320x4xf32>, %b: tensor<256x512xf8E4M3FN>, %sb: tensor<2x4xf32>) -> tensor<320x256xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>, rhs_transposed}
      : tensor<320x512xf8E4M3FN>[tensor<320x4xf32>], tensor<256x512xf8E4M3FN>[tensor<2x4xf32>] -> tensor<320x256xf32>
  return %d : tensor<320x256xf32>
}

// Each path of the kernel (on sm_90a: wgmma): a [K, N] right operand
// (transposed while staged), 32-wide K-blocks (32-element slices), HiF8
// decoded to f16 (both operand orders, with block scales), a batch.
func.func @check_kn(%a: tensor<192x256xf8E5M2>, %sa: f32, %b: tensor<256x144xf8E4M3FN>, %sb: f32) -> tensor<192x144xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb]
      : tensor<192x256xf8E5M2>[f32], tensor<256x144xf8E4M3FN>[f32] -> tensor<192x144xf32>
  return %d : tensor<192x144xf32>
}

func.func @check_k32(%a: tensor<160x256xf8E4M3FN>, %sa: tensor<160x8xf32>, %b: tensor<96x256xf8E4M3FN>, %sb: tensor<96x8xf32>) -> tensor<160x96xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 1, 32>, rhs_transposed}
      : tensor<160x256xf8E4M3FN>[tensor<160x8xf32>], tensor<96x256xf8E4M3FN>[tensor<96x8xf32>] -> tensor<160x96xf32>
  return %d : tensor<160x96xf32>
}

func.func @check_hif8(%a: tensor<320x512x!fp8.hif8>, %sa: f32, %b: tensor<272x512xf8E4M3FN>, %sb: f32) -> tensor<320x272xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<320x512x!fp8.hif8>[f32], tensor<272x512xf8E4M3FN>[f32] -> tensor<320x272xf32>
  return %d : tensor<320x272xf32>
}

func.func @check_hif8_kn_block(%a: tensor<200x256xf8E5M2>, %sa: tensor<200x2xf32>, %b: tensor<256x160x!fp8.hif8>, %sb: tensor<2x2xf32>) -> tensor<200x160xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>}
      : tensor<200x256xf8E5M2>[tensor<200x2xf32>], tensor<256x160x!fp8.hif8>[tensor<2x2xf32>] -> tensor<200x160xf32>
  return %d : tensor<200x160xf32>
}

func.func @check_batch(%a: tensor<3x130x128xf8E4M3FN>, %sa: f32, %b: tensor<3x80x128xf8E5M2>, %sb: f32) -> tensor<3x130x80xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<3x130x128xf8E4M3FN>[f32], tensor<3x80x128xf8E5M2>[f32] -> tensor<3x130x80xf32>
  return %d : tensor<3x130x80xf32>
}

func.func @bench_hif8_4096(%a: tensor<4096x4096x!fp8.hif8>, %sa: f32, %b: tensor<4096x4096x!fp8.hif8>, %sb: f32) -> tensor<4096x4096xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<4096x4096x!fp8.hif8>[f32], tensor<4096x4096x!fp8.hif8>[f32] -> tensor<4096x4096xbf16>
  return %d : tensor<4096x4096xbf16>
}

func.func @bench_tensor_4096(%a: tensor<4096x4096xf8E4M3FN>, %sa: f32, %b: tensor<4096x4096xf8E4M3FN>, %sb: f32) -> tensor<4096x4096xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<4096x4096xf8E4M3FN>[f32], tensor<4096x4096xf8E4M3FN>[f32] -> tensor<4096x4096xbf16>
  return %d : tensor<4096x4096xbf16>
}

func.func @bench_block_4096(%a: tensor<4096x4096xf8E4M3FN>, %sa: tensor<4096x32xf32>, %b: tensor<4096x4096xf8E4M3FN>, %sb: tensor<32x32xf32>) -> tensor<4096x4096xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>, rhs_transposed}
      : tensor<4096x4096xf8E4M3FN>[tensor<4096x32xf32>], tensor<4096x4096xf8E4M3FN>[tensor<32x32xf32>] -> tensor<4096x4096xbf16>
  return %d : tensor<4096x4096xbf16>
}

func.func @bench_tensor_8192(%a: tensor<8192x8192xf8E4M3FN>, %sa: f32, %b: tensor<8192x8192xf8E4M3FN>, %sb: f32) -> tensor<8192x8192xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {rhs_transposed}
      : tensor<8192x8192xf8E4M3FN>[f32], tensor<8192x8192xf8E4M3FN>[f32] -> tensor<8192x8192xbf16>
  return %d : tensor<8192x8192xbf16>
}

func.func @bench_block_8192(%a: tensor<8192x8192xf8E4M3FN>, %sa: tensor<8192x64xf32>, %b: tensor<8192x8192xf8E4M3FN>, %sb: tensor<64x64xf32>) -> tensor<8192x8192xbf16> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>, rhs_transposed}
      : tensor<8192x8192xf8E4M3FN>[tensor<8192x64xf32>], tensor<8192x8192xf8E4M3FN>[tensor<64x64xf32>] -> tensor<8192x8192xbf16>
  return %d : tensor<8192x8192xbf16>
}
