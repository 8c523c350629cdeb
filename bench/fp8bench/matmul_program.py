"""The timed scaled-matmul programs: the kernels of
templates/matmul_kernels.mlir, the peak loops of templates/fma_peak.mlir
and templates/amx_peak.mlir, and a main (templates/matmul_main.mlir) that
makes the operands, checks every kernel once and times them in interleaved
rounds."""

import sys

from .templates import fill

# (tag, label, lhs block, rhs block, scale type) per scaling; None: per tensor.
MM_SCALINGS = [
    ("pt", "per-tensor", None, None, "f32"),
    ("row", "row-wise (lhs [1,K], rhs [K,1])", "row", "col", "f32"),
    ("blk", "1x128 (lhs [1,128], rhs [128,128])", (1, 128), (128, 128), "f32"),
    ("mx", "MX32 (E8M0 scales, lhs [1,32], rhs [32,1])", (1, 32), (32, 1), "f8E8M0FNU"),
]
MM_FMT = "f8E4M3FN"
PEAK_ACCS = 16          # independent vector<16xf32> accumulators (fma_peak.mlir)
PEAK_ITERS = 20_000_000  # loop iterations per peak timing (16 FMAs each)
AMX_PEAK_ITERS = 2_000_000  # loop iterations per AMX peak timing (4 tdpbf16ps each)
AMX_TILE_FLOPS = 2 * 16 * 16 * 32  # one tdpbf16ps: 16x16 f32 += 16x32 * 32x16 bf16

KERNELS = "matmul_kernels.mlir"
MAIN = "matmul_main.mlir"


def mm_blocks(lb, rb, m, n, k):
    """The (block, scale shape) of each operand of one scaling at M x N x K;
    None for per-tensor scales."""
    if lb is None:
        return None
    lb = (1, k) if lb == "row" else lb
    rb = (k, 1) if rb == "col" else rb
    return (lb, (m // lb[0], k // lb[1])), (rb, (k // rb[0], n // rb[1]))


def fma_peak():
    text = fill("fma_peak.mlir")
    if text.count("= vector.fma") != PEAK_ACCS:
        sys.exit(f"bench: templates/fma_peak.mlir must have {PEAK_ACCS} vector.fma "
                 f"(PEAK_ACCS)")
    return text


def mm_program(m, n, k, rounds, scalings, with_f32, with_peak, tag, target=""):
    """One program at M x N x K: the scaled matmuls (operands and scales as
    function arguments: tensors), the f32 linalg.matmul, the FMA peak loop,
    each result first checked on sampled elements against an f64 sum over
    the dequantized operands (fp8.dequantize: independent of the matmul's
    code), which is also the kernel's warm-up; then `rounds` interleaved
    timed rounds."""
    types = dict(mk=f"tensor<{m}x{k}xf32>", kn=f"tensor<{k}x{n}xf32>",
                 mn=f"tensor<{m}x{n}xf32>", qmk=f"tensor<{m}x{k}x{MM_FMT}>",
                 qkn=f"tensor<{k}x{n}x{MM_FMT}>")
    funcs, setup = [], [fill(MAIN, "operands", **types)]
    calls = []  # (name, call, dequantized lhs, dequantized rhs)
    for stag, _, lb, rb, sty in scalings:
        blocks = mm_blocks(lb, rb, m, n, k)
        name = f"smm_{stag}_{tag}" + (f"_{target.replace('-', '_')}" if target else "")
        if blocks is None:
            scales = dict(sa="f32", sb="f32")
            setup.append(fill(MAIN, "quantize_tensor", s=stag, format=MM_FMT, **types))
            funcs.append(fill(KERNELS, "scaled_matmul_tensor", name=name, **scales,
                              **types))
        else:
            (lblk, lsh), (rblk, rsh) = blocks
            scales = dict(sa=f"tensor<{lsh[0]}x{lsh[1]}x{sty}>",
                          sb=f"tensor<{rsh[0]}x{rsh[1]}x{sty}>")
            block = dict(lhs_block=f"{lblk[0]}, {lblk[1]}", rhs_block=f"{rblk[0]}, {rblk[1]}")
            setup.append(fill(MAIN, "quantize_blocks", s=stag, format=MM_FMT,
                              lhs_amax=f"tensor<{lsh[0]}x{lsh[1]}xf32>",
                              rhs_amax=f"tensor<{rsh[0]}x{rsh[1]}xf32>",
                              **block, **scales, **types))
            funcs.append(fill(KERNELS, "scaled_matmul_blocks", name=name, **block,
                              **scales, **types))
        calls.append((name, fill(MAIN, "call_scaled_matmul", name=name, s=stag,
                                 **scales, **types), f"%da_{stag}", f"%db_{stag}"))
    if with_f32:
        name = f"mm_f32_{tag}"
        funcs.append(fill(KERNELS, "f32_matmul", name=name, **types))
        calls.append((name, fill(MAIN, "call_f32_matmul", name=name, **types), "%a", "%b"))
    amx_peak = target == "amx" and with_peak
    if amx_peak:
        funcs.append(fill("amx_peak.mlir"))
    elif with_peak:
        funcs.append(fma_peak())

    out = [fill("clock.mlir")] + funcs
    out.append(fill(MAIN, "begin", m=m, n=n, k=k, rounds=rounds,
                    peak_iters=AMX_PEAK_ITERS if amx_peak else PEAK_ITERS))
    out += setup
    for name, call, da, db in calls:
        out.append(fill(MAIN, "check", name=name, call=call, da=da, db=db, **types))
    if amx_peak:
        out.append(fill(MAIN, "amx_peak_warm"))
    elif with_peak:
        out.append(fill(MAIN, "fma_peak_warm"))
    out.append(fill(MAIN, "rounds_begin"))
    acc = "%acc0"
    for name, call, _, _ in calls:
        out.append(fill(MAIN, "time_call", name=name, call=call, acc=acc, **types))
        acc = f"%acc_{name}"
    if with_peak:
        out.append(fill(MAIN, "time_amx_peak" if amx_peak else "time_fma_peak", acc=acc))
        acc = "%acc_peak"
    out.append(fill(MAIN, "rounds_end", acc=acc) + "\n")
    return "\n".join(out)
