//===- FormatTest.cpp - Format descriptors and spellings ------------------===//

#include "TestSupport.h"

#include "llvm/ADT/APFloat.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace fp8;
using namespace fp8::test;

namespace {

TEST(FormatInfoTest, TableIsInEnumOrder) {
  unsigned i = 0;
  for (Format f : allFormats()) {
    EXPECT_EQ(static_cast<unsigned>(f), i++);
    EXPECT_EQ(getFormatInfo(f).format, f);
  }
  EXPECT_EQ(i, kNumFormats);
}

TEST(FormatInfoTest, NamesRoundTrip) {
  for (Format f : allFormats()) {
    std::optional<Format> parsed = parseFormat(getFormatInfo(f).name);
    ASSERT_TRUE(parsed.has_value()) << getFormatInfo(f).name;
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_FALSE(parseFormat("f8E4M3").has_value() &&
               *parseFormat("f8E4M3") != Format::F8E4M3);
  EXPECT_FALSE(parseFormat("f8e4m3fn").has_value());
  EXPECT_FALSE(parseFormat("").has_value());
  EXPECT_EQ(parseFormat("hif8"), Format::HiF8);
  EXPECT_EQ(parseFormat("f4E2M1FN"), Format::F4E2M1FN);
}

TEST(FormatInfoTest, RoundingAndSaturationSpellings) {
  for (unsigned i = 0; i < kNumRoundings; ++i) {
    Rounding r = static_cast<Rounding>(i);
    EXPECT_EQ(parseRounding(stringifyRounding(r)), r);
  }
  EXPECT_STREQ(stringifyRounding(Rounding::NearestEven), "nearest_even");
  EXPECT_STREQ(stringifyRounding(Rounding::Hybrid), "hybrid");
  EXPECT_FALSE(parseRounding("nearest").has_value());
  EXPECT_EQ(parseSaturation("none"), Saturation::None);
  EXPECT_EQ(parseSaturation("finite"), Saturation::Finite);
  EXPECT_STREQ(stringifySaturation(Saturation::Finite), "finite");
  EXPECT_FALSE(parseSaturation("satfinite").has_value());
}

TEST(FormatInfoTest, SupportedRoundings) {
  for (Format f : allFormats()) {
    for (unsigned i = 0; i < kNumRoundings; ++i) {
      Rounding r = static_cast<Rounding>(i);
      bool expected;
      if (f == Format::HiF8)
        expected = r == Rounding::NearestAway || r == Rounding::Hybrid ||
                   r == Rounding::TowardZero || r == Rounding::NearestEven ||
                   r == Rounding::Stochastic;
      else
        expected = r != Rounding::Hybrid;
      EXPECT_EQ(isRoundingSupported(f, r), expected)
          << formatName(f) << " " << roundingName(r);
    }
    EXPECT_EQ(getDefaultRounding(f), f == Format::HiF8 ? Rounding::NearestAway
                                                       : Rounding::NearestEven);
  }
}

/// Limits and special codes of every builtin format agree with APFloat.
class FormatLimitsTest : public ::testing::TestWithParam<Format> {};

TEST_P(FormatLimitsTest, AgreesWithDecodeAndAPFloat) {
  Format f = GetParam();
  const FormatInfo &info = getFormatInfo(f);
  EXPECT_EQ(decode(f, info.maxFiniteCode), info.maxFinite);
  EXPECT_EQ(info.minNormal, std::ldexp(1.0, info.minNormalExponent));
  if (info.hasNaN) {
    EXPECT_TRUE(isNaNCode(f, info.nanCode));
    EXPECT_TRUE(std::isnan(decode(f, info.nanCode)));
  }
  if (info.hasInf) {
    EXPECT_EQ(decode(f, info.infCode), HUGE_VAL);
  }

  // Scan all codes: the largest finite, smallest positive and smallest
  // normal values, and the presence of zero / -0 / Inf / NaN.
  double maxFinite = 0, minPositive = HUGE_VAL;
  bool sawZero = false, sawNegZero = false, sawInf = false, sawNaN = false,
       sawNegative = false;
  int maxExp = -1000;
  for (unsigned c = 0; c < (1u << info.bitWidth); ++c) {
    double v = decode(f, static_cast<uint8_t>(c));
    if (std::isnan(v)) {
      sawNaN = true;
      continue;
    }
    if (std::isinf(v)) {
      sawInf = true;
      continue;
    }
    if (v == 0) {
      sawZero = true;
      sawNegZero |= std::signbit(v);
      continue;
    }
    sawNegative |= v < 0;
    maxFinite = std::max(maxFinite, std::fabs(v));
    minPositive = std::min(minPositive, std::fabs(v));
    maxExp = std::max(maxExp, std::ilogb(v));
  }
  EXPECT_EQ(maxFinite, info.maxFinite);
  EXPECT_EQ(minPositive, info.minSubnormal);
  EXPECT_EQ(sawZero, info.hasZero);
  EXPECT_EQ(sawNegZero, info.hasNegativeZero);
  EXPECT_EQ(sawInf, info.hasInf);
  EXPECT_EQ(sawNaN, info.hasNaN);
  EXPECT_EQ(sawNegative, info.isSigned);
  EXPECT_EQ(maxExp, info.maxNormalExponent);
  if (f == Format::HiF8)
    return;

  const llvm::fltSemantics *sem = nullptr;
  switch (f) {
  case Format::F8E4M3FN:
    sem = &llvm::APFloat::Float8E4M3FN();
    break;
  case Format::F8E5M2:
    sem = &llvm::APFloat::Float8E5M2();
    break;
  case Format::F8E4M3FNUZ:
    sem = &llvm::APFloat::Float8E4M3FNUZ();
    break;
  case Format::F8E5M2FNUZ:
    sem = &llvm::APFloat::Float8E5M2FNUZ();
    break;
  case Format::F8E4M3B11FNUZ:
    sem = &llvm::APFloat::Float8E4M3B11FNUZ();
    break;
  case Format::F8E3M4:
    sem = &llvm::APFloat::Float8E3M4();
    break;
  case Format::F8E4M3:
    sem = &llvm::APFloat::Float8E4M3();
    break;
  case Format::F8E8M0FNU:
    sem = &llvm::APFloat::Float8E8M0FNU();
    break;
  case Format::F6E2M3FN:
    sem = &llvm::APFloat::Float6E2M3FN();
    break;
  case Format::F6E3M2FN:
    sem = &llvm::APFloat::Float6E3M2FN();
    break;
  case Format::F4E2M1FN:
    sem = &llvm::APFloat::Float4E2M1FN();
    break;
  case Format::HiF8:
    break;
  }
  ASSERT_NE(sem, nullptr);
  EXPECT_EQ(llvm::APFloat::getSizeInBits(*sem), info.bitWidth);
  EXPECT_EQ(llvm::APFloat::semanticsPrecision(*sem), info.mantissaBits + 1);
  EXPECT_EQ(llvm::APFloat::semanticsMinExponent(*sem), info.minNormalExponent);
  EXPECT_EQ(llvm::APFloat::semanticsMaxExponent(*sem), info.maxNormalExponent);
  EXPECT_EQ(llvm::APFloat::semanticsHasZero(*sem), info.hasZero);
  EXPECT_EQ(llvm::APFloat::semanticsHasSignedRepr(*sem), info.isSigned);
  EXPECT_EQ(llvm::APFloat::semanticsHasInf(*sem), info.hasInf);
  EXPECT_EQ(llvm::APFloat::semanticsHasNaN(*sem), info.hasNaN);
  EXPECT_EQ(llvm::APFloat::getLargest(*sem).convertToDouble(), info.maxFinite);
  EXPECT_EQ(llvm::APFloat::getLargest(*sem).bitcastToAPInt().getZExtValue(),
            info.maxFiniteCode);
  EXPECT_EQ(llvm::APFloat::getSmallest(*sem).convertToDouble(),
            info.minSubnormal);
  EXPECT_EQ(llvm::APFloat::getSmallestNormalized(*sem).convertToDouble(),
            info.minNormal);
  if (info.hasNaN) {
    EXPECT_TRUE(
        llvm::APFloat(*sem, llvm::APInt(info.bitWidth, info.nanCode)).isNaN());
  }
  if (info.hasInf) {
    EXPECT_TRUE(llvm::APFloat(*sem, llvm::APInt(info.bitWidth, info.infCode))
                    .isInfinity());
  }
}

INSTANTIATE_TEST_SUITE_P(AllFormats, FormatLimitsTest,
                         ::testing::ValuesIn(allFormats()),
                         [](const ::testing::TestParamInfo<Format> &p) {
                           return formatName(p.param);
                         });

} // namespace
