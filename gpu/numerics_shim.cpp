//===- numerics_shim.cpp - C entry points into lib/Numerics for ctypes ----===//
//
// Built on the GPU machine (plain C++, no LLVM) by gpu/harness.py:
//   c++ -O2 -shared -fPIC -Iinclude lib/Numerics/Numerics.cpp
//       gpu/numerics_shim.cpp -o <dir>/libfp8numerics.so
//
// Formats, rounding and saturation modes are passed by name, as MLIR spells
// them ("f8E4M3FN", "hif8"; "nearest_even"; "finite"), so that no copy of
// the numerics library's enum values lives in Python. An unknown name aborts.
//
//===----------------------------------------------------------------------===//

#include "fp8/Numerics/Numerics.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>

namespace {

template <typename T>
T parseOrDie(std::optional<T> value, const char *what, const char *name) {
  if (!value) {
    std::fprintf(stderr, "numerics_shim: unknown %s '%s'\n", what, name);
    std::abort();
  }
  return *value;
}

fp8::Format format(const char *name) {
  return parseOrDie(fp8::parseFormat(name), "format", name);
}
fp8::Rounding rounding(const char *name) {
  return parseOrDie(fp8::parseRounding(name), "rounding mode", name);
}
fp8::Saturation saturation(const char *name) {
  return parseOrDie(fp8::parseSaturation(name), "saturation mode", name);
}

} // namespace

extern "C" {

void fp8_encode_f32(const char *formatName, const char *roundingName,
                    const char *saturationName, const float *in, uint8_t *out,
                    size_t n) {
  fp8::Format f = format(formatName);
  fp8::Rounding r = rounding(roundingName);
  fp8::Saturation s = saturation(saturationName);
  for (size_t i = 0; i < n; ++i)
    out[i] = fp8::encode(f, in[i], r, s);
}

void fp8_encode_f16(const char *formatName, const char *roundingName,
                    const char *saturationName, const uint16_t *in,
                    uint8_t *out, size_t n) {
  fp8::Format f = format(formatName);
  fp8::Rounding r = rounding(roundingName);
  fp8::Saturation s = saturation(saturationName);
  for (size_t i = 0; i < n; ++i)
    out[i] = fp8::encodeHalfBits(f, in[i], fp8::Source::Binary16, r, s);
}

void fp8_decode_f32(const char *formatName, const uint8_t *in, float *out,
                    size_t n) {
  fp8::Format f = format(formatName);
  for (size_t i = 0; i < n; ++i)
    out[i] = fp8::decodeToFloat(f, in[i]);
}
}
