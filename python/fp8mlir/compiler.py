"""The compiler: parse, verify, print, run pass pipelines, JIT and call.

Failures raise ``fp8mlir.MLIRError`` carrying MLIR's diagnostics.
"""

import os

import numpy as np

from . import _fp8mlir as _core

#: A parsed module with its own MLIRContext (every upstream dialect and the
#: fp8 dialect, as in fp8-opt). Methods: ``print(generic=False,
#: debug_info=False)``, ``str()``, ``verify()``, ``run(pipeline)`` (in
#: place), ``clone()``.
Module = _core.Module


#: The deepest nesting of brackets ((), [], {}, <>) that ``parse``,
#: ``run_pipeline``, ``Module.run`` and ``jit`` accept in MLIR text and pass
#: pipelines; deeper inputs raise MLIRError (MLIR's parsers recurse once per
#: level).
MAX_NESTING_DEPTH = _core.MAX_NESTING_DEPTH


def _check_text(value, what):
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, not {type(value).__name__}")
    if "\0" in value:
        raise ValueError(f"{what} contains a NUL character")
    return value


def parse(source, source_name="<string>"):
    """Parses and verifies MLIR text into a Module. Text nesting brackets
    deeper than ``MAX_NESTING_DEPTH`` is refused (MLIRError)."""
    return Module.parse(_check_text(source, "source"),
                        _check_text(source_name, "source_name"))


def run_pipeline(source, pipeline, *, generic=False):
    """What ``fp8-opt --pass-pipeline=...`` does: the printed result of
    running ``pipeline`` ("builtin.module(...)" or a list of passes on the
    module, e.g. "canonicalize,cse") on ``source`` (text or a Module, which
    is left unchanged)."""
    module = source.clone() if isinstance(source, Module) else parse(source)
    module.run(_check_text(pipeline, "pipeline"))
    return module.print(generic=generic)


def host_cpu_target():
    """The CPU target ``target=host`` of fp8-cpu-pipeline (and of the passes
    that take a target) resolves to on this machine: ``"amx"``,
    ``"avx512-bf16"``, ``"avx512"`` or ``"generic"``, from the CPU's
    features as LLVM reads them, by the model benchmark's figures per CPU
    family (docs/Design.md)."""
    return _core.host_cpu_target()


def _default_shared_libs():
    # libfp8_runtime asks Linux for the AMX tile state when it is loaded
    # (code from fp8-cpu-pipeline{target=amx} needs it). libomp runs the
    # threads of fp8-cpu-pipeline (threads=true, the default).
    return [os.path.join(_core.MLIR_LIBRARY_DIR, "libmlir_c_runner_utils.so"),
            os.path.join(_core.MLIR_LIBRARY_DIR, "libmlir_runner_utils.so"),
            os.path.join(_core.MLIR_LIBRARY_DIR, "libomp.so"),
            os.path.join(os.path.dirname(__file__), "libfp8_runtime.so")]


def _check_threads(threads):
    if threads is not None and (
            isinstance(threads, bool) or not isinstance(threads, int) or
            threads < 1):
        raise ValueError(
            f"threads must be None or an integer >= 1, got {threads!r}")
    return threads or 0


_NUMPY_TYPES = {
    "i1": np.bool_, "i8": np.int8, "i16": np.int16, "i32": np.int32,
    "i64": np.int64, "f16": np.float16, "f32": np.float32, "f64": np.float64,
}


def _bfloat16():
    try:
        import ml_dtypes
    except ImportError:
        return None
    return np.dtype(ml_dtypes.bfloat16)


def _ml_dtypes_name(element):
    """ml_dtypes' name of a narrow float type: f8E4M3FN -> float8_e4m3fn."""
    return "float" + element[1] + "_" + element[2:].lower()


