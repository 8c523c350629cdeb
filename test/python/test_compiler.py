"""fp8mlir compiler: parse / verify / print, pass pipelines (as fp8-opt),
JIT execution, and errors raised as fp8mlir.MLIRError."""

import os
import subprocess

import numpy as np
import pytest

import fp8mlir

TOUR = """
func.func @tour() -> (tensor<4xf8E4M3FN>, tensor<4x!fp8.hif8>) {
  %x = arith.constant dense<[0.3, 18.0, 100.0, 1000.0]> : tensor<4xf32>
  %s = arith.constant 2.0 : f32
  %e4m3 = fp8.quantize %x, %s {saturation = #fp8.saturation<finite>}
      : tensor<4xf32>, f32 to tensor<4xf8E4M3FN>
  %hif8 = fp8.convert %x {rounding = #fp8.rounding<hybrid>}
      : tensor<4xf32> to tensor<4x!fp8.hif8>
  return %e4m3, %hif8 : tensor<4xf8E4M3FN>, tensor<4x!fp8.hif8>
}
"""


def fp8_opt():
    tools = os.environ.get("FP8_TOOLS_DIR")
    if not tools:
        pytest.skip("FP8_TOOLS_DIR (the directory of fp8-opt) is not set")
    return os.path.join(tools, "fp8-opt")


def test_parse_print_round_trip():
    module = fp8mlir.parse(TOUR)
    text = str(module)
    assert "fp8.quantize %" in text and "!fp8.hif8" in text
    assert str(fp8mlir.parse(text)) == text
    generic = module.print(generic=True)
    assert '"fp8.quantize"' in generic
    assert str(fp8mlir.parse(generic)) == text
    module.verify()


@pytest.mark.parametrize("pipeline", [
    "canonicalize",
    "builtin.module(canonicalize,cse)",
    "fp8-cpu-pipeline",
])
def test_run_pipeline_matches_fp8_opt(pipeline, tmp_path):
    source = tmp_path / "tour.mlir"
    source.write_text(TOUR)
    flag = (f"--pass-pipeline={pipeline}" if pipeline.startswith("builtin")
            else f"--pass-pipeline=builtin.module({pipeline})")
    expected = subprocess.run([fp8_opt(), str(source), flag], check=True,
                              capture_output=True, text=True).stdout
    # fp8-opt ends its output with an empty line.
    assert fp8mlir.run_pipeline(TOUR, pipeline) == expected[:-1]


def test_rounding_names_are_the_dialects():
    """fp8mlir.ROUNDINGS, the numerics library's names in the order of its
    enum values, spell #fp8.rounding (whose values are checked against the
    library at compile time, FP8Dialect.h)."""
    attrs = ", ".join(f"test.r{i} = #fp8.rounding<{name}>"
                      for i, name in enumerate(fp8mlir.ROUNDINGS))
    text = str(fp8mlir.parse(f"module attributes {{{attrs}}} {{}}"))
    for i, name in enumerate(fp8mlir.ROUNDINGS):
        assert f"test.r{i} = #fp8.rounding<{name}>" in text


def test_run_in_place_and_clone():
    module = fp8mlir.parse(TOUR)
    copy = module.clone()
    module.run("canonicalize")
    # The README's folded constants: hybrid HiF8 codes 50, 65, 75, 100.
    assert "dense<[50, 65, 75, 100]> : tensor<4xi8>" in str(module)
    assert "fp8.quantize" in str(copy)
    assert fp8mlir.run_pipeline(copy, "canonicalize") == str(module)
    assert "fp8.quantize" in str(copy)


def test_verifier_errors_carry_diagnostics():
    source = """
func.func @f(%x: tensor<16x300xf32>, %s: tensor<16x2xf32>) -> tensor<16x300xf8E4M3FN> {
  %q = fp8.quantize %x, %s {block = array<i64: 1, 128>}
      : tensor<16x300xf32>, tensor<16x2xf32> to tensor<16x300xf8E4M3FN>
  return %q : tensor<16x300xf8E4M3FN>
}
"""
    with pytest.raises(fp8mlir.MLIRError) as info:
        fp8mlir.parse(source, "model.mlir")
    error = info.value
    assert error.message == "cannot parse model.mlir"
    assert error.diagnostics == [
        "model.mlir:3:8: error: 'fp8.quantize' op scale shape [16, 2] does "
        "not match ceildiv(input shape [16, 300], block [1, 128]) = [16, 3]"]
    assert str(error).splitlines() == [error.message] + error.diagnostics


def test_syntax_errors():
    with pytest.raises(fp8mlir.MLIRError, match=r"<string>:1:18: error: "
                       r"unregistered operation 'fp8.nope'"):
        fp8mlir.parse('func.func @f() { "fp8.nope"() : () -> () \n return }')
    with pytest.raises(fp8mlir.MLIRError, match="expected"):
        fp8mlir.parse("func.func @f(")


