// RUN: fp8-opt %s -fp8-lower-math -split-input-file | FileCheck %s

// tanh GELU's cube: multiplications (upstream's algebraic simplification).
// CHECK-LABEL: func @fpowi_cube
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK: %[[SQUARE:.*]] = arith.mulf %[[X]], %[[X]] : f32
// CHECK: %[[CUBE:.*]] = arith.mulf %[[SQUARE]], %[[X]] : f32
// CHECK: return %[[CUBE]]
func.func @fpowi_cube(%x: f32) -> f32 {
  %c3 = arith.constant 3 : i64
  %y = math.fpowi %x, %c3 : f32, i64
  return %y : f32
}

// -----

// A larger constant exponent, on a vector: square and multiply, then the
// reciprocal (upstream's expansion).
// CHECK-LABEL: func @fpowi_constant_vector
// CHECK-NOT: math.fpowi
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK: arith.divf {{.*}} : vector<16xf32>
// CHECK-NOT: math.
// CHECK: return
func.func @fpowi_constant_vector(%x: vector<16xf32>) -> vector<16xf32> {
  %c = arith.constant dense<-11> : vector<16xi32>
  %y = math.fpowi %x, %c : vector<16xf32>, vector<16xi32>
  return %y : vector<16xf32>
}

// -----

// An exponent known only at run time: powf of the magnitude (libm, exact on
// integers), with the base's sign where the exponent is odd.
// CHECK-LABEL: func @fpowi_variable
// CHECK-SAME: (%[[X:.*]]: f32, %[[N:.*]]: i64)
// CHECK-DAG: %[[NF:.*]] = arith.sitofp %[[N]] : i64 to f32
// CHECK-DAG: %[[ABS:.*]] = math.absf %[[X]] : f32
// CHECK: %[[MAG:.*]] = math.powf %[[ABS]], %[[NF]] : f32
// CHECK-DAG: %[[ODD:.*]] = arith.trunci %[[N]] : i64 to i1
// CHECK-DAG: %[[SIGNED:.*]] = math.copysign %[[MAG]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[ODD]], %[[SIGNED]], %[[MAG]] : f32
// CHECK: return %[[R]]
func.func @fpowi_variable(%x: f32, %n: i64) -> f32 {
  %y = math.fpowi %x, %n : f32, i64
  return %y : f32
}

// -----

// f16 is computed in f32.
// CHECK-LABEL: func @fpowi_variable_f16
// CHECK-SAME: (%[[X:.*]]: vector<16xf16>, %[[N:.*]]: vector<16xi32>)
// CHECK: %[[X32:.*]] = arith.extf %[[X]] : vector<16xf16> to vector<16xf32>
// CHECK: math.powf {{.*}} : vector<16xf32>
// CHECK: %[[R:.*]] = arith.select {{.*}} : vector<16xi1>, vector<16xf32>
// CHECK: %[[R16:.*]] = arith.truncf %[[R]] : vector<16xf32> to vector<16xf16>
// CHECK: return %[[R16]]
func.func @fpowi_variable_f16(%x: vector<16xf16>, %n: vector<16xi32>) -> vector<16xf16> {
  %y = math.fpowi %x, %n : vector<16xf16>, vector<16xi32>
  return %y : vector<16xf16>
}

// -----

// powf: strength-reduced for a constant exponent; otherwise left to libm,
// not expanded as exp(y * log(x)) (NaN for a negative base).
// CHECK-LABEL: func @powf
// CHECK-SAME: (%[[X:.*]]: f32, %[[Y:.*]]: f32)
// CHECK: %[[SQRT:.*]] = math.sqrt %[[X]] : f32
// CHECK: %[[POW:.*]] = math.powf %[[X]], %[[Y]] : f32
// CHECK-NOT: math.exp
// CHECK: return %[[SQRT]], %[[POW]]
func.func @powf(%x: f32, %y: f32) -> (f32, f32) {
  %half = arith.constant 0.5 : f32
  %a = math.powf %x, %half : f32
  %b = math.powf %x, %y : f32
  return %a, %b : f32, f32
}

// -----

// erf (PyTorch's default GELU): a polynomial approximation, arith only.
// CHECK-LABEL: func @erf
// CHECK-NOT: math.erf
// CHECK: math.fma
// CHECK-NOT: math.erf
// CHECK: return
func.func @erf(%x: f32) -> f32 {
  %y = math.erf %x : f32
  return %y : f32
}

