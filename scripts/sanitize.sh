#!/usr/bin/env bash
# Builds fp8-mlir with AddressSanitizer + UndefinedBehaviorSanitizer
# (-DFP8_ENABLE_SANITIZERS=ON) in its own build directory and runs the lit
# suite under them, the fp8mlir package's pytest suite included. Any
# sanitizer report fails the test that triggered it.
#
#   scripts/sanitize.sh                  build, then every lit test
#   scripts/sanitize.sh Dialect python   build, then these lit directories
#                                        (relative to test/)
#   SANITIZE_BUILD_ONLY=1 scripts/sanitize.sh   build only
#   ASAN_BUILD_DIR=... JOBS=... scripts/sanitize.sh
#
# With clang-22 (scripts/setup.sh installs it) the build also has the
# libFuzzer target fp8-fuzz (-DFP8_ENABLE_FUZZER=ON), which scripts/fuzz.sh
# runs from the same directory; without it, the host compiler builds the
# rest.
#
# Optimized at -O1 (ASan's usual level; it halves the build time of -O3).
# Left out: the PyTorch model tests (test/python/torch: torch under ASan's
# allocator is too slow) and test/Install (it builds a downstream project
# with the host compiler). The MLIR libraries and LLVM's tools
# (mlir-runner, FileCheck) are not instrumented: the ASan runtime is
# preloaded into every process the tests start, so that our instrumented
# libraries (the Python extension, libfp8_runtime) load in uninstrumented
# hosts. Leak checking is off (Python and the JIT keep memory until exit by
# design), and so are container-overflow checks (they need every user of a
# std::vector instrumented, which the MLIR libraries are not).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ASAN_BUILD_DIR:-$root/build-asan}"
venv="${VENV_DIR:-$root/.venv}"
jobs="${JOBS:-$(nproc)}"

if command -v clang++-22 >/dev/null; then
  compilers=(-DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22
             -DFP8_ENABLE_FUZZER=ON)
  runtime="$(clang++-22 -print-runtime-dir)/libclang_rt.asan-x86_64.so"
  fuzzer=(fp8-fuzz)
else
  compilers=()
  runtime="$(c++ -print-file-name=libasan.so) $(c++ -print-file-name=libubsan.so)"
  fuzzer=()
fi

if [[ ! -f "$build/build.ninja" ]]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release "${compilers[@]}" \
    -DCMAKE_C_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="-O1 -DNDEBUG" \
    -DFP8_ENABLE_SANITIZERS=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DPython3_EXECUTABLE="$venv/bin/python"
fi
# What check-fp8 needs (FP8_TEST_DEPENDS), without running it; the numerics
# gtests and the docs only for the whole suite (test/Unit, test/Docs).
targets=(fp8-opt fp8_test_runtime fp8_runtime fp8-capi-test MLIRFP8CAPI
         fp8mlir-python "${fuzzer[@]}")
(($#)) || targets+=(FP8NumericsTests fp8-doc)
cmake --build "$build" -j "$jobs" --target "${targets[@]}"
[[ -n "${SANITIZE_BUILD_ONLY:-}" ]] && exit 0

export LD_PRELOAD="$runtime"
# allow_user_poisoning=0: LLVM's allocators (BumpPtrAllocator, Recycler) poison
# and unpoison their memory by hand where their header code is compiled into
# our instrumented objects, but not where libMLIR's uninstrumented copy of
# the same code hands the memory out again; with MLIR's multithreading
# (fp8-opt's default) that gives use-after-poison reports on attribute
# storage that libMLIR allocated (seen on examples/mlp.mlir through
# fp8-cpu-pipeline; clean with --mlir-disable-threading). Heap, stack and
# use-after-free checks of our own code are unaffected.
export ASAN_OPTIONS="detect_leaks=0:detect_container_overflow=0:allow_user_poisoning=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"

paths=()
if (($#)); then
  for dir in "$@"; do paths+=("$build/test/$dir"); done
else
  paths=("$build/test")
fi
/usr/lib/llvm-22/bin/lit -sv -j "$jobs" \
  --filter-out 'Install/|python/torch/' "${paths[@]}"
