//===- AwkwardCasesTest.cpp - Documented rules at the edges ---------------===//
//
// The behaviours Numerics.h documents for inputs where APFloat is undefined
// or surprising, spelled out one by one (the exhaustive comparisons cover
// them too, but a failure here names the rule).
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace fp8;
using namespace fp8::test;

namespace {

constexpr Saturation None = Saturation::None;
constexpr Saturation Finite = Saturation::Finite;
const float kNaN = std::numeric_limits<float>::quiet_NaN();

const Rounding kAllModes[] = {Rounding::NearestEven, Rounding::NearestAway,
                              Rounding::TowardZero,  Rounding::Upward,
                              Rounding::Downward,    Rounding::Odd,
                              Rounding::Stochastic};

TEST(E8M0FNUTest, ZeroAndTinyValuesGiveTheSmallestValue) {
  constexpr Format F = Format::F8E8M0FNU;
  for (Rounding r : kAllModes) {
    for (Saturation s : {None, Finite}) {
      for (float x : {0.0f, -0.0f, 1e-45f, std::ldexp(1.0f, -128),
                      std::ldexp(1.9f, -128)}) {
        EXPECT_EQ(encode(F, x, r, s, 0xFFFFFFFFu), 0x00)
            << x << " " << stringifyRounding(r);
        // APFloat agrees (it has no zero either).
        if (isAPFloatRounding(r)) {
          EXPECT_EQ(apfloatEncode(F, fromFloat(x), r, s), 0x00);
        }
      }
    }
  }
  // Ties between powers of two round up (no mantissa bit to be even).
  EXPECT_EQ(encode(F, 1.5f, Rounding::NearestEven, None), 128);
  EXPECT_EQ(encode(F, 1.5f, Rounding::Odd, None), 127);
  EXPECT_EQ(encode(F, 1.4f, Rounding::NearestEven, None), 127);
}

TEST(E8M0FNUTest, NegativeAndNaNGiveNaN) {
  constexpr Format F = Format::F8E8M0FNU;
  for (Rounding r : kAllModes) {
    for (Saturation s : {None, Finite}) {
      EXPECT_EQ(encode(F, -1.0f, r, s), 0xFF);
      EXPECT_EQ(encode(F, -1e-40f, r, s), 0xFF);
      EXPECT_EQ(encode(F, -HUGE_VALF, r, s), 0xFF);
      EXPECT_EQ(encode(F, kNaN, r, s), 0xFF);
      EXPECT_EQ(encode(F, -kNaN, r, s), 0xFF);
    }
  }
  EXPECT_EQ(encode(F, HUGE_VALF, Rounding::NearestEven, None), 0xFF);
  EXPECT_EQ(encode(F, HUGE_VALF, Rounding::NearestEven, Finite), 0xFE);
  EXPECT_EQ(encode(F, 1e38f, Rounding::TowardZero, None), 0xFD);
  EXPECT_EQ(encode(F, 3e38f, Rounding::TowardZero, None), 0xFE);
  EXPECT_EQ(encode(F, 3e38f, Rounding::NearestEven, None), 0xFF);
  EXPECT_EQ(encode(F, 3e38f, Rounding::NearestEven, Finite), 0xFE);
}

TEST(FiniteOnlyTest, NaNInfAndOverflow) {
  for (Format f : {Format::F6E2M3FN, Format::F6E3M2FN, Format::F4E2M1FN}) {
    const FormatInfo &info = getFormatInfo(f);
    uint8_t sign = static_cast<uint8_t>(1u << (info.bitWidth - 1));
    for (Rounding r : kAllModes) {
      for (Saturation s : {None, Finite}) {
        EXPECT_EQ(encode(f, kNaN, r, s), 0x00);
        EXPECT_EQ(encode(f, -kNaN, r, s), 0x00);
        EXPECT_EQ(encode(f, HUGE_VALF, r, s), info.maxFiniteCode);
        EXPECT_EQ(encode(f, -HUGE_VALF, r, s), info.maxFiniteCode | sign);
        EXPECT_EQ(encode(f, 1e6f, r, s), info.maxFiniteCode);
        EXPECT_EQ(encode(f, -1e6f, r, s), info.maxFiniteCode | sign);
      }
    }
    EXPECT_EQ(encode(f, -0.0f, Rounding::NearestEven, None), sign);
  }
  EXPECT_EQ(encode(Format::F4E2M1FN, 5.0f, Rounding::NearestEven, None), 0x6);
  EXPECT_EQ(encode(Format::F4E2M1FN, 0.25f, Rounding::NearestEven, None), 0x0);
  EXPECT_EQ(encode(Format::F4E2M1FN, 0.75f, Rounding::NearestEven, None), 0x2);
}

TEST(NanOnlyTest, InfAndOverflow) {
  constexpr Format F = Format::F8E4M3FN;
  EXPECT_EQ(encode(F, HUGE_VALF, Rounding::TowardZero, None), 0x7F);
  EXPECT_EQ(encode(F, -HUGE_VALF, Rounding::NearestEven, None), 0xFF);
  EXPECT_EQ(encode(F, -HUGE_VALF, Rounding::NearestEven, Finite), 0xFE);
  EXPECT_EQ(encode(F, -kNaN, Rounding::NearestEven, Finite), 0xFF);
  EXPECT_EQ(encode(F, 463.0f, Rounding::NearestEven, None), 0x7E);
  // 464 is a tie between 448 (even mantissa) and the NaN pattern.
  EXPECT_EQ(encode(F, 464.0f, Rounding::NearestEven, None), 0x7E);
  EXPECT_EQ(encode(F, 464.0f, Rounding::NearestAway, None), 0x7F);
  EXPECT_EQ(encode(F, 465.0f, Rounding::NearestEven, None), 0x7F);
  EXPECT_EQ(encode(F, 465.0f, Rounding::NearestEven, Finite), 0x7E);
  EXPECT_EQ(encode(F, 449.0f, Rounding::Upward, None), 0x7F);
  EXPECT_EQ(encode(F, -449.0f, Rounding::Upward, None), 0xFE);
  EXPECT_EQ(encode(F, 500.0f, Rounding::TowardZero, None), 0x7E);
  EXPECT_EQ(encode(F, 460.0f, Rounding::Odd, None), 0x7E);
  EXPECT_EQ(encode(F, 470.0f, Rounding::Stochastic, None, 0xFFFFFFFFu), 0x7F);
  EXPECT_EQ(encode(F, 470.0f, Rounding::Stochastic, Finite, 0xFFFFFFFFu), 0x7E);
  EXPECT_EQ(encode(F, 470.0f, Rounding::Stochastic, None, 0), 0x7E);
  for (Format f :
       {Format::F8E4M3FNUZ, Format::F8E5M2FNUZ, Format::F8E4M3B11FNUZ}) {
    EXPECT_EQ(encode(f, HUGE_VALF, Rounding::NearestEven, None), 0x80);
    EXPECT_EQ(encode(f, -kNaN, Rounding::NearestEven, None), 0x80);
    EXPECT_EQ(encode(f, -0.0f, Rounding::NearestEven, None), 0x00);
    EXPECT_EQ(encode(f, -1e-30f, Rounding::Downward, None), 0x81);
    EXPECT_EQ(encode(f, -1e-30f, Rounding::NearestEven, None), 0x00);
  }
}

TEST(IEEEFormatTest, SignedZeroAndInf) {
  constexpr Format F = Format::F8E5M2;
  EXPECT_EQ(encode(F, -0.0f, Rounding::NearestEven, None), 0x80);
  EXPECT_EQ(encode(F, -1e-30f, Rounding::NearestEven, None), 0x80);
  EXPECT_EQ(encode(F, -HUGE_VALF, Rounding::TowardZero, None), 0xFC);
  EXPECT_EQ(encode(F, 61440.0f, Rounding::NearestEven, None), 0x7C);
  EXPECT_EQ(encode(F, 61439.0f, Rounding::NearestEven, None), 0x7B);
  EXPECT_EQ(encode(F, kNaN, Rounding::NearestEven, None), 0x7E);
  EXPECT_EQ(encode(F, -kNaN, Rounding::NearestEven, None), 0xFE);
  EXPECT_EQ(encode(F, 1e-30f, Rounding::Odd, None), 0x01);
}

} // namespace
