"""The timed conversion programs: kernels (loops over vector<16x..> chunks,
from templates/conversion_kernels.mlir) and a main that times them in
interleaved rounds (templates/conversion_main.mlir), with the runtime of
templates/clock.mlir and templates/conversion_runtime.mlir."""

from .templates import fill

VECTOR = 16  # elements per vector<16xf32> chunk
CLOCK_STEPS = 5_000_000  # @next calls per clock timing (6 cycles each)

KERNELS = "conversion_kernels.mlir"
MAIN = "conversion_main.mlir"
# Each phase's arrays: (name suffix, element type).
ARRAYS = [("f32", "f32"), ("rb", "i32"), ("i8", "i8"), ("o8", "i8"), ("of", "f32")]


class Kernel:
    """A loop over vector<16x..> chunks: the fragment `template` of
    conversion_kernels.mlir filled with `params`. kind "enc": (f32 in, i32
    random bits, i8 out); kind "dec": (i8 in, f32 out)."""

    def __init__(self, name, kind, template, label, check=True, **params):
        self.name, self.kind, self.label = name, kind, label
        self.template, self.params = template, params
        self.check = check  # hash its output for the cross-program check

    def func(self):
        return fill(KERNELS, self.template, name=self.name, **self.params)

    def call(self, phase):
        """One call on the arrays of phase `phase` (its tag)."""
        return fill(MAIN, "call_" + self.kind, kernel=self.name, p=phase)


class Phase:
    """One set of arrays of `elements` each; `rounds` timed rounds after a
    warm-up round, each round timing `calls` back-to-back calls of every
    kernel in turn (interleaving spreads machine noise over all kernels).
    With `scrub` > 0, every timing is preceded by an untimed read of a
    scratch buffer of that many i32: it writes back and evicts what the
    previous kernel left in the caches (a decode leaves 64 MiB of dirty f32
    lines), so every kernel starts from the same clean, cold state."""

    def __init__(self, tag, elements, rounds, calls=1, scrub=0):
        self.tag, self.elements, self.rounds, self.calls = tag, elements, rounds, calls
        self.scrub = scrub


def program_source(kernels, phases, n_check, clock_phase=None):
    """The kernels and a main that runs the phases, then hashes the first
    n_check elements of each checked kernel's output (first phase's arrays).
    In each round of `clock_phase`, the clock chain is timed too, so that the
    clock is measured under the same conditions as the kernels."""
    out = [fill("clock.mlir"), fill("conversion_runtime.mlir")]
    out += [k.func() for k in kernels]
    out.append(fill(MAIN, "begin"))
    for ph in phases:
        p = ph.tag
        out.append(fill(MAIN, "phase_size", p=p, elements=ph.elements))
        for suffix, ty in ARRAYS:
            # The address is printed: the buffer escapes, so LLVM must assume
            # rtclock may read it and keeps every kernel call in its place.
            out.append(fill(MAIN, "alloc", p=p, suffix=suffix, type=ty))
        if ph.scrub:
            out.append(fill(MAIN, "alloc_scrub", p=p, scrub=ph.scrub))
        out.append(fill(MAIN, "rounds_begin", p=p, rounds=ph.rounds + 1, calls=ph.calls,
                        clock_steps=CLOCK_STEPS))
        if p == clock_phase:
            # Each timing's seed is the previous result: no call can be
            # hoisted or merged.
            out.append(fill(MAIN, "time_clock", p=p))
            acc = "%next_seed"
        else:
            out.append(fill(MAIN, "no_clock"))
            acc = "%next_seed0"
        for k in kernels:
            t = f"{k.name}_{p}"
            if ph.scrub:
                out.append(fill(MAIN, "scrub", p=p, t=t, acc=acc))
                acc = f"%acc_{t}"
            out.append(fill(MAIN, "time_kernel", p=p, t=t, kernel=k.name, call=k.call(p)))
        out.append(fill(MAIN, "rounds_end", p=p, acc=acc))
    first = phases[0].tag
    out.append(fill(MAIN, "check_size", n_check=n_check))
    for k in kernels:
        if k.check:
            out.append(fill(MAIN, "check_" + k.kind, p=first, kernel=k.name,
                            call=k.call(first)))
    for ph in phases:
        for suffix, ty in ARRAYS:
            out.append(fill(MAIN, "dealloc", p=ph.tag, suffix=suffix, type=ty))
        if ph.scrub:
            out.append(fill(MAIN, "dealloc_scrub", p=ph.tag))
    out.append(fill(MAIN, "end") + "\n")
    return "\n".join(out)
