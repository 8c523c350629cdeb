#!/usr/bin/env python3
"""CPU benchmarks of fp8-mlir's generated code, each figure next to baselines
measured in the same run. Prints one table and writes bench/results/cpu.json.

Every kernel is MLIR (memref + scf.for over vector<16x..> chunks), lowered to
the LLVM dialect, JIT-compiled at -O3 for this machine's CPU by mlir-runner,
and timed from inside the MLIR program with rtclock, single-threaded.
Baselines (the memory-bandwidth bound, upstream MLIR's lowering of the same
IR) run in the same invocation, interleaved with the kernels they bound. See
bench/README.md.

A suite returns table rows and JSON records; the table and the JSON file are
built from those alone: `conversion` (conversion throughput) and `matmul`
(fp8.scaled_matmul GFLOP/s). Python standard library only.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTOR = 16  # elements per vector<16xf32> chunk


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Tools and programs
# --------------------------------------------------------------------------


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
        # Asks Linux for the AMX tile state when loaded (target=amx code).
        self.fp8_runtime = os.path.join(os.path.dirname(self.fp8_opt), "..", "lib",
                                        "libfp8_runtime.so")
        # --convert-arith-to-apfloat emits calls to _mlir_apfloat_convert & co.,
        # which this library of upstream's defines.
        self.apfloat_wrappers = os.path.join(llvm_lib, "libmlir_apfloat_wrappers.so")
        for path in (self.fp8_opt, self.mlir_opt, self.mlir_runner,
                     self.c_runner_utils, self.apfloat_wrappers):
            if not os.path.exists(path):
                sys.exit(f"bench: missing {path} (build the project with "
                         f"`ninja -C build`, or pass --fp8-opt / --llvm-bin)")


def run_checked(cmd, what=""):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench: {what or cmd[0]} failed ({proc.returncode}):\n"
                 f"$ {' '.join(cmd)}\n{proc.stderr[-4000:]}")
    return proc.stdout


# Our lowering: the pass list of test/Integration/CPU.
FP8_LOWERING = ["-fp8-expand", "-convert-fp8-to-llvm", "-convert-scf-to-cf",
                "-expand-strided-metadata", "-lower-affine", "-convert-to-llvm",
                "-reconcile-unrealized-casts"]
# Upstream MLIR 22's only lowering of arith.truncf / arith.extf on f8 types
# (one APFloat runtime call per element), run by upstream's own mlir-opt.
UPSTREAM_LOWERING = ["--convert-arith-to-apfloat", "-convert-scf-to-cf",
                     "-expand-strided-metadata", "-lower-affine", "-convert-to-llvm",
                     "-reconcile-unrealized-casts"]


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
        # Single thread, and pinned so that it does not migrate mid-loop.
        if shutil.which("taskset") and hasattr(os, "sched_getaffinity"):
            cmd = ["taskset", "-c", str(max(os.sched_getaffinity(0)))] + cmd
        start = time.time()
        out = run_checked(cmd, what=f"running {self.name}")
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
    only so that the compiler must keep what produces them). rtclock's f64 is printed as its i64 bit pattern: upstream's
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


# --------------------------------------------------------------------------
# MLIR building blocks. Outside the kernels: integer arithmetic only (see
# parse_output).
# --------------------------------------------------------------------------

RUNTIME = """
func.func private @rtclock() -> f64

func.func @now() -> i64 attributes {passthrough = ["noinline"]} {
  %t = call @rtclock() : () -> f64
  %b = arith.bitcast %t : f64 to i64
  return %b : i64
}

// xorshift32: deterministic inputs, identical in every program.
func.func @next(%s: i32) -> i32 {
  %c13 = arith.constant 13 : i32
  %c17 = arith.constant 17 : i32
  %c5 = arith.constant 5 : i32
  %a0 = arith.shli %s, %c13 : i32
  %a = arith.xori %s, %a0 : i32
  %b0 = arith.shrui %a, %c17 : i32
  %b = arith.xori %a, %b0 : i32
  %d0 = arith.shli %b, %c5 : i32
  %d = arith.xori %b, %d0 : i32
  return %d : i32
}

// A chain of dependent 1-cycle integer ops (6 per @next): its rate is the
// core clock, used to turn elements/s into cycles per 16 elements.
func.func @clock_chain(%n: index, %s0: i32) -> i32 attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    scf.yield %s1 : i32
  }
  return %r : i32
}

// f32 inputs with random sign and mantissa and exponents uniform over
// [2^-24, 2^20): subnormal, normal and out-of-range values of every format.
func.func @fill_f32(%m: memref<?xf32>, %seed: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %m, %c0 : memref<?xf32>
  %sign_mask = arith.constant 0x80000000 : i32
  %mant_mask = arith.constant 0x007FFFFF : i32
  %c8 = arith.constant 8 : i32
  %c23 = arith.constant 23 : i32
  %c44 = arith.constant 44 : i32
  %bias = arith.constant 103 : i32
  %last = scf.for %i = %c0 to %n step %c1 iter_args(%s = %seed) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    %s2 = func.call @next(%s1) : (i32) -> i32
    %sign = arith.andi %s1, %sign_mask : i32
    %mant = arith.andi %s1, %mant_mask : i32
    %r = arith.shrui %s2, %c8 : i32
    %e0 = arith.remui %r, %c44 : i32
    %e = arith.addi %e0, %bias : i32
    %ebits = arith.shli %e, %c23 : i32
    %sm = arith.ori %sign, %mant : i32
    %bits = arith.ori %sm, %ebits : i32
    %x = arith.bitcast %bits : i32 to f32
    memref.store %x, %m[%i] : memref<?xf32>
    scf.yield %s2 : i32
  }
  return
}

func.func @fill_i32(%m: memref<?xi32>, %seed: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %m, %c0 : memref<?xi32>
  %last = scf.for %i = %c0 to %n step %c1 iter_args(%s = %seed) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    memref.store %s1, %m[%i] : memref<?xi32>
    scf.yield %s1 : i32
  }
  return
}

// Random bytes: every code of every format, NaNs included.
func.func @fill_i8(%m: memref<?xi8>, %seed: i32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c24 = arith.constant 24 : i32
  %n = memref.dim %m, %c0 : memref<?xi8>
  %last = scf.for %i = %c0 to %n step %c1 iter_args(%s = %seed) -> (i32) {
    %s1 = func.call @next(%s) : (i32) -> i32
    %hi = arith.shrui %s1, %c24 : i32
    %b = arith.trunci %hi : i32 to i8
    memref.store %b, %m[%i] : memref<?xi8>
    scf.yield %s1 : i32
  }
  return
}

func.func @sum_i32(%m: memref<?xi32>) -> i32 attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i32
  %n = memref.dim %m, %c0 : memref<?xi32>
  %s = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> (i32) {
    %x = memref.load %m[%i] : memref<?xi32>
    %y = arith.addi %acc, %x : i32
    scf.yield %y : i32
  }
  return %s : i32
}

// FNV-1a over the first %k bytes.
func.func @hash_i8(%m: memref<?xi8>, %k: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %basis = arith.constant 0xcbf29ce484222325 : i64
  %prime = arith.constant 0x100000001b3 : i64
  %h = scf.for %i = %c0 to %k step %c1 iter_args(%acc = %basis) -> (i64) {
    %b = memref.load %m[%i] : memref<?xi8>
    %w = arith.extui %b : i8 to i64
    %x = arith.xori %acc, %w : i64
    %y = arith.muli %x, %prime : i64
    scf.yield %y : i64
  }
  return %h : i64
}

// The same over f32 bit patterns, with every NaN hashed as one value
// (APFloat and our decoders need not agree on NaN payloads).
func.func @hash_f32(%m: memref<?xf32>, %k: index) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %basis = arith.constant 0xcbf29ce484222325 : i64
  %prime = arith.constant 0x100000001b3 : i64
  %abs_mask = arith.constant 0x7FFFFFFF : i32
  %inf = arith.constant 0x7F800000 : i32
  %qnan = arith.constant 0x7FC00000 : i32
  %h = scf.for %i = %c0 to %k step %c1 iter_args(%acc = %basis) -> (i64) {
    %x = memref.load %m[%i] : memref<?xf32>
    %bits = arith.bitcast %x : f32 to i32
    %abs = arith.andi %bits, %abs_mask : i32
    %is_nan = arith.cmpi ugt, %abs, %inf : i32
    %canon = arith.select %is_nan, %qnan, %bits : i32
    %w = arith.extui %canon : i32 to i64
    %y0 = arith.xori %acc, %w : i64
    %y = arith.muli %y0, %prime : i64
    scf.yield %y : i64
  }
  return %h : i64
}
"""

LOAD_F32 = "%x = vector.load %in[%i] : memref<?xf32>, vector<16xf32>"
LOAD_RB = "%r = vector.load %rb[%i] : memref<?xi32>, vector<16xi32>"
STORE_I8 = "vector.store %c, %out[%i] : memref<?xi8>, vector<16xi8>"
LOAD_I8 = "%c = vector.load %in[%i] : memref<?xi8>, vector<16xi8>"
STORE_F32 = "vector.store %y, %out[%i] : memref<?xf32>, vector<16xf32>"


class Kernel:
    """A loop over vector<16x..> chunks. kind "enc": (f32 in, i32 random
    bits, i8 out); kind "dec": (i8 in, f32 out)."""

    def __init__(self, name, kind, body, label, check=True):
        self.name, self.kind, self.body, self.label = name, kind, body, label
        self.check = check  # hash its output for the cross-program check

    def func(self):
        if self.kind == "enc":
            sig = "%in: memref<?xf32>, %rb: memref<?xi32>, %out: memref<?xi8>"
            dim = "%n = memref.dim %out, %c0 : memref<?xi8>"
        else:
            sig = "%in: memref<?xi8>, %out: memref<?xf32>"
            dim = "%n = memref.dim %out, %c0 : memref<?xf32>"
        body = "\n".join("    " + line for line in self.body.strip().splitlines())
        # noinline: each kernel stays one loop of its own, which the timing
        # code cannot merge with anything and the disassembly can find.
        return f"""
