"""No input to the fp8mlir package takes the interpreter down: zero-sized
tensors compile and run on every CPU target, the JIT checks argument sizes
against each other before calling compiled code, deeply nested text is
refused, and bad values get an exception in the package's words."""

import os

import numpy as np
import pytest

import fp8mlir


def _cpu_flags():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return set(next((line.split(":", 1)[1].split() for line in cpuinfo
                             if line.startswith("flags")), []))
    except OSError:
        return set()


def _runnable_targets():
    """The CPU targets whose code this CPU runs."""
    flags = _cpu_flags()
    targets = ["generic"]
    if {"avx512f", "avx512bw"} <= flags:
        targets.append("avx512")
        if "avx512_bf16" in flags:
            targets.append("avx512-bf16")
        if {"amx_tile", "amx_bf16"} <= flags:
            targets.append("amx")
    return targets


TARGETS = _runnable_targets()

# ---------------------------------------------------------------------------
# Zero-sized tensors
# ---------------------------------------------------------------------------

ZERO = """
func.func @quantize(%x: tensor<0x16xf32>, %s: f32) -> tensor<0x16xf8E4M3FN> {
  %q = fp8.quantize %x, %s : tensor<0x16xf32>, f32 to tensor<0x16xf8E4M3FN>
  return %q : tensor<0x16xf8E4M3FN>
}
func.func @dynamic(%x: tensor<?x16xf32>, %s: f32) -> (tensor<?x16xf8E5M2>, tensor<?x16xf32>, f32) {
  %q = fp8.quantize %x, %s : tensor<?x16xf32>, f32 to tensor<?x16xf8E5M2>
  %d = fp8.dequantize %q, %s : tensor<?x16xf8E5M2>, f32 to tensor<?x16xf32>
  %a = fp8.amax %x : tensor<?x16xf32> -> f32
  return %q, %d, %a : tensor<?x16xf8E5M2>, tensor<?x16xf32>, f32
}
func.func @blocked(%x: tensor<0x32xf32>) -> (tensor<0x32xf8E4M3FN>, tensor<0x1xf32>) {
  %a = fp8.amax %x {block = array<i64: 1, 32>} : tensor<0x32xf32> -> tensor<0x1xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN} : tensor<0x1xf32> -> tensor<0x1xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 32>} : tensor<0x32xf32>, tensor<0x1xf32> to tensor<0x32xf8E4M3FN>
  return %q, %s : tensor<0x32xf8E4M3FN>, tensor<0x1xf32>
}
func.func @amax(%x: tensor<4x0xf32>) -> f32 {
  %a = fp8.amax %x : tensor<4x0xf32> -> f32
  return %a : f32
}
func.func @elementwise(%x: tensor<0x16xf32>, %y: tensor<?x0xf32>) -> (tensor<0x16xf32>, tensor<?x0xf8E5M2>) {
  %a = arith.addf %x, %x : tensor<0x16xf32>
  %t = arith.truncf %y : tensor<?x0xf32> to tensor<?x0xf8E5M2>
  return %a, %t : tensor<0x16xf32>, tensor<?x0xf8E5M2>
}
func.func @matmul_m0(%a: tensor<0x32xf8E4M3FN>, %b: tensor<32x16xf8E4M3FN>, %s: f32) -> tensor<0x16xf32> {
  %r = fp8.scaled_matmul %a[%s], %b[%s] : tensor<0x32xf8E4M3FN>[f32], tensor<32x16xf8E4M3FN>[f32] -> tensor<0x16xf32>
  return %r : tensor<0x16xf32>
}
func.func @matmul_n0(%a: tensor<8x32xf8E4M3FN>, %b: tensor<32x0xf8E4M3FN>, %s: f32) -> tensor<8x0xf32> {
  %r = fp8.scaled_matmul %a[%s], %b[%s] : tensor<8x32xf8E4M3FN>[f32], tensor<32x0xf8E4M3FN>[f32] -> tensor<8x0xf32>
  return %r : tensor<8x0xf32>
}
func.func @matmul_k0(%a: tensor<8x0xf8E4M3FN>, %b: tensor<0x16xf8E4M3FN>, %s: f32, %bias: tensor<16xf32>) -> (tensor<8x16xf32>, f32) {
  %r, %amax = fp8.scaled_matmul %a[%s], %b[%s] bias(%bias : tensor<16xf32>) : tensor<8x0xf8E4M3FN>[f32], tensor<0x16xf8E4M3FN>[f32] -> tensor<8x16xf32>, f32
  return %r, %amax : tensor<8x16xf32>, f32
}
func.func @matmul_k_dynamic(%a: tensor<?x?xf8E4M3FN>, %b: tensor<?x?xf8E4M3FN>, %s: f32) -> tensor<?x?xf32> {
  %r = fp8.scaled_matmul %a[%s], %b[%s] : tensor<?x?xf8E4M3FN>[f32], tensor<?x?xf8E4M3FN>[f32] -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
"""


