//===- EncodeIEEE.cpp - IEEE-like and f8E8M0FNU encoders ------------------===//
//
// The encoders of every format but HiF8, on the source's own bits (N = lane
// width, P = source mantissa bits, B = source exponent bias, m = target
// mantissa bits; see NumericsEmitter.cpp):
//
//  - IEEE-like targets, nearest-even: the normal binades round at the fixed
//    bit P - m of |x| (the carry runs into the exponent), and the target's
//    subnormal range is rounded by the FPU (|x| + 2^(qmin+P) rounds to a
//    multiple of 2^qmin in round-to-nearest-even); a select picks one.
//  - IEEE-like targets, other modes: one variable shift. |x| is rewritten
//    as X = |x| - ((min(E, Emin) - 1) << P), which is the significand in the
//    subnormal range and the code shifted left by P - m in the normal range,
//    so that (X + bias) >> sh is the code's magnitude in both.
//  - f8E8M0FNU: the code is the source exponent plus a round-up bit.
//
// Specials (NaN, Inf, overflow, zero) are folded into a min against the
// overflow code where the format allows and otherwise into a few selects.
//
// Cost, f32 source, saturation none: x86 AVX-512 instructions per 16-lane
// loop body (load and store included) are 14 for E4M3FN and 16 for E5M2
// nearest-even.
//
//===----------------------------------------------------------------------===//

#include "EmitterLanes.h"

#include "llvm/Support/ErrorHandling.h"

#include <optional>

using namespace mlir;
using namespace mlir::fp8::detail;
using ::fp8::FormatInfo;
using ::fp8::NonFiniteEncoding;
using ::fp8::Rounding;
using ::fp8::Saturation;

//===----------------------------------------------------------------------===//
// IEEE-like formats (everything but HiF8 and f8E8M0FNU)
//===----------------------------------------------------------------------===//

/// Applies overflow, Inf, NaN and sign to `magnitude`, the rounded code
/// magnitude (any value above the largest finite code is an overflow; Inf
/// and NaN inputs arrive there too).
static Value finalizeIEEELike(Lanes &l, const EncodeInput &in, Value abs,
                              Value magnitude, const FormatInfo &info,
                              Rounding rounding, Saturation saturation) {
  const SourceLayout &src = in.layout;
  const unsigned maxCode = info.maxFiniteCode;
  const bool finiteOnly = info.nonFinite == NonFiniteEncoding::FiniteOnly;
  const bool saturate = saturation == Saturation::Finite;
  // Every format's "infinity" result (Inf, or its NaN where it has no Inf)
  // has the magnitude maxCode + 1 (sign-carrying: E5M2 0x7C, E4M3FN 0x7F,
  // FNUZ 0x80 whose sign bit is already set).
  auto overflowMagnitude = [&](bool negative) -> unsigned {
    if (saturate || finiteOnly || !overflowsToInfinity(rounding, negative))
      return maxCode;
    return maxCode + 1;
  };
  const unsigned infMagnitude = saturate || finiteOnly ? maxCode : maxCode + 1;
  const unsigned ovfPos = overflowMagnitude(false);
  const unsigned ovfNeg = overflowMagnitude(true);

  Value limit = l.cstLike(ovfPos, magnitude);
  if (ovfPos != ovfNeg)
    limit = l.select(l.slt(in.bits, 0), ovfNeg, limit);
  magnitude = l.umin(magnitude, limit);

  // Inf and NaN lanes now hold the overflow magnitude.
  const bool needInf = infMagnitude != ovfPos || infMagnitude != ovfNeg;
  std::optional<unsigned> nanMagnitude;
  if (!finiteOnly) {
    unsigned nan =
        info.nanCode & ~(info.isSigned ? 1u << (info.bitWidth - 1) : 0u);
    if (info.nonFinite == NonFiniteEncoding::NegZeroNaN)
      nan = info.nanCode; // 0x80, the same for both signs
    if (nan != ovfPos || nan != ovfNeg)
      nanMagnitude = nan;
  }
  if (needInf && nanMagnitude && *nanMagnitude == infMagnitude) {
    magnitude = l.select(l.uge(abs, src.infBits()), infMagnitude, magnitude);
  } else {
    if (needInf)
      magnitude = l.select(l.eq(abs, src.infBits()), infMagnitude, magnitude);
    if (nanMagnitude)
      magnitude = l.select(l.ugt(abs, src.infBits()), *nanMagnitude, magnitude);
  }

  const uint64_t signBit = uint64_t{1} << (info.bitWidth - 1);
  Value sign = l.bitAnd(l.shr(in.bits, src.width - info.bitWidth), signBit);
  if (!info.hasNegativeZero) // FNUZ: a result of zero is +0.
    sign = l.select(l.eq(magnitude, 0), uint64_t{0}, sign);
  Value code = l.bitOr(magnitude, sign);
  if (finiteOnly) // no NaN: NaN gives +0
    code = l.select(l.ugt(abs, src.infBits()), uint64_t{0}, code);
  return code;
}

