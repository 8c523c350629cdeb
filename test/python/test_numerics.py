"""fp8mlir numerics: against ml_dtypes (a peer implementation) and against
the compiler (the constant folder and the generated code, through the JIT)."""

import numpy as np
import pytest

import fp8mlir

ml_dtypes = pytest.importorskip("ml_dtypes")

# Every format but HiF8 has an ml_dtypes peer: f8E4M3FN -> float8_e4m3fn.
PEER_FORMATS = [f for f in fp8mlir.FORMATS if f != "hif8"]


def peer_type(format):
    return getattr(ml_dtypes, "float%s_%s" % (format[1], format[2:].lower()))


def same_values(a, b):
    """Bitwise equality of float32 arrays, any NaN matching any NaN."""
    return (a.view(np.uint32) == b.view(np.uint32)) | (np.isnan(a) & np.isnan(b))


def inputs_f32():
    """Every binary16 value, boundary values and 200k random binary32s."""
    rng = np.random.default_rng(1)
    random = rng.integers(0, 2**32, 200_000, dtype=np.uint64)
    return np.concatenate([
        np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32),
        random.astype(np.uint32).view(np.float32),
        np.array([np.inf, -np.inf, 0.0, -0.0, 448, 464, 57344, 61440,
                  2.0**-127, 2.0**-126, 1.5 * 2.0**-127], np.float32),
    ])


def known_peer_divergence(format, x):
    """Inputs on which ml_dtypes and this project disagree by design.

    - f8E8M0FNU: zero encodes as 0x00 (2^-127) here and in LLVM's APFloat,
      NaN in ml_dtypes; positive binary32 subnormals round to nearest here
      (2^-127 below 1.5 * 2^-127), ml_dtypes gives 2^-126 for all of them.
    - f6E2M3FN, f6E3M2FN, f4E2M1FN (no NaN): NaN encodes as +0 here, as -0
      in ml_dtypes (OCP MX leaves it to the implementation).
    """
    if format == "f8E8M0FNU":
        return (x >= 0) & (x < 2.0**-126)
    if format in ("f6E2M3FN", "f6E3M2FN", "f4E2M1FN"):
        return np.isnan(x)
    return np.zeros(x.shape, bool)


@pytest.mark.parametrize("format", PEER_FORMATS)
def test_limits_match_ml_dtypes(format):
    info = fp8mlir.format_info(format)
    finfo = ml_dtypes.finfo(peer_type(format))
    assert info.max_finite == float(finfo.max)
    assert info.min_normal == float(finfo.smallest_normal)
    assert info.min_subnormal == float(finfo.smallest_subnormal)
    assert info.bit_width == finfo.bits


@pytest.mark.parametrize("format", PEER_FORMATS)
def test_decode_matches_ml_dtypes(format):
    codes = np.arange(2 ** fp8mlir.format_info(format).bit_width,
                      dtype=np.uint8)
    theirs = codes.view(peer_type(format)).astype(np.float32)
    assert same_values(fp8mlir.decode(codes, format), theirs).all()
    assert same_values(fp8mlir.table(format), theirs).all()


@pytest.mark.parametrize("format", PEER_FORMATS)
@pytest.mark.parametrize("source", [np.float16, np.float32, np.float64])
def test_encode_matches_ml_dtypes(format, source):
    with np.errstate(invalid="ignore", over="ignore"):
        x = inputs_f32().astype(source)
    ours = fp8mlir.decode(fp8mlir.encode(x, format), format)
    with np.errstate(invalid="ignore", over="ignore"):
        theirs = x.astype(peer_type(format)).astype(np.float32)
    disagree = ~same_values(ours, theirs)
    expected = known_peer_divergence(format, x.astype(np.float32))
    unexplained = disagree & ~expected
    assert not unexplained.any(), (
        f"{format} from {np.dtype(source)}: {unexplained.sum()} "
        f"disagreements with ml_dtypes, e.g. x={x[unexplained][:4]} "
        f"ours={ours[unexplained][:4]} ml_dtypes={theirs[unexplained][:4]}")


