//===- ScalingTest.cpp - quantize, dequantize, computeScale ---------------===//

#include "TestSupport.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <limits>

using namespace fp8;
using namespace fp8::test;

namespace {

constexpr Saturation None = Saturation::None;
constexpr Saturation Finite = Saturation::Finite;

TEST(QuantizeTest, DividesInBinary32ThenEncodes) {
  SplitMix64 rng(42);
  for (Format f : allFormats()) {
    for (int i = 0; i < 20000; ++i) {
      uint32_t xb = static_cast<uint32_t>(rng.next());
      float x = std::ldexp(static_cast<float>(xb & 0xFFFFFF) / 16777216.0f,
                           static_cast<int>((xb >> 24) % 40) - 20);
      if (xb & 0x80000000u)
        x = -x;
      float scale =
          std::ldexp(1.0f + static_cast<float>(rng.next() % 1000) / 1000.0f,
                     static_cast<int>(rng.next() % 20) - 10);
      Rounding r = getDefaultRounding(f);
      volatile float q = x / scale;
      EXPECT_EQ(quantize(f, x, scale, r, Finite), encode(f, q, r, Finite));
      EXPECT_EQ(quantize(f, x, scale, Rounding::Stochastic, None, 123456789u),
                encode(f, static_cast<float>(q), Rounding::Stochastic, None,
                       123456789u));
    }
  }
  // HR sees the binary32 quotient (SR14), not a binary64 one.
  EXPECT_EQ(quantize(Format::HiF8, 32.0f, 2.0f, Rounding::Hybrid, None),
            0x41); // 16.0f -> bumped to 20
  EXPECT_EQ(quantize(Format::F8E4M3FN, 1.0f, 0.0f, Rounding::NearestEven, None),
            0x7F); // 1 / 0 = Inf -> NaN (no Inf in E4M3FN)
  EXPECT_EQ(
      quantize(Format::F8E4M3FN, 1.0f, 0.0f, Rounding::NearestEven, Finite),
      0x7E);
}

TEST(DequantizeTest, MultipliesInBinary32) {
  for (Format f : allFormats()) {
    const FormatInfo &info = getFormatInfo(f);
    for (unsigned c = 0; c < (1u << info.bitWidth); ++c) {
      uint8_t code = static_cast<uint8_t>(c);
      for (float s : {1.0f, 0.5f, 3.0f, 1e-30f, 1e30f, 0.1f}) {
        float expected = decodeToFloat(f, code) * s;
        float got = dequantize(f, code, s);
        if (std::isnan(expected)) {
          EXPECT_TRUE(std::isnan(got));
        } else {
          EXPECT_EQ(got, expected) << info.name << " " << c << " " << s;
        }
      }
    }
  }
  EXPECT_EQ(dequantize(Format::F8E4M3FN, 0x7E, 2.0f), 896.0f);
  EXPECT_EQ(dequantize(Format::HiF8, 0x6E, 0.25f), 8192.0f);
  EXPECT_EQ(dequantize(Format::F8E5M2, 0x7B, 1e35f), HUGE_VALF);
}

TEST(ComputeScaleTest, DegenerateAmaxGivesOne) {
  for (Format f : allFormats()) {
    for (float a : {0.0f, -0.0f, HUGE_VALF, -HUGE_VALF,
                    std::numeric_limits<float>::quiet_NaN()}) {
      EXPECT_EQ(computeScale(f, a, 0, false), 1.0f);
      EXPECT_EQ(computeScale(f, a, 3, true), 1.0f);
      EXPECT_EQ(computeScaleE8M0(f, a, 0), 127);
    }
  }
}

TEST(ComputeScaleTest, Formula) {
  // amax / (maxFinite * 2^-margin) in binary32.
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 448.0f, 0, false), 1.0f);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 896.0f, 0, false), 2.0f);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 448.0f, 1, false), 2.0f);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 448.0f, -2, false), 0.25f);
  EXPECT_EQ(computeScale(Format::F8E5M2, 1.0f, 0, false), 1.0f / 57344.0f);
  EXPECT_EQ(computeScale(Format::HiF8, 100.0f, 0, false), 100.0f / 32768.0f);
  EXPECT_EQ(computeScale(Format::F4E2M1FN, 3.0f, 0, false), 0.5f);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, -896.0f, 0, false), 2.0f);
  SplitMix64 rng(7);
  for (Format f : allFormats()) {
    float maxFinite = static_cast<float>(getFormatInfo(f).maxFinite);
    if (std::isinf(maxFinite))
      continue;
    for (int i = 0; i < 10000; ++i) {
      float a = std::ldexp(1.0f + static_cast<float>(rng.next() % 4096) / 4096,
                           static_cast<int>(rng.next() % 60) - 30);
      float expected = a / maxFinite; // maxFinite is exact in binary32
      if (expected < FLT_MIN)
        expected = FLT_MIN;
      EXPECT_EQ(computeScale(f, a, 0, false), expected) << a;
      // The scaled amax fits the format.
      if (maxFinite < 1e18f) {
        EXPECT_LE(a / computeScale(f, a, 0, true), maxFinite);
      }
    }
  }
}

