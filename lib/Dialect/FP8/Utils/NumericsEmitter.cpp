//===- NumericsEmitter.cpp - Encode/decode as branch-free arith code ------===//
//
// Emits lib/Numerics' encode and decode as integer bit arithmetic plus
// selects on the source's own bits (i32 lanes for f32, f16 and bf16, which
// are first widened exactly; i64 lanes for f64). Format parameters are
// compile-time constants: every derived constant is computed here, and only
// the cases that can occur for the given format, rounding and saturation
// are emitted.
//
// The shapes of the computations (N = lane width, P = source mantissa bits,
// B = source exponent bias, m = target mantissa bits):
//
//  - IEEE-like targets, nearest-even: the normal binades round at the fixed
//    bit P - m of |x| (the carry runs into the exponent), and the target's
//    subnormal range is rounded by the FPU (|x| + 2^(qmin+P) rounds to a
//    multiple of 2^qmin in round-to-nearest-even); a select picks one.
//  - IEEE-like targets, other modes: one variable shift. |x| is rewritten
//    as X = |x| - ((min(E, Emin) - 1) << P), which is the significand in the
//    subnormal range and the code shifted left by P - m in the normal range,
//    so that (X + bias) >> sh is the code's magnitude in both.
//  - HiF8: per-lane width w(e) from |e| by shifts and min, rounding at bit
//    D = P - w of |x| (the carry may change the binade, so the code is
//    assembled from the rounded value e', M3 by bit arithmetic: with
//    a = |e'|, n = (e' < 0) and s = min(a >> 2, 2), code = ((8a + M3) >> s)
//    + 32s + ((a < 2 ? 8 : 16) << n), docs/HiF8.md §1); values below 2^-22 are
//    computed as 2^-22 and resolved by one select at the end.
//  - f8E8M0FNU: the code is the source exponent plus a round-up bit.
//
// Specials (NaN, Inf, overflow, zero) are folded into a min against the
// overflow code where the format allows and otherwise into a few selects.
//
// Cost, f32 source, saturation none: x86 AVX-512 instructions per 16-lane
// loop body (load and store included) are 14 for E4M3FN and 16 for E5M2
// nearest-even, 38 for HiF8 nearest-away.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/ErrorHandling.h"

#include <cassert>

using namespace mlir;
using ::fp8::Format;
using ::fp8::FormatInfo;
using ::fp8::NonFiniteEncoding;
using ::fp8::Rounding;
using ::fp8::Saturation;

namespace {

//===----------------------------------------------------------------------===//
// Lane arithmetic
//===----------------------------------------------------------------------===//

/// Arith ops on scalars or vectors of one shape. Integer constants are splat
/// to that shape (and cached); an op whose operands are all constant folds.
class Lanes {
public:
  Lanes(OpBuilder &builder, Location loc, Type shapeLike)
      : builder(builder), loc(loc), shapeLike(shapeLike) {}

  /// `elementType` with the lanes' shape.
  Type shaped(Type elementType) const {
    if (auto vector = dyn_cast<VectorType>(shapeLike))
      return vector.clone(elementType);
    return elementType;
  }
  Type intType(unsigned width) const {
    return shaped(builder.getIntegerType(width));
  }
  static unsigned widthOf(Value v) {
    return getElementTypeOrSelf(v.getType()).getIntOrFloatBitWidth();
  }

