#!/usr/bin/env python3
"""Writes the encode/decode integration test programs of test/Integration/CPU.

One program per format, encode-decode-<format>.mlir, run by
encode-decode-<format>.test: every rounding mode the format takes x both
saturations from f32 (a boundary-rich set plus random values), f16 and bf16
(every bit pattern), f64 (a smaller set), and the decode of all its codes.
The compiled code (fp8.convert on vector<16x...>, expanded by fp8-expand and
lowered to LLVM) is compared bit for bit with the numerics library by the
test runtime (test/lib/Runtime), which prints one "mismatches: N" line per
check; the program's CHECK lines expect 0 for each.

The programs pass formats and modes to the runtime as the numerics
library's enum values, which this script asks the runtime for by name.

Usage: generate-encode-decode-tests.py --runtime LIBRARY OUTPUT_DIR [FORMAT...]
  LIBRARY  the test runtime (libfp8_test_runtime.so)
  FORMAT   file stems below (default: all)
"""

import argparse
import ctypes
import os

FORMATS = [
    # (MLIR type, file stem, bit width)
    ("f8E4M3FN", "f8E4M3FN", 8),
    ("f8E5M2", "f8E5M2", 8),
    ("f8E4M3FNUZ", "f8E4M3FNUZ", 8),
    ("f8E5M2FNUZ", "f8E5M2FNUZ", 8),
    ("f8E4M3B11FNUZ", "f8E4M3B11FNUZ", 8),
    ("f8E3M4", "f8E3M4", 8),
    ("f8E4M3", "f8E4M3", 8),
    ("f8E8M0FNU", "f8E8M0FNU", 8),
    ("f6E2M3FN", "f6E2M3FN", 6),
    ("f6E3M2FN", "f6E3M2FN", 6),
    ("f4E2M1FN", "f4E2M1FN", 4),
    ("!fp8.hif8", "hif8", 8),
]
ROUNDINGS = ["nearest_even", "nearest_away", "toward_zero", "upward",
             "downward", "odd", "hybrid", "stochastic"]
SATURATIONS = ["none", "finite"]


class EnumValues:
    """The numerics library's enum values, by name, from the test runtime."""

    def __init__(self, runtime):
        library = ctypes.CDLL(runtime)
        self.lookups = {}
        for kind in ("format", "rounding", "saturation"):
            lookup = getattr(library, f"fp8rt_{kind}_value")
            lookup.argtypes = [ctypes.c_char_p]
            lookup.restype = ctypes.c_int32
            self.lookups[kind] = lookup

    def __call__(self, kind, name):
        value = self.lookups[kind](name.encode())
        if value < 0:
            raise SystemExit(f"the numerics library has no {kind} '{name}'")
        return value

BUILTIN_MODES = ["nearest_even", "nearest_away", "toward_zero", "upward",
                 "downward", "odd", "stochastic"]
HIF8_MODES = ["nearest_away", "hybrid", "nearest_even", "toward_zero",
              "stochastic"]

# Element counts (multiples of the vector width).
VECTOR = 16
F32_COUNT = 1 << 20
F64_COUNT = 1 << 16
HALF_COUNT = 1 << 16
CODE_COUNT = 256

SOURCES = {
    # name: (MLIR element type, memref element type for the runtime)
    "f32": "f32",
    "f64": "f64",
    "f16": "f16",
    "bf16": "bf16",
}


def modes_for(stem):
    return HIF8_MODES if stem == "hif8" else BUILTIN_MODES


def plan(stem):
    """(source, rounding, saturation) triples checked for a format."""
    modes = modes_for(stem)
    checks = []
    for rounding in modes:
        for saturation in SATURATIONS:
            checks.append(("f32", rounding, saturation))
    for source in ("f16", "bf16"):
        for rounding in modes:
            checks.append((source, rounding, "none"))
        checks.append((source, modes[0], "finite"))
    f64_modes = ["nearest_away", "nearest_even", "toward_zero", "stochastic"] \
        if stem == "hif8" else ["nearest_even", "toward_zero", "upward",
                                "stochastic"]
    for rounding in f64_modes:
        checks.append(("f64", rounding, "none"))
    checks.append(("f64", f64_modes[0], "finite"))
    return checks


