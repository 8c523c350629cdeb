"""The matmul suite's peers: what a user would run instead of our scaled
matmul (torch bf16 matmul, which is oneDNN's AMX / AVX-512 BF16 kernel where
the CPU has them; torch and NumPy f32 matmul), measured in this run with 1
and 2 threads, each thread count in its own child process (the libraries
read their thread counts when they load) pinned to that many CPUs. A peer
whose package is not installed is skipped with a note. Also: our programs
run with OMP_NUM_THREADS threads on as many pinned CPUs."""

import json
import os
import shutil
import subprocess
import sys
import time

from .runner import Program, log, parse_output

# Run in the child: prints one JSON object {"peer size": seconds per call}
# (best of `rounds` calls after a warm-up call) and {"skipped": [why]}.
CHILD = r"""
import json, sys, time
sizes, rounds, threads = json.loads(sys.argv[1])
out, skipped = {}, []

def best(fn, n):
    fn()
    ts = []
    # Fewer calls for the large sizes (about 2 TFLOP per peer at most).
    for _ in range(max(2, min(rounds, int(2e12 / (2 * n ** 3))))):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return min(ts)

try:
    import torch
    torch.set_num_threads(threads)
    for n in sizes:
        for dtype, tag in ((torch.bfloat16, "torch_bf16"), (torch.float32, "torch_f32")):
            a = torch.randn(n, n).to(dtype)
            b = torch.randn(n, n).to(dtype)
            out[f"{tag} {n}"] = best(lambda: torch.matmul(a, b), n)
except ImportError as e:
    skipped.append(f"torch: {e}")
try:
    import numpy as np
    for n in sizes:
        a = np.random.default_rng(0).standard_normal((n, n), dtype=np.float32)
        b = np.random.default_rng(1).standard_normal((n, n), dtype=np.float32)
        out[f"numpy_f32 {n}"] = best(lambda: a @ b, n)
except ImportError as e:
    skipped.append(f"numpy: {e}")
print(json.dumps({"times": out, "skipped": skipped}))
"""

PEERS = {
    "torch_bf16": "torch bf16 matmul (oneDNN)",
    "torch_f32": "torch f32 matmul",
    "numpy_f32": "NumPy f32 matmul (its BLAS)",
}

THREAD_ENV = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS")


def pinned_cpus(threads):
    """`threads` CPUs of this process's affinity set (the highest ones, as the
    single-thread runs use), or None if it has fewer."""
    if not hasattr(os, "sched_getaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))
    return cpus[-threads:] if len(cpus) >= threads else None


def measure_peers(sizes, rounds, thread_counts):
    """{(peer, size, threads): seconds per call} and notes on skipped peers."""
    times, notes = {}, []
    for threads in thread_counts:
        cpus = pinned_cpus(threads)
        if cpus is None:
            notes.append(f"peers with {threads} threads not run: fewer CPUs available")
            continue
        env = dict(os.environ, **{k: str(threads) for k in THREAD_ENV})
        cmd = [sys.executable, "-c", CHILD, json.dumps([sizes, rounds, threads])]
        if shutil.which("taskset"):
            cmd = ["taskset", "-c", ",".join(map(str, cpus))] + cmd
        log(f"running matmul peers, {threads} thread(s) on CPUs {cpus}: "
            f"{', '.join(map(str, sizes))}")
        start = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        log(f"  {time.time() - start:.1f} s")
        if proc.returncode != 0:
            notes.append(f"matmul peers with {threads} threads failed: "
                         f"{proc.stderr.strip()[-300:]}")
            continue
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        for key, t in result["times"].items():
            peer, size = key.split()
            times[(peer, int(size), threads)] = t
        for why in result["skipped"]:
            note = f"peer skipped (not installed): {why}"
            if note not in notes:
                notes.append(note)
    return times, notes


class ThreadedProgram(Program):
    """A Program run by mlir-runner with OMP_NUM_THREADS=`threads`, pinned to
    as many CPUs (threads = 1 is Program's own run)."""

    def __init__(self, name, source, opt, passes, shared_libs, threads):
        super().__init__(name, source, opt, passes, shared_libs)
        self.threads = threads

    def run(self, tools, workdir):
        if self.threads == 1:
            return super().run(tools, workdir)
        self.object = os.path.join(workdir, self.name + ".o")
        cmd = [tools.mlir_runner, self.lowered, "-e", "main",
               "-entry-point-result=void", "-O3",
               "-shared-libs=" + ",".join(self.shared_libs)]
        cpus = pinned_cpus(self.threads)
        if shutil.which("taskset") and cpus:
            cmd = ["taskset", "-c", ",".join(map(str, cpus))] + cmd
        env = dict(os.environ, OMP_NUM_THREADS=str(self.threads))
        start = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            sys.exit(f"bench: running {self.name} failed ({proc.returncode}):\n"
                     f"{proc.stderr[-4000:]}")
        self.wall_s = time.time() - start
        with open(os.path.join(workdir, self.name + ".out"), "w") as f:
            f.write(proc.stdout)
        return parse_output(proc.stdout)
