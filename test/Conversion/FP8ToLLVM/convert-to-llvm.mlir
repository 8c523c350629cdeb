// RUN: fp8-opt %s -convert-to-llvm | FileCheck %s

// The fp8 dialect plugs into convert-to-llvm: its ops expand into integer
// vector code and !fp8.hif8 becomes i8, in one conversion.

// CHECK-LABEL: llvm.func @encode
// CHECK-SAME: (%{{.*}}: vector<8xf32>) -> vector<8xi8>
// CHECK-NOT: fp8.
// CHECK: llvm.return %{{.*}} : vector<8xi8>
func.func @encode(%x: vector<8xf32>) -> vector<8x!fp8.hif8> {
  %q = fp8.convert %x : vector<8xf32> to vector<8x!fp8.hif8>
  return %q : vector<8x!fp8.hif8>
}

// CHECK-LABEL: llvm.func @decode
// CHECK-SAME: (%{{.*}}: vector<4xi8>) -> vector<4xf32>
// CHECK-NOT: fp8.
func.func @decode(%q: vector<4xf8E4M3FN>) -> vector<4xf32> {
  %x = fp8.convert %q : vector<4xf8E4M3FN> to vector<4xf32>
  return %x : vector<4xf32>
}