  Value cst(uint64_t value, unsigned width) {
    if (width < 64)
      value &= (uint64_t{1} << width) - 1;
    Value &slot = constants[{width, value}];
    if (!slot) {
      Type type = intType(width);
      APInt bits(width, value);
      TypedAttr attr;
      if (auto vector = dyn_cast<VectorType>(type))
        attr = DenseElementsAttr::get(vector, bits);
      else
        attr = builder.getIntegerAttr(type, bits);
      slot = arith::ConstantOp::create(builder, loc, attr);
    }
    return slot;
  }
  Value cstLike(uint64_t value, Value like) {
    return cst(value, widthOf(like));
  }
  Value floatCst(double value, FloatType type) {
    Type shapedType = shaped(type);
    TypedAttr attr;
    if (auto vector = dyn_cast<VectorType>(shapedType))
      attr = DenseElementsAttr::get(
          vector, builder.getFloatAttr(type, value).getValue());
    else
      attr = builder.getFloatAttr(type, value);
    return arith::ConstantOp::create(builder, loc, attr);
  }

#define FP8_BINARY_OP(name, OpTy)                                              \
  Value name(Value a, Value b) {                                               \
    return builder.createOrFold<OpTy>(loc, a, b);                              \
  }                                                                            \
  Value name(Value a, uint64_t b) { return name(a, cstLike(b, a)); }
  FP8_BINARY_OP(add, arith::AddIOp)
  FP8_BINARY_OP(sub, arith::SubIOp)
  FP8_BINARY_OP(bitAnd, arith::AndIOp)
  FP8_BINARY_OP(bitOr, arith::OrIOp)
  FP8_BINARY_OP(bitXor, arith::XOrIOp)
  FP8_BINARY_OP(shl, arith::ShLIOp)
  FP8_BINARY_OP(shr, arith::ShRUIOp)
  FP8_BINARY_OP(sra, arith::ShRSIOp)
  FP8_BINARY_OP(umin, arith::MinUIOp)
  FP8_BINARY_OP(umax, arith::MaxUIOp)
#undef FP8_BINARY_OP

  /// `a - b` for a constant `a`.
  Value sub(uint64_t a, Value b) { return sub(cstLike(a, b), b); }
  /// `a << b` for a constant `a` of `b`'s width.
  Value shl(uint64_t a, Value b) { return shl(cstLike(a, b), b); }
  Value bitNot(Value a) { return bitXor(a, ~uint64_t{0}); }
  Value absi(Value a) { return builder.createOrFold<math::AbsIOp>(loc, a); }

  Value cmp(arith::CmpIPredicate predicate, Value a, Value b) {
    return builder.createOrFold<arith::CmpIOp>(loc, predicate, a, b);
  }
  Value cmp(arith::CmpIPredicate predicate, Value a, uint64_t b) {
    return cmp(predicate, a, cstLike(b, a));
  }
  Value eq(Value a, uint64_t b) { return cmp(arith::CmpIPredicate::eq, a, b); }
  Value ne(Value a, uint64_t b) { return cmp(arith::CmpIPredicate::ne, a, b); }
  Value ult(Value a, uint64_t b) {
    return cmp(arith::CmpIPredicate::ult, a, b);
  }
  Value ule(Value a, uint64_t b) {
    return cmp(arith::CmpIPredicate::ule, a, b);
  }
  Value ugt(Value a, uint64_t b) {
    return cmp(arith::CmpIPredicate::ugt, a, b);
  }
  Value uge(Value a, uint64_t b) {
    return cmp(arith::CmpIPredicate::uge, a, b);
  }
  Value ugt(Value a, Value b) { return cmp(arith::CmpIPredicate::ugt, a, b); }
  Value uge(Value a, Value b) { return cmp(arith::CmpIPredicate::uge, a, b); }
  Value ule(Value a, Value b) { return cmp(arith::CmpIPredicate::ule, a, b); }
  Value slt(Value a, uint64_t b) {
    return cmp(arith::CmpIPredicate::slt, a, b);
  }

  Value boolAnd(Value a, Value b) {
    return builder.createOrFold<arith::AndIOp>(loc, a, b);
  }
  Value boolOr(Value a, Value b) {
    return builder.createOrFold<arith::OrIOp>(loc, a, b);
  }
  Value boolNot(Value a) {
    return builder.createOrFold<arith::XOrIOp>(loc, a, cst(1, 1));
  }

  Value select(Value cond, Value a, Value b) {
    return builder.createOrFold<arith::SelectOp>(loc, cond, a, b);
  }
  Value select(Value cond, uint64_t a, Value b) {
    return select(cond, cstLike(a, b), b);
  }
  Value select(Value cond, Value a, uint64_t b) {
    return select(cond, a, cstLike(b, a));
  }
  Value select(Value cond, uint64_t a, uint64_t b, unsigned width) {
    return select(cond, cst(a, width), cst(b, width));
  }

