//===- HiF8Test.cpp - docs/HiF8.md's vectors and decisions ----------------===//

#include "TestSupport.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace fp8;
using namespace fp8::test;

namespace {

constexpr Format H = Format::HiF8;
constexpr Saturation None = Saturation::None;
constexpr Saturation Finite = Saturation::Finite;

struct Vector {
  float input;
  uint8_t ta, taFinite, hr;
};

// docs/HiF8.md §6, verbatim.
TEST(HiF8SpecTest, Section6Vectors) {
  const Vector vectors[] = {
      {1.0f, 0x08, 0x08, 0x08},
      {-1.0f, 0x88, 0x88, 0x88},
      {1.0625f, 0x09, 0x09, 0x09},
      {18.0f, 0x41, 0x41, 0x41},
      {20.0f, 0x41, 0x41, 0x42},
      {100.0f, 0x4A, 0x4A, 0x4B},
      {0.3f, 0x32, 0x32, 0x32},
      {32768.0f, 0x6E, 0x6E, 0x6F},
      {40959.0f, 0x6E, 0x6E, 0x6E},
      {40960.0f, 0x6F, 0x6E, 0x6F},
      {std::ldexp(3.0f, -23), 0x02, 0x02, 0x02},
      {std::ldexp(1.0f, -23), 0x01, 0x01, 0x01},
      {std::ldexp(1.0f, -24), 0x00, 0x00, 0x00},
      {-std::ldexp(1.0f, -24), 0x00, 0x00, 0x00},
      {std::nanf(""), 0x80, 0x80, 0x80},
      {HUGE_VALF, 0x6F, 0x6E, 0x6F},
  };
  Reference ref(H);
  for (const Vector &v : vectors) {
    SCOPED_TRACE(v.input);
    EXPECT_EQ(encode(H, v.input, Rounding::NearestAway, None), v.ta);
    EXPECT_EQ(encode(H, v.input, Rounding::NearestAway, Finite), v.taFinite);
    EXPECT_EQ(encode(H, v.input, Rounding::Hybrid, None), v.hr);
    // The reference agrees with docs/HiF8.md §6 too.
    EXPECT_EQ(ref.encode(fromFloat(v.input), Rounding::NearestAway, None),
              v.ta);
    EXPECT_EQ(ref.encode(fromFloat(v.input), Rounding::NearestAway, Finite),
              v.taFinite);
    EXPECT_EQ(ref.encode(fromFloat(v.input), Rounding::Hybrid, None), v.hr);
    // Binary64 sources give TA for hybrid.
    EXPECT_EQ(encode(H, static_cast<double>(v.input), Rounding::Hybrid, None),
              v.ta);
    EXPECT_EQ(
        encode(H, static_cast<double>(v.input), Rounding::NearestAway, None),
        v.ta);
  }
}

TEST(HiF8SpecTest, Saturation) {
  // §5: finite saturation also under HR in (32768, 40960).
  EXPECT_EQ(encode(H, 32768.0f, Rounding::Hybrid, Finite), 0x6E);
  EXPECT_EQ(encode(H, 36000.0f, Rounding::Hybrid, Finite), 0x6E);
  EXPECT_EQ(encode(H, -36000.0f, Rounding::Hybrid, Finite), 0xEE);
  EXPECT_EQ(encode(H, -HUGE_VALF, Rounding::NearestAway, None), 0xEF);
  EXPECT_EQ(encode(H, -HUGE_VALF, Rounding::NearestAway, Finite), 0xEE);
  EXPECT_EQ(encode(H, -std::nanf(""), Rounding::NearestAway, Finite), 0x80);
  EXPECT_EQ(encode(H, 1e30f, Rounding::Hybrid, None), 0x6F);
  EXPECT_EQ(encode(H, 1e30f, Rounding::Stochastic, Finite, 0), 0x6E);
  // -0 has no code of its own.
  EXPECT_EQ(encode(H, -0.0f, Rounding::NearestAway, None), 0x00);
  EXPECT_EQ(encode(H, -1e-30f, Rounding::TowardZero, None), 0x00);
}

TEST(HiF8SpecTest, HybridDetails) {
  // |E| < 4 is TA: 15.5 is a tie between 15 and 16 and goes away.
  EXPECT_EQ(encode(H, 15.5f, Rounding::Hybrid, None),
            encode(H, 15.5f, Rounding::NearestAway, None));
  // SR14: 16 * (1 + 2^-23) has T = 1 and F = 0: stays at 16.
  EXPECT_EQ(encode(H, std::nextafter(16.0f, 100.0f), Rounding::Hybrid, None),
            0x40);
  // HR(16.0f) = 20 (the documented bump).
  EXPECT_EQ(encode(H, 16.0f, Rounding::Hybrid, None), 0x41);
  // SR2 from binary16: 16.0 has T = {0,1} = 1 > F = 0: exact stays exact.
  EXPECT_EQ(encodeHalfBits(H, 0x4C00, Source::Binary16, Rounding::Hybrid, None),
            0x40);
  // 17.0 (binary16 0x4C40): kept 1.00b, F = 01b = 1 >= T = 1: up to 20.
  EXPECT_EQ(encodeHalfBits(H, 0x4C40, Source::Binary16, Rounding::Hybrid, None),
            0x41);
  // bfloat16 17.0 = 0x4188: T = {0,1}, F = 01b: up.
  EXPECT_EQ(encodeHalfBits(H, 0x4188, Source::BFloat16, Rounding::Hybrid, None),
            0x41);
  // E = -23: F14 = {1, f[22:10]}; 2^-23 itself has F = 0x2000 >= T = 0.
  EXPECT_EQ(encode(H, std::ldexp(1.0f, -23), Rounding::Hybrid, None), 0x01);
  // Below 2^-23 HR flushes to zero like TA (this project's reading, see
  // Numerics.h): 2^-24 would otherwise have F = 0x1000 >= T = 0.
  EXPECT_EQ(encode(H, std::ldexp(1.0f, -24), Rounding::Hybrid, None), 0x00);
  EXPECT_EQ(encode(H, std::ldexp(1.5f, -24), Rounding::Hybrid, None), 0x00);
}

TEST(HiF8SpecTest, OtherModes) {
  // toward_zero never overflows a finite value.
  EXPECT_EQ(encode(H, 1e30f, Rounding::TowardZero, None), 0x6E);
  EXPECT_EQ(encode(H, 40960.0f, Rounding::TowardZero, None), 0x6E);
  EXPECT_EQ(encode(H, 23000.0f, Rounding::TowardZero, None), 0x6C);
  // nearest_even: ties go to the even mantissa ...
  EXPECT_EQ(encode(H, 1.0625f, Rounding::NearestEven, None), 0x08);
  EXPECT_EQ(encode(H, 1.1875f, Rounding::NearestEven, None), 0x0A);
  EXPECT_EQ(encode(H, 18.0f, Rounding::NearestEven, None), 0x40);
  // ... 40960 is a tie between 32768 (mantissa 0) and the Inf pattern
  // (mantissa 1): it stays finite, anything above overflows.
  EXPECT_EQ(encode(H, 40960.0f, Rounding::NearestEven, None), 0x6E);
  EXPECT_EQ(encode(H, 40964.0f, Rounding::NearestEven, None), 0x6F);
  // ... in the denormal binades (no mantissa bits) a tie goes up, and
  // 2^-23 (tie between 0 and 2^-22) goes to zero.
  EXPECT_EQ(encode(H, std::ldexp(3.0f, -23), Rounding::NearestEven, None),
            0x02);
  EXPECT_EQ(encode(H, std::ldexp(1.0f, -23), Rounding::NearestEven, None),
            0x00);
  // Stochastic: 17 is a quarter of the way from 16 to 20.
  EXPECT_EQ(encode(H, 17.0f, Rounding::Stochastic, None, 0xBFFFFFFFu), 0x40);
  EXPECT_EQ(encode(H, 17.0f, Rounding::Stochastic, None, 0xC0000000u), 0x41);
}

TEST(HiF8SpecTest, EveryCodeRoundTrips) {
  for (unsigned c = 0; c < 256; ++c) {
    uint8_t code = static_cast<uint8_t>(c);
    double v = decode(H, code);
    for (Rounding r : {Rounding::NearestAway, Rounding::NearestEven,
                       Rounding::TowardZero, Rounding::Stochastic}) {
      uint8_t back = encode(H, v, r, None, 0xFFFFFFFFu);
      EXPECT_EQ(back, code) << c << " " << stringifyRounding(r);
      EXPECT_EQ(encode(H, static_cast<float>(v), r, None, 0xFFFFFFFFu), code);
    }
  }
}

TEST(BuiltinRoundTripTest, EveryCodeRoundTrips) {
  for (Format f : allFormats()) {
    const FormatInfo &info = getFormatInfo(f);
    for (unsigned c = 0; c < (1u << info.bitWidth); ++c) {
      uint8_t code = static_cast<uint8_t>(c);
      double v = decode(f, code);
      if (std::isnan(v)) {
        EXPECT_TRUE(isNaNCode(f, encode(f, v, Rounding::NearestEven, None)));
        continue;
      }
      for (unsigned m = 0; m < kNumRoundings; ++m) {
        Rounding r = static_cast<Rounding>(m);
        if (r == Rounding::Hybrid)
          continue; // HR bumps exact values on purpose
        EXPECT_EQ(encode(f, v, r, None, 0xFFFFFFFFu), code)
            << info.name << " " << c << " " << stringifyRounding(r);
      }
    }
  }
}

TEST(HybridOnBuiltinTest, FallsBackToNearestEven) {
  for (Format f : allFormats()) {
    if (f == H)
      continue;
    for (float x : {0.3f, 1.0625f, 2.5f, 3.14159f, 17.0f, -100.0f, 1e-3f}) {
      EXPECT_EQ(encode(f, x, Rounding::Hybrid, None),
                encode(f, x, Rounding::NearestEven, None));
    }
  }
}

} // namespace
