"""Every model family compiles through the torch frontend for NVIDIA GPUs
(``fp8mlir.torch.compile_gpu``): for sm_89 and sm_90a, to a module whose
host code is the LLVM dialect and whose kernels are cubins, which upstream
``mlir-translate --mlir-to-llvmir`` accepts. Running it needs a GPU (see
test/Integration/GPU); this needs the CUDA toolkit's ptxas.

By default a few configurations per family; with FP8_GPU_FULL=1
(``cmake --build build --target check-fp8-gpu-full``) every recipe x
scaling x chip.
"""

import itertools
import os
import re
import shutil
import subprocess

import pytest

import fp8mlir.torch
import torch_models

if not shutil.which("ptxas", path=os.environ.get("PATH", "") + os.pathsep
                    + "/usr/local/cuda/bin"):
    pytest.skip("no ptxas (CUDA toolkit)", allow_module_level=True)

# (name, recipe, scaling, chip); a recipe of None is f32 through the same
# pipeline. By default one configuration per family, the families taking
# turns over both chips, both recipes and two scalings.
_TURNS = [("ocp", "row", "sm_89"), ("hif8", "tensor", "sm_90a"),
          ("hfp8", "block1x128", "sm_90a"), ("ocp", "mx32", "sm_89")]
DEFAULT = [(name, *_TURNS[i % len(_TURNS)])
           for i, name in enumerate(torch_models.NAMES)]
FULL = [(name, *config) for name in torch_models.NAMES for config in
        [(None, None, chip) for chip in ("sm_89", "sm_90a")] + list(
            itertools.product(["ocp", "hfp8", "hif8"],
                              ["tensor", "row", "block1x128", "mx32"],
                              ["sm_89", "sm_90a"]))]
CONFIGS = FULL if os.environ.get("FP8_GPU_FULL") else DEFAULT

MLIR_TRANSLATE = os.environ.get("MLIR_TRANSLATE", "mlir-translate")


def check_lowered(text):
    """Host code in LLVM, kernels as cubins, nothing else left."""
    assert not re.search(r"^\s*func\.func ", text, re.MULTILINE)
    assert not re.search(r"\b(memref|scf|linalg|fp8)\.\w+", text)
    assert re.search(r"^\s*llvm\.func @main\(", text, re.MULTILINE)
    assert "gpu.launch_func" in text
    assert re.search(r'gpu\.binary @\w+ +\[#gpu\.object<#nvvm\.target<.*bin = "\\7FELF',
                     text)
    translated = subprocess.run([MLIR_TRANSLATE, "--mlir-to-llvmir"],
                                input=text, capture_output=True, text=True)
    assert translated.returncode == 0, translated.stderr[-2000:]
    assert "call void @mgpuLaunchKernel(" in translated.stdout


@pytest.mark.parametrize("name,recipe,scaling,chip", CONFIGS,
                         ids=lambda v: str(v).lower())
def test_model_compiles_for_gpu(name, recipe, scaling, chip, exported):
    mlir, _, _ = exported(name)
    lowered = fp8mlir.torch.compile_gpu(mlir, chip=chip, recipe=recipe,
                                        scaling=scaling or "row")
    check_lowered(lowered)


def test_bad_host():
    with pytest.raises(ValueError, match="unknown host"):
        fp8mlir.torch.compile_gpu("module {}", host="cpu")
