"""Suite `quantize`: per-row quantization (amax of each row, its scale, the
cast) and fp8.amax for each block shape, through fp8-cpu-pipeline and
fp8mlir's in-process JIT, against PyTorch doing the same in the same process
(interleaved rounds), and numkong where it is installed. Needs NumPy, the
fp8mlir Python package of the build (build/python_packages) and, for the
peers, torch; a missing one skips what needs it with a note. See
bench/README.md."""

import os
import statistics
import sys
import time

from .report import rate_str

FMT = "f8E4M3FN"
MAX_E4M3FN = 448.0
TARGET_ROWQUANT = 1.0  # ours / torch, issue 13


def _import_fp8mlir(tools):
    build = os.path.dirname(os.path.dirname(os.path.abspath(tools.fp8_opt)))
    packages = os.path.join(build, "python_packages")
    if packages not in sys.path:
        sys.path.insert(0, packages)
    try:
        import numpy  # noqa: F401
        import fp8mlir
    except ImportError as e:
        return None, f"fp8mlir not importable from {packages} ({e})"
    return fp8mlir, None


def _torch():
    try:
        import torch
    except ImportError:
        return None
    return torch


def _rowquant_source(rows, cols):
    x = f"tensor<{rows}x{cols}xf32>"
    s = f"tensor<{rows}x1xf32>"
    q = f"tensor<{rows}x{cols}x{FMT}>"
    return f"""
func.func @rowquant(%x: {x}) -> ({q}, {s}) {{
  %a = fp8.amax %x {{block = array<i64: 1, {cols}>}} : {x} -> {s}
  %s = fp8.compute_scale %a {{format = {FMT}}} : {s} -> {s}
  %q = fp8.quantize %x, %s {{block = array<i64: 1, {cols}>}} : {x}, {s} to {q}
  return %q, %s : {q}, {s}
}}
"""


# (tag, label, block, torch reduction dims or None for the whole tensor)
AMAX_SHAPES = [
    ("tensor", "per-tensor", None, None),
    ("row", "per-row [1, K]", "row", 1),
    ("col", "per-column [M, 1]", "col", 0),
    ("b128", "1x128 blocks", (1, 128), "b128"),
    ("b128x128", "128x128 blocks", (128, 128), "b128x128"),
    ("mx32", "MX 1x32 blocks", (1, 32), "mx32"),
]


def _amax_source(tag, block, rows, cols):
    x = f"tensor<{rows}x{cols}xf32>"
    if block is None:
        return f"""
func.func @amax_{tag}(%x: {x}) -> f32 {{
  %a = fp8.amax %x : {x} -> f32
  return %a : f32
}}
"""
    if block == "row":
        block = (1, cols)
    elif block == "col":
        block = (rows, 1)
    shape = f"tensor<{-(-rows // block[0])}x{-(-cols // block[1])}xf32>"
    return f"""
func.func @amax_{tag}(%x: {x}) -> {shape} {{
  %a = fp8.amax %x {{block = array<i64: {block[0]}, {block[1]}>}} : {x} -> {shape}
  return %a : {shape}
}}
"""