def test_pipeline_errors():
    module = fp8mlir.parse(TOUR)
    with pytest.raises(fp8mlir.MLIRError,
                       match="'fp8-nope' does not refer to a registered pass"):
        module.run("fp8-nope")
    with pytest.raises(fp8mlir.MLIRError, match="invalid pass pipeline"):
        module.run("canonicalize{no-such-option=1}")
    # A pass that fails reports the op it failed on.
    with pytest.raises(fp8mlir.MLIRError) as info:
        module.run("convert-fp8-to-llvm")
    assert info.value.message == \
        "pass pipeline 'convert-fp8-to-llvm' failed"
    assert info.value.diagnostics[0].startswith(
        "<string>:5:11: error: 'fp8.quantize' op operates on tensors")


def test_jit_scaled_matmul_against_numpy():
    source = """
func.func @mm(%a: tensor<16x64xf8E4M3FN>, %sa: tensor<16x1xf32>,
              %b: tensor<64x32xf8E5M2>, %sb: f32) -> tensor<16x32xf32> {
  %d = fp8.scaled_matmul %a[%sa], %b[%sb] {lhs_block = array<i64: 1, 64>}
      : tensor<16x64xf8E4M3FN>[tensor<16x1xf32>],
        tensor<64x32xf8E5M2>[f32] -> tensor<16x32xf32>
  return %d : tensor<16x32xf32>
}
"""
    rng = np.random.default_rng(4)
    a = rng.standard_normal((16, 64)).astype(np.float32)
    b = rng.standard_normal((64, 32)).astype(np.float32)
    qa, sa = fp8mlir.quantize(a, "f8E4M3FN", block=(1, 64))
    qb, sb = fp8mlir.quantize(b, "f8E5M2")
    exe = fp8mlir.jit(source)
    assert exe.functions == {"mm": "(tensor<16x64xf8E4M3FN>, tensor<16x1xf32>,"
                             " tensor<64x32xf8E5M2>, f32) -> "
                             "(tensor<16x32xf32>)"}
    d = exe.mm(qa, sa, qb, sb)
    reference = (fp8mlir.dequantize(qa, "f8E4M3FN", sa, block=(1, 64))
                 .astype(np.float64) @
                 fp8mlir.dequantize(qb, "f8E5M2", sb).astype(np.float64))
    assert d.shape == (16, 32) and d.dtype == np.float32
    np.testing.assert_allclose(d, reference, rtol=1e-5, atol=1e-5)


def test_jit_calling_convention():
    source = """
func.func @dynamic(%x: tensor<?x4xf32>, %k: f32) -> (tensor<?x4xf32>, i64) {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<?x4xf32>) outs(%x : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %k : f32
    linalg.yield %m : f32
  } -> tensor<?x4xf32>
  %ni = arith.index_cast %n : index to i64
  return %y, %ni : tensor<?x4xf32>, i64
}
func.func @constant() -> tensor<3xf32> {
  %c = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  return %c : tensor<3xf32>
}
func.func @hif8(%x: tensor<4x!fp8.hif8>) -> tensor<4xf32> {
  %y = fp8.convert %x : tensor<4x!fp8.hif8> to tensor<4xf32>
  return %y : tensor<4xf32>
}
"""
    exe = fp8mlir.jit(source, opt_level=0)
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    for _ in range(100):  # returned buffers are freed, inputs untouched
        y, n = exe.dynamic(x, 2.0)
    assert np.array_equal(y, 2 * x) and n == 3
    assert np.array_equal(x, np.arange(12, dtype=np.float32).reshape(3, 4))
    for _ in range(100):  # a constant's buffer is not the caller's to free
        assert exe.constant().tolist() == [1.0, 2.0, 3.0]
    values = exe.hif8(np.array([0x08, 0x09, 0x80, 0x6F], np.uint8))
    assert values[:2].tolist() == [1.0, 1.125]
    assert np.isnan(values[2]) and values[3] == np.inf


