"""The CPU benchmarks of bench/cpu.py, by part (see bench/README.md):

  passes          every pass list and pass name the benchmarks use
  templates       fills the MLIR templates of bench/templates/
  runner          the tools, lowering and running a program, its output
  host            what this CPU is and has
  harness         the timed conversion programs (kernels, phases, main)
  disasm          the kernels' loops in the JIT-compiled object
  conversion      the conversion-throughput suite
  matmul_program  the timed scaled-matmul programs
  matmul          the scaled-matmul suite
  report          the tables
  cli             the command line

Python standard library only.
"""
