#!/usr/bin/env python3
"""Writes the folder-vs-codegen test programs (run by folder-vs-codegen.test).

Each test case computes the same fp8 ops twice: once on constants, which
`fp8-opt -canonicalize` folds through the numerics library, and once on
function arguments, which fp8-cpu-pipeline compiles to code. `main` compares
the two results bit for bit and prints the number of mismatches; the tests
check it is 0. This is the "folder and generated code agree bit for bit"
check on tensors, with block scales, every format and every mode.

  generate-folder-vs-codegen-tests.py OUTPUT_DIR
"""
import math
import re
import random
import struct
import sys

FORMATS = {
    # name: (mlir type, bits, rounding modes beyond the default)
    "e4m3fn": ("f8E4M3FN", 8, ["toward_zero", "upward", "odd", "nearest_away"]),
    "e5m2": ("f8E5M2", 8, ["downward", "odd"]),
    "e4m3fnuz": ("f8E4M3FNUZ", 8, ["toward_zero", "upward"]),
    "e5m2fnuz": ("f8E5M2FNUZ", 8, ["nearest_away", "downward"]),
    "e4m3b11fnuz": ("f8E4M3B11FNUZ", 8, ["odd"]),
    "e3m4": ("f8E3M4", 8, ["upward", "toward_zero"]),
    "e4m3": ("f8E4M3", 8, ["downward", "odd"]),
    "e8m0fnu": ("f8E8M0FNU", 8, ["upward", "toward_zero"]),
    "e2m3fn": ("f6E2M3FN", 6, ["nearest_away", "odd"]),
    "e3m2fn": ("f6E3M2FN", 6, ["downward", "toward_zero"]),
    "e2m1fn": ("f4E2M1FN", 4, ["upward", "odd"]),
    "hif8": ("!fp8.hif8", 8, ["hybrid", "toward_zero", "nearest_even"]),
}

ROWS, COLS, BLOCK = 8, 32, 16  # scale shape [8, 2]


def f32_hex(v):
    return "0x%08X" % struct.unpack("<I", struct.pack("<f", v))[0]


def f32_literal(v):
    if math.isnan(v) or math.isinf(v) or v == 0.0 and math.copysign(1, v) < 0:
        return f32_hex(v)
    return repr(struct.unpack("<f", struct.pack("<f", v))[0])


def dense(rows):
    return "[" + ", ".join("[" + ", ".join(rows[r]) + "]" for r in range(len(rows))) + "]"


def hex_f32(rows):
    """The raw little-endian form MLIR accepts: dense<"0x...">."""
    data = b"".join(struct.pack("<f", v) for row in rows for v in row)
    return '"0x%s"' % data.hex().upper()


def hex_i32(rows):
    data = b"".join(struct.pack("<i", v) for row in rows for v in row)
    return '"0x%s"' % data.hex().upper()


def inputs(rng):
    specials = [0.0, -0.0, float("inf"), float("-inf"), float("nan"),
                1e-45, -1e-45, 1.17549435e-38, 3.4e38, -3.4e38, 1.0, -1.0,
                0.5, 448.0, 464.0, 480.0, 57344.0, 61440.0, 32768.0, 40960.0,
                2.0 ** -22, 2.0 ** -23, 3 * 2.0 ** -23, 2.0 ** -24, 6.0, 7.0]
    values = []
    for r in range(ROWS):
        row = []
        for c in range(COLS):
            i = r * COLS + c
            if i < len(specials):
                v = specials[i]
            else:
                # Magnitudes over many binades, so each format sees its
                # subnormals, normals and overflow.
                v = rng.choice([-1, 1]) * 2.0 ** rng.uniform(-30, 20)
            row.append(v)
        values.append(row)
    return values


