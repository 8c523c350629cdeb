"""The PyTorch frontend: an ``nn.Module`` in, a compiled fp8 callable out.

::

    import fp8mlir.torch
    compiled = fp8mlir.torch.compile(model, x, recipe="ocp", scaling="row")
    y = compiled(x)                  # torch tensors (or NumPy arrays) in and out
    print(compiled.mlir("fold-scales"))

The model goes through torch-mlir's FX importer
(``torch_mlir.fx.export_and_import(..., output_type="linalg-on-tensors")``),
whose constants (weights, buffers) become ``dense_resource`` constants of the
module; then, as ``fp8-opt`` would run them, ``fp8-insert-casts`` with the
recipe, ``fp8-fold-scales`` and any extra passes; then ``fp8-cpu-pipeline``
and the in-process JIT (``fp8mlir.jit``).

torch and torch-mlir are optional dependencies of the package
(``pip install fp8mlir[torch]``); ``scripts/setup.sh`` installs them into the
project's virtual environment.
"""

import logging

import numpy as np

from .compiler import host_cpu_target, jit, parse

try:
    import torch
    # torch warns on import that triton, a GPU kernel compiler that
    # exporting does not use (and setup.sh leaves out), is missing.
    logging.getLogger("torch.utils.flop_counter").setLevel(logging.ERROR)
    from torch_mlir import fx as _torch_mlir_fx
except ImportError as error:  # pragma: no cover - depends on the install
    raise ImportError(
        "fp8mlir.torch needs torch and torch-mlir (pip install "
        "'fp8mlir[torch]', or scripts/setup.sh for the project's .venv)"
    ) from error

__all__ = ["CompiledModule", "STAGES", "best_cpu_target", "compile",
           "compile_gpu", "export"]

#: The stages whose MLIR a CompiledModule keeps, in pipeline order.
#: "insert-casts" and "fold-scales" exist only with a recipe, "passes" only
#: with extra passes.
STAGES = ("imported", "insert-casts", "fold-scales", "passes", "lowered")

_CPU_TARGETS = ("host", "generic", "avx512", "avx512-bf16", "amx")


def best_cpu_target():
    """The fastest ``target`` of fp8-cpu-pipeline on this CPU: what
    ``target="host"`` resolves to (``fp8mlir.host_cpu_target()``: ``amx``
    with AMX-BF16, else ``avx512-bf16`` with AVX-512 BF16, else ``avx512``
    with AVX-512 F/BW, else ``generic``)."""
    return host_cpu_target()


def export(model, *example_inputs, func_name="main"):
    """The MLIR text of ``model`` called on ``example_inputs``, in linalg on
    tensors, as torch-mlir's FX importer gives it (shapes fixed by the
    example inputs)."""
    inputs = tuple(_as_tensor(value) for value in example_inputs)
    with torch.no_grad():
        module = _torch_mlir_fx.export_and_import(
            model, *inputs, output_type="linalg-on-tensors",
            func_name=func_name)
    return str(module)


def _as_tensor(value):
    return value if isinstance(value, torch.Tensor) else \
        torch.from_numpy(np.asarray(value))


def _option_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _insert_casts_pipeline(recipe, scaling, keep_first_last, options):
    parts = {"recipe": recipe, "scaling": scaling}
    if keep_first_last:
        parts["keep-first-last"] = True
    for name, value in (options or {}).items():
        parts[name.replace("_", "-")] = value
    spelled = " ".join(f"{name}={_option_value(value)}"
                       for name, value in parts.items())
    return f"fp8-insert-casts{{{spelled}}}"


def _import_and_cast(model, example_inputs, recipe, scaling,
                     keep_first_last, insert_casts, passes, func_name,
                     stages):
    """The module ``compile`` and ``compile_gpu`` lower: ``model`` imported
    (or parsed, if it is ``export()``'s text), with ``recipe``'s casts
    inserted and its scales folded, then ``passes``; the MLIR text of each
    stage goes into ``stages``."""
    if recipe is None and (keep_first_last or insert_casts):
        raise ValueError("keep_first_last and insert_casts need a recipe")
    if isinstance(model, str):
        if example_inputs:
            raise ValueError("an exported module takes no example inputs")
        stages["imported"] = model
    else:
        stages["imported"] = export(model, *example_inputs,
                                    func_name=func_name)
    module = parse(stages["imported"], "<torch-mlir>")
    if recipe is not None:
        module.run(_insert_casts_pipeline(recipe, scaling, keep_first_last,
                                          insert_casts))
        stages["insert-casts"] = str(module)
        module.run("fp8-fold-scales")
        stages["fold-scales"] = str(module)
    if passes:
        module.run(passes)
        stages["passes"] = str(module)
    return module