func.func @{self.name}({sig}) attributes {{passthrough = ["noinline"]}} {{
  %c0 = arith.constant 0 : index
  %c16 = arith.constant 16 : index
  {dim}
  scf.for %i = %c0 to %n step %c16 {{
{body}
  }}
  return
}}
"""

    def call(self, arrays):
        if self.kind == "enc":
            return (f"func.call @{self.name}({arrays}_f32, {arrays}_rb, {arrays}_o8) "
                    f": (memref<?xf32>, memref<?xi32>, memref<?xi8>) -> ()")
        return (f"func.call @{self.name}({arrays}_i8, {arrays}_of) "
                f": (memref<?xi8>, memref<?xf32>) -> ()")


class Phase:
    """One set of arrays of `elements` each; `rounds` timed rounds after a
    warm-up round, each round timing `calls` back-to-back calls of every
    kernel in turn (interleaving spreads machine noise over all kernels).
    With `scrub` > 0, every timing is preceded by an untimed read of a
    scratch buffer of that many i32: it writes back and evicts what the
    previous kernel left in the caches (a decode leaves 64 MiB of dirty f32
    lines), so every kernel starts from the same clean, cold state."""

    def __init__(self, tag, elements, rounds, calls=1, scrub=0):
        self.tag, self.elements, self.rounds, self.calls = tag, elements, rounds, calls
        self.scrub = scrub


CLOCK_STEPS = 5_000_000  # @next calls per clock timing (6 cycles each)


def program_source(kernels, phases, n_check, clock_phase=None):
    """The kernels and a main that runs the phases, then hashes the first
    n_check elements of each checked kernel's output (first phase's arrays).
    In each round of `clock_phase`, the clock chain is timed too, so that the
    clock is measured under the same conditions as the kernels."""
    out = [RUNTIME] + [k.func() for k in kernels]
    out.append("""
