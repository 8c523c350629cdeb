// Bad blocking options are pass errors with the reason.
// RUN: not fp8-opt %s -convert-fp8-matmul-to-cpu="target=avx512 nr=24" 2>&1 \
// RUN: | FileCheck %s --check-prefix=MULTIPLE
// RUN: not fp8-opt %s -convert-fp8-matmul-to-cpu="target=avx512 mr=16 nr=64" 2>&1 \
// RUN: | FileCheck %s --check-prefix=REGISTERS
// RUN: not fp8-opt %s -convert-fp8-matmul-to-cpu="target=amx mr=48" 2>&1 \
// RUN: | FileCheck %s --check-prefix=TILES
// RUN: not fp8-opt %s -convert-fp8-matmul-to-cpu="mc=-1" 2>&1 \
// RUN: | FileCheck %s --check-prefix=NEGATIVE
// RUN: not fp8-opt %s -convert-fp8-matmul-to-cpu="target=sse" 2>&1 \
// RUN: | FileCheck %s --check-prefix=TARGET
// RUN: not fp8-opt %s -fp8-cpu-pipeline="target=sse" 2>&1 \
// RUN: | FileCheck %s --check-prefix=TARGET
// RUN: not fp8-opt %s -convert-fp8-matmul-to-cpu="target=sm_90a" 2>&1 \
// RUN: | FileCheck %s --check-prefix=GPU
// RUN: not fp8-opt %s -fp8-cpu-pipeline="target=sm_90a" 2>&1 \
// RUN: | FileCheck %s --check-prefix=GPU

// MULTIPLE: error: convert-fp8-matmul-to-cpu: nr (24) and kc (256) must be multiples of the vector width (16), mc ({{[0-9]+}}) of mr (8) and nc ({{[0-9]+}}) of nr
// REGISTERS: error: convert-fp8-matmul-to-cpu: a 16x64 register tile needs 64 accumulator vectors; at most 32 are allowed
// TILES: error: convert-fp8-matmul-to-cpu: with target=amx, mr (48) and nr (32) must be multiples of 16 whose tiles fit the 8 tile registers (at most 32 x 32)
// NEGATIVE: error: convert-fp8-matmul-to-cpu: blocking options must be >= 0
// GPU: error: convert-fp8-matmul-to-cpu: target 'sm_90a' is not a CPU target (expected host, generic, avx512, avx512-bf16 or amx)
// TARGET: unknown target 'sse' (expected host, generic, avx512, avx512-bf16 or amx, or a GPU chip sm_<N> or sm_<N>a

func.func @f() {
  return
}