@pytest.mark.parametrize("target", TARGETS)
def test_zero_sized_tensors_run(target):
    exe = fp8mlir.jit(ZERO, pipeline=f"fp8-cpu-pipeline{{target={target}}}")
    s = np.float32(2.0)
    q = exe.quantize(np.zeros((0, 16), np.float32), s)
    assert q.shape == (0, 16) and q.dtype == np.uint8

    for rows in (0, 3):
        x = np.arange(rows * 16, dtype=np.float32).reshape(rows, 16)
        q, d, a = exe.dynamic(x, s)
        assert q.shape == d.shape == (rows, 16)
        assert np.array_equal(q, fp8mlir.encode(x / s, "f8E5M2"))
        assert a == (np.abs(x).max() if rows else 0.0)

    q, scales = exe.blocked(np.zeros((0, 32), np.float32))
    assert q.shape == (0, 32) and scales.shape == (0, 1)
    assert exe.amax(np.zeros((4, 0), np.float32)) == 0.0
    a, t = exe.elementwise(np.zeros((0, 16), np.float32),
                           np.zeros((5, 0), np.float32))
    assert a.shape == (0, 16) and t.shape == (5, 0)

    one = np.float32(1.0)
    assert exe.matmul_m0(np.zeros((0, 32), np.uint8),
                         np.zeros((32, 16), np.uint8), one).shape == (0, 16)
    assert exe.matmul_n0(np.zeros((8, 32), np.uint8),
                         np.zeros((32, 0), np.uint8), one).shape == (8, 0)
    # K = 0: no products, so zeros plus the bias (not uninitialized memory).
    bias = np.arange(16, dtype=np.float32) - 4
    result, amax = exe.matmul_k0(np.zeros((8, 0), np.uint8),
                                 np.zeros((0, 16), np.uint8), one, bias)
    assert np.array_equal(result, np.broadcast_to(bias, (8, 16)))
    assert amax == 11.0
    for m, k, n in ((0, 4, 5), (3, 0, 5), (3, 4, 0), (3, 0, 0)):
        r = exe.matmul_k_dynamic(np.zeros((m, k), np.uint8),
                                 np.zeros((k, n), np.uint8), one)
        assert r.shape == (m, n)
        assert not r.any()


# ---------------------------------------------------------------------------
# Dynamic sizes are checked before the call
# ---------------------------------------------------------------------------

DYNAMIC = """
func.func @matmul(%a: tensor<?x?xf8E4M3FN>, %sa: tensor<?x?xf32>, %b: tensor<?x?xf8E4M3FN>, %sb: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 32>, rhs_block = array<i64: 32, 1>}
      : tensor<?x?xf8E4M3FN>[tensor<?x?xf32>], tensor<?x?xf8E4M3FN>[tensor<?x?xf32>] -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
func.func @batch(%a: tensor<?x4x?xf8E4M3FN>, %b: tensor<?x?x8xf8E4M3FN>, %s: f32) -> tensor<?x4x8xf32> {
  %r = fp8.scaled_matmul %a[%s], %b[%s] : tensor<?x4x?xf8E4M3FN>[f32], tensor<?x?x8xf8E4M3FN>[f32] -> tensor<?x4x8xf32>
  return %r : tensor<?x4x8xf32>
}
func.func @add(%x: tensor<?xf32>, %y: tensor<?xf32>) -> tensor<?xf32> {
  %z = arith.addf %x, %y : tensor<?xf32>
  return %z : tensor<?xf32>
}
func.func @static_partner(%x: tensor<?xf32>, %y: tensor<16xf32>) -> tensor<16xf32> {
  %c = tensor.cast %x : tensor<?xf32> to tensor<16xf32>
  %z = arith.addf %c, %y : tensor<16xf32>
  return %z : tensor<16xf32>
}
func.func @quantize(%x: tensor<?x?xf32>, %s: tensor<?x?xf32>) -> tensor<?x?xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 32>} : tensor<?x?xf32>, tensor<?x?xf32> to tensor<?x?xf8E4M3FN>
  return %q : tensor<?x?xf8E4M3FN>
}
"""


