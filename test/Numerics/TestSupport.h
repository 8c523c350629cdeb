//===- TestSupport.h - Oracles for the numerics tests -----------*- C++ -*-===//
//
// Two oracles the numerics library is checked against:
//  - APFloatOracle: LLVM's APFloat `convert` for the five IEEE rounding modes
//    of the builtin formats, plus the project's documented rules where
//    APFloat is undefined (see Numerics.h).
//  - Reference: a deliberately slow nearest-value search over a table of
//    decoded codes (from APFloat for the builtin formats, from
//    hif8_codes.tsv for HiF8) with exact comparisons in binary64. It shares
//    no code with the library and also covers round-to-odd, stochastic
//    rounding and HiF8's TA / HR.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_TEST_NUMERICS_TESTSUPPORT_H
#define FP8_TEST_NUMERICS_TESTSUPPORT_H

#include "fp8/Numerics/Numerics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fp8::test {

/// One HiF8 row of hif8_codes.tsv.
struct HiF8Row {
  uint8_t code;
  std::string cls; ///< ZERO, DML, NML, NaN, +Inf, -Inf
  double value;    ///< from the exact-fraction column
};

/// Parses hif8_codes.tsv; returns false (and leaves `rows` partial) on error.
bool parseHiF8Table(const std::string &path, std::vector<HiF8Row> &rows,
                    std::string &error);
/// The vendored copy (test/Numerics/Inputs/hif8_codes.tsv), parsed once.
const std::vector<HiF8Row> &vendoredHiF8Table();

/// A source value as the encoders see it.
struct SourceValue {
  double value;  ///< exact
  Source source; ///< Binary64, Binary32, Binary16 or BFloat16
  uint64_t bits; ///< the source's bit pattern
};
SourceValue fromFloat(float x);
SourceValue fromDouble(double x);
SourceValue fromHalfBits(uint16_t bits, Source source);

/// True when APFloat implements `rounding` (the five IEEE modes).
bool isAPFloatRounding(Rounding rounding);

/// Expected code from APFloat for a builtin format and an IEEE mode.
uint8_t apfloatEncode(Format format, const SourceValue &src, Rounding rounding,
                      Saturation saturation);
/// Both saturations at once (one APFloat conversion).
void apfloatEncodeBoth(Format format, const SourceValue &src, Rounding rounding,
                       uint8_t &none, uint8_t &finite);
/// Value of `code` according to APFloat (builtin formats).
double apfloatDecode(Format format, uint8_t code);

/// The slow reference encoder (every format, every mode).
class Reference {
public:
  explicit Reference(Format format);
  uint8_t encode(const SourceValue &src, Rounding rounding,
                 Saturation saturation, uint32_t randomBits = 0) const;
  /// floor(2^32 * (|x| - lo) / (hi - lo)) for the neighbours of |x|, or
  /// 0 where |x| is representable or outside the grid. Lets tests pick the
  /// random bits at which stochastic rounding flips.
  uint64_t stochasticFraction(const SourceValue &src) const;
  /// Sorted non-negative finite magnitudes (the grid), and the first value
  /// above the largest finite one on the grid extended upward.
  const std::vector<double> &magnitudes() const { return mags; }
  double extendedNext() const { return hiExt; }

private:
  struct Neighbours {
    bool below;  ///< |x| below the smallest magnitude (no zero in format)
    bool beyond; ///< |x| >= hiExt
    double lo, hi;
  };
  Neighbours neighbours(double a) const;
  uint8_t codeOf(double magnitude, bool negative) const;
  bool isOdd(double lo) const;
  uint8_t overflow(bool negative, Rounding rounding,
                   Saturation saturation) const;
  uint8_t nanCode(bool negative) const;

  Format format;
  std::vector<double> mags;
  std::vector<uint8_t> posCodes, negCodes; ///< codes of mags[i], +/-
  uint8_t posZero = 0, negZero = 0;
  bool hasZero = true, isSigned = true, hasInf = false, hasNaN = true;
  uint8_t infPos = 0, infNeg = 0, nanPos = 0, nanNeg = 0;
  double maxFinite = 0, hiExt = 0;
};

/// Every format x mode the tests exercise, with a printable name.
std::string formatName(Format format);
std::string roundingName(Rounding rounding);

/// Binary32 test inputs for `format`: every rounding boundary of the
/// format's grid (values, midpoints, quarter points) with their float
/// neighbours +-1..3 ulps, subnormal boundaries and special values, both
/// signs, then random inputs up to `total`.
std::vector<float> binary32Inputs(Format format, size_t total, uint64_t seed);
/// The same boundary points as binary64 values (plus double neighbours).
std::vector<double> binary64Inputs(Format format, size_t total, uint64_t seed);

/// True when two codes denote the same result (NaN-ness only for NaNs).
bool sameResult(Format format, uint8_t a, uint8_t b);

/// A small, fast, deterministic generator.
struct SplitMix64 {
  uint64_t state;
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
};

} // namespace fp8::test

#endif // FP8_TEST_NUMERICS_TESTSUPPORT_H