Value mlir::fp8::detail::encodeIEEELike(Lanes &l, const EncodeInput &in,
                                        const FormatInfo &info,
                                        Rounding rounding,
                                        Saturation saturation) {
  const SourceLayout &src = in.layout;
  const unsigned n = src.width, p = src.mantBits;
  const unsigned m = info.mantissaBits;
  const int quantumMin = info.minNormalExponent - static_cast<int>(m);
  // Biased source exponent of the target's smallest normal binade.
  const uint64_t eMin = src.bias + info.minNormalExponent;
  const unsigned d0 = p - m; // bits dropped in the target's normal range

  Value abs = l.bitAnd(in.bits, src.absMask());
  Value magnitude;
  if (rounding == Rounding::NearestEven || rounding == Rounding::Hybrid) {
    // Normal range: round at bit d0, ties to even, and rebias; the carry
    // runs into the exponent (and past max finite into an overflow).
    Value lsb = l.bitAnd(l.shr(abs, d0), 1);
    uint64_t bias = ((uint64_t{1} << (d0 - 1)) - 1) - ((eMin - 1) << p);
    Value normal = l.shr(l.add(l.add(abs, lsb), bias), d0);
    // Subnormal range: |x| + 2^(qmin+P) rounds |x| to a multiple of 2^qmin
    // (round to nearest even); the difference of the bits is the code.
    FloatType floatType =
        n == 32 ? l.getBuilder().getF32Type() : l.getBuilder().getF64Type();
    uint64_t magicBits = src.pow2Bits(quantumMin + static_cast<int>(p));
    Value magic = l.bitcast(l.cst(magicBits, n), floatType);
    Value sum = l.addf(l.bitcast(abs, floatType), magic);
    Value subnormal =
        l.sub(l.bitcast(sum, l.getBuilder().getIntegerType(n)), magicBits);
    magnitude = l.select(l.ult(abs, eMin << p), subnormal, normal);
  } else {
    // X = |x| - ((min(max(E, 1), eMin) - 1) << P): the (exact) significand
    // below the target's normal range, the code << d0 plus the dropped bits
    // within it. Shifting X right by sh rounds at the right place in both.
    Value exponent = l.shr(abs, p);
    Value clamped = l.umin(l.umax(exponent, 1), eMin);
    Value x = l.add(l.sub(abs, l.shl(clamped, p)), uint64_t{1} << p);
    Value shiftFull = l.sub(d0 + eMin, clamped); // >= d0
    // Beyond P + 2 everything is dropped and below half a quantum.
    Value shift = l.umin(shiftFull, p + 2);
    Value quotient = l.shr(x, shift);
    switch (rounding) {
    case Rounding::TowardZero:
      magnitude = quotient;
      break;
    case Rounding::NearestAway: {
      Value half = l.shr(l.shl(1, shift), 1);
      magnitude = l.shr(l.add(x, half), shift);
      break;
    }
    case Rounding::Upward:
    case Rounding::Downward: {
      Value ones = l.sub(l.shl(1, shift), 1);
      Value negative = l.sra(in.bits, n - 1); // all ones where x < 0
      Value away =
          rounding == Rounding::Downward ? negative : l.bitNot(negative);
      magnitude = l.shr(l.add(x, l.bitAnd(ones, away)), shift);
      break;
    }
    case Rounding::Odd: {
      Value inexact = l.ne(x, l.shl(quotient, shift));
      magnitude = l.bitOr(quotient, l.zext(inexact, n));
      break;
    }
    case Rounding::Stochastic: {
      Value frac = topFractionBits(l, x, shiftFull, n);
      Value up = stochasticRoundsUp(l, frac, in.randomBits);
      magnitude = l.add(quotient, l.zext(up, n));
      break;
    }
    default:
      llvm_unreachable("rounding handled above");
    }
  }
  return finalizeIEEELike(l, in, abs, magnitude, info, rounding, saturation);
}

//===----------------------------------------------------------------------===//
// f8E8M0FNU
//===----------------------------------------------------------------------===//

Value mlir::fp8::detail::encodeE8M0(Lanes &l, const EncodeInput &in,
                                    Rounding rounding, Saturation saturation) {
  const SourceLayout &src = in.layout;
  const unsigned n = src.width, p = src.mantBits;
  Value abs = l.bitAnd(in.bits, src.absMask());
  Value exponent = l.shr(abs, p);

  // The first 32 bits of the fraction below the kept power of two, and
  // whether anything at all is dropped.
  Value frac, inexact;
  if (n == 32) {
    // 2^-127 is a binary32 subnormal: there the power of two is bit 22.
    Value subnormal = l.ult(abs, uint64_t{1} << p);
    frac = l.select(subnormal, l.shl(abs, 32 - p + 1), l.shl(abs, 32 - p));
    inexact = l.ne(frac, 0);
  } else {
    Value dropped = l.shl(abs, n - p);
    frac = l.shr(dropped, n - 32);
    inexact = l.ne(dropped, 0);
  }
  // Positive values only (negatives are NaN); the kept bit is odd, so ties
  // round up.
  Value up;
  switch (rounding) {
  case Rounding::NearestEven:
  case Rounding::NearestAway:
  case Rounding::Hybrid:
    up = l.uge(frac, uint64_t{1} << 31);
    break;
  case Rounding::Upward:
    up = inexact;
    break;
  case Rounding::Stochastic:
    up = stochasticRoundsUp(l, frac, in.randomBits);
    break;
  default: // toward zero, downward, odd: truncate
    break;
  }
  Value code = l.sub(exponent, src.bias - 127);
  if (up)
    code = l.add(code, l.zext(up, n));

  const bool saturate = saturation == Saturation::Finite;
  const uint64_t limit =
      !saturate && overflowsToInfinity(rounding, false) ? 0xFF : 0xFE;
  code = l.umin(code, limit);     // overflow (and NaN / Inf lanes)
  if (!saturate && limit != 0xFF) // +Inf is NaN under saturation none
    code = l.select(l.eq(abs, src.infBits()), 0xFF, code);
  // +-0 and everything below 2^-127 give 0x00 (2^-127).
  code = l.select(l.ult(abs, src.pow2Bits(-127)), uint64_t{0}, code);
  if (limit != 0xFF)
    code = l.select(l.ugt(abs, src.infBits()), 0xFF, code);
  // Negative non-zero values (and -Inf, -NaN) are NaN.
  return l.select(l.ugt(in.bits, src.signMask()), 0xFF, code);
}
