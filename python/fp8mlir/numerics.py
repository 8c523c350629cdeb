"""Numerics on NumPy arrays, bit-exact with the compiler.

Every function runs the project's numerics library (lib/Numerics, the code
the constant folder uses and the lowered code is tested against) in one C++
loop per call. Codes are uint8, right-aligned for the 6- and 4-bit formats.
Scales are decode scales: ``dequantize(q, s) = decode(q) * s`` and
``quantize(x, s) = encode(x / s)`` with the division in float32.
"""

import dataclasses
import math

import numpy as np

from . import _fp8mlir as _core

#: Format names as MLIR spells the types ("hif8" is !fp8.hif8).
FORMATS = tuple(_core.FORMATS)
#: Rounding-mode names as in #fp8.rounding<...>.
ROUNDINGS = tuple(_core.ROUNDINGS)


@dataclasses.dataclass(frozen=True)
class FormatInfo:
    """The limits and encoding of a format (include/fp8/Numerics/Numerics.h)."""

    name: str
    bit_width: int
    exponent_bits: int
    mantissa_bits: int  # HiF8 is tapered: its maximum (3)
    exponent_bias: int
    signed: bool
    has_zero: bool
    has_negative_zero: bool
    has_inf: bool
    has_nan: bool
    min_normal_exponent: int
    max_normal_exponent: int
    max_finite: float
    min_normal: float
    min_subnormal: float
    max_finite_code: int
    nan_code: "int | None"
    inf_code: "int | None"
    default_rounding: str
    roundings: tuple  # the rounding modes the compiler accepts for it


_INFOS = {}
for _index, _name in enumerate(FORMATS):
    _info = _core.format_info(_index)
    _info["roundings"] = tuple(_info["roundings"])
    _INFOS[_name] = FormatInfo(**_info)


def formats():
    """Every format, by name, with its limits (a dict of FormatInfo)."""
    return dict(_INFOS)


