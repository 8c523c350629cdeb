"""Runs fp8-gpu-pipeline's kernels on an NVIDIA GPU, without MLIR.

    python3 gpu/harness.py check   --artifacts DIR   # correctness
    python3 gpu/harness.py bench   --artifacts DIR   # TFLOP/s, GB/s

DIR is what gpu/prepare.sh wrote on a machine with fp8-opt: the pipeline
outputs conversions.mlir and matmuls.mlir (host functions with their
gpu.launch_func ops and gpu.binary ops holding cubins). This machine needs
CUDA, CuPy, PyTorch and a C++ compiler (for the numerics library's
reference, built from lib/Numerics into DIR). Without a GPU it exits 77
(skipped). Conversions must equal the numerics library bit for bit;
matmuls are compared with an f64 reference and torch._scaled_mm.
"""

import argparse
import ctypes
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mlir_binary  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SKIP = 77
# The numerics shim takes formats and modes by name, as MLIR spells them
# (it parses them with the numerics library: no copy of its enum values here).
FORMATS = {"e4m3": b"f8E4M3FN", "e5m2": b"f8E5M2", "hif8": b"hif8"}
NEAREST_EVEN, HYBRID = b"nearest_even", b"hybrid"
SATURATION = {"none": b"none", "finite": b"finite"}
H100_DENSE_FP8_TFLOPS = 989.4  # H100 SXM5, dense (NVIDIA datasheet)


def gpu_or_skip():
    try:
        import cupy
        if cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception as error:  # no CUDA driver, no CuPy
        print(f"SKIPPED: no usable GPU ({error})")
        sys.exit(SKIP)
    print("SKIPPED: no GPU")
    sys.exit(SKIP)


def load_numerics(directory):
    """The numerics library through ctypes, built here if needed."""
    lib = os.path.join(directory, "libfp8numerics.so")
    sources = [os.path.join(ROOT, "include", "fp8", "Numerics", "Numerics.h"),
               os.path.join(ROOT, "lib", "Numerics", "Numerics.cpp"),
               os.path.join(ROOT, "gpu", "numerics_shim.cpp")]
    if not os.path.exists(lib) or os.path.getmtime(lib) < max(map(os.path.getmtime, sources)):
        subprocess.check_call([
            os.environ.get("CXX", "c++"), "-O2", "-std=c++17", "-shared", "-fPIC",
            "-I", os.path.join(ROOT, "include"), *sources[1:], "-o", lib])
    numerics = ctypes.CDLL(lib)
    # Pointers must not go through ctypes' default int conversion (32 bits).
    name, ptr, size = ctypes.c_char_p, ctypes.c_void_p, ctypes.c_size_t
    for function in ("fp8_encode_f32", "fp8_encode_f16"):
        getattr(numerics, function).argtypes = [name, name, name, ptr, ptr, size]
    numerics.fp8_decode_f32.argtypes = [name, ptr, ptr, size]
    return numerics


class Program:
    """One pipeline output: its cubins (loaded lazily) and launches."""

    def __init__(self, cupy, path):
        text = open(path).read()
        self.cupy = cupy
        self.objects = mlir_binary.read_objects(text)
        self.launches = mlir_binary.read_launches(text)
        self.modules = {}

    def kernel(self, function):
        (launch,) = self.launches[function]
        module = launch["module"]
        if module not in self.modules:
            _, kind, data = self.objects[module]
            if kind != "cubin":
                raise RuntimeError(f"{module}: expected a cubin, got {kind}")
            self.modules[module] = _load_cubin(self.cupy, data)
        return self.modules[module].get_function(launch["kernel"]), launch

    def call(self, function, inputs, outputs):
        """Launches `function`'s kernel: `inputs` are the function's
        arguments in order (arrays or numpy scalars), `outputs` the buffers
        it allocates, in launch order. Returns the launch closure."""
        kernel, launch = self.kernel(function)
        args, pending = [], list(outputs)
        for arg in launch["args"]:
            args.append(inputs[arg["index"]] if arg["index"] is not None else pending.pop(0))
        grid, block = tuple(launch["grid"]), tuple(launch["block"])
        return lambda: kernel(grid, block, tuple(args), shared_mem=launch["shared"])


