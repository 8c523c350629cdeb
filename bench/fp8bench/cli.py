"""The command line of bench/cpu.py: runs the suites, prints their tables
and writes their records to the JSON file."""

import argparse
import json
import os
import shutil
import tempfile
import time

from .conversion import conversion_suite
from .host import cpu_model
from .matmul import matmul_suite
from .quantize import quantize_suite
from .report import print_table
from .runner import ROOT, Tools, log

SUITES = {"conversion": conversion_suite, "matmul": matmul_suite,
          "quantize": quantize_suite}


def main(description):
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--suite", action="append", choices=sorted(SUITES),
                    help="suite to run (repeatable; default: all)")
    ap.add_argument("--elements", type=int, default=16 << 20,
                    help="elements per array (default 16M: 64 MiB of f32)")
    ap.add_argument("--rounds", type=int, default=100,
                    help="timed calls per kernel after a warm-up (default 100)")
    ap.add_argument("--apfloat-elements", type=int, default=1 << 20,
                    help="elements for upstream's APFloat path (default 1M)")
    ap.add_argument("--apfloat-rounds", type=int, default=5,
                    help="timed calls per APFloat kernel (default 5)")
    ap.add_argument("--l2-elements", type=int, default=32 << 10,
                    help="elements per array for the in-cache ceiling (default 32K)")
    ap.add_argument("--l2-calls", type=int, default=256,
                    help="calls per in-cache timing (default 256)")
    ap.add_argument("--l2-rounds", type=int, default=20,
                    help="in-cache timings per kernel (default 20)")
    ap.add_argument("--mm-size", type=int, default=1024,
                    help="M = N = K of the scaled-matmul figures (default 1024)")
    ap.add_argument("--mm-target", action="append",
                    choices=("generic", "avx512", "avx512-bf16", "amx"),
                    help="fp8-cpu-pipeline target of the scaled matmuls (repeatable; "
                         "default: every target this CPU runs)")
    ap.add_argument("--mm-rounds", type=int, default=10,
                    help="timed calls per matmul kernel per run (default 10)")
    ap.add_argument("--mm-large", type=int, default=4096,
                    help="second, large size (default 4096; 0: skip)")
    ap.add_argument("--mm-large-rounds", type=int, default=2,
                    help="timed calls per kernel at the large size, one run (default 2)")
    ap.add_argument("--mm-upstream-size", type=int, default=1024,
                    help="size of the upstream scalar-loop f32 matmul (default 1024)")
    ap.add_argument("--mm-upstream-rounds", type=int, default=1,
                    help="timed calls of the upstream f32 matmul, one run (default 1)")
    ap.add_argument("--quant-size", type=int, default=4096,
                    help="rows = columns of the per-row quantization and amax "
                         "figures (default 4096)")
    ap.add_argument("--quant-rounds", type=int, default=10,
                    help="timed calls per quantize-suite figure (default 10)")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each program, timings pooled (default 3)")
    ap.add_argument("--scrub-mib", type=int, default=96,
                    help="scratch buffer read before each DRAM timing to leave "
                         "the caches clean (default 96 MiB, 3x this L3; 0: none)")
    ap.add_argument("--stat", choices=("best", "median"), default="best",
                    help="which timing each figure reports (default: best; the "
                         "machine may be shared and noisy)")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads of fp8-cpu-pipeline's parallel loops "
                         "(OMP_NUM_THREADS, pinned to as many CPUs; default 1)")
    ap.add_argument("--quick", action="store_true",
                    help="small arrays, few rounds: a smoke test, not a measurement")
    ap.add_argument("--output", default=os.path.join(ROOT, "bench", "results", "cpu.json"))
    ap.add_argument("--fp8-opt", help="default: build/bin/fp8-opt")
    ap.add_argument("--llvm-bin", help="default: mlir-runner's directory, else /usr/lib/llvm-22/bin")
    ap.add_argument("--keep", metavar="DIR",
                    help="keep the generated MLIR, outputs and JIT objects in DIR")
    args = ap.parse_args()
    if args.quick:
        args.elements, args.apfloat_elements = 1 << 20, 1 << 16
        args.rounds, args.apfloat_rounds, args.l2_rounds, args.repeat = 3, 1, 2, 1
        args.mm_size, args.mm_rounds, args.mm_large, args.mm_upstream_size = 256, 2, 0, 256
        args.quant_size, args.quant_rounds = 1024, 2
    if not 1 <= args.threads <= len(os.sched_getaffinity(0)):
        ap.error(f"--threads must be between 1 and this process's "
                 f"{len(os.sched_getaffinity(0))} CPUs")
    tools = Tools(args)

    workdir = args.keep or tempfile.mkdtemp(prefix="fp8-bench-")
    os.makedirs(workdir, exist_ok=True)
    start = time.time()
    try:
        suites = [SUITES[s](tools, args, workdir) for s in (args.suite or sorted(SUITES))]
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    threads = "single thread" if args.threads == 1 else f"{args.threads} threads"
    print(f"CPU: {cpu_model()}; {threads}; mlir-runner -O3 from {tools.llvm_bin}")
    for s in suites:
        print_table(s)
    print(f"\ntotal {time.time() - start:.0f} s")

    records = [r for s in suites for r in s["records"]]
    for record in records:
        record.setdefault("threads", args.threads)
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(records, f, indent=1)
        f.write("\n")
    log(f"wrote {len(records)} records to {os.path.relpath(args.output)}")