def scales(rng):
    # Powers of two and arbitrary values, one per 1x16 block.
    return [[rng.choice([1.0, 0.5, 4.0, 0.1, 3.0, 2.0 ** -10, 1000.0])
             for _ in range(COLS // BLOCK)] for _ in range(ROWS)]


def int_type(bits):
    return "i%d" % bits


def quantize_case(name, fmt, rounding, saturation, rng):
    mlir_type, bits, _ = FORMATS[fmt]
    x = inputs(rng)
    s = scales(rng)
    attrs = ["block = array<i64: 1, %d>" % BLOCK]
    if rounding:
        attrs.append("rounding = #fp8.rounding<%s>" % rounding)
    if saturation:
        attrs.append("saturation = #fp8.saturation<finite>")
    stochastic = rounding == "stochastic"
    bits_rows = [[rng.randrange(-2 ** 31, 2 ** 31) for _ in range(COLS)]
                 for _ in range(ROWS)] if stochastic else None
    shape = "%dx%d" % (ROWS, COLS)
    qtype = "tensor<%sx%s>" % (shape, mlir_type)
    itype = "tensor<%sx%s>" % (shape, int_type(bits))
    rand = " random(%%r : tensor<%sxi32>)" % shape if stochastic else ""
    body = (
        "  %%q = fp8.quantize %%x, %%s%s {%s}\n"
        "      : tensor<%sxf32>, tensor<%dx%dxf32> to %s\n"
        "  %%b = fp8.bitcast %%q : %s to %s\n"
        "  return %%b : %s\n" % (rand, ", ".join(attrs), shape, ROWS,
                                 COLS // BLOCK, qtype, qtype, itype, itype))
    consts = (
        "  %%x = arith.constant dense<%s> : tensor<%sxf32>\n"
        "  %%s = arith.constant dense<%s> : tensor<%dx%dxf32>\n" %
        (hex_f32(x), shape, hex_f32(s), ROWS, COLS // BLOCK))
    if stochastic:
        consts += "  %%r = arith.constant dense<%s> : tensor<%sxi32>\n" % (
            hex_i32(bits_rows), shape)
    args = "%%x: tensor<%sxf32>, %%s: tensor<%dx%dxf32>" % (shape, ROWS,
                                                          COLS // BLOCK)
    call_args, call_types = "%x, %s", "tensor<%sxf32>, tensor<%dx%dxf32>" % (
        shape, ROWS, COLS // BLOCK)
    if stochastic:
        args += ", %%r: tensor<%sxi32>" % shape
        call_args += ", %r"
        call_types += ", tensor<%sxi32>" % shape
    return emit_case(name, consts, args, body, call_args, call_types, itype)


def dequantize_case(name, fmt, rng):
    mlir_type, bits, _ = FORMATS[fmt]
    codes = 1 << bits
    cols = max(codes // 16, 1) * 16 if codes >= 16 else 16
    rows = max(codes // 16, 1)
    shape = "%dx16" % rows
    c = [[str((r * 16 + i) % codes - (codes if (r * 16 + i) % codes >= codes // 2 else 0))
          for i in range(16)] for r in range(rows)]
    s = [[f32_literal(rng.choice([1.0, 0.25, 3.0, 1e-3, 2.0 ** 20]))] for _ in range(rows)]
    qtype = "tensor<%sx%s>" % (shape, mlir_type)
    ctype = "tensor<%sx%s>" % (shape, int_type(bits))
    consts = ("  %%c = arith.constant dense<%s> : %s\n"
              "  %%s = arith.constant dense<%s> : tensor<%dx1xf32>\n" %
              (dense(c), ctype, dense(s), rows))
    body = ("  %%q = fp8.bitcast %%c : %s to %s\n"
            "  %%x = fp8.dequantize %%q, %%s {block = array<i64: 1, 16>}\n"
            "      : %s, tensor<%dx1xf32> to tensor<%sxf32>\n"
            "  %%b = arith.bitcast %%x : tensor<%sxf32> to tensor<%sxi32>\n"
            "  return %%b : tensor<%sxi32>\n" %
            (ctype, qtype, qtype, rows, shape, shape, shape, shape))
    return emit_case(name, consts, "%%c: %s, %%s: tensor<%dx1xf32>" % (ctype, rows),
                     body, "%c, %s", "%s, tensor<%dx1xf32>" % (ctype, rows),
                     "tensor<%sxi32>" % shape)


def amax_scale_case(name, fmt, rng):
    mlir_type, _, _ = FORMATS[fmt]
    x = inputs(rng)
    shape = "%dx%d" % (ROWS, COLS)
    sshape = "%dx%d" % (ROWS, COLS // BLOCK)
    consts = "  %%x = arith.constant dense<%s> : tensor<%sxf32>\n" % (
        hex_f32(x), shape)
    body = ("  %%a = fp8.amax %%x {block = array<i64: 1, %d>} : tensor<%sxf32> -> tensor<%sxf32>\n"
            "  %%s = fp8.compute_scale %%a {format = %s, margin = 1 : i32} : tensor<%sxf32> -> tensor<%sxf32>\n"
            "  %%p = fp8.compute_scale %%a {format = %s, pow2} : tensor<%sxf32> -> tensor<%sxf32>\n"
            "  %%e = fp8.compute_scale %%a {format = %s} : tensor<%sxf32> -> tensor<%sxf8E8M0FNU>\n"
            "  %%ai = arith.bitcast %%a : tensor<%sxf32> to tensor<%sxi32>\n"
            "  %%si = arith.bitcast %%s : tensor<%sxf32> to tensor<%sxi32>\n"
            "  %%pi = arith.bitcast %%p : tensor<%sxf32> to tensor<%sxi32>\n"
            "  %%ei8 = fp8.bitcast %%e : tensor<%sxf8E8M0FNU> to tensor<%sxi8>\n"
            "  %%ei = arith.extui %%ei8 : tensor<%sxi8> to tensor<%sxi32>\n"
            "  %%all = tensor.empty() : tensor<4x%sxi32>\n"
            "  %%r0 = tensor.insert_slice %%ai into %%all[0, 0, 0] [1, %d, %d] [1, 1, 1] : tensor<%sxi32> into tensor<4x%sxi32>\n"
            "  %%r1 = tensor.insert_slice %%si into %%r0[1, 0, 0] [1, %d, %d] [1, 1, 1] : tensor<%sxi32> into tensor<4x%sxi32>\n"
            "  %%r2 = tensor.insert_slice %%pi into %%r1[2, 0, 0] [1, %d, %d] [1, 1, 1] : tensor<%sxi32> into tensor<4x%sxi32>\n"
            "  %%r3 = tensor.insert_slice %%ei into %%r2[3, 0, 0] [1, %d, %d] [1, 1, 1] : tensor<%sxi32> into tensor<4x%sxi32>\n"
            "  return %%r3 : tensor<4x%sxi32>\n" % (
                BLOCK, shape, sshape, mlir_type, sshape, sshape, mlir_type,
                sshape, sshape, mlir_type, sshape, sshape, sshape, sshape,
                sshape, sshape, sshape, sshape, sshape, sshape, sshape,
                sshape, sshape,
                ROWS, COLS // BLOCK, sshape, sshape,
                ROWS, COLS // BLOCK, sshape, sshape,
                ROWS, COLS // BLOCK, sshape, sshape,
                ROWS, COLS // BLOCK, sshape, sshape, sshape))
    return emit_case(name, consts, "%%x: tensor<%sxf32>" % shape, body, "%x",
                     "tensor<%sxf32>" % shape, "tensor<4x%sxi32>" % sshape)


AMAX_COUNT = 4096


def random_amaxes(rng):
    """Random float32 bit patterns (every binade, subnormals, Inf, NaN, both
    signs) after the special values."""
    specials = [0.0, -0.0, float("inf"), float("-inf"), float("nan"), 1e-45,
                1.17549435e-38, 3.4028234663852886e38, 15.0, 8.0, 448.0,
                7.5, 16.0, 30.0, 1.76e-37, 1.8e-37, 0.1, 1.0]
    values = []
    for i in range(AMAX_COUNT):
        if i < len(specials):
            values.append(specials[i])
        else:
            bits = rng.getrandbits(32)
            values.append(struct.unpack("<f", struct.pack("<I", bits))[0])
    return values


def compute_scale_case(name, attrs, e8m0, rng):
    """fp8.compute_scale {attrs} on AMAX_COUNT random amaxes, as i32 bits."""
    n = AMAX_COUNT
    data = b"".join(struct.pack("<f", v) for v in random_amaxes(rng))
    consts = '  %%a = arith.constant dense<"0x%s"> : tensor<%dxf32>\n' % (
        data.hex().upper(), n)
    if e8m0:
        body = ("  %%s = fp8.compute_scale %%a {%s} : tensor<%dxf32> -> tensor<%dxf8E8M0FNU>\n"
                "  %%c = fp8.bitcast %%s : tensor<%dxf8E8M0FNU> to tensor<%dxi8>\n"
                "  %%b = arith.extui %%c : tensor<%dxi8> to tensor<%dxi32>\n" %
                (attrs, n, n, n, n, n, n))
    else:
        body = ("  %%s = fp8.compute_scale %%a {%s} : tensor<%dxf32> -> tensor<%dxf32>\n"
                "  %%b = arith.bitcast %%s : tensor<%dxf32> to tensor<%dxi32>\n" %
                (attrs, n, n, n, n))
    body += "  return %%b : tensor<%dxi32>\n" % n
    return emit_case(name, consts, "%%a: tensor<%dxf32>" % n, body, "%a",
                     "tensor<%dxf32>" % n, "tensor<%dxi32>" % n)


# fp8.compute_scale attributes, each run with an f32 result, with pow2 and
# with an f8E8M0FNU result: margins and target_max values that are not powers
# of two, down to the smallest normal f32 (every quotient clamps to FLT_MAX).
COMPUTE_SCALE_CASES = {
    "hif8_margin12": "format = !fp8.hif8, margin = 12 : i32",
    "hif8_target15": "format = !fp8.hif8, target_max = 1.5e+01 : f32",
    "e4m3fn_target448": "format = f8E4M3FN, target_max = 4.48e+02 : f32",
    "e4m3fn_target0p1": "format = f8E4M3FN, target_max = 1.0e-01 : f32",
    "e5m2_target3p3": "format = f8E5M2, target_max = 3.3 : f32",
    "e2m1fn_target_min": "format = f4E2M1FN, target_max = 1.17549435E-38 : f32",
    "e2m1fn_margin_m3": "format = f4E2M1FN, margin = -3 : i32",
}


def emit_case(name, consts, args, body, call_args, call_types, result_type):
    rank = result_type.count("x")
    ints = result_type[result_type.rindex("x") + 1:-1]
    dims = ", ".join("d%d" % i for i in range(rank))
    return {
        "name": name,
        "text": (
            "func.func @%s_folded() -> %s {\n%s%s}\n\n"
            "func.func @%s_compiled(%s) -> %s {\n%s}\n\n" %
            (name, result_type, consts, body, name, args, result_type, body)),
        # SSA names in main are prefixed with the case's name.
        "main": re.sub(r"%([a-z]\w*)", r"%%%s_\1" % name, (
            "  %%want = func.call @%s_folded() : () -> %s\n"
            "%s"
            "  %%have = func.call @%s_compiled(%s) : (%s) -> %s\n"
            "  %%n = func.call @mismatches_%s(%%want, %%have) : (%s, %s) -> i64\n"
            "  vector.print str \"%s mismatches: \"\n"
            "  vector.print %%n : i64\n" % (name, result_type, consts, name,
                                            call_args, call_types, result_type,
                                            type_id(result_type), result_type,
                                            result_type, name))),
        "mismatch_key": (ints, rank, result_type),
    }


def type_id(result_type):
    return re.sub(r"\W", "_", result_type)


def mismatch_function(ints, rank, result_type):
    dims = ", ".join("d%d" % i for i in range(rank))
    return (
        "func.func @mismatches_%s(%%a: %s, %%b: %s) -> i64 {\n"
        "  %%zero = arith.constant 0 : i64\n"
        "  %%init = tensor.empty() : tensor<i64>\n"
        "  %%acc = linalg.fill ins(%%zero : i64) outs(%%init : tensor<i64>) -> tensor<i64>\n"
        "  %%count = linalg.generic {indexing_maps = [affine_map<(%s) -> (%s)>, affine_map<(%s) -> (%s)>, affine_map<(%s) -> ()>],\n"
        "                           iterator_types = [%s]}\n"
        "      ins(%%a, %%b : %s, %s) outs(%%acc : tensor<i64>) {\n"
        "  ^bb0(%%x: %s, %%y: %s, %%c: i64):\n"
        "    %%ne = arith.cmpi ne, %%x, %%y : %s\n"
        "    %%one = arith.extui %%ne : i1 to i64\n"
        "    %%sum = arith.addi %%c, %%one : i64\n"
        "    linalg.yield %%sum : i64\n"
        "  } -> tensor<i64>\n"
        "  %%n = tensor.extract %%count[] : tensor<i64>\n"
        "  return %%n : i64\n"
        "}\n\n" % (type_id(result_type), result_type, result_type, dims, dims, dims,
                   dims, dims, ", ".join(['"reduction"'] * rank), result_type,
                   result_type, ints, ints, ints))


HEADER = """// Generated by generate-folder-vs-codegen-tests.py.

%s
func.func @main() {
%s  return
}
"""


def write(path, cases):
    funcs = "".join(c["text"] for c in cases)
    keys = {c["mismatch_key"][2]: c["mismatch_key"] for c in cases}
    funcs += "".join(mismatch_function(*k) for k in keys.values())
    main = "".join(c["main"] for c in cases)
    checks = "".join("// CHECK: %s mismatches: 0\n" % c["name"] for c in cases)
    with open(path, "w") as f:
        f.write(HEADER % (checks + "\n" + funcs, main))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    rng = random.Random(2026)
    quantize = []
    for fmt, (_, _, modes) in FORMATS.items():
        for rounding in [None] + modes + ["stochastic"]:
            for saturation in (False, True):
                if rounding not in (None, modes[0]) and saturation:
                    continue
                name = "quantize_%s_%s%s" % (fmt, rounding or "default",
                                              "_sat" if saturation else "")
                quantize.append(quantize_case(name, fmt, rounding, saturation, rng))
    write("%s/folder-vs-codegen-quantize.mlir" % out, quantize)
    others = [dequantize_case("dequantize_%s" % fmt, fmt, rng) for fmt in FORMATS]
    others += [amax_scale_case("amax_scale_%s" % fmt, fmt, rng) for fmt in FORMATS]
    write("%s/folder-vs-codegen-scaling.mlir" % out, others)
    scales = []
    for name, attrs in COMPUTE_SCALE_CASES.items():
        scales.append(compute_scale_case("scale_%s" % name, attrs, False, rng))
        scales.append(compute_scale_case("scale_%s_pow2" % name,
                                         attrs + ", pow2", False, rng))
        scales.append(compute_scale_case("scale_%s_e8m0" % name, attrs, True,
                                         rng))
    write("%s/folder-vs-codegen-compute-scale.mlir" % out, scales)


if __name__ == "__main__":
    main()