def _load_cubin(cupy, data):
    import tempfile
    with tempfile.NamedTemporaryFile(suffix=".cubin", delete=False) as f:
        f.write(data)
    module = cupy.RawModule(path=f.name)
    os.unlink(f.name)
    return module


def special_f32(np, n, seed=0):
    """n f32 inputs: random bit patterns (every exponent), values near every
    format's limits and ties, signed zeros, Inf and NaN."""
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2**32, size=n, dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32).copy()
    near = np.concatenate([
        np.array([0.0, -0.0, np.inf, -np.inf, np.nan, -np.nan, 448, 464, 465, 480, 57344,
                  61440, 61439.996, 65536, 1e-9, 2.0**-10, 2.0**-17], np.float32),
        (rng.standard_normal(n // 4) * 100).astype(np.float32)])
    x[:near.size] = near
    x[near.size:near.size * 2] = -near
    return x


def check(args):
    cupy = gpu_or_skip()
    import numpy as np
    import torch
    numerics = load_numerics(args.artifacts)
    failures = 0

    def report(name, ok, detail=""):
        nonlocal failures
        failures += not ok
        print(f"{'PASS' if ok else 'FAIL'}: {name} {detail}")

    conv = Program(cupy, os.path.join(args.artifacts, "conversions.mlir"))
    x = special_f32(np, 1 << 20)
    for fmt in ("e4m3", "e5m2"):
        for sat in ("none", "finite"):
            name = f"check_f32_to_{fmt}_{sat}"
            out = cupy.empty(x.size, cupy.uint8)
            conv.call(name, [cupy.asarray(x)], [out])()
            expected = np.empty(x.size, np.uint8)
            numerics.fp8_encode_f32(FORMATS[fmt], NEAREST_EVEN, SATURATION[sat],
                                    x.ctypes.data, expected.ctypes.data, ctypes.c_size_t(x.size))
            bad = np.flatnonzero(out.get() != expected)
            report(name, bad.size == 0,
                   f"{bad.size} mismatches" + (f", first x={x[bad[0]]!r}" if bad.size else ""))
        codes = np.arange(256, dtype=np.uint8)
        out = cupy.empty(256, cupy.float32)
        conv.call(f"check_{fmt}_to_f32", [cupy.asarray(codes)], [out])()
        expected = np.empty(256, np.float32)
        numerics.fp8_decode_f32(FORMATS[fmt], codes.ctypes.data, expected.ctypes.data,
                                ctypes.c_size_t(256))
        report(f"check_{fmt}_to_f32", np.array_equal(out.get().view(np.uint32),
                                                     expected.view(np.uint32)))
        halves = np.arange(65536, dtype=np.uint16)
        out = cupy.empty(65536, cupy.uint8)
        conv.call(f"check_f16_to_{fmt}", [cupy.asarray(halves.view(np.float16))], [out])()
        expected = np.empty(65536, np.uint8)
        numerics.fp8_encode_f16(FORMATS[fmt], NEAREST_EVEN, SATURATION["none"],
                                halves.ctypes.data, expected.ctypes.data, ctypes.c_size_t(65536))
        report(f"check_f16_to_{fmt} (every f16)", np.array_equal(out.get(), expected))
    out = cupy.empty(x.size, cupy.uint8)
    conv.call("check_f32_to_hif8", [cupy.asarray(x)], [out])()
    expected = np.empty(x.size, np.uint8)
    numerics.fp8_encode_f32(FORMATS["hif8"], HYBRID, SATURATION["none"], x.ctypes.data,
                            expected.ctypes.data, ctypes.c_size_t(x.size))
    report("check_f32_to_hif8 (software path)", np.array_equal(out.get(), expected))

    mm = Program(cupy, os.path.join(args.artifacts, "matmuls.mlir"))
    for name, block, fmt_b in (("check_tensor", None, torch.float8_e4m3fn),
                               ("check_tensor_e5m2", None, torch.float8_e5m2),
                               ("check_block", (128, 128), torch.float8_e4m3fn)):
        (launch,) = mm.launches[name]
        a_shape = _shape(launch["args"][0]["type"])
        b_shape = _shape(launch["args"][1]["type"])
        m, k = a_shape
        n = b_shape[0]
        gen = torch.Generator().manual_seed(1)
        a = (torch.randn(m, k, generator=gen) * 2).to(torch.float8_e4m3fn)
        b = (torch.randn(n, k, generator=gen) * 2).to(fmt_b)
        if block is None:
            sa, sb = np.float32(0.75), np.float32(1.5)
            sa_full = torch.full((m, k), 0.75, dtype=torch.float64)
            sb_full = torch.full((n, k), 1.5, dtype=torch.float64)
            inputs = [a, sa, b, sb]
        else:
            sa_t = torch.rand(m, k // 128, generator=gen) + 0.5
            sb_t = torch.rand(-(-n // 128), k // 128, generator=gen) + 0.5
            sa_full = sa_t.double().repeat_interleave(128, 1)
            sb_full = sb_t.double().repeat_interleave(128, 0).repeat_interleave(128, 1)[:n]
            inputs = [a, sa_t, b, sb_t]
        reference = (a.double() * sa_full) @ (b.double() * sb_full).T
        device = [cupy.asarray(t.view(torch.uint8).numpy()) if isinstance(t, torch.Tensor)
                  and t.dtype in (torch.float8_e4m3fn, torch.float8_e5m2)
                  else cupy.asarray(t.numpy()) if isinstance(t, torch.Tensor) else t
                  for t in inputs]
        out = cupy.zeros((m, n), cupy.float32)
        mm.call(name, device, [out])()
        got = torch.from_numpy(out.get()).double()
        error = ((got - reference).norm() / reference.norm()).item()
        # f32 accumulation of K <= 512 products: relative error ~1e-7.
        report(name, error < 1e-5, f"relative L2 error vs f64 {error:.2e}")
        if block is None and fmt_b == torch.float8_e4m3fn:
            ours = got.float().cuda()
            theirs = torch._scaled_mm(a.cuda(), b.cuda().T, scale_a=torch.tensor(0.75).cuda(),
                                      scale_b=torch.tensor(1.5).cuda(),
                                      out_dtype=torch.float32)
            diff = ((ours - theirs).norm() / theirs.norm()).item()
            report(f"{name} vs torch._scaled_mm", diff < 1e-5, f"relative L2 {diff:.2e}")
    # Every path of the matmul kernel (sm_90a: wgmma; sm_89: mma.sync),
    # on operand codes from the numerics library (so HiF8 needs no torch
    # dtype) against an f64 product of their decoded values.
    for name, blocks in GENERIC_MATMULS.items():
        error = _check_matmul(np, numerics, mm, name, *blocks)
        # f32 accumulation of exact fp8 / f16 products: ~1e-7.
        report(name, error < 1e-5, f"relative L2 error vs f64 {error:.2e}")
    print(f"{failures} failure(s)")
    return 1 if failures else 0


# gpu/kernels/matmuls.mlir's check_* kernels beyond the torch ones:
# (lhs_block, rhs_block, rhs_transposed); None is a scalar scale.
GENERIC_MATMULS = {
    "check_kn": (None, None, False),
    "check_k32": ((1, 32), (1, 32), True),
    "check_hif8": (None, None, True),
    "check_hif8_kn_block": ((1, 128), (128, 128), False),
    "check_batch": (None, None, True),
}
ELEMENT_FORMATS = {"f8E4M3FN": "e4m3", "f8E5M2": "e5m2", "!fp8.hif8": "hif8"}


def _element(memref_type):
    return memref_type[len("memref<"):-1].split("x")[-1]


def _codes(np, numerics, fmt, shape, rng):
    """Random operand codes of `fmt` (values ~ N(0, 4)) and their values."""
    x = (rng.standard_normal(int(np.prod(shape))) * 2).astype(np.float32)
    codes = np.empty(x.size, np.uint8)
    numerics.fp8_encode_f32(FORMATS[fmt], HYBRID if fmt == "hif8" else NEAREST_EVEN,
                            SATURATION["none"], x.ctypes.data, codes.ctypes.data,
                            ctypes.c_size_t(x.size))
    values = np.empty(x.size, np.float32)
    numerics.fp8_decode_f32(FORMATS[fmt], codes.ctypes.data, values.ctypes.data,
                            ctypes.c_size_t(x.size))
    return codes.reshape(shape), values.reshape(shape).astype(np.float64)


def _scales(np, rng, operand_shape, block):
    """(kernel argument, full-size f64 scales) for a 2-D operand."""
    if block is None:
        s = np.float32(rng.uniform(0.5, 2.0))
        return s, np.full(operand_shape, float(s))
    rows, cols = operand_shape
    s = rng.uniform(0.5, 2.0, (-(-rows // block[0]), -(-cols // block[1]))).astype(np.float32)
    full = s.astype(np.float64).repeat(block[0], 0)[:rows].repeat(block[1], 1)[:, :cols]
    return s, full


def _check_matmul(np, numerics, mm, name, lhs_block, rhs_block, rhs_transposed):
    cupy = mm.cupy
    (launch,) = mm.launches[name]
    args = {arg["index"]: arg["type"] for arg in launch["args"]}
    rng = np.random.default_rng(7)
    a_type, b_type = args[0], args[2]
    a_shape, b_shape = _shape(a_type), _shape(b_type)
    a, a_values = _codes(np, numerics, ELEMENT_FORMATS[_element(a_type)], a_shape, rng)
    b, b_values = _codes(np, numerics, ELEMENT_FORMATS[_element(b_type)], b_shape, rng)
    if len(a_shape) == 2:
        sa, sa_full = _scales(np, rng, a_shape, lhs_block)
        sb, sb_full = _scales(np, rng, b_shape, rhs_block)
    else:  # batched: scalar scales only
        assert lhs_block is None and rhs_block is None
        sa, sb = np.float32(0.75), np.float32(1.5)
        sa_full, sb_full = 0.75, 1.5
    lhs = a_values * sa_full
    rhs = b_values * sb_full
    reference = lhs @ (np.swapaxes(rhs, -1, -2) if rhs_transposed else rhs)
    device = [cupy.asarray(a), sa if np.isscalar(sa) else cupy.asarray(sa),
              cupy.asarray(b), sb if np.isscalar(sb) else cupy.asarray(sb)]
    out = cupy.zeros(reference.shape, cupy.float32)
    mm.call(name, device, [out])()
    got = out.get().astype(np.float64)
    return float(np.linalg.norm(got - reference) / np.linalg.norm(reference))


def _shape(memref_type):
    return [int(d) for d in memref_type[len("memref<"):].split("x")[:-1]]


def _time(cupy, fn, repeat=20):
    fn()
    cupy.cuda.Device().synchronize()
    start, stop = cupy.cuda.Event(), cupy.cuda.Event()
    start.record()
    for _ in range(repeat):
        fn()
    stop.record()
    stop.synchronize()
    return cupy.cuda.get_elapsed_time(start, stop) / 1e3 / repeat


def bench(args):
    cupy = gpu_or_skip()
    import numpy
    import torch
    results = {"device": cupy.cuda.runtime.getDeviceProperties(0)["name"].decode(),
               "matmul": [], "conversion": []}
    print(f"device: {results['device']}")
    mm = Program(cupy, os.path.join(args.artifacts, "matmuls.mlir"))
    print(f"{'matmul':<28}{'ours TFLOP/s':>14}{'cuBLASLt':>10}{'ratio':>8}{'% peak':>8}")
    for size in (4096, 8192):
        for scaling in ("tensor", "block"):
            name = f"bench_{scaling}_{size}"
            a = torch.randn(size, size, device="cuda").to(torch.float8_e4m3fn)
            b = torch.randn(size, size, device="cuda").to(torch.float8_e4m3fn)
            out = cupy.empty((size, size), cupy.uint16)  # bf16
            if scaling == "tensor":
                sa = sb = torch.tensor(1.0, device="cuda")
                one = numpy.float32(1.0)
                ours_inputs = [cupy.asarray(a.view(torch.uint8)), one,
                               cupy.asarray(b.view(torch.uint8)), one]
            else:
                sa = torch.rand(size, size // 128, device="cuda") + 0.5
                sb = torch.rand(size // 128, size // 128, device="cuda") + 0.5
                ours_inputs = [cupy.asarray(a.view(torch.uint8)), cupy.asarray(sa),
                               cupy.asarray(b.view(torch.uint8)), cupy.asarray(sb)]
            ours = _time(cupy, mm.call(name, ours_inputs, [out]))
            try:
                theirs = _time(cupy, lambda: torch._scaled_mm(
                    a, b.T, scale_a=sa, scale_b=sb.T if scaling == "block" else sb,
                    out_dtype=torch.bfloat16))
            except Exception as error:  # 1x128 blocks need a recent PyTorch
                print(f"  torch._scaled_mm ({scaling}) unavailable: {error}")
                theirs = float("nan")
            flops = 2.0 * size**3
            row = {"name": name, "ours_tflops": flops / ours / 1e12,
                   "cublaslt_tflops": flops / theirs / 1e12}
            row["ratio"] = row["ours_tflops"] / row["cublaslt_tflops"]
            results["matmul"].append(row)
            print(f"{name:<28}{row['ours_tflops']:>14.1f}{row['cublaslt_tflops']:>10.1f}"
                  f"{row['ratio']:>8.2f}{100 * row['ours_tflops'] / H100_DENSE_FP8_TFLOPS:>8.1f}")
    # HiF8 x HiF8 (decoded to f16 in the kernel): ours only.
    codes = cupy.random.randint(0, 0x60, (4096, 4096), dtype=cupy.uint8)  # finite codes
    out = cupy.empty((4096, 4096), cupy.uint16)
    one = numpy.float32(1.0)
    ours = _time(cupy, mm.call("bench_hif8_4096", [codes, one, codes, one], [out]))
    row = {"name": "bench_hif8_4096", "ours_tflops": 2.0 * 4096**3 / ours / 1e12}
    results["matmul"].append(row)
    print(f"{row['name']:<28}{row['ours_tflops']:>14.1f}{'-':>10}{'-':>8}"
          f"{100 * row['ours_tflops'] / H100_DENSE_FP8_TFLOPS:>8.1f}")
    print(f"(H100 SXM dense FP8 peak: {H100_DENSE_FP8_TFLOPS} TFLOP/s)")

    conv = Program(cupy, os.path.join(args.artifacts, "conversions.mlir"))
    n = 1 << 28
    x = cupy.random.standard_normal(n, dtype=cupy.float32)
    q = cupy.empty(n, cupy.uint8)
    copy_dst = cupy.empty_like(x)
    copy = _time(cupy, lambda: cupy.copyto(copy_dst, x))
    ours = _time(cupy, conv.call("bench_f32_to_e4m3_none", [x], [q]))
    copy_gbs = 2 * x.nbytes / copy / 1e9
    ours_gbs = (x.nbytes + q.nbytes) / ours / 1e9
    results["conversion"].append({"name": "f32->e4m3", "gbs": ours_gbs, "copy_gbs": copy_gbs,
                                  "ratio": ours_gbs / copy_gbs})
    print(f"{'conversion':<28}{'GB/s':>14}{'copy GB/s':>10}{'ratio':>8}")
    print(f"{'f32 -> e4m3 (2^28)':<28}{ours_gbs:>14.0f}{copy_gbs:>10.0f}{ours_gbs / copy_gbs:>8.2f}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["check", "bench"])
    parser.add_argument("--artifacts", required=True)
    parser.add_argument("--json", help="write the benchmark results here")
    args = parser.parse_args()
    return check(args) if args.command == "check" else bench(args)


if __name__ == "__main__":
    sys.exit(main())
