#!/usr/bin/env python3
"""Real PyTorch models through the torch frontend: error and time against
PyTorch, in the same run.

For each model family of examples/torch_models.py (exported by torch-mlir
with random weights from a fixed seed) and each configuration (f32 through
our pipeline, then fp8 recipes x scalings), compiles the model with
fp8mlir.torch on one CPU target and prints its relative L2 and max abs error
against PyTorch f32, its compile time (export + passes + JIT), and its
median time per call beside PyTorch f32's (and bf16's, where the CPU has
AVX-512 BF16) at each thread count of --threads, timed interleaved in rounds
(every configuration and peer once per round). The compiled code runs on as
many threads as PyTorch (fp8mlir's ``threads``: its OpenMP loops). Ends with
geometric means over the models; writes bench/results/models.json.

    PYTHONPATH=build/python_packages .venv/bin/python bench/models.py
        [--models mlp,gpt2] [--target native] [--threads 1,2] [--repeat 10]
        [--configs f32,ocp/row,hif8/row] [--seeds N] [--json PATH]

A configuration is ``f32`` or ``RECIPE/SCALING[/OPTION=VALUE...]``, the
options going to fp8-insert-casts (``hif8/row/target-max=15``). With
``--seeds N`` each model is drawn N times (weights and inputs from seeds
0..N-1) and the errors are the mean over the draws (times: seed 0).
"""

import argparse
import copy
import json
import math
import os
import platform
import statistics
import sys
import time

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
# Two OpenMP runtimes share this process (PyTorch's and the LLVM one the
# compiled code runs on), timed interleaved: threads that spin after a
# parallel region (both runtimes' default) take the cores the other one's
# next call needs (on 2 vCPUs, PyTorch's 2-thread MLP took 32 ms instead of
# 0.3). Idle threads sleep instead, unless the environment says otherwise;
# before either runtime starts.
os.environ.setdefault("OMP_WAIT_POLICY", "passive")

import torch  # noqa: E402

import fp8mlir.torch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "examples"))
import torch_models  # noqa: E402

DEFAULT_CONFIGS = "f32,ocp/tensor,ocp/row,hif8/tensor,hif8/row"


def interleaved_times(functions, rounds):
    """The median time in seconds of each of ``functions`` ({name:
    callable}), timed in interleaved rounds (each round calls every function
    once, after one warm-up call each) so that noise on a shared machine
    falls on all of them alike."""
    for function in functions.values():
        function()
    times = {name: [] for name in functions}
    for _ in range(rounds):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def has_bf16():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            return any(line.startswith("flags") and "avx512_bf16" in line
                       for line in cpuinfo)
    except OSError:
        return False


def geometric_mean(values):
    return math.exp(statistics.mean(map(math.log, values)))


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
    parser.add_argument("--threads", default="1,2",
                        help="thread counts, PyTorch's and ours")
    parser.add_argument("--repeat", type=int, default=10,
                        help="timed rounds")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--json",
                        default=os.path.join(ROOT, "bench", "results",
                                             "models.json"))
    args = parser.parse_args()
    target = args.target
    if target == "native":
        target = fp8mlir.torch.best_cpu_target()
    threads = [int(t) for t in args.threads.split(",")]
    bf16 = has_bf16()
    print(f"CPU: {cpu_model()}; fp8-cpu-pipeline{{target={target}}}; "
          f"PyTorch {torch.__version__} f32"
          f"{' and bf16' if bf16 else ''} with {args.threads} threads; "
          f"OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}")
    header = ["model", "configuration", "rel L2", "max abs err",
              "compile s", "threads", "ours ms", "torch f32 ms",
              "torch f32 / ours"]
    if bf16:
        header += ["torch bf16 ms", "torch bf16 / ours"]
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
            exported, export_time = timed(
                lambda: fp8mlir.torch.export(model, *inputs))
            draws.append((model, inputs, reference, exported))
        model, inputs, reference, _ = draws[0]
        compiled, results = {}, {}
        for config in configs:
            recipe, scaling, options = parse_config(config)
            errors, max_errors = [], []
            for seed, (_, seed_inputs, seed_reference, exported) in \
                    enumerate(draws):
                module, compile_time = timed(lambda: fp8mlir.torch.compile(
                    exported, recipe=recipe, scaling=scaling or "row",
                    target=target, insert_casts=options))
                out = module(*seed_inputs)
                errors.append(float(
                    torch.linalg.norm(out - seed_reference) /
                    torch.linalg.norm(seed_reference)))
                max_errors.append(float((out - seed_reference).abs().max()))
                if seed == 0:
                    compiled[config] = module
                    first_compile = export_time + compile_time
            results[config] = {"rel_l2": statistics.mean(errors),
                               "max_abs_err": statistics.mean(max_errors),
                               "compile_s": first_compile}

        peers = {"torch f32": (model, inputs)}
        if bf16:
            peers["torch bf16"] = (
                copy.deepcopy(model).to(torch.bfloat16),
                tuple(x.to(torch.bfloat16) for x in inputs))
        for count in threads:
            torch.set_num_threads(count)
            for module in compiled.values():
                module.executable.threads = count
            functions = {config: (lambda m=module: m(*inputs))
                         for config, module in compiled.items()}
            for peer, (peer_model, peer_inputs) in peers.items():
                functions[peer] = (
                    lambda m=peer_model, x=peer_inputs: m(*x))
            with torch.no_grad():
                times = interleaved_times(functions, args.repeat)
            for config in configs:
                result = results[config]
                ours = times[config]
                row = [name, config, f"{result['rel_l2']:.3g}",
                       f"{result['max_abs_err']:.3g}",
                       f"{result['compile_s']:.1f}", str(count),
                       f"{ours * 1e3:.3f}"]
                record = dict(model=name, config=config, target=target,
                              seeds=args.seeds, threads=count,
                              torch_threads=count,
                              ours_s=ours, **result)
                for peer in peers:
                    row += [f"{times[peer] * 1e3:.3f}",
                            f"{times[peer] / ours:.2f}"]
                    record[peer.replace(" ", "_") + "_s"] = times[peer]
                print("| " + " | ".join(row) + " |", flush=True)
                records.append(record)

    print()
    print("Geometric means over the models (torch / ours > 1: we are "
          "faster):")
    for config in configs:
        rows = [r for r in records if r["config"] == config]
        errors = [r["rel_l2"] for r in rows if r["torch_threads"] == threads[0]]
        line = f"  {config}: rel L2 " + (
            f"{geometric_mean(errors):.4f}" if all(errors) else "0")
        for count in threads:
            ratios = [r["torch_f32_s"] / r["ours_s"] for r in rows
                      if r["torch_threads"] == count]
            line += f", torch f32 ({count}T) / ours {geometric_mean(ratios):.2f}"
        print(line)
    if args.json:
        with open(args.json, "w") as out:
            json.dump({"cpu": cpu_model(), "torch": torch.__version__,
                       "records": records}, out, indent=1)
            out.write("\n")


if __name__ == "__main__":
    main()
