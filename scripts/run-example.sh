#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs the main example: quantizing a linear
# layer's weights per-tensor (E4M3FN), row-wise (HiF8, hybrid rounding) and
# MX (FP4 with E8M0 scales), folded at compile time by fp8-opt.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"

"$root/scripts/setup.sh"
echo
echo "== fp8-opt examples/quantize_weights.mlir -canonicalize -cse"
"$build/bin/fp8-opt" "$root/examples/quantize_weights.mlir" -canonicalize -cse
