// Output that holds only upstream dialects is read by upstream mlir-opt (no
// fp8 op or type and no cast of ours left): the CPU pipeline's LLVM dialect
// for several targets, and fp8-expand / convert-fp8-to-llvm on builtin
// narrow types.
//
// RUN: fp8-opt %fp8_src_root/examples/mlp.mlir --fp8-cpu-pipeline \
// RUN:   | mlir-opt --verify-roundtrip | FileCheck %s --check-prefix=LLVM
// RUN: fp8-opt %fp8_src_root/examples/mlp-f32.mlir --fp8-insert-casts="recipe=hif8" \
// RUN:   --fp8-fold-scales --fp8-cpu-pipeline=target=avx512 \
// RUN:   | mlir-opt --verify-roundtrip | FileCheck %s --check-prefix=LLVM
// RUN: fp8-opt %fp8_src_root/examples/transformer-f32.mlir --fp8-insert-casts \
// RUN:   --fp8-cpu-pipeline=target=amx | mlir-opt --verify-roundtrip \
// RUN:   | FileCheck %s --check-prefix=LLVM
// LLVM: llvm.func @main
// LLVM-NOT: fp8.
// LLVM-NOT: unrealized_conversion_cast
//
// RUN: fp8-opt %s --fp8-expand | mlir-opt --verify-roundtrip \
// RUN:   | FileCheck %s --check-prefix=EXPAND
// RUN: fp8-opt %s --convert-fp8-to-llvm | mlir-opt --verify-roundtrip \
// RUN:   | FileCheck %s --check-prefix=EXPAND
// EXPAND-LABEL: func.func @encode
// EXPAND-NOT: fp8.
// EXPAND-LABEL: func.func @decode
// EXPAND-NOT: fp8.
// EXPAND-LABEL: func.func @arith_casts
// EXPAND-NOT: fp8.
// EXPAND-NOT: unrealized_conversion_cast

func.func @encode(%x: vector<16xf32>, %s: f32) -> (vector<16xf8E4M3FN>, vector<16xf4E2M1FN>) {
  %q = fp8.convert %x {rounding = #fp8.rounding<odd>} : vector<16xf32> to vector<16xf8E4M3FN>
  %f4 = fp8.quantize %x, %s : vector<16xf32>, f32 to vector<16xf4E2M1FN>
  return %q, %f4 : vector<16xf8E4M3FN>, vector<16xf4E2M1FN>
}

func.func @decode(%q: vector<16xf8E5M2>, %s: vector<1xf8E8M0FNU>) -> vector<16xbf16> {
  %d = fp8.dequantize %q, %s {block = array<i64: 16>} : vector<16xf8E5M2>, vector<1xf8E8M0FNU> to vector<16xbf16>
  return %d : vector<16xbf16>
}

func.func @arith_casts(%x: vector<8xf32>) -> vector<8xf32> {
  %t = arith.truncf %x : vector<8xf32> to vector<8xf8E4M3FN>
  %e = arith.extf %t : vector<8xf8E4M3FN> to vector<8xf32>
  return %e : vector<8xf32>
}
