"""The conversion kernels' loops in the JIT-compiled object."""

import os
import re

from .runner import run_checked


def inspect_loops(tools, obj, kernels):
    """Finds each kernel's innermost loop in the JIT-compiled object: its
    instructions per 16-element chunk (counting output stores, in case LLVM
    unrolled), and whether it uses ymm/zmm registers or calls anything. (Not
    llvm-mca: LLVM 22 schedules znver5 with its Zen 4 model, which
    double-pumps 512-bit ops, so its cycle counts are twice too pessimistic.)"""
    if not os.path.exists(tools.objdump) or not os.path.exists(obj):
        return {}
    text = run_checked([tools.objdump, "-d", "--no-show-raw-insn", obj], what="llvm-objdump")
    funcs, current = {}, None
    for line in text.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            current = funcs.setdefault(m.group(1), [])
            continue
        m = re.match(r"^\s*([0-9a-f]+):\s+(\S+)\s*([^#]*)", line)
        if m and current is not None:
            current.append((int(m.group(1), 16), m.group(2), m.group(3).strip()))
    result = {}
    for k in kernels:
        insns = funcs.get(k.name, [])
        loops = []
        for addr, mnem, ops in insns:
            m = re.match(r"^(?:0x)?([0-9a-f]+)\b", ops)
            if mnem.startswith("j") and m and int(m.group(1), 16) < addr:
                target = int(m.group(1), 16)
                loops.append([i for i in insns if target <= i[0] <= addr])
        if not loops:
            continue
        body = min(loops, key=len)
        chunk_bytes = 16 if k.kind == "enc" else 64
        stored = 0
        for _, mnem, ops in body:
            reg = re.match(r"%([xyz])mm\d+, .*\)$", ops)
            if reg and (mnem.startswith("vmov") or mnem.startswith("vpmov")):
                width = {"x": 16, "y": 32, "z": 64}[reg.group(1)]
                if mnem.startswith("vpmov") and mnem.endswith("db"):
                    width //= 4  # dword -> byte truncating store
                stored += width
        chunks = stored / chunk_bytes if stored else 1
        info = {"insn_per_chunk": len(body) / chunks,
                "wide": any("zmm" in ops or "ymm" in ops for _, _, ops in body),
                "calls": sum(1 for _, mnem, _ in body if mnem.startswith("call"))}
        result[k.name] = info
    return result