class _Value:
    """How one argument or result crosses into compiled code."""

    def __init__(self, description):
        self.shaped = description["shaped"]
        # The code may write into a memref argument, never into a tensor's.
        self.memref = description["memref"]
        self.element = description["element"]
        self.shape = description["shape"]  # None for dynamic sizes
        kind = description["kind"]
        integer = self.element == "index" or \
            self.element.lstrip("su").startswith("i")
        # Narrow floats and !fp8.hif8 travel as their codes.
        self.codes = kind == "i8" and not integer
        if self.codes:
            self.dtype = np.dtype(np.uint8)
        elif self.element.startswith("ui"):
            self.dtype = np.dtype("u%d" % np.dtype(_NUMPY_TYPES[kind]).itemsize)
        elif kind == "bf16":
            self.dtype = _bfloat16() or np.dtype(np.uint16)
        else:
            self.dtype = np.dtype(_NUMPY_TYPES[kind])

    def __str__(self):
        if not self.shaped:
            return self.element
        dims = "".join("?x" if size is None else f"{size}x"
                       for size in self.shape)
        return f"tensor<{dims}{self.element}>"

    def to_array(self, value, where):
        """``value`` as a C-contiguous, aligned array of the right dtype: the
        array itself where it is one (a tensor argument is read-only to the
        code), else a copy; a private copy for a memref argument."""
        array = np.asarray(value)
        if self.codes:
            ml_type = array.dtype.kind == "V" and array.dtype.itemsize == 1
            if not (array.dtype in (np.uint8, np.int8) or ml_type) or \
                    ml_type and array.dtype.name != \
                    _ml_dtypes_name(self.element):
                raise TypeError(
                    f"{where}: {self} takes {self.element} codes (uint8"
                    f"{'' if self.element.startswith('!') else ' or ' + _ml_dtypes_name(self.element)}"
                    f"), not {array.dtype}; fp8mlir.encode makes codes")
            array = array.view(np.uint8)
        elif self.dtype.kind != "V" and array.dtype.kind == "V" or \
                not np.can_cast(array.dtype, self.dtype, "same_kind") and \
                not (array.dtype.kind in "iub" and self.dtype.kind in "iu"):
            raise TypeError(
                f"{where}: {self} cannot take an array of {array.dtype}")
        if not self.shaped and array.ndim != 0:
            raise ValueError(f"{where}: {self} takes a scalar")
        if self.dtype.kind in "iu" and array.dtype.kind in "iub" and \
                array.size:
            self._check_range(array, where)
        if self.shaped and (array.ndim != len(self.shape) or any(
                size is not None and size != given
                for size, given in zip(self.shape, array.shape))):
            raise ValueError(
                f"{where}: {self} cannot take an array of shape "
                f"{array.shape}")
        if self.memref:
            return np.array(array, dtype=self.dtype, order="C", copy=True)
        return np.require(array, dtype=self.dtype, requirements=("C", "A"))

    def _check_range(self, array, where):
        """Integers must fit the element type: ui<N> takes [0, 2**N),
        si<N> [-2**(N-1), 2**(N-1)), a signless i<N> either (its bits);
        index is 64 bits, signed."""
        bits = 8 * self.dtype.itemsize if self.element != "i1" else 1
        signed_low, high = -2 ** (bits - 1), 2 ** bits - 1
        if self.element.startswith("ui") or self.element == "i1":
            signed_low = 0
        elif self.element.startswith("si") or self.element == "index":
            high = 2 ** (bits - 1) - 1
        low, top = int(array.min()), int(array.max())
        if low < signed_low or top > high:
            bad = low if low < signed_low else top
            raise ValueError(
                f"{where}: {self} takes integers in [{signed_low}, {high}], "
                f"got {bad}")

    def from_raw(self, data):
        """A result from the raw bits the extension returns (same shape and
        strides, same item size)."""
        array = data.view(self.dtype)
        return array if self.shaped else array[()]


