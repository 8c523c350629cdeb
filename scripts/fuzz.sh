#!/usr/bin/env bash
# Runs the libFuzzer target fp8-fuzz (utils/fuzz; clang-22 with
# -fsanitize=fuzzer,address,undefined, built by scripts/sanitize.sh in
# build-asan) for a given time on the seed corpus (test/ and examples/,
# built by utils/fuzz/make-corpus.py) plus what earlier runs found, with
# the dialect's dictionary (utils/fuzz/fp8.dict).
#
#   scripts/fuzz.sh [SECONDS] [libFuzzer options...]   default 60 seconds
#   ASAN_BUILD_DIR=... scripts/fuzz.sh 3600 -fork=2
#
# A crash stops the run (exit status non-zero) and leaves its input in
# build-asan/fuzz/artifacts; reproduce it with
#   build-asan/bin/fp8-fuzz build-asan/fuzz/artifacts/crash-...
# (LD_PRELOAD as below). Crashes in upstream MLIR (no frame of ours) are
# listed in utils/fuzz/KNOWN_ISSUES.md and skipped by the target.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ASAN_BUILD_DIR:-$root/build-asan}"
seconds="${1:-60}"
shift || true

command -v clang++-22 >/dev/null ||
  { echo "fuzz: clang-22 is needed (scripts/setup.sh installs it)" >&2; exit 1; }
# (A directory argument: the build skips what only the whole suite needs.)
SANITIZE_BUILD_ONLY=1 "$root/scripts/sanitize.sh" fuzz

work="$build/fuzz"
rm -rf "$work/seeds"
"$root/utils/fuzz/make-corpus.py" "$work/seeds"
mkdir -p "$work/corpus" "$work/artifacts"
export LD_PRELOAD="$(clang++-22 -print-runtime-dir)/libclang_rt.asan-x86_64.so"
export ASAN_OPTIONS="detect_leaks=0:detect_container_overflow=0:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:${UBSAN_OPTIONS:-}"
# New inputs go to the first directory ($work/corpus). A pipeline may take
# seconds on a large input, and large constants take memory.
exec "$build/bin/fp8-fuzz" "$work/corpus" "$work/seeds" \
  -dict="$root/utils/fuzz/fp8.dict" \
  -max_total_time="$seconds" -timeout=120 -rss_limit_mb=6144 \
  -max_len=16384 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@"
