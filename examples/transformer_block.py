"""The main example: a PyTorch transformer block compiled by fp8-mlir.

PyTorch's own ``nn.TransformerEncoderLayer`` (pre-norm, GELU, d_model 256,
4 heads, feed-forward 1024; random weights from a fixed seed) on 4 sequences
of 64 tokens goes through the torch frontend (``fp8mlir.torch``: torch-mlir's
FX importer, ``fp8-insert-casts``, ``fp8-fold-scales``,
``fp8-cpu-pipeline``) in f32, in E4M3FN (OCP FP8) and in HiF8, and runs on
this CPU. The table gives each configuration's error against PyTorch f32 and
its time beside PyTorch's (f32), both on one thread.

    .venv/bin/python examples/transformer_block.py [--target T] [--repeat N]
"""

import argparse
import os
import statistics
import sys
import time

import torch

import fp8mlir.torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_models  # noqa: E402

CONFIGURATIONS = [
    ("f32 (our pipeline, no fp8)", None, None),
    ("E4M3FN, per-row scales", "ocp", "row"),
    ("E4M3FN, per-tensor scales", "ocp", "tensor"),
    ("HiF8, per-row scales", "hif8", "row"),
    ("HiF8, per-tensor scales", "hif8", "tensor"),
]


def median_time(function, repeat):
    """The median wall time in seconds of ``function()``, after a warm-up."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--target", default="native",
                        help="fp8-cpu-pipeline target (default: native, "
                        f"this CPU's best: {fp8mlir.torch.best_cpu_target()})")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    torch.manual_seed(0)
    model = torch_models.encoder_layer(dim=256, heads=4, hidden=1024).eval()
    x = torch.randn(4, 64, 256)
    torch.set_num_threads(1)
    with torch.no_grad():
        reference = model(x)
        torch_time = median_time(lambda: model(x), args.repeat)

    target = args.target
    if target == "native":
        target = fp8mlir.torch.best_cpu_target()
    print(f"nn.TransformerEncoderLayer(256, 4, 1024, GELU, pre-norm) on "
          f"{tuple(x.shape)}, fp8-cpu-pipeline{{target={target}}}")
    exported = fp8mlir.torch.export(model, x)
    rows = []
    for name, recipe, scaling in CONFIGURATIONS:
        compiled = fp8mlir.torch.compile(exported, recipe=recipe,
                                         scaling=scaling or "row",
                                         target=target, threads=1)
        out = compiled(x)
        error = float(torch.linalg.norm(out - reference) /
                      torch.linalg.norm(reference))
        max_error = float((out - reference).abs().max())
        ours = median_time(lambda: compiled(x), args.repeat)
        matmuls = compiled.mlir("fold-scales").count("fp8.scaled_matmul") \
            if recipe else 0
        rows.append((name, matmuls, error, max_error, ours))

    header = ("configuration", "fp8 matmuls", "rel. L2 vs torch",
              "max abs err", "ours ms", "torch f32 ms", "torch / ours")
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for name, matmuls, error, max_error, ours in rows:
        print(f"| {name} | {matmuls} | {error:.3g} | {max_error:.3g} | "
              f"{ours * 1e3:.2f} | {torch_time * 1e3:.2f} | "
              f"{torch_time / ours:.2f}x |")
    print()
    print("PyTorch f32 and the compiled code run on one thread "
          "(torch.set_num_threads(1), threads=1); torch / ours > 1 means "
          "fp8-mlir is faster.")


if __name__ == "__main__":
    main()
