"""Shared fixtures of the torch frontend tests: the example model families
(examples/torch_models.py), each exported once per session."""

import os
import sys

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("torch_mlir")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..",
                                "examples"))
import torch_models  # noqa: E402

import fp8mlir.torch  # noqa: E402

_exported = {}


@pytest.fixture
def exported():
    """``exported(name)``: (MLIR text, example inputs, PyTorch f32 output)
    of model family ``name``."""
    def get(name):
        if name not in _exported:
            model, inputs = torch_models.make(name)
            with torch.no_grad():
                reference = model(*inputs)
            _exported[name] = (fp8mlir.torch.export(model, *inputs), inputs,
                               reference)
        return _exported[name]
    return get
