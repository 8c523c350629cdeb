"""What a host needs from fp8-gpu-pipeline's output, read without MLIR.

The pipeline prints host functions that launch kernels with
`gpu.launch_func @module::@kernel blocks in (...) threads in (...) args(...)`
and one `gpu.binary @module [#gpu.object<#nvvm.target<chip = ...>, ...,
bin = "...">]` per kernel module, the cubin escaped as MLIR strings are:
printable ASCII as is, `\\\\` for a backslash, `\\XX` (two hex digits) for any
other byte. `read_objects` and `read_launches` recover both; run as a
script, this prints them as JSON (cubins written next to it with --out).
"""

import json
import re
import sys

_OBJECT = re.compile(
    r'#gpu\.object<#nvvm\.target<(?P<target>[^>]*)>.*?'
    r'(?P<kind>bin|assembly|offload)\s*=\s*"(?P<payload>(?:[^"\\]|\\.)*)"')
_FUNC = re.compile(r'^\s*func\.func @(?P<name>[\w$.]+)\(', re.MULTILINE)
_CONSTANT = re.compile(r'(%[\w$.-]+) = arith\.constant (-?\d+) : index')
_LAUNCH = re.compile(
    r'gpu\.launch_func\s+@(?P<module>[\w$.]+)::@(?P<kernel>[\w$.]+)\s+'
    r'blocks in \((?P<grid>[^)]*)\)\s+threads in \((?P<block>[^)]*)\)\s*'
    r'(?:dynamic_shared_memory_size (?P<shared>%[\w$.-]+)\s*)?'
    r'args\((?P<args>.*)\)\s*$', re.MULTILINE)


def unescape(payload: str) -> bytes:
    """The bytes of an MLIR string literal's contents."""
    out = bytearray()
    i = 0
    while i < len(payload):
        if payload[i] != "\\":
            out.append(ord(payload[i]))
            i += 1
        elif payload[i + 1] == "\\":
            out.append(0x5C)
            i += 2
        else:
            out.append(int(payload[i + 1:i + 3], 16))
            i += 3
    return bytes(out)


def read_objects(text: str):
    """{module: (chip, kind, bytes)} for every NVVM object; kind is "cubin",
    "fatbin" or "ptx"."""
    objects = {}
    for line in text.splitlines():
        line = line.strip()
        match = re.match(r"gpu\.binary @([\w$.]+)", line)
        if not match:
            continue
        for obj in _OBJECT.finditer(line):
            chip = re.search(r'chip = "([^"]+)"', obj.group("target"))
            data = unescape(obj.group("payload"))
            kind = {"assembly": "ptx", "offload": "llvm-bc"}.get(
                obj.group("kind"), "cubin" if data.startswith(b"\x7fELF") else "fatbin")
            objects[match.group(1)] = (chip.group(1) if chip else None, kind, data)
    return objects


def _split_args(args: str):
    """[(ssa name, type)] of `%a : memref<...>, %b : f32`, commas in types
    (memref<4x?xf32, strided<...>>) respected."""
    parts, depth, current = [], 0, ""
    for c in args:
        if c in "<([":
            depth += 1
        elif c in ">)]":
            depth -= 1
        if c == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += c
    if current.strip():
        parts.append(current)
    return [tuple(p.strip() for p in part.split(" : ", 1)) for part in parts]


def read_launches(text: str):
    """Every gpu.launch_func, per host function: {function: [launch]}, where a
    launch is {"module", "kernel", "grid", "block", "args": [{"value",
    "type", "index"}]} with grid and block resolved from the function's index
    constants and "index" the position of a function argument (`%argN`) or
    None for values the function computes (buffers it allocates)."""
    launches = {}
    starts = list(_FUNC.finditer(text)) + [None]
    for start, end in zip(starts, starts[1:]):
        body = text[start.end():end.start() if end else len(text)]
        constants = dict((n, int(v)) for n, v in _CONSTANT.findall(body))
        found = []
        for launch in _LAUNCH.finditer(body):
            def dims(s):
                return [constants[v.strip()] for v in s.split(",")]
            args = []
            for value, type_ in _split_args(launch.group("args")):
                arg = re.fullmatch(r"%arg(\d+)", value)
                args.append({"value": value, "type": type_,
                             "index": int(arg.group(1)) if arg else None})
            found.append({"module": launch.group("module"),
                          "kernel": launch.group("kernel"),
                          "grid": dims(launch.group("grid")),
                          "block": dims(launch.group("block")),
                          "shared": constants.get(launch.group("shared"), 0),
                          "args": args})
        if found:
            launches[start.group("name")] = found
    return launches


def main(argv):
    import argparse
    import os
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", help="fp8-gpu-pipeline output (MLIR text)")
    parser.add_argument("--out", help="directory to write <module>.cubin into")
    options = parser.parse_args(argv)
    text = open(options.input).read()
    objects = read_objects(text)
    if options.out:
        os.makedirs(options.out, exist_ok=True)
        for module, (_, kind, data) in objects.items():
            with open(os.path.join(options.out, f"{module}.{kind}"), "wb") as f:
                f.write(data)
    json.dump({"objects": {m: {"chip": c, "kind": k, "bytes": len(d)}
                           for m, (c, k, d) in objects.items()},
               "launches": read_launches(text)}, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