def _torch_amax(torch, x, how):
    a = x.abs()
    if how is None:
        return a.amax()
    if how in (0, 1):
        return a.amax(dim=how, keepdim=True)
    rows, cols = x.shape
    if how == "b128":
        return a.view(rows, cols // 128, 128).amax(dim=2)
    if how == "mx32":
        return a.view(rows, cols // 32, 32).amax(dim=2)
    return a.view(rows // 128, 128, cols // 128, 128).amax(dim=(1, 3))


def _torch_rowquant(torch, x):
    amax = x.abs().amax(dim=1, keepdim=True)
    scale = amax / MAX_E4M3FN
    return (x / scale).to(torch.float8_e4m3fn), scale


def _time_interleaved(calls, rounds):
    """{name: [seconds]} over `rounds` rounds after a warm-up round, each
    round timing every call once in turn."""
    times = {name: [] for name in calls}
    for r in range(rounds + 1):
        for name, fn in calls.items():
            t0 = time.perf_counter()
            result = fn()
            t1 = time.perf_counter()
            del result
            if r:
                times[name].append(t1 - t0)
    return times


def quantize_suite(tools, args, workdir):
    rows = cols = args.quant_size
    n = rows * cols
    notes, table, records, baselines = [], [], [], []
    stat = args.stat
    pick = (min if stat == "best" else statistics.median)
    how = f"{stat} of {args.quant_rounds} interleaved calls"
    legend = [
        f"{rows}x{cols} f32 (random normal), one thread, fp8mlir.jit "
        f"(fp8-cpu-pipeline target=host) and torch in the same process, timed "
        f"in interleaved rounds, {how}; elem/s = input elements / time; "
        f"x peer = ours / peer (> 1: we are faster)",
        "per-row quantize: amax of each row, scale = amax / 448 (fp8.compute_scale "
        "{format = f8E4M3FN}), codes = E4M3FN(x / scale); torch: x.abs().amax(1), "
        "/ 448, (x / scale).to(float8_e4m3fn); bits: our codes and scales vs torch's",
    ]
    result = {"title": "Per-row quantization and amax", "legend": legend,
              "columns": [("figure", "figure", "<"), ("ours", "ours ms", ">"),
                          ("rate", "elem/s", ">"), ("peer", "peer", "<"),
                          ("peer_ms", "peer ms", ">"), ("ratio", "x peer", ">"),
                          ("target", "target", ">"), ("bits", "bits", ">")],
              "rows": table, "baselines": baselines, "notes": notes,
              "records": records}
    fp8mlir, why = _import_fp8mlir(tools)
    if fp8mlir is None:
        notes.append(f"suite skipped: {why}")
        baselines.append(("none", 0.0, 0, "skipped"))
        return result
    import numpy as np
    torch = _torch()
    if torch is None:
        notes.append("torch not importable: no torch peer")
    else:
        torch.set_num_threads(1)
    try:
        import numkong  # noqa: F401
        notes.append("numkong is installed but has no per-row quantization or "
                     "block-amax kernel this suite knows how to call: not timed")
    except ImportError:
        notes.append("numkong not installed: no numkong peer")

    source = _rowquant_source(rows, cols)
    for tag, _, block, _ in AMAX_SHAPES:
        source += _amax_source(tag, block, rows, cols)
    exe = fp8mlir.jit(source, threads=1)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((rows, cols), dtype=np.float32)
    xt = torch.from_numpy(x) if torch is not None else None

    def add(label, tag, ours_fn, peer_label, peer_fn, target=None, bits=None):
        calls = {"ours": ours_fn}
        if peer_fn is not None:
            calls["peer"] = peer_fn
        times = _time_interleaved(calls, args.quant_rounds)
        ours = pick(times["ours"])
        row = {"figure": label, "ours": f"{ours * 1e3:.2f}", "rate": rate_str(n / ours)}
        record = {"name": label, "value": n / ours, "unit": "elements/s",
                  "elements": n, "stat": how, "seconds": ours}
        if peer_fn is not None:
            peer = pick(times["peer"])
            ratio = peer / ours
            row.update(peer=peer_label, peer_ms=f"{peer * 1e3:.2f}",
                       ratio=f"{ratio:.2f}")
            record["baseline"] = {"name": peer_label, "value": n / peer,
                                  "seconds": peer}
            record["ratio"] = ratio
            baselines.append((peer_label, n / peer, n, how))
            if target is not None:
                met = ratio >= target
                row["target"] = f">={target:g}x {'met' if met else 'MISSED'}"
                record.update(target=f">= {target:g}x baseline", met=met)
        if bits is not None:
            row["bits"] = "same" if bits else "DIFFER"
            record["same_bits_as_baseline"] = bits
        table.append(row)
        records.append(record)

    # Per-row quantization.
    q, s = exe.rowquant(x)
    bits = None
    peer = None
    if torch is not None:
        tq, ts = _torch_rowquant(torch, xt)
        bits = bool(np.array_equal(q.view(np.uint8), tq.view(torch.uint8).numpy())
                    and np.array_equal(s, ts.numpy()))
        peer = lambda: _torch_rowquant(torch, xt)
    del q, s
    add(f"per-row quantize f32 {rows}x{cols} -> {FMT}", "rowquant",
        lambda: exe.rowquant(x), "torch (amax, scale, cast)", peer,
        target=TARGET_ROWQUANT, bits=bits)

    # fp8.amax per block shape.
    for tag, label, block, dims in AMAX_SHAPES:
        fn = getattr(exe, f"amax_{tag}")
        ours = np.asarray(fn(x))
        peer, same = None, None
        if torch is not None:
            ref = _torch_amax(torch, xt, dims).numpy()
            same = bool(np.array_equal(ours.reshape(-1), ref.reshape(-1)))
            peer = (lambda d: lambda: _torch_amax(torch, xt, d))(dims)
        add(f"fp8.amax {label}", f"amax_{tag}", (lambda f: lambda: f(x))(fn),
            "torch x.abs().amax", peer, bits=same)
    return result