def test_formats_and_hif8_table():
    formats = fp8mlir.formats()
    assert list(formats) == list(fp8mlir.FORMATS)
    assert formats["f8E4M3FN"].max_finite == 448.0
    assert formats["f8E4M3FN"].roundings == (
        "nearest_even", "nearest_away", "toward_zero", "upward", "downward",
        "odd", "stochastic")
    hif8 = formats["hif8"]
    assert (hif8.max_finite, hif8.default_rounding) == (32768.0,
                                                        "nearest_away")
    assert (hif8.nan_code, hif8.inf_code) == (0x80, 0x6F)
    table = fp8mlir.hif8_table()
    assert table.shape == (256,) and table.dtype == np.float32
    # docs/HiF8.md: 0x08 = 1.0, 0x09 = 1.125, 0x41 = 20, 0x64 = 1024, -1.0.
    assert table[[0x00, 0x08, 0x09, 0x41, 0x64, 0x88]].tolist() == [
        0.0, 1.0, 1.125, 20.0, 1024.0, -1.0]
    assert np.isnan(table[0x80]) and table[0x6F] == np.inf
    assert table[0x6E] == 32768.0


def test_quantize_readme_tour():
    """The README's tour: E4M3FN with scale 2, saturating; HiF8 hybrid."""
    x = np.array([0.3, 18.0, 100.0, 1000.0], np.float32)
    codes, scale = fp8mlir.quantize(x, "f8E4M3FN", scale=2.0, saturate=True)
    assert scale.shape == () and scale == 2.0
    assert fp8mlir.decode(codes, "f8E4M3FN").tolist() == [
        0.15625, 9.0, 48.0, 448.0]
    hybrid = fp8mlir.encode(x, "hif8", rounding="hybrid")
    assert hybrid.tolist() == [50, 65, 75, 100]


def test_quantize_computes_block_scales():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((6, 70)).astype(np.float32)
    codes, scales = fp8mlir.quantize(x, "f8E4M3FN", block=(1, 32))
    assert codes.shape == x.shape and codes.dtype == np.uint8
    assert scales.shape == (6, 3)  # ceildiv(70, 32)
    amax = np.stack([np.abs(x[:, i:i + 32]).max(axis=1)
                     for i in range(0, 70, 32)], axis=1)
    assert np.array_equal(fp8mlir.amax(x, (1, 32)), amax)
    assert np.array_equal(scales, amax / np.float32(448.0))
    y = fp8mlir.dequantize(codes, "f8E4M3FN", scales, block=(1, 32))
    assert np.abs(y - x).max() <= np.abs(x).max() / 16  # 3 mantissa bits
    # MX: power-of-two E8M0 scales, OCP rule 2^(floor(log2 amax) - 8).
    _, mx = fp8mlir.quantize(x, "f8E4M3FN", block=(1, 32),
                             scale_format="f8E8M0FNU")
    assert np.array_equal(mx, np.exp2(np.floor(np.log2(amax)) - 8))


