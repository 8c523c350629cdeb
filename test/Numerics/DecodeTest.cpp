//===- DecodeTest.cpp - Every code of every format ------------------------===//

#include "TestSupport.h"

#include "gtest/gtest.h"

#include <cmath>
#include <fstream>
#include <sstream>

using namespace fp8;
using namespace fp8::test;

namespace {

class BuiltinDecodeTest : public ::testing::TestWithParam<Format> {};

TEST_P(BuiltinDecodeTest, EveryCodeMatchesAPFloat) {
  Format f = GetParam();
  const FormatInfo &info = getFormatInfo(f);
  for (unsigned c = 0; c < (1u << info.bitWidth); ++c) {
    uint8_t code = static_cast<uint8_t>(c);
    double expected = apfloatDecode(f, code);
    double got = decode(f, code);
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(got)) << formatName(f) << " code " << c;
      EXPECT_TRUE(isNaNCode(f, code)) << formatName(f) << " code " << c;
      continue;
    }
    EXPECT_FALSE(isNaNCode(f, code)) << formatName(f) << " code " << c;
    EXPECT_EQ(got, expected) << formatName(f) << " code " << c;
    EXPECT_EQ(std::signbit(got), std::signbit(expected))
        << formatName(f) << " code " << c;
    EXPECT_EQ(decodeToFloat(f, code), static_cast<float>(expected));
    // Bits above the width are ignored.
    if (info.bitWidth < 8) {
      uint8_t high = static_cast<uint8_t>(code | (0xFFu << info.bitWidth));
      EXPECT_EQ(decode(f, high), expected) << formatName(f) << " code " << c;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Builtin, BuiltinDecodeTest,
    ::testing::Values(Format::F8E4M3FN, Format::F8E5M2, Format::F8E4M3FNUZ,
                      Format::F8E5M2FNUZ, Format::F8E4M3B11FNUZ, Format::F8E3M4,
                      Format::F8E4M3, Format::F8E8M0FNU, Format::F6E2M3FN,
                      Format::F6E3M2FN, Format::F4E2M1FN),
    [](const ::testing::TestParamInfo<Format> &p) {
      return formatName(p.param);
    });

// decode then encode returns every code, NaNs included with their sign; only
// formats with several NaN payloads per sign (the IEEE-like E5M2, E4M3,
// E3M4) map a NaN to the canonical one of its sign. The constant folder's
// round-trip fold relies on this.
TEST(DecodeEncodeTest, RoundTripKeepsEveryCode) {
  for (Format f : allFormats()) {
    const FormatInfo &info = getFormatInfo(f);
    for (unsigned c = 0; c < (1u << info.bitWidth); ++c) {
      uint8_t code = static_cast<uint8_t>(c);
      uint8_t back =
          encode(f, decode(f, code), getDefaultRounding(f), Saturation::None);
      if (isNaNCode(f, code) && info.nonFinite == NonFiniteEncoding::IEEE) {
        uint8_t sign = code & (1u << (info.bitWidth - 1));
        EXPECT_EQ(back, info.nanCode | sign) << formatName(f) << " code " << c;
        continue;
      }
      EXPECT_EQ(back, code) << formatName(f) << " code " << c;
    }
  }
}

TEST(HiF8DecodeTest, EveryCodeMatchesTable) {
  const std::vector<HiF8Row> &rows = vendoredHiF8Table();
  ASSERT_EQ(rows.size(), 256u);
  for (unsigned c = 0; c < 256; ++c) {
    const HiF8Row &row = rows[c];
    ASSERT_EQ(row.code, c);
    double got = decode(Format::HiF8, row.code);
    if (row.cls == "NaN") {
      EXPECT_TRUE(std::isnan(got)) << c;
      EXPECT_TRUE(isNaNCode(Format::HiF8, row.code)) << c;
      continue;
    }
    EXPECT_FALSE(isNaNCode(Format::HiF8, row.code)) << c;
    if (row.cls == "+Inf" || row.cls == "-Inf") {
      EXPECT_EQ(got, row.cls[0] == '-' ? -HUGE_VAL : HUGE_VAL) << c;
    } else if (row.cls == "ZERO") {
      EXPECT_EQ(got, 0.0) << c;
      EXPECT_FALSE(std::signbit(got)) << c;
    } else {
      ASSERT_TRUE(row.cls == "NML" || row.cls == "DML") << row.cls;
      EXPECT_EQ(got, row.value) << c;
      // DML rows are the denormals 0x01-0x07 (and negatives): powers of two.
      bool denormal = (c & 0x7F) < 0x08;
      EXPECT_EQ(row.cls == "DML", denormal) << c;
    }
    EXPECT_EQ(decodeToFloat(Format::HiF8, row.code), static_cast<float>(got));
  }
}

TEST(HiF8DecodeTest, TableFacts) {
  // docs/HiF8.md §2.
  EXPECT_EQ(decode(Format::HiF8, 0x6E), 32768.0);
  EXPECT_EQ(decode(Format::HiF8, 0xEE), -32768.0);
  EXPECT_EQ(decode(Format::HiF8, 0x7E), std::ldexp(1.0, -15));
  EXPECT_EQ(decode(Format::HiF8, 0x01), std::ldexp(1.0, -22));
  EXPECT_EQ(decode(Format::HiF8, 0x09), 1.125);
  EXPECT_EQ(decode(Format::HiF8, 0x6F), HUGE_VAL);
  EXPECT_EQ(decode(Format::HiF8, 0xEF), -HUGE_VAL);
  unsigned finiteNonZero = 0;
  for (unsigned c = 0; c < 256; ++c) {
    double v = decode(Format::HiF8, static_cast<uint8_t>(c));
    finiteNonZero += std::isfinite(v) && v != 0;
  }
  EXPECT_EQ(finiteNonZero, 252u);
}

static std::string readFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(HiF8DecodeTest, VendoredTableMatchesSharedSpec) {
  std::string shared = FP8_SHARED_HIF8_TSV;
  if (shared.empty() || !std::ifstream(shared).good())
    GTEST_SKIP() << "no shared spec at '" << shared << "'";
  std::string vendored = readFile(FP8_HIF8_TSV);
  ASSERT_FALSE(vendored.empty());
  EXPECT_TRUE(vendored == readFile(shared))
      << FP8_HIF8_TSV << " differs from " << shared
      << "; copy the shared file over the vendored one";
}

} // namespace
