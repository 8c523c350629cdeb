// Bad input makes fp8-opt print a diagnostic and exit non-zero (no crash).
// RUN: split-file %s %t
// RUN: not fp8-opt %t/syntax.mlir 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not fp8-opt %t/verifier.mlir 2>&1 | FileCheck %s --check-prefix=VERIFIER
// RUN: not fp8-opt %t/attribute.mlir 2>&1 | FileCheck %s --check-prefix=ATTRIBUTE

// SYNTAX: syntax.mlir:2:{{[0-9]+}}: error: expected ':'
// VERIFIER: verifier.mlir:2:{{[0-9]+}}: error: 'fp8.quantize' op scale shape [16, 2] does not match ceildiv(input shape [16, 300], block [1, 128]) = [16, 3]
// ATTRIBUTE: attribute.mlir:2:{{[0-9]+}}: error: expected ::mlir::fp8::Saturation to be one of: none, finite

//--- syntax.mlir
func.func @f(%x: f32) -> f8E4M3FN {
  %0 = fp8.convert %x f32 to f8E4M3FN
  return %0 : f8E4M3FN
}

//--- verifier.mlir
func.func @f(%x: tensor<16x300xf32>, %s: tensor<16x2xf32>) -> tensor<16x300xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>} : tensor<16x300xf32>, tensor<16x2xf32> to tensor<16x300xf8E4M3FN>
  return %q : tensor<16x300xf8E4M3FN>
}

//--- attribute.mlir
func.func @f(%x: f32) -> f8E4M3FN {
  %0 = fp8.convert %x {saturation = #fp8.saturation<clamp>} : f32 to f8E4M3FN
  return %0 : f8E4M3FN
}
