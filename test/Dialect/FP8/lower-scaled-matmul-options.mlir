// Bad blocking options are pass errors with the reason.
// RUN: not fp8-opt %s -fp8-lower-scaled-matmul="target=avx512 nr=24" 2>&1 \
// RUN: | FileCheck %s --check-prefix=MULTIPLE
// RUN: not fp8-opt %s -fp8-lower-scaled-matmul="target=avx512 mr=16 nr=64" 2>&1 \
// RUN: | FileCheck %s --check-prefix=REGISTERS
// RUN: not fp8-opt %s -fp8-lower-scaled-matmul="target=amx mr=48" 2>&1 \
// RUN: | FileCheck %s --check-prefix=TILES
// RUN: not fp8-opt %s -fp8-lower-scaled-matmul="mc=-1" 2>&1 \
// RUN: | FileCheck %s --check-prefix=NEGATIVE
// RUN: not fp8-opt %s -fp8-lower-scaled-matmul="target=sse" 2>&1 \
// RUN: | FileCheck %s --check-prefix=TARGET
// RUN: not fp8-opt %s -fp8-cpu-pipeline="target=sse" 2>&1 \
// RUN: | FileCheck %s --check-prefix=TARGET

// MULTIPLE: error: fp8-lower-scaled-matmul: nr (24) and kc (256) must be multiples of the vector width (16), mc ({{[0-9]+}}) of mr (8) and nc ({{[0-9]+}}) of nr
// REGISTERS: error: fp8-lower-scaled-matmul: a 16x64 register tile needs 64 accumulator vectors; at most 32 are allowed
// TILES: error: fp8-lower-scaled-matmul: with target=amx, mr (48) and nr (32) must be multiples of 16 whose tiles fit the 8 tile registers (at most 32 x 32)
// NEGATIVE: error: fp8-lower-scaled-matmul: blocking options must be >= 0
// TARGET: Cannot find option named 'sse'

func.func @f() {
  return
}
