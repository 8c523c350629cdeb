// The conversion programs' runtime: deterministic inputs, the clock chain,
// the scrub read and the output hashes. Integer arithmetic only (see
// clock.mlir). Used with clock.mlir, by bench/fp8bench/harness.py.

// xorshift32: deterministic inputs, identical in every program.
func.func @next(%s: i32) -> i32 {
  %c13 = arith.constant 13 : i32
  %c17 = arith.constant 17 : i32
  %c5 = arith.constant 5 : i32
  %a0 = arith.shli %s, %c13 : i32
  %a = arith.xori %s, %a0 : i32
  %b0 = arith.shrui %a, %c17 : i32
  %b = arith.xori %a, %b0 : i32
  %d0 = arith.shli %b, %c5 : i32
  %d = arith.xori %b, %d0 : i32
  return %d : i32
}

// A chain of dependent 1-cycle integer ops (6 per @next): its rate is the
// core clock, used to turn elements/s into cycles per 16 elements.
func.func @clock_chain(%n: index, %s0: i32) -> i32 attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    scf.yield %s1 : i32
  }
  return %r : i32
}

// f32 inputs with random sign and mantissa and exponents uniform over
// [2^-24, 2^20): subnormal, normal and out-of-range values of every format.
func.func @fill_f32(%m: memref<?xf32>, %seed: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %m, %c0 : memref<?xf32>
  %sign_mask = arith.constant 0x80000000 : i32
  %mant_mask = arith.constant 0x007FFFFF : i32
  %c8 = arith.constant 8 : i32
  %c23 = arith.constant 23 : i32
  %c44 = arith.constant 44 : i32
  %bias = arith.constant 103 : i32
  %last = scf.for %i = %c0 to %n step %c1 iter_args(%s = %seed) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    %s2 = func.call @next(%s1) : (i32) -> i32
    %sign = arith.andi %s1, %sign_mask : i32
    %mant = arith.andi %s1, %mant_mask : i32
    %r = arith.shrui %s2, %c8 : i32
    %e0 = arith.remui %r, %c44 : i32
    %e = arith.addi %e0, %bias : i32
    %ebits = arith.shli %e, %c23 : i32
    %sm = arith.ori %sign, %mant : i32
    %bits = arith.ori %sm, %ebits : i32
    %x = arith.bitcast %bits : i32 to f32
    memref.store %x, %m[%i] : memref<?xf32>
    scf.yield %s2 : i32
  }
  return
}

func.func @fill_i32(%m: memref<?xi32>, %seed: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %m, %c0 : memref<?xi32>
  %last = scf.for %i = %c0 to %n step %c1 iter_args(%s = %seed) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    memref.store %s1, %m[%i] : memref<?xi32>
    scf.yield %s1 : i32
  }
  return
}

// Random bytes: every code of every format, NaNs included.
func.func @fill_i8(%m: memref<?xi8>, %seed: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c24 = arith.constant 24 : i32
  %n = memref.dim %m, %c0 : memref<?xi8>
  %last = scf.for %i = %c0 to %n step %c1 iter_args(%s = %seed) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    %hi = arith.shrui %s1, %c24 : i32
    %b = arith.trunci %hi : i32 to i8
    memref.store %b, %m[%i] : memref<?xi8>
    scf.yield %s1 : i32
  }
  return
}

func.func @sum_i32(%m: memref<?xi32>) -> i32 attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i32
  %n = memref.dim %m, %c0 : memref<?xi32>
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (i32) {
    %x = memref.load %m[%i] : memref<?xi32>
    %y = arith.addi %acc, %x : i32
    scf.yield %y : i32
  }
  return %s : i32
}

// FNV-1a over the first %k bytes.
func.func @hash_i8(%m: memref<?xi8>, %k: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %basis = arith.constant 0xcbf29ce484222325 : i64
  %prime = arith.constant 0x100000001b3 : i64
  %h = scf.for %i = %c0 to %k step %c1 iter_args(%acc = %basis) -> (i64) {
    %b = memref.load %m[%i] : memref<?xi8>
    %w = arith.extui %b : i8 to i64
    %x = arith.xori %acc, %w : i64
    %y = arith.muli %x, %prime : i64
    scf.yield %y : i64
  }
  return %h : i64
}

// The same over f32 bit patterns, with every NaN hashed as one value
// (APFloat and our decoders need not agree on NaN payloads).
func.func @hash_f32(%m: memref<?xf32>, %k: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %basis = arith.constant 0xcbf29ce484222325 : i64
  %prime = arith.constant 0x100000001b3 : i64
  %abs_mask = arith.constant 0x7FFFFFFF : i32
  %inf = arith.constant 0x7F800000 : i32
  %qnan = arith.constant 0x7FC00000 : i32
  %h = scf.for %i = %c0 to %k step %c1 iter_args(%acc = %basis) -> (i64) {
    %x = memref.load %m[%i] : memref<?xf32>
    %bits = arith.bitcast %x : f32 to i32
    %abs = arith.andi %bits, %abs_mask : i32
    %is_nan = arith.cmpi ugt, %abs, %inf : i32
    %canon = arith.select %is_nan, %qnan, %bits : i32
    %w = arith.extui %canon : i32 to i64
    %y0 = arith.xori %acc, %w : i64
    %y = arith.muli %y0, %prime : i64
    scf.yield %y : i64
  }
  return %h : i64
}
