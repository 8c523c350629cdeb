// @main of a matmul program (bench/fp8bench/matmul_program.py), in
// fragments, in the order they appear: the f32 operands %a (M x K) and %b
// (K x N); per scaling ($s: pt, row, blk, mx) the quantized operands and
// scales (and, for the check, their dequantized values); every kernel called
// once and checked (its warm-up); the peak loop's warm-up; then $rounds timed
// rounds, each calling every kernel (and the peak loop) once. A sample of
// each result feeds a loop-carried sum, so no call is dead.
//
// What main prints (parsed by bench/fp8bench/runner.py and matmul.py):
//   E <kernel> <max relative error of the sampled outputs>
//   T <kernel> <now() before>, <now() after>     a timing
//   W / S lines: the peak's warm-up, the sum, printed only so that the
//   compiler must keep what produces them.
//
// Placeholders: types as in matmul_kernels.mlir; $m, $n, $k; $format (the
// fp8 element type); $name (a kernel); $call (a call fragment below).

// @fragment begin
func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c37 = arith.constant 37 : index
  %c71 = arith.constant 71 : index
  %c101 = arith.constant 101 : index
  %c131 = arith.constant 131 : index
  %c257 = arith.constant 257 : index
  %c263 = arith.constant 263 : index
  %f1 = arith.constant 1.0 : f32
  %f128 = arith.constant 128.0 : f32
  %f131 = arith.constant 131.0 : f32
  %f_inv64 = arith.constant 0.015625 : f32
  %ci = arith.constant ${m} : index
  %cj = arith.constant ${n} : index
  %ck = arith.constant ${k} : index
  %c_samples = arith.constant 64 : index
  %c_si = arith.constant 37 : index
  %c_sj = arith.constant 101 : index
  %f0 = arith.constant 0.0 : f64
  %rounds = arith.constant ${rounds} : index
  %peak_iters = arith.constant ${peak_iters} : index
  %px = arith.constant dense<1.0000001> : vector<16xf32>
  %f_px = arith.constant 1.0000001 : f32
  %f0_32 = arith.constant 0.0 : f32
  %py = arith.constant dense<0.9999999> : vector<16xf32>

// @fragment operands: deterministic, with rows (a) / columns (b) of different magnitudes so that the scales matter
  // a[i][j] = ((131 i + 71 j) mod 257 - 128) * (1 + i mod 7) / 64
  %e_mk = tensor.empty() : ${mk}
  %a = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e_mk : ${mk}) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %h0 = arith.muli %i, %c131 : index
    %h1 = arith.muli %j, %c71 : index
    %h2 = arith.addi %h0, %h1 : index
    %h = arith.remui %h2, %c257 : index
    %r = arith.remui %i, %c7 : index
    %hi = arith.index_cast %h : index to i32
    %ri = arith.index_cast %r : index to i32
    %hf = arith.sitofp %hi : i32 to f32
    %rf = arith.sitofp %ri : i32 to f32
    %v0 = arith.subf %hf, %f128 : f32
    %mag = arith.addf %rf, %f1 : f32
    %v1 = arith.mulf %v0, %mag : f32
    %v = arith.mulf %v1, %f_inv64 : f32
    linalg.yield %v : f32
  } -> ${mk}
  // b[i][j] = ((37 i + 101 j) mod 263 - 131) * (1 + j mod 5) / 64
  %e_kn = tensor.empty() : ${kn}
  %b = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]} outs(%e_kn : ${kn}) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %h0 = arith.muli %i, %c37 : index
    %h1 = arith.muli %j, %c101 : index
    %h2 = arith.addi %h0, %h1 : index
    %h = arith.remui %h2, %c263 : index
    %r = arith.remui %j, %c5 : index
    %hi = arith.index_cast %h : index to i32
    %ri = arith.index_cast %r : index to i32
    %hf = arith.sitofp %hi : i32 to f32
    %rf = arith.sitofp %ri : i32 to f32
    %v0 = arith.subf %hf, %f131 : f32
    %mag = arith.addf %rf, %f1 : f32
    %v1 = arith.mulf %v0, %mag : f32
    %v = arith.mulf %v1, %f_inv64 : f32
    linalg.yield %v : f32
  } -> ${kn}