def test_jit_argument_errors():
    exe = fp8mlir.jit("""
func.func @f(%x: tensor<2x3xf8E4M3FN>) -> tensor<2x3xf32> {
  %y = fp8.convert %x : tensor<2x3xf8E4M3FN> to tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
func.func @v(%x: vector<4xf32>) -> vector<4xf32> {
  return %x : vector<4xf32>
}
""")
    assert list(exe.functions) == ["f"]
    with pytest.raises(ValueError, match=r"cannot take an array of shape "
                       r"\(3, 2\)"):
        exe.f(np.zeros((3, 2), np.uint8))
    with pytest.raises(TypeError, match="takes f8E4M3FN codes"):
        exe.f(np.zeros((2, 3), np.float32))
    with pytest.raises(TypeError, match="takes 1 arguments, got 2"):
        exe.f(np.zeros((2, 3), np.uint8), 1)
    with pytest.raises(TypeError, match="argument #0 has type "
                       "vector<4xf32>, which cannot be passed"):
        exe.invoke("v", np.zeros(4, np.float32))
    with pytest.raises(ValueError, match="no public function @g; the module "
                       "has @f, @v"):
        exe.invoke("g")
    ml_dtypes = pytest.importorskip("ml_dtypes")
    codes = np.array([[0x38, 0x40, 0x48], [0, 0x80, 0x7E]], np.uint8)
    assert exe.f(codes.view(ml_dtypes.float8_e4m3fn)).tolist() == [
        [1.0, 2.0, 4.0], [0.0, -0.0, 448.0]]


def test_jit_compile_errors():
    with pytest.raises(fp8mlir.MLIRError) as info:
        fp8mlir.jit(TOUR, pipeline="canonicalize")  # not lowered to LLVM
    assert "cannot compile the lowered module" in info.value.message
    assert any("LLVM" in d for d in info.value.diagnostics)
    with pytest.raises(fp8mlir.MLIRError, match="does not exist"):
        fp8mlir.jit(TOUR, shared_libs=["/nonexistent/libfoo.so"])
    with pytest.raises(ValueError, match="opt_level"):
        fp8mlir.jit(TOUR, opt_level=7)


def test_jit_bfloat16_and_bool():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    exe = fp8mlir.jit("""
func.func @f(%x: tensor<4xbf16>, %b: i1)
    -> (tensor<4xf8E4M3FN>, tensor<4xbf16>, i1) {
  %q = fp8.convert %x : tensor<4xbf16> to tensor<4xf8E4M3FN>
  return %q, %x, %b : tensor<4xf8E4M3FN>, tensor<4xbf16>, i1
}""")
    x = np.array([1, 2, 3.5, 448], ml_dtypes.bfloat16)
    codes, same, flag = exe.f(x, True)
    assert np.array_equal(codes, fp8mlir.encode(x, "f8E4M3FN"))
    assert same.dtype == ml_dtypes.bfloat16 and np.array_equal(same, x)
    assert flag is np.True_


class _RecordingExecutable:
    """Stands in for the extension's Executable and keeps the arrays that
    Executable.invoke hands it."""

    def __init__(self, inner):
        self.inner = inner
        self.arrays = []

    def invoke(self, name, arrays):
        self.arrays = list(arrays)
        return self.inner.invoke(name, arrays)


def test_jit_arguments_go_in_without_copies():
    exe = fp8mlir.jit("""
func.func @scale(%x: tensor<4x8xf32>, %c: tensor<8xf8E4M3FN>) -> tensor<4x8xf32> {
  %d = fp8.convert %c : tensor<8xf8E4M3FN> to tensor<8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (j)>,
                                        affine_map<(i, j) -> (i, j)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%x, %d : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
func.func @fill(%m: memref<4xf32>) -> memref<4xf32> {
  %c = arith.constant 7.0 : f32
  linalg.fill ins(%c : f32) outs(%m : memref<4xf32>)
  return %m : memref<4xf32>
}""")
    recorder = _RecordingExecutable(exe._executable)
    exe._executable = recorder
    x = np.arange(32, dtype=np.float32).reshape(4, 8)
    codes = fp8mlir.encode(np.full(8, 2.0, np.float32), "f8E4M3FN")
    expected = 2 * x
    # C-contiguous, aligned, of the argument's dtype: passed as it is, even
    # read-only or inside a larger buffer.
    x.flags.writeable = False
    assert np.array_equal(exe.scale(x, codes), expected)
    assert all(np.shares_memory(a, v)
               for a, v in zip(recorder.arrays, (x, codes)))
    wide = np.arange(40, dtype=np.float32).reshape(5, 8)
    assert np.array_equal(exe.scale(wide[1:], codes), 2 * wide[1:])
    assert np.shares_memory(recorder.arrays[0], wide)
    # Anything else is converted first: another dtype, a strided view, an
    # array that is not aligned for its elements.
    for other in (x.astype(np.float64), np.asfortranarray(x),
                  np.frombuffer(b"\0" + x.tobytes(), np.float32, offset=1,
                                count=32).reshape(4, 8)):
        assert np.array_equal(exe.scale(other, codes), expected)
        assert not np.shares_memory(recorder.arrays[0], other)
    # The code writes into a memref argument: it gets a private copy, and
    # the result, in that copy's buffer, is copied out.
    m = np.zeros(4, np.float32)
    filled = exe.fill(m)
    assert filled.tolist() == [7.0] * 4 and m.tolist() == [0.0] * 4
    assert not np.shares_memory(recorder.arrays[0], m)
    assert not np.shares_memory(filled, recorder.arrays[0])


