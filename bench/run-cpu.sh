#!/usr/bin/env bash
# CPU benchmarks: brings build/bin/fp8-opt up to date (scripts/setup.sh on a
# fresh machine), then runs bench/cpu.py, which prints the tables and writes
# bench/results/cpu.json. About three minutes (conversions, then scaled matmul).
#
#   bench/run-cpu.sh                   the full run
#   bench/run-cpu.sh --quick           a smoke test (small arrays, one short run)
#   bench/run-cpu.sh --help            every option of bench/cpu.py
#   BENCH_NO_BUILD=1 bench/run-cpu.sh  use build/bin/fp8-opt as it is
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"

if [[ -z "${BENCH_NO_BUILD:-}" ]]; then
  if [[ -f "$build/build.ninja" ]]; then
    cmake --build "$build" --target fp8-opt -j "${JOBS:-$(nproc)}" >&2
  else
    "$root/scripts/setup.sh" >&2
  fi
fi
exec python3 "$root/bench/cpu.py" --fp8-opt "$build/bin/fp8-opt" "$@"
