//===- ScalingTest.cpp - quantize, dequantize, computeScale ---------------===//

#include "TestSupport.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <cstring>
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

//===----------------------------------------------------------------------===//
// Scale targets (fp8.compute_scale's target_max)
//===----------------------------------------------------------------------===//

/// A float32 from random bits: every binade, subnormals, Inf and NaN.
static float randomFloat(SplitMix64 &rng) {
  uint32_t bits = static_cast<uint32_t>(rng.next());
  float value;
  std::memcpy(&value, &bits, sizeof(value));
  return value;
}

TEST(ComputeScaleTargetTest, DefaultTargetIsMaxFiniteTimesTwoToMinusMargin) {
  EXPECT_EQ(getScaleTarget(Format::HiF8, 12), 8.0);
  EXPECT_EQ(getScaleTarget(Format::F8E4M3FN, 0), 448.0);
  EXPECT_EQ(getScaleTarget(Format::F8E4M3FN, -2), 1792.0);
  // Extreme margins are clamped (no overflow, no UB when negating INT_MIN).
  EXPECT_EQ(getScaleTarget(Format::F8E4M3FN, std::numeric_limits<int>::min()),
            std::ldexp(448.0, 600));
  EXPECT_EQ(getScaleTarget(Format::F4E2M1FN, std::numeric_limits<int>::max()),
            std::ldexp(6.0, -600));
  EXPECT_TRUE(std::isfinite(getScaleTarget(Format::F8E8M0FNU, -100000)));
  EXPECT_EQ(computeScale(Format::F8E4M3FN, 1.0f,
                         std::numeric_limits<int>::min(), false),
            FLT_MIN);
  EXPECT_EQ(
      computeScaleE8M0(Format::F8E4M3FN, 1.0f, std::numeric_limits<int>::min()),
      0);
}

TEST(ComputeScaleTargetTest, DegenerateAmaxGivesOne) {
  for (float a : {0.0f, -0.0f, INFINITY, -INFINITY, NAN, -NAN}) {
    for (double t : {15.0, double(0.1f), 1.0, 448.0}) {
      EXPECT_EQ(computeScaleForTarget(a, t, false), 1.0f);
      EXPECT_EQ(computeScaleForTarget(a, t, true), 1.0f);
      EXPECT_EQ(computeScaleE8M0ForTarget(a, t), 127);
    }
  }
}

TEST(ComputeScaleTargetTest, IsOneBinary32Division) {
  // |amax| / target in binary32 (round to nearest even), clamped to
  // [FLT_MIN, FLT_MAX], for targets that are not powers of two.
  EXPECT_EQ(computeScaleForTarget(30.0f, 15.0, false), 2.0f);
  EXPECT_EQ(computeScaleForTarget(-30.0f, 15.0, false), 2.0f);
  EXPECT_EQ(computeScaleForTarget(15.0f, 15.0, false), 1.0f);
  uint32_t oneFifteenth = 0x3D888889;
  float expected;
  std::memcpy(&expected, &oneFifteenth, sizeof(expected));
  EXPECT_EQ(computeScaleForTarget(1.0f, 15.0, false), expected);
  SplitMix64 rng(15);
  for (float t : {15.0f, 0.1f, 3.3f, 1000.5f, 57343.0f, FLT_MIN, FLT_MAX,
                  std::nextafter(FLT_MIN, 1.0f), 1.0f}) {
    for (int i = 0; i < 200000; ++i) {
      float a = randomFloat(rng);
      if (!std::isfinite(a) || a == 0.0f)
        continue;
      volatile float quotient = std::fabs(a) / t;
      float want = quotient;
      if (want < FLT_MIN)
        want = FLT_MIN;
      if (want > FLT_MAX)
        want = FLT_MAX;
      EXPECT_EQ(computeScaleForTarget(a, t, false), want) << a << " / " << t;
    }
  }
  // Subnormal quotients clamp up, huge ones down.
  EXPECT_EQ(computeScaleForTarget(1e-45f, 15.0, false), FLT_MIN);
  EXPECT_EQ(computeScaleForTarget(1.76e-37f, 15.0, false), FLT_MIN);
  EXPECT_GT(computeScaleForTarget(1.8e-37f, 15.0, false), FLT_MIN);
  EXPECT_EQ(computeScaleForTarget(FLT_MAX, FLT_MIN, false), FLT_MAX);
  EXPECT_EQ(computeScaleForTarget(FLT_MAX, 0.5, false), FLT_MAX);
}

