//===- APFloatOracle.cpp - LLVM APFloat as the numerics oracle ------------===//
//
// APFloat is the ground truth for the builtin formats under the five IEEE
// rounding modes. Where APFloat's `convert` is undefined (llvm_unreachable in
// makeNaN or bitcastToAPInt: NaN and Inf into the finite-only MX formats, a
// negative NaN or any negative value into the unsigned f8E8M0FNU), the oracle
// does not call it and returns the rule documented in Numerics.h instead.
//
//===----------------------------------------------------------------------===//

#include "TestSupport.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <limits>

using llvm::APFloat;
using llvm::APInt;
using llvm::fltSemantics;
using llvm::RoundingMode;

namespace fp8::test {

static const fltSemantics &semanticsOf(Format format) {
  switch (format) {
  case Format::F8E4M3FN:
    return APFloat::Float8E4M3FN();
  case Format::F8E5M2:
    return APFloat::Float8E5M2();
  case Format::F8E4M3FNUZ:
    return APFloat::Float8E4M3FNUZ();
  case Format::F8E5M2FNUZ:
    return APFloat::Float8E5M2FNUZ();
  case Format::F8E4M3B11FNUZ:
    return APFloat::Float8E4M3B11FNUZ();
  case Format::F8E3M4:
    return APFloat::Float8E3M4();
  case Format::F8E4M3:
    return APFloat::Float8E4M3();
  case Format::F8E8M0FNU:
    return APFloat::Float8E8M0FNU();
  case Format::F6E2M3FN:
    return APFloat::Float6E2M3FN();
  case Format::F6E3M2FN:
    return APFloat::Float6E3M2FN();
  case Format::F4E2M1FN:
    return APFloat::Float4E2M1FN();
  case Format::HiF8:
    break;
  }
  return APFloat::Bogus();
}

static const fltSemantics &sourceSemantics(Source source) {
  switch (source) {
  case Source::Binary64:
    return APFloat::IEEEdouble();
  case Source::Binary32:
    return APFloat::IEEEsingle();
  case Source::Binary16:
    return APFloat::IEEEhalf();
  case Source::BFloat16:
    return APFloat::BFloat();
  }
  return APFloat::IEEEdouble();
}

static unsigned sourceWidth(Source source) {
  switch (source) {
  case Source::Binary64:
    return 64;
  case Source::Binary32:
    return 32;
  default:
    return 16;
  }
}

static RoundingMode toLLVM(Rounding rounding) {
  switch (rounding) {
  case Rounding::NearestAway:
    return RoundingMode::NearestTiesToAway;
  case Rounding::TowardZero:
    return RoundingMode::TowardZero;
  case Rounding::Upward:
    return RoundingMode::TowardPositive;
  case Rounding::Downward:
    return RoundingMode::TowardNegative;
  default:
    return RoundingMode::NearestTiesToEven;
  }
}

bool isAPFloatRounding(Rounding rounding) {
  switch (rounding) {
  case Rounding::NearestEven:
  case Rounding::NearestAway:
  case Rounding::TowardZero:
  case Rounding::Upward:
  case Rounding::Downward:
    return true;
  default:
    return false;
  }
}

void apfloatEncodeBoth(Format format, const SourceValue &src, Rounding rounding,
                       uint8_t &none, uint8_t &finite) {
  const FormatInfo &info = getFormatInfo(format);
  const uint8_t signBit =
      info.isSigned ? static_cast<uint8_t>(1u << (info.bitWidth - 1)) : 0;
  APFloat value(sourceSemantics(src.source),
                APInt(sourceWidth(src.source), src.bits));
  const bool negative = value.isNegative();
  const uint8_t maxFinite =
      static_cast<uint8_t>(info.maxFiniteCode | (negative ? signBit : 0));

  // The documented rules where APFloat is undefined.
  if (info.nonFinite == NonFiniteEncoding::FiniteOnly) {
    if (value.isNaN()) {
      none = finite = 0;
      return;
    }
    if (value.isInfinity()) {
      none = finite = maxFinite;
      return;
    }
  }
  if (!info.isSigned && negative && !value.isZero()) {
    none = finite = info.nanCode;
    return;
  }

  APFloat converted = value;
  bool losesInfo = false;
  converted.convert(semanticsOf(format), toLLVM(rounding), &losesInfo);
  none = static_cast<uint8_t>(converted.bitcastToAPInt().getZExtValue());
  finite = none;
  if (!value.isNaN() && (converted.isInfinity() || converted.isNaN()))
    finite = maxFinite;
}

uint8_t apfloatEncode(Format format, const SourceValue &src, Rounding rounding,
                      Saturation saturation) {
  uint8_t none, finite;
  apfloatEncodeBoth(format, src, rounding, none, finite);
  return saturation == Saturation::None ? none : finite;
}

double apfloatDecode(Format format, uint8_t code) {
  const FormatInfo &info = getFormatInfo(format);
  APFloat value(semanticsOf(format), APInt(info.bitWidth, code));
  if (value.isNaN())
    return std::numeric_limits<double>::quiet_NaN();
  return value.convertToDouble();
}

} // namespace fp8::test
