//===- EncodeHalfTest.cpp - Every binary16 and bfloat16 input -------------===//
//
// All 65536 bit patterns of each 16-bit source, every format, every mode,
// both saturations: against APFloat for the IEEE modes of the builtin
// formats, against the reference for the rest. The reference is also checked
// against APFloat here, which is what entitles it to judge the other modes.
//
//===----------------------------------------------------------------------===//

#include "EncodeTestUtil.h"

#include "gtest/gtest.h"

#include <tuple>

using namespace fp8;
using namespace fp8::test;

namespace {

using HalfParam = std::tuple<Format, Source>;

std::string halfParamName(const ::testing::TestParamInfo<HalfParam> &p) {
  return formatName(std::get<0>(p.param)) + "_" +
         (std::get<1>(p.param) == Source::Binary16 ? "f16" : "bf16");
}

class HalfVsAPFloatTest : public ::testing::TestWithParam<HalfParam> {};

TEST_P(HalfVsAPFloatTest, AllInputsIEEEModes) {
  auto [format, source] = GetParam();
  Reference ref(format);
  Mismatches lib, refVsAPFloat;
  for (Rounding rounding : ieeeRoundings()) {
    for (unsigned bits = 0; bits < 65536; ++bits) {
      SourceValue src = fromHalfBits(static_cast<uint16_t>(bits), source);
      checkAgainstAPFloat(format, src, rounding, lib);
      for (Saturation sat : {Saturation::None, Saturation::Finite}) {
        uint8_t expected = apfloatEncode(format, src, rounding, sat);
        uint8_t got = ref.encode(src, rounding, sat);
        if (!sameResult(format, expected, got))
          refVsAPFloat.add(format, src, rounding, sat, 0, expected, got,
                           "APFloat (vs reference)");
      }
    }
  }
  EXPECT_EQ(lib.size(), 0u) << lib.report();
  EXPECT_EQ(refVsAPFloat.size(), 0u) << refVsAPFloat.report();
}

INSTANTIATE_TEST_SUITE_P(
    Builtin, HalfVsAPFloatTest,
    ::testing::Combine(::testing::ValuesIn(builtinFormats()),
                       ::testing::Values(Source::Binary16, Source::BFloat16)),
    halfParamName);

class HalfVsReferenceTest : public ::testing::TestWithParam<HalfParam> {};

TEST_P(HalfVsReferenceTest, AllInputsOtherModes) {
  auto [format, source] = GetParam();
  Reference ref(format);
  Mismatches lib;
  SplitMix64 rng(0x5EED0000u + static_cast<unsigned>(format));
  for (Rounding rounding : referenceRoundings(format)) {
    for (unsigned bits = 0; bits < 65536; ++bits) {
      SourceValue src = fromHalfBits(static_cast<uint16_t>(bits), source);
      if (rounding != Rounding::Stochastic) {
        checkAgainstReference(ref, format, src, rounding, 0, lib);
        continue;
      }
      for (uint32_t r : stochasticProbes(ref, src, rng.next()))
        checkAgainstReference(ref, format, src, rounding, r, lib);
    }
  }
  EXPECT_EQ(lib.size(), 0u) << lib.report();
}

INSTANTIATE_TEST_SUITE_P(
    AllFormats, HalfVsReferenceTest,
    ::testing::Combine(::testing::ValuesIn(allFormats()),
                       ::testing::Values(Source::Binary16, Source::BFloat16)),
    halfParamName);

} // namespace