def test_amax_nan_is_canonical_as_compiled():
    """fp8mlir.amax, the folder and the generated code agree bit for bit on
    every block shape, a NaN (any payload, signaling or negative) making its
    block's amax the canonical quiet NaN 0x7FC00000."""
    rng = np.random.default_rng(5)
    bits = rng.integers(0, 2**32, (40, 70), dtype=np.uint64).astype(np.uint32)
    x = bits.view(np.float32).copy()
    x[np.isnan(x)] = 1.0
    x[3, 5] = np.array(0xFF812345, np.uint32).view(np.float32)
    x[3, 60] = np.array(0x7F800001, np.uint32).view(np.float32)
    x[20, 1] = -0.0
    blocks = [None, (1, 70), (40, 1), (1, 32), (16, 16), (3, 7)]
    source = ""
    for n, block in enumerate(blocks):
        if block is None:
            source += ("func.func @a%d(%%x: tensor<40x70xf32>) -> f32 {\n"
                       "  %%a = fp8.amax %%x : tensor<40x70xf32> -> f32\n"
                       "  return %%a : f32\n}\n" % n)
            continue
        shape = "%dx%d" % (-(-40 // block[0]), -(-70 // block[1]))
        source += ("func.func @a%d(%%x: tensor<40x70xf32>) -> tensor<%sxf32> {\n"
                   "  %%a = fp8.amax %%x {block = array<i64: %d, %d>}"
                   " : tensor<40x70xf32> -> tensor<%sxf32>\n"
                   "  return %%a : tensor<%sxf32>\n}\n" % (
                       n, shape, block[0], block[1], shape, shape))
    exe = fp8mlir.jit(source, pipeline="fp8-cpu-pipeline{target=generic}")
    for n, block in enumerate(blocks):
        want = np.asarray(fp8mlir.amax(x, block), np.float32)
        have = np.asarray(getattr(exe, "a%d" % n)(x), np.float32)
        assert np.array_equal(want.reshape(-1).view(np.uint32),
                              have.reshape(-1).view(np.uint32)), block
        assert (np.isnan(want).any() and
                set(want[np.isnan(want)].reshape(-1).view(np.uint32).tolist())
                == {0x7FC00000})


def test_bad_arguments_raise():
    x = np.ones((4, 8), np.float32)
    with pytest.raises(ValueError, match="unknown format 'e4m3'"):
        fp8mlir.quantize(x, "e4m3")
    with pytest.raises(ValueError, match="'hybrid' does not apply"):
        fp8mlir.quantize(x, "f8E4M3FN", rounding="hybrid")
    with pytest.raises(ValueError, match="random_bits is required"):
        fp8mlir.encode(x, "f8E5M2", rounding="stochastic")
    with pytest.raises(ValueError, match="one entry per dimension"):
        fp8mlir.quantize(x, "f8E4M3FN", block=(8,))
    with pytest.raises(ValueError, match=r"does not match .* \(4, 2\)"):
        fp8mlir.quantize(x, "f8E4M3FN", block=(1, 4), scale=np.ones((4, 3)))
    with pytest.raises(TypeError, match="codes must be uint8"):
        fp8mlir.decode(x, "f8E4M3FN")
    with pytest.raises(ValueError, match="saturate"):
        fp8mlir.encode(x, "f8E4M3FN", saturate="yes")


# Against the compiler: one module quantizes a function argument (the
# generated code) and the same values as a constant (folded by the constant
# folder during fp8-cpu-pipeline's canonicalization).
COMPILER_CASES = [
    # format, rounding, saturation, block (None: per tensor), scale type
    ("f8E4M3FN", "nearest_even", "finite", [1, 16], "f32"),
    ("f8E5M2", "toward_zero", "none", None, "f32"),
    ("hif8", "hybrid", "finite", [4, 1], "f32"),
    ("f4E2M1FN", "nearest_even", "finite", [1, 32], "f8E8M0FNU"),
    ("f8E4M3FN", "stochastic", "none", [1, 16], "f32"),
]
SHAPE = (8, 64)


def mlir_type(format):
    return "!fp8.hif8" if format == "hif8" else format


def compiler_module(format, rounding, saturation, block, scale_type, x):
    out = f"tensor<8x64x{mlir_type(format)}>"
    if block is None:
        scale_tensor = scale_type
    else:
        scale_shape = [-(-d // b) for d, b in zip(SHAPE, block)]
        scale_tensor = f"tensor<{scale_shape[0]}x{scale_shape[1]}x{scale_type}>"
    block_attr = ("" if block is None else
                  f"block = array<i64: {block[0]}, {block[1]}>")
    attrs = ", ".join(filter(None, [
        f"rounding = #fp8.rounding<{rounding}>",
        f"saturation = #fp8.saturation<{saturation}>", block_attr]))
    stochastic = rounding == "stochastic"
    rand_arg = ", %r: tensor<8x64xi32>" if stochastic else ""
    rand_use = " random(%r : tensor<8x64xi32>)" if stochastic else ""
    constant = ", ".join("[" + ", ".join("0x%08X" % v for v in row) + "]"
                         for row in x.view(np.uint32))
    return f"""
func.func @codegen(%x: tensor<8x64xf32>, %s: {scale_tensor}{rand_arg})
    -> {out} {{
  %q = fp8.quantize %x, %s{rand_use} {{{attrs}}}
      : tensor<8x64xf32>, {scale_tensor} to {out}
  return %q : {out}
}}
func.func @folded(%s: {scale_tensor}{rand_arg}) -> {out} {{
  %x = arith.constant dense<[{constant}]> : tensor<8x64xf32>
  %q = fp8.quantize %x, %s{rand_use} {{{attrs}}}
      : tensor<8x64xf32>, {scale_tensor} to {out}
  return %q : {out}
}}
func.func @dequantize(%q: {out}, %s: {scale_tensor}) -> tensor<8x64xf32> {{
  %y = fp8.dequantize %q, %s {"{" + block_attr + "}" if block_attr else ""}
      : {out}, {scale_tensor} to tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}}
"""


@pytest.mark.parametrize("case", COMPILER_CASES, ids=lambda c: "-".join(
    str(p) for p in c))
def test_quantize_matches_compiler(case):
    format, rounding, saturation, block, scale_type = case
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(SHAPE) * 40).astype(np.float32)
    x[0, :4] = [np.inf, -np.inf, 0.0, 1e9]
    random_bits = (rng.integers(0, 2**32, SHAPE, dtype=np.uint64)
                   .astype(np.uint32) if rounding == "stochastic" else None)
    codes, scales = fp8mlir.quantize(
        x, format, rounding=rounding, saturate=saturation == "finite",
        block=block, scale_format=scale_type, random_bits=random_bits)

    exe = fp8mlir.jit(compiler_module(format, rounding, saturation, block,
                                      scale_type, x))
    if scale_type == "f32":
        scale_arg = scales
    else:
        scale_arg = fp8mlir.encode(scales, scale_type)
    extra = [] if random_bits is None else [random_bits.view(np.int32)]
    assert np.array_equal(exe.codegen(x, scale_arg, *extra), codes)
    assert np.array_equal(exe.folded(scale_arg, *extra), codes)
    expected = fp8mlir.dequantize(codes, format, scales, block=block)
    assert same_values(exe.dequantize(codes, scale_arg), expected).all()


def random_amaxes(count, seed):
    """Specials, then random float32 bit patterns (every binade, subnormals,
    Inf, NaN, both signs)."""
    specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, 1.76e-37,
                         1.8e-37, 1.0, 7.5, 15.0, 16.0, 30.0, -30.0,
                         np.finfo(np.float32).max], np.float32)
    bits = np.random.default_rng(seed).integers(0, 2**32, count,
                                                dtype=np.uint64)
    return np.concatenate([specials, bits.astype(np.uint32).view(np.float32)])


def test_compute_scale_target_max():
    """amax / 15 in float32 (HiF8 mapped onto 15, as Ascend does), clamped to
    [FLT_MIN, FLT_MAX]; 1 where amax is 0 or not finite."""
    amax = random_amaxes(20000, 4)
    tiny, huge = np.finfo(np.float32).tiny, np.finfo(np.float32).max
    with np.errstate(all="ignore"):
        expected = np.clip(np.abs(amax) / np.float32(15), tiny, huge)
    expected[(amax == 0) | ~np.isfinite(amax)] = 1
    scales = fp8mlir.compute_scale(amax, "hif8", target_max=15)
    assert scales.dtype == np.float32
    assert np.array_equal(scales.view(np.uint32), expected.view(np.uint32))
    assert scales[8] == np.float32(1) / np.float32(15)  # 0x3D888889
    assert scales[8].view(np.uint32) == 0x3D888889
    # pow2: the smallest power of two s with |amax| / s <= 15.
    pow2 = fp8mlir.compute_scale(amax, "hif8", target_max=15.0, pow2=True)
    assert pow2[8:13].tolist() == [0.125, 0.5, 1.0, 2.0, 2.0]
    finite = np.isfinite(amax) & (amax != 0)
    a, s = np.abs(amax[finite]).astype(np.float64), pow2[finite]
    assert (np.frexp(s)[0] == 0.5).all()
    assert ((a <= 15 * s.astype(np.float64)) | (s == 2.0**127)).all()
    assert ((a > 7.5 * s.astype(np.float64)) | (s == tiny)).all()
    # E8M0: 2^(floor(log2 amax) - floor(log2 15)), margin 12's scales.
    e8m0 = fp8mlir.compute_scale(amax, "hif8", target_max=15,
                                 scale_format="f8E8M0FNU")
    assert np.array_equal(e8m0, fp8mlir.compute_scale(
        amax, "hif8", margin=12, scale_format="f8E8M0FNU"))
    assert e8m0[8:13].tolist() == [0.125, 0.5, 1.0, 2.0, 2.0]
    # quantize computes its scales the same way.
    x = np.array([[1.0, -30.0, 2.0]], np.float32)
    codes, scale = fp8mlir.quantize(x, "hif8", target_max=15)
    assert scale == np.float32(2)
    assert fp8mlir.decode(codes, "hif8").tolist() == [[0.5, -15.0, 1.0]]


def test_compute_scale_target_max_errors():
    amax = np.ones(3, np.float32)
    with pytest.raises(ValueError, match="target_max replaces margin"):
        fp8mlir.compute_scale(amax, "hif8", margin=12, target_max=15)
    with pytest.raises(ValueError, match=r"target_max 449 exceeds "
                       r"max_finite\(f8E4M3FN\) = 448"):
        fp8mlir.compute_scale(amax, "f8E4M3FN", target_max=449)
    for bad in (0.0, -15.0, np.inf, np.nan, 1e-40, 1e39):
        with pytest.raises(ValueError, match="target_max must be a finite "
                           "float32"):
            fp8mlir.compute_scale(amax, "hif8", target_max=bad,
                                  scale_format="f8E8M0FNU")


@pytest.mark.parametrize("attrs,scale_type", [
    ("format = !fp8.hif8, target_max = 1.5e+01 : f32", "f32"),
    ("format = !fp8.hif8, target_max = 1.5e+01 : f32, pow2", "f32"),
    ("format = !fp8.hif8, target_max = 1.5e+01 : f32", "f8E8M0FNU"),
    ("format = f8E4M3FN, target_max = 1.0e-01 : f32", "f32"),
    ("format = f8E4M3FN, margin = 3 : i32, pow2", "f32"),
])
def test_compute_scale_matches_compiler(attrs, scale_type):
    """The compiled fp8.compute_scale gives fp8mlir.compute_scale's bits."""
    amax = random_amaxes(4096, 5)
    n = amax.size
    exe = fp8mlir.jit(f"""
func.func @scale(%a: tensor<{n}xf32>) -> tensor<{n}x{scale_type}> {{
  %s = fp8.compute_scale %a {{{attrs}}} : tensor<{n}xf32> -> tensor<{n}x{scale_type}>
  return %s : tensor<{n}x{scale_type}>
}}
""")
    options = dict(scale_format=scale_type, pow2="pow2" in attrs)
    if "target_max" in attrs:
        options["target_max"] = float(attrs.split("target_max = ")[1]
                                      .split(" ")[0])
    if "margin" in attrs:
        options["margin"] = 3
    fmt = "hif8" if "hif8" in attrs else "f8E4M3FN"
    expected = fp8mlir.compute_scale(amax, fmt, **options)
    got = exe.scale(amax)
    if scale_type == "f8E8M0FNU":
        expected = fp8mlir.encode(expected, "f8E8M0FNU")
    else:
        expected, got = expected.view(np.uint32), np.asarray(got).view(
            np.uint32)
    assert np.array_equal(np.asarray(got), expected)
