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
    with pytest.raises(fp8mlir.MLIRError, match="opt_level"):
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
