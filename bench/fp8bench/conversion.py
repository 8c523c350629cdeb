"""Suite `conversion`: conversion throughput (elements/s) of fp8.convert and
of arith.truncf / arith.extf through our lowering, against the memory-
bandwidth bound (stream loops of the same traffic) and upstream's APFloat
lowering of the same IR, with in-cache diagnostics. See bench/README.md."""

import statistics
import sys

from .disasm import inspect_loops
from .harness import VECTOR, Kernel, Phase, CLOCK_STEPS, program_source
from .host import cpu_flags
from .passes import LLVM_AVX512, UPSTREAM_LOWERING, fp8_lowering
from .report import rate_str, size
from .runner import Program, run_repeated

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


# Each kernel below: (fragment of templates/conversion_kernels.mlir, its
# placeholders' values).
def fp8_encode(fmt, rounding, saturation):
    sat = "" if saturation == "none" else f", saturation = #fp8.saturation<{saturation}>"
    template = "encode_fp8_stochastic" if rounding == "stochastic" else "encode_fp8"
    return template, dict(type=FORMATS[fmt], rounding=rounding, saturation=sat)


def arith_encode(fmt, rounding):
    mode = ARITH_ROUNDING[rounding]
    return "encode_arith", dict(type=FORMATS[fmt], arith_rounding=f" {mode}" if mode else "")


def fp8_decode(fmt):
    return "decode_fp8", dict(type=FORMATS[fmt])


def arith_decode(fmt):
    return "decode_arith", dict(type=FORMATS[fmt])


# The memory-bandwidth bound: the cheapest loops with the kernels' traffic.
STREAM_ENC = ("stream_enc", {})
STREAM_ENC_RB = ("stream_enc_rb", {})
STREAM_DEC = ("stream_dec", {})


def conversion_suite(tools, args, workdir):
    n, n_up, n_l2 = args.elements, args.apfloat_elements, args.l2_elements
    for v in (n, n_up, n_l2):
        if v <= 0 or v % VECTOR:
            sys.exit(f"bench: element counts must be positive multiples of {VECTOR}")
    if n_up > n:
        sys.exit("bench: --apfloat-elements must not exceed --elements")

    ours, upstream, figures = [], [], []

    def kernel(kernels, name, kind, template, label, check=True):
        fragment, params = template
        kernels.append(Kernel(name, kind, fragment, label, check, **params))
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
            k = kernel(ours, "enc_" + tag, "enc", fp8_encode(fmt, rounding, sat),
                       desc + " [fp8.convert]")
            fig = dict(kernel=k, fmt=fmt, rounding=rounding, sat=sat, stream=stream)
            if fmt in BUILTIN and sat == "none" and rounding in ARITH_ROUNDING:
                # The same IR in arith, through our lowering and upstream's.
                up = kernel(upstream, "up_enc_" + tag, "enc", arith_encode(fmt, rounding),
                            f"upstream APFloat: arith.truncf {rounding} to {fmt}")
                a = kernel(ours, "enc_" + tag + "_arith", "enc",
                           arith_encode(fmt, rounding), desc + " [arith.truncf]")
                figures.append(dict(fig, apfloat=up))
                figures.append(dict(fig, kernel=a, apfloat=up, same_ir=True))
            else:
                figures.append(fig)
        desc = f"decode {fmt} -> f32"
        k = kernel(ours, f"dec_{fmt}", "dec", fp8_decode(fmt), desc + " [fp8.convert]")
        fig = dict(kernel=k, fmt=fmt, rounding=None, sat="none", stream=s_dec)
        if fmt in BUILTIN:
            up = kernel(upstream, f"up_dec_{fmt}", "dec", arith_decode(fmt),
                        f"upstream APFloat: arith.extf from {fmt}")
            a = kernel(ours, f"dec_{fmt}_arith", "dec", arith_decode(fmt),
                       desc + " [arith.extf]")
            figures.append(dict(fig, apfloat=up))
            figures.append(dict(fig, kernel=a, apfloat=up, same_ir=True))
        else:
            figures.append(fig)

    # HiF8 encodes again with AVX-512 tables (fp8-expand's AVX-512 option, as
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
            k = kernel(avx, f"enc_{tag}_avx512", "enc", fp8_encode("hif8", rounding, sat),
                       desc + f" [fp8.convert, {LLVM_AVX512}]")
            same_as[k.name] = "enc_" + tag
            figures.append(dict(kernel=k, fmt="hif8", rounding=rounding, sat=sat,
                                stream=s_enc_avx))
    else:
        notes_avx = "AVX-512 HiF8 rows not run: this CPU lacks avx512f/avx512bw"

    phases = [Phase("dram", n, args.rounds, scrub=args.scrub_mib << 18),
              Phase("l2", n_l2, args.l2_rounds, args.l2_calls)]
    p_ours = Program("conversion-fp8",
                     program_source(ours, phases, n_up, clock_phase="l2"),
                     tools.fp8_opt, fp8_lowering(), [tools.c_runner_utils])
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
                        tools.fp8_opt, fp8_lowering(avx512=True),
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
