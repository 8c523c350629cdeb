//===- Numerics.cpp - Bit-exact 8-bit float numerics ----------------------===//
//
// Every encode follows one path: unpack the source into sign, class and an
// exact `sig * 2^exp`, pick the quantum (the spacing of the target's values)
// of the binade that holds the value, split `sig` into kept bits and
// discarded bits once, decide the rounding from the discarded bits, and
// assemble the code. The builtin formats differ only in a few descriptor
// numbers; HiF8's tapered layout needs a per-binade width rule
// (docs/HiF8.md §4) and its own code assembly.
//
//===----------------------------------------------------------------------===//

#include "fp8/Numerics/Numerics.h"

#include <cmath>
#include <cstring>

namespace fp8 {

//===----------------------------------------------------------------------===//
// Format descriptors
//===----------------------------------------------------------------------===//

static constexpr double pow2(int e) {
  double r = 1.0;
  for (; e > 0; --e)
    r *= 2.0;
  for (; e < 0; ++e)
    r *= 0.5;
  return r;
}

// clang-format off
static constexpr FormatInfo kFormatInfos[kNumFormats] = {
  // format                 name             bits exp man bias nonFinite                     signed zero  -0     inf    nan    emin  emax  maxFinite            minNormal     minSubnormal  max   nan   inf
  {Format::F8E4M3FN,      "f8E4M3FN",      8, 4, 3, 7,   NonFiniteEncoding::NanOnly,    true,  true,  true,  false, true,  -6,   8,   448.0,               pow2(-6),     pow2(-9),     0x7E, 0x7F, 0x00},
  {Format::F8E5M2,        "f8E5M2",        8, 5, 2, 15,  NonFiniteEncoding::IEEE,       true,  true,  true,  true,  true,  -14,  15,  57344.0,             pow2(-14),    pow2(-16),    0x7B, 0x7E, 0x7C},
  {Format::F8E4M3FNUZ,    "f8E4M3FNUZ",    8, 4, 3, 8,   NonFiniteEncoding::NegZeroNaN, true,  true,  false, false, true,  -7,   7,   240.0,               pow2(-7),     pow2(-10),    0x7F, 0x80, 0x00},
  {Format::F8E5M2FNUZ,    "f8E5M2FNUZ",    8, 5, 2, 16,  NonFiniteEncoding::NegZeroNaN, true,  true,  false, false, true,  -15,  15,  57344.0,             pow2(-15),    pow2(-17),    0x7F, 0x80, 0x00},
  {Format::F8E4M3B11FNUZ, "f8E4M3B11FNUZ", 8, 4, 3, 11,  NonFiniteEncoding::NegZeroNaN, true,  true,  false, false, true,  -10,  4,   30.0,                pow2(-10),    pow2(-13),    0x7F, 0x80, 0x00},
  {Format::F8E3M4,        "f8E3M4",        8, 3, 4, 3,   NonFiniteEncoding::IEEE,       true,  true,  true,  true,  true,  -2,   3,   15.5,                pow2(-2),     pow2(-6),     0x6F, 0x78, 0x70},
  {Format::F8E4M3,        "f8E4M3",        8, 4, 3, 7,   NonFiniteEncoding::IEEE,       true,  true,  true,  true,  true,  -6,   7,   240.0,               pow2(-6),     pow2(-9),     0x77, 0x7C, 0x78},
  {Format::F8E8M0FNU,     "f8E8M0FNU",     8, 8, 0, 127, NonFiniteEncoding::AllOnesNaN, false, false, false, false, true,  -127, 127, pow2(127),           pow2(-127),   pow2(-127),   0xFE, 0xFF, 0x00},
  {Format::F6E2M3FN,      "f6E2M3FN",      6, 2, 3, 1,   NonFiniteEncoding::FiniteOnly, true,  true,  true,  false, false, 0,    2,   7.5,                 1.0,          0.125,        0x1F, 0x00, 0x00},
  {Format::F6E3M2FN,      "f6E3M2FN",      6, 3, 2, 3,   NonFiniteEncoding::FiniteOnly, true,  true,  true,  false, false, -2,   4,   28.0,                0.25,         0.0625,       0x1F, 0x00, 0x00},
  {Format::F4E2M1FN,      "f4E2M1FN",      4, 2, 1, 1,   NonFiniteEncoding::FiniteOnly, true,  true,  true,  false, false, 0,    2,   6.0,                 1.0,          0.5,          0x07, 0x00, 0x00},
  {Format::HiF8,          "hif8",          8, 5, 3, 0,   NonFiniteEncoding::HiF8,       true,  true,  false, true,  true,  -15,  15,  32768.0,             pow2(-15),    pow2(-22),    0x6E, 0x80, 0x6F},
};
// clang-format on

static constexpr std::array<Format, kNumFormats> kAllFormats = {
    Format::F8E4M3FN,   Format::F8E5M2,        Format::F8E4M3FNUZ,
    Format::F8E5M2FNUZ, Format::F8E4M3B11FNUZ, Format::F8E3M4,
    Format::F8E4M3,     Format::F8E8M0FNU,     Format::F6E2M3FN,
    Format::F6E3M2FN,   Format::F4E2M1FN,      Format::HiF8};

const std::array<Format, kNumFormats> &allFormats() { return kAllFormats; }

const FormatInfo &getFormatInfo(Format format) {
  return kFormatInfos[static_cast<unsigned>(format)];
}

std::optional<Format> parseFormat(std::string_view name) {
  for (const FormatInfo &info : kFormatInfos)
    if (name == info.name)
      return info.format;
  return std::nullopt;
}

static constexpr const char *kRoundingNames[kNumRoundings] = {
    "nearest_even", "nearest_away", "toward_zero", "upward",
    "downward",     "odd",          "hybrid",      "stochastic"};

const char *stringifyRounding(Rounding rounding) {
  return kRoundingNames[static_cast<unsigned>(rounding)];
}

std::optional<Rounding> parseRounding(std::string_view name) {
  for (unsigned i = 0; i < kNumRoundings; ++i)
    if (name == kRoundingNames[i])
      return static_cast<Rounding>(i);
  return std::nullopt;
}

const char *stringifySaturation(Saturation saturation) {
  return saturation == Saturation::None ? "none" : "finite";
}

std::optional<Saturation> parseSaturation(std::string_view name) {
  if (name == "none")
    return Saturation::None;
  if (name == "finite")
    return Saturation::Finite;
  return std::nullopt;
}

bool isRoundingSupported(Format format, Rounding rounding) {
  if (format == Format::HiF8)
    return rounding == Rounding::NearestAway || rounding == Rounding::Hybrid ||
           rounding == Rounding::TowardZero ||
           rounding == Rounding::NearestEven ||
           rounding == Rounding::Stochastic;
  return rounding != Rounding::Hybrid;
}

Rounding getDefaultRounding(Format format) {
  return format == Format::HiF8 ? Rounding::NearestAway : Rounding::NearestEven;
}

//===----------------------------------------------------------------------===//
// Decode
//===----------------------------------------------------------------------===//

static inline uint8_t codeMask(const FormatInfo &info) {
  return static_cast<uint8_t>((1u << info.bitWidth) - 1);
}

static inline uint8_t signBit(const FormatInfo &info) {
  return info.isSigned ? static_cast<uint8_t>(1u << (info.bitWidth - 1)) : 0;
}

bool isNaNCode(Format format, uint8_t code) {
  const FormatInfo &info = getFormatInfo(format);
  code &= codeMask(info);
  switch (info.nonFinite) {
  case NonFiniteEncoding::IEEE: {
    unsigned mag = code & 0x7F;
    unsigned expField = mag >> info.mantissaBits;
    return expField == (1u << info.exponentBits) - 1 &&
           (mag & ((1u << info.mantissaBits) - 1)) != 0;
  }
  case NonFiniteEncoding::NanOnly:
    return (code & 0x7F) == 0x7F;
  case NonFiniteEncoding::NegZeroNaN:
  case NonFiniteEncoding::HiF8:
    return code == 0x80;
  case NonFiniteEncoding::AllOnesNaN:
    return code == 0xFF;
  case NonFiniteEncoding::FiniteOnly:
    return false;
  }
  return false;
}

static double decodeHiF8(uint8_t code) {
  bool negative = code & 0x80;
  unsigned p = code & 0x7F;
  if (p == 0)
    return negative ? std::nan("") : 0.0;
  if (p == 0x6F)
    return negative ? -HUGE_VAL : HUGE_VAL;
  double magnitude;
  if (p < 0x08) {
    magnitude = std::ldexp(1.0, static_cast<int>(p) - 23);
  } else {
    int exponent;
    unsigned mantissa, bits;
    if (p < 0x10) {
      exponent = 0;
      mantissa = p & 7;
      bits = 3;
    } else if (p < 0x20) {
      exponent = (p & 0x08) ? -1 : 1;
      mantissa = p & 7;
      bits = 3;
    } else if (p < 0x40) {
      int m = 2 | ((p >> 3) & 1);
      exponent = (p & 0x10) ? -m : m;
      mantissa = p & 7;
      bits = 3;
    } else if (p < 0x60) {
      int m = 4 | ((p >> 2) & 3);
      exponent = (p & 0x10) ? -m : m;
      mantissa = p & 3;
      bits = 2;
    } else {
      int m = 8 | ((p >> 1) & 7);
      exponent = (p & 0x10) ? -m : m;
      mantissa = p & 1;
      bits = 1;
    }
    magnitude = std::ldexp(static_cast<double>((1u << bits) + mantissa),
                           exponent - static_cast<int>(bits));
  }
  return negative ? -magnitude : magnitude;
}

double decode(Format format, uint8_t code) {
  const FormatInfo &info = getFormatInfo(format);
  code &= codeMask(info);
  if (format == Format::HiF8)
    return decodeHiF8(code);
  bool negative = code & signBit(info);
  // A NaN keeps its sign bit, so that a decode/encode round trip returns
  // every NaN code of a format with one NaN per sign (E4M3FN's 0x7F / 0xFF).
  if (isNaNCode(format, code))
    return std::copysign(std::nan(""), negative ? -1.0 : 1.0);
  unsigned magnitude = code & ~signBit(info) & codeMask(info);
  unsigned expField = magnitude >> info.mantissaBits;
  unsigned mantissa = magnitude & ((1u << info.mantissaBits) - 1);
  double value;
  if (info.nonFinite == NonFiniteEncoding::AllOnesNaN) {
    value = std::ldexp(1.0, static_cast<int>(expField) - info.exponentBias);
  } else if (info.nonFinite == NonFiniteEncoding::IEEE &&
             expField == (1u << info.exponentBits) - 1) {
    value = HUGE_VAL; // NaNs were handled above.
  } else {
    int quantumMin =
        info.minNormalExponent - static_cast<int>(info.mantissaBits);
    if (expField == 0)
      value = std::ldexp(static_cast<double>(mantissa), quantumMin);
    else
      value =
          std::ldexp(static_cast<double>((1u << info.mantissaBits) + mantissa),
                     quantumMin + static_cast<int>(expField) - 1);
  }
  return negative ? -value : value;
}

float decodeToFloat(Format format, uint8_t code) {
  return static_cast<float>(decode(format, code));
}

//===----------------------------------------------------------------------===//
// Encode
//===----------------------------------------------------------------------===//

namespace {

/// A source value: |x| = sig * 2^exp for finite non-zero values.
struct Unpacked {
  enum Kind : uint8_t { Zero, Finite, Inf, NaN };
  Kind kind;
  bool negative;
  int exp;
  uint64_t sig;
  /// HR's threshold T and the number of F bits it is compared with (14 for
  /// binary32, 2 for binary16/bfloat16, 0 where HR does not apply).
  uint32_t hybridT;
  unsigned hybridBits;
};

/// Internal description of the rounding grid of a format.
struct Grid {
  /// Quantum exponent of the lowest binade (subnormal spacing).
  int quantumMin;
  int mantissaBits;
  /// Largest binade exponent; anything >= 2^(maxExponent+1) overflows.
  int maxExponent;
  /// 1 where the lowest code is a normal value rather than zero (E8M0FNU).
  int codeOffset;
};

} // namespace

static inline int msb64(uint64_t v) { return 63 - __builtin_clzll(v); }

template <unsigned MantBits, unsigned ExpBits>
static inline Unpacked unpackIEEE(uint64_t bits) {
  constexpr uint64_t mantMask = (uint64_t{1} << MantBits) - 1;
  constexpr unsigned expMax = (1u << ExpBits) - 1;
  constexpr int bias = static_cast<int>((1u << (ExpBits - 1)) - 1);
  Unpacked u;
  u.negative = (bits >> (MantBits + ExpBits)) & 1;
  unsigned expField = static_cast<unsigned>(bits >> MantBits) & expMax;
  uint64_t mant = bits & mantMask;
  u.hybridT = 0;
  u.hybridBits = 0;
  if (expField == expMax) {
    u.kind = mant ? Unpacked::NaN : Unpacked::Inf;
    u.sig = 0;
    u.exp = 0;
    return u;
  }
  if (expField == 0) {
    if (mant == 0) {
      u.kind = Unpacked::Zero;
      u.sig = 0;
      u.exp = 0;
      return u;
    }
    u.kind = Unpacked::Finite;
    u.sig = mant;
    u.exp = 1 - bias - static_cast<int>(MantBits);
    return u;
  }
  u.kind = Unpacked::Finite;
  u.sig = mant | (uint64_t{1} << MantBits);
  u.exp = static_cast<int>(expField) - bias - static_cast<int>(MantBits);
  return u;
}

static inline Unpacked unpackDouble(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  return unpackIEEE<52, 11>(bits);
}

static inline Unpacked unpackFloat(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  Unpacked u = unpackIEEE<23, 8>(bits);
  u.hybridT = bits & 0x3FFF; // SR14: the 14 lowest mantissa bits.
  u.hybridBits = 14;
  return u;
}

static inline Unpacked unpackHalfBits(uint16_t bits, Source source) {
  Unpacked u = source == Source::BFloat16 ? unpackIEEE<7, 8>(bits)
                                          : unpackIEEE<10, 5>(bits);
  u.hybridT = ((bits & 1u) << 1) | 1u; // SR2: {lowest stored bit, 1}.
  u.hybridBits = 2;
  return u;
}

static constexpr Grid kGrids[kNumFormats] = {
    {-9, 3, 8, 0},     // F8E4M3FN
    {-16, 2, 15, 0},   // F8E5M2
    {-10, 3, 7, 0},    // F8E4M3FNUZ
    {-17, 2, 15, 0},   // F8E5M2FNUZ
    {-13, 3, 4, 0},    // F8E4M3B11FNUZ
    {-6, 4, 3, 0},     // F8E3M4
    {-9, 3, 7, 0},     // F8E4M3
    {-127, 0, 127, 1}, // F8E8M0FNU
    {-3, 3, 2, 0},     // F6E2M3FN
    {-4, 2, 4, 0},     // F6E3M2FN
    {-1, 1, 2, 0},     // F4E2M1FN
    {-22, 3, 15, 0},   // HiF8 (quantum comes from hif8Quantum)
};

/// HiF8 mantissa width of binade `e` (docs/HiF8.md §1/§4); above 2^15 the grid
/// is extended with HiF8's top width (1 bit) to place the overflow threshold.
static inline int hif8Width(int e) {
  int a = e < 0 ? -e : e;
  if (e <= -16)
    return 0;
  if (a <= 3)
    return 3;
  if (a <= 7)
    return 2;
  return 1;
}

/// Quantum exponent of binade `e` of HiF8; below 2^-22 the grid is the
/// multiples of 2^-22 (0 and 2^-22).
static inline int hif8Quantum(int e) {
  if (e < -22)
    return -22;
  return e - hif8Width(e);
}

/// Code of the HiF8 magnitude 2^e * (1 + m / 2^width(e)), e in [-22, 15].
static inline uint8_t hif8Code(int e, unsigned m) {
  if (e <= -16)
    return static_cast<uint8_t>(e + 23);
  unsigned a = static_cast<unsigned>(e < 0 ? -e : e);
  unsigned neg = e < 0;
  if (a == 0)
    return static_cast<uint8_t>(0x08 | m);
  if (a == 1)
    return static_cast<uint8_t>(0x10 | (neg << 3) | m);
  if (a <= 3)
    return static_cast<uint8_t>(0x20 | (neg << 4) | ((a & 1) << 3) | m);
  if (a <= 7)
    return static_cast<uint8_t>(0x40 | (neg << 4) | ((a & 3) << 2) | m);
  return static_cast<uint8_t>(0x60 | (neg << 4) | ((a & 7) << 1) | m);
}

static inline uint8_t maxFiniteResult(const FormatInfo &info, bool negative) {
  return info.maxFiniteCode | (negative ? signBit(info) : 0);
}

static inline uint8_t nanResult(const FormatInfo &info, bool negative) {
  switch (info.nonFinite) {
  case NonFiniteEncoding::IEEE:
  case NonFiniteEncoding::NanOnly:
    return info.nanCode | (negative ? signBit(info) : 0);
  case NonFiniteEncoding::FiniteOnly:
    return 0;
  default:
    return info.nanCode;
  }
}

/// What +-Inf becomes under saturation None.
static inline uint8_t infResult(const FormatInfo &info, bool negative) {
  switch (info.nonFinite) {
  case NonFiniteEncoding::IEEE:
  case NonFiniteEncoding::HiF8:
    return info.infCode | (negative ? signBit(info) : 0);
  case NonFiniteEncoding::FiniteOnly:
    return maxFiniteResult(info, negative);
  default:
    return nanResult(info, negative);
  }
}

static inline uint8_t zeroResult(const FormatInfo &info, bool negative) {
  return info.hasNegativeZero && negative ? signBit(info) : 0;
}

static inline uint8_t overflowResult(const FormatInfo &info, bool negative,
                                     Rounding rounding, Saturation saturation) {
  bool toInfinity;
  switch (rounding) {
  case Rounding::TowardZero:
  case Rounding::Odd:
    toInfinity = false;
    break;
  case Rounding::Upward:
    toInfinity = !negative;
    break;
  case Rounding::Downward:
    toInfinity = negative;
    break;
  default:
    toInfinity = true;
    break;
  }
  if (saturation == Saturation::Finite || !toInfinity)
    return maxFiniteResult(info, negative);
  return infResult(info, negative);
}

/// floor(rem * 2^k / 2^shift) for rem < 2^min(shift, 64), k <= 32.
static inline uint64_t topBits(uint64_t rem, int shift, int k) {
  if (shift >= k) {
    int s = shift - k;
    return s >= 64 ? 0 : rem >> s;
  }
  return rem << (k - shift);
}

static uint8_t encodeUnpacked(Format format, const Unpacked &u,
                              Rounding rounding, Saturation saturation,
                              uint32_t randomBits) {
  const FormatInfo &info = getFormatInfo(format);
  const bool isHiF8 = format == Format::HiF8;
  if (rounding == Rounding::Hybrid) {
    if (!isHiF8)
      rounding = Rounding::NearestEven;
    else if (u.hybridBits == 0)
      rounding = Rounding::NearestAway;
  }

  switch (u.kind) {
  case Unpacked::NaN:
    return nanResult(info, u.negative);
  case Unpacked::Zero:
    return zeroResult(info, u.negative);
  case Unpacked::Inf:
    if (!info.isSigned && u.negative)
      return nanResult(info, false);
    return saturation == Saturation::Finite ? maxFiniteResult(info, u.negative)
                                            : infResult(info, u.negative);
  case Unpacked::Finite:
    break;
  }
  if (!info.isSigned && u.negative)
    return nanResult(info, false);

  const Grid &grid = kGrids[static_cast<unsigned>(format)];
  const bool negative = u.negative;
  const int top = msb64(u.sig);
  const int e = u.exp + top; // |x| in [2^e, 2^(e+1))
  if (e > grid.maxExponent)
    return overflowResult(info, negative, rounding, saturation);

  int quantum;
  if (isHiF8) {
    if (rounding == Rounding::Hybrid && (e >= 4 || e <= -4)) {
      // HR: |x| >= 40960 = 1.25 * 2^15 overflows before rounding; below
      // 2^-23 the TA rule "flush to zero" applies (docs/HiF8.md §4).
      if (e == 15 && (u.sig << (63 - top)) >= 0xA000000000000000ull)
        return overflowResult(info, negative, rounding, saturation);
      if (e < -23)
        return 0;
    } else if (rounding == Rounding::Hybrid) {
      rounding = Rounding::NearestAway;
    }
    quantum = hif8Quantum(e);
  } else {
    quantum = e - grid.mantissaBits;
    if (quantum < grid.quantumMin)
      quantum = grid.quantumMin;
  }

  // Split sig into the kept multiple of 2^quantum and the discarded rest.
  const int shift = quantum - u.exp;
  uint64_t q;
  bool up = false;
  if (shift <= 0) {
    q = u.sig << -shift;
    if (rounding == Rounding::Hybrid)
      up = u.hybridT == 0; // F = 0 >= T only for T = 0.
  } else {
    uint64_t rem, half;
    if (shift >= 64) {
      q = 0;
      rem = u.sig;
      half = ~uint64_t{0}; // rem < 2^53 < half
    } else {
      q = u.sig >> shift;
      rem = u.sig & ((uint64_t{1} << shift) - 1);
      half = uint64_t{1} << (shift - 1);
    }
    switch (rounding) {
    case Rounding::NearestEven:
      up = rem > half || (rem == half && (q & 1));
      break;
    case Rounding::NearestAway:
      up = rem >= half;
      break;
    case Rounding::TowardZero:
      break;
    case Rounding::Upward:
      up = !negative && rem != 0;
      break;
    case Rounding::Downward:
      up = negative && rem != 0;
      break;
    case Rounding::Odd:
      up = rem != 0 && !(q & 1);
      break;
    case Rounding::Hybrid:
      up = topBits(rem, shift, static_cast<int>(u.hybridBits)) >= u.hybridT;
      break;
    case Rounding::Stochastic:
      up = topBits(rem, shift, 32) + randomBits >= (uint64_t{1} << 32);
      break;
    }
  }
  q += up;

  if (q == 0)
    return isHiF8 ? 0 : zeroResult(info, negative);

  if (isHiF8) {
    int n = msb64(q);
    int re = quantum + n;
    int width = hif8Width(re);
    uint64_t full = width >= n ? q << (width - n) : q >> (n - width);
    unsigned m = static_cast<unsigned>(full) - (1u << width);
    if (re > 15 || (re == 15 && m != 0))
      return overflowResult(info, negative, rounding, saturation);
    return hif8Code(re, m) | (negative ? 0x80 : 0);
  }

  if (q >> (grid.mantissaBits + 1)) { // carry into the next binade
    q >>= 1;
    ++quantum;
  }
  unsigned magnitude =
      (static_cast<unsigned>(quantum - grid.quantumMin) << grid.mantissaBits) +
      static_cast<unsigned>(q) - grid.codeOffset;
  if (magnitude > info.maxFiniteCode)
    return overflowResult(info, negative, rounding, saturation);
  return static_cast<uint8_t>(magnitude) | (negative ? signBit(info) : 0);
}

uint8_t encode(Format format, double x, Rounding rounding,
               Saturation saturation, uint32_t randomBits) {
  return encodeUnpacked(format, unpackDouble(x), rounding, saturation,
                        randomBits);
}

uint8_t encode(Format format, float x, Rounding rounding, Saturation saturation,
               uint32_t randomBits) {
  return encodeUnpacked(format, unpackFloat(x), rounding, saturation,
                        randomBits);
}

uint8_t encodeHalfBits(Format format, uint16_t bits, Source source,
                       Rounding rounding, Saturation saturation,
                       uint32_t randomBits) {
  if (source == Source::Binary64 || source == Source::Binary32) {
    // Not half-width sources: read the bits as binary16.
    source = Source::Binary16;
  }
  return encodeUnpacked(format, unpackHalfBits(bits, source), rounding,
                        saturation, randomBits);
}

//===----------------------------------------------------------------------===//
// Scaling
//===----------------------------------------------------------------------===//

uint8_t quantize(Format format, float x, float scale, Rounding rounding,
                 Saturation saturation, uint32_t randomBits) {
  float scaled = x / scale;
  return encode(format, scaled, rounding, saturation, randomBits);
}

float dequantize(Format format, uint8_t code, float scale) {
  return decodeToFloat(format, code) * scale;
}

static constexpr float kFloatMin = 1.17549435082228750797e-38f; // 2^-126
static constexpr float kFloatMax = 3.40282346638528859812e+38f;

double getScaleTarget(Format format, int margin) {
  // The target stays a normal double for every format (maxFinite is in
  // [6, 2^128)); a margin beyond +-600 saturates the scale anyway, E8M0
  // codes included (|floor(log2 amax) - floor(log2 maxFinite)| < 300).
  if (margin > 600)
    margin = 600;
  if (margin < -600)
    margin = -600;
  return std::ldexp(getFormatInfo(format).maxFinite, -margin);
}

float computeScaleForTarget(float amax, double target, bool pow2Scale) {
  double a = std::fabs(static_cast<double>(amax));
  if (a == 0.0 || !std::isfinite(a))
    return 1.0f;
  if (pow2Scale) {
    // Smallest power of two >= a / target, computed exactly.
    int ea, et;
    double ma = std::frexp(a, &ea), mt = std::frexp(target, &et);
    long k = static_cast<long>(ea) - et + (ma > mt ? 1 : 0);
    if (k < -126)
      k = -126;
    if (k > 127)
      k = 127;
    return std::ldexp(1.0f, static_cast<int>(k));
  }
  // a / target in binary64 and then binary32 equals the binary32 quotient:
  // double rounding is innocuous for division when 53 >= 2 * 24 + 2.
  double quotient = a / target;
  if (quotient >= static_cast<double>(kFloatMax))
    return kFloatMax;
  if (quotient <= static_cast<double>(kFloatMin))
    return kFloatMin;
  float scale = static_cast<float>(quotient);
  return scale < kFloatMin ? kFloatMin : scale;
}

uint8_t computeScaleE8M0ForTarget(float amax, double target) {
  double a = std::fabs(static_cast<double>(amax));
  if (a == 0.0 || !std::isfinite(a))
    return 127;
  int ea, et;
  std::frexp(a, &ea);      // a in [2^(ea-1), 2^ea)
  std::frexp(target, &et); // target in [2^(et-1), 2^et)
  long x = static_cast<long>(ea) - et;
  if (x < -127)
    x = -127;
  if (x > 127)
    x = 127;
  return static_cast<uint8_t>(x + 127);
}

float computeScale(Format format, float amax, int margin, bool pow2Scale) {
  return computeScaleForTarget(amax, getScaleTarget(format, margin), pow2Scale);
}

uint8_t computeScaleE8M0(Format format, float amax, int margin) {
  return computeScaleE8M0ForTarget(amax, getScaleTarget(format, margin));
}

} // namespace fp8
