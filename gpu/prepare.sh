#!/bin/sh
# Compiles the GPU harness's kernels (gpu/kernels/*.mlir) with
# fp8-gpu-pipeline into DIR (default build/gpu-artifacts), for
# gpu/harness.py on a GPU machine without MLIR:
#   gpu/prepare.sh [DIR] [CHIP]        # CHIP defaults to sm_90a (H100)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/build/gpu-artifacts}
chip=${2:-sm_90a}
mkdir -p "$out"
for kernels in conversions matmuls; do
  "$root/build/bin/fp8-opt" "$root/gpu/kernels/$kernels.mlir" \
    --fp8-gpu-pipeline="chip=$chip host=none" -o "$out/$kernels.mlir"
done
echo "wrote $out (chip $chip)"
