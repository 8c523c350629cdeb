//===- NumericsEmitter.cpp - Encode/decode as branch-free arith code ------===//
//
// Emits lib/Numerics' encode and decode as integer bit arithmetic plus
// selects on the source's own bits (i32 lanes for f32, f16 and bf16, which
// are first widened exactly; i64 lanes for f64). Format parameters are
// compile-time constants: every derived constant is computed here, and only
// the cases that can occur for the given format, rounding and saturation
// are emitted.
//
// This file holds the entry points, the sources and decode; the encoders,
// each headed by the shape of its computation, are in EncodeIEEE.cpp
// (IEEE-like formats, f8E8M0FNU) and EncodeHiF8.cpp, and share the lane
// arithmetic of EmitterLanes.h. Notation: N = lane width, P = source
// mantissa bits, B = source exponent bias, m = target mantissa bits.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"
#include "EmitterLanes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fp8::detail;
using ::fp8::Format;
using ::fp8::FormatInfo;
using ::fp8::NonFiniteEncoding;
using ::fp8::Rounding;
using ::fp8::Saturation;

//===----------------------------------------------------------------------===//
// Sources
//===----------------------------------------------------------------------===//

/// Widens binary16 bits (i32 lanes holding 16 bits) exactly to binary32
/// bits. Subnormals are normalised by one exact float subtraction.
static Value widenBinary16(Lanes &l, Value h) {
  Value abs = l.bitAnd(h, 0x7FFF);
  // (abs << 13) + ((127 - 15) << 23); Inf and NaN need another 112 << 23.
  Value normal = l.add(l.shl(abs, 13), uint64_t{127 - 15} << 23);
  Value nonFinite = l.add(normal, uint64_t{127 - 15} << 23);
  normal = l.select(l.uge(abs, 0x7C00), nonFinite, normal);
  // Subnormal: 2^-14 * (1 + m/1024) - 2^-14 = m * 2^-24, exact.
  FloatType f32 = l.getBuilder().getF32Type();
  Value biased = l.bitcast(l.add(normal, 1u << 23), f32);
  Value subnormal = l.bitcast(l.subf(biased, l.floatCst(0x1p-14, f32)),
                              l.getBuilder().getI32Type());
  Value magnitude = l.select(l.ult(abs, 0x400), subnormal, normal);
  return l.bitOr(magnitude, l.shl(l.bitAnd(h, 0x8000), 16));
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
  FloatType f32 = l.getBuilder().getF32Type();
  int quantumMin = info.minNormalExponent - static_cast<int>(m);
  Value scaled = l.mulf(l.sitofp(magnitude, f32),
                        l.floatCst(std::ldexp(1.0, quantumMin), f32));
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