def test_jit_never_writes_into_tensor_arguments():
    # One-Shot Bufferize would update %x in place; the arguments are marked
    # read-only, so it copies. The result in the argument's buffer (@same)
    # is a copy, not the caller's array.
    exe = fp8mlir.jit("""
func.func @insert(%x: tensor<4xf32>) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %v = arith.constant 9.0 : f32
  %y = tensor.insert %v into %x[%c0] : tensor<4xf32>
  return %y : tensor<4xf32>
}
func.func @same(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}""")
    x = np.array([1, 2, 3, 4], np.float32)
    assert exe.insert(x).tolist() == [9, 2, 3, 4]
    assert x.tolist() == [1, 2, 3, 4]
    same = exe.same(x)
    assert same.tolist() == [1, 2, 3, 4] and not np.shares_memory(same, x)


def test_jit_results_are_views_of_the_code_buffers():
    # A memref result may be a strided view of a larger (aligned) buffer,
    # which the array then owns; a second result in the same buffer is a
    # copy, so that results never alias; zero-size results and scalars come
    # back too.
    exe = fp8mlir.jit("""
func.func @block(%n: index) -> (memref<?x?xf32>, memref<?x8xf32>, memref<0x3xi8>, f64) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %buffer = memref.alloc(%n) {alignment = 64} : memref<?x8xf32>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %j = %c0 to %c8 step %c1 {
      %k = arith.muli %i, %c8 : index
      %l = arith.addi %k, %j : index
      %li = arith.index_cast %l : index to i32
      %f = arith.sitofp %li : i32 to f32
      memref.store %f, %buffer[%i, %j] : memref<?x8xf32>
    }
  }
  %c3 = arith.constant 3 : index
  %view = memref.reinterpret_cast %buffer to offset: [0], sizes: [%n, %c3],
      strides: [%c8, 1] : memref<?x8xf32> to memref<?x?xf32>
  %empty = memref.alloc() : memref<0x3xi8>
  %pi = arith.constant 3.25 : f64
  return %view, %buffer, %empty, %pi : memref<?x?xf32>, memref<?x8xf32>, memref<0x3xi8>, f64
}""")
    grid = np.arange(40, dtype=np.float32).reshape(5, 8)
    for _ in range(100):  # every buffer freed once (run under ASan to see)
        view, whole, empty, pi = exe.block(5)
    assert view.shape == (5, 3) and view.strides == (32, 4)
    assert np.array_equal(view, grid[:, :3])
    assert view.base is not None and not view.flags.owndata
    assert np.array_equal(whole, grid) and whole.flags.c_contiguous
    assert not np.shares_memory(view, whole)
    assert empty.shape == (0, 3) and empty.dtype == np.int8
    assert pi == 3.25
    del whole
    view[0, 0] = -1.0  # the view stays valid and writable on its own
    assert view[:, 0].tolist() == [-1.0, 8.0, 16.0, 24.0, 32.0]
    rows = fp8mlir.jit("""
func.func @rows(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = arith.negf %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}""")
    assert rows.rows(np.zeros((0, 4), np.float32)).shape == (0, 4)


def _cpuinfo_target():
    """What getHostCPUTarget picks, from /proc/cpuinfo's flags instead of
    LLVM's feature detection."""
    with open("/proc/cpuinfo") as cpuinfo:
        flags = set(next((line.split(":", 1)[1].split() for line in cpuinfo
                          if line.startswith("flags")), []))
    avx512 = {"avx512f", "avx512bw"} <= flags
    if avx512 and {"amx_tile", "amx_bf16"} <= flags:
        return "amx"
    if avx512 and "avx512_bf16" in flags:
        return "avx512-bf16"
    return "avx512" if avx512 else "generic"


def test_host_cpu_target():
    target = fp8mlir.host_cpu_target()
    assert target in ("generic", "avx512", "avx512-bf16", "amx")
    if os.path.exists("/proc/cpuinfo"):
        assert target == _cpuinfo_target()
    # jit's default pipeline is fp8-cpu-pipeline{target=host}, which lowers
    # exactly as the target it resolves to.
    host = fp8mlir.run_pipeline(TOUR, "fp8-cpu-pipeline{target=host}")
    assert host == fp8mlir.run_pipeline(
        TOUR, f"fp8-cpu-pipeline{{target={target}}}")
    x = np.array([0.3, 18.0, 100.0, 1000.0], np.float32) / np.float32(2)
    assert np.array_equal(fp8mlir.jit(TOUR).tour()[0],
                          fp8mlir.encode(x, "f8E4M3FN", saturate=True))