def convert_function(mlir_type, width, source, rounding, saturation):
    name = f"encode_{source}_{rounding}_{saturation}"
    vec_in = f"vector<{VECTOR}x{source}>"
    vec_out = f"vector<{VECTOR}x{mlir_type}>"
    attrs = [f"rounding = #fp8.rounding<{rounding}>"]
    if saturation != "none":
        attrs.append(f"saturation = #fp8.saturation<{saturation}>")
    random = ""
    load_random = ""
    if rounding == "stochastic":
        load_random = (f"    %r = vector.load %rb[%i] : memref<?xi32>, "
                       f"vector<{VECTOR}xi32>\n")
        random = f" random(%r : vector<{VECTOR}xi32>)"
    if width == 8:
        to_bytes = (f"    %c = fp8.bitcast %q : {vec_out} to "
                    f"vector<{VECTOR}xi8>\n")
    else:
        to_bytes = (f"    %b = fp8.bitcast %q : {vec_out} to "
                    f"vector<{VECTOR}xi{width}>\n"
                    f"    %c = arith.extui %b : vector<{VECTOR}xi{width}> to "
                    f"vector<{VECTOR}xi8>\n")
    return f"""func.func @{name}(%in: memref<?x{source}>, %out: memref<?xi8>,
    %rb: memref<?xi32>) {{
  %c0 = arith.constant 0 : index
  %step = arith.constant {VECTOR} : index
  %n = memref.dim %in, %c0 : memref<?x{source}>
  scf.for %i = %c0 to %n step %step {{
    %x = vector.load %in[%i] : memref<?x{source}>, {vec_in}
{load_random}    %q = fp8.convert %x{random} {{{", ".join(attrs)}}}
        : {vec_in} to {vec_out}
{to_bytes}    vector.store %c, %out[%i] : memref<?xi8>, vector<{VECTOR}xi8>
  }}
  return
}}
"""


def decode_function(mlir_type, width):
    vec_in = f"vector<{VECTOR}x{mlir_type}>"
    if width == 8:
        from_bytes = (f"    %q = fp8.bitcast %c : vector<{VECTOR}xi8> to "
                      f"{vec_in}\n")
    else:
        from_bytes = (f"    %b = arith.trunci %c : vector<{VECTOR}xi8> to "
                      f"vector<{VECTOR}xi{width}>\n"
                      f"    %q = fp8.bitcast %b : vector<{VECTOR}xi{width}> "
                      f"to {vec_in}\n")
    return f"""func.func @decode(%in: memref<?xi8>, %out: memref<?xf32>) {{
  %c0 = arith.constant 0 : index
  %step = arith.constant {VECTOR} : index
  %n = memref.dim %in, %c0 : memref<?xi8>
  scf.for %i = %c0 to %n step %step {{
    %c = vector.load %in[%i] : memref<?xi8>, vector<{VECTOR}xi8>
{from_bytes}    %x = fp8.convert %q : {vec_in} to vector<{VECTOR}xf32>
    vector.store %x, %out[%i] : memref<?xf32>, vector<{VECTOR}xf32>
  }}
  return
}}
"""


RUNTIME_DECLS = """func.func private @fp8rt_fill_f32(memref<?xf32>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_f64(memref<?xf64>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_f16(memref<?xf16>)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_bf16(memref<?xbf16>)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_codes(memref<?xi8>)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_random_bits_f32(memref<?xi32>, memref<?xf32>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_random_bits_f64(memref<?xi32>, memref<?xf64>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_random_bits_f16(memref<?xi32>, memref<?xf16>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_fill_random_bits_bf16(memref<?xi32>, memref<?xbf16>, i32)
    attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_f32(memref<?xf32>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_f64(memref<?xf64>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_f16(memref<?xf16>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_encode_bf16(memref<?xbf16>, memref<?xi8>,
    memref<?xi32>, i32, i32, i32) attributes {llvm.emit_c_interface}
func.func private @fp8rt_check_decode(memref<?xi8>, memref<?xf32>, i32)
    attributes {llvm.emit_c_interface}
"""

COUNTS = {"f32": F32_COUNT, "f64": F64_COUNT, "f16": HALF_COUNT,
          "bf16": HALF_COUNT}


