"""Compiles every example (examples/*.mlir) through fp8-insert-casts,
fp8-fold-scales and fp8-gpu-pipeline for sm_89 and sm_90a, and checks that
the result has its host code in the LLVM dialect and its kernels as cubins,
and that upstream mlir-translate --mlir-to-llvmir accepts it.

    compile_examples.py FP8_OPT MLIR_TRANSLATE EXAMPLES_DIR [--full]

By default a few recipe x scaling configurations per example (the examples
taking turns over them, both chips each); --full every recipe x scaling x
chip. Prints one line per compilation; exits 1 on the first failure, with
the tool's message.
"""

import glob
import itertools
import os
import re
import subprocess
import sys

RECIPES = ["ocp", "hfp8", "hif8"]
SCALINGS = ["tensor", "row", "block1x128", "block128x128", "mx32"]
CHIPS = ["sm_89", "sm_90a"]
TURNS = [("ocp", "tensor"), ("hif8", "row"), ("hfp8", "block1x128"),
         ("ocp", "mx32"), ("hif8", "block128x128")]


def configs(examples, full):
    if full:
        for example in examples:
            for (recipe, scaling), chip in itertools.product(
                    itertools.product(RECIPES, SCALINGS), CHIPS):
                yield example, recipe, scaling, chip
        return
    for i, example in enumerate(examples):
        for chip in CHIPS:
            yield (example, *TURNS[i % len(TURNS)], chip)


def check(text):
    """Why `text` is not a lowered module, or None."""
    if re.search(r"^\s*func\.func ", text, re.MULTILINE):
        return "a func.func is left on the host"
    left = re.search(r"\b(memref|scf|linalg|tensor|fp8|arith)\.[a-z_]+", text)
    if left:
        return f"'{left.group(0)}' is left on the host"
    if not re.search(r'gpu\.binary @\w+ +\[#gpu\.object<.*bin = "\\7FELF', text):
        return "no gpu.binary holding a cubin"
    return None


def main(argv):
    fp8_opt, translate, directory = argv[:3]
    full = "--full" in argv[3:]
    examples = sorted(glob.glob(os.path.join(directory, "*.mlir")))
    if not examples:
        print(f"no examples in {directory}")
        return 1
    count = 0
    for example, recipe, scaling, chip in configs(examples, full):
        name = (f"{os.path.basename(example)} recipe={recipe} "
                f"scaling={scaling} chip={chip}")
        lowered = subprocess.run(
            [fp8_opt, example,
             f"--fp8-insert-casts=recipe={recipe} scaling={scaling}",
             "--fp8-fold-scales", f"--fp8-gpu-pipeline=chip={chip}"],
            capture_output=True, text=True)
        if lowered.returncode != 0:
            print(f"FAIL: {name}: fp8-opt:\n{lowered.stderr[-3000:]}")
            return 1
        why = check(lowered.stdout)
        if why:
            print(f"FAIL: {name}: {why}")
            return 1
        translated = subprocess.run([translate, "--mlir-to-llvmir"],
                                    input=lowered.stdout, capture_output=True,
                                    text=True)
        if translated.returncode != 0 or \
                "@mgpuLaunchKernel(" not in translated.stdout:
            print(f"FAIL: {name}: mlir-translate:\n{translated.stderr[-3000:]}")
            return 1
        print(f"PASS: {name}")
        count += 1
    print(f"{count} compilations passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
