"""Reads the objects out of a `gpu.binary` op in MLIR text, without MLIR.

`gpu-module-to-binary` prints each object as
`#gpu.object<#nvvm.target<chip = "sm_89", ...>, [properties = {...},] bin = "..."`
(or `assembly = "..."` for PTX), the payload escaped as MLIR strings are:
printable ASCII as is, `\\` for a backslash, `\XX` (two hex digits) for
any other byte.
"""

import re

_OBJECT = re.compile(
    r'#gpu\.object<#nvvm\.target<(?P<target>[^>]*)>(?:, properties = \{[^}]*\})?'
    r'(?:, (?:offload|fatbin|bin|assembly) = )?'
    r'(?:, )?(?P<kind>bin|assembly|offload|fatbin)? ?=? ?"(?P<payload>(?:[^"\\]|\\.)*)"')
_BINARY = re.compile(r'gpu\.binary @(?P<name>[\w$.]+)\s*(?:<[^>]*>)?\s*\[(?P<objects>.*?)\]\s*$',
                     re.MULTILINE | re.DOTALL)


def unescape(payload: str) -> bytes:
    """The bytes of an MLIR string literal's contents."""
    out = bytearray()
    i = 0
    while i < len(payload):
        c = payload[i]
        if c != "\\":
            out.append(ord(c))
            i += 1
        elif payload[i + 1] == "\\":
            out.append(0x5C)
            i += 2
        else:
            out.append(int(payload[i + 1:i + 3], 16))
            i += 3
    return bytes(out)


def read_objects(text: str):
    """[(binary name, chip, kind, bytes)] for every NVVM object in `text`;
    kind is "bin" (a cubin), "fatbin" or "assembly" (PTX)."""
    objects = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("gpu.binary @"):
            continue
        name = re.match(r"gpu\.binary @([\w$.]+)", line).group(1)
        for match in re.finditer(
                r'#gpu\.object<#nvvm\.target<(?P<target>[^>]*)>.*?'
                r'(?P<kind>bin|assembly|offload)\s*=\s*"(?P<payload>(?:[^"\\]|\\.)*)"',
                line):
            chip = re.search(r'chip = "([^"]+)"', match.group("target"))
            kind = match.group("kind")
            data = unescape(match.group("payload"))
            if kind == "bin" and not data.startswith(b"\x7fELF"):
                kind = "fatbin"
            objects.append((name, chip.group(1) if chip else None, kind, data))
    return objects