  Value zext(Value v, unsigned width) {
    if (widthOf(v) == width)
      return v;
    return builder.createOrFold<arith::ExtUIOp>(loc, intType(width), v);
  }
  Value trunc(Value v, unsigned width) {
    if (widthOf(v) == width)
      return v;
    return builder.createOrFold<arith::TruncIOp>(loc, intType(width), v);
  }
  Value bitcast(Value v, Type elementType) {
    return builder.createOrFold<arith::BitcastOp>(loc, shaped(elementType), v);
  }
  Value addf(Value a, Value b) {
    return builder.createOrFold<arith::AddFOp>(loc, a, b);
  }
  Value subf(Value a, Value b) {
    return builder.createOrFold<arith::SubFOp>(loc, a, b);
  }
  Value mulf(Value a, Value b) {
    return builder.createOrFold<arith::MulFOp>(loc, a, b);
  }
  Value sitofp(Value v, FloatType type) {
    return builder.createOrFold<arith::SIToFPOp>(loc, shaped(type), v);
  }

  OpBuilder &getBuilder() { return builder; }

  /// Whether the lanes are 16 x i32 / f32: one AVX-512 register.
  bool isZmm() const {
    auto vector = dyn_cast<VectorType>(shapeLike);
    return vector && vector.getShape() == ArrayRef<int64_t>{16} &&
           !vector.isScalable();
  }

  /// table[index] in every i32 lane of `index` (16 lanes, values < 64),
  /// looked up by the target's `lookup`. The index lanes' high halves are
  /// 0, so a 16-bit lookup reads entry 0 there, which must be 0: the results
  /// are the entries zero-extended.
  Value lookup64(const mlir::fp8::TableLookup &lookup, Value index,
                 ArrayRef<uint16_t> table) {
    assert(isZmm() && table.size() <= 64 && (table.empty() || table[0] == 0));
    return lookup(builder, loc, index, table);
  }

private:
  OpBuilder &builder;
  Location loc;
  Type shapeLike;
  llvm::DenseMap<std::pair<unsigned, uint64_t>, Value> constants;
};

//===----------------------------------------------------------------------===//
// Sources
//===----------------------------------------------------------------------===//

/// The binary layout the encoders work on: binary32 (f32, and f16 / bf16
/// widened exactly) or binary64.
struct SourceLayout {
  unsigned width;    ///< N, the lane width
  unsigned mantBits; ///< P
  uint64_t bias;     ///< B