// -----

// exp on a vector: below ln(2^-126) exp(x / 2)^2, so that subnormal results
// do not flush to 0; then the approximation.
// CHECK-LABEL: func @exp
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>)
// CHECK: %[[LIMIT:.*]] = arith.constant dense<-87.3365478> : vector<16xf32>
// CHECK: %[[SMALL:.*]] = arith.cmpf olt, %[[X]], %[[LIMIT]] : vector<16xf32>
// CHECK: %[[HALF:.*]] = arith.constant dense<5.000000e-01> : vector<16xf32>
// CHECK: %[[HALFX:.*]] = arith.mulf %[[X]], %[[HALF]] : vector<16xf32>
// CHECK: %[[ARG:.*]] = arith.select %[[SMALL]], %[[HALFX]], %[[X]]
// CHECK-NOT: math.exp
// The approximation's 2^k, from its exponent bits:
// CHECK: arith.bitcast {{.*}} : vector<16xi32> to vector<16xf32>
// CHECK-NEXT: %[[EXP:.*]] = arith.mulf
// CHECK-NEXT: %[[SQUARE:.*]] = arith.mulf %[[EXP]], %[[EXP]] : vector<16xf32>
// CHECK-NEXT: %[[R:.*]] = arith.select %[[SMALL]], %[[SQUARE]], %[[EXP]]
// CHECK-NEXT: return %[[R]]
func.func @exp(%x: vector<16xf32>) -> vector<16xf32> {
  %y = math.exp %x : vector<16xf32>
  return %y : vector<16xf32>
}

// -----

// log: subnormal inputs are scaled by 2^23 first, 23 ln 2 subtracted after.
// CHECK-LABEL: func @log
// CHECK-SAME: (%[[X:.*]]: f32)
// CHECK: %[[MIN:.*]] = arith.constant 1.17549435E-38 : f32
// CHECK: %[[SMALL:.*]] = arith.cmpf olt, %[[X]], %[[MIN]] : f32
// CHECK: %[[SCALE:.*]] = arith.constant 0x4B000000 : f32
// CHECK: %[[SCALED:.*]] = arith.mulf %[[X]], %[[SCALE]] : f32
// CHECK: arith.select %[[SMALL]], %[[SCALED]], %[[X]] : f32
// CHECK-NOT: math.log
// CHECK: %[[SHIFT:.*]] = arith.constant 15.9423847 : f32
// CHECK: %[[SHIFTED:.*]] = arith.subf %[[LOG:.*]], %[[SHIFT]] : f32
// CHECK: %[[R:.*]] = arith.select %[[SMALL]], %[[SHIFTED]], %[[LOG]] : f32
// CHECK: return %[[R]]
func.func @log(%x: f32) -> f32 {
  %y = math.log %x : f32
  return %y : f32
}

// -----

// f16 tanh: computed in f32 by the approximation.
// CHECK-LABEL: func @tanh_f16
// CHECK-SAME: (%[[X:.*]]: vector<16xf16>)
// CHECK: arith.extf %[[X]] : vector<16xf16> to vector<16xf32>
// CHECK-NOT: math.tanh
// CHECK: %[[R:.*]] = arith.truncf {{.*}} : vector<16xf32> to vector<16xf16>
// CHECK: return %[[R]]
func.func @tanh_f16(%x: vector<16xf16>) -> vector<16xf16> {
  %y = math.tanh %x : vector<16xf16>
  return %y : vector<16xf16>
}

// -----

// Not rewritten: f64 (LLVM or libm), sin (upstream's approximation loses
// large arguments), and math on tensors (convert it to linalg first).
// CHECK-LABEL: func @kept
// CHECK-SAME: (%[[D:.*]]: f64, %[[F:.*]]: f32, %[[T:.*]]: tensor<4xf32>)
// CHECK: math.erf %[[D]] : f64
// CHECK: math.sin %[[F]] : f32
// CHECK: math.exp %[[T]] : tensor<4xf32>
func.func @kept(%x: f64, %y: f32, %t: tensor<4xf32>) -> (f64, f32, tensor<4xf32>) {
  %a = math.erf %x : f64
  %b = math.sin %y : f32
  %c = math.exp %t : tensor<4xf32>
  return %a, %b, %c : f64, f32, tensor<4xf32>
}