@pytest.fixture(scope="module")
def dynamic():
    return fp8mlir.jit(DYNAMIC, pipeline="fp8-cpu-pipeline{target=generic}")


def test_dynamic_sizes_that_fit(dynamic):
    a = fp8mlir.encode(np.ones((4, 64)), "f8E4M3FN")
    b = fp8mlir.encode(np.ones((64, 8)), "f8E4M3FN")
    r = dynamic.matmul(a, np.ones((4, 2), np.float32), b,
                       np.ones((2, 8), np.float32))
    assert np.array_equal(r, np.full((4, 8), 64, np.float32))
    # A ragged K: ceildiv(40, 32) = 2 scale blocks.
    r = dynamic.matmul(a[:, :40], np.ones((4, 2), np.float32), b[:40],
                       np.ones((2, 8), np.float32))
    assert np.array_equal(r, np.full((4, 8), 40, np.float32))
    assert dynamic.add(np.ones(5, np.float32),
                       np.ones(5, np.float32)).tolist() == [2.0] * 5


@pytest.mark.parametrize("call, message", [
    # K of the lhs differs from K of the rhs.
    (lambda f: f.matmul(np.zeros((4, 64), np.uint8), np.ones((4, 2), np.float32),
                        np.zeros((65, 8), np.uint8), np.ones((3, 8), np.float32)),
     r"argument #2 dimension 0 \(of shape \(65, 8\)\) is 65, but argument #0 "
     r"dimension 1 \(of shape \(4, 64\)\) is 64"),
    (lambda f: f.matmul(np.zeros((4, 64), np.uint8), np.ones((4, 2), np.float32),
                        np.zeros((6400, 8), np.uint8), np.ones((200, 8), np.float32)),
     r"argument #2 dimension 0 .* is 6400, but argument #0 dimension 1 .* is 64"),
    # A scale array smaller than ceildiv(shape, block), or empty.
    (lambda f: f.matmul(np.zeros((4, 64), np.uint8), np.ones((4, 1), np.float32),
                        np.zeros((64, 8), np.uint8), np.ones((2, 8), np.float32)),
     r"the scale size argument #1 dimension 1 .* = 1 should be ceildiv\("
     r"argument #0 dimension 1 .* = 64, block 32\) = 2"),
    (lambda f: f.matmul(np.zeros((4, 64), np.uint8), np.ones((0, 2), np.float32),
                        np.zeros((64, 8), np.uint8), np.ones((2, 8), np.float32)),
     r"argument #1 dimension 0 .* is 0, but argument #0 dimension 0 .* is 4"),
    (lambda f: f.matmul(np.zeros((4, 64), np.uint8), np.ones((4, 2), np.float32),
                        np.zeros((64, 8), np.uint8), np.ones((2, 7), np.float32)),
     r"argument #3 dimension 1 .* is 7, but argument #2 dimension 1 .* is 8"),
    # Batch sizes.
    (lambda f: f.batch(np.zeros((2, 4, 16), np.uint8),
                       np.zeros((3, 16, 8), np.uint8), np.float32(1)),
     r"argument #1 dimension 0 .* is 3, but argument #0 dimension 0 .* is 2"),
    (lambda f: f.batch(np.zeros((2, 4, 16), np.uint8),
                       np.zeros((2, 17, 8), np.uint8), np.float32(1)),
     r"argument #1 dimension 1 .* is 17, but argument #0 dimension 2 .* is 16"),
    (lambda f: f.add(np.ones(5, np.float32), np.ones(6, np.float32)),
     r"argument #1 dimension 0 .* is 6, but argument #0 dimension 0 .* is 5"),
    (lambda f: f.static_partner(np.ones(5, np.float32), np.ones(16, np.float32)),
     r"argument #0 dimension 0 .* is 5, but the function needs 16"),
    (lambda f: f.quantize(np.ones((4, 64), np.float32),
                          np.ones((4, 3), np.float32)),
     r"the scale size argument #1 dimension 1 .* = 3 should be ceildiv\("
     r"argument #0 dimension 1 .* = 64, block 32\) = 2"),
])
def test_dynamic_size_mismatches_raise(dynamic, call, message):
    with pytest.raises(ValueError, match=message):
        call(dynamic)