class Executable:
    """A module lowered by a pipeline (``fp8-cpu-pipeline`` by default) and
    compiled in process by MLIR's ExecutionEngine. Its public functions take
    and return NumPy arrays for tensors and memrefs (narrow floats and
    !fp8.hif8 as uint8 codes, bf16 as ml_dtypes.bfloat16 where installed)
    and Python / NumPy scalars for scalars.

    No element is copied one at a time: arrays that are C-contiguous and of
    the argument's dtype go in as they are (the code never writes into a
    tensor argument; memref arguments get private copies), and a result is
    an array over the buffer the code returned, which it frees when it dies
    (a result in an argument's buffer or in a constant is copied, with one
    memcpy where it is contiguous). Results may be strided views.
    """

    def __init__(self, module, *, pipeline="fp8-cpu-pipeline{target=host}",
                 opt_level=2,
                 shared_libs=None, threads=None):
        threads = _check_threads(threads)
        if not isinstance(module, Module):
            module = parse(module)
        _check_text(pipeline, "pipeline")
        if isinstance(opt_level, bool) or \
                not isinstance(opt_level, (int, np.integer)) or \
                not 0 <= opt_level <= 3:
            raise ValueError(
                f"opt_level must be 0, 1, 2 or 3, not {opt_level!r}")
        if shared_libs is None:
            shared_libs = _default_shared_libs()
        if isinstance(shared_libs, (str, bytes, os.PathLike)):
            raise TypeError("shared_libs must be a list of paths")
        shared_libs = [os.fsdecode(os.fspath(p)) for p in shared_libs]
        self._executable = _core.Executable.create(
            module, pipeline, int(opt_level), shared_libs, threads)
        self._signatures = {}
        for name, arguments, results, unsupported in \
                self._executable.signatures():
            self._signatures[name] = (
                [_Value(a) for a in arguments], [_Value(r) for r in results],
                unsupported)

    @property
    def functions(self):
        """The callable functions: {name: "(argument types) -> (results)"}."""
        return {
            name: "(%s) -> (%s)" % (", ".join(map(str, args)),
                                    ", ".join(map(str, results)))
            for name, (args, results, unsupported) in self._signatures.items()
            if not unsupported
        }

    @property
    def threads(self):
        """The thread count of the code's parallel loops in each call, or
        None for the OpenMP runtime's (all cores, or ``OMP_NUM_THREADS``);
        settable."""
        return self._executable.threads or None

    @threads.setter
    def threads(self, threads):
        self._executable.threads = _check_threads(threads)

    def invoke(self, name, *args):
        """Calls function ``name``; returns its result, a tuple of them, or
        None. The arguments' sizes are checked against each other as the
        function's ops need them (the K of a matmul's two operands, the
        operands of an element-wise op, a scale's ceildiv(size, block)):
        ValueError names the argument and dimensions that do not fit."""
        if not isinstance(name, str) or name not in self._signatures:
            raise ValueError(
                f"no public function @{name}; the module has "
                f"{', '.join('@' + f for f in self._signatures) or 'none'}")
        arguments, results, unsupported = self._signatures[name]
        if unsupported:
            raise TypeError(f"@{name}: {unsupported}")
        if len(args) != len(arguments):
            raise TypeError(
                f"@{name} takes {len(arguments)} arguments, got {len(args)}")
        arrays = [value.to_array(arg, f"@{name} argument #{i}")
                  for i, (value, arg) in enumerate(zip(arguments, args))]
        # The extension sees raw bytes (bool and ml_dtypes arrays included).
        raw = self._executable.invoke(
            name, [a.view(np.dtype(f"u{a.dtype.itemsize}")) for a in arrays])
        outputs = [value.from_raw(data) for value, data in zip(results, raw)]
        if not outputs:
            return None
        return outputs[0] if len(outputs) == 1 else tuple(outputs)

    def __getattr__(self, name):
        if name.startswith("_") or name not in self._signatures:
            raise AttributeError(name)
        return lambda *args: self.invoke(name, *args)


def jit(module, *, pipeline="fp8-cpu-pipeline{target=host}", opt_level=2,
        shared_libs=None, threads=None):
    """Lowers ``module`` (text or a Module, left unchanged) with
    ``pipeline`` and compiles it in process: an Executable. The default
    pipeline's ``target=host`` is the fastest CPU target of this machine
    (``host_cpu_target()``).

    ``shared_libs`` are loaded for the symbols the code calls (default:
    MLIR's libmlir_c_runner_utils.so and libmlir_runner_utils.so, the LLVM
    OpenMP runtime libomp.so, and the package's libfp8_runtime.so).

    ``threads``: how many threads the code's parallel loops run on in each
    call (fp8-cpu-pipeline's ``threads`` option, on by default, makes them
    OpenMP); None leaves it to the OpenMP runtime (all cores, or
    ``OMP_NUM_THREADS``). Results do not depend on it."""
    return Executable(module, pipeline=pipeline, opt_level=opt_level,
                      shared_libs=shared_libs, threads=threads)
