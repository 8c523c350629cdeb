//===- Reference.cpp - Slow, independent reference encoder ----------------===//
//
// Rounding by nearest-value search: the grid is the sorted list of decoded
// magnitudes (APFloat's decoding for the builtin formats, hif8_codes.tsv for
// HiF8), every decision is an exact comparison of binary64 values (every
// source value and every grid value is exact in binary64, differences of
// neighbours are exact by Sterbenz' lemma, and their spacing is a power of
// two). Nothing here looks at exponent fields or shifts significands.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#ifndef FP8_HIF8_TSV
#error "FP8_HIF8_TSV must name the vendored hif8_codes.tsv"
#endif

namespace fp8::test {

//===----------------------------------------------------------------------===//
// hif8_codes.tsv
//===----------------------------------------------------------------------===//

static bool parseExact(const std::string &text, double &value) {
  if (text == "nan") {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (text == "inf" || text == "-inf") {
    value = text[0] == '-' ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  size_t slash = text.find('/');
  char *end = nullptr;
  long long num = std::strtoll(text.c_str(), &end, 10);
  if (slash == std::string::npos) {
    if (*end != '\0')
      return false;
    value = static_cast<double>(num);
    return true;
  }
  long long den = std::strtoll(text.c_str() + slash + 1, &end, 10);
  if (*end != '\0' || den <= 0)
    return false;
  // Denominators are powers of two, so the quotient is exact.
  value = static_cast<double>(num) / static_cast<double>(den);
  return true;
}

bool parseHiF8Table(const std::string &path, std::vector<HiF8Row> &rows,
                    std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot open " + path;
    return false;
  }
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t'))
      cols.push_back(col);
    if (header) {
      header = false;
      if (cols.size() >= 1 && cols[0] == "code")
        continue;
    }
    if (cols.size() != 5) {
      error = "bad row: " + line;
      return false;
    }
    HiF8Row row;
    row.code = static_cast<uint8_t>(std::strtoul(cols[0].c_str(), nullptr, 16));
    row.cls = cols[2];
    if (!parseExact(cols[4], row.value)) {
      error = "bad exact value: " + line;
      return false;
    }
    rows.push_back(row);
  }
  return true;
}

const std::vector<HiF8Row> &vendoredHiF8Table() {
  static const std::vector<HiF8Row> table = [] {
    std::vector<HiF8Row> rows;
    std::string error;
    if (!parseHiF8Table(FP8_HIF8_TSV, rows, error) || rows.size() != 256) {
      std::fprintf(stderr, "cannot read %s: %s\n", FP8_HIF8_TSV, error.c_str());
      std::abort();
    }
    return rows;
  }();
  return table;
}

//===----------------------------------------------------------------------===//
// Sources
//===----------------------------------------------------------------------===//

SourceValue fromFloat(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  return {static_cast<double>(x), Source::Binary32, bits};
}

SourceValue fromDouble(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  return {x, Source::Binary64, bits};
}

SourceValue fromHalfBits(uint16_t bits, Source source) {
  // Decoded here by definition, not through the library.
  const int mantBits = source == Source::BFloat16 ? 7 : 10;
  const int expBits = source == Source::BFloat16 ? 8 : 5;
  const int bias = (1 << (expBits - 1)) - 1;
  bool negative = bits >> 15;
  int expField = (bits >> mantBits) & ((1 << expBits) - 1);
  int mant = bits & ((1 << mantBits) - 1);
  double value;
  if (expField == (1 << expBits) - 1)
    value = mant ? std::numeric_limits<double>::quiet_NaN() : HUGE_VAL;
  else if (expField == 0)
    value = std::ldexp(mant, 1 - bias - mantBits);
  else
    value = std::ldexp(mant + (1 << mantBits), expField - bias - mantBits);
  return {negative ? -value : value, source, bits};
}

std::string formatName(Format format) { return getFormatInfo(format).name; }

std::string roundingName(Rounding rounding) {
  return stringifyRounding(rounding);
}

bool sameResult(Format format, uint8_t a, uint8_t b) {
  if (a == b)
    return true;
  return isNaNCode(format, a) && isNaNCode(format, b);
}

//===----------------------------------------------------------------------===//
// Reference encoder
//===----------------------------------------------------------------------===//

Reference::Reference(Format format) : format(format) {
  const FormatInfo &info = getFormatInfo(format);
  const unsigned numCodes = 1u << info.bitWidth;
  std::map<double, uint8_t> pos, neg;
  bool sawZero = false, sawNegZero = false;
  for (unsigned c = 0; c < numCodes; ++c) {
    uint8_t code = static_cast<uint8_t>(c);
    double v;
    if (format == Format::HiF8) {
      const HiF8Row &row = vendoredHiF8Table()[c];
      v = row.value;
    } else {
      v = apfloatDecode(format, code);
    }
    if (std::isnan(v))
      continue;
    if (std::isinf(v)) {
      hasInf = true;
      (v > 0 ? infPos : infNeg) = code;
      continue;
    }
    if (v == 0) {
      if (std::signbit(v))
        negZero = code, sawNegZero = true;
      else
        posZero = code;
      sawZero = true;
      continue;
    }
    (v > 0 ? pos : neg)[std::fabs(v)] = code;
  }
  hasZero = sawZero;
  if (!hasZero)
    posZero = pos.begin()->second; // E8M0FNU: tiny values and zero -> 2^-127
  if (!sawNegZero)
    negZero = posZero;
  isSigned = !neg.empty();
  if (hasZero)
    mags.push_back(0.0), posCodes.push_back(posZero),
        negCodes.push_back(negZero);
  for (auto &[m, code] : pos) {
    mags.push_back(m);
    posCodes.push_back(code);
    negCodes.push_back(isSigned ? neg.at(m) : code);
  }
  maxFinite = mags.back();
  hasNaN = info.hasNaN;
  if (format == Format::HiF8) {
    // The Inf pattern 0x6F sits where 1.1b * 2^15 would be (docs/HiF8.md §4).
    hiExt = 49152.0;
  } else {
    int e = std::ilogb(maxFinite);
    hiExt =
        maxFinite + std::ldexp(1.0, e - static_cast<int>(info.mantissaBits));
  }
  // The project's canonical NaNs (sign kept where the format has signed NaNs).
  nanPos = info.nanCode;
  nanNeg = info.nanCode;
  if (info.nonFinite == NonFiniteEncoding::IEEE ||
      info.nonFinite == NonFiniteEncoding::NanOnly)
    nanNeg = static_cast<uint8_t>(info.nanCode | (1u << (info.bitWidth - 1)));
}

uint8_t Reference::codeOf(double magnitude, bool negative) const {
  auto it = std::lower_bound(mags.begin(), mags.end(), magnitude);
  assert(it != mags.end() && *it == magnitude);
  size_t i = static_cast<size_t>(it - mags.begin());
  return negative ? negCodes[i] : posCodes[i];
}

bool Reference::isOdd(double lo) const {
  if (lo == 0)
    return false;
  uint8_t code = codeOf(lo, false);
  if (format == Format::F8E8M0FNU)
    return true; // no mantissa bits: every value is 1 * 2^e
  if (format == Format::HiF8 && code >= 0x01 && code <= 0x07)
    return true; // HiF8 denormals: pure powers of two
  return code & 1;
}

uint8_t Reference::nanCode(bool negative) const {
  if (!hasNaN)
    return posZero; // documented rule: NaN -> +0 without NaN
  return negative ? nanNeg : nanPos;
}

uint8_t Reference::overflow(bool negative, Rounding rounding,
                            Saturation saturation) const {
  bool toInfinity = true;
  if (rounding == Rounding::TowardZero || rounding == Rounding::Odd)
    toInfinity = false;
  else if (rounding == Rounding::Upward)
    toInfinity = !negative;
  else if (rounding == Rounding::Downward)
    toInfinity = negative;
  if (saturation == Saturation::Finite || !toInfinity)
    return codeOf(maxFinite, negative);
  if (hasInf)
    return negative ? infNeg : infPos;
  if (hasNaN)
    return nanCode(negative);
  return codeOf(maxFinite, negative);
}

Reference::Neighbours Reference::neighbours(double a) const {
  Neighbours n{false, false, 0, 0};
  if (a >= hiExt) {
    n.beyond = true;
    return n;
  }
  auto it = std::upper_bound(mags.begin(), mags.end(), a);
  if (it == mags.begin()) {
    n.below = true;
    return n;
  }
  n.lo = *(it - 1);
  n.hi = it == mags.end() ? hiExt : *it;
  return n;
}

static uint64_t scaledFraction(double a, double lo, double hi, int bits) {
  double spacing = hi - lo;
  int e;
  double m = std::frexp(spacing, &e);
  assert(m == 0.5 && "grid spacing must be a power of two");
  (void)m;
  double d = (a - lo) / spacing; // exact
  return static_cast<uint64_t>(std::floor(std::ldexp(d, bits)));
}

uint64_t Reference::stochasticFraction(const SourceValue &src) const {
  double a = std::fabs(src.value);
  if (!std::isfinite(a) || a == 0)
    return 0;
  Neighbours n = neighbours(a);
  if (n.below || n.beyond)
    return 0;
  return scaledFraction(a, n.lo, n.hi, 32);
}

uint8_t Reference::encode(const SourceValue &src, Rounding rounding,
                          Saturation saturation, uint32_t randomBits) const {
  const double x = src.value;
  if (std::isnan(x))
    return nanCode(std::signbit(x));
  const bool negative = std::signbit(x);
  const double a = std::fabs(x);
  if (!isSigned && negative && a != 0)
    return nanPos;
  if (std::isinf(a)) {
    if (saturation == Saturation::Finite)
      return codeOf(maxFinite, negative);
    if (hasInf)
      return negative ? infNeg : infPos;
    if (hasNaN)
      return nanCode(negative);
    return codeOf(maxFinite, negative);
  }
  if (a == 0)
    return negative ? negZero : posZero;

  if (rounding == Rounding::Hybrid) {
    if (format != Format::HiF8)
      rounding = Rounding::NearestEven;
    else if (src.source == Source::Binary64)
      rounding = Rounding::NearestAway;
  }
  int fBits = 0;
  uint64_t t = 0;
  if (rounding == Rounding::Hybrid) {
    int e = std::ilogb(a);
    if (e > -4 && e < 4) {
      rounding = Rounding::NearestAway;
    } else {
      if (a >= 40960.0)
        return overflow(negative, rounding, saturation);
      if (e < -23)
        return posZero;
      if (src.source == Source::Binary32) {
        fBits = 14;
        t = src.bits & 0x3FFF;
      } else {
        fBits = 2;
        t = ((src.bits & 1) << 1) | 1;
      }
    }
  }

  Neighbours n = neighbours(a);
  if (n.below)
    return codeOf(mags.front(), false); // no zero: the smallest value
  if (n.beyond)
    return overflow(negative, rounding, saturation);
  const double lo = n.lo, hi = n.hi;
  const bool exact = a == lo;
  bool up = false;
  switch (rounding) {
  case Rounding::NearestEven:
    up = !exact && (2 * a > lo + hi || (2 * a == lo + hi && isOdd(lo)));
    break;
  case Rounding::NearestAway:
    up = !exact && 2 * a >= lo + hi;
    break;
  case Rounding::TowardZero:
    break;
  case Rounding::Upward:
    up = !exact && !negative;
    break;
  case Rounding::Downward:
    up = !exact && negative;
    break;
  case Rounding::Odd:
    up = !exact && !isOdd(lo);
    break;
  case Rounding::Stochastic:
    up = scaledFraction(a, lo, hi, 32) + randomBits >= (uint64_t{1} << 32);
    break;
  case Rounding::Hybrid:
    up = scaledFraction(a, lo, hi, fBits) >= t;
    break;
  }
  double result = up ? hi : lo;
  if (result > maxFinite)
    return overflow(negative, rounding, saturation);
  if (result == 0)
    return negative ? negZero : posZero;
  return codeOf(result, negative);
}

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

/// Every value, midpoint and quarter point of the format's grid (extended by
/// the first value beyond max finite and a little more).
static std::vector<double> boundaryPoints(Format format) {
  Reference ref(format);
  std::vector<double> grid = ref.magnitudes();
  double hiExt = ref.extendedNext();
  grid.push_back(hiExt);
  grid.push_back(hiExt * 2);
  std::vector<double> points;
  if (grid.front() != 0)
    points.push_back(grid.front() / 2), points.push_back(grid.front() / 4);
  for (size_t i = 0; i + 1 < grid.size(); ++i) {
    double lo = grid[i], hi = grid[i + 1], d = hi - lo;
    points.push_back(lo);
    points.push_back(lo + d / 4);
    points.push_back(lo + d / 2);
    points.push_back(lo + 3 * d / 4);
  }
  points.push_back(grid.back());
  if (format == Format::HiF8) {
    points.push_back(40960.0);
    points.push_back(std::ldexp(1.0, -23));
    points.push_back(std::ldexp(3.0, -24));
  }
  return points;
}

std::vector<float> binary32Inputs(Format format, size_t total, uint64_t seed) {
  std::vector<float> out;
  auto pushWithNeighbours = [&](float f) {
    if (!std::isfinite(f))
      return;
    float lo = f, hi = f;
    out.push_back(f);
    out.push_back(-f);
    for (int k = 0; k < 3; ++k) {
      lo = std::nextafter(lo, -HUGE_VALF);
      hi = std::nextafter(hi, HUGE_VALF);
      for (float g : {lo, hi}) {
        out.push_back(g);
        out.push_back(-g);
      }
    }
  };
  for (double p : boundaryPoints(format))
    if (static_cast<double>(static_cast<float>(p)) == p)
      pushWithNeighbours(static_cast<float>(p));
  // Specials and binary32's own boundaries.
  const uint32_t specialBits[] = {
      0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000,
      0x7F800001, 0xFF800001, 0x7FBFFFFF, 0xFFFFFFFF, 0x7FFFFFFF, 0x00000001,
      0x80000001, 0x007FFFFF, 0x807FFFFF, 0x00800000, 0x80800000, 0x00400000,
      0x7F7FFFFF, 0xFF7FFFFF, 0x3F800000, 0xBF800000, 0x00000002, 0x00200000};
  for (uint32_t bits : specialBits) {
    float f;
    std::memcpy(&f, &bits, sizeof(f));
    out.push_back(f);
  }
  SplitMix64 rng(seed);
  const FormatInfo &info = getFormatInfo(format);
  const int eLo = std::ilogb(info.minSubnormal) - 4;
  const int eHi = std::ilogb(info.maxFinite) + 3;
  while (out.size() < total) {
    uint64_t r = rng.next();
    uint32_t bits = static_cast<uint32_t>(r);
    if (r >> 63) {
      // Log-uniform over the format's range, random mantissa and sign.
      int e = eLo + static_cast<int>((r >> 32) %
                                     static_cast<uint64_t>(eHi - eLo + 1));
      e = std::max(-149, std::min(127, e));
      float m = 1.0f + static_cast<float>(bits & 0x7FFFFF) / 8388608.0f;
      float f = std::ldexp(m, e);
      if ((r >> 62) & 1)
        f = -f;
      out.push_back(f);
    } else {
      float f;
      std::memcpy(&f, &bits, sizeof(f));
      out.push_back(f);
    }
  }
  return out;
}

std::vector<double> binary64Inputs(Format format, size_t total, uint64_t seed) {
  std::vector<double> out;
  for (double p : boundaryPoints(format)) {
    if (!std::isfinite(p))
      continue;
    double lo = p, hi = p;
    out.push_back(p);
    out.push_back(-p);
    for (int k = 0; k < 2; ++k) {
      lo = std::nextafter(lo, -HUGE_VAL);
      hi = std::nextafter(hi, HUGE_VAL);
      for (double g : {lo, hi}) {
        out.push_back(g);
        out.push_back(-g);
      }
    }
    // Neighbours at binary32 distance, to reach the sticky bits binary32
    // cannot hold.
    float f = static_cast<float>(p);
    if (static_cast<double>(f) == p && std::isfinite(f)) {
      out.push_back(std::nextafter(f, HUGE_VALF));
      out.push_back(std::nextafter(f, -HUGE_VALF));
    }
  }
  const uint64_t specialBits[] = {
      0x0000000000000000ull, 0x8000000000000000ull, 0x7FF0000000000000ull,
      0xFFF0000000000000ull, 0x7FF8000000000000ull, 0xFFF8000000000000ull,
      0x7FF0000000000001ull, 0x0000000000000001ull, 0x8000000000000001ull,
      0x000FFFFFFFFFFFFFull, 0x0010000000000000ull, 0x7FEFFFFFFFFFFFFFull,
      0xFFEFFFFFFFFFFFFFull, 0x3FF0000000000000ull};
  for (uint64_t bits : specialBits) {
    double d;
    std::memcpy(&d, &bits, sizeof(d));
    out.push_back(d);
  }
  SplitMix64 rng(seed);
  const FormatInfo &info = getFormatInfo(format);
  const int eLo = std::ilogb(info.minSubnormal) - 4;
  const int eHi = std::ilogb(info.maxFinite) + 3;
  while (out.size() < total) {
    uint64_t r = rng.next();
    if (r & 1) {
      uint64_t r2 = rng.next();
      int e = eLo +
              static_cast<int>((r >> 1) % static_cast<uint64_t>(eHi - eLo + 1));
      double m = 1.0 + static_cast<double>(r2 >> 12) / 4503599627370496.0;
      double d = std::ldexp(m, e);
      out.push_back((r >> 63) ? -d : d);
    } else {
      double d;
      std::memcpy(&d, &r, sizeof(d));
      out.push_back(d);
    }
  }
  return out;
}

} // namespace fp8::test
