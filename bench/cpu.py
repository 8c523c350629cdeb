#!/usr/bin/env python3
"""CPU benchmarks of fp8-mlir's generated code, each figure next to baselines
measured in the same run. Prints one table and writes bench/results/cpu.json.

Every kernel is MLIR (memref + scf.for over vector<16x..> chunks), lowered to
the LLVM dialect, JIT-compiled at -O3 for this machine's CPU by mlir-runner,
and timed from inside the MLIR program with rtclock, single-threaded.
Baselines (the memory-bandwidth bound, upstream MLIR's lowering of the same
IR) run in the same invocation, interleaved with the kernels they bound. See
bench/README.md.

A suite returns table rows and JSON records; the table and the JSON file are
built from those alone: `conversion` (conversion throughput) and `matmul`
(fp8.scaled_matmul GFLOP/s). The code is the package bench/fp8bench/, the
MLIR it runs bench/templates/*.mlir. Python standard library only.
"""

import sys

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree

from fp8bench.cli import main  # noqa: E402  (bench/ is this script's directory)

if __name__ == "__main__":
    main(description=__doc__.split("\n\n")[0])
