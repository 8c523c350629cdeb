#!/usr/bin/env python3
"""Accuracy of the fp8 recipes on the f32 example models.

For each model in examples/ (mlp-f32, cnn-f32, transformer-f32) and each
recipe x scaling of fp8-insert-casts, compiles the f32 program through

    --inline --fp8-insert-casts="recipe=R scaling=S"   (then fp8-fold-scales)
    --fp8-cpu-pipeline

runs it under mlir-runner, and compares its printed output with the f32
program's (the same model through --fp8-cpu-pipeline alone): relative L2
error ||y - ref|| / ||ref|| and max |y - ref|. Also counts the fp8 ops left
in the program after folding. Recipe rows (fp8bench/passes.py): ocp, hfp8,
hif8 (the pass's default) and hif8-8 / hif8-15, HiF8 with amax mapped onto
8 (margin=12) and onto 15 (target-max=15). Prints one table, a second that
sets hif8-8 and hif8-15 side by side, and writes
bench/results/recipes.json. Python standard library only; see
bench/README.md.
"""

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

from fp8bench.passes import (  # noqa: E402
    CPU_PIPELINE, FOLD_SCALES, INSERT_CASTS, INSERT_CASTS_RECIPES)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ["mlp-f32", "cnn-f32", "transformer-f32"]
RECIPES = ["ocp", "hfp8", "hif8-8", "hif8-15"]
SCALINGS = ["tensor", "row", "block1x128", "block128x128", "mx32"]
FP8_OP = re.compile(
    r"\bfp8\.(convert|bitcast|quantize|dequantize|amax|compute_scale|"
    r"scaled_matmul)\b")


def log(msg):
    print(f"[recipes] {msg}", file=sys.stderr, flush=True)


class Tools:
    def __init__(self, args):
        self.fp8_opt = args.fp8_opt or os.path.join(ROOT, "build", "bin",
                                                    "fp8-opt")
        llvm_bin = args.llvm_bin
        if not llvm_bin:
            found = shutil.which("mlir-runner")
            llvm_bin = (os.path.dirname(os.path.realpath(found)) if found
                        else "/usr/lib/llvm-22/bin")
        lib = os.path.join(os.path.dirname(llvm_bin), "lib")
        self.mlir_runner = os.path.join(llvm_bin, "mlir-runner")
        self.shared_libs = ",".join(
            os.path.join(lib, name) for name in
            ("libmlir_c_runner_utils.so", "libmlir_runner_utils.so",
             "libomp.so"))

    def opt(self, source, passes, output):
        subprocess.run([self.fp8_opt, source, *passes, "-o", output],
                       check=True)

    def run(self, source):
        """The numbers printMemrefF32 printed for `source` (linalg + fp8 on
        tensors) through fp8-cpu-pipeline."""
        lowered = subprocess.run([self.fp8_opt, source, f"--{CPU_PIPELINE}"],
                                 check=True, capture_output=True, text=True)
        out = subprocess.run(
            [self.mlir_runner, "-e", "main", "-entry-point-result=void",
             f"-shared-libs={self.shared_libs}"],
            input=lowered.stdout, check=True, capture_output=True, text=True)
        return parse_memref(out.stdout)


def parse_memref(text):
    data = text[text.index("data =") + len("data ="):]
    return [float(token) for token in
            re.findall(r"-?(?:nan|inf|[0-9.]+(?:e[-+]?[0-9]+)?)", data)]


def errors(values, reference):
    if len(values) != len(reference):
        raise RuntimeError("output sizes differ")
    diff2 = sum((v - r) ** 2 for v, r in zip(values, reference))
    ref2 = sum(r * r for r in reference)
    rel_l2 = math.sqrt(diff2 / ref2) if ref2 else math.inf
    max_abs = max(abs(v - r) for v, r in zip(values, reference))
    return rel_l2, max_abs


def count_fp8_ops(path):
    counts = {}
    with open(path) as f:
        for line in f:
            code = line.split("//")[0]
            for name in FP8_OP.findall(code):
                counts[name] = counts.get(name, 0) + 1
    return counts