  uint64_t signMask() const { return uint64_t{1} << (width - 1); }
  uint64_t absMask() const { return signMask() - 1; }
  uint64_t infBits() const { return absMask() & ~mantMask(); }
  uint64_t mantMask() const { return (uint64_t{1} << mantBits) - 1; }
  /// Bits of 2^e (normal or subnormal in the layout).
  uint64_t pow2Bits(int e) const {
    int64_t biased = static_cast<int64_t>(bias) + e;
    if (biased >= 1)
      return static_cast<uint64_t>(biased) << mantBits;
    return uint64_t{1} << (mantBits - 1 + biased);
  }
};

constexpr SourceLayout kBinary32 = {32, 23, 127};
constexpr SourceLayout kBinary64 = {64, 52, 1023};

/// What an encoder gets: the source bits and everything derived from the
/// original source type.
struct EncodeInput {
  SourceLayout layout;
  Value bits; ///< iN lanes
  /// Stochastic rounding's random bits, i32 lanes (null otherwise).
  Value randomBits;
  /// Hybrid rounding's threshold T (iN lanes) and the number of F bits it is
  /// compared with (14 for binary32, 2 for binary16/bfloat16, 0 for binary64,
  /// where hybrid is nearest-away).
  Value hybridT;
  unsigned hybridBits = 0;
};

/// Widens binary16 bits (i32 lanes holding 16 bits) exactly to binary32
/// bits. Subnormals are normalised by one exact float subtraction.
static Value widenBinary16(Lanes &l, Value h) {
  Value abs = l.bitAnd(h, 0x7FFF);
  // (abs << 13) + ((127 - 15) << 23); Inf and NaN need another 112 << 23.
  Value normal = l.add(l.shl(abs, 13), uint64_t{127 - 15} << 23);
  Value nonFinite = l.add(normal, uint64_t{127 - 15} << 23);
  normal = l.select(l.uge(abs, 0x7C00), nonFinite, normal);
  // Subnormal: 2^-14 * (1 + m/1024) - 2^-14 = m * 2^-24, exact.
  Type f32 = l.getBuilder().getF32Type();
  Value biased = l.bitcast(l.add(normal, 1u << 23), f32);
  Value subnormal =
      l.bitcast(l.subf(biased, l.floatCst(0x1p-14, cast<FloatType>(f32))),
                l.getBuilder().getI32Type());
  Value magnitude = l.select(l.ult(abs, 0x400), subnormal, normal);
  return l.bitOr(magnitude, l.shl(l.bitAnd(h, 0x8000), 16));
}

//===----------------------------------------------------------------------===//
// Overflow rules (Numerics.h)
//===----------------------------------------------------------------------===//

/// Whether an overflow of a value of sign `negative` goes to infinity (the
/// format's Inf, NaN or max finite as infResult says) under saturation none.
static bool overflowsToInfinity(Rounding rounding, bool negative) {
  switch (rounding) {
  case Rounding::TowardZero:
  case Rounding::Odd:
    return false;
  case Rounding::Upward:
    return !negative;
  case Rounding::Downward:
    return negative;
  default:
    return true;
  }
}

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

/// floor(2^32 * rem / 2^shift) where rem = x mod 2^shift and x < 2^(P+1)
/// wherever shift > N (N-bit lanes; shift >= 1). Used where `shift` can
/// exceed the lane width (the tiny end of the range).
static Value topFractionBits(Lanes &l, Value x, Value shift, unsigned width) {
  // shift <= N: x << (N - shift) left-aligns the remainder (the kept bits
  // fall off), then keep its top 32 bits.
  Value left = l.umin(l.sub(width, shift), width - 1);
  Value near = l.shr(l.shl(x, left), width - 32);
  // shift > N: nothing is kept; x >> (shift - 32).
  Value right = l.umin(l.sub(shift, 32), width - 1);
  Value far = l.shr(x, right);
  return l.select(l.ule(shift, width), near, far);
}

/// frac + randomBits >= 2^32, for a 32-bit fraction in N-bit lanes.
static Value stochasticRoundsUp(Lanes &l, Value frac, Value randomBits) {
  Value limit = l.zext(l.bitNot(randomBits), Lanes::widthOf(frac));
  return l.ugt(frac, limit);
}

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

static Value encodeIEEELike(Lanes &l, const EncodeInput &in,
                            const FormatInfo &info, Rounding rounding,
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
    FloatType floatType = n == 32
                              ? cast<FloatType>(l.getBuilder().getF32Type())
                              : cast<FloatType>(l.getBuilder().getF64Type());
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
      Value inexact =
          l.cmp(arith::CmpIPredicate::ne, x, l.shl(quotient, shift));
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

static Value encodeE8M0(Lanes &l, const EncodeInput &in, Rounding rounding,
                        Saturation saturation) {
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

//===----------------------------------------------------------------------===//
// HiF8 (docs/HiF8.md)
//===----------------------------------------------------------------------===//

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

static Value encodeHiF8(Lanes &l, const EncodeInput &in, Rounding rounding,
                        Saturation saturation,
                        const mlir::fp8::EmitterOptions &options) {
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
    Value away = rounding == Rounding::Upward ? l.boolNot(negative) : negative;
    bias0 = l.select(away, l.bitNot(keepMask), uint64_t{0});
    tinyUp = l.boolAnd(away, l.ne(abs, 0));
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
    Value up =
        l.boolOr(l.uge(f, in.hybridT),
                 l.uge(abs, src.pow2Bits(15) | (uint64_t{1} << (p - 2))));
    if (!magnitudeExp)
      magnitudeExp = l.absi(l.sub(exponent, bias));
    Value ta = l.boolOr(l.ult(magnitudeExp, 4), l.ult(abs, tinyLimit));
    bias0 = l.select(ta, half, l.select(up, l.shl(half, 1), uint64_t{0}));
    // Tiny: only 2^-23 <= |x| < 2^-22 can round up, with F = the top bits
    // of the significand.
    Value sig = l.bitOr(l.bitAnd(abs, src.mantMask()), uint64_t{1} << p);
    Value fTiny = l.shr(sig, p + 1 - in.hybridBits);
    tinyUp =
        l.boolAnd(l.eq(l.shr(abs, p), bias - 23), l.uge(fTiny, in.hybridT));
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
    Value inexact = l.cmp(arith::CmpIPredicate::ne, rounded, clamped);
    Value setBit = l.boolAnd(inexact, l.ult(narrowing, 3));
    rounded = l.bitOr(rounded,
                      l.select(setBit, l.shl(half, 1), l.cstLike(0, rounded)));
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
    tinyZero = l.boolAnd(isTiny, l.boolNot(tinyUp));
    break;
  }
  code = l.select(tinyZero, uint64_t{0}, code);
  return l.select(l.ugt(abs, src.infBits()), 0x80, code);
}

//===----------------------------------------------------------------------===//
// Decode
//===----------------------------------------------------------------------===//

static Value decodeHiF8(Lanes &l, Value c) {
  Value p = l.bitAnd(c, 0x7F);
  // Prefix classes: exponent sign n, mantissa narrowing s, and the offset
  // of the class's codes (the inverse of the encoder's assembly).
  Value wide = l.uge(p, 0x20); // |e| >= 2
  Value negExp = l.select(wide, l.ne(l.bitAnd(p, 0x10), 0), l.uge(p, 0x18));
  Value s = l.sub(l.umax(l.shr(p, 5), 1), 1);
  Value prefix = l.shl(l.select(wide, 16, 8, 32), l.zext(negExp, 32));
  Value z = l.shl(l.sub(p, l.add(l.shl(s, 5), prefix)), s); // 8|e| + M3
  // 8 * (127 + e) + M3: z + 1016 for e >= 0, z ^ 1016 for e < 0.
  Value top = l.select(negExp, l.bitXor(z, 1016), l.add(z, 1016));
  Value normal = l.shl(top, 20);
  Value denormal = l.shl(l.add(p, 127 - 23), 23); // 2^(p - 23)
  Value bits = l.select(l.ult(p, 8), denormal, normal);
  bits = l.select(l.eq(p, 0), uint64_t{0}, bits);
  bits = l.select(l.eq(p, 0x6F), 0x7F800000, bits);
  bits = l.bitOr(bits, l.shl(l.bitAnd(c, 0x80), 24));
  return l.select(l.eq(c, 0x80), 0x7FC00000, bits); // NaN (positive)
}

static Value decodeIEEELike(Lanes &l, Value c, const FormatInfo &info) {
  if (info.format == Format::F8E8M0FNU) {
    Value bits = l.select(l.eq(c, 0), 0x00400000, l.shl(c, 23));
    return l.select(l.eq(c, 0xFF), 0x7FC00000, bits);
  }
  const unsigned m = info.mantissaBits;
  const unsigned signBit = 1u << (info.bitWidth - 1);
  Value magnitude = l.bitAnd(c, signBit - 1);
  // Normal: move the fields into place and rebias.
  Value normal = l.add(l.shl(magnitude, 23 - m),
                       static_cast<uint64_t>(127 - info.exponentBias) << 23);
  // Subnormal (exponent field 0): mantissa * 2^qmin, exact in binary32.
  Type f32 = l.getBuilder().getF32Type();
  int quantumMin = info.minNormalExponent - static_cast<int>(m);
  Value scaled =
      l.mulf(l.sitofp(magnitude, cast<FloatType>(f32)),
             l.floatCst(std::ldexp(1.0, quantumMin), cast<FloatType>(f32)));
  Value subnormal = l.bitcast(scaled, l.getBuilder().getI32Type());
  Value bits = l.select(l.ult(magnitude, 1u << m), subnormal, normal);
  switch (info.nonFinite) {
  case NonFiniteEncoding::IEEE: {
    Value special =
        l.select(l.eq(magnitude, info.infCode), 0x7F800000, 0x7FC00000, 32);
    bits = l.select(l.uge(magnitude, info.infCode), special, bits);
    break;
  }
  case NonFiniteEncoding::NanOnly:
    bits = l.select(l.eq(magnitude, signBit - 1), 0x7FC00000, bits);
    break;
  default:
    break;
  }
  bits = l.bitOr(bits, l.shl(l.bitAnd(c, signBit), 32 - info.bitWidth));
  if (info.nonFinite == NonFiniteEncoding::NegZeroNaN)
    bits = l.select(l.eq(c, 0x80), 0xFFC00000, bits);
  return bits;
}

} // namespace

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

Value mlir::fp8::emitEncode(OpBuilder &builder, Location loc, Value value,
                            Format format, Rounding rounding,
                            Saturation saturation, Value randomBits,
                            const EmitterOptions &options) {
  Type elementType = getElementTypeOrSelf(value.getType());
  assert(isa<FloatType>(elementType) && "encode needs a float source");
  assert((rounding != Rounding::Stochastic || randomBits) &&
         "stochastic rounding needs random bits");
  Lanes l(builder, loc, value.getType());
  const FormatInfo &info = ::fp8::getFormatInfo(format);

  EncodeInput in{kBinary32, Value(), Value(), Value(), 0};
  if (randomBits)
    in.randomBits = randomBits;
  if (elementType.isF64()) {
    in.layout = kBinary64;
    in.bits = l.bitcast(value, builder.getI64Type());
  } else if (elementType.isF32()) {
    in.bits = l.bitcast(value, builder.getI32Type());
    if (rounding == Rounding::Hybrid) {
      in.hybridT = l.bitAnd(in.bits, 0x3FFF); // SR14
      in.hybridBits = 14;
    }
  } else {
    assert((elementType.isF16() || elementType.isBF16()) &&
           "encode takes f16, bf16, f32 or f64");
    Value half =
        l.zext(l.bitcast(value, builder.getIntegerType(16)), /*width=*/32);
    in.bits = elementType.isF16() ? widenBinary16(l, half) : l.shl(half, 16);
    if (rounding == Rounding::Hybrid) {
      // SR2: T = {lowest stored mantissa bit, 1}.
      in.hybridT = l.bitOr(l.shl(l.bitAnd(half, 1), 1), 1);
      in.hybridBits = 2;
    }
  }

  Value code;
  if (format == Format::HiF8)
    code = encodeHiF8(l, in, rounding, saturation, options);
  else if (format == Format::F8E8M0FNU)
    code = encodeE8M0(l, in, rounding, saturation);
  else
    code = encodeIEEELike(l, in, info, rounding, saturation);
  return l.trunc(code, 8);
}

Value mlir::fp8::emitDecode(OpBuilder &builder, Location loc, Value codes,
                            Format format) {
  assert(getElementTypeOrSelf(codes.getType()).isInteger(8) &&
         "decode takes i8 codes");
  Lanes l(builder, loc, codes.getType());
  const FormatInfo &info = ::fp8::getFormatInfo(format);
  Value c = l.zext(codes, 32);
  if (info.bitWidth < 8)
    c = l.bitAnd(c, (1u << info.bitWidth) - 1);
  Value bits =
      format == Format::HiF8 ? decodeHiF8(l, c) : decodeIEEELike(l, c, info);
  return l.bitcast(bits, builder.getF32Type());
}
