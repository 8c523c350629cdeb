#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then compiles the example MLP (examples/mlp.mlir:
# f32, E4M3FN and HiF8 variants) through fp8-cpu-pipeline and runs it on the
# CPU with mlir-runner, printing each output and its error against f32.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
llvm_lib=/usr/lib/llvm-22/lib

"$root/scripts/setup.sh"
echo
echo "== fp8-opt examples/mlp.mlir --fp8-cpu-pipeline | mlir-runner"
"$build/bin/fp8-opt" "$root/examples/mlp.mlir" --fp8-cpu-pipeline |
  /usr/lib/llvm-22/bin/mlir-runner -e main -entry-point-result=void \
    -shared-libs="$llvm_lib/libmlir_c_runner_utils.so,$llvm_lib/libmlir_runner_utils.so"
