//===- EncodeHiF8.cpp - HiF8 encoder --------------------------------------===//
//
// HiF8's encoder (docs/HiF8.md), on the source's own bits (P = source
// mantissa bits; see NumericsEmitter.cpp): per-lane width w(e) from |e| by
// shifts and min, rounding at bit D = P - w of |x| (the carry may change the
// binade, so the code is assembled from the rounded value e', M3 by bit
// arithmetic: with a = |e'|, n = (e' < 0) and s = min(a >> 2, 2), code =
// ((8a + M3) >> s) + 32s + ((a < 2 ? 8 : 16) << n), docs/HiF8.md §1); values
// below 2^-22 are computed as 2^-22 and resolved by one select at the end.
// With a target's table lookup the binade's width and code base are looked
// up instead.
//
// Cost, f32 source, saturation none: 38 x86 AVX-512 instructions per 16-lane
// loop body (load and store included) for nearest-away.
//
//===----------------------------------------------------------------------===//

#include "EmitterLanes.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cstdlib>

using namespace mlir;
using namespace mlir::fp8::detail;
using ::fp8::Rounding;
using ::fp8::Saturation;

static bool isDirected(Rounding rounding) {
  return rounding == Rounding::Upward || rounding == Rounding::Downward;
}

/// Random bits aligned so that `(x + aligned) >> shift` is stochastic
/// rounding at bit `shift` of an N-bit x: rb >> (32 - shift), or, where
/// shift > 32, rb << (shift - 32) (Numerics.h: "add the top random bits to
/// the discarded bits and truncate").
static Value alignRandomBits(Lanes &l, Value randomBits, Value shift,
                             unsigned width) {
  if (width == 32)
    return l.shr(randomBits, l.sub(32, shift));
  return l.shl(l.zext(randomBits, width), l.sub(shift, 32));
}

/// With a target's table lookup (binary32 sources on 16 lanes), the
/// narrowing of the source binade and the code of the rounded value are each
/// one lookup by the biased exponent (one vpermi2w on AVX-512BW), instead of
/// the bit arithmetic.
static bool useHiF8Tables(Lanes &l, const SourceLayout &src,
                          const mlir::fp8::EmitterOptions &options) {
  return options.lookupTable64 && l.isZmm() && src.width == 32;
}

/// Table index of a binary32 biased exponent from that of 2^-22 (105): 1 ..
/// 38 up to 2^15 (entry 0 stays 0 for lookup64).
static constexpr unsigned kHiF8TableBase = 104;

/// 3 - w(e) per table index: docs/HiF8.md §1's mantissa width of binade e.
static SmallVector<uint16_t> getHiF8NarrowingTable() {
  SmallVector<uint16_t> table(64, 0);
  for (unsigned i = 1; i < 64; ++i) {
    int e = static_cast<int>(i + kHiF8TableBase) - 127;
    unsigned a = std::abs(e);
    table[i] = std::min(a >> 2, 2u) + (a >> 4);
  }
  return table;
}

/// (s << 8) | base per table index, where the code of 2^e * 1.M3 is base +
/// (M3 >> s) (s = 3 in the denormal binades, whose M3 is 0).
static SmallVector<uint16_t> getHiF8CodeTable() {
  SmallVector<uint16_t> table(64, 0);
  for (unsigned i = 1; i <= 38; ++i) {
    int e = static_cast<int>(i + kHiF8TableBase) - 127;
    unsigned a = std::abs(e), s, base;
    if (e < -15) {
      s = 3;
      base = e + 23;
    } else {
      s = std::min(a >> 2, 2u);
      unsigned prefix = (a < 2 ? 8 : 16) << (e < 0 ? 1 : 0);
      base = ((8 * a) >> s) + 32 * s + prefix;
    }
    table[i] = static_cast<uint16_t>((s << 8) | base);
  }
  return table;
}

