// Bad pass and pipeline options are errors that say what is wrong (the
// options each pass checks are also tested with the pass).
//
// RUN: not fp8-opt %s --fp8-gpu-pipeline="format=ptx" 2>&1 | FileCheck %s --check-prefix=FORMAT
// FORMAT: for the --format option: Cannot find option named 'ptx'!
// RUN: not fp8-opt %s --fp8-gpu-pipeline="chip=avx512" 2>&1 | FileCheck %s --check-prefix=GPU-CHIP
// GPU-CHIP: error: convert-fp8-matmul-to-gpu: 'avx512' is not a GPU chip (expected sm_<N> or sm_<N>a (e.g. sm_89, sm_90a))
// RUN: not fp8-opt %s --fp8-gpu-pipeline="chip=sm_" 2>&1 | FileCheck %s --check-prefix=CHIP-NAME
// CHIP-NAME: for the --chip option: unknown target 'sm_' (expected host, generic, avx512, avx512-bf16 or amx, or a GPU chip sm_<N> or sm_<N>a (e.g. sm_89, sm_90a))
// RUN: not fp8-opt %s --fp8-legalize="target=sm_99999999999" 2>&1 | FileCheck %s --check-prefix=CHIP-HUGE
// CHIP-HUGE: for the --target option: unknown target 'sm_99999999999'
// RUN: not fp8-opt %s --fp8-cpu-pipeline="target=" 2>&1 | FileCheck %s --check-prefix=EMPTY
// EMPTY: for the --target option: unknown target ''
// RUN: not fp8-opt %s --fp8-fold-scales="allow-reassociation=maybe" 2>&1 | FileCheck %s --check-prefix=BOOL
// BOOL: for the --allow-reassociation option: 'maybe' is invalid value for boolean argument!
// RUN: not fp8-opt %s --fp8-insert-casts="min-flops=99999999999999999999" 2>&1 | FileCheck %s --check-prefix=RANGE
// RANGE: for the --min-flops option: '99999999999999999999' value invalid for long argument!
// RUN: not fp8-opt %s --fp8-insert-casts="margin=4294967296" 2>&1 | FileCheck %s --check-prefix=MARGIN-RANGE
// MARGIN-RANGE: for the --margin option: '4294967296' value invalid for integer argument!
// RUN: not fp8-opt %s --fp8-insert-casts="scaling=block0x128" 2>&1 | FileCheck %s --check-prefix=BLOCK
// BLOCK: error: fp8-insert-casts: unknown scaling 'block0x128' (expected tensor, row, block1x128, block128x128 or mx32)
// RUN: not fp8-opt %s --fp8-insert-casts="scaling=block1x128x4" 2>&1 | FileCheck %s --check-prefix=BLOCK3
// BLOCK3: error: fp8-insert-casts: unknown scaling 'block1x128x4'
// RUN: not fp8-opt %s --fp8-insert-casts="target-max=nan" 2>&1 | FileCheck %s --check-prefix=NAN
// NAN: error: fp8-insert-casts: target-max must be a finite f32 no smaller than the smallest normal f32, got nan
// RUN: not fp8-opt %s --fp8-vectorize-elementwise="vector-size=100000000" 2>&1 | FileCheck %s --check-prefix=VECTOR
// VECTOR: error: fp8-vectorize-elementwise: vector-size must be in [1, 256], got 100000000
// RUN: not fp8-opt %s --fp8-vectorize-reductions="vector-size=64 max-vector-elements=1000000" 2>&1 | FileCheck %s --check-prefix=REDUCTION
// REDUCTION: error: fp8-vectorize-reductions: need 1 <= vector-size <= max-vector-elements <= 65536, got 64 and 1000000
// RUN: not fp8-opt %s --fp8-vectorize-contractions="tile-m=4096 tile-n=4096" 2>&1 | FileCheck %s --check-prefix=TILE
// TILE: error: fp8-vectorize-contractions: tile sizes must be >= 1, with at most 65536 elements in a tile, got 4096x4096x1
// RUN: not fp8-opt %s --fp8-vectorize-contractions="tile-m=9223372036854775807 tile-n=4" 2>&1 | FileCheck %s --check-prefix=TILE-OVERFLOW
// TILE-OVERFLOW: error: fp8-vectorize-contractions: tile sizes must be >= 1, with at most 65536 elements in a tile, got 9223372036854775807x4x1
// RUN: not fp8-opt %s --convert-fp8-matmul-to-cpu="kc=3" 2>&1 | FileCheck %s --check-prefix=BLOCKING
// BLOCKING: error: convert-fp8-matmul-to-cpu: nr (16) and kc (3) must be multiples of the vector width (8)

func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
