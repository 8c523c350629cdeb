//===- numerics_shim.cpp - C entry points into lib/Numerics for ctypes ----===//
//
// Built on the GPU machine (plain C++, no LLVM) by gpu/harness.py:
//   c++ -O2 -shared -fPIC -Iinclude lib/Numerics/Numerics.cpp
//       gpu/numerics_shim.cpp -o <dir>/libfp8numerics.so
//
//===----------------------------------------------------------------------===//

#include "fp8/Numerics/Numerics.h"

#include <cstddef>
#include <cstdint>

extern "C" {

void fp8_encode_f32(int format, int rounding, int saturation, const float *in,
                    uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = fp8::encode(static_cast<fp8::Format>(format), in[i],
                         static_cast<fp8::Rounding>(rounding),
                         static_cast<fp8::Saturation>(saturation));
}

void fp8_encode_f16(int format, int rounding, int saturation,
                    const uint16_t *in, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = fp8::encodeHalfBits(
        static_cast<fp8::Format>(format), in[i], fp8::Source::Binary16,
        static_cast<fp8::Rounding>(rounding),
        static_cast<fp8::Saturation>(saturation));
}

void fp8_decode_f32(int format, const uint8_t *in, float *out, size_t n) {
  for (size_t i = 0; i < n; ++i)
    out[i] = fp8::decodeToFloat(static_cast<fp8::Format>(format), in[i]);
}
}