Value mlir::fp8::detail::encodeHiF8(Lanes &l, const EncodeInput &in,
                                    Rounding rounding, Saturation saturation,
                                    const EmitterOptions &options) {
  const SourceLayout &src = in.layout;
  const unsigned n = src.width, p = src.mantBits;
  const uint64_t bias = src.bias;
  if (rounding == Rounding::Hybrid && in.hybridBits == 0)
    rounding = Rounding::NearestAway; // binary64: HR is TA (Numerics.h)

  Value abs = l.bitAnd(in.bits, src.absMask());
  Value sign = l.bitAnd(l.shr(in.bits, n - 8), 0x80);
  // Values below 2^-22 ("tiny") are rounded with the code of 2^-22 and
  // resolved at the end; values from 2^16 up all overflow.
  const uint64_t tinyLimit = src.pow2Bits(-22);
  Value clamped = l.umax(abs, tinyLimit);
  // Nearest rounding of binary32 keeps every bit above D (see below), so
  // from 2^16 up the rounded value stays past the overflow limit and
  // |e| <= 128 keeps the shifts in range; elsewhere clamp to 2^16.
  const bool nearest =
      rounding == Rounding::NearestAway || rounding == Rounding::NearestEven;
  if (!nearest || n != 32)
    clamped = l.umin(clamped, src.pow2Bits(16));
  Value exponent = l.shr(clamped, p);
  const bool tables = useHiF8Tables(l, src, options);
  Value magnitudeExp, narrowing;
  if (tables) {
    // Indices past 2^15 wrap around the table: those values overflow
    // whatever the narrowing (the rounding bias stays below 2^23).
    narrowing =
        l.lookup64(options.lookupTable64, l.sub(exponent, kHiF8TableBase),
                   getHiF8NarrowingTable());
  } else {
    magnitudeExp = l.absi(l.sub(exponent, bias));
    // 3 - w(e): 0 for |e| <= 3, 1 to 7, 2 to 15; 3 in the denormal binades.
    narrowing =
        l.add(l.umin(l.shr(magnitudeExp, 2), 2), l.shr(magnitudeExp, 4));
  }
  // Rounding at bit D = P - 3 + narrowing of |x|.
  const unsigned d3 = p - 3;
  Value half = l.shl(uint64_t{1} << (d3 - 1), narrowing);
  Value keepMask = l.shl(~((uint64_t{1} << d3) - 1), narrowing);
  Value negative; // i1, x < 0 (directed modes)
  if (isDirected(rounding))
    negative = l.slt(in.bits, 0);

  Value bias0;  // added before truncation at bit D
  Value tinyUp; // i1: a tiny value rounds up to 2^-22 (null: decided below)
  switch (rounding) {
  case Rounding::NearestAway:
    bias0 = half;
    break;
  case Rounding::NearestEven: {
    // In the denormal binades (D = P) the kept significand is the implicit
    // bit, which is odd: ties round up there.
    Value lsb = l.bitAnd(
        l.shr(l.bitOr(clamped, uint64_t{1} << p), l.add(narrowing, d3)), 1);
    bias0 = l.add(l.sub(half, 1), lsb);
    break;
  }
  case Rounding::TowardZero:
    break;
  case Rounding::Upward:
  case Rounding::Downward: {
    Value away = rounding == Rounding::Upward ? l.bitNot(negative) : negative;
    bias0 = l.select(away, l.bitNot(keepMask), uint64_t{0});
    tinyUp = l.bitAnd(away, l.ne(abs, 0));
    break;
  }
  case Rounding::Odd:
    tinyUp = l.ne(abs, 0);
    break;
  case Rounding::Stochastic: {
    bias0 = alignRandomBits(l, in.randomBits, l.add(narrowing, d3), n);
    // Tiny: the fraction of |x| / 2^-22.
    Value sig = l.bitOr(l.bitAnd(abs, src.mantMask()), uint64_t{1} << p);
    Value shift = l.sub(bias + p - 22, l.shr(abs, p));
    tinyUp =
        stochasticRoundsUp(l, topFractionBits(l, sig, shift, n), in.randomBits);
    break;
  }
  case Rounding::Hybrid: {
    // HR: TA where |e| < 4; elsewhere round up iff F >= T, F the top
    // hybridBits dropped bits; |x| >= 40960 overflows before rounding.
    Value dropped = l.bitAnd(clamped, l.bitNot(keepMask));
    Value f = l.shr(dropped, l.add(narrowing, d3 - in.hybridBits));
    Value up = l.bitOr(l.uge(f, in.hybridT),
                       l.uge(abs, src.pow2Bits(15) | (uint64_t{1} << (p - 2))));
    if (!magnitudeExp)
      magnitudeExp = l.absi(l.sub(exponent, bias));
    Value ta = l.bitOr(l.ult(magnitudeExp, 4), l.ult(abs, tinyLimit));
    bias0 = l.select(ta, half, l.select(up, l.shl(half, 1), uint64_t{0}));
    // Tiny: only 2^-23 <= |x| < 2^-22 can round up, with F = the top bits
    // of the significand.
    Value sig = l.bitOr(l.bitAnd(abs, src.mantMask()), uint64_t{1} << p);
    Value fTiny = l.shr(sig, p + 1 - in.hybridBits);
    tinyUp = l.bitAnd(l.eq(l.shr(abs, p), bias - 23), l.uge(fTiny, in.hybridT));
    break;
  }
  }
  Value rounded = bias0 ? l.add(clamped, bias0) : clamped;
  // The assembly below reads the bits from D up (bits 20 + s and up of a
  // binary32 value, s = the narrowing of the result's binade), so what is
  // left below bit D - 1 never matters. Nearest rounding adds at most half
  // a quantum, which leaves less than 2^(D-1) below bit D even where the
  // carry moves into a binade with a wider mantissa (2^-3, 2^-7, 2^-15):
  // only the other modes clear the dropped bits.
  if (!nearest)
    rounded = l.bitAnd(rounded, keepMask);
  if (rounding == Rounding::Odd) {
    // Set the last kept bit where inexact, except in the denormal binades
    // (the last kept bit is the implicit one there: truncate).
    Value inexact = l.ne(rounded, clamped);
    Value setBit = l.bitAnd(inexact, l.ult(narrowing, 3));
    rounded = l.bitOr(rounded, l.select(setBit, l.shl(half, 1), uint64_t{0}));
  }

  // Overflow: 49152 (the Inf pattern's value on the extended grid) is the
  // first value past max finite; clamp to it or to 32768 (max finite).
  const bool saturate = saturation == Saturation::Finite;
  const uint64_t maxBits = src.pow2Bits(15);
  const uint64_t infPatternBits = maxBits | (uint64_t{1} << (p - 1));
  const bool posToInf = !saturate && overflowsToInfinity(rounding, false);
  const bool negToInf = !saturate && overflowsToInfinity(rounding, true);
  Value limit = l.cstLike(posToInf ? infPatternBits : maxBits, rounded);
  if (posToInf != negToInf)
    limit = l.select(negative, negToInf ? infPatternBits : maxBits, limit);
  rounded = l.umin(rounded, limit);

  Value code;
  if (tables) {
    // The code of the rounded value 2^e' * 1.M3: base(e') + (M3 >> s(e')).
    Value entry = l.lookup64(options.lookupTable64,
                             l.sub(l.shr(rounded, p), kHiF8TableBase),
                             getHiF8CodeTable());
    Value m3 = l.bitAnd(l.shr(rounded, d3), 7);
    code = l.add(l.bitAnd(entry, 0xFF), l.shr(m3, l.shr(entry, 8)));
  } else {
    // Assemble the code of the rounded value 2^e' * 1.M3 (docs/HiF8.md §1) from
    // top = 8 * (B + e') + M3: with z = 8|e'| + M3 (top - 8B for e' >= 0,
    // top ^ 8B for e' < 0, as B = 2^k - 1) and s = 3 - w = min(|e'| >> 2, 2),
    // code = (z >> s) + 32s + (|e'| < 2 ? 8 : 16) * (e' < 0 ? 2 : 1).
    Value top = l.shr(rounded, d3);
    const uint64_t one = 8 * bias; // top of 2^0
    Value negExp = l.ult(top, one);
    Value z = l.select(negExp, l.bitXor(top, one), l.sub(top, one));
    Value s = l.umin(l.shr(z, 5), 2);
    Value prefix = l.select(l.ult(z, 16), 8, 16, n);
    prefix = l.select(negExp, l.add(prefix, prefix), prefix);
    code = l.add(l.add(l.shr(z, s), l.shl(s, 5)), prefix);
    // Denormal binades 2^-22 .. 2^-16: codes 1 .. 7.
    code = l.select(l.ult(top, 8 * (bias - 15)),
                    l.sub(l.shr(top, 3), bias - 23), code);
  }
  // Inf stays Inf under saturation none where overflow does not.
  if (!saturate && !(posToInf && negToInf))
    code = l.select(l.eq(abs, src.infBits()), 0x6F, code);
  code = l.bitOr(code, sign);

  // Tiny values: 0 (never 0x80) unless they round up to +-2^-22.
  Value isTiny = l.ult(abs, tinyLimit);
  Value tinyZero;
  switch (rounding) {
  case Rounding::NearestAway: // 2^-23 <= |x| rounds up
    tinyZero = l.ult(abs, src.pow2Bits(-23));
    break;
  case Rounding::NearestEven: // 2^-23 itself is a tie to 0
    tinyZero = l.ule(abs, src.pow2Bits(-23));
    break;
  case Rounding::TowardZero:
    tinyZero = isTiny;
    break;
  default:
    tinyZero = l.bitAnd(isTiny, l.bitNot(tinyUp));
    break;
  }
  code = l.select(tinyZero, uint64_t{0}, code);
  return l.select(l.ugt(abs, src.infBits()), 0x80, code);
}
