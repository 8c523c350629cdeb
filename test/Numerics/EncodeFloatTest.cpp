//===- EncodeFloatTest.cpp - Ten million binary32 inputs per case ---------===//
//
// For every format and mode: every rounding boundary of the format (grid
// values, midpoints, quarter points) with their binary32 neighbours up to
// three ulps away, both signs, binary32's specials and boundaries, then
// random inputs (uniform bit patterns and log-uniform values over the
// format's range) up to 10,000,000 inputs; both saturations. Against APFloat
// for the IEEE modes of the builtin formats, against the reference
// otherwise. Binary64 sources get the same treatment with fewer inputs.
//
//===----------------------------------------------------------------------===//

#include "EncodeTestUtil.h"

#include "gtest/gtest.h"

#include <tuple>
#include <type_traits>

using namespace fp8;
using namespace fp8::test;

namespace {

constexpr size_t kBinary32Inputs = 10'000'000;
constexpr size_t kBinary64Inputs = 1'000'000;

using ModeParam = std::tuple<Format, Rounding>;

std::string modeParamName(const ::testing::TestParamInfo<ModeParam> &p) {
  return formatName(std::get<0>(p.param)) + "_" +
         roundingName(std::get<1>(p.param));
}

std::vector<ModeParam> allCases() {
  std::vector<ModeParam> cases;
  for (Format f : builtinFormats()) {
    for (Rounding r : ieeeRoundings())
      cases.emplace_back(f, r);
    for (Rounding r : referenceRoundings(f))
      cases.emplace_back(f, r);
  }
  for (Rounding r : referenceRoundings(Format::HiF8))
    cases.emplace_back(Format::HiF8, r);
  return cases;
}

template <typename T>
void checkInputs(Format format, Rounding rounding, const std::vector<T> &inputs,
                 Mismatches &out) {
  const bool viaAPFloat = format != Format::HiF8 && isAPFloatRounding(rounding);
  Reference ref(format);
  SplitMix64 rng(0xC0FFEEull * (1 + static_cast<unsigned>(format)) +
                 static_cast<unsigned>(rounding));
  size_t i = 0;
  for (T x : inputs) {
    SourceValue src;
    if constexpr (std::is_same_v<T, float>)
      src = fromFloat(x);
    else
      src = fromDouble(x);
    if (viaAPFloat) {
      checkAgainstAPFloat(format, src, rounding, out);
    } else if (rounding != Rounding::Stochastic) {
      checkAgainstReference(ref, format, src, rounding, 0, out);
    } else {
      // Two probes per input: one of {0, all ones, random} in turn, and one
      // side of the flip point 2^32 - frac in turn.
      std::vector<uint32_t> probes = stochasticProbes(ref, src, rng.next());
      checkAgainstReference(ref, format, src, rounding, probes[i % 3], out);
      if (probes.size() > 3)
        checkAgainstReference(ref, format, src, rounding,
                              probes[3 + (i / 3) % 2], out);
    }
    ++i;
  }
}

class Binary32EncodeTest : public ::testing::TestWithParam<ModeParam> {};

TEST_P(Binary32EncodeTest, BoundariesSpecialsAndRandom) {
  auto [format, rounding] = GetParam();
  std::vector<float> floats =
      binary32Inputs(format, kBinary32Inputs,
                     0xF10A7ull + 131 * static_cast<unsigned>(format) +
                         static_cast<unsigned>(rounding));
  ASSERT_GE(floats.size(), kBinary32Inputs);
  Mismatches out;
  checkInputs(format, rounding, floats, out);
  EXPECT_EQ(out.size(), 0u) << out.report();
}

INSTANTIATE_TEST_SUITE_P(AllModes, Binary32EncodeTest,
                         ::testing::ValuesIn(allCases()), modeParamName);

class Binary64EncodeTest : public ::testing::TestWithParam<Format> {};

TEST_P(Binary64EncodeTest, BoundariesSpecialsAndRandom) {
  Format format = GetParam();
  std::vector<double> doubles = binary64Inputs(
      format, kBinary64Inputs, 0xD0B1Eull + static_cast<unsigned>(format));
  Mismatches out;
  std::vector<Rounding> modes = referenceRoundings(format);
  if (format != Format::HiF8)
    modes.insert(modes.end(), ieeeRoundings().begin(), ieeeRoundings().end());
  for (Rounding rounding : modes)
    checkInputs(format, rounding, doubles, out);
  EXPECT_EQ(out.size(), 0u) << out.report();
}

INSTANTIATE_TEST_SUITE_P(AllFormats, Binary64EncodeTest,
                         ::testing::ValuesIn(allFormats()),
                         [](const ::testing::TestParamInfo<Format> &p) {
                           return formatName(p.param);
                         });

} // namespace
