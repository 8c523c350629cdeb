// The timed functions of the matmul programs (bench/fp8bench/matmul_program.py),
// one fragment each, called from @main (matmul_main.mlir). noinline: each
// call is one timed call. Placeholders: $name (the function); $qmk, $qkn
// (the fp8 operands' types), $mk, $kn (the f32 operands'), $mn (the
// result's); $sa, $sb (the scales' types); $lhs_block, $rhs_block (the
// scale blocks, e.g. "1, 128").

// @fragment scaled_matmul_tensor: per-tensor scales
func.func @${name}(%qa: ${qmk}, %sa: ${sa}, %qb: ${qkn}, %sb: ${sb})
    -> ${mn} attributes {passthrough = ["noinline"]} {
  %d = fp8.scaled_matmul %qa[%sa], %qb[%sb]
      : ${qmk}[${sa}], ${qkn}[${sb}] -> ${mn}
  return %d : ${mn}
}

// @fragment scaled_matmul_blocks: block scales
func.func @${name}(%qa: ${qmk}, %sa: ${sa}, %qb: ${qkn}, %sb: ${sb})
    -> ${mn} attributes {passthrough = ["noinline"]} {
  %d = fp8.scaled_matmul %qa[%sa], %qb[%sb] {lhs_block = array<i64: ${lhs_block}>, rhs_block = array<i64: ${rhs_block}>}
      : ${qmk}[${sa}], ${qkn}[${sb}] -> ${mn}
  return %d : ${mn}
}

// @fragment f32_matmul: the f32 baseline
func.func @${name}(%a: ${mk}, %b: ${kn}) -> ${mn}
    attributes {passthrough = ["noinline"]} {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : ${mn}
  %acc = linalg.fill ins(%zero : f32) outs(%e : ${mn}) -> ${mn}
  %d = linalg.matmul ins(%a, %b : ${mk}, ${kn}) outs(%acc : ${mn}) -> ${mn}
  return %d : ${mn}
}
