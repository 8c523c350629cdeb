"""Compares the printMemrefF32 output of a program with a reference run's:
prints the relative L2 error ||y - ref|| / ||ref|| and the max |y - ref|,
and fails (exit 1) if the relative L2 error is not below --max-rel-l2.

  compare-outputs.py OUTPUT REFERENCE --max-rel-l2 0.1
"""

import argparse
import math
import re
import sys


def load(path):
    with open(path) as f:
        text = f.read()
    data = text[text.index("data =") + len("data ="):]
    return [float(token) for token in
            re.findall(r"-?(?:nan|inf|[0-9.]+(?:e[-+]?[0-9]+)?)", data)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("reference")
    parser.add_argument("--max-rel-l2", type=float, required=True)
    args = parser.parse_args()
    values, reference = load(args.output), load(args.reference)
    if len(values) != len(reference) or not reference:
        sys.exit(f"{len(values)} outputs vs {len(reference)} in the reference")
    diff2 = sum((v - r) ** 2 for v, r in zip(values, reference))
    rel_l2 = math.sqrt(diff2 / sum(r * r for r in reference))
    max_abs = max(abs(v - r) for v, r in zip(values, reference))
    print(f"outputs: {len(values)}")
    print(f"relative L2 error: {rel_l2:.6g}")
    print(f"max abs error: {max_abs:.6g}")
    if not rel_l2 < args.max_rel_l2:
        sys.exit(f"relative L2 error {rel_l2:.6g} is not below "
                 f"{args.max_rel_l2}")


if __name__ == "__main__":
    main()
