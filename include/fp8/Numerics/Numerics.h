//===- Numerics.h - Bit-exact 8-bit float numerics --------------*- C++ -*-===//
//
// The single source of numeric truth for fp8-mlir: a descriptor for every
// narrow float format, exact decode of every code and exact encode from
// binary64, binary32, binary16 and bfloat16 under every rounding and
// saturation mode. Plain C++17, no MLIR or LLVM dependency: the constant
// folder, the Python package, the tests and the GPU harness all use it.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_NUMERICS_NUMERICS_H
#define FP8_NUMERICS_NUMERICS_H

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fp8 {

// The values of Format, Rounding and Saturation are the project's single
// definition of these enums: the dialect's attributes (FP8Attrs.td), the C
// API (fp8-c/Dialect/FP8.h) and the test tools take the same numbers and
// check them case by case (static_assert in C and C++; the Python tools look
// the values up by name). Append new cases; never renumber.

/// Every format the project knows. The builtin ones are named as MLIR spells
/// their types; HiF8 is Huawei's tapered HiFloat8 (docs/HiF8.md).
enum class Format : uint8_t {
  F8E4M3FN,
  F8E5M2,
  F8E4M3FNUZ,
  F8E5M2FNUZ,
  F8E4M3B11FNUZ,
  F8E3M4,
  F8E4M3,
  F8E8M0FNU,
  F6E2M3FN,
  F6E3M2FN,
  F4E2M1FN,
  HiF8,
};
inline constexpr unsigned kNumFormats = 12;
static_assert(static_cast<unsigned>(Format::HiF8) + 1 == kNumFormats);

/// All formats, in enum order.
const std::array<Format, kNumFormats> &allFormats();

/// Rounding modes (docs/Design.md §3). `Hybrid` is HiF8's HR; `Stochastic`
/// takes caller-supplied random bits.
enum class Rounding : uint8_t {
  NearestEven,
  NearestAway,
  TowardZero,
  Upward,
  Downward,
  Odd,
  Hybrid,
  Stochastic,
};
inline constexpr unsigned kNumRoundings = 8;
static_assert(static_cast<unsigned>(Rounding::Stochastic) + 1 == kNumRoundings);

/// `None`: overflow follows the format's own rules (Inf, or NaN where the
/// format has no Inf, or max finite where it has neither) and the rounding
/// direction (see `encode`). `Finite`: overflow and +-Inf become +-max finite;
/// NaN stays NaN.
enum class Saturation : uint8_t { None, Finite };
inline constexpr unsigned kNumSaturations = 2;
static_assert(static_cast<unsigned>(Saturation::Finite) + 1 == kNumSaturations);

/// How a format spends its special encodings.
enum class NonFiniteEncoding : uint8_t {
  IEEE,    ///< all-ones exponent: Inf (mantissa 0) and NaNs (E5M2, E4M3, E3M4)
  NanOnly, ///< S.1111.111 is NaN, no Inf (the "FN" formats)
  NegZeroNaN, ///< 0x80 is the only NaN, no -0, no Inf (the "FNUZ" formats)
  AllOnesNaN, ///< unsigned, 0xFF is NaN, no zero, no Inf (E8M0FNU)
  FiniteOnly, ///< no NaN, no Inf (the MX sub-byte formats)
  HiF8,       ///< 0x80 NaN, 0x6F/0xEF +-Inf, one zero (docs/HiF8.md §2)
};

/// Static description of a format.
struct FormatInfo {
  Format format;
  /// MLIR spelling: "f8E4M3FN", ..., "f4E2M1FN", "hif8".
  const char *name;
  /// Width of a code in bits (8, 6 or 4). Codes are passed right-aligned in a
  /// uint8_t; bits above `bitWidth` are ignored on decode and zero on encode.
  unsigned bitWidth;
  /// Exponent and stored mantissa bits. HiF8 is tapered: its mantissa width
  /// varies from 1 to 3 bits; these fields hold the maxima (5, 3).
  unsigned exponentBits;
  unsigned mantissaBits;
  /// Exponent bias of the IEEE-like encoding (0 for HiF8, whose exponent
  /// field is sign-magnitude).
  int exponentBias;
  NonFiniteEncoding nonFinite;
  bool isSigned;
  bool hasZero;
  bool hasNegativeZero;
  bool hasInf;
  bool hasNaN;
  /// Unbiased exponents of the smallest and largest normal binades.
  int minNormalExponent;
  int maxNormalExponent;
  /// Limits, exact in binary64 (and binary32).
  double maxFinite;
  double minNormal;
  double minSubnormal; ///< == minNormal where the format has no subnormals
  /// Codes of +max finite, the canonical (positive where signed) NaN, +Inf;
  /// nanCode / infCode are meaningless where hasNaN / hasInf is false.
  uint8_t maxFiniteCode;
  uint8_t nanCode;
  uint8_t infCode;
};

const FormatInfo &getFormatInfo(Format format);
/// Parses the MLIR spelling ("f8E4M3FN", "hif8", ...).
std::optional<Format> parseFormat(std::string_view name);

/// Attribute spelling: "nearest_even", "nearest_away", "toward_zero",
/// "upward", "downward", "odd", "hybrid", "stochastic".
const char *stringifyRounding(Rounding rounding);
std::optional<Rounding> parseRounding(std::string_view name);
const char *stringifySaturation(Saturation saturation); ///< "none", "finite"
std::optional<Saturation> parseSaturation(std::string_view name);

/// Whether `rounding` is defined for results of `format`: `Hybrid` only for
/// HiF8; HiF8 takes NearestAway, Hybrid, TowardZero, NearestEven and
/// Stochastic (docs/HiF8.md §5); the other formats take every mode but Hybrid.
bool isRoundingSupported(Format format, Rounding rounding);
/// NearestEven for the builtin formats, NearestAway (TA) for HiF8.
Rounding getDefaultRounding(Format format);

/// Source of an encode: HR (hybrid) depends on it.
enum class Source : uint8_t { Binary64, Binary32, Binary16, BFloat16 };

//===----------------------------------------------------------------------===//
// Decode
//===----------------------------------------------------------------------===//

/// Exact value of `code` (NaN, +-Inf, +-0 included). Every value of every
/// format is exact in binary32 too.
double decode(Format format, uint8_t code);
float decodeToFloat(Format format, uint8_t code);
/// True when `code` decodes to NaN.
bool isNaNCode(Format format, uint8_t code);

//===----------------------------------------------------------------------===//
// Encode
//===----------------------------------------------------------------------===//

/// Every mode rounds on the format's grid extended upward (the binade above
/// max finite continues with the top binade's spacing: 480 after 448 in
/// f8E4M3FN, 2^16 after 57344 in f8E5M2, 2^128 after 2^127 in f8E8M0FNU,
/// 49152 = HiF8's Inf pattern after 32768); a result beyond max finite is an
/// overflow. Overflow under saturation `None` gives +-Inf (NaN where the
/// format has no Inf, +-max finite where it has neither) for NearestEven,
/// NearestAway, Stochastic, Hybrid, Upward (x > 0) and Downward (x < 0), and
/// +-max finite for TowardZero, Odd, Upward (x < 0) and Downward (x > 0), as
/// in IEEE 754 and APFloat. Saturation `Finite` turns every overflow and
/// +-Inf input into +-max finite; NaN stays NaN.
///
/// NearestEven: a tie goes to the neighbour whose significand, counted in
/// units of the spacing of the binade holding |x|, is even. Where a binade has
/// no mantissa bits (f8E8M0FNU, HiF8's denormal binades 2^-22..2^-16) the
/// upper neighbour is the even one, so ties round up there; HiF8 2^-23 (a tie
/// between 0 and 2^-22) rounds to 0, and HiF8 40960 (a tie between 32768,
/// mantissa 0, and the Inf pattern, mantissa 1) stays 32768: only |x| > 40960
/// overflows.
///
/// Stochastic rounding: with |x| strictly between neighbours lo < hi of the
/// (extended) grid, let frac = floor(2^32 * (|x| - lo) / (hi - lo)); the
/// magnitude rounds up to hi iff frac + randomBits >= 2^32. (Up with
/// probability (|x|-lo)/(hi-lo) for uniform randomBits; for binary32/16
/// sources this is "add the top random bits to the discarded bits and
/// truncate".) Exact values never move; an up-rounding beyond max finite is
/// an overflow (see above). `randomBits` is ignored by the other modes.
///
/// Round-to-odd: truncate, then set the last kept bit if inexact; its overflow
/// behaves like TowardZero's (max finite, also where the odd neighbour would
/// be a NaN pattern, e.g. f8E4M3FN 460 -> 448). Where a binade has no mantissa
/// bits the last kept bit is the implicit one, so round-to-odd truncates there
/// (f8E8M0FNU, HiF8 denormals); between 0 and the smallest value it gives the
/// smallest value.
///
/// Hybrid (HiF8's HR, docs/HiF8.md §4) is defined for Binary32 (SR14), Binary16
/// and BFloat16 (SR2) sources; for a Binary64 source it is TA (NearestAway),
/// and for the builtin formats it is NearestEven (`isRoundingSupported` is
/// false there). T is taken from the source's stored mantissa bits, F from the
/// exact value's discarded fraction (the same thing except for binary16
/// subnormals). This project's reading of a point docs/HiF8.md leaves open: HR,
/// like TA, flushes |x| < 2^-23 to 0 (the SR rule would otherwise round e.g.
/// 2^-24, whose F = 0x1000 >= T = 0, up to 2^-22).
///
/// HiF8 also accepts Upward, Downward and Odd (same rules on HiF8's grid;
/// `isRoundingSupported` reports them unsupported, they are not offered in
/// the IR). TowardZero never overflows a finite HiF8 value (1e30 -> 0x6E).
///
/// Specials:
///  - NaN gives the format's canonical NaN (`nanCode`, with the sign kept
///    where the format has signed NaNs: IEEE and NanOnly); FiniteOnly formats
///    (no NaN) give +0 for NaN, under both saturations.
///  - +-Inf gives +-Inf (IEEE, HiF8), NaN (NanOnly, NegZeroNaN, E8M0FNU) or
///    +-max finite (FiniteOnly, both saturations).
///  - Formats without -0 (FNUZ, HiF8, E8M0FNU) give +0 for -0 and for
///    negative values that round to zero.
///  - f8E8M0FNU (unsigned, no zero): NaN and every negative non-zero input
///    (-Inf too, under both saturations) give NaN (0xFF); +-0 and every
///    positive value below 2^-127 give 0x00 (= 2^-127) in every rounding mode,
///    as APFloat does for zero and tiny values (APFloat itself is undefined or
///    returns garbage for negative inputs).
///  - FiniteOnly formats (f6E2M3FN, f6E3M2FN, f4E2M1FN) overflow to +-max
///    finite in every rounding mode (APFloat's rule); APFloat is undefined for
///    NaN and Inf inputs there, hence the rules above.
uint8_t encode(Format format, double x, Rounding rounding,
               Saturation saturation, uint32_t randomBits = 0);
uint8_t encode(Format format, float x, Rounding rounding, Saturation saturation,
               uint32_t randomBits = 0);
/// Encodes a binary16 (`Source::Binary16`) or bfloat16 (`Source::BFloat16`)
/// given by its bits (any other `source` reads the bits as binary16).
uint8_t encodeHalfBits(Format format, uint16_t bits, Source source,
                       Rounding rounding, Saturation saturation,
                       uint32_t randomBits = 0);

//===----------------------------------------------------------------------===//
// Scaling (docs/Design.md §3: scales are decode scales)
//===----------------------------------------------------------------------===//

/// encode(x / scale) with the division done in binary32, round to nearest
/// even (the quotient is a binary32 source: Hybrid uses SR14).
uint8_t quantize(Format format, float x, float scale, Rounding rounding,
                 Saturation saturation, uint32_t randomBits = 0);
/// decode(q) * scale in binary32, round to nearest even.
float dequantize(Format format, uint8_t code, float scale);

/// The magnitude that fp8.compute_scale maps amax onto by default:
/// maxFinite(format) * 2^-margin, exact in binary64 (a margin beyond +-600
/// is clamped to it; the scale saturates either way).
double getScaleTarget(Format format, int margin);

/// Decode scale that maps |amax| onto `target` (finite and > 0; a binary32
/// value, or getScaleTarget's): |amax| / target rounded once to binary32
/// (nearest even; for a binary32 `target` this is the binary32 division) and
/// clamped to [FLT_MIN, FLT_MAX]; with `pow2`, the smallest power of two >=
/// the exact quotient (so |amax| / scale <= target always holds), clamped to
/// [2^-126, 2^127]; 1 where amax is 0 or not finite.
float computeScaleForTarget(float amax, double target, bool pow2);
/// The OCP MX rule generalized to any `target` (finite and > 0) as an
/// f8E8M0FNU code: 2^(floor(log2 |amax|) - floor(log2 target)), both floors
/// exact (subnormal amax included), clamped to [2^-127, 2^127] (codes
/// 0..254); 1 (code 127) where amax is 0 or not finite.
uint8_t computeScaleE8M0ForTarget(float amax, double target);

/// computeScaleForTarget(amax, getScaleTarget(format, margin), pow2):
/// |amax| / (maxFinite * 2^-margin).
float computeScale(Format format, float amax, int margin, bool pow2);
/// computeScaleE8M0ForTarget(amax, getScaleTarget(format, margin)), the OCP
/// MX shared-scale rule: 2^(floor(log2 |amax|) - emax(format) + margin),
/// where emax(format) = floor(log2(maxFinite)): 8 for f8E4M3FN, 15 for
/// f8E5M2, 2 for f6E2M3FN and f4E2M1FN, 4 for f6E3M2FN, 15 for HiF8.
uint8_t computeScaleE8M0(Format format, float amax, int margin);

} // namespace fp8

#endif // FP8_NUMERICS_NUMERICS_H
