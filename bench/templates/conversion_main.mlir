// @main of a conversion program (bench/fp8bench/harness.py), in fragments,
// in the order they appear: per phase (the arrays of one size, $p = its tag:
// dram, l2), its arrays allocated and filled, then $rounds rounds (the first
// a warm-up), each timing $calls back-to-back calls of every kernel in turn
// (and, in the clock phase, the clock chain); finally, each checked kernel
// runs once on the first phase's arrays and its output is hashed.
//
// What main prints (parsed by bench/fp8bench/runner.py):
//   T <kernel>@<phase> <now() before>, <now() after>     a timing
//   H <kernel> <hash of the first $n_check output elements>
//   P / C lines: buffer addresses, the clock chain's result, printed only so
//   that the compiler must keep what produces them.

// @fragment begin
func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %seed_x = arith.constant 2463534242 : i32
  %seed_r = arith.constant 88172645 : i32
  %seed_c = arith.constant 521288629 : i32

// @fragment phase_size
  %n_${p} = arith.constant ${elements} : index

// @fragment alloc: one array of the phase ($suffix: f32, rb, i8, o8, of)
  %${p}_${suffix} = memref.alloc(%n_${p}) {alignment = 64 : i64} : memref<?x${type}>
  %p_${p}_${suffix} = memref.extract_aligned_pointer_as_index %${p}_${suffix} : memref<?x${type}> -> index
  %pi_${p}_${suffix} = arith.index_cast %p_${p}_${suffix} : index to i64
  vector.print str "P ${p}_${suffix} "
  vector.print %pi_${p}_${suffix} : i64

// @fragment alloc_scrub: the scratch buffer read before every timing
  %n_scrub_${p} = arith.constant ${scrub} : index
  %${p}_scrub = memref.alloc(%n_scrub_${p}) {alignment = 64 : i64} : memref<?xi32>
  func.call @fill_i32(%${p}_scrub, %seed_r) : (memref<?xi32>, i32) -> ()
  %p_${p}_scrub = memref.extract_aligned_pointer_as_index %${p}_scrub : memref<?xi32> -> index
  %pi_${p}_scrub = arith.index_cast %p_${p}_scrub : index to i64
  vector.print str "P ${p}_scrub "
  vector.print %pi_${p}_scrub : i64

// @fragment rounds_begin: fill the inputs, open the rounds loop
  func.call @fill_f32(%${p}_f32, %seed_x) : (memref<?xf32>, i32) -> ()
  func.call @fill_i32(%${p}_rb, %seed_r) : (memref<?xi32>, i32) -> ()
  func.call @fill_i8(%${p}_i8, %seed_c) : (memref<?xi8>, i32) -> ()
  %rounds_${p} = arith.constant ${rounds} : index
  %calls_${p} = arith.constant ${calls} : index
  %clock_n_${p} = arith.constant ${clock_steps} : index
  %clock_${p} = scf.for %round = %c0 to %rounds_${p} step %c1
      iter_args(%seed = %seed_x) -> (i32) {

// @fragment time_clock: the clock chain, seeded by the previous round's result (yields %next_seed)
    %t0_clock = func.call @now() : () -> i64
    %next_seed = func.call @clock_chain(%clock_n_${p}, %seed) : (index, i32) -> i32
    %t1_clock = func.call @now() : () -> i64
    vector.print str "T clock@${p} "
    vector.print %t0_clock : i64 punctuation <comma>
    vector.print %t1_clock : i64

// @fragment no_clock: outside the clock phase (yields %next_seed0)
    %next_seed0 = arith.addi %seed, %seed : i32

// @fragment scrub: untimed read of the scratch buffer; its sum feeds the next round's seed, so it stays live
    %scrubbed_${t} = func.call @sum_i32(%${p}_scrub) : (memref<?xi32>) -> i32
    %acc_${t} = arith.addi ${acc}, %scrubbed_${t} : i32

// @fragment time_kernel: $calls calls of one kernel ($t: kernel_phase)
    %t0_${t} = func.call @now() : () -> i64
    scf.for %j = %c0 to %calls_${p} step %c1 {
      ${call}
    }
    %t1_${t} = func.call @now() : () -> i64
    vector.print str "T ${kernel}@${p} "
    vector.print %t0_${t} : i64 punctuation <comma>
    vector.print %t1_${t} : i64

// @fragment rounds_end
    scf.yield ${acc} : i32
  }
  vector.print str "C clock@${p} "
  vector.print %clock_${p} : i32

// @fragment check_size
  %n_check = arith.constant ${n_check} : index

// @fragment check_enc: hash an encode's i8 output
  ${call}
  %h_${kernel} = func.call @hash_i8(%${p}_o8, %n_check) : (memref<?xi8>, index) -> i64
  vector.print str "H ${kernel} "
  vector.print %h_${kernel} : i64

// @fragment check_dec: hash a decode's f32 output
  ${call}
  %h_${kernel} = func.call @hash_f32(%${p}_of, %n_check) : (memref<?xf32>, index) -> i64
  vector.print str "H ${kernel} "
  vector.print %h_${kernel} : i64

// @fragment dealloc
  memref.dealloc %${p}_${suffix} : memref<?x${type}>

// @fragment dealloc_scrub
  memref.dealloc %${p}_scrub : memref<?xi32>

// @fragment end
  return
}

// @fragment call_enc: one call of an encode kernel on the phase's arrays
func.call @${kernel}(%${p}_f32, %${p}_rb, %${p}_o8) : (memref<?xf32>, memref<?xi32>, memref<?xi8>) -> ()

// @fragment call_dec: one call of a decode kernel on the phase's arrays
func.call @${kernel}(%${p}_i8, %${p}_of) : (memref<?xi8>, memref<?xf32>) -> ()
