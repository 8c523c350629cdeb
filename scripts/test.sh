#!/usr/bin/env bash
# Sets up (scripts/setup.sh) and runs every default test: the lit suite
# (dialect, folding, fp8-opt diagnostics) and the numerics unit tests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"

"$root/scripts/setup.sh"
cmake --build "$build" --target check-fp8