def test_private_invoke_checks_element_sizes(dynamic):
    """The extension's own entry point checks byte sizes too: float32 data
    in a one-byte element argument is refused, not read past its end."""
    raw = dynamic._executable
    with pytest.raises(ValueError, match=r"argument #0: expected elements of "
                       r"4 bytes \(f32\), got 1"):
        raw.invoke("add", [np.zeros(4, np.uint8), np.zeros(4, np.uint32)])
    with pytest.raises(ValueError, match=r"argument #0: expected shape"):
        raw.invoke("add", [np.zeros((2, 2), np.uint32),
                           np.zeros(4, np.uint32)])
    with pytest.raises(ValueError, match=r"argument #1 dimension 0 .* is 3"):
        raw.invoke("add", [np.zeros(4, np.uint32), np.zeros(3, np.uint32)])


# ---------------------------------------------------------------------------
# Text that would overflow the parsers' stack
# ---------------------------------------------------------------------------

def _nested_attr(depth):
    return ("module attributes {test.a = " + "[" * depth + "1" + "]" * depth
            + "} {}")


@pytest.mark.parametrize("source", [
    "[" * 100000,
    _nested_attr(fp8mlir.MAX_NESTING_DEPTH + 1),
    "func.func @f() {" + "scf.execute_region {" * 5000,
    "#map = affine_map<(d0) -> (" + "(" * 100000 + "d0",
    "#map = affine_map<(d0) -> (" + "- " * 100000 + "d0)>",
    "!t = " + "tensor<" * 100000,
])
def test_deep_nesting_is_refused(source):
    with pytest.raises(fp8mlir.MLIRError,
                       match="nests brackets deeper than 1000 levels"):
        fp8mlir.parse(source)


def test_long_affine_sums_are_refused():
    terms = " + ".join(["d0"] * 200000)
    with pytest.raises(fp8mlir.MLIRError, match="chains more than 10000"):
        fp8mlir.parse(f"#map = affine_map<(d0) -> ({terms})>\n"
                      "module attributes {test.m = #map} {}")
    terms = " + ".join(["d0"] * 5000)
    fp8mlir.parse(f"#map = affine_map<(d0) -> ({terms})>\n"
                  "module attributes {test.m = #map} {}")


def test_nesting_up_to_the_limit_parses():
    module = fp8mlir.parse(_nested_attr(fp8mlir.MAX_NESTING_DEPTH - 2))
    assert str(module).count("[") == fp8mlir.MAX_NESTING_DEPTH - 2


def test_deep_pipelines_are_refused():
    deep = "builtin.module(" * 100000
    with pytest.raises(fp8mlir.MLIRError, match="nests brackets deeper"):
        fp8mlir.run_pipeline("module {}", deep)
    with pytest.raises(fp8mlir.MLIRError, match="nests brackets deeper"):
        fp8mlir.jit("module {}", pipeline=deep)


def test_dense_array_of_index_is_an_error():
    """Upstream's parser crashes on `array<index: ...>`; fp8mlir refuses it
    (utils/fuzz/KNOWN_ISSUES.md)."""
    for source in ("module attributes {test.a = array<index: 1>} {}",
                   "module attributes {test.a = array< index>} {}",
                   "!i = index\nmodule attributes {test.a = array<!i: 1>} {}"):
        with pytest.raises(fp8mlir.MLIRError,
                           match="a dense array of index elements"):
            fp8mlir.parse(source)
    # Dense arrays of other types parse.
    fp8mlir.parse("module attributes {test.a = array<i64: 1>} {}")


def test_malformed_linalg_dimensions_are_an_error():
    """Upstream's linalg.transpose / broadcast / reduce parsers crash on a
    malformed list (utils/fuzz/KNOWN_ISSUES.md); fp8mlir refuses it."""
    source = """
func.func @f(%x: tensor<4x8xf32>, %o: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %t = linalg.transpose ins(%x : tensor<4x8xf32>) outs(%o : tensor<8x4xf32>) permutation = PERM
  return %t : tensor<8x4xf32>
}"""
    for bad in ("foo", "math.tanh", "3", "[1, foo]", "[1, 0"):
        with pytest.raises(fp8mlir.MLIRError, match="is not followed by a list"):
            fp8mlir.parse(source.replace("PERM", bad))
    fp8mlir.parse(source.replace("PERM", "[1, 0]"))


