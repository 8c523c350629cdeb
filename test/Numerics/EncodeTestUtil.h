//===- EncodeTestUtil.h - Shared checks of the encode tests -----*- C++ -*-===//

#ifndef FP8_TEST_NUMERICS_ENCODETESTUTIL_H
#define FP8_TEST_NUMERICS_ENCODETESTUTIL_H

#include "TestSupport.h"

#include <cstdio>
#include <string>
#include <vector>

namespace fp8::test {

/// Collects mismatches without a gtest assertion per input (the loops run
/// millions of times); reports the first few.
class Mismatches {
public:
  void add(Format format, const SourceValue &src, Rounding rounding,
           Saturation saturation, uint32_t randomBits, uint8_t expected,
           uint8_t got, const char *oracle) {
    if (count++ >= 10)
      return;
    char buf[256];
    std::snprintf(buf, sizeof(buf),
                  "%s <- %s 0x%llx (%.17g) %s %s rnd=0x%08x: %s says 0x%02x, "
                  "library says 0x%02x\n",
                  getFormatInfo(format).name, sourceName(src.source),
                  static_cast<unsigned long long>(src.bits), src.value,
                  stringifyRounding(rounding), stringifySaturation(saturation),
                  randomBits, oracle, expected, got);
    text += buf;
  }
  size_t size() const { return count; }
  void merge(const Mismatches &other) {
    if (count < 10)
      text += other.text;
    count += other.count;
  }
  const std::string &report() const { return text; }

  static const char *sourceName(Source source) {
    switch (source) {
    case Source::Binary64:
      return "f64";
    case Source::Binary32:
      return "f32";
    case Source::Binary16:
      return "f16";
    case Source::BFloat16:
      return "bf16";
    }
    return "?";
  }

private:
  size_t count = 0;
  std::string text;
};

/// The library's encode for a source value.
inline uint8_t libraryEncode(Format format, const SourceValue &src,
                             Rounding rounding, Saturation saturation,
                             uint32_t randomBits) {
  switch (src.source) {
  case Source::Binary64:
    return encode(format, src.value, rounding, saturation, randomBits);
  case Source::Binary32:
    return encode(format, static_cast<float>(src.value), rounding, saturation,
                  randomBits);
  default:
    return encodeHalfBits(format, static_cast<uint16_t>(src.bits), src.source,
                          rounding, saturation, randomBits);
  }
}

/// Checks one input against APFloat (IEEE modes, builtin formats), both
/// saturations. NaN results compare by NaN-ness; the library's NaN must also
/// be its canonical one.
inline void checkAgainstAPFloat(Format format, const SourceValue &src,
                                Rounding rounding, Mismatches &out) {
  uint8_t both[2];
  apfloatEncodeBoth(format, src, rounding, both[0], both[1]);
  for (Saturation sat : {Saturation::None, Saturation::Finite}) {
    uint8_t expected = both[sat == Saturation::None ? 0 : 1];
    uint8_t got = libraryEncode(format, src, rounding, sat, 0);
    bool ok = sameResult(format, expected, got);
    if (ok && expected != got) {
      // Both NaN: the library's must be the canonical NaN of its sign.
      const FormatInfo &info = getFormatInfo(format);
      uint8_t canonical = info.nanCode;
      if (got & (1u << (info.bitWidth - 1)))
        canonical |= static_cast<uint8_t>(1u << (info.bitWidth - 1));
      ok = got == canonical;
    }
    if (!ok)
      out.add(format, src, rounding, sat, 0, expected, got, "APFloat");
  }
}

/// Checks one input against the reference, both saturations.
inline void checkAgainstReference(const Reference &ref, Format format,
                                  const SourceValue &src, Rounding rounding,
                                  uint32_t randomBits, Mismatches &out) {
  for (Saturation sat : {Saturation::None, Saturation::Finite}) {
    uint8_t expected = ref.encode(src, rounding, sat, randomBits);
    uint8_t got = libraryEncode(format, src, rounding, sat, randomBits);
    if (expected != got)
      out.add(format, src, rounding, sat, randomBits, expected, got,
              "reference");
  }
}

/// Random bits for stochastic rounding of `src`: 0, all ones, a random
/// value, and the two values around the flip point 2^32 - frac.
inline std::vector<uint32_t> stochasticProbes(const Reference &ref,
                                              const SourceValue &src,
                                              uint64_t random) {
  uint64_t frac = ref.stochasticFraction(src);
  std::vector<uint32_t> r = {0u, 0xFFFFFFFFu, static_cast<uint32_t>(random)};
  if (frac != 0) {
    r.push_back(static_cast<uint32_t>((uint64_t{1} << 32) - frac));
    r.push_back(static_cast<uint32_t>((uint64_t{1} << 32) - frac - 1));
  }
  return r;
}

inline const std::vector<Rounding> &ieeeRoundings() {
  static const std::vector<Rounding> modes = {
      Rounding::NearestEven, Rounding::NearestAway, Rounding::TowardZero,
      Rounding::Upward, Rounding::Downward};
  return modes;
}

inline const std::vector<Format> &builtinFormats() {
  static const std::vector<Format> formats = {
      Format::F8E4M3FN,   Format::F8E5M2,        Format::F8E4M3FNUZ,
      Format::F8E5M2FNUZ, Format::F8E4M3B11FNUZ, Format::F8E3M4,
      Format::F8E4M3,     Format::F8E8M0FNU,     Format::F6E2M3FN,
      Format::F6E3M2FN,   Format::F4E2M1FN};
  return formats;
}

/// Modes checked against the reference: round-to-odd and stochastic for the
/// builtin formats; for HiF8 every mode (TA, HR, TZ, RNE, SR and, though
/// not offered in the IR, upward / downward).
inline std::vector<Rounding> referenceRoundings(Format format) {
  if (format == Format::HiF8)
    return {Rounding::NearestAway, Rounding::Hybrid,     Rounding::TowardZero,
            Rounding::NearestEven, Rounding::Stochastic, Rounding::Upward,
            Rounding::Downward};
  return {Rounding::Odd, Rounding::Stochastic};
}

} // namespace fp8::test

#endif // FP8_TEST_NUMERICS_ENCODETESTUTIL_H
