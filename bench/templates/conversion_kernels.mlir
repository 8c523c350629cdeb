// The conversion kernels (bench/fp8bench/conversion.py), one fragment each:
// a loop over vector<16x..> chunks of the arrays. Encodes take (f32 in,
// i32 random bits, i8 out), decodes (i8 in, f32 out). noinline: each kernel
// stays one loop of its own, which the timing code cannot merge with anything
// and the disassembly can find.
//
// Placeholders: $name (the function), $type (the fp8 type: f8E4M3FN,
// f8E5M2, !fp8.hif8), $rounding (an #fp8.rounding), $saturation ("" or
// ", saturation = #fp8.saturation<finite>"), $arith_rounding ("" or
// " toward_zero": arith.truncf's rounding mode).

// @fragment stream_enc: the memory-bandwidth bound of an encode (read 4 B, write 1 B)
func.func @${name}(%in: memref<?xf32>, %rb: memref<?xi32>, %out: memref<?xi8>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c16 {
    %x = vector.load %in[%i] : memref<?xf32>, vector<16xf32>
    %b = arith.bitcast %x : vector<16xf32> to vector<16xi32>
    %s = arith.constant dense<24> : vector<16xi32>
    %h = arith.shrui %b, %s : vector<16xi32>
    %c = arith.trunci %h : vector<16xi32> to vector<16xi8>
    vector.store %c, %out[%i] : memref<?xi8>, vector<16xi8>
  }
  return
}

// @fragment stream_enc_rb: the bound of a stochastic encode (read 8 B, write 1 B)
func.func @${name}(%in: memref<?xf32>, %rb: memref<?xi32>, %out: memref<?xi8>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c16 {
    %x = vector.load %in[%i] : memref<?xf32>, vector<16xf32>
    %r = vector.load %rb[%i] : memref<?xi32>, vector<16xi32>
    %b = arith.bitcast %x : vector<16xf32> to vector<16xi32>
    %a = arith.addi %b, %r : vector<16xi32>
    %s = arith.constant dense<24> : vector<16xi32>
    %h = arith.shrui %a, %s : vector<16xi32>
    %c = arith.trunci %h : vector<16xi32> to vector<16xi8>
    vector.store %c, %out[%i] : memref<?xi8>, vector<16xi8>
  }
  return
}

// @fragment stream_dec: the bound of a decode (read 1 B, write 4 B)
func.func @${name}(%in: memref<?xi8>, %out: memref<?xf32>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c16 {
    %c = vector.load %in[%i] : memref<?xi8>, vector<16xi8>
    %w = arith.extui %c : vector<16xi8> to vector<16xi32>
    %s = arith.constant dense<24> : vector<16xi32>
    %h = arith.shli %w, %s : vector<16xi32>
    %y = arith.bitcast %h : vector<16xi32> to vector<16xf32>
    vector.store %y, %out[%i] : memref<?xf32>, vector<16xf32>
  }
  return
}

// @fragment encode_fp8: f32 -> $type with fp8.convert
func.func @${name}(%in: memref<?xf32>, %rb: memref<?xi32>, %out: memref<?xi8>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c16 {
    %x = vector.load %in[%i] : memref<?xf32>, vector<16xf32>
    %q = fp8.convert %x {rounding = #fp8.rounding<${rounding}>${saturation}} : vector<16xf32> to vector<16x${type}>
    %c = fp8.bitcast %q : vector<16x${type}> to vector<16xi8>
    vector.store %c, %out[%i] : memref<?xi8>, vector<16xi8>
  }
  return
}

// @fragment encode_fp8_stochastic: the same, with random bits from %rb
func.func @${name}(%in: memref<?xf32>, %rb: memref<?xi32>, %out: memref<?xi8>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c16 {
    %x = vector.load %in[%i] : memref<?xf32>, vector<16xf32>
    %r = vector.load %rb[%i] : memref<?xi32>, vector<16xi32>
    %q = fp8.convert %x random(%r : vector<16xi32>) {rounding = #fp8.rounding<${rounding}>${saturation}} : vector<16xf32> to vector<16x${type}>
    %c = fp8.bitcast %q : vector<16x${type}> to vector<16xi8>
    vector.store %c, %out[%i] : memref<?xi8>, vector<16xi8>
  }
  return
}

// @fragment encode_arith: f32 -> $type with arith.truncf (the IR upstream lowers)
func.func @${name}(%in: memref<?xf32>, %rb: memref<?xi32>, %out: memref<?xi8>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %c16 {
    %x = vector.load %in[%i] : memref<?xf32>, vector<16xf32>
    %q = arith.truncf %x${arith_rounding} : vector<16xf32> to vector<16x${type}>
    %c = arith.bitcast %q : vector<16x${type}> to vector<16xi8>
    vector.store %c, %out[%i] : memref<?xi8>, vector<16xi8>
  }
  return
}

// @fragment decode_fp8: $type -> f32 with fp8.convert
func.func @${name}(%in: memref<?xi8>, %out: memref<?xf32>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c16 {
    %c = vector.load %in[%i] : memref<?xi8>, vector<16xi8>
    %q = fp8.bitcast %c : vector<16xi8> to vector<16x${type}>
    %y = fp8.convert %q : vector<16x${type}> to vector<16xf32>
    vector.store %y, %out[%i] : memref<?xf32>, vector<16xf32>
  }
  return
}

// @fragment decode_arith: $type -> f32 with arith.extf (the IR upstream lowers)
func.func @${name}(%in: memref<?xi8>, %out: memref<?xf32>) attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  %n = memref.dim %out, %c0 : memref<?xf32>
  scf.for %i = %c0 to %n step %c16 {
    %c = vector.load %in[%i] : memref<?xi8>, vector<16xi8>
    %q = arith.bitcast %c : vector<16xi8> to vector<16x${type}>
    %y = arith.extf %q : vector<16x${type}> to vector<16xf32>
    vector.store %y, %out[%i] : memref<?xf32>, vector<16xf32>
  }
  return
}