TEST(ComputeScaleTargetTest, PowerOfTwoRoundsUpExactly) {
  EXPECT_EQ(computeScaleForTarget(15.0f, 15.0, true), 1.0f);
  EXPECT_EQ(computeScaleForTarget(std::nextafter(15.0f, 16.0f), 15.0, true),
            2.0f);
  EXPECT_EQ(computeScaleForTarget(7.5f, 15.0, true), 0.5f);
  EXPECT_EQ(computeScaleForTarget(std::nextafter(7.5f, 8.0f), 15.0, true),
            1.0f);
  EXPECT_EQ(computeScaleForTarget(1.0f, 15.0, true), 0.125f);
  EXPECT_EQ(computeScaleForTarget(1e-45f, 15.0, true), std::ldexp(1.0f, -126));
  EXPECT_EQ(computeScaleForTarget(FLT_MAX, 15.0, true), std::ldexp(1.0f, 125));
  EXPECT_EQ(computeScaleForTarget(FLT_MAX, FLT_MIN, true),
            std::ldexp(1.0f, 127));
  // The smallest power of two s with |amax| / s <= target.
  SplitMix64 rng(16);
  for (double t : {15.0, double(0.1f), double(3.3f), 1000.5}) {
    for (int i = 0; i < 100000; ++i) {
      float a = randomFloat(rng);
      if (!std::isfinite(a) || a == 0.0f)
        continue;
      float s = computeScaleForTarget(a, t, true);
      // t * s and t * s / 2 are exact in binary64.
      double magnitude = std::fabs(static_cast<double>(a));
      int exponent;
      EXPECT_EQ(std::frexp(s, &exponent), 0.5f) << a;
      if (s < 0x1p127f) {
        EXPECT_LE(magnitude, t * s) << a << " / " << t;
      }
      if (s > FLT_MIN) {
        EXPECT_GT(magnitude, t * s / 2) << a << " / " << t;
      }
    }
  }
}

TEST(ComputeScaleTargetTest, E8M0UsesFloorLog2OfTheTarget) {
  // 2^(floor(log2 amax) - floor(log2 target)); floor(log2 15) = 3, so
  // target 15 gives HiF8's margin-12 codes.
  EXPECT_EQ(computeScaleE8M0ForTarget(15.0f, 15.0), 127);
  EXPECT_EQ(computeScaleE8M0ForTarget(16.0f, 15.0), 128);
  EXPECT_EQ(computeScaleE8M0ForTarget(7.9f, 15.0), 126);
  EXPECT_EQ(computeScaleE8M0ForTarget(1.0f, 15.0), 124);
  EXPECT_EQ(computeScaleE8M0ForTarget(-1.0f, 15.0), 124);
  EXPECT_EQ(computeScaleE8M0ForTarget(1.0f, 0.75), 128);
  EXPECT_EQ(computeScaleE8M0ForTarget(1.0f, 448.0), 127 - 8);
  // Subnormal amax is exact; the codes clamp to [0, 254].
  EXPECT_EQ(computeScaleE8M0ForTarget(std::ldexp(1.0f, -135), 0.1f), 0);
  EXPECT_EQ(computeScaleE8M0ForTarget(std::ldexp(1.0f, -130), 0.1f), 1);
  EXPECT_EQ(computeScaleE8M0ForTarget(std::ldexp(1.0f, -125), 0.1f), 6);
  EXPECT_EQ(computeScaleE8M0ForTarget(std::ldexp(3.0f, -140), 1.0), 0);
  EXPECT_EQ(computeScaleE8M0ForTarget(FLT_MAX, 15.0), 127 + 124);
  EXPECT_EQ(computeScaleE8M0ForTarget(FLT_MAX, FLT_MIN), 254);
  SplitMix64 rng(18);
  for (int i = 0; i < 200000; ++i) {
    float a = randomFloat(rng);
    EXPECT_EQ(computeScaleE8M0ForTarget(a, 15.0),
              computeScaleE8M0(Format::HiF8, a, 12))
        << a;
  }
}

} // namespace
