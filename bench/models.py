#!/usr/bin/env python3
"""Real PyTorch models through the torch frontend: error and time against
PyTorch f32, in the same run.

For each model family of examples/torch_models.py (exported by torch-mlir
with random weights from a fixed seed) and each configuration (f32 through
our pipeline, then fp8 recipes x scalings), compiles the model with
fp8mlir.torch on one CPU target and prints its relative L2 error and max
abs error against PyTorch f32, its median time per call, PyTorch f32's with
one thread (the compiled code runs on one core), and their ratio. Writes
bench/results/models.json.

    PYTHONPATH=build/python_packages .venv/bin/python bench/models.py
        [--models mlp,gpt2] [--target native] [--repeat 10]
        [--configs f32,ocp/row,hif8/row] [--seeds N] [--json PATH]

A configuration is ``f32`` or ``RECIPE/SCALING[/OPTION=VALUE...]``, the
options going to fp8-insert-casts (``hif8/row/target-max=15``). With
``--seeds N`` each model is drawn N times (weights and inputs from seeds
0..N-1) and the errors are the mean over the draws (times: seed 0); the
geometric means of every configuration's relative L2 error over the models
end the table, for comparing configurations.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

import torch  # noqa: E402

import fp8mlir.torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import torch_models  # noqa: E402

DEFAULT_CONFIGS = "f32,ocp/tensor,ocp/row,hif8/tensor,hif8/row"


def median_time(function, repeat):
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def parse_config(text):
    if text == "f32":
        return None, None, {}
    recipe, scaling, *options = text.split("/")
    return recipe, scaling, dict(option.split("=", 1) for option in options)


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", default=",".join(torch_models.NAMES))
    parser.add_argument("--configs", default=DEFAULT_CONFIGS)
    parser.add_argument("--target", default="native")
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--json",
                        default=os.path.join(ROOT, "bench", "results",
                                             "models.json"))
    args = parser.parse_args()
    target = args.target
    if target == "native":
        target = fp8mlir.torch.best_cpu_target()
    torch.set_num_threads(1)
    print(f"CPU: {cpu_model()}; fp8-cpu-pipeline{{target={target}}}; "
          f"PyTorch {torch.__version__} f32, 1 thread")
    header = ("model", "configuration", "rel L2", "max abs err", "ours ms",
              "torch ms", "torch / ours")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    records = []
    configs = args.configs.split(",")
    for name in args.models.split(","):
        draws = []
        for seed in range(args.seeds):
            model, inputs = torch_models.make(name, seed)
            with torch.no_grad():
                reference = model(*inputs)
            draws.append((model, inputs, reference,
                          fp8mlir.torch.export(model, *inputs)))
        model, inputs, reference, _ = draws[0]
        with torch.no_grad():
            torch_time = median_time(lambda: model(*inputs), args.repeat)
        for config in configs:
            recipe, scaling, options = parse_config(config)
            errors, max_errors = [], []
            for seed, (model, inputs, reference, exported) in \
                    enumerate(draws):
                compiled = fp8mlir.torch.compile(
                    exported, recipe=recipe, scaling=scaling or "row",
                    target=target, insert_casts=options)
                out = compiled(*inputs)
                errors.append(float(torch.linalg.norm(out - reference) /
                                    torch.linalg.norm(reference)))
                max_errors.append(float((out - reference).abs().max()))
                if seed == 0:
                    ours = median_time(lambda: compiled(*inputs),
                                       args.repeat)
            error = statistics.mean(errors)
            max_error = statistics.mean(max_errors)
            print(f"| {name} | {config} | {error:.3g} | {max_error:.3g} | "
                  f"{ours * 1e3:.2f} | {torch_time * 1e3:.2f} | "
                  f"{torch_time / ours:.2f} |", flush=True)
            records.append({
                "model": name, "config": config, "target": target,
                "seeds": args.seeds, "rel_l2": error,
                "max_abs_err": max_error, "ours_s": ours,
                "torch_f32_1thread_s": torch_time})
    for config in configs:
        errors = [r["rel_l2"] for r in records if r["config"] == config]
        if all(errors):
            mean = math.exp(statistics.mean(map(math.log, errors)))
            print(f"| geometric mean | {config} | {mean:.4f} | | | | |")
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"cpu": cpu_model(), "torch": torch.__version__,
                       "records": records}, out, indent=1)
            out.write("\n")


if __name__ == "__main__":
    main()