func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %seed_x = arith.constant 2463534242 : i32
  %seed_r = arith.constant 88172645 : i32
  %seed_c = arith.constant 521288629 : i32""")
    arrays = [("f32", "f32"), ("rb", "i32"), ("i8", "i8"), ("o8", "i8"), ("of", "f32")]
    for p in phases:
        a = f"%{p.tag}"
        out.append(f"  %n_{p.tag} = arith.constant {p.elements} : index")
        for suffix, ty in arrays:
            out.append(f"  {a}_{suffix} = memref.alloc(%n_{p.tag}) {{alignment = 64 : i64}}"
                       f" : memref<?x{ty}>")
            # Print the address: the buffer escapes, so LLVM must assume
            # rtclock may read it and keeps every kernel call in its place.
            out.append(f"""  %p_{p.tag}_{suffix} = memref.extract_aligned_pointer_as_index {a}_{suffix} : memref<?x{ty}> -> index
  %pi_{p.tag}_{suffix} = arith.index_cast %p_{p.tag}_{suffix} : index to i64
  vector.print str "P {p.tag}_{suffix} "
  vector.print %pi_{p.tag}_{suffix} : i64""")
        if p.scrub:
            out.append(f"""  %n_scrub_{p.tag} = arith.constant {p.scrub} : index
  {a}_scrub = memref.alloc(%n_scrub_{p.tag}) {{alignment = 64 : i64}} : memref<?xi32>
  func.call @fill_i32({a}_scrub, %seed_r) : (memref<?xi32>, i32) -> ()
  %p_{p.tag}_scrub = memref.extract_aligned_pointer_as_index {a}_scrub : memref<?xi32> -> index
  %pi_{p.tag}_scrub = arith.index_cast %p_{p.tag}_scrub : index to i64
  vector.print str "P {p.tag}_scrub "
  vector.print %pi_{p.tag}_scrub : i64""")
        out.append(f"""  func.call @fill_f32({a}_f32, %seed_x) : (memref<?xf32>, i32) -> ()
  func.call @fill_i32({a}_rb, %seed_r) : (memref<?xi32>, i32) -> ()
  func.call @fill_i8({a}_i8, %seed_c) : (memref<?xi8>, i32) -> ()
  %rounds_{p.tag} = arith.constant {p.rounds + 1} : index
  %calls_{p.tag} = arith.constant {p.calls} : index
  %clock_n_{p.tag} = arith.constant {CLOCK_STEPS} : index
  %clock_{p.tag} = scf.for %round = %c0 to %rounds_{p.tag} step %c1
      iter_args(%seed = %seed_x) -> (i32) {{""")
        if p.tag == clock_phase:
            # Each timing's seed is the previous result: no call can be
            # hoisted or merged.
            out.append(f"""    %t0_clock = func.call @now() : () -> i64
    %next_seed = func.call @clock_chain(%clock_n_{p.tag}, %seed) : (index, i32) -> i32
    %t1_clock = func.call @now() : () -> i64
    vector.print str "T clock@{p.tag} "
    vector.print %t0_clock : i64 punctuation <comma>
    vector.print %t1_clock : i64""")
        else:
            out.append("    %next_seed0 = arith.addi %seed, %seed : i32")
        acc = "%next_seed0" if p.tag != clock_phase else "%next_seed"
        for k in kernels:
            t = f"{k.name}_{p.tag}"
            if p.scrub:
                # The scrub's sum feeds the next round's seed: it stays live.
                out.append(f"""    %scrubbed_{t} = func.call @sum_i32({a}_scrub) : (memref<?xi32>) -> i32
    %acc_{t} = arith.addi {acc}, %scrubbed_{t} : i32""")
                acc = f"%acc_{t}"
            out.append(f"""    %t0_{t} = func.call @now() : () -> i64
    scf.for %j = %c0 to %calls_{p.tag} step %c1 {{
      {k.call(a)}
    }}
    %t1_{t} = func.call @now() : () -> i64
    vector.print str "T {k.name}@{p.tag} "
    vector.print %t0_{t} : i64 punctuation <comma>
    vector.print %t1_{t} : i64""")
        out.append(f"""    scf.yield {acc} : i32
  }}
  vector.print str "C clock@{p.tag} "
  vector.print %clock_{p.tag} : i32""")
    a = f"%{phases[0].tag}"
    out.append(f"  %n_check = arith.constant {n_check} : index")
    for k in kernels:
        if not k.check:
            continue
        buf, ty, fn = ((f"{a}_o8", "memref<?xi8>", "hash_i8") if k.kind == "enc"
                       else (f"{a}_of", "memref<?xf32>", "hash_f32"))
        out.append(f"""  {k.call(a)}
  %h_{k.name} = func.call @{fn}({buf}, %n_check) : ({ty}, index) -> i64
  vector.print str "H {k.name} "
  vector.print %h_{k.name} : i64""")
    for p in phases:
        for suffix, ty in arrays:
            out.append(f"  memref.dealloc %{p.tag}_{suffix} : memref<?x{ty}>")
        if p.scrub:
            out.append(f"  memref.dealloc %{p.tag}_scrub : memref<?xi32>")
    out.append("  return\n}\n")
    return "\n".join(out)


# --------------------------------------------------------------------------
# Generated-code inspection
# --------------------------------------------------------------------------


def inspect_loops(tools, obj, kernels):
    """Finds each kernel's innermost loop in the JIT-compiled object: its
    instructions per 16-element chunk (counting output stores, in case LLVM
    unrolled), and whether it uses ymm/zmm registers or calls anything. (Not
    llvm-mca: LLVM 22 schedules znver5 with its Zen 4 model, which
    double-pumps 512-bit ops, so its cycle counts are twice too pessimistic.)"""
    if not os.path.exists(tools.objdump) or not os.path.exists(obj):
        return {}
    text = run_checked([tools.objdump, "-d", "--no-show-raw-insn", obj], what="llvm-objdump")
    funcs, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            current = funcs.setdefault(m.group(1), [])
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+(\S+)\s*([^#]*)", line)
        if m and current is not None:
            current.append((int(m.group(1), 16), m.group(2), m.group(3).strip()))
    result = {}
    for k in kernels:
        insns = funcs.get(k.name, [])
        loops = []
        for addr, mnem, ops in insns:
            m = re.match(r"^(?:0x)?([0-9a-f]+)\b", ops)
            if mnem.startswith("j") and m and int(m.group(1), 16) < addr:
                target = int(m.group(1), 16)
                loops.append([i for i in insns if target <= i[0] <= addr])
        if not loops:
            continue
        body = min(loops, key=len)
        chunk_bytes = 16 if k.kind == "enc" else 64
        stored = 0
        for _, mnem, ops in body:
            reg = re.match(r"%([xyz])mm\d+, .*\)$", ops)
            if reg and (mnem.startswith("vmov") or mnem.startswith("vpmov")):
                width = {"x": 16, "y": 32, "z": 64}[reg.group(1)]
                if mnem.startswith("vpmov") and mnem.endswith("db"):
                    width //= 4  # dword -> byte truncating store
                stored += width
        chunks = stored / chunk_bytes if stored else 1
        info = {"insn_per_chunk": len(body) / chunks,
                "wide": any("zmm" in ops or "ymm" in ops for _, _, ops in body),
                "calls": sum(1 for _, mnem, _ in body if mnem.startswith("call"))}
        result[k.name] = info
    return result


# --------------------------------------------------------------------------
# Suite: conversion throughput
# --------------------------------------------------------------------------

FORMATS = {"f8E4M3FN": "f8E4M3FN", "f8E5M2": "f8E5M2", "hif8": "!fp8.hif8"}
BUILTIN = ("f8E4M3FN", "f8E5M2")
# (rounding, saturation) per format family.
OCP_MODES = [("nearest_even", "none"), ("nearest_even", "finite"),
             ("toward_zero", "none"), ("stochastic", "none")]
HIF8_MODES = [("nearest_away", "none"), ("hybrid", "none")]
# arith's spelling of the rounding modes it has.
ARITH_ROUNDING = {"nearest_even": None, "toward_zero": "toward_zero"}

TARGET_STREAM = {("f8E4M3FN", "nearest_even", "none"): 0.80,
                 ("f8E5M2", "nearest_even", "none"): 0.80,
                 ("hif8", "nearest_away", "none"): 0.65}
TARGET_APFLOAT = 30.0


def fp8_encode_body(fmt, rounding, saturation):
    ty = FORMATS[fmt]
    attrs = [f"rounding = #fp8.rounding<{rounding}>"]
    if saturation != "none":
        attrs.append(f"saturation = #fp8.saturation<{saturation}>")
    random = " random(%r : vector<16xi32>)" if rounding == "stochastic" else ""
    return "\n".join([LOAD_F32] + ([LOAD_RB] if random else []) + [
        f"%q = fp8.convert %x{random} {{{', '.join(attrs)}}} "
        f": vector<16xf32> to vector<16x{ty}>",
        f"%c = fp8.bitcast %q : vector<16x{ty}> to vector<16xi8>",
        STORE_I8])


def arith_encode_body(fmt, rounding):
    ty, mode = FORMATS[fmt], ARITH_ROUNDING[rounding]
    return "\n".join([
        LOAD_F32,
        f"%q = arith.truncf %x{' ' + mode if mode else ''} "
        f": vector<16xf32> to vector<16x{ty}>",
        f"%c = arith.bitcast %q : vector<16x{ty}> to vector<16xi8>",
        STORE_I8])


def fp8_decode_body(fmt):
    ty = FORMATS[fmt]
    return "\n".join([LOAD_I8,
                      f"%q = fp8.bitcast %c : vector<16xi8> to vector<16x{ty}>",
                      f"%y = fp8.convert %q : vector<16x{ty}> to vector<16xf32>",
                      STORE_F32])


def arith_decode_body(fmt):
    ty = FORMATS[fmt]
    return "\n".join([LOAD_I8,
                      f"%q = arith.bitcast %c : vector<16xi8> to vector<16x{ty}>",
                      f"%y = arith.extf %q : vector<16x{ty}> to vector<16xf32>",
                      STORE_F32])


# The memory-bandwidth bound: the cheapest loops with the kernels' traffic.
STREAM_ENC = "\n".join([
    LOAD_F32,
    "%b = arith.bitcast %x : vector<16xf32> to vector<16xi32>",
    "%s = arith.constant dense<24> : vector<16xi32>",
    "%h = arith.shrui %b, %s : vector<16xi32>",
    "%c = arith.trunci %h : vector<16xi32> to vector<16xi8>",
    STORE_I8])
STREAM_ENC_RB = "\n".join([
    LOAD_F32, LOAD_RB,
    "%b = arith.bitcast %x : vector<16xf32> to vector<16xi32>",
    "%a = arith.addi %b, %r : vector<16xi32>",
    "%s = arith.constant dense<24> : vector<16xi32>",
    "%h = arith.shrui %a, %s : vector<16xi32>",
    "%c = arith.trunci %h : vector<16xi32> to vector<16xi8>",
    STORE_I8])
STREAM_DEC = "\n".join([
    LOAD_I8,
    "%w = arith.extui %c : vector<16xi8> to vector<16xi32>",
    "%s = arith.constant dense<24> : vector<16xi32>",
    "%h = arith.shli %w, %s : vector<16xi32>",
    "%y = arith.bitcast %h : vector<16xi32> to vector<16xf32>",
    STORE_F32])


def conversion_suite(tools, args, workdir):
    n, n_up, n_l2 = args.elements, args.apfloat_elements, args.l2_elements
    for v in (n, n_up, n_l2):
        if v <= 0 or v % VECTOR:
            sys.exit(f"bench: element counts must be positive multiples of {VECTOR}")
    if n_up > n:
        sys.exit("bench: --apfloat-elements must not exceed --elements")

    ours, upstream, figures = [], [], []

    def kernel(kernels, name, kind, body, label, check=True):
        kernels.append(Kernel(name, kind, body, label, check))
        return kernels[-1]

    s_enc = kernel(ours, "stream_enc", "enc", STREAM_ENC,
                   "stream f32 -> u8 (read 4 B, write 1 B)", check=False)
    s_enc_rb = kernel(ours, "stream_enc_rb", "enc", STREAM_ENC_RB,
                      "stream f32 + i32 -> u8 (read 8 B, write 1 B)", check=False)
    s_dec = kernel(ours, "stream_dec", "dec", STREAM_DEC,
                   "stream u8 -> f32 (read 1 B, write 4 B)", check=False)

    for fmt in FORMATS:
        for rounding, sat in (OCP_MODES if fmt in BUILTIN else HIF8_MODES):
            tag = f"{fmt}_{rounding}" + ("" if sat == "none" else "_" + sat)
            desc = f"encode f32 -> {fmt} {rounding}" + ("" if sat == "none" else f" sat={sat}")
            stream = s_enc_rb if rounding == "stochastic" else s_enc
            k = kernel(ours, "enc_" + tag, "enc", fp8_encode_body(fmt, rounding, sat),
                       desc + " [fp8.convert]")
            fig = dict(kernel=k, fmt=fmt, rounding=rounding, sat=sat, stream=stream)
            if fmt in BUILTIN and sat == "none" and rounding in ARITH_ROUNDING:
                # The same IR in arith, through our lowering and upstream's.
                up = kernel(upstream, "up_enc_" + tag, "enc", arith_encode_body(fmt, rounding),
                            f"upstream APFloat: arith.truncf {rounding} to {fmt}")
                a = kernel(ours, "enc_" + tag + "_arith", "enc",
                           arith_encode_body(fmt, rounding), desc + " [arith.truncf]")
                figures.append(dict(fig, apfloat=up))
                figures.append(dict(fig, kernel=a, apfloat=up, same_ir=True))
            else:
                figures.append(fig)
        desc = f"decode {fmt} -> f32"
        k = kernel(ours, f"dec_{fmt}", "dec", fp8_decode_body(fmt), desc + " [fp8.convert]")
        fig = dict(kernel=k, fmt=fmt, rounding=None, sat="none", stream=s_dec)
        if fmt in BUILTIN:
            up = kernel(upstream, f"up_dec_{fmt}", "dec", arith_decode_body(fmt),
                        f"upstream APFloat: arith.extf from {fmt}")
            a = kernel(ours, f"dec_{fmt}_arith", "dec", arith_decode_body(fmt),
                       desc + " [arith.extf]")
            figures.append(dict(fig, apfloat=up))
            figures.append(dict(fig, kernel=a, apfloat=up, same_ir=True))
        else:
            figures.append(fig)

    # HiF8 encodes again with AVX-512 tables (-fp8-expand=enable-avx512, as
    # fp8-cpu-pipeline{target=avx512} lowers them), in a second program with
    # its own stream baseline; their bits must equal the portable kernels'.
    avx, same_as = [], {}
    if {"avx512f", "avx512bw"} <= cpu_flags():
        s_enc_avx = kernel(avx, "stream_enc_avx512", "enc", STREAM_ENC,
                           "stream f32 -> u8 (read 4 B, write 1 B) [AVX-512 program]",
                           check=False)
        for rounding, sat in HIF8_MODES:
            tag = f"hif8_{rounding}" + ("" if sat == "none" else "_" + sat)
            desc = f"encode f32 -> hif8 {rounding}" + ("" if sat == "none" else f" sat={sat}")
            k = kernel(avx, f"enc_{tag}_avx512", "enc", fp8_encode_body("hif8", rounding, sat),
                       desc + " [fp8.convert, enable-avx512]")
            same_as[k.name] = "enc_" + tag
            figures.append(dict(kernel=k, fmt="hif8", rounding=rounding, sat=sat,
                                stream=s_enc_avx))
    else:
        notes_avx = "AVX-512 HiF8 rows not run: this CPU lacks avx512f/avx512bw"

    phases = [Phase("dram", n, args.rounds, scrub=args.scrub_mib << 18),
              Phase("l2", n_l2, args.l2_rounds, args.l2_calls)]
    p_ours = Program("conversion-fp8",
                     program_source(ours, phases, n_up, clock_phase="l2"),
                     tools.fp8_opt, FP8_LOWERING, [tools.c_runner_utils])
    p_up = Program("conversion-upstream",
                   program_source(upstream, [Phase("dram", n_up, args.apfloat_rounds,
                                                   scrub=args.scrub_mib << 18)], n_up),
                   tools.mlir_opt, UPSTREAM_LOWERING,
                   [tools.apfloat_wrappers, tools.c_runner_utils])
    lowered_ours = p_ours.lower(workdir)
    lowered_up = p_up.lower(workdir)
    # Our kernels call nothing; upstream's call APFloat once per element.
    if "_mlir_apfloat" in lowered_ours:
        sys.exit("bench: our lowering left an APFloat call behind")
    if lowered_up.count("llvm.call @_mlir_apfloat_convert") != VECTOR * len(upstream):
        sys.exit("bench: upstream's lowering is not one APFloat call per element")

    t_up, h_up = run_repeated(p_up, tools, workdir, args.repeat,
                              f"{n_up} elements, {args.apfloat_rounds} rounds")
    t_ours, h_ours = run_repeated(
        p_ours, tools, workdir, args.repeat,
        f"{n} elements x {args.rounds} rounds, "
        f"{n_l2} elements x {args.l2_calls} calls x {args.l2_rounds} rounds")
    loops = inspect_loops(tools, p_ours.object, ours)
    if avx:
        p_avx = Program("conversion-fp8-avx512", program_source(avx, phases, n_up),
                        tools.fp8_opt,
                        ["-fp8-expand=enable-avx512"] + FP8_LOWERING[1:],
                        [tools.c_runner_utils])
        p_avx.lower(workdir)
        t_avx, h_avx = run_repeated(p_avx, tools, workdir, args.repeat,
                                    "AVX-512 HiF8 kernels, as above")
        t_ours.update(t_avx)
        h_ours.update(h_avx)
        loops.update(inspect_loops(tools, p_avx.object, avx))

    def rates(times, key, elements):
        ts = times.get(key, [])
        if not ts:
            sys.exit(f"bench: no timings for {key}")
        return {"best": elements / min(ts), "median": elements / statistics.median(ts),
                "runs": len(ts)}

    stat = args.stat
    # Core clock: 6 dependent 1-cycle ops per step; best = least disturbed.
    clock_hz = 6 * CLOCK_STEPS / min(t_ours["clock@l2"])
    dram = {k.name: rates(t_ours, k.name + "@dram", n) for k in ours + avx}
    l2 = {k.name: rates(t_ours, k.name + "@l2", n_l2 * args.l2_calls) for k in ours + avx}
    apf = {k.name: rates(t_up, k.name + "@dram", n_up) for k in upstream}
    runs = f"{args.repeat} runs x " if args.repeat > 1 else ""
    how = f"{stat} of {runs}{args.rounds} calls"
    how_up = f"{stat} of {runs}{args.apfloat_rounds} calls"
    how_l2 = f"{stat} of {runs}{args.l2_rounds} timings of {args.l2_calls} calls"

    def rec(name, value, base_name, base_value, **extra):
        return dict({"name": name, "value": value, "unit": "elements/s",
                     "baseline": {"name": base_name, "value": base_value}}, **extra)

    rows, records, notes = [], [], []
    for f in figures:
        k, stream = f["kernel"], f["stream"]
        value, base = dram[k.name][stat], dram[stream.name][stat]
        row = {"figure": k.label, "rate": rate_str(value),
               "stream": f"{value / base:.1%}"}
        target = TARGET_STREAM.get((f["fmt"], f["rounding"], f["sat"]))
        extra = {}
        if target is not None:
            met = value / base >= target
            row["stream_target"] = f">={target:.0%} {'met' if met else 'MISSED'}"
            extra = {"target": f">= {target:.0%} of baseline", "met": met}
        records.append(rec(k.label, value, stream.label, base, elements=n, stat=how,
                           **extra))
        up = f.get("apfloat")
        if up:
            up_value = apf[up.name][stat]
            speedup = value / up_value
            same = h_ours.get(k.name) == h_up.get(up.name)
            row["apfloat"] = f"{speedup:.0f}x"
            row["apfloat_target"] = (f">={TARGET_APFLOAT:g}x "
                                     f"{'met' if speedup >= TARGET_APFLOAT else 'MISSED'}")
            row["bits"] = "same" if same else "DIFFER"
            records.append(rec(k.label, value, up.label, up_value, elements=n,
                               baseline_elements=n_up, stat=how, baseline_stat=how_up,
                               target=f">= {TARGET_APFLOAT:g}x baseline",
                               met=speedup >= TARGET_APFLOAT,
                               same_bits_as_baseline=same))
        elif f["fmt"] not in BUILTIN:
            row["apfloat"] = "n/a (1)"
        elif f["rounding"] == "stochastic":
            row["apfloat"] = "n/a (2)"
        else:
            row["apfloat"] = "n/a (3)"
        lv = l2[k.name][stat]
        row["l2"] = rate_str(lv)
        row["l2_vs_stream"] = f"{lv / base:.0%}"
        row["cycles"] = f"{clock_hz * VECTOR / lv:.1f}"
        records.append(rec(k.label + " (in L2)", lv, stream.label, base,
                           elements=n_l2, baseline_elements=n, stat=how_l2,
                           baseline_stat=how))
        lp = loops.get(k.name)
        if lp:
            row["insn"] = f"{lp['insn_per_chunk']:.0f}"
            if not lp["wide"] or lp["calls"]:
                notes.append(f"{k.label}: loop not vectorized as expected "
                             f"(ymm/zmm registers: {lp['wide']}, calls: {lp['calls']})")
        rows.append(row)

    for name, portable in same_as.items():
        if h_ours.get(name) != h_ours.get(portable):
            notes.append(f"{name}: output differs from {portable}: the figure is void")
    if not avx:
        notes.append(notes_avx)

    # What the bit comparisons with upstream say.
    for f in figures:
        up = f.get("apfloat")
        if up and f.get("same_ir") and h_ours.get(f["kernel"].name) != h_up.get(up.name):
            rne = next((g["apfloat"] for g in figures if g.get("apfloat") and
                        g["fmt"] == f["fmt"] and g["rounding"] == "nearest_even"), None)
            why = ""
            if rne is not None and f["rounding"] not in (None, "nearest_even") \
                    and h_up.get(up.name) == h_up.get(rne.name):
                why = (f": upstream's output is identical to its nearest_even output, "
                       f"--convert-arith-to-apfloat drops arith.truncf's rounding mode")
            notes.append(f"{f['kernel'].label}: differs from upstream on the first "
                         f"{n_up} elements{why}")

    for st in (s_enc, s_enc_rb, s_dec) + ((s_enc_avx,) if avx else ()):
        records.append(rec(st.label + " (in L2)", l2[st.name][stat], st.label,
                           dram[st.name][stat], elements=n_l2, baseline_elements=n,
                           stat=how_l2, baseline_stat=how))
    streams = (s_enc, s_enc_rb, s_dec) + ((s_enc_avx,) if avx else ())
    baselines = ([(s.label, dram[s.name][stat], n, how) for s in streams]
                 + [(s.label + " (in L2)", l2[s.name][stat], n_l2, how_l2)
                    for s in streams]
                 + [(u.label, apf[u.name][stat], n_up, how_up) for u in upstream])
    columns = [("figure", "figure", "<"), ("rate", "elem/s", ">"),
               ("stream", "of stream", ">"), ("stream_target", "target", ">"),
               ("apfloat", "x APFloat", ">"), ("apfloat_target", "target", ">"),
               ("bits", "bits", ">"), ("l2", "in L2", ">"),
               ("l2_vs_stream", "L2/stream", ">"), ("cycles", "cyc/16", ">"),
               ("insn", "insn/16", ">")]
    legend = [
        f"elem/s: {how} on {n} elements ({size(n * 4)} of f32), each call from clean "
        f"caches ({args.scrub_mib} MiB scratch read before it); of stream: / the "
        f"stream loop of the same traffic (baselines below)",
        f"x APFloat: / the same IR (arith.truncf/extf) through upstream's "
        f"--convert-arith-to-apfloat, {how_up} on {n_up} elements "
        f"({size(n_up * 4)}); bits: our output vs upstream's on those elements",
        f"in L2: {how_l2} on {n_l2} elements ({size(n_l2 * 4)} of f32), the "
        f"compute ceiling; L2/stream: that ceiling / the DRAM stream bound",
        f"cyc/16: core cycles per 16 elements in L2, at the {clock_hz / 1e9:.2f} GHz "
        f"measured by a chain of dependent 1-cycle integer ops; insn/16: "
        f"instructions in the generated loop per 16 elements",
        "n/a (1): HiF8 is not an MLIR builtin type, so upstream has no path; "
        "(2): arith has no stochastic rounding; (3): arith.truncf has no saturation mode",
    ]
    return {"title": "Conversion throughput", "legend": legend, "columns": columns,
            "rows": rows, "baselines": baselines, "notes": notes, "records": records}


def size(nbytes):
    return f"{nbytes >> 20} MiB" if nbytes >= 1 << 20 else f"{nbytes >> 10} KiB"


def rate_str(v):
    return f"{v / 1e9:.3f} G" if v >= 1e8 else f"{v / 1e6:.2f} M"


# --------------------------------------------------------------------------
# Suite: scaled matmul
# --------------------------------------------------------------------------

# (tag, label, lhs block, rhs block, scale type) per scaling; None: per tensor.
MM_SCALINGS = [
    ("pt", "per-tensor", None, None, "f32"),
    ("row", "row-wise (lhs [1,K], rhs [K,1])", "row", "col", "f32"),
    ("blk", "1x128 (lhs [1,128], rhs [128,128])", (1, 128), (128, 128), "f32"),
    ("mx", "MX32 (E8M0 scales, lhs [1,32], rhs [32,1])", (1, 32), (32, 1), "f8E8M0FNU"),
]
MM_FMT = "f8E4M3FN"
TARGET_PEAK = 0.50      # avx512 path: >= 50% of the f32 FMA peak
TARGET_ROW_BLOCK = 0.15  # row-wise / block scales: within 15% of per-tensor
PEAK_ACCS = 16          # independent vector<16xf32> accumulators
PEAK_ITERS = 20_000_000  # loop iterations per peak timing (16 FMAs each)
AMX_PEAK_ITERS = 2_000_000  # loop iterations per AMX peak timing (4 tdpbf16ps each)
AMX_TILE_FLOPS = 2 * 16 * 16 * 32  # one tdpbf16ps: 16x16 f32 += 16x32 * 32x16 bf16
TARGET_AMX_PEAK = 0.20  # amx path: >= 20% of the AMX-BF16 tile peak

# Upstream MLIR's standard lowering of linalg.matmul on tensors (scalar loops).
RUNTIME_CLOCK = """func.func private @rtclock() -> f64

