//===- NumericsEmitter.h - Encode/decode as arith code ----------*- C++ -*-===//
//
// Emits the numerics library's encode and decode as branch-free arith code on
// scalars or vectors (integer bit arithmetic and selects: no calls, no
// branches, no per-element scalarization), so that the CPU and GPU lowerings
// compute bit for bit what lib/Numerics computes.
//
// The emitted ops are from the arith dialect plus math.absi (a pass that
// calls these must declare both as dependent dialects). A few float ops are
// used where they are exact or round to nearest even by design (one add in
// the nearest-even encoders, the subnormal paths of the f16 widening and of
// decoding); no result of theirs is subnormal and no subnormal operand
// changes an outcome, so flush-to-zero modes do not matter, but the default
// rounding mode (to nearest) is assumed, as LLVM assumes it.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_UTILS_NUMERICSEMITTER_H
#define FP8_DIALECT_FP8_UTILS_NUMERICSEMITTER_H

#include "fp8/Numerics/Numerics.h"
#include "mlir/IR/Value.h"

#include <functional>

namespace mlir {
class Location;
class OpBuilder;

namespace fp8 {

/// Looks `table` (at most 64 16-bit entries, entry 0 zero) up at every lane
/// of `index`, a vector<16xi32> of values below 64; returns the entries
/// zero-extended to vector<16xi32>.
using TableLookup = std::function<Value(OpBuilder &builder, Location loc,
                                        Value index, ArrayRef<uint16_t> table)>;

/// Code generation choices that do not change results.
struct EmitterOptions {
  /// A target's one-instruction table lookup, where it has one (the AVX-512
  /// CPU targets: vpermi2w, from Conversion/FP8ToCPU). HiF8 encoding of
  /// 16-lane f32 vectors then looks its binade tables up instead of
  /// computing them. Empty: target-independent bit arithmetic only.
  TableLookup lookupTable64;
};

/// Encodes `value`, a scalar or vector of f16, bf16, f32 or f64, into
/// `format`. Returns the codes as i8 of the same shape (6- and 4-bit codes in
/// the low bits, high bits zero), bit-identical with ::fp8::encode (f32,
/// f64) or ::fp8::encodeHalfBits (f16, bf16) for that source type.
/// `randomBits` (i32 of the same shape) is required iff `rounding` is
/// Stochastic. Every rounding mode the library defines is emitted, also
/// those `isRoundingSupported` does not offer (HiF8's upward, downward and
/// odd); like the library, Hybrid is NearestEven for the builtin formats and
/// NearestAway (TA) for an f64 source. f16 and bf16 are widened exactly to
/// f32 lanes (hybrid rounding keeps SR2's T from the original bits); f64
/// works in i64 lanes.
Value emitEncode(OpBuilder &builder, Location loc, Value value,
                 ::fp8::Format format, ::fp8::Rounding rounding,
                 ::fp8::Saturation saturation, Value randomBits = {},
                 const EmitterOptions &options = {});

/// Decodes `codes`, a scalar or vector of i8 holding codes of `format` (6-
/// and 4-bit codes in the low bits; the bits above are ignored), into f32
/// of the same shape, exactly as ::fp8::decodeToFloat does, NaNs included:
/// the quiet NaN 0x7FC00000 with the code's sign bit (so FNUZ's 0x80 gives
/// -NaN; HiF8's 0x80 and E8M0's 0xFF give +NaN).
Value emitDecode(OpBuilder &builder, Location loc, Value codes,
                 ::fp8::Format format);

} // namespace fp8
} // namespace mlir

#endif // FP8_DIALECT_FP8_UTILS_NUMERICSEMITTER_H
