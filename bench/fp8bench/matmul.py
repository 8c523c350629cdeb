"""Suite `matmul`: fp8.scaled_matmul GFLOP/s through fp8-cpu-pipeline, per
scaling and target, against the measured f32 FMA (and AMX-BF16) peak and
f32 linalg.matmul through our pipeline and upstream's standard lowering, and
per-tensor scaling with 1 and 2 threads against the peers a user would pick
instead (torch bf16 / f32 and NumPy f32 matmul, same thread count, same run;
matmul_peers.py). See bench/README.md."""

import os
import statistics
import sys

from .harness import VECTOR
from .host import cpu_flags
from .matmul_peers import PEERS, ThreadedProgram, measure_peers, pinned_cpus
from .matmul_program import (AMX_PEAK_ITERS, AMX_TILE_FLOPS, MM_FMT, MM_SCALINGS,
                             PEAK_ACCS, PEAK_ITERS, mm_program)
from .passes import CPU_PIPELINE, UPSTREAM_MATMUL, cpu_pipeline
from .runner import Program, log, parse_output

TARGET_PEAK = 0.50      # avx512 path: >= 50% of the f32 FMA peak
TARGET_ROW_BLOCK = 0.15  # row-wise / block scales: within 15% of per-tensor
TARGET_AMX_PEAK = 0.20  # amx path: >= 20% of the AMX-BF16 tile peak


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
    # 2 threads where 2 CPUs are available: per-tensor scaling only, one run.
    thread_counts = [1] + ([2] if pinned_cpus(2) else [])
    for size, rounds, repeats in [(n, args.mm_rounds, args.repeat)] + (
            [(big, args.mm_large_rounds, 1)] if big else []):
        for i, t in enumerate(targets):
            first = i == 0
            for threads in thread_counts:
                one = threads == 1
                p = ThreadedProgram(
                    f"matmul-{size}-{t}" + ("" if one else f"-{threads}t"),
                    mm_program(size, size, size, rounds,
                               MM_SCALINGS if one else MM_SCALINGS[:1], first and one,
                               one and (first or t == "amx") and size == n, f"{size}", t),
                    tools.fp8_opt, cpu_pipeline(t),
                    [tools.c_runner_utils, tools.omp_runtime]
                    + ([tools.fp8_runtime] if t == "amx" else []),
                    threads)
                progs.append((p, repeats if one else 1,
                              f"{size}^3 x {rounds} rounds, target={t}, {threads} thread(s)"))
    p_up = Program(f"matmul-upstream-{nu}", mm_program(nu, nu, nu, args.mm_upstream_rounds,
                                                      [], True, False, f"up{nu}"),
                   tools.mlir_opt, UPSTREAM_MATMUL, [tools.c_runner_utils])
    progs.append((p_up, 1, f"{nu}^3 x {args.mm_upstream_rounds} rounds (scalar loops)"))
    times, errors, threaded = {}, {}, {}
    for p, repeats, what in progs:
        p.lower(workdir)
        for i in range(repeats):
            log(f"running {p.name} ({i + 1}/{repeats}): {what}")
            p.run(tools, workdir)
            log(f"  {p.wall_s:.1f} s")
            with open(os.path.join(workdir, p.name + ".out")) as f:
                out = f.read()
            t, _ = parse_output(out)
            into = times if getattr(p, "threads", 1) == 1 else threaded.setdefault(p.threads, {})
            for key, ts in t.items():
                into.setdefault(key, []).extend(ts)  # warm-up: the check call
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

    rows, records, notes, baselines, peer_rows = [], [], [], [], []
    f32_label = f"f32 linalg.matmul [{CPU_PIPELINE}]"
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
                    f"[{CPU_PIPELINE} target={t}]")
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
    # Peers, 1 and 2 threads, and our per-tensor figures against them.
    peer_times, peer_notes = measure_peers(sizes, max(args.mm_rounds, 2), thread_counts)
    notes.extend(peer_notes)
    for (peer, size, threads), secs in sorted(peer_times.items()):
        baselines.append((f"{PEERS[peer]}, {threads} thread(s)", 2.0 * size ** 3 / secs,
                          f"{size}^3", "best of its calls"))
    for size in sizes:
        for t in targets:
            key = f"smm_{MM_SCALINGS[0][0]}_{size}_{t.replace('-', '_')}"
            for threads in thread_counts:
                ts = times.get(key) if threads == 1 else threaded.get(threads, {}).get(key)
                if not ts:
                    continue
                value = 2.0 * size ** 3 / pick(ts)
                name = (f"fp8.scaled_matmul {MM_FMT} {MM_SCALINGS[0][1]} {size}^3 "
                        f"[{CPU_PIPELINE} target={t}], {threads} thread(s)")
                row = {"figure": f"{MM_FMT} {MM_SCALINGS[0][1]}, {threads} thread(s)",
                       "target": t, "size": f"{size}^3", "rate": f"{value / 1e9:.1f}"}
                for peer in PEERS:
                    secs = peer_times.get((peer, size, threads))
                    if secs is None:
                        continue
                    peer_value = 2.0 * size ** 3 / secs
                    row[peer] = f"{value / peer_value:.2f}x"
                    records.append({"name": name, "value": value / 1e9, "unit": "GFLOP/s",
                                    "size": [size] * 3, "stat": how(len(ts)),
                                    "threads": threads,
                                    "baseline": {"name": f"{PEERS[peer]}, {threads} thread(s)",
                                                 "value": peer_value / 1e9},
                                    "ratio": value / peer_value})
                if threads > 1 and times.get(key):
                    row["scaling"] = f"{value / (2.0 * size ** 3 / pick(times[key])):.2f}x"
                peer_rows.append(row)
    rows.extend(peer_rows)
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
               ("up", "x upstream", ">"), ("check", "check", ">")] + [
               (peer, f"x {peer.replace('_', ' ')}", ">") for peer in PEERS] + [
               ("scaling", "x 1 thread", ">")]
    if amx_peak:
        columns.insert(6, ("amx_peak", "of AMX peak", ">"))
    legend = [
        f"GFLOP/s = 2*M*N*K / time of one call, {stat} of the timed calls (after a "
        f"warm-up call); fp8.scaled_matmul as a function of already-quantized "
        f"{MM_FMT} operands and scales (tensors), lowered by {CPU_PIPELINE}; "
        f"MX32 uses {MM_FMT} elements with f8E8M0FNU scales",
        f"of FMA peak: / the measured single-core f32 FMA peak "
        f"({peak / 1e9:.1f} GFLOP/s); target >= {TARGET_PEAK:.0%} for target=avx512; "
        f"vs per-tensor: / per-tensor at the same size, target within "
        f"{TARGET_ROW_BLOCK:.0%}",
        f"x f32 ours: / f32 linalg.matmul of the same size through {CPU_PIPELINE}; "
        f"x upstream: / f32 linalg.matmul through upstream's standard lowering "
        f"(scalar loops) at {nu}^3",
        "check: 64 sampled outputs vs an f64 sum over K of the dequantized operands "
        "(fp8.dequantize), error / sum|a*b|, tolerance K * 2^-23",
        "x torch bf16 / x torch f32 / x numpy f32: per-tensor scaling / that peer's "
        "matmul of the same size with the same thread count, pinned to as many CPUs "
        "(OMP_NUM_THREADS for ours); x 1 thread: / our 1-thread figure",
    ]
    return {"title": "Scaled matmul (GFLOP/s; 1 thread unless said)", "legend": legend,
            "columns": columns, "rows": rows, "notes": notes, "records": records,
            "baselines": baselines, "baseline_fmt": "gflops"}