def _integer(value, name, low, high):
    """``value`` as an int in [low, high]: a Python or NumPy integer, or a
    float with an integral value; anything else is an error (not truncated,
    not wrapped around)."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, not {value!r}")
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(value) or value != math.floor(value):
            raise ValueError(f"{name} must be an integer, not {value!r}")
        value = int(value)
    elif isinstance(value, (int, np.integer)):
        value = int(value)
    else:
        raise TypeError(
            f"{name} must be an integer, not {type(value).__name__}")
    if not low <= value <= high:
        raise ValueError(f"{name} must be in [{low}, {high}], not {value}")
    return value


_INT32 = (-2 ** 31, 2 ** 31 - 1)
_INT64_MAX = 2 ** 63 - 1


def _format_index(format):
    try:
        if not isinstance(format, str):
            raise ValueError
        return FORMATS.index(format)
    except ValueError:
        raise ValueError(
            f"unknown format {format!r}; expected one of {', '.join(FORMATS)}"
        ) from None


def format_info(format):
    """The FormatInfo of one format."""
    return _INFOS[FORMATS[_format_index(format)]]


def _rounding_index(format, rounding, random_bits):
    info = format_info(format)
    rounding = info.default_rounding if rounding is None else rounding
    if not isinstance(rounding, str) or rounding not in ROUNDINGS:
        raise ValueError(
            f"unknown rounding {rounding!r}; expected one of "
            f"{', '.join(ROUNDINGS)}")
    if rounding not in info.roundings:
        raise ValueError(
            f"rounding {rounding!r} does not apply to {format!r} (it takes "
            f"{', '.join(info.roundings)})")
    if (rounding == "stochastic") != (random_bits is not None):
        raise ValueError(
            "random_bits is required with rounding='stochastic' and only "
            "then")
    return ROUNDINGS.index(rounding)


def _flag(value, name):
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    raise TypeError(f"{name} must be True or False, not {value!r}")


def _saturate(saturate):
    if saturate in (True, "finite"):
        return True
    if saturate in (False, "none"):
        return False
    raise ValueError(
        f"saturate must be a bool, 'none' or 'finite', not {saturate!r}")


def _random_bits(random_bits, shape):
    if random_bits is None:
        return None
    bits = np.asarray(random_bits)
    if bits.dtype.kind not in "ui":
        raise TypeError("random_bits must be integers (uint32)")
    if bits.size and (int(bits.min()) < 0 or int(bits.max()) > 2 ** 32 - 1):
        bad = int(bits.min()) if int(bits.min()) < 0 else int(bits.max())
        raise ValueError(
            f"random_bits must be uint32 values in [0, 2**32 - 1], got {bad}")
    try:
        bits = np.broadcast_to(bits, shape)
    except ValueError:
        raise ValueError(
            f"random_bits of shape {bits.shape} does not broadcast to "
            f"{shape}") from None
    return np.ascontiguousarray(bits.astype(np.uint32, copy=False)).ravel()


def _is_bfloat16(dtype):
    return dtype.name == "bfloat16"


def encode(x, format, *, rounding=None, saturate=False, random_bits=None):
    """Encodes ``x`` into ``format`` codes (uint8), as ``fp8.convert`` does.

    ``x`` is read in its own precision: float64, float32, float16 and
    ml_dtypes.bfloat16 are encoded directly (HiF8's hybrid rounding depends
    on the source type); anything else is converted to float64 first.
    ``rounding`` defaults to the format's default (nearest_even, nearest_away
    for HiF8); ``saturate`` (True / "finite") clamps overflow and infinities
    to the largest finite value; ``random_bits`` (uint32, broadcast to x) is
    required by ``rounding="stochastic"``.
    """
    x = np.asarray(x)
    if x.dtype not in (np.float64, np.float32, np.float16) and not \
            _is_bfloat16(x.dtype):
        x = x.astype(np.float64)
    x = np.ascontiguousarray(x)
    fmt = _format_index(format)
    rnd = _rounding_index(format, rounding, random_bits)
    bits = _random_bits(random_bits, x.shape)
    out = np.empty(x.shape, dtype=np.uint8)
    flat = x.ravel()
    if x.dtype == np.float64:
        _core.encode_f64(flat, out.ravel(), fmt, rnd, _saturate(saturate), bits)
    elif x.dtype == np.float32:
        _core.encode_f32(flat, out.ravel(), fmt, rnd, _saturate(saturate), bits)
    else:
        _core.encode_half(flat.view(np.uint16), _is_bfloat16(x.dtype),
                          out.ravel(), fmt, rnd, _saturate(saturate), bits)
    return out


def _codes(codes):
    codes = np.asarray(codes)
    if codes.dtype.itemsize != 1 or codes.dtype == np.bool_:
        raise TypeError(
            f"codes must be uint8 (or a 1-byte ml_dtypes type), not "
            f"{codes.dtype}")
    return np.ascontiguousarray(codes).view(np.uint8)


def decode(codes, format):
    """The exact values of ``format`` codes, as float32 (every value of every
    format is exact in float32)."""
    codes = _codes(codes)
    out = np.empty(codes.shape, dtype=np.float32)
    _core.decode(codes.ravel(), out.ravel(), _format_index(format))
    return out


def table(format):
    """The value of every code of ``format`` (2**bit_width float32 values)."""
    return decode(np.arange(2 ** format_info(format).bit_width,
                            dtype=np.uint8), format)


def hif8_table():
    """HiF8's 256 values, indexed by code (docs/HiF8.md)."""
    return table("hif8")


class _Blocks:
    """A block shape over an input shape. Per-tensor (block None) scales
    are 0-d; the kernels see them as one block covering the input."""

    def __init__(self, shape, block):
        self.per_tensor = block is None
        if block is None:
            block = tuple(max(size, 1) for size in shape)
        if isinstance(block, (int, np.integer)) or not hasattr(
                block, "__len__"):
            raise TypeError(
                f"block must be a sequence of integers, one per dimension, "
                f"not {block!r}")
        block = tuple(_integer(b, "block entries", 1, _INT64_MAX)
                      for b in block)
        if len(block) != len(shape):
            raise ValueError(
                f"block {block} needs one entry per dimension of the input "
                f"{tuple(shape)}")
        if any(b < 1 for b in block):
            raise ValueError(f"block {block}: entries must be >= 1")
        self.block = list(block)
        self.kernel_shape = tuple(-(-size // b) for size, b in
                                  zip(shape, block))
        self.scale_shape = () if self.per_tensor else self.kernel_shape

    def scales(self, scale):
        """``scale`` as the kernels' float32 array; checks its shape."""
        scale = np.asarray(scale)
        if not (_is_bfloat16(scale.dtype) or scale.dtype.kind in "fiu"):
            raise TypeError(f"scale must be a float array, not {scale.dtype}")
        scale = scale.astype(np.float32)
        if self.per_tensor and scale.size == 1:
            scale = scale.reshape(())
        if scale.shape != self.scale_shape:
            raise ValueError(
                f"scale shape {scale.shape} does not match ceildiv(input "
                f"shape, block) = {self.scale_shape}")
        return np.ascontiguousarray(np.broadcast_to(scale, self.kernel_shape))


def _float32_input(x):
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float32)  # exact from float16 / bfloat16
    return np.ascontiguousarray(x)


