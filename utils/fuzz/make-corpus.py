#!/usr/bin/env python3
"""Builds fp8-fuzz's seed corpus: every .mlir file under test/ and examples/,
split at `// -----` (as fp8-opt -split-input-file does), comment lines
dropped, each piece prefixed with a selector byte (fp8-fuzz.cpp: which
passes run on it) that cycles through the actions, so that every action
starts from many inputs.

    utils/fuzz/make-corpus.py OUTPUT_DIR
"""

import hashlib
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def pieces():
    for top in ("test", "examples"):
        for directory, _, files in sorted(os.walk(os.path.join(ROOT, top))):
            for name in sorted(files):
                if not name.endswith(".mlir"):
                    continue
                with open(os.path.join(directory, name), encoding="utf-8",
                          errors="replace") as f:
                    text = f.read()
                for piece in text.split("// -----"):
                    lines = [line for line in piece.splitlines()
                             if not line.lstrip().startswith("//")]
                    body = "\n".join(lines).strip()
                    if body:
                        yield body + "\n"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    count = 0
    for index, body in enumerate(pieces()):
        data = bytes([index % 256]) + body.encode()
        name = hashlib.sha1(data).hexdigest()
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        count += 1
    print(f"make-corpus: {count} inputs in {out}")


if __name__ == "__main__":
    main()