class CompiledModule:
    """A PyTorch model compiled by fp8-mlir for the CPU.

    Calling it runs the compiled code: it takes the model's inputs as torch
    tensors or NumPy arrays of the example inputs' shapes and dtypes and
    returns torch tensors if any input was one, else NumPy arrays (a tuple
    for several outputs).
    """

    def __init__(self, stages, pipeline, executable, func_name):
        self._stages = stages
        self.pipeline = pipeline
        self.executable = executable
        self.func_name = func_name

    @property
    def stages(self):
        """The stages of ``STAGES`` this module went through."""
        return [stage for stage in STAGES
                if stage in self._stages or stage == "lowered"]

    def mlir(self, stage="fold-scales"):
        """The module's MLIR text after ``stage`` (one of ``stages``):
        "imported" (torch-mlir's output), "insert-casts", "fold-scales",
        "passes" (after the extra passes) or "lowered" (the LLVM dialect the
        JIT compiled)."""
        if stage == "lowered" and stage not in self._stages:
            last = self._stages[self.stages[-2]]
            module = parse(last)
            module.run(self.pipeline)
            self._stages[stage] = str(module)
        if stage not in self._stages:
            raise ValueError(
                f"no stage {stage!r}; this module has "
                f"{', '.join(self.stages)}")
        return self._stages[stage]

    def __call__(self, *inputs):
        as_torch = any(isinstance(value, torch.Tensor) for value in inputs)
        arrays = [value.detach().cpu().numpy()
                  if isinstance(value, torch.Tensor) else value
                  for value in inputs]
        outputs = self.executable.invoke(self.func_name, *arrays)
        if not as_torch:
            return outputs
        if isinstance(outputs, tuple):
            return tuple(torch.from_numpy(np.asarray(o)) for o in outputs)
        return torch.from_numpy(np.asarray(outputs))


def compile(model, *example_inputs, recipe="ocp", scaling="row",
            target="host", keep_first_last=False, insert_casts=None,
            passes=None, opt_level=2, func_name="main", threads=None):
    """Compiles ``model`` (an ``nn.Module``, in the mode it is in: call
    ``model.eval()`` for inference) for the shapes of ``example_inputs``;
    or, given ``export()``'s MLIR text as ``model`` and no inputs, that
    module (to compile one export in several configurations).

    recipe:          ``"ocp"`` (E4M3FN), ``"hfp8"`` or ``"hif8"`` (the
                     recipes of ``fp8-insert-casts``), or None for no fp8:
                     the model in f32 through the same pipeline.
    scaling:         ``"tensor"``, ``"row"``, ``"block1x128"``,
                     ``"block128x128"`` or ``"mx32"``.
    target:          the CPU target of ``fp8-cpu-pipeline``: ``"host"``
                     (the fastest for this CPU, ``best_cpu_target()``;
                     ``"native"`` is another name for it), ``"generic"``,
                     ``"avx512"``, ``"avx512-bf16"`` or ``"amx"``.
    keep_first_last: leave the first and last contraction in high precision.
    insert_casts:    further ``fp8-insert-casts`` options, e.g.
                     ``{"margin": 2, "min-flops": 10**6}``.
    passes:          a pass pipeline run after ``fp8-fold-scales``, as on
                     the ``fp8-opt`` command line: ``"canonicalize,cse"``.
    threads:         threads of the compiled code (``fp8mlir.jit``'s
                     ``threads``; None: the OpenMP runtime's count);
                     ``module.executable.threads`` changes it later.
    Errors (an unsupported op, a bad option) raise ``fp8mlir.MLIRError``.
    """
    if target == "native":
        target = "host"
    if target not in _CPU_TARGETS:
        raise ValueError(f"unknown CPU target {target!r}; the targets are "
                         f"{', '.join(_CPU_TARGETS)} and native")
    stages = {}
    module = _import_and_cast(model, example_inputs, recipe, scaling,
                              keep_first_last, insert_casts, passes,
                              func_name, stages)
    pipeline = f"fp8-cpu-pipeline{{target={target}}}"
    executable = jit(module, pipeline=pipeline, opt_level=opt_level,
                     threads=threads)
    return CompiledModule(stages, pipeline, executable, func_name)


def compile_gpu(model, *example_inputs, chip="sm_90a", recipe="ocp",
                scaling="row", keep_first_last=False, insert_casts=None,
                passes=None, host="llvm", func_name="main"):
    """Compiles ``model`` (as ``compile`` takes it: an ``nn.Module`` with
    example inputs, or ``export()``'s MLIR text) for an NVIDIA GPU with
    ``fp8-gpu-pipeline{chip=...}``, and returns the lowered module's MLIR
    text: with ``host="llvm"`` host functions in the LLVM dialect that
    launch the kernels through the CUDA runtime wrapper
    (``libfp8_cuda_runtime``), the kernels cubins in ``gpu.binary`` ops;
    upstream ``mlir-translate --mlir-to-llvmir`` makes LLVM IR of it, to be
    built into an object or shared library and run on a machine with a GPU
    (this one needs the CUDA toolkit's ``ptxas`` only). ``host="none"``
    keeps the host functions on memrefs, as ``gpu/harness.py`` reads them.

    chip:            ``"sm_89"`` (Ada), ``"sm_90a"`` (Hopper) or another
                     ``sm_<N>`` / ``sm_<N>a`` from sm_89 on.
    The other arguments are ``compile``'s. Errors (an unsupported op, a bad
    option, no ptxas) raise ``fp8mlir.MLIRError``.
    """
    if host not in ("llvm", "none"):
        raise ValueError(f"unknown host {host!r}; expected 'llvm' or 'none'")
    module = _import_and_cast(model, example_inputs, recipe, scaling,
                              keep_first_last, insert_casts, passes,
                              func_name, {})
    module.run(f"fp8-gpu-pipeline{{chip={chip} host={host}}}")
    return str(module)
