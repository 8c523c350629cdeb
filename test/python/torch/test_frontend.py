"""fp8mlir.torch: what a user calls (compile, stages, inputs and outputs,
options) and the errors they get."""

import numpy as np
import pytest
import torch
from torch import nn

import fp8mlir
import fp8mlir.torch


class TwoOutputs(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Linear(32, 64)
        self.middle = nn.Linear(64, 64)
        self.last = nn.Linear(64, 16)

    def forward(self, x):
        hidden = torch.relu(self.middle(torch.relu(self.first(x))))
        return self.last(hidden), hidden.sum(dim=-1)


@pytest.fixture(scope="module")
def model():
    torch.manual_seed(0)
    return TwoOutputs().eval(), torch.randn(8, 32)


def test_torch_in_torch_out_numpy_in_numpy_out(model):
    module, x = model
    compiled = fp8mlir.torch.compile(module, x, recipe=None)
    with torch.no_grad():
        expected = module(x)
    out, total = compiled(x)
    assert isinstance(out, torch.Tensor) and isinstance(total, torch.Tensor)
    torch.testing.assert_close(out, expected[0], rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(total, expected[1], rtol=1e-5, atol=1e-4)
    out, total = compiled(x.numpy())
    assert isinstance(out, np.ndarray) and out.shape == (8, 16)
    np.testing.assert_allclose(out, expected[0].numpy(), rtol=1e-5,
                               atol=1e-5)


def test_stages_show_the_pipeline(model):
    module, x = model
    compiled = fp8mlir.torch.compile(module, x, recipe="hif8",
                                     scaling="tensor", passes="cse")
    assert compiled.stages == ["imported", "insert-casts", "fold-scales",
                               "passes", "lowered"]
    assert "linalg.matmul" in compiled.mlir("imported")
    assert "dense_resource" in compiled.mlir("imported")
    assert "fp8.amax" in compiled.mlir("insert-casts")
    assert compiled.mlir("fold-scales").count("fp8.scaled_matmul") == 3
    assert "!fp8.hif8" in compiled.mlir("fold-scales")
    lowered = compiled.mlir("lowered")
    assert "llvm.func @main" in lowered and "linalg." not in lowered
    # Every stage parses back.
    for stage in compiled.stages:
        fp8mlir.parse(compiled.mlir(stage))
    with pytest.raises(ValueError, match="no stage 'typo'"):
        compiled.mlir("typo")


def test_f32_has_no_fp8_stages(model):
    module, x = model
    compiled = fp8mlir.torch.compile(module, x, recipe=None)
    assert compiled.stages == ["imported", "lowered"]
    with pytest.raises(ValueError, match="no stage 'fold-scales'"):
        compiled.mlir("fold-scales")


def test_options_reach_insert_casts(model):
    module, x = model
    compiled = fp8mlir.torch.compile(module, x, keep_first_last=True)
    assert compiled.mlir("fold-scales").count("fp8.scaled_matmul") == 1
    compiled = fp8mlir.torch.compile(module, x,
                                     insert_casts={"min_flops": 10**9})
    assert "fp8.scaled_matmul" not in compiled.mlir("fold-scales")
    compiled = fp8mlir.torch.compile(module, x, scaling="mx32")
    assert "f8E8M0FNU" in compiled.mlir("fold-scales")


def test_one_export_compiles_in_several_configurations(model):
    module, x = model
    exported = fp8mlir.torch.export(module, x)
    with torch.no_grad():
        expected = module(x)[0]
    for recipe in ("ocp", "hfp8", "hif8"):
        out = fp8mlir.torch.compile(exported, recipe=recipe)(x)[0]
        error = torch.linalg.norm(out - expected) / torch.linalg.norm(expected)
        assert error < 0.1, recipe
    with pytest.raises(ValueError, match="no example inputs"):
        fp8mlir.torch.compile(exported, x)


def test_host_target_is_the_default(model):
    assert fp8mlir.torch.best_cpu_target() == fp8mlir.host_cpu_target()
    assert fp8mlir.torch.best_cpu_target() in (
        "generic", "avx512", "avx512-bf16", "amx")
    module, x = model
    exported = fp8mlir.torch.export(module, x)
    host = fp8mlir.torch.compile(exported)
    assert host.pipeline == "fp8-cpu-pipeline{target=host}"
    assert fp8mlir.torch.compile(exported, target="native").pipeline == \
        host.pipeline
    resolved = fp8mlir.torch.compile(
        exported, target=fp8mlir.torch.best_cpu_target())
    assert host.mlir("lowered") == resolved.mlir("lowered")
    for ours, theirs in zip(host(x), resolved(x)):
        assert torch.equal(ours, theirs)


def test_errors(model):
    module, x = model
    with pytest.raises(ValueError, match="unknown CPU target 'sm_90a'"):
        fp8mlir.torch.compile(module, x, target="sm_90a")
    with pytest.raises(fp8mlir.MLIRError, match="recipe"):
        fp8mlir.torch.compile(module, x, recipe="e3m4")
    with pytest.raises(fp8mlir.MLIRError, match="invalid pass pipeline"):
        fp8mlir.torch.compile(module, x, passes="no-such-pass")
    with pytest.raises(ValueError, match="need a recipe"):
        fp8mlir.torch.compile(module, x, recipe=None, keep_first_last=True)
    compiled = fp8mlir.torch.compile(module, x)
    with pytest.raises(ValueError, match="shape"):
        compiled(torch.randn(4, 32))
    with pytest.raises(TypeError, match="takes 1 arguments"):
        compiled(x, x)