func.func @now() -> i64 attributes {passthrough = ["noinline"]} {
  %t = call @rtclock() : () -> f64
  %b = arith.bitcast %t : f64 to i64
  return %b : i64
}"""

UPSTREAM_MATMUL = ["-one-shot-bufferize=bufferize-function-boundaries",
                   "-convert-linalg-to-loops", "-convert-scf-to-cf",
                   "-expand-strided-metadata", "-lower-affine",
                   "-finalize-memref-to-llvm", "-convert-to-llvm",
                   "-reconcile-unrealized-casts"]


def mm_blocks(lb, rb, m, n, k):
    """Block attributes and scale shapes of one scaling at M x N x K."""
    if lb is None:
        return "", None, None
    lb = (1, k) if lb == "row" else lb
    rb = (k, 1) if rb == "col" else rb
    attr = (f" {{lhs_block = array<i64: {lb[0]}, {lb[1]}>, "
            f"rhs_block = array<i64: {rb[0]}, {rb[1]}>}}")
    return attr, (lb, (m // lb[0], k // lb[1])), (rb, (k // rb[0], n // rb[1]))


def mm_input(name, suffix, tensor, hash_constants, magnitude_dim,
             magnitude_modulus, offset):
    """A deterministic f32 matmul operand (a linalg.generic on `tensor`):
    ((i * a + j * b) mod p - offset) * (1 + index mod q) / 64, where the
    index is i (rows of different magnitudes) or j (columns), so that the
    scales matter. The constants are SSA names defined by the program."""
    ca, cb, cp = hash_constants
    return f"""  %e_{suffix} = tensor.empty() : {tensor}
  %{name} = linalg.generic {{indexing_maps = [affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}} outs(%e_{suffix} : {tensor}) {{
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %h0 = arith.muli %i, %{ca} : index
    %h1 = arith.muli %j, %{cb} : index
    %h2 = arith.addi %h0, %h1 : index
    %h = arith.remui %h2, %{cp} : index
    %r = arith.remui %{"ij"[magnitude_dim]}, %{magnitude_modulus} : index
    %hi = arith.index_cast %h : index to i32
    %ri = arith.index_cast %r : index to i32
    %hf = arith.sitofp %hi : i32 to f32
    %rf = arith.sitofp %ri : i32 to f32
    %v0 = arith.subf %hf, %{offset} : f32
    %mag = arith.addf %rf, %f1 : f32
    %v1 = arith.mulf %v0, %mag : f32
    %v = arith.mulf %v1, %f_inv64 : f32
    linalg.yield %v : f32
  }} -> {tensor}"""


def mm_program(m, n, k, rounds, scalings, with_f32, with_peak, tag, target=""):
    """One program at M x N x K: the scaled matmuls (operands and scales as
    function arguments: tensors), the f32 linalg.matmul, the FMA peak loop,
    each result first
    checked on sampled elements against an f64 sum over the dequantized
    operands (fp8.dequantize: independent of the matmul's code), which
    is also the kernel's warm-up; then `rounds` interleaved timed rounds."""
    mk, kn, mn = f"tensor<{m}x{k}xf32>", f"tensor<{k}x{n}xf32>", f"tensor<{m}x{n}xf32>"
    qmk, qkn = f"tensor<{m}x{k}x{MM_FMT}>", f"tensor<{k}x{n}x{MM_FMT}>"
    out = [RUNTIME_CLOCK]
    funcs, calls, setup, checks = [], [], [], []
    # Inputs: deterministic, with rows / columns of different magnitudes so
    # that the scales matter.
    setup.append(mm_input("a", "mk", mk, ("c131", "c71", "c257"), 0, "c7",
                          "f128"))
    setup.append(mm_input("b", "kn", kn, ("c37", "c101", "c263"), 1, "c5",
                          "f131"))
    names = []
    for stag, _, lb, rb, sty in scalings:
        attr, ls, rs = mm_blocks(lb, rb, m, n, k)
        name = f"smm_{stag}_{tag}" + (f"_{target.replace('-', '_')}" if target else "")
        names.append(name)
        if ls is None:
            sa_ty = sb_ty = "f32"
            setup.append(f"""  %amax_a_{stag} = fp8.amax %a : {mk} -> f32
  %sa_{stag} = fp8.compute_scale %amax_a_{stag} {{format = {MM_FMT}}} : f32 -> f32
  %qa_{stag} = fp8.quantize %a, %sa_{stag} {{saturation = #fp8.saturation<finite>}} : {mk}, f32 to {qmk}
  %amax_b_{stag} = fp8.amax %b : {kn} -> f32
  %sb_{stag} = fp8.compute_scale %amax_b_{stag} {{format = {MM_FMT}}} : f32 -> f32
  %qb_{stag} = fp8.quantize %b, %sb_{stag} {{saturation = #fp8.saturation<finite>}} : {kn}, f32 to {qkn}
  %da_{stag} = fp8.dequantize %qa_{stag}, %sa_{stag} : {qmk}, f32 to {mk}
  %db_{stag} = fp8.dequantize %qb_{stag}, %sb_{stag} : {qkn}, f32 to {kn}""")
        else:
            (lblk, lsh), (rblk, rsh) = ls, rs
            sa_ty = f"tensor<{lsh[0]}x{lsh[1]}x{sty}>"
            sb_ty = f"tensor<{rsh[0]}x{rsh[1]}x{sty}>"
            fa_ty = f"tensor<{lsh[0]}x{lsh[1]}xf32>"
            fb_ty = f"tensor<{rsh[0]}x{rsh[1]}xf32>"
            lba = f"{{block = array<i64: {lblk[0]}, {lblk[1]}>}}"
            rba = f"{{block = array<i64: {rblk[0]}, {rblk[1]}>}}"
            # E8M0 scales are powers of two: amax / scale may pass the
            # format's largest finite value, so quantize saturates (as MX does).
            SAT_L = lba[:-1] + ", saturation = #fp8.saturation<finite>}"
            SAT_R = rba[:-1] + ", saturation = #fp8.saturation<finite>}"
            setup.append(f"""  %amax_a_{stag} = fp8.amax %a {lba} : {mk} -> {fa_ty}
  %sa_{stag} = fp8.compute_scale %amax_a_{stag} {{format = {MM_FMT}}} : {fa_ty} -> {sa_ty}
  %qa_{stag} = fp8.quantize %a, %sa_{stag} {SAT_L} : {mk}, {sa_ty} to {qmk}
  %amax_b_{stag} = fp8.amax %b {rba} : {kn} -> {fb_ty}
  %sb_{stag} = fp8.compute_scale %amax_b_{stag} {{format = {MM_FMT}}} : {fb_ty} -> {sb_ty}
  %qb_{stag} = fp8.quantize %b, %sb_{stag} {SAT_R} : {kn}, {sb_ty} to {qkn}
  %da_{stag} = fp8.dequantize %qa_{stag}, %sa_{stag} {lba} : {qmk}, {sa_ty} to {mk}
  %db_{stag} = fp8.dequantize %qb_{stag}, %sb_{stag} {rba} : {qkn}, {sb_ty} to {kn}""")
        sig = f"({qmk}, {sa_ty}, {qkn}, {sb_ty}) -> {mn}"
        funcs.append(f"""func.func @{name}(%qa: {qmk}, %sa: {sa_ty}, %qb: {qkn}, %sb: {sb_ty})
    -> {mn} attributes {{passthrough = ["noinline"]}} {{
  %d = fp8.scaled_matmul %qa[%sa], %qb[%sb]{attr}
      : {qmk}[{sa_ty}], {qkn}[{sb_ty}] -> {mn}
  return %d : {mn}
}}""")
        calls.append((name, f"func.call @{name}(%qa_{stag}, %sa_{stag}, %qb_{stag}, "
                            f"%sb_{stag}) : {sig}"))
        checks.append((name, f"%da_{stag}", f"%db_{stag}"))
    if with_f32:
        name = f"mm_f32_{tag}"
        funcs.append(f"""func.func @{name}(%a: {mk}, %b: {kn}) -> {mn}
    attributes {{passthrough = ["noinline"]}} {{
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : {mn}
  %acc = linalg.fill ins(%zero : f32) outs(%e : {mn}) -> {mn}
  %d = linalg.matmul ins(%a, %b : {mk}, {kn}) outs(%acc : {mn}) -> {mn}
  return %d : {mn}
}}""")
        calls.append((name, f"func.call @{name}(%a, %b) : ({mk}, {kn}) -> {mn}"))
        checks.append((name, "%a", "%b"))
    amx_peak = target == "amx" and with_peak
    if amx_peak:
        funcs.append("""// tdpbf16ps on four independent accumulator tiles: the AMX-BF16 tile
// peak (the tiles' latency is covered by four chains).
func.func @amx_peak(%iters: index, %in: memref<16x32xbf16>, %out: memref<16x16xf32>)
    -> f32 attributes {passthrough = ["noinline"]} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %a = amx.tile_load %in[%c0, %c0] : memref<16x32xbf16> into !amx.tile<16x32xbf16>
  %b = amx.tile_load %in[%c0, %c0] : memref<16x32xbf16> into !amx.tile<16x32xbf16>
  %z = amx.tile_zero : !amx.tile<16x16xf32>
  %r:4 = scf.for %i = %c0 to %iters step %c1 iter_args(%t0 = %z, %t1 = %z, %t2 = %z, %t3 = %z)
      -> (!amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>) {
    %n0 = amx.tile_mulf %a, %b, %t0 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    %n1 = amx.tile_mulf %a, %b, %t1 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    %n2 = amx.tile_mulf %a, %b, %t2 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    %n3 = amx.tile_mulf %a, %b, %t3 : !amx.tile<16x32xbf16>, !amx.tile<16x32xbf16>, !amx.tile<16x16xf32>
    scf.yield %n0, %n1, %n2, %n3 : !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>, !amx.tile<16x16xf32>
  }
  %s = arith.constant 0.0 : f32
  %sum = scf.for %j = %c0 to %c1 step %c1 iter_args(%acc = %s) -> (f32) {
    amx.tile_store %out[%c0, %c0], %r#0 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v0 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    amx.tile_store %out[%c0, %c0], %r#1 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v1 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    amx.tile_store %out[%c0, %c0], %r#2 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v2 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    amx.tile_store %out[%c0, %c0], %r#3 : memref<16x16xf32>, !amx.tile<16x16xf32>
    %v3 = memref.load %out[%c0, %c0] : memref<16x16xf32>
    %s01 = arith.addf %v0, %v1 : f32
    %s23 = arith.addf %v2, %v3 : f32
    %s0123 = arith.addf %s01, %s23 : f32
    scf.yield %s0123 : f32
  }
  return %sum : f32
}""")
    if with_peak and not amx_peak:
        accs = [f"%acc{i}" for i in range(PEAK_ACCS)]
        body = "\n".join(f"    %n{i} = vector.fma %x, %y, %acc{i} : vector<16xf32>"
                         for i in range(PEAK_ACCS))
        funcs.append(f"""// {PEAK_ACCS} independent accumulators: enough to cover the FMA latency
// on every FMA pipe, so that the loop runs at the core's FMA throughput.
func.func @fma_peak(%iters: index, %x: vector<16xf32>, %y: vector<16xf32>) -> f32
    attributes {{passthrough = ["noinline"]}} {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant dense<0.0> : vector<16xf32>
  %r:{PEAK_ACCS} = scf.for %i = %c0 to %iters step %c1
      iter_args({", ".join(f"{a} = %z" for a in accs)}) -> ({", ".join(["vector<16xf32>"] * PEAK_ACCS)}) {{
{body}
    scf.yield {", ".join(f"%n{i}" for i in range(PEAK_ACCS))} : {", ".join(["vector<16xf32>"] * PEAK_ACCS)}
  }}
  %s0 = arith.addf %r#0, %r#1 : vector<16xf32>
{chr(10).join(f"  %s{i - 1} = arith.addf %s{i - 2}, %r#{i} : vector<16xf32>" for i in range(2, PEAK_ACCS))}
  %s = vector.reduction <add>, %s{PEAK_ACCS - 2} : vector<16xf32> into f32
  return %s : f32
}}""")
    out += funcs
    out.append(f"""func.func @main() {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %c7 = arith.constant 7 : index
  %c37 = arith.constant 37 : index
  %c71 = arith.constant 71 : index
  %c101 = arith.constant 101 : index
  %c131 = arith.constant 131 : index
  %c257 = arith.constant 257 : index
  %c263 = arith.constant 263 : index
  %f1 = arith.constant 1.0 : f32
  %f128 = arith.constant 128.0 : f32
  %f131 = arith.constant 131.0 : f32
  %f_inv64 = arith.constant 0.015625 : f32
  %ci = arith.constant {m} : index
  %cj = arith.constant {n} : index
  %ck = arith.constant {k} : index
  %c_samples = arith.constant 64 : index
  %c_si = arith.constant 37 : index
  %c_sj = arith.constant 101 : index
  %f0 = arith.constant 0.0 : f64
  %rounds = arith.constant {rounds} : index
  %peak_iters = arith.constant {AMX_PEAK_ITERS if amx_peak else PEAK_ITERS} : index
  %px = arith.constant dense<1.0000001> : vector<16xf32>
  %f_px = arith.constant 1.0000001 : f32
  %f0_32 = arith.constant 0.0 : f32
  %py = arith.constant dense<0.9999999> : vector<16xf32>""")
    out += setup
    # Checks: 64 sampled elements, each against an f64 sum over K of the
    # dequantized products; the error is printed relative to sum |a_k b_k|
    # (the scale of f32 rounding error in any summation order). These
    # calls are also each kernel's warm-up.
    for name, call in calls:
        da, db = next((a, b) for nm, a, b in checks if nm == name)
        out.append(f"""  %rc_{name} = {call}
  %err_{name} = scf.for %t = %c0 to %c_samples step %c1 iter_args(%w = %f0) -> (f64) {{
    %ti = arith.muli %t, %c_si : index
    %i = arith.remui %ti, %ci : index
    %tj = arith.muli %t, %c_sj : index
    %j = arith.remui %tj, %cj : index
    %ref:2 = scf.for %kk = %c0 to %ck step %c1 iter_args(%s = %f0, %sa = %f0) -> (f64, f64) {{
      %av = tensor.extract {da}[%i, %kk] : {mk}
      %bv = tensor.extract {db}[%kk, %j] : {kn}
      %ad = arith.extf %av : f32 to f64
      %bd = arith.extf %bv : f32 to f64
      %pr = arith.mulf %ad, %bd : f64
      %s1 = arith.addf %s, %pr : f64
      %pa = math.absf %pr : f64
      %sa1 = arith.addf %sa, %pa : f64
      scf.yield %s1, %sa1 : f64, f64
    }}
    %got = tensor.extract %rc_{name}[%i, %j] : {mn}
    %gd = arith.extf %got : f32 to f64
    %diff = arith.subf %gd, %ref#0 : f64
    %ad = math.absf %diff : f64
    %rel = arith.divf %ad, %ref#1 : f64
    %w1 = arith.maximumf %w, %rel : f64
    scf.yield %w1 : f64
  }}
  vector.print str "E {name} "
  vector.print %err_{name} : f64""")
    if amx_peak:
        out.append("""  %amx_in = memref.alloc() : memref<16x32xbf16>
  %amx_out = memref.alloc() : memref<16x16xf32>
  %bf_one = arith.constant 1.0 : bf16
  linalg.fill ins(%bf_one : bf16) outs(%amx_in : memref<16x32xbf16>)
  %p_warm = func.call @amx_peak(%peak_iters, %amx_in, %amx_out) : (index, memref<16x32xbf16>, memref<16x16xf32>) -> f32
  vector.print str "W "
  vector.print %p_warm : f32""")
    elif with_peak:
        out.append("""  %p_warm = func.call @fma_peak(%peak_iters, %px, %py) : (index, vector<16xf32>, vector<16xf32>) -> f32
  vector.print str "W "
  vector.print %p_warm : f32""")
    # Timed rounds; a sample of each result feeds the loop-carried sum, so
    # no call is dead.
    out.append("""  %sum = scf.for %round = %c0 to %rounds step %c1 iter_args(%acc0 = %f0) -> (f64) {""")
    acc = "%acc0"
    for name, call in calls:
        out.append(f"""    %t0_{name} = func.call @now() : () -> i64
    %r_{name} = {call}
    %t1_{name} = func.call @now() : () -> i64
    vector.print str "T {name} "
    vector.print %t0_{name} : i64 punctuation <comma>
    vector.print %t1_{name} : i64
    %x_{name} = tensor.extract %r_{name}[%c1, %c1] : {mn}
    %xd_{name} = arith.extf %x_{name} : f32 to f64
    %acc_{name} = arith.addf {acc}, %xd_{name} : f64""")
        acc = f"%acc_{name}"
    if amx_peak:
        out.append(f"""    %t0_peak = func.call @now() : () -> i64
    %p = func.call @amx_peak(%peak_iters, %amx_in, %amx_out) : (index, memref<16x32xbf16>, memref<16x16xf32>) -> f32
    %t1_peak = func.call @now() : () -> i64
    vector.print str "T amx_peak "
    vector.print %t0_peak : i64 punctuation <comma>
    vector.print %t1_peak : i64
    %pd = arith.extf %p : f32 to f64
    %acc_peak = arith.addf {acc}, %pd : f64""")
        acc = "%acc_peak"
    elif with_peak:
        out.append(f"""    // The inputs depend on the previous round's results, so that LLVM
    // cannot merge this (pure) call with another.
    %acc0_f = arith.truncf %acc0 : f64 to f32
    %acc0_z = arith.mulf %acc0_f, %f0_32 : f32
    %px_s = arith.addf %acc0_z, %f_px : f32
    %px_r = vector.broadcast %px_s : f32 to vector<16xf32>
    %t0_peak = func.call @now() : () -> i64
    %p = func.call @fma_peak(%peak_iters, %px_r, %py) : (index, vector<16xf32>, vector<16xf32>) -> f32
    %t1_peak = func.call @now() : () -> i64
    vector.print str "T fma_peak "
    vector.print %t0_peak : i64 punctuation <comma>
    vector.print %t1_peak : i64
    %pd = arith.extf %p : f32 to f64
    %acc_peak = arith.addf {acc}, %pd : f64""")
        acc = "%acc_peak"
    out.append(f"""    scf.yield {acc} : f64
  }}
  vector.print str "S "
  vector.print %sum : f64""")
    out.append("  return\n}\n")
    return "\n".join(out)


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^flags\s*:\s*(.*)$", f.read(), re.M)
        return set(m.group(1).split()) if m else set()
    except OSError:
        return set()


def mm_targets(args):
    """The fp8-cpu-pipeline targets this CPU runs (--mm-target picks)."""
    flags = cpu_flags()
    runnable = ["generic"]
    if {"avx512f", "avx512bw"} <= flags:
        runnable.append("avx512")
    if {"avx512f", "avx512bw", "avx512_bf16"} <= flags:
        runnable.append("avx512-bf16")
    if {"amx_bf16", "amx_tile"} <= flags:
        runnable.append("amx")
    picked = args.mm_target or runnable
    for t in picked:
        if t not in runnable:
            sys.exit(f"bench: this CPU cannot run target {t} (it runs {runnable})")
    return picked


def matmul_suite(tools, args, workdir):
    n, big, nu = args.mm_size, args.mm_large, args.mm_upstream_size
    for v in [n, nu] + ([big] if big else []):
        if v <= 0 or v % 128:
            sys.exit("bench: matmul sizes must be positive multiples of 128")
    targets = mm_targets(args)
    # Per target, one program per size: the figures and (first target only)
    # the f32 matmul through the same pipeline and the FMA peak, interleaved
    # rounds.
    progs = []
    for size, rounds, repeats in [(n, args.mm_rounds, args.repeat)] + (
            [(big, args.mm_large_rounds, 1)] if big else []):
        for i, t in enumerate(targets):
            first = i == 0
            p = Program(f"matmul-{size}-{t}",
                        mm_program(size, size, size, rounds, MM_SCALINGS, first,
                                   (first or t == "amx") and size == n, f"{size}", t),
                        tools.fp8_opt, [f"-fp8-cpu-pipeline=target={t}"],
                        [tools.c_runner_utils]
                        + ([tools.fp8_runtime] if t == "amx" else []))
            progs.append((p, repeats, f"{size}^3 x {rounds} rounds, target={t}"))
    p_up = Program(f"matmul-upstream-{nu}", mm_program(nu, nu, nu, args.mm_upstream_rounds,
                                                      [], True, False, f"up{nu}"),
                   tools.mlir_opt, UPSTREAM_MATMUL, [tools.c_runner_utils])
    progs.append((p_up, 1, f"{nu}^3 x {args.mm_upstream_rounds} rounds (scalar loops)"))
    times, errors = {}, {}
    for p, repeats, what in progs:
        p.lower(workdir)
        for i in range(repeats):
            log(f"running {p.name} ({i + 1}/{repeats}): {what}")
            p.run(tools, workdir)
            log(f"  {p.wall_s:.1f} s")
            with open(os.path.join(workdir, p.name + ".out")) as f:
                out = f.read()
            t, _ = parse_output(out)
            for key, ts in t.items():
                times.setdefault(key, []).extend(ts)  # warm-up: the check call
            for line in out.splitlines():
                parts = line.split()
                if len(parts) == 3 and parts[0] == "E":
                    errors[parts[1]] = max(errors.get(parts[1], 0.0), float(parts[2]),
                                           key=lambda e: (e != e, e))

    stat = args.stat
    pick = (lambda ts: min(ts)) if stat == "best" else statistics.median

    def gflops(key, size):
        ts = times.get(key)
        if not ts:
            sys.exit(f"bench: no timings for {key}")
        return 2.0 * size ** 3 / pick(ts), len(ts)

    peak, peak_runs = None, 0
    ts = times.get("fma_peak")
    peak = 2.0 * VECTOR * PEAK_ACCS * PEAK_ITERS / pick(ts)
    amx_peak, amx_peak_label = None, ("AMX-BF16 tile peak (amx.tile_mulf: tdpbf16ps on "
                                      "4 independent accumulator tiles)")
    if times.get("amx_peak"):
        amx_peak = AMX_TILE_FLOPS * 4 * AMX_PEAK_ITERS / pick(times["amx_peak"])
    peak_label = (f"f32 FMA peak (vector.fma on vector<16xf32>, {PEAK_ACCS} independent "
                  f"accumulators)")

    def check(key, size):
        e = errors.get(key)
        tol = size * 2.0 ** -23  # f32 rounding, any order, relative to sum |a b|
        ok = e is not None and e == e and e <= tol
        return ok, e, tol

    rows, records, notes, baselines = [], [], [], []
    f32_label = "f32 linalg.matmul [fp8-cpu-pipeline]"
    up_label = (f"f32 linalg.matmul [upstream one-shot-bufferize, convert-linalg-to-loops, "
                f"convert-to-llvm]")
    sizes = [n] + ([big] if big else [])
    how = lambda runs: f"{stat} of {runs} calls"
    up_value, up_runs = gflops(f"mm_f32_up{nu}", nu)
    baselines.append((peak_label, peak, "", how(len(ts))))
    if amx_peak:
        baselines.append((amx_peak_label, amx_peak, "", how(len(times["amx_peak"]))))
    baselines.append((up_label, up_value, f"{nu}^3", how(up_runs)))
    for size in sizes:
        f32_value, f32_runs = gflops(f"mm_f32_{size}", size)
        baselines.append((f32_label, f32_value, f"{size}^3", how(f32_runs)))
        for t in targets:
          pt_value = None
          for stag, label, _, _, sty in MM_SCALINGS:
            key = f"smm_{stag}_{size}_{t.replace('-', '_')}"
            value, runs = gflops(key, size)
            ok, err, tol = check(key, size)
            name = (f"fp8.scaled_matmul {MM_FMT} {label} {size}^3 "
                    f"[fp8-cpu-pipeline target={t}]")
            row = {"figure": f"{MM_FMT} {label}", "target": t, "size": f"{size}^3",
                   "rate": f"{value / 1e9:.1f}", "peak": f"{value / peak:.1%}",
                   "f32": f"{value / f32_value:.2f}x", "up": f"{value / up_value:.0f}x",
                   "check": f"ok ({err:.1e})" if ok else f"WRONG ({err})"}
            common = dict(unit="GFLOP/s", size=[size] * 3, stat=how(runs),
                          result_check={"max_rel_error": err, "tolerance": tol, "ok": ok})
            peak_record = {"name": name, "value": value / 1e9,
                           "baseline": {"name": peak_label, "value": peak / 1e9}}
            if t == "avx512":
                met = value / peak >= TARGET_PEAK
                row["peak_target"] = f">={TARGET_PEAK:.0%} {'met' if met else 'MISSED'}"
                peak_record.update({"target": f">= {TARGET_PEAK:.0%} of baseline",
                                    "met": met})
            records.append(dict(peak_record, **common))
            if t == "amx" and amx_peak:
                met = value / amx_peak >= TARGET_AMX_PEAK
                row["amx_peak"] = (f"{value / amx_peak:.1%} (>={TARGET_AMX_PEAK:.0%} "
                                   f"{'met' if met else 'MISSED'})")
                records.append(dict({"name": name, "value": value / 1e9,
                                     "baseline": {"name": amx_peak_label,
                                                  "value": amx_peak / 1e9},
                                     "target": f">= {TARGET_AMX_PEAK:.0%} of baseline",
                                     "met": met}, **common))
            records.append(dict({"name": name, "value": value / 1e9,
                                 "baseline": {"name": f"{f32_label} {size}^3",
                                              "value": f32_value / 1e9},
                                 "baseline_stat": how(f32_runs)}, **common))
            records.append(dict({"name": name, "value": value / 1e9,
                                 "baseline": {"name": f"{up_label} {nu}^3",
                                              "value": up_value / 1e9},
                                 "baseline_size": [nu] * 3,
                                 "baseline_stat": how(up_runs)}, **common))
            if stag == "pt":
                pt_value, pt_name = value, name
                row["vs_pt"] = ""
            else:
                ratio = value / pt_value
                met = ratio >= 1 - TARGET_ROW_BLOCK
                row["vs_pt"] = (f"{ratio:.0%} (>={1 - TARGET_ROW_BLOCK:.0%} "
                                f"{'met' if met else 'MISSED'})")
                records.append(dict({"name": name, "value": value / 1e9,
                                     "baseline": {"name": pt_name, "value": pt_value / 1e9},
                                     "target": f"within {TARGET_ROW_BLOCK:.0%} of baseline",
                                     "met": met}, **common))
            rows.append(row)
            if not ok:
                notes.append(f"{name}: sampled outputs differ from the f64 reference "
                             f"(max error {err}, tolerance {tol:.1e}): the figure is void")
        ok, err, tol = check(f"mm_f32_{size}", size)
        rows.append({"figure": f32_label, "size": f"{size}^3",
                     "rate": f"{f32_value / 1e9:.1f}", "peak": f"{f32_value / peak:.1%}",
                     "f32": "1.00x", "up": f"{f32_value / up_value:.0f}x",
                     "check": f"ok ({err:.1e})" if ok else f"WRONG ({err})"})
        records.append({"name": f"{f32_label} {size}^3", "value": f32_value / 1e9,
                        "unit": "GFLOP/s",
                        "baseline": {"name": peak_label, "value": peak / 1e9},
                        "size": [size] * 3, "stat": how(f32_runs)})
    ok, err, tol = check(f"mm_f32_up{nu}", nu)
    rows.append({"figure": "f32 linalg.matmul [upstream, scalar loops]", "size": f"{nu}^3",
                 "rate": f"{up_value / 1e9:.2f}", "peak": f"{up_value / peak:.1%}",
                 "up": "1x", "check": f"ok ({err:.1e})" if ok else f"WRONG ({err})"})
    records.append({"name": f"{up_label} {nu}^3", "value": up_value / 1e9, "unit": "GFLOP/s",
                    "baseline": {"name": peak_label, "value": peak / 1e9},
                    "size": [nu] * 3, "stat": how(up_runs)})
    if not big:
        notes.append("4096^3 not run (--mm-large 0)")
    if "amx" not in targets:
        notes.append("target=amx not run: this CPU has no AMX (no amx_bf16 / amx_tile "
                     "flags), so neither the AMX path nor the AMX-BF16 tile peak can be "
                     "measured here")
    columns = [("figure", "figure", "<"), ("target", "target", "<"), ("size", "MxNxK", ">"),
               ("rate", "GFLOP/s", ">"),
               ("peak", "of FMA peak", ">"), ("peak_target", "target", ">"),
               ("vs_pt", "vs per-tensor", ">"), ("f32", "x f32 ours", ">"),
               ("up", "x upstream", ">"), ("check", "check", ">")]
    if amx_peak:
        columns.insert(6, ("amx_peak", "of AMX peak", ">"))
    legend = [
        f"GFLOP/s = 2*M*N*K / time of one call, {stat} of the timed calls (after a "
        f"warm-up call); fp8.scaled_matmul as a function of already-quantized "
        f"{MM_FMT} operands and scales (tensors), lowered by fp8-cpu-pipeline; "
        f"MX32 uses {MM_FMT} elements with f8E8M0FNU scales",
        f"of FMA peak: / the measured single-core f32 FMA peak "
        f"({peak / 1e9:.1f} GFLOP/s); target >= {TARGET_PEAK:.0%} for target=avx512; "
        f"vs per-tensor: / per-tensor at the same size, target within "
        f"{TARGET_ROW_BLOCK:.0%}",
        f"x f32 ours: / f32 linalg.matmul of the same size through fp8-cpu-pipeline; "
        f"x upstream: / f32 linalg.matmul through upstream's standard lowering "
        f"(scalar loops) at {nu}^3",
        "check: 64 sampled outputs vs an f64 sum over K of the dequantized operands "
        "(fp8.dequantize), error / sum|a*b|, tolerance K * 2^-23",
    ]
    return {"title": "Scaled matmul (GFLOP/s, single thread)", "legend": legend,
            "columns": columns, "rows": rows, "notes": notes, "records": records,
            "baselines": baselines, "baseline_fmt": "gflops"}


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor() or "unknown"
    model = re.search(r"^model name\s*:\s*(.*)$", info, re.M)
    flags = re.search(r"^flags\s*:\s*(.*)$", info, re.M)
    have = [x for x in ("avx2", "avx512f", "avx512bw", "avx512_bf16", "amx_bf16")
            if flags and x in flags.group(1).split()]
    host = ""
    llc = shutil.which("llc-22") or "/usr/lib/llvm-22/bin/llc"
    if os.path.exists(llc):
        m = re.search(r"Host CPU: (\S+)", run_checked([llc, "--version"]))
        host = f", LLVM host CPU {m.group(1)}" if m else ""
    family = re.search(r"^cpu family\s*:\s*(\d+)$", info, re.M)
    number = re.search(r"^model\s*:\s*(\d+)$", info, re.M)
    ident = f"family {family.group(1)} model {number.group(1)}, " if family and number else ""
    return (f"{model.group(1) if model else 'unknown'} ({ident}{' '.join(have)}{host})")


def print_table(suite):
    print(f"\n{suite['title']}")
    for line in suite["legend"]:
        print(f"  {line}")
    cols = suite["columns"]
    widths = [max([len(title)] + [len(r.get(key, "")) for r in suite["rows"]])
              for key, title, _ in cols]
    fmt = lambda cells: "  ".join(f"{c:{a}{w}}" for c, (_, _, a), w in
                                  zip(cells, cols, widths)).rstrip()
    print()
    print(fmt([title for _, title, _ in cols]))
    print("-" * len(fmt([title for _, title, _ in cols])))
    for r in suite["rows"]:
        print(fmt([r.get(key, "") for key, _, _ in cols]))
    print("\nbaselines (measured in this run):")
    w = max(len(b[0]) for b in suite["baselines"])
    for label, value, elements, how in suite["baselines"]:
        if suite.get("baseline_fmt") == "gflops":
            shape = f"{elements}, " if elements else ""
            print(f"  {label:<{w}}  {value / 1e9:>7.1f} GFLOP/s  ({shape}{how})")
        else:
            print(f"  {label:<{w}}  {rate_str(value):>9}  ({elements} elements, {how})")
    if suite["notes"]:
        print("\nnotes:")
        for note in suite["notes"]:
            print(f"  {note}")


SUITES = {"conversion": conversion_suite, "matmul": matmul_suite}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
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
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each program, timings pooled (default 3)")
    ap.add_argument("--scrub-mib", type=int, default=96,
                    help="scratch buffer read before each DRAM timing to leave "
                         "the caches clean (default 96 MiB, 3x this L3; 0: none)")
    ap.add_argument("--stat", choices=("best", "median"), default="best",
                    help="which timing each figure reports (default: best; the "
                         "machine may be shared and noisy)")
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
    tools = Tools(args)

    workdir = args.keep or tempfile.mkdtemp(prefix="fp8-bench-")
    os.makedirs(workdir, exist_ok=True)
    start = time.time()
    try:
        suites = [SUITES[s](tools, args, workdir) for s in (args.suite or sorted(SUITES))]
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    print(f"CPU: {cpu_model()}; single thread; mlir-runner -O3 from {tools.llvm_bin}")
    for s in suites:
        print_table(s)
    print(f"\ntotal {time.time() - start:.0f} s")

    records = [r for s in suites for r in s["records"]]
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w") as f:
        json.dump(records, f, indent=1)
        f.write("\n")
    log(f"wrote {len(records)} records to {os.path.relpath(args.output)}")


if __name__ == "__main__":
    main()