def main_function(format_name, values, checks):
    lines = []
    emit = lines.append
    emit("func.func @main() {")
    emit(f"  %format = arith.constant {values('format', format_name)} : i32")
    for name in ROUNDINGS:
        if any(r == name for _, r, _ in checks):
            emit(f"  %{name} = arith.constant {values('rounding', name)} : i32")
    for name in SATURATIONS:
        emit(f"  %{name} = arith.constant {values('saturation', name)} : i32")
    sources = []
    for source, _, _ in checks:
        if source not in sources:
            sources.append(source)
    for source in sources:
        count = COUNTS[source]
        emit("")
        emit(f"  %n_{source} = arith.constant {count} : index")
        emit(f"  %in_{source} = memref.alloc(%n_{source}) : memref<?x{source}>")
        emit(f"  %out_{source} = memref.alloc(%n_{source}) : memref<?xi8>")
        emit(f"  %rb_{source} = memref.alloc(%n_{source}) : memref<?xi32>")
        if source in ("f32", "f64"):
            emit(f"  call @fp8rt_fill_{source}(%in_{source}, %format)"
                 f" : (memref<?x{source}>, i32) -> ()")
        else:
            emit(f"  call @fp8rt_fill_{source}(%in_{source})"
                 f" : (memref<?x{source}>) -> ()")
        emit(f"  call @fp8rt_fill_random_bits_{source}(%rb_{source}, "
             f"%in_{source}, %format)")
        emit(f"      : (memref<?xi32>, memref<?x{source}>, i32) -> ()")
        for s, rounding, saturation in checks:
            if s != source:
                continue
            args = f"%in_{source}, %out_{source}, %rb_{source}"
            types = f"memref<?x{source}>, memref<?xi8>, memref<?xi32>"
            emit(f"  call @encode_{source}_{rounding}_{saturation}({args})")
            emit(f"      : ({types}) -> ()")
            emit(f"  call @fp8rt_check_encode_{source}({args}, %format, "
                 f"%{rounding}, %{saturation})")
            emit(f"      : ({types}, i32, i32, i32) -> ()")
        emit(f"  memref.dealloc %in_{source} : memref<?x{source}>")
        emit(f"  memref.dealloc %out_{source} : memref<?xi8>")
        emit(f"  memref.dealloc %rb_{source} : memref<?xi32>")
    emit("")
    emit(f"  %n_codes = arith.constant {CODE_COUNT} : index")
    emit("  %codes = memref.alloc(%n_codes) : memref<?xi8>")
    emit("  %decoded = memref.alloc(%n_codes) : memref<?xf32>")
    emit("  call @fp8rt_fill_codes(%codes) : (memref<?xi8>) -> ()")
    emit("  call @decode(%codes, %decoded) : (memref<?xi8>, memref<?xf32>) -> ()")
    emit("  call @fp8rt_check_decode(%codes, %decoded, %format)")
    emit("      : (memref<?xi8>, memref<?xf32>, i32) -> ()")
    emit("  memref.dealloc %codes : memref<?xi8>")
    emit("  memref.dealloc %decoded : memref<?xf32>")
    emit("  return")
    emit("}")
    return "\n".join(lines) + "\n"


def check_lines(name, checks):
    lines = []
    for source, rounding, saturation in checks:
        count = COUNTS[source]
        lines.append(f"// CHECK: encode {source} -> {name} {rounding} "
                     f"{saturation}: {count} values, mismatches: 0")
    lines.append(f"// CHECK: decode {name} -> f32: {CODE_COUNT} values, "
                 f"mismatches: 0")
    return "\n".join(lines) + "\n"


def generate(mlir_type, stem, width, values):
    checks = plan(stem)
    name = "hif8" if stem == "hif8" else mlir_type
    out = []
    out.append(f"""// GENERATED by generate-encode-decode-tests.py for encode-decode-{stem}.test.
//
// {name}: the compiled encode (fp8.convert on vectors, expanded by fp8-expand
// and lowered to LLVM) of f32 (boundary-rich and random), f16 and bf16 (every
// pattern) and f64 inputs under every rounding and saturation mode, and the
// decode of every code, against the numerics library, bit for bit.
""")
    out.append("\n")
    out.append(check_lines(name, checks))
    out.append("\n")
    out.append(RUNTIME_DECLS)
    for source, rounding, saturation in checks:
        out.append("\n")
        out.append(convert_function(mlir_type, width, source, rounding,
                                    saturation))
    out.append("\n")
    out.append(decode_function(mlir_type, width))
    out.append("\n")
    out.append(main_function(name, values, checks))
    return "".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runtime", required=True,
                        help="the test runtime library (libfp8_test_runtime)")
    parser.add_argument("directory", help="where to write the programs")
    parser.add_argument("formats", nargs="*", metavar="format",
                        help="file stems of the formats (default: all)")
    args = parser.parse_args()
    stems = [stem for _, stem, _ in FORMATS]
    for stem in args.formats:
        if stem not in stems:
            parser.error(f"unknown format {stem!r}; expected one of "
                         f"{', '.join(stems)}")
    values = EnumValues(args.runtime)
    for mlir_type, stem, width in FORMATS:
        if args.formats and stem not in args.formats:
            continue
        path = os.path.join(args.directory, f"encode-decode-{stem}.mlir")
        with open(path, "w") as f:
            f.write(generate(mlir_type, stem, width, values))


if __name__ == "__main__":
    main()
