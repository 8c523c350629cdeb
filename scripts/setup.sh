#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine and builds fp8-mlir. Unattended and safe to
# re-run: it installs only what is missing and rebuilds incrementally.
#
#   scripts/setup.sh            install what is missing, configure, build
#   BUILD_DIR=... scripts/setup.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
jobs="${JOBS:-$(nproc)}"

venv="${VENV_DIR:-$root/.venv}"

debian_packages=(
  llvm-22-dev libmlir-22-dev mlir-22-tools   # LLVM/MLIR 22, lit, FileCheck
  libomp-22-dev                              # OpenMP runtime: threaded code
  cmake ninja-build g++ libgtest-dev
  python3-dev python3-venv                   # the fp8mlir Python package
  clang-22 libclang-rt-22-dev                # sanitizer and fuzzer builds
)
# Into $venv, for building the Python package and its tests.
python_packages=(nanobind numpy pytest ml_dtypes packaging)

missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" ||
    missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
    "${missing[@]}"
fi

if [[ ! -x "$venv/bin/python" ]]; then
  echo "setup: creating $venv"
  python3 -m venv "$venv"
fi
if ! "$venv/bin/python" -c "import nanobind, numpy, pytest, ml_dtypes, packaging" 2>/dev/null; then
  echo "setup: installing ${python_packages[*]} into $venv"
  "$venv/bin/python" -m pip install -q "${python_packages[@]}"
fi

# The PyTorch frontend (fp8mlir.torch) and its tests: torch and torch-mlir,
# the versions torch-mlir was built against. torch's own requirements come
# from its metadata, less triton (a GPU kernel compiler) and cuda-bindings
# (CUDA's Python API), which importing torch and exporting models do not
# need; its CUDA libraries are needed (libtorch links them). About 4.8 GB.
torch_packages=(torch==2.14.1 torch-mlir==20261001)
if ! "$venv/bin/python" -c "import torch, torch_mlir.fx" 2>/dev/null; then
  echo "setup: installing ${torch_packages[*]} into $venv"
  "$venv/bin/python" -m pip install -q --no-deps "${torch_packages[@]}"
  mapfile -t torch_requirements < <("$venv/bin/python" - <<'EOF_PY'
from importlib.metadata import requires
from packaging.requirements import Requirement
for package in ("torch", "torch-mlir"):
    for line in requires(package) or []:
        requirement = Requirement(line)
        if requirement.name in ("triton", "cuda-bindings"):
            continue
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            print(requirement)
EOF_PY
  )
  # pip's resolver then complains about the two left out; show its output
  # only if it fails.
  log="$(mktemp)"
  "$venv/bin/python" -m pip install -q "${torch_requirements[@]}" 2>"$log" ||
    { cat "$log" >&2; exit 1; }
  rm -f "$log"
fi

# Configures a new build directory, and points an existing one at $venv.
if [[ ! -f "$build/build.ninja" ]] ||
  ! grep -qx "Python3_EXECUTABLE:[A-Z]*=$venv/bin/python" "$build/CMakeCache.txt"; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE="$venv/bin/python"
fi
cmake --build "$build" -j "$jobs"
