"""What this CPU is and has, from /proc/cpuinfo (and LLVM's host CPU)."""

import os
import platform
import re
import shutil

from .runner import run_checked


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^flags\s*:\s*(.*)$", f.read(), re.M)
        return set(m.group(1).split()) if m else set()
    except OSError:
        return set()


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor() or "unknown"
    model = re.search(r"^model name\s*:\s*(.*)$", info, re.M)
    flags = re.search(r"^flags\s*:\s*(.*)$", info, re.M)
    have = [x for x in ("avx2", "avx512f", "avx512bw", "avx512_bf16", "amx_bf16")
            if flags and x in flags.group(1).split()]
    host = ""
    llc = shutil.which("llc-22") or "/usr/lib/llvm-22/bin/llc"
    if os.path.exists(llc):
        m = re.search(r"Host CPU: (\S+)", run_checked([llc, "--version"]))
        host = f", LLVM host CPU {m.group(1)}" if m else ""
    family = re.search(r"^cpu family\s*:\s*(\d+)$", info, re.M)
    number = re.search(r"^model\s*:\s*(\d+)$", info, re.M)
    ident = f"family {family.group(1)} model {number.group(1)}, " if family and number else ""
    return (f"{model.group(1) if model else 'unknown'} ({ident}{' '.join(have)}{host})")
