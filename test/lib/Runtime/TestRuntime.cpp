//===- TestRuntime.cpp - Inputs and checkers for the CPU integration tests
//-===//
//
// A shared library that MLIR test programs run by mlir-runner call through
// memref descriptors (`llvm.emit_c_interface`, so the symbols are
// `_mlir_ciface_fp8rt_*`). It fills memrefs with input sets (every code,
// every binary16 / bfloat16 pattern, a boundary-rich set for a format,
// random bits for stochastic rounding that sit on and next to each input's
// rounding threshold) and compares what the compiled code produced with the
// numerics library, printing one line per check:
//
//   encode f32 -> f8E4M3FN nearest_even none: 1048576 values, mismatches: 0
//
// followed, on failure, by the first few mismatching inputs. Formats,
// rounding and saturation modes are passed as the numerics library's enum
// values (Numerics.h: Format, Rounding, Saturation); test generators get
// them from fp8rt_{format,rounding,saturation}_value by name, and each check
// prints the names of the values it received.
//
//===----------------------------------------------------------------------===//

#include "fp8/Numerics/Numerics.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <vector>

using fp8::Format;
using fp8::Rounding;
using fp8::Saturation;

namespace {

template <typename T> using Memref1D = StridedMemRefType<T, 1>;
template <typename T> using Memref2D = StridedMemRefType<T, 2>;
template <typename T> using Memref3D = StridedMemRefType<T, 3>;

template <typename T> T &at(Memref1D<T> *m, int64_t i) {
  return m->data[m->offset + i * m->strides[0]];
}
template <typename T> T &at(Memref3D<T> *m, int64_t i, int64_t j, int64_t k) {
  return m->data[m->offset + i * m->strides[0] + j * m->strides[1] +
                 k * m->strides[2]];
}
template <typename T> T &at(Memref2D<T> *m, int64_t i, int64_t j) {
  return m->data[m->offset + i * m->strides[0] + j * m->strides[1]];
}

uint32_t floatBits(float x) {
  uint32_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  return bits;
}
float bitsFloat(uint32_t bits) {
  float x;
  std::memcpy(&x, &bits, sizeof(x));
  return x;
}
uint64_t doubleBits(double x) {
  uint64_t bits;
  std::memcpy(&bits, &x, sizeof(bits));
  return bits;
}
double bitsDouble(uint64_t bits) {
  double x;
  std::memcpy(&x, &bits, sizeof(x));
  return x;
}

/// `value` as an enum with `count` cases; a value out of range (a test
/// program out of step with Numerics.h) aborts with a message.
template <typename Enum>
Enum toEnum(int32_t value, unsigned count, const char *what) {
  if (value < 0 || static_cast<uint32_t>(value) >= count) {
    std::fprintf(stderr, "fp8_test_runtime: %d is not a %s (0..%u)\n", value,
                 what, count - 1);
    std::abort();
  }
  return static_cast<Enum>(value);
}
Format toFormat(int32_t format) {
  return toEnum<Format>(format, fp8::kNumFormats, "format");
}
Rounding toRounding(int32_t rounding) {
  return toEnum<Rounding>(rounding, fp8::kNumRoundings, "rounding mode");
}
Saturation toSaturation(int32_t saturation) {
  return toEnum<Saturation>(saturation, fp8::kNumSaturations,
                            "saturation mode");
}
const char *formatName(int32_t format) {
  return fp8::getFormatInfo(toFormat(format)).name;
}

/// Prints the result line of a check and its first mismatches.
class Report {
public:
  static constexpr int kShown = 8;

