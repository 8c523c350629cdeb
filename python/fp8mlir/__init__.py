"""fp8mlir: 8-bit floating point for ML compilers, from Python.

Numerics (bit-exact with the compiler, on NumPy arrays)::

    codes, scales = fp8mlir.quantize(x, "f8E4M3FN", block=(1, 32))
    y = fp8mlir.dequantize(codes, "f8E4M3FN", scales, block=(1, 32))

Compiler (what fp8-opt does) and in-process execution::

    module = fp8mlir.parse(source)
    module.run("canonicalize")
    exe = fp8mlir.jit(source)          # fp8-cpu-pipeline{target=host}
    result = exe.invoke("main", x)     # NumPy arrays in and out

PyTorch models (``import fp8mlir.torch``; needs torch and torch-mlir)::

    compiled = fp8mlir.torch.compile(model, x, recipe="ocp", scaling="row")
    y = compiled(x)
"""

from ._errors import MLIRError
from .compiler import (MAX_NESTING_DEPTH, Executable, Module,
                       host_cpu_target, jit, parse, run_pipeline)
from .numerics import (
    FORMATS,
    ROUNDINGS,
    FormatInfo,
    amax,
    compute_scale,
    decode,
    dequantize,
    encode,
    format_info,
    formats,
    hif8_table,
    quantize,
    table,
)

__all__ = [
    "FORMATS", "MAX_NESTING_DEPTH", "ROUNDINGS", "Executable", "FormatInfo",
    "MLIRError", "Module",
    "amax", "compute_scale", "decode", "dequantize", "encode", "format_info",
    "formats", "hif8_table", "host_cpu_target", "jit", "parse", "quantize",
    "run_pipeline", "table",
]
