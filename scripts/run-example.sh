#!/usr/bin/env bash
# Sets up (scripts/setup.sh), then compiles a PyTorch transformer block
# (examples/transformer_block.py: nn.TransformerEncoderLayer with random
# weights) through the torch frontend in f32, E4M3FN and HiF8, runs it on
# this CPU and prints each configuration's error against PyTorch f32 and its
# time beside PyTorch's.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
venv="${VENV_DIR:-$root/.venv}"

"$root/scripts/setup.sh"
echo
echo "== examples/transformer_block.py"
PYTHONPATH="$build/python_packages" "$venv/bin/python" \
  "$root/examples/transformer_block.py" "$@"