def print_hif8_targets(rows):
    """HiF8 with amax mapped onto 8 (hif8-8) next to onto 15 (hif8-15)."""
    by_key = {(r[0], r[1], r[2]): r for r in rows}
    pairs = [(by_key[(m, "hif8-8", s)], by_key[(m, "hif8-15", s)])
             for (m, recipe, s) in by_key
             if recipe == "hif8-8" and (m, "hif8-15", s) in by_key]
    if not pairs:
        return
    print()
    print("HiF8, amax mapped onto 8 (margin=12) vs onto 15 (target-max=15)")
    header = ("model", "scaling", "rel L2 @8", "rel L2 @15", "max abs @8",
              "max abs @15")
    widths = [16, 12, 10, 10, 11, 11]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for at8, at15 in pairs:
        cells = [at8[0], at8[2], f"{at8[3]:.4f}", f"{at15[3]:.4f}",
                 f"{at8[4]:.4f}", f"{at15[4]:.4f}"]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths)))
    print("mx32 (E8M0 scales 2^(floor(log2 amax) - floor(log2 t))) gives the "
          "same scales for t = 8 and t = 15.")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fp8-opt", help="fp8-opt binary (build/bin/fp8-opt)")
    parser.add_argument("--llvm-bin", help="directory of mlir-runner")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--recipes", default=",".join(RECIPES),
                        help="recipe rows, from: " +
                        ", ".join(INSERT_CASTS_RECIPES))
    parser.add_argument("--scalings", default=",".join(SCALINGS))
    parser.add_argument("--json",
                        default=os.path.join(ROOT, "bench", "results",
                                             "recipes.json"))
    parser.add_argument("--keep", help="keep the transformed programs here")
    args = parser.parse_args()
    for recipe in args.recipes.split(","):
        if recipe not in INSERT_CASTS_RECIPES:
            parser.error(f"unknown recipe row {recipe!r} (expected one of "
                         f"{', '.join(INSERT_CASTS_RECIPES)})")
    tools = Tools(args)

    workdir = args.keep or tempfile.mkdtemp(prefix="fp8-recipes-")
    os.makedirs(workdir, exist_ok=True)
    records = []
    rows = []
    for model in args.models.split(","):
        source = os.path.join(ROOT, "examples", model + ".mlir")
        inlined = os.path.join(workdir, f"{model}.inlined.mlir")
        tools.opt(source, ["--inline"], inlined)
        reference = tools.run(inlined)
        log(f"{model}: f32 reference, {len(reference)} outputs")
        for recipe in args.recipes.split(","):
            for scaling in args.scalings.split(","):
                name = f"{model}.{recipe}.{scaling}"
                program = os.path.join(workdir, name + ".mlir")
                options = f"{INSERT_CASTS_RECIPES[recipe]} scaling={scaling}"
                tools.opt(inlined, [f"--{INSERT_CASTS}={options}"], program)
                # fp8-fold-scales, which must not change a bit of the
                # outputs: both programs run.
                folded = os.path.join(workdir, name + ".folded.mlir")
                tools.opt(program, [f"--{FOLD_SCALES}"], folded)
                inserted_ops = count_fp8_ops(program)
                ops = count_fp8_ops(folded)
                outputs = tools.run(folded)
                same = outputs == tools.run(program)
                rel_l2, max_abs = errors(outputs, reference)
                rows.append((model, recipe, scaling, rel_l2, max_abs,
                             sum(inserted_ops.values()), sum(ops.values()),
                             ops.get("scaled_matmul", 0), same))
                records.append({
                    "model": model, "recipe": recipe, "scaling": scaling,
                    "insert_casts_options": options,
                    "rel_l2_error": rel_l2, "max_abs_error": max_abs,
                    "fp8_ops_inserted": inserted_ops, "fp8_ops": ops,
                    "folding_kept_outputs_bitwise": same,
                    "outputs": len(reference)})

    header = ("model", "recipe", "scaling", "rel L2 err", "max abs err",
              "fp8 ops", "folded", "scaled_matmul", "fold exact")
    print("fp8-insert-casts recipes vs the f32 program; fp8 ops: inserted, "
          "then left after fp8-fold-scales; fold exact: the folded program's "
          "outputs are bit-identical to the unfolded one's")
    widths = [16, 7, 12, 11, 11, 7, 6, 13, 10]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for (model, recipe, scaling, rel_l2, max_abs, inserted, total, matmuls,
         same) in rows:
        cells = [model, recipe, scaling, f"{rel_l2:.4f}", f"{max_abs:.4f}",
                 str(inserted), str(total), str(matmuls),
                 "yes" if same else "NO"]
        print("  ".join(c.ljust(w) for c, w in zip(cells, widths)))
    print("hfp8 differs from ocp only on contractions tagged "
          "fp8.role = \"grad\" (none in these forward-only models).")
    print_hif8_targets(rows)

    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump(records, f, indent=1)
        f.write("\n")
    log(f"wrote {args.json}")
    if not args.keep:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    main()
