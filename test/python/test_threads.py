"""Threads: fp8-cpu-pipeline's parallel loops (OpenMP) give the same bits
on any thread count, fp8mlir.jit's ``threads`` sets the count per call."""

import ctypes
import os

import numpy as np
import pytest

import fp8mlir

# Row-scaled quantization, softmax's row reductions and an f32 matmul. The
# last two are large enough to run on threads; the row-scaled quantization is
# fused into one loop over the rows (convert-fp8-to-linalg's
# fuse-row-quantization), which is serial for now, and checked here for the
# same bits on any thread count.
MODULE = """
func.func @quantize(%x: tensor<256x1000xf32>) -> tensor<256x1000xf8E4M3FN> {
  %a = fp8.amax %x {block = array<i64: 1, 1000>} : tensor<256x1000xf32> -> tensor<256x1xf32>
  %s = fp8.compute_scale %a {format = f8E4M3FN} : tensor<256x1xf32> -> tensor<256x1xf32>
  %q = fp8.quantize %x, %s {block = array<i64: 1, 1000>}
      : tensor<256x1000xf32>, tensor<256x1xf32> to tensor<256x1000xf8E4M3FN>
  return %q : tensor<256x1000xf8E4M3FN>
}

func.func @row_sum_exp(%x: tensor<256x1024xf32>) -> tensor<256xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<256xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<256xf32>) -> tensor<256xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,
                                        affine_map<(d0, d1) -> (d0)>],
                       iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<256x1024xf32>) outs(%init : tensor<256xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = math.exp %in : f32
    %s = arith.addf %v, %out : f32
    linalg.yield %s : f32
  } -> tensor<256xf32>
  return %r : tensor<256xf32>
}

func.func @matmul(%a: tensor<192x256xf32>, %b: tensor<256x160xf32>) -> tensor<192x160xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<192x160xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<192x160xf32>) -> tensor<192x160xf32>
  %r = linalg.matmul ins(%a, %b : tensor<192x256xf32>, tensor<256x160xf32>)
      outs(%init : tensor<192x160xf32>) -> tensor<192x160xf32>
  return %r : tensor<192x160xf32>
}
"""


def _inputs():
    rng = np.random.default_rng(7)
    return {
        "quantize": (rng.normal(size=(256, 1000)).astype(np.float32),),
        "row_sum_exp": (rng.normal(size=(256, 1024)).astype(np.float32),),
        "matmul": (rng.normal(size=(192, 256)).astype(np.float32),
                   rng.normal(size=(256, 160)).astype(np.float32)),
    }


def _omp_runtime():
    return ctypes.CDLL(
        os.path.join(fp8mlir.compiler._core.MLIR_LIBRARY_DIR, "libomp.so"))


def test_pipeline_makes_parallel_regions():
    threaded = fp8mlir.run_pipeline(MODULE, "fp8-cpu-pipeline")
    assert threaded.count("omp.parallel") >= 2
    assert "omp.wsloop" in threaded
    serial = fp8mlir.run_pipeline(MODULE, "fp8-cpu-pipeline{threads=false}")
    assert "omp." not in serial


def test_results_do_not_depend_on_the_thread_count():
    inputs = _inputs()
    one = fp8mlir.jit(MODULE, threads=1)
    two = fp8mlir.jit(MODULE, threads=2)
    three = fp8mlir.jit(MODULE, threads=3)
    default = fp8mlir.jit(MODULE)
    serial = fp8mlir.jit(MODULE,
                         pipeline="fp8-cpu-pipeline{target=host threads=false}")
    for name, args in inputs.items():
        expected = one.invoke(name, *args)
        for other in (two, three, default, serial):
            result = other.invoke(name, *args)
            assert result.dtype == expected.dtype
            assert result.tobytes() == expected.tobytes(), name
    # The matmul is a matmul.
    a, b = inputs["matmul"]
    np.testing.assert_allclose(two.matmul(a, b), a @ b, rtol=1e-4, atol=1e-4)


def test_threads_is_per_executable_and_per_call():
    omp = _omp_runtime()
    before = omp.omp_get_max_threads()
    executable = fp8mlir.jit(MODULE, threads=2)
    assert executable.threads == 2
    (x,) = _inputs()["row_sum_exp"]
    expected = executable.row_sum_exp(x)
    # The runtime's count for this thread is set for the call only.
    assert omp.omp_get_max_threads() == before
    executable.threads = 1
    assert executable.threads == 1
    assert executable.row_sum_exp(x).tobytes() == expected.tobytes()
    executable.threads = None
    assert executable.threads is None
    assert executable.row_sum_exp(x).tobytes() == expected.tobytes()
    assert omp.omp_get_max_threads() == before


def test_threads_errors():
    for bad in (0, -1, 1.5, True, "2"):
        with pytest.raises(ValueError, match="threads must be None or an "
                           "integer >= 1"):
            fp8mlir.jit(MODULE, threads=bad)
    executable = fp8mlir.jit(MODULE)
    with pytest.raises(ValueError, match="threads"):
        executable.threads = 0
    # Without the OpenMP runtime: no way to set a count (and threaded code
    # could not link).
    no_omp = [os.path.join(fp8mlir.compiler._core.MLIR_LIBRARY_DIR,
                           "libmlir_c_runner_utils.so")]
    serial = "fp8-cpu-pipeline{threads=false}"
    with pytest.raises(fp8mlir.MLIRError, match="needs the OpenMP runtime"):
        fp8mlir.jit(MODULE, pipeline=serial, shared_libs=no_omp, threads=2)
    executable = fp8mlir.jit(MODULE, pipeline=serial, shared_libs=no_omp)
    with pytest.raises(fp8mlir.MLIRError, match="needs the OpenMP runtime"):
        executable.threads = 2
