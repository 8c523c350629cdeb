// RUN: fp8-opt %s -split-input-file -verify-diagnostics -fp8-verify-lowered-to-llvm | FileCheck %s

// All LLVM (NVVM intrinsics too, whose attributes may name fp8 formats):
// passes, unchanged.
// CHECK-LABEL: llvm.func @lowered
// CHECK: nvvm.convert.f32x2.to.f8x2
llvm.func @lowered(%a: f32, %b: f32) -> vector<2xi8> {
  %0 = "nvvm.convert.f32x2.to.f8x2"(%a, %b) <{dstTy = f8E4M3FN, relu = false, rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>}> : (f32, f32) -> vector<2xi8>
  llvm.return %0 : vector<2xi8>
}

// -----

// The first leftover is named at its location; a note counts the others.
llvm.func @erf(%x: vector<16xf32>) -> vector<16xf32> {
  // expected-error @below {{'math.erf' op was not lowered to the LLVM dialect}}
  // expected-note @below {{and 4 more: math.erf x2, func.func x1, func.return x1}}
  %0 = math.erf %x : vector<16xf32>
  %1 = math.erf %0 : vector<16xf32>
  %2 = math.erf %1 : vector<16xf32>
  llvm.return %2 : vector<16xf32>
}
func.func @f() {
  return
}

// -----

// An unrealized cast names the op a conversion did not convert.
llvm.func @cast(%x: !llvm.array<1 x vector<16xf32>>) -> !llvm.array<1 x vector<16xf32>> {
  // expected-error @below {{'builtin.unrealized_conversion_cast' op was not lowered to the LLVM dialect: a conversion left this cast for its user 'math.isinf', which was not converted}}
  // expected-note @below {{and 2 more: math.isinf x1, builtin.unrealized_conversion_cast x1}}
  %0 = builtin.unrealized_conversion_cast %x : !llvm.array<1 x vector<16xf32>> to vector<1x16xf32>
  %1 = math.isinf %0 : vector<1x16xf32>
  %2 = builtin.unrealized_conversion_cast %1 : vector<1x16xi1> to !llvm.array<1 x vector<16xi1>>
  llvm.return %x : !llvm.array<1 x vector<16xf32>>
}

// -----

// The LLVM dialect takes vectors of narrow floats; LLVM IR has none.
llvm.func @narrow() -> vector<2xi8> {
  // expected-error @below {{'llvm.mlir.undef' op has type 'f8E4M3FN', which LLVM IR cannot represent}}
  // expected-note @below {{and 1 more: llvm.bitcast x1}}
  %0 = llvm.mlir.undef : vector<2xf8E4M3FN>
  %1 = llvm.bitcast %0 : vector<2xf8E4M3FN> to vector<2xi8>
  llvm.return %1 : vector<2xi8>
}

// -----

// fp8 constants are translated as their bytes: no error.
// CHECK-LABEL: llvm.mlir.global internal constant @codes
llvm.mlir.global internal constant @codes(dense<[1.0, 2.0]> : tensor<2xf8E5M2>) : !llvm.array<2 x i8>
