#!/usr/bin/env python3
"""Prints the shared-memory matrix descriptors that each wgmma.mma_async of
a PTX module receives, decoded, for FileCheck (wgmma-ptxas.mlir).

Reads MLIR on stdin that holds the PTX (gpu-module-to-binary{format=isa}:
`assembly = "..."`). For every wgmma.mma_async it follows the definitions
of the two descriptor registers back to the addresses of .shared variables
and evaluates them (mov, cvt, bfe, shr, shl, and, or, add, sub), so the
result does not depend on how the compiler arranged the arithmetic. Each
descriptor is printed as its fields (PTX ISA, "Matrix Descriptor Format"):
bits 0-13 start address >> 4, 16-29 leading byte offset >> 4, 32-45
stride byte offset >> 4, 49-51 base offset, 62-63 swizzle mode, as

  <kernel>: <instruction> a: <shared var> + <bytes> lbo <bytes> sbo <bytes>
      base <n> swizzle <n>, b: ...

A register that is not a straight-line function of one shared variable's
address, or a field that differs between two placements of the variables,
is reported as an error line (which no CHECK accepts).
"""

import re
import sys

MASK64 = (1 << 64) - 1


def unescape(text):
    """The contents of an MLIR string literal."""
    return re.sub(r"\\([0-9A-Fa-f]{2}|\\)",
                  lambda m: "\\" if m.group(1) == "\\" else chr(int(m.group(1), 16)),
                  text)


def kernels(ptx):
    """(name, lines) of every .entry, up to the next one."""
    for chunk in re.split(r"(?=\.entry\s)", ptx)[1:]:
        yield re.match(r"\.entry\s+(\w+)", chunk).group(1), chunk.splitlines()


INSTRUCTION = re.compile(r"^\s*([a-z][\w.]*)\s+(%\w+),\s*(.*?);\s*$")


class Evaluator:
    """Straight-line values of registers, given addresses for the .shared
    variables."""

    def __init__(self, lines, shared):
        self.defs = {}
        self.shared = shared
        for line in lines:
            match = INSTRUCTION.match(line)
            if match:
                op, dest, args = match.groups()
                self.defs.setdefault(dest, []).append((op, [a.strip() for a in args.split(",")]))

    def operand(self, text, addresses):
        if text.startswith("%"):
            return self.value(text, addresses)
        if text in addresses:
            return addresses[text]
        return int(text, 0) & MASK64

    def value(self, register, addresses):
        definitions = self.defs.get(register, [])
        if len(definitions) != 1:
            raise ValueError(f"{register} has {len(definitions)} definitions")
        op, args = definitions[0]
        x = [self.operand(a, addresses) for a in args]
        base = op.split(".")[0]
        if base in ("mov", "cvt"):
            return x[0]
        if base == "bfe":
            return (x[0] >> x[1]) & ((1 << x[2]) - 1)
        if base == "shr":
            return x[0] >> x[1]
        if base == "shl":
            return (x[0] << x[1]) & MASK64
        if base == "and":
            return x[0] & x[1]
        if base == "or":
            return x[0] | x[1]
        if base == "add":
            return (x[0] + x[1]) & MASK64
        if base == "sub":
            return (x[0] - x[1]) & MASK64
        raise ValueError(f"{register} is defined by {op}, which this script does not evaluate")


def fields(descriptor):
    return {
        "start": (descriptor & 0x3FFF) << 4,
        "lbo": ((descriptor >> 16) & 0x3FFF) << 4,
        "sbo": ((descriptor >> 32) & 0x3FFF) << 4,
        "base": (descriptor >> 49) & 7,
        "swizzle": (descriptor >> 62) & 3,
        "reserved": descriptor & ~(0x3FFF | 0x3FFF << 16 | 0x3FFF << 32 | 7 << 49 | 3 << 62),
    }


def describe(evaluator, register):
    """The fields of the descriptor in `register`, or raises ValueError."""
    # The shared variables at 16-byte aligned addresses below 256 KiB; then
    # each moved by 1 KiB alone, to find the one the start address follows.
    placement = {name: 0x1000 + 0x2000 * i for i, name in enumerate(evaluator.shared)}
    reference = fields(evaluator.value(register, placement))
    follows = []
    for name in evaluator.shared:
        moved = dict(placement, **{name: placement[name] + 0x400})
        current = fields(evaluator.value(register, moved))
        if any(current[key] != reference[key] for key in reference if key != "start"):
            raise ValueError(f"{register}: the layout fields depend on {name}'s address")
        if current["start"] - reference["start"] == 0x400:
            follows.append(name)
        elif current["start"] != reference["start"]:
            raise ValueError(f"{register}: the start address is not {name}'s plus a constant")
    if len(follows) != 1:
        raise ValueError(f"{register}: the start address follows {len(follows)} shared variables")
    if reference["reserved"]:
        raise ValueError(f"{register}: reserved bits set: {reference['reserved']:#x}")
    name = follows[0]
    return (f"{name} + {reference['start'] - placement[name]} lbo {reference['lbo']} "
            f"sbo {reference['sbo']} base {reference['base']} swizzle {reference['swizzle']}")


def main():
    text = sys.stdin.read()
    found = False
    for literal in re.findall(r'assembly\s*=\s*"((?:[^"\\]|\\.)*)"', text):
        ptx = unescape(literal)
        shared = re.findall(r"\.shared\s+[^;]*?\s(\w+)\[", ptx)
        for name, lines in kernels(ptx):
            evaluator = Evaluator(lines, shared)
            for line in lines:
                match = re.search(r"(wgmma\.mma_async\S*)\s+\{[^}]*\},\s*(%\w+),\s*(%\w+),", line)
                if not match:
                    continue
                found = True
                try:
                    a = describe(evaluator, match.group(2))
                    b = describe(evaluator, match.group(3))
                    print(f"{name}: {match.group(1)} a: {a}, b: {b}")
                except ValueError as error:
                    print(f"{name}: {match.group(1)} error: {error}")
    if not found:
        print("error: no wgmma.mma_async in the input")
    return 0


if __name__ == "__main__":
    sys.exit(main())