def amax(x, block=None):
    """max |x| per block (float32; a NaN makes its block's amax the canonical
    quiet NaN 0x7FC00000), as ``fp8.amax``; its
    shape is ceildiv(x.shape, block); per-tensor without ``block``."""
    x = _float32_input(x)
    blocks = _Blocks(x.shape, block)
    out = np.empty(blocks.kernel_shape, dtype=np.float32)
    _core.amax(x, blocks.block, out)
    return out.reshape(blocks.scale_shape) if x.size else out


def compute_scale(amax, format, *, margin=0, pow2=False, scale_format="f32",
                  target_max=None):
    """Decode scales for ``format`` from amax values, as
    ``fp8.compute_scale``: amax / t with t = max_finite * 2**-margin, or
    t = ``target_max`` (rounded to float32; finite, at least the smallest
    normal float32, at most max_finite; it replaces ``margin``, which must
    then be 0), in float32; with ``pow2`` the smallest power of two >=
    amax / t; with ``scale_format="f8E8M0FNU"`` the OCP MX rule
    2**(floor(log2 amax) - floor(log2 t)). Returned as float32 values (E8M0
    scales are exact in float32)."""
    amax = _float32_input(amax)
    fmt = _format_index(format)
    margin = _integer(margin, "margin", *_INT32)
    if target_max is not None:
        if isinstance(target_max, (bool, np.bool_)) or not isinstance(
                target_max, (int, float, np.integer, np.floating)):
            raise TypeError(
                f"target_max must be a number, not {target_max!r}")
        try:
            target_max = float(target_max)
        except OverflowError:
            raise ValueError(
                f"target_max {target_max} exceeds the float range") from None
    if scale_format == "f8E8M0FNU":
        codes = np.empty(amax.shape, dtype=np.uint8)
        _core.compute_scale_e8m0(amax.ravel(), codes.ravel(), fmt, margin,
                                 target_max)
        return decode(codes, "f8E8M0FNU")
    if scale_format != "f32":
        raise ValueError(
            f"scale_format must be 'f32' or 'f8E8M0FNU', not {scale_format!r}")
    out = np.empty(amax.shape, dtype=np.float32)
    _core.compute_scale(amax.ravel(), out.ravel(), fmt, margin,
                        _flag(pow2, "pow2"), target_max)
    return out


def quantize(x, format, *, rounding=None, saturate=False, scale=None,
             block=None, random_bits=None, margin=0, pow2=False,
             scale_format="f32", target_max=None):
    """Quantizes ``x`` into ``format``: ``(codes, scales)``.

    Semantics of ``fp8.quantize``: ``codes = encode(x / scale)``, with ``x``
    read as float32 (float64 is rounded to float32 first, as the compiler's
    constant folder does) and the division in float32. ``block`` is the scale
    granularity, one entry per dimension (None: one scale for the tensor;
    ``(1, K)``: per row; ``(1, 32)`` with ``scale_format="f8E8M0FNU"``: MX);
    scales have shape ceildiv(x.shape, block).

    Without ``scale``, scales are computed from the data like ``fp8.amax`` +
    ``fp8.compute_scale`` (``margin``, ``pow2``, ``scale_format``,
    ``target_max``); with
    ``scale`` (a number, or an array of the scale shape) they are used as
    given. ``rounding``, ``saturate`` and ``random_bits`` are as in
    ``encode``.
    """
    x = _float32_input(x)
    fmt = _format_index(format)
    rnd = _rounding_index(format, rounding, random_bits)
    blocks = _Blocks(x.shape, block)
    if scale is None:
        scale = compute_scale(amax(x, block), format, margin=margin,
                              pow2=pow2, scale_format=scale_format,
                              target_max=target_max)
    scales = blocks.scales(scale)
    codes = np.empty(x.shape, dtype=np.uint8)
    _core.quantize(x, scales, blocks.block, codes, fmt, rnd,
                   _saturate(saturate), _random_bits(random_bits, x.shape))
    return codes, scales.reshape(blocks.scale_shape) if x.size else scales


def dequantize(codes, format, scale=1.0, *, block=None):
    """``decode(codes) * scale`` in float32 (``fp8.dequantize``); ``scale``
    and ``block`` as for ``quantize``."""
    codes = _codes(codes)
    blocks = _Blocks(codes.shape, block)
    out = np.empty(codes.shape, dtype=np.float32)
    _core.dequantize(codes, blocks.scales(scale), blocks.block, out,
                     _format_index(format))
    return out