  /// Records a mismatch; `describe` prints it (called for the first few).
  template <typename Describe> void mismatch(Describe describe) {
    if (mismatches < kShown)
      describe(buffer[mismatches], sizeof(buffer[0]));
    ++mismatches;
  }
  void print(const char *what, int64_t count) {
    std::printf("%s: %" PRId64 " values, mismatches: %d\n", what, count,
                mismatches);
    for (int i = 0; i < std::min(mismatches, kShown); ++i)
      std::printf("  %s\n", buffer[i]);
    std::fflush(stdout);
  }

private:
  int mismatches = 0;
  char buffer[kShown][160];
};

//===----------------------------------------------------------------------===//
// Input sets
//===----------------------------------------------------------------------===//

/// The non-negative values of `format`'s rounding grid: every finite value
/// (0 included where the format has it) and points past max finite that
/// rounding can produce or cross (the extended grid, the overflow
/// thresholds).
std::vector<double> gridValues(Format format) {
  const fp8::FormatInfo &info = fp8::getFormatInfo(format);
  std::vector<double> values;
  for (unsigned code = 0; code < (1u << info.bitWidth); ++code) {
    double v = fp8::decode(format, static_cast<uint8_t>(code));
    if (std::isfinite(v) && v >= 0)
      values.push_back(v);
  }
  values.push_back(0.0);
  for (double k : {1.0625, 1.125, 1.25, 1.375, 1.5, 1.75, 2.0, 3.0, 4.0})
    values.push_back(info.maxFinite * k);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

/// Grid points, the midpoints between neighbours and between 0 and the
/// smallest value, each with its neighbours up to `ulps` source ulps away,
/// in both signs; `Float` is float or double.
template <typename Float>
std::vector<Float> boundaryValues(Format format, int ulps) {
  std::vector<double> grid = gridValues(format);
  std::vector<double> points = grid;
  for (size_t i = 0; i + 1 < grid.size(); ++i) {
    points.push_back((grid[i] + grid[i + 1]) / 2);
    // Quarter points: ties of the next finer grid, HR and SR thresholds.
    points.push_back(grid[i] + (grid[i + 1] - grid[i]) / 4);
    points.push_back(grid[i] + 3 * (grid[i + 1] - grid[i]) / 4);
  }
  const Float inf = std::numeric_limits<Float>::infinity();
  std::vector<Float> out;
  for (double point : points) {
    Float center = static_cast<Float>(point);
    for (Float sign : {Float(1), Float(-1)}) {
      Float up = center, down = center;
      out.push_back(sign * center);
      for (int k = 0; k < ulps; ++k) {
        up = std::nextafter(up, inf);
        down = std::nextafter(down, -inf);
        out.push_back(sign * up);
        if (down >= 0)
          out.push_back(sign * down);
      }
    }
  }
  return out;
}

/// Powers of two across the source's whole range with their neighbours,
/// specials and the source's subnormal boundaries.
template <typename Float> std::vector<Float> sourceEdges() {
  using Limits = std::numeric_limits<Float>;
  std::vector<Float> out;
  const Float inf = Limits::infinity();
  for (int e = Limits::min_exponent - Limits::digits - 1;
       e <= Limits::max_exponent; ++e) {
    Float p = std::ldexp(Float(1), e);
    for (Float v : {p, std::nextafter(p, inf), std::nextafter(p, Float(0)),
                    Float(p * 1.5)})
      if (std::isfinite(v)) {
        out.push_back(v);
        out.push_back(-v);
      }
  }
  for (Float v : {Float(0), Limits::denorm_min(), Limits::min(),
                  std::nextafter(Limits::min(), Float(0)), Limits::max(), inf,
                  Limits::quiet_NaN(), Limits::signaling_NaN()}) {
    out.push_back(v);
    out.push_back(-v);
  }
  if constexpr (sizeof(Float) == 4) {
    for (uint32_t bits : {0x7F800001u, 0x7FBFFFFFu, 0x7FC00001u, 0x7FFFFFFFu})
      for (uint32_t sign : {0u, 0x80000000u})
        out.push_back(bitsFloat(bits | sign));
  } else {
    for (uint64_t bits : {0x7FF0000000000001ull, 0x7FF7FFFFFFFFFFFFull,
                          0x7FF8000000000001ull, 0x7FFFFFFFFFFFFFFFull})
      for (uint64_t sign : {0ull, 0x8000000000000000ull})
        out.push_back(bitsDouble(bits | sign));
  }
  return out;
}

/// HiF8 hybrid rounding compares F (the top dropped bits) with T (the low
/// mantissa bits): binary32 values with F - T in {-1, 0, 1} in every binade
/// where HR uses them (|e| >= 4, and e = -23).
std::vector<float> hybridEdges(std::mt19937_64 &rng) {
  std::vector<float> out;
  for (int e = -23; e <= 15; ++e) {
    if (e > -4 && e < 4)
      continue;
    int a = std::abs(e);
    int width = e <= -16 ? 0 : a <= 3 ? 3 : a <= 7 ? 2 : 1;
    int dropped = e == -23 ? 24 : 23 - width;
    int found = 0;
    for (int attempt = 0; attempt < 2000000 && found < 64; ++attempt) {
      uint32_t mant = static_cast<uint32_t>(rng()) & 0x7FFFFF;
      uint32_t sig = mant | 0x800000;
      uint32_t rem = dropped >= 24 ? sig : sig & ((1u << dropped) - 1);
      uint32_t f = rem >> (dropped - 14);
      int64_t diff = static_cast<int64_t>(f) - (mant & 0x3FFF);
      if (diff < -1 || diff > 1)
        continue;
      uint32_t bits = (static_cast<uint32_t>(e + 127) << 23) | mant;
      out.push_back(bitsFloat(bits));
      out.push_back(-bitsFloat(bits));
      ++found;
    }
  }
  return out;
}

/// Fills `n` values: `fixed` first (cycled if there are more of them than
/// room), then random ones: random bit patterns, random values within and
/// near the format's range, and random values close to grid points.
template <typename Float, typename Bits>
void fillWith(Float *out, int64_t stride, int64_t n,
              const std::vector<Float> &fixed, Format format, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> grid = gridValues(format);
  const fp8::FormatInfo &info = fp8::getFormatInfo(format);
  int lowExp = static_cast<int>(std::floor(std::log2(info.minSubnormal))) - 4;
  int highExp = static_cast<int>(std::floor(std::log2(info.maxFinite))) + 3;
  for (int64_t i = 0; i < n; ++i) {
    Float v;
    if (i < static_cast<int64_t>(fixed.size())) {
      v = fixed[i];
    } else {
      uint64_t r = rng();
      switch (r % 4) {
      case 0: { // any bit pattern
        Bits bits = static_cast<Bits>(rng());
        std::memcpy(&v, &bits, sizeof(v));
        break;
      }
      case 1: { // random significand, exponent around the format's range
        int e = lowExp + static_cast<int>((r >> 8) % (highExp - lowExp + 1));
        Float sig = 1 + static_cast<Float>(
                            std::ldexp(static_cast<double>(rng() >> 11), -53));
        v = std::ldexp(sig, e);
        break;
      }
      default: { // a grid point plus a few ulps of noise
        double g = grid[(r >> 8) % grid.size()];
        Float c = static_cast<Float>(g);
        int steps = static_cast<int>((r >> 40) % 64);
        for (int k = 0; k < steps; ++k)
          c = std::nextafter(c, (r >> 50) & 1
                                    ? std::numeric_limits<Float>::infinity()
                                    : Float(0));
        v = c;
        break;
      }
      }
      if ((r >> 63) & 1)
        v = -v;
    }
    out[i * stride] = v;
  }
}

template <typename Float> std::vector<Float> fixedInputs(Format format) {
  std::vector<Float> fixed = boundaryValues<Float>(format, 3);
  std::vector<Float> edges = sourceEdges<Float>();
  fixed.insert(fixed.end(), edges.begin(), edges.end());
  if constexpr (sizeof(Float) == 4) {
    if (format == Format::HiF8) {
      std::mt19937_64 rng(12345);
      std::vector<float> hybrid = hybridEdges(rng);
      fixed.insert(fixed.end(), hybrid.begin(), hybrid.end());
    }
  }
  return fixed;
}

//===----------------------------------------------------------------------===//
// Stochastic rounding's random bits
//===----------------------------------------------------------------------===//

/// Fills random bits for stochastic rounding of `encodeAt(i, rb)`: for a
/// quarter of the inputs the smallest rb that rounds up (found by bisection
/// on the reference), for another quarter one less, and random bits (with
/// 0 and all-ones among them) elsewhere.
template <typename EncodeAt>
void fillRandomBits(Memref1D<int32_t> *rb, EncodeAt encodeAt, uint64_t seed) {
  std::mt19937_64 rng(seed);
  int64_t n = rb->sizes[0];
  for (int64_t i = 0; i < n; ++i) {
    uint32_t bits = static_cast<uint32_t>(rng());
    int kind = static_cast<int>(i % 8);
    if (kind == 6)
      bits = 0;
    if (kind == 7)
      bits = 0xFFFFFFFFu;
    if (kind < 4) {
      uint8_t low = encodeAt(i, 0);
      if (encodeAt(i, 0xFFFFFFFFu) != low) {
        uint64_t lo = 0, hi = 0xFFFFFFFFu; // encode(lo) == low != encode(hi)
        while (hi - lo > 1) {
          uint64_t mid = (lo + hi) / 2;
          (encodeAt(i, static_cast<uint32_t>(mid)) == low ? lo : hi) = mid;
        }
        bits = static_cast<uint32_t>(kind < 2 ? hi : lo);
      }
    }
    at(rb, i) = static_cast<int32_t>(bits);
  }
}

//===----------------------------------------------------------------------===//
// Encode checks
//===----------------------------------------------------------------------===//

template <typename Input, typename Reference, typename Describe>
void checkEncode(const char *source, Memref1D<Input> *in, Memref1D<int8_t> *out,
                 Memref1D<int32_t> *rb, int32_t format, int32_t rounding,
                 int32_t saturation, Reference reference, Describe describe) {
  Report report;
  int64_t n = in->sizes[0];
  bool stochastic = toRounding(rounding) == Rounding::Stochastic;
  for (int64_t i = 0; i < n; ++i) {
    uint32_t randomBits =
        stochastic ? static_cast<uint32_t>(at(rb, i % rb->sizes[0])) : 0;
    uint8_t expected = reference(at(in, i), randomBits);
    uint8_t got = static_cast<uint8_t>(at(out, i));
    if (got != expected)
      report.mismatch([&](char *buf, size_t size) {
        int len = describe(buf, size, at(in, i));
        std::snprintf(buf + len, size - len,
                      " random 0x%08x: got 0x%02x, expected 0x%02x", randomBits,
                      got, expected);
      });
  }
  char what[160];
  std::snprintf(what, sizeof(what), "encode %s -> %s %s %s", source,
                formatName(format),
                fp8::stringifyRounding(toRounding(rounding)),
                fp8::stringifySaturation(toSaturation(saturation)));
  report.print(what, n);
}

int describeFloat(char *buf, size_t size, float x) {
  return std::snprintf(buf, size, "input 0x%08x (%a)", floatBits(x),
                       static_cast<double>(x));
}
int describeDouble(char *buf, size_t size, double x) {
  return std::snprintf(buf, size, "input 0x%016" PRIx64 " (%a)", doubleBits(x),
                       x);
}
int describeHalf(char *buf, size_t size, uint16_t x) {
  return std::snprintf(buf, size, "input 0x%04x", x);
}

} // namespace

//===----------------------------------------------------------------------===//
// C interface
//===----------------------------------------------------------------------===//

extern "C" {

/// The enum value of a format, rounding or saturation mode named as MLIR
/// spells it ("f8E4M3FN", "hif8"; "nearest_even"; "finite"), or -1 for an
/// unknown name: what test generators pass to the checkers below.
MLIR_CRUNNERUTILS_EXPORT int32_t fp8rt_format_value(const char *name) {
  std::optional<Format> format = fp8::parseFormat(name);
  return format ? static_cast<int32_t>(*format) : -1;
}
MLIR_CRUNNERUTILS_EXPORT int32_t fp8rt_rounding_value(const char *name) {
  std::optional<Rounding> rounding = fp8::parseRounding(name);
  return rounding ? static_cast<int32_t>(*rounding) : -1;
}
MLIR_CRUNNERUTILS_EXPORT int32_t fp8rt_saturation_value(const char *name) {
  std::optional<Saturation> saturation = fp8::parseSaturation(name);
  return saturation ? static_cast<int32_t>(*saturation) : -1;
}

/// Boundary-rich binary32 inputs for `format` (every grid point, midpoint
/// and quarter point +-3 ulps, both signs; the source's powers of two,
/// subnormals and specials; for HiF8, hybrid rounding's F = T edges), then
/// random values.
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_fill_f32(Memref1D<float> *out,
                                                          int32_t format) {
  fillWith<float, uint32_t>(out->data + out->offset, out->strides[0],
                            out->sizes[0], fixedInputs<float>(toFormat(format)),
                            toFormat(format), 0xF32 + format);
}

/// As fp8rt_fill_f32, for binary64.
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_fill_f64(Memref1D<double> *out,
                                                          int32_t format) {
  fillWith<double, uint64_t>(
      out->data + out->offset, out->strides[0], out->sizes[0],
      fixedInputs<double>(toFormat(format)), toFormat(format), 0xF64 + format);
}

/// Element i = the binary16 (or bfloat16) pattern i mod 65536.
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_f16(Memref1D<uint16_t> *out) {
  for (int64_t i = 0; i < out->sizes[0]; ++i)
    at(out, i) = static_cast<uint16_t>(i);
}
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_bf16(Memref1D<uint16_t> *out) {
  _mlir_ciface_fp8rt_fill_f16(out);
}

/// Element i = code i mod 256.
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_codes(Memref1D<int8_t> *out) {
  for (int64_t i = 0; i < out->sizes[0]; ++i)
    at(out, i) = static_cast<int8_t>(i);
}

/// Uniformly random bits (seeded: runs are reproducible).
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_random(Memref1D<int32_t> *out, int64_t seed) {
  std::mt19937_64 rng(static_cast<uint64_t>(seed));
  for (int64_t i = 0; i < out->sizes[0]; ++i)
    at(out, i) = static_cast<int32_t>(rng());
}

/// Random bits for stochastic rounding of `in` to `format`, on and next to
/// each input's rounding threshold (see fillRandomBits).
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_random_bits_f32(Memref1D<int32_t> *rb,
                                        Memref1D<float> *in, int32_t format) {
  fillRandomBits(
      rb,
      [&](int64_t i, uint32_t bits) {
        return fp8::encode(toFormat(format), at(in, i % in->sizes[0]),
                           Rounding::Stochastic, Saturation::None, bits);
      },
      0x5EED32 + format);
}
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_random_bits_f64(Memref1D<int32_t> *rb,
                                        Memref1D<double> *in, int32_t format) {
  fillRandomBits(
      rb,
      [&](int64_t i, uint32_t bits) {
        return fp8::encode(toFormat(format), at(in, i % in->sizes[0]),
                           Rounding::Stochastic, Saturation::None, bits);
      },
      0x5EED64 + format);
}
static void fillRandomBitsHalf(Memref1D<int32_t> *rb, Memref1D<uint16_t> *in,
                               int32_t format, fp8::Source source) {
  fillRandomBits(
      rb,
      [&](int64_t i, uint32_t bits) {
        return fp8::encodeHalfBits(toFormat(format), at(in, i % in->sizes[0]),
                                   source, Rounding::Stochastic,
                                   Saturation::None, bits);
      },
      0x5EED16 + format);
}
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_fill_random_bits_f16(
    Memref1D<int32_t> *rb, Memref1D<uint16_t> *in, int32_t format) {
  fillRandomBitsHalf(rb, in, format, fp8::Source::Binary16);
}
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_fill_random_bits_bf16(
    Memref1D<int32_t> *rb, Memref1D<uint16_t> *in, int32_t format) {
  fillRandomBitsHalf(rb, in, format, fp8::Source::BFloat16);
}

/// Checks out[i] == encode(format, in[i], rounding, saturation, rb[i]) and
/// prints "encode <source> -> <format> <rounding> <saturation>: N values,
/// mismatches: M". `rb` is only read for stochastic rounding (any memref,
/// even empty, will do otherwise; it is indexed modulo its size).
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_check_encode_f32(Memref1D<float> *in, Memref1D<int8_t> *out,
                                    Memref1D<int32_t> *rb, int32_t format,
                                    int32_t rounding, int32_t saturation) {
  checkEncode(
      "f32", in, out, rb, format, rounding, saturation,
      [&](float x, uint32_t bits) {
        return fp8::encode(toFormat(format), x, toRounding(rounding),
                           toSaturation(saturation), bits);
      },
      describeFloat);
}
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_check_encode_f64(Memref1D<double> *in, Memref1D<int8_t> *out,
                                    Memref1D<int32_t> *rb, int32_t format,
                                    int32_t rounding, int32_t saturation) {
  checkEncode(
      "f64", in, out, rb, format, rounding, saturation,
      [&](double x, uint32_t bits) {
        return fp8::encode(toFormat(format), x, toRounding(rounding),
                           toSaturation(saturation), bits);
      },
      describeDouble);
}
static void checkEncodeHalf(const char *name, fp8::Source source,
                            Memref1D<uint16_t> *in, Memref1D<int8_t> *out,
                            Memref1D<int32_t> *rb, int32_t format,
                            int32_t rounding, int32_t saturation) {
  checkEncode(
      name, in, out, rb, format, rounding, saturation,
      [&](uint16_t x, uint32_t bits) {
        return fp8::encodeHalfBits(toFormat(format), x, source,
                                   toRounding(rounding),
                                   toSaturation(saturation), bits);
      },
      describeHalf);
}
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_check_encode_f16(
    Memref1D<uint16_t> *in, Memref1D<int8_t> *out, Memref1D<int32_t> *rb,
    int32_t format, int32_t rounding, int32_t saturation) {
  checkEncodeHalf("f16", fp8::Source::Binary16, in, out, rb, format, rounding,
                  saturation);
}
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_check_encode_bf16(
    Memref1D<uint16_t> *in, Memref1D<int8_t> *out, Memref1D<int32_t> *rb,
    int32_t format, int32_t rounding, int32_t saturation) {
  checkEncodeHalf("bf16", fp8::Source::BFloat16, in, out, rb, format, rounding,
                  saturation);
}

/// Checks that out[i] has exactly the bits of decodeToFloat(format,
/// codes[i]) (NaNs included) and prints "decode <format> -> f32: N values,
/// mismatches: M".
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_check_decode(Memref1D<int8_t> *codes, Memref1D<float> *out,
                                int32_t format) {
  Report report;
  int64_t n = codes->sizes[0];
  for (int64_t i = 0; i < n; ++i) {
    uint8_t code = static_cast<uint8_t>(at(codes, i));
    uint32_t expected = floatBits(fp8::decodeToFloat(toFormat(format), code));
    uint32_t got = floatBits(at(out, i));
    if (got != expected)
      report.mismatch([&](char *buf, size_t size) {
        std::snprintf(buf, size, "code 0x%02x: got 0x%08x, expected 0x%08x",
                      code, got, expected);
      });
  }
  char what[96];
  std::snprintf(what, sizeof(what), "decode %s -> f32", formatName(format));
  report.print(what, n);
}

//===----------------------------------------------------------------------===//
// Scaled ops (2-D, one scale per block of b0 x b1 elements)
//===----------------------------------------------------------------------===//

/// Fills a 2-D memref like fp8rt_fill_f32 (row-major order).
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_2d_f32(Memref2D<float> *out, int32_t format) {
  std::vector<float> flat(out->sizes[0] * out->sizes[1]);
  fillWith<float, uint32_t>(flat.data(), 1, flat.size(),
                            fixedInputs<float>(toFormat(format)),
                            toFormat(format), 0x2D + format);
  for (int64_t i = 0; i < out->sizes[0]; ++i)
    for (int64_t j = 0; j < out->sizes[1]; ++j)
      at(out, i, j) = flat[i * out->sizes[1] + j];
}

/// Checks q[i][j] == quantize(format, x[i][j], scale[i/b0][j/b1], rounding,
/// saturation, rb[i][j]).
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_check_quantize(
    Memref2D<float> *x, Memref2D<float> *scale, Memref2D<int8_t> *q,
    Memref2D<int32_t> *rb, int64_t block0, int64_t block1, int32_t format,
    int32_t rounding, int32_t saturation) {
  Report report;
  bool stochastic = toRounding(rounding) == Rounding::Stochastic;
  for (int64_t i = 0; i < x->sizes[0]; ++i)
    for (int64_t j = 0; j < x->sizes[1]; ++j) {
      float s = at(scale, i / block0, j / block1);
      uint32_t bits = stochastic ? static_cast<uint32_t>(at(rb, i, j)) : 0;
      uint8_t expected =
          fp8::quantize(toFormat(format), at(x, i, j), s, toRounding(rounding),
                        toSaturation(saturation), bits);
      uint8_t got = static_cast<uint8_t>(at(q, i, j));
      if (got != expected)
        report.mismatch([&](char *buf, size_t size) {
          std::snprintf(buf, size,
                        "[%" PRId64 "][%" PRId64 "] x %a scale %a random "
                        "0x%08x: got 0x%02x, expected 0x%02x",
                        i, j, static_cast<double>(at(x, i, j)),
                        static_cast<double>(s), bits, got, expected);
        });
    }
  char what[160];
  std::snprintf(
      what, sizeof(what), "quantize f32 -> %s %s %s block %" PRId64 "x%" PRId64,
      formatName(format), fp8::stringifyRounding(toRounding(rounding)),
      fp8::stringifySaturation(toSaturation(saturation)), block0, block1);
  report.print(what, x->sizes[0] * x->sizes[1]);
}

/// Checks out[i][j] == dequantize(format, q[i][j], scale[i/b0][j/b1]) bit
/// for bit.
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_check_dequantize(Memref2D<int8_t> *q, Memref2D<float> *scale,
                                    Memref2D<float> *out, int64_t block0,
                                    int64_t block1, int32_t format) {
  Report report;
  for (int64_t i = 0; i < q->sizes[0]; ++i)
    for (int64_t j = 0; j < q->sizes[1]; ++j) {
      float s = at(scale, i / block0, j / block1);
      uint8_t code = static_cast<uint8_t>(at(q, i, j));
      uint32_t expected = floatBits(fp8::dequantize(toFormat(format), code, s));
      uint32_t got = floatBits(at(out, i, j));
      if (got != expected)
        report.mismatch([&](char *buf, size_t size) {
          std::snprintf(buf, size,
                        "[%" PRId64 "][%" PRId64 "] code 0x%02x scale %a: got "
                        "0x%08x, expected 0x%08x",
                        i, j, code, static_cast<double>(s), got, expected);
        });
    }
  char what[128];
  std::snprintf(what, sizeof(what),
                "dequantize %s -> f32 block %" PRId64 "x%" PRId64,
                formatName(format), block0, block1);
  report.print(what, q->sizes[0] * q->sizes[1]);
}

/// Checks amax[bi][bj] == max |x| over block (bi, bj) of b0 x b1 elements
/// (ragged at the edges), NaN if any element is NaN; bit for bit.
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_check_amax(Memref2D<float> *x, Memref2D<float> *amax,
                              int64_t block0, int64_t block1) {
  Report report;
  for (int64_t bi = 0; bi < amax->sizes[0]; ++bi)
    for (int64_t bj = 0; bj < amax->sizes[1]; ++bj) {
      float expected = 0;
      bool nan = false;
      for (int64_t i = bi * block0;
           i < std::min((bi + 1) * block0, x->sizes[0]); ++i)
        for (int64_t j = bj * block1;
             j < std::min((bj + 1) * block1, x->sizes[1]); ++j) {
          float v = std::fabs(at(x, i, j));
          nan |= std::isnan(v);
          expected = std::max(expected, v);
        }
      float got = at(amax, bi, bj);
      bool ok = nan ? std::isnan(got) : floatBits(got) == floatBits(expected);
      if (!ok)
        report.mismatch([&](char *buf, size_t size) {
          std::snprintf(buf, size,
                        "block [%" PRId64 "][%" PRId64 "]: got %a, expected %a",
                        bi, bj, static_cast<double>(got),
                        nan ? std::nan("") : static_cast<double>(expected));
        });
    }
  char what[96];
  std::snprintf(what, sizeof(what), "amax block %" PRId64 "x%" PRId64, block0,
                block1);
  report.print(what, amax->sizes[0] * amax->sizes[1]);
}

/// Fills `out` with normally distributed values (mean 0, deviation `sigma`)
/// from `seed`.
MLIR_CRUNNERUTILS_EXPORT void
_mlir_ciface_fp8rt_fill_normal_3d_f32(Memref3D<float> *out, float sigma,
                                      int32_t seed) {
  std::mt19937 engine(static_cast<uint32_t>(seed));
  std::normal_distribution<float> normal(0.0f, sigma);
  for (int64_t i = 0; i < out->sizes[0]; ++i)
    for (int64_t j = 0; j < out->sizes[1]; ++j)
      for (int64_t k = 0; k < out->sizes[2]; ++k)
        at(out, i, j, k) = normal(engine);
}

/// Checks d = scaled_matmul(a, b) against an f64 reference. a is [B, M, K]
/// and b is [B, K, N] (or [B, N, K] if `transposed`), as codes of
/// `formatA` / `formatB` with f32 scales over blocks (a0, a1, a2) and
/// (b0, b1, b2). Each operand is dequantized in f32 as fp8.dequantize does;
/// the products and sums are exact in f64. The f32 result may differ by the
/// error bound of f32 accumulation in any order, gamma_(K+1) * sum_k
/// |a_k b_k| (gamma_n = n u / (1 - n u), u = 2^-24), which covers the
/// products' and the final rounding.
MLIR_CRUNNERUTILS_EXPORT void _mlir_ciface_fp8rt_check_scaled_matmul(
    Memref3D<int8_t> *a, Memref3D<float> *sa, int32_t formatA, int64_t a0,
    int64_t a1, int64_t a2, Memref3D<int8_t> *b, Memref3D<float> *sb,
    int32_t formatB, int64_t b0, int64_t b1, int64_t b2, int32_t transposed,
    Memref3D<float> *d) {
  Report report;
  int64_t batch = d->sizes[0], m = d->sizes[1], n = d->sizes[2];
  int64_t k = a->sizes[2];
  double u = std::ldexp(1.0, -24);
  double gamma = (k + 1) * u / (1 - (k + 1) * u);
  double worst = 0;
  auto lhs = [&](int64_t bi, int64_t i, int64_t kk) {
    uint8_t code = static_cast<uint8_t>(at(a, bi, i, kk));
    return fp8::dequantize(toFormat(formatA), code,
                           at(sa, bi / a0, i / a1, kk / a2));
  };
  auto rhs = [&](int64_t bi, int64_t kk, int64_t j) {
    int64_t r = transposed ? j : kk, c = transposed ? kk : j;
    uint8_t code = static_cast<uint8_t>(at(b, bi, r, c));
    return fp8::dequantize(toFormat(formatB), code,
                           at(sb, bi / b0, r / b1, c / b2));
  };
  for (int64_t bi = 0; bi < batch; ++bi)
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double exact = 0, magnitude = 0;
        for (int64_t kk = 0; kk < k; ++kk) {
          double product = static_cast<double>(lhs(bi, i, kk)) *
                           static_cast<double>(rhs(bi, kk, j));
          exact += product;
          magnitude += std::fabs(product);
        }
        double got = at(d, bi, i, j);
        double error = std::fabs(got - exact);
        double bound = gamma * magnitude;
        if (bound > 0)
          worst = std::max(worst, error / bound);
        if (!(error <= bound))
          report.mismatch([&](char *buf, size_t size) {
            std::snprintf(buf, size,
                          "[%" PRId64 "][%" PRId64 "][%" PRId64
                          "] got %.9g, f64 reference %.9g, bound %.3g",
                          bi, i, j, got, exact, bound);
          });
      }
  char what[160];
  std::snprintf(what, sizeof(what),
                "scaled_matmul %s x %s%s [%" PRId64 "x%" PRId64 "x%" PRId64
                "x%" PRId64 "] (worst error %.2f of the bound)",
                formatName(formatA), formatName(formatB),
                transposed ? " (rhs transposed)" : "", batch, m, n, k, worst);
  report.print(what, batch * m * n);
}
} // extern "C"
