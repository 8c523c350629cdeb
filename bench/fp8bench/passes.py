"""Every pass the benchmarks run, by name, in one place: renaming a pass or
an option of fp8-opt is a one-line change here."""

# convert-fp8-to-llvm's option for the AVX-512BW HiF8 encoder (the binade
# tables looked up with vpermi2w); fp8-cpu-pipeline{target=avx512} sets it.
# The conversion table's row labels name it too.
LLVM_AVX512 = "target=avx512"
# fp8-opt's CPU pipeline, with its `target` option (the matmul programs).
CPU_PIPELINE = "fp8-cpu-pipeline"
# fp8-insert-casts and fp8-fold-scales (bench/recipes.py).
INSERT_CASTS = "fp8-insert-casts"
FOLD_SCALES = "fp8-fold-scales"
# bench/recipes.py's recipe rows: name -> fp8-insert-casts options (scaling
# is added per row). hif8 is the pass's own HiF8 default; hif8-8 and hif8-15
# pin where HiF8 maps amax: onto 8 (margin 12) or onto 15 (target-max, as
# Ascend's dynamic HiF8 quantization does).
INSERT_CASTS_RECIPES = {
    "ocp": "recipe=ocp",
    "hfp8": "recipe=hfp8",
    "hif8": "recipe=hif8",
    "hif8-8": "recipe=hif8 margin=12",
    "hif8-15": "recipe=hif8 target-max=15",
}

_TO_LLVM = ["-convert-scf-to-cf", "-expand-strided-metadata", "-lower-affine",
            "-convert-to-llvm", "-reconcile-unrealized-casts"]


def fp8_lowering(avx512=False):
    """Our lowering of the conversion kernels: the pass list of
    test/Integration/CPU; with `avx512`, the AVX-512 encoder."""
    if avx512:
        return [f"-convert-fp8-to-llvm={LLVM_AVX512}"] + _TO_LLVM
    return ["-fp8-expand", "-convert-fp8-to-llvm"] + _TO_LLVM


# Upstream MLIR 22's only lowering of arith.truncf / arith.extf on f8 types
# (one APFloat runtime call per element), run by upstream's own mlir-opt.
UPSTREAM_LOWERING = ["--convert-arith-to-apfloat"] + _TO_LLVM


def cpu_pipeline(target):
    """fp8-cpu-pipeline for one target (generic, avx512, avx512-bf16, amx)."""
    return [f"-{CPU_PIPELINE}=target={target}"]


# Upstream MLIR's standard lowering of linalg.matmul on tensors (scalar
# loops), run by upstream's mlir-opt.
UPSTREAM_MATMUL = ["-one-shot-bufferize=bufferize-function-boundaries",
                   "-convert-linalg-to-loops", "-convert-scf-to-cf",
                   "-expand-strided-metadata", "-lower-affine",
                   "-finalize-memref-to-llvm", "-convert-to-llvm",
                   "-reconcile-unrealized-casts"]
