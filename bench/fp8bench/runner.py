"""The tools, and one MLIR program: lowered by an opt tool, JIT-compiled
and run by mlir-runner, its printed timings and hashes parsed."""

import os
import shutil
import struct
import subprocess
import sys
import time

# The repository's root (bench/fp8bench/ is two levels down).
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


class Tools:
    """fp8-opt, the LLVM/MLIR 22 tools and the runtime libraries."""

    def __init__(self, args):
        self.fp8_opt = args.fp8_opt or os.path.join(ROOT, "build", "bin", "fp8-opt")
        llvm_bin = args.llvm_bin
        if not llvm_bin:
            found = shutil.which("mlir-runner")
            llvm_bin = (os.path.dirname(os.path.realpath(found)) if found
                        else "/usr/lib/llvm-22/bin")
        self.llvm_bin = llvm_bin
        llvm_lib = os.path.join(os.path.dirname(llvm_bin), "lib")
        self.mlir_opt = os.path.join(llvm_bin, "mlir-opt")
        self.mlir_runner = os.path.join(llvm_bin, "mlir-runner")
        self.objdump = os.path.join(llvm_bin, "llvm-objdump")
        self.c_runner_utils = os.path.join(llvm_lib, "libmlir_c_runner_utils.so")
        # The LLVM OpenMP runtime: fp8-cpu-pipeline's code runs its parallel
        # loops on threads through it (OMP_NUM_THREADS=--threads).
        self.omp_runtime = os.path.join(llvm_lib, "libomp.so")
        self.threads = getattr(args, "threads", 1)
        # Asks Linux for the AMX tile state when loaded (target=amx code).
        self.fp8_runtime = os.path.join(os.path.dirname(self.fp8_opt), "..", "lib",
                                        "libfp8_runtime.so")
        # --convert-arith-to-apfloat emits calls to _mlir_apfloat_convert & co.,
        # which this library of upstream's defines.
        self.apfloat_wrappers = os.path.join(llvm_lib, "libmlir_apfloat_wrappers.so")
        for path in (self.fp8_opt, self.mlir_opt, self.mlir_runner,
                     self.c_runner_utils, self.omp_runtime,
                     self.apfloat_wrappers):
            if not os.path.exists(path):
                sys.exit(f"bench: missing {path} (build the project with "
                         f"`ninja -C build`, or pass --fp8-opt / --llvm-bin)")


def run_checked(cmd, what="", env=None):
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        sys.exit(f"bench: {what or cmd[0]} failed ({proc.returncode}):\n"
                 f"$ {' '.join(cmd)}\n{proc.stderr[-4000:]}")
    return proc.stdout


class Program:
    """One MLIR program, lowered with `opt passes`, run once by mlir-runner."""

    def __init__(self, name, source, opt, passes, shared_libs):
        self.name, self.source = name, source
        self.opt, self.passes, self.shared_libs = opt, passes, shared_libs

    def lower(self, workdir):
        src = os.path.join(workdir, self.name + ".mlir")
        with open(src, "w") as f:
            f.write(self.source)
        llvm = run_checked([self.opt, src] + self.passes, what=f"lowering {self.name}")
        self.lowered = os.path.join(workdir, self.name + ".llvm.mlir")
        with open(self.lowered, "w") as f:
            f.write(llvm)
        return llvm

    def run(self, tools, workdir):
        self.object = os.path.join(workdir, self.name + ".o")
        cmd = [tools.mlir_runner, self.lowered, "-e", "main",
               "-entry-point-result=void", "-O3",
               "-shared-libs=" + ",".join(self.shared_libs),
               "-dump-object-file", "-object-filename=" + self.object]
        # --threads threads (the parallel loops of fp8-cpu-pipeline's code;
        # the rest is single-threaded), pinned to as many CPUs so that they
        # do not migrate mid-loop.
        if shutil.which("taskset") and hasattr(os, "sched_getaffinity"):
            cpus = sorted(os.sched_getaffinity(0))[-tools.threads:]
            cmd = ["taskset", "-c", ",".join(map(str, cpus))] + cmd
        env = dict(os.environ, OMP_NUM_THREADS=str(tools.threads))
        start = time.time()
        out = run_checked(cmd, what=f"running {self.name}", env=env)
        self.wall_s = time.time() - start
        with open(os.path.join(workdir, self.name + ".out"), "w") as f:
            f.write(out)
        return parse_output(out)


def run_repeated(program, tools, workdir, repeats, what):
    """Runs `program` `repeats` times (separate processes: fresh memory
    placement) and pools the timings of all runs, each run's warm-up round
    dropped. The output hashes must agree between runs."""
    times, hashes = {}, None
    for i in range(repeats):
        log(f"running {program.name} ({i + 1}/{repeats}): {what}")
        t, h = program.run(tools, workdir)
        log(f"  {program.wall_s:.1f} s")
        for key, ts in t.items():
            times.setdefault(key, []).extend(ts[1:])
        if hashes is not None and h != hashes:
            sys.exit(f"bench: {program.name} computed different outputs in two runs")
        hashes = h
    return times, hashes


def parse_output(text):
    """Parses what the generated main prints:
         T <kernel>@<phase> <rtclock before>, <rtclock after>
         H <kernel> <hash of the output prefix>
    (and P / C lines: buffer addresses, the clock chain's result, printed
    only so that the compiler must keep what produces them). rtclock's f64
    is printed as its i64 bit pattern (templates/clock.mlir): upstream's
    --convert-arith-to-apfloat turns every float op (subf included) into a
    runtime call, so the programs do no float arithmetic of their own."""

    def f64(bits):
        return struct.unpack("<d", struct.pack("<q", int(bits)))[0]

    times, hashes = {}, {}
    for line in text.splitlines():
        parts = line.replace(",", " ").split()
        if len(parts) == 4 and parts[0] == "T":
            times.setdefault(parts[1], []).append(f64(parts[3]) - f64(parts[2]))
        elif len(parts) == 3 and parts[0] == "H":
            hashes[parts[1]] = int(parts[2])
    return times, hashes
