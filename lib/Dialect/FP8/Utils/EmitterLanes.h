//===- EmitterLanes.h - Shared by the numerics emitter's parts --*- C++ -*-===//
//
// Private to lib/Dialect/FP8/Utils: the lane arithmetic, the source layouts
// and the rounding helpers that NumericsEmitter.cpp (entry points, sources,
// decode), EncodeIEEE.cpp (IEEE-like formats, f8E8M0FNU) and EncodeHiF8.cpp
// share.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_DIALECT_FP8_UTILS_EMITTERLANES_H
#define FP8_LIB_DIALECT_FP8_UTILS_EMITTERLANES_H

#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"

#include <cassert>

namespace mlir::fp8::detail {

//===----------------------------------------------------------------------===//
// Lane arithmetic
//===----------------------------------------------------------------------===//

/// Arith ops on scalars or vectors of one shape. Integer constants are splat
/// to that shape (and cached); an op whose operands are all constant folds.
/// Every integer op also takes a constant operand as a plain number, of the
/// other operand's width. (Upstream's ArithBuilder creates without folding
/// and takes no constants; ImplicitLocOpBuilder would only save `loc`.)
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

  /// The iN constant `value` (truncated to N bits), created once.
  Value cst(uint64_t value, unsigned width) {
    if (width < 64)
      value &= (uint64_t{1} << width) - 1;
    Value &slot = constants[{width, value}];
    if (!slot)
      slot = createScalarOrSplatConstant(builder, loc, intType(width),
                                         APInt(width, value));
    return slot;
  }
  Value cstLike(uint64_t value, Value like) {
    return cst(value, widthOf(like));
  }
  Value floatCst(double value, FloatType type) {
    return createScalarOrSplatConstant(
        builder, loc, shaped(type),
        builder.getFloatAttr(type, value).getValue());
  }

  // Bitwise ops double as the i1 logical ones (bitNot of an i1 is its
  // negation).
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
  /// |a| as max(a, -a) (the same for every value, INT_MIN included):
  /// convert-math-to-llvm does not lower math.absi on vectors of rank > 1.
  Value absi(Value a) {
    return builder.createOrFold<arith::MaxSIOp>(loc, a, sub(0, a));
  }

#define FP8_CMP_OP(name)                                                       \
  Value name(Value a, Value b) {                                               \
    return builder.createOrFold<arith::CmpIOp>(                                \
        loc, arith::CmpIPredicate::name, a, b);                                \
  }                                                                            \
  Value name(Value a, uint64_t b) { return name(a, cstLike(b, a)); }
  FP8_CMP_OP(eq)
  FP8_CMP_OP(ne)
  FP8_CMP_OP(ult)
  FP8_CMP_OP(ule)
  FP8_CMP_OP(ugt)
  FP8_CMP_OP(uge)
  FP8_CMP_OP(slt)
#undef FP8_CMP_OP

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
  Value lookup64(const TableLookup &lookup, Value index,
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

//===----------------------------------------------------------------------===//
// Rounding helpers (Numerics.h)
//===----------------------------------------------------------------------===//

/// Whether an overflow of a value of sign `negative` goes to infinity (the
/// format's Inf, NaN or max finite as infResult says) under saturation none.
inline bool overflowsToInfinity(::fp8::Rounding rounding, bool negative) {
  switch (rounding) {
  case ::fp8::Rounding::TowardZero:
  case ::fp8::Rounding::Odd:
    return false;
  case ::fp8::Rounding::Upward:
    return !negative;
  case ::fp8::Rounding::Downward:
    return negative;
  default:
    return true;
  }
}

/// floor(2^32 * rem / 2^shift) where rem = x mod 2^shift and x < 2^(P+1)
/// wherever shift > N (N-bit lanes; shift >= 1). Used where `shift` can
/// exceed the lane width (the tiny end of the range).
inline Value topFractionBits(Lanes &l, Value x, Value shift, unsigned width) {
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
inline Value stochasticRoundsUp(Lanes &l, Value frac, Value randomBits) {
  Value limit = l.zext(l.bitNot(randomBits), Lanes::widthOf(frac));
  return l.ugt(frac, limit);
}

//===----------------------------------------------------------------------===//
// Encoders
//===----------------------------------------------------------------------===//

/// The codes (iN lanes, the code in the low bits) of `in` in `info`'s format,
/// for every format but HiF8 and f8E8M0FNU (EncodeIEEE.cpp).
Value encodeIEEELike(Lanes &l, const EncodeInput &in,
                     const ::fp8::FormatInfo &info, ::fp8::Rounding rounding,
                     ::fp8::Saturation saturation);

/// The f8E8M0FNU codes of `in` (EncodeIEEE.cpp).
Value encodeE8M0(Lanes &l, const EncodeInput &in, ::fp8::Rounding rounding,
                 ::fp8::Saturation saturation);

/// The HiF8 codes of `in` (EncodeHiF8.cpp); `options` may offer a table
/// lookup for the binade tables.
Value encodeHiF8(Lanes &l, const EncodeInput &in, ::fp8::Rounding rounding,
                 ::fp8::Saturation saturation, const EmitterOptions &options);

} // namespace mlir::fp8::detail

#endif // FP8_LIB_DIALECT_FP8_UTILS_EMITTERLANES_H