// @fragment quantize_tensor: per-tensor f32 scales
  %amax_a_${s} = fp8.amax %a : ${mk} -> f32
  %sa_${s} = fp8.compute_scale %amax_a_${s} {format = ${format}} : f32 -> f32
  %qa_${s} = fp8.quantize %a, %sa_${s} {saturation = #fp8.saturation<finite>} : ${mk}, f32 to ${qmk}
  %amax_b_${s} = fp8.amax %b : ${kn} -> f32
  %sb_${s} = fp8.compute_scale %amax_b_${s} {format = ${format}} : f32 -> f32
  %qb_${s} = fp8.quantize %b, %sb_${s} {saturation = #fp8.saturation<finite>} : ${kn}, f32 to ${qkn}
  %da_${s} = fp8.dequantize %qa_${s}, %sa_${s} : ${qmk}, f32 to ${mk}
  %db_${s} = fp8.dequantize %qb_${s}, %sb_${s} : ${qkn}, f32 to ${kn}

// @fragment quantize_blocks: block scales ($lhs_amax, $rhs_amax: the f32 amax tensors); E8M0 scales are powers of two, amax / scale may pass the largest finite value, so quantize saturates (as MX does)
  %amax_a_${s} = fp8.amax %a {block = array<i64: ${lhs_block}>} : ${mk} -> ${lhs_amax}
  %sa_${s} = fp8.compute_scale %amax_a_${s} {format = ${format}} : ${lhs_amax} -> ${sa}
  %qa_${s} = fp8.quantize %a, %sa_${s} {block = array<i64: ${lhs_block}>, saturation = #fp8.saturation<finite>} : ${mk}, ${sa} to ${qmk}
  %amax_b_${s} = fp8.amax %b {block = array<i64: ${rhs_block}>} : ${kn} -> ${rhs_amax}
  %sb_${s} = fp8.compute_scale %amax_b_${s} {format = ${format}} : ${rhs_amax} -> ${sb}
  %qb_${s} = fp8.quantize %b, %sb_${s} {block = array<i64: ${rhs_block}>, saturation = #fp8.saturation<finite>} : ${kn}, ${sb} to ${qkn}
  %da_${s} = fp8.dequantize %qa_${s}, %sa_${s} {block = array<i64: ${lhs_block}>} : ${qmk}, ${sa} to ${mk}
  %db_${s} = fp8.dequantize %qb_${s}, %sb_${s} {block = array<i64: ${rhs_block}>} : ${qkn}, ${sb} to ${kn}

// @fragment check: the warm-up call, its max error over 64 sampled outputs vs an f64 sum over K of the dequantized operands ($da, $db), relative to sum |a_k b_k| (the scale of f32 rounding error in any order)
  %rc_${name} = ${call}
  %err_${name} = scf.for %t = %c0 to %c_samples step %c1 iter_args(%w = %f0) -> (f64) {
    %ti = arith.muli %t, %c_si : index
    %i = arith.remui %ti, %ci : index
    %tj = arith.muli %t, %c_sj : index
    %j = arith.remui %tj, %cj : index
    %ref:2 = scf.for %kk = %c0 to %ck step %c1 iter_args(%s = %f0, %sa = %f0) -> (f64, f64) {
      %av = tensor.extract ${da}[%i, %kk] : ${mk}
      %bv = tensor.extract ${db}[%kk, %j] : ${kn}
      %ad = arith.extf %av : f32 to f64
      %bd = arith.extf %bv : f32 to f64
      %pr = arith.mulf %ad, %bd : f64
      %s1 = arith.addf %s, %pr : f64
      %pa = math.absf %pr : f64
      %sa1 = arith.addf %sa, %pa : f64
      scf.yield %s1, %sa1 : f64, f64
    }
    %got = tensor.extract %rc_${name}[%i, %j] : ${mn}
    %gd = arith.extf %got : f32 to f64
    %diff = arith.subf %gd, %ref#0 : f64
    %ad = math.absf %diff : f64
    %rel = arith.divf %ad, %ref#1 : f64
    %w1 = arith.maximumf %w, %rel : f64
    scf.yield %w1 : f64
  }
  vector.print str "E ${name} "
  vector.print %err_${name} : f64

// @fragment amx_peak_warm: the AMX peak's buffers and warm-up (amx_peak.mlir)
  %amx_in = memref.alloc() : memref<16x32xbf16>
  %amx_out = memref.alloc() : memref<16x16xf32>
  %bf_one = arith.constant 1.0 : bf16
  linalg.fill ins(%bf_one : bf16) outs(%amx_in : memref<16x32xbf16>)
  %p_warm = func.call @amx_peak(%peak_iters, %amx_in, %amx_out) : (index, memref<16x32xbf16>, memref<16x16xf32>) -> f32
  vector.print str "W "
  vector.print %p_warm : f32

// @fragment fma_peak_warm: the FMA peak's warm-up (fma_peak.mlir)
  %p_warm = func.call @fma_peak(%peak_iters, %px, %py) : (index, vector<16xf32>, vector<16xf32>) -> f32
  vector.print str "W "
  vector.print %p_warm : f32

// @fragment rounds_begin
  %sum = scf.for %round = %c0 to %rounds step %c1 iter_args(%acc0 = %f0) -> (f64) {

// @fragment time_call: one timed call; $acc: the sum so far
    %t0_${name} = func.call @now() : () -> i64
    %r_${name} = ${call}
    %t1_${name} = func.call @now() : () -> i64
    vector.print str "T ${name} "
    vector.print %t0_${name} : i64 punctuation <comma>
    vector.print %t1_${name} : i64
    %x_${name} = tensor.extract %r_${name}[%c1, %c1] : ${mn}
    %xd_${name} = arith.extf %x_${name} : f32 to f64
    %acc_${name} = arith.addf ${acc}, %xd_${name} : f64

// @fragment time_amx_peak
    %t0_peak = func.call @now() : () -> i64
    %p = func.call @amx_peak(%peak_iters, %amx_in, %amx_out) : (index, memref<16x32xbf16>, memref<16x16xf32>) -> f32
    %t1_peak = func.call @now() : () -> i64
    vector.print str "T amx_peak "
    vector.print %t0_peak : i64 punctuation <comma>
    vector.print %t1_peak : i64
    %pd = arith.extf %p : f32 to f64
    %acc_peak = arith.addf ${acc}, %pd : f64

// @fragment time_fma_peak: its inputs depend on the previous round's results, so that LLVM cannot merge this (pure) call with another
    %acc0_f = arith.truncf %acc0 : f64 to f32
    %acc0_z = arith.mulf %acc0_f, %f0_32 : f32
    %px_s = arith.addf %acc0_z, %f_px : f32
    %px_r = vector.broadcast %px_s : f32 to vector<16xf32>
    %t0_peak = func.call @now() : () -> i64
    %p = func.call @fma_peak(%peak_iters, %px_r, %py) : (index, vector<16xf32>, vector<16xf32>) -> f32
    %t1_peak = func.call @now() : () -> i64
    vector.print str "T fma_peak "
    vector.print %t0_peak : i64 punctuation <comma>
    vector.print %t1_peak : i64
    %pd = arith.extf %p : f32 to f64
    %acc_peak = arith.addf ${acc}, %pd : f64

// @fragment rounds_end
    scf.yield ${acc} : f64
  }
  vector.print str "S "
  vector.print %sum : f64
  return
}

// @fragment call_scaled_matmul: a call of a scaled matmul on scaling $s's operands
func.call @${name}(%qa_${s}, %sa_${s}, %qb_${s}, %sb_${s}) : (${qmk}, ${sa}, ${qkn}, ${sb}) -> ${mn}

// @fragment call_f32_matmul
func.call @${name}(%a, %b) : (${mk}, ${kn}) -> ${mn}