def test_text_arguments_must_be_strings():
    with pytest.raises(TypeError, match="source must be a str"):
        fp8mlir.parse(b"module {}")
    with pytest.raises(TypeError, match="pipeline must be a str"):
        fp8mlir.run_pipeline("module {}", None)


# ---------------------------------------------------------------------------
# Bad values
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: fp8mlir.compute_scale(np.ones(2), "f8E4M3FN", margin=1.7),
     ValueError, r"margin must be an integer, not 1.7"),
    (lambda: fp8mlir.compute_scale(np.ones(2), "f8E4M3FN", margin=2 ** 40),
     ValueError, r"margin must be in \[-2147483648, 2147483647\]"),
    (lambda: fp8mlir.compute_scale(np.ones(2), "f8E4M3FN", margin="1"),
     TypeError, r"margin must be an integer, not str"),
    (lambda: fp8mlir.compute_scale(np.ones(2), "f8E4M3FN", pow2="yes"),
     TypeError, r"pow2 must be True or False"),
    (lambda: fp8mlir.compute_scale(np.ones(2), "f8E4M3FN", target_max=10 ** 400),
     ValueError, r"target_max .* exceeds the float range"),
    (lambda: fp8mlir.quantize(np.ones(4), "f8E4M3FN", margin=0.5),
     ValueError, r"margin must be an integer"),
    (lambda: fp8mlir.quantize(np.ones((2, 4)), "f8E4M3FN", block=(1, 2 ** 70)),
     ValueError, r"block entries must be in \[1, 9223372036854775807\]"),
    (lambda: fp8mlir.quantize(np.ones((2, 4)), "f8E4M3FN", block=(1, 2.5)),
     ValueError, r"block entries must be an integer, not 2.5"),
    (lambda: fp8mlir.quantize(np.ones((2, 4)), "f8E4M3FN", block=4),
     TypeError, r"block must be a sequence of integers"),
    (lambda: fp8mlir.encode(np.ones(4), "f8E4M3FN", rounding="stochastic",
                            random_bits=-1),
     ValueError, r"random_bits must be uint32 values in \[0, 2\*\*32 - 1\], "
                 r"got -1"),
    (lambda: fp8mlir.encode(np.ones(4), "f8E4M3FN", rounding="stochastic",
                            random_bits=np.array([1, 2, 3, 2 ** 40])),
     ValueError, r"random_bits must be uint32 values .* got 1099511627776"),
    (lambda: fp8mlir.encode(np.ones(4), 3), ValueError, r"unknown format 3"),
    (lambda: fp8mlir.encode(np.ones(4), "f8E4M3FN", rounding=1),
     ValueError, r"unknown rounding 1"),
    (lambda: fp8mlir.jit("module {}", opt_level=-1),
     ValueError, r"opt_level must be 0, 1, 2 or 3, not -1"),
    (lambda: fp8mlir.jit("module {}", opt_level=2 ** 40),
     ValueError, r"opt_level must be 0, 1, 2 or 3"),
])
def test_bad_values_are_refused(call, error, message):
    with pytest.raises(error, match=message):
        call()


INTEGERS = """
func.func @u8(%x: tensor<3xui8>) -> tensor<3xui8> {
  return %x : tensor<3xui8>
}
func.func @i8(%x: tensor<3xi8>) -> tensor<3xi8> {
  return %x : tensor<3xi8>
}
func.func @scalar(%x: i16) -> i16 {
  return %x : i16
}
"""


def test_integer_arguments_out_of_range():
    exe = fp8mlir.jit(INTEGERS, pipeline="fp8-cpu-pipeline{target=generic}")
    assert exe.u8(np.array([0, 7, 255])).tolist() == [0, 7, 255]
    with pytest.raises(ValueError, match=r"argument #0: tensor<3xui8> takes "
                       r"integers in \[0, 255\], got -1"):
        exe.u8(np.array([1, -1, 2]))
    with pytest.raises(ValueError, match=r"got 256"):
        exe.u8(np.array([1, 256, 2]))
    # Signless: either reading of the bits.
    assert exe.i8(np.array([-128, 127, 255])).tolist() == [-128, 127, -1]
    with pytest.raises(ValueError, match=r"takes integers in \[-128, 255\], "
                       r"got 300"):
        exe.i8(np.array([300, 0, 0]))
    assert exe.scalar(-5) == -5
    with pytest.raises(ValueError, match=r"i16 takes integers in "
                       r"\[-32768, 65535\], got 100000"):
        exe.scalar(100000)