TEST(ComputeScaleTest, PowerOfTwoRoundsUp) {
  // 448 * 1.5 / 448 = 1.5 -> 2.
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 672.0f, 0, true), 2.0f);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 448.0f, 0, true), 1.0f);
  // Exactly 2^k stays; just above goes up.
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 896.0f, 0, true), 2.0f);
  EXPECT_EQ(
      computeScale(Format::F8E4M3FN, std::nextafter(896.0f, 1e9f), 0, true),
      4.0f);
  // Just below 2^k: the binary32 quotient would round to 2^k, the exact
  // one does not, and 2^k is the answer either way.
  EXPECT_EQ(
      computeScale(Format::F8E4M3FN, std::nextafter(896.0f, 0.0f), 0, true),
      2.0f);
  // Quotient 1 + tiny that rounds to 1.0 in binary32: the power of two is
  // still 2, so that amax / scale <= maxFinite.
  float a = std::nextafter(57344.0f, 1e9f); // E5M2 max + 1 ulp of binary32
  EXPECT_EQ(computeScale(Format::F8E5M2, a, 0, true), 2.0f);
  EXPECT_EQ(computeScale(Format::F8E5M2, 57344.0f * 0.75f, 0, true), 1.0f);
  // Margin 2 means a four times larger scale.
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 100.0f, 2, true), 1.0f);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 100.0f, 0, true), 0.25f);
  EXPECT_EQ(computeScale(Format::HiF8, 1.0f, 0, true), std::ldexp(1.0f, -15));
}

TEST(ComputeScaleTest, Clamping) {
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 1e-40f, 0, false), FLT_MIN);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, FLT_MAX, 200, false), FLT_MAX);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 1e-40f, 0, true),
            std::ldexp(1.0f, -126));
  EXPECT_EQ(computeScale(Format::F4E2M1FN, FLT_MAX, 0, true),
            std::ldexp(1.0f, 126));
  EXPECT_EQ(computeScale(Format::F4E2M1FN, FLT_MAX, 10, true),
            std::ldexp(1.0f, 127));
  EXPECT_EQ(computeScale(Format::F8E8M0FNU, 1.0f, 0, false), FLT_MIN);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 1.0f, 100000, false), FLT_MAX);
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 1.0f, -100000, false), FLT_MIN);
}

TEST(ComputeScaleE8M0Test, OcpMxRule) {
  // OCP MX v1.0 §6.3: X = floor(log2(amax)) - emax_elem, as an E8M0 code.
  // emax_elem: E4M3 8, E5M2 15, FP6 E2M3 2, FP6 E3M2 4, FP4 E2M1 2.
  EXPECT_EQ(computeScaleE8M0(Format::F8E4M3FN, 448.0f, 0), 127);
  EXPECT_EQ(computeScaleE8M0(Format::F8E4M3FN, 1.0f, 0), 127 - 8);
  EXPECT_EQ(computeScaleE8M0(Format::F8E4M3FN, 511.0f, 0), 127);
  EXPECT_EQ(computeScaleE8M0(Format::F8E4M3FN, 512.0f, 0), 128);
  EXPECT_EQ(computeScaleE8M0(Format::F8E5M2, 57344.0f, 0), 127);
  EXPECT_EQ(computeScaleE8M0(Format::F8E5M2, 1.0f, 0), 127 - 15);
  EXPECT_EQ(computeScaleE8M0(Format::F6E2M3FN, 7.5f, 0), 127);
  EXPECT_EQ(computeScaleE8M0(Format::F6E3M2FN, 28.0f, 0), 127);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, 6.0f, 0), 127);
  // FP4 block with amax 10: X = 3 - 2 = 1, scale 2; 10 / 2 = 5.
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, 10.0f, 0), 128);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, -10.0f, 0), 128);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, 0.75f, 0), 127 - 3);
  EXPECT_EQ(computeScaleE8M0(Format::HiF8, 65536.0f, 0), 128);
  // Margin shifts the exponent.
  EXPECT_EQ(computeScaleE8M0(Format::F8E4M3FN, 448.0f, 1), 128);
  EXPECT_EQ(computeScaleE8M0(Format::F8E4M3FN, 448.0f, -3), 124);
  // Subnormal amax and clamping to [2^-127, 2^127].
  EXPECT_EQ(computeScaleE8M0(Format::F8E4M3FN, std::ldexp(1.0f, -140), 0), 0);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, std::ldexp(1.0f, -125), 0), 0);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, std::ldexp(1.0f, -124), 0), 1);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, FLT_MAX, 0), 252);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, FLT_MAX, 10), 254);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, 1.0f, 100000), 254);
  EXPECT_EQ(computeScaleE8M0(Format::F4E2M1FN, 1.0f, -100000), 0);
  // The code decodes to the scale.
  EXPECT_EQ(
      decode(Format::F8E8M0FNU, computeScaleE8M0(Format::F8E4M3FN, 1.0f, 0)),
      std::ldexp(1.0, -8));
}

} // namespace
