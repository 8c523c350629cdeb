//===- MainModule.cpp - The fp8mlir._fp8mlir extension module -------------===//
//
// Numerics kernels over NumPy arrays (the numerics library, one C++ loop per
// call) and the compiler (Compiler.h). Argument checking and dtype handling
// live in the Python package; these entry points take C-contiguous arrays of
// exactly the right dtype, and still check sizes so that no call can read
// or write out of bounds.
//
//===----------------------------------------------------------------------===//

#include "Compiler.h"
#include "fp8/Numerics/Numerics.h"

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace nb = nanobind;
using namespace fp8;
using namespace fp8::python;

template <typename T>
using Array = nb::ndarray<T, nb::c_contig, nb::device::cpu>;

//===----------------------------------------------------------------------===//
// Numerics
//===----------------------------------------------------------------------===//

static Format toFormat(int format) {
  if (format < 0 || format >= static_cast<int>(kNumFormats))
    throw std::invalid_argument("unknown format " + std::to_string(format));
  return static_cast<Format>(format);
}

static Rounding toRounding(int rounding) {
  if (rounding < 0 || rounding >= static_cast<int>(kNumRoundings))
    throw std::invalid_argument("unknown rounding " + std::to_string(rounding));
  return static_cast<Rounding>(rounding);
}

static Saturation toSaturation(bool saturate) {
  return saturate ? Saturation::Finite : Saturation::None;
}

template <typename A, typename B>
static void checkSameSize(const A &a, const B &b, const char *what) {
  if (a.size() != b.size())
    throw std::invalid_argument(std::string(what) + ": size mismatch");
}

/// Random bits for element `i`: none, one for all, or one per element.
static uint32_t randomBitsAt(const std::optional<Array<const uint32_t>> &bits,
                             size_t i) {
  if (!bits)
    return 0;
  return bits->size() == 1 ? bits->data()[0] : bits->data()[i];
}

static void checkRandomBits(const std::optional<Array<const uint32_t>> &bits,
                            size_t size) {
  if (bits && bits->size() != 1 && bits->size() != size)
    throw std::invalid_argument("random_bits: size mismatch");
}

template <typename T>
static void encodeArray(Array<const T> x, Array<uint8_t> out, int format,
                        int rounding, bool saturate,
                        std::optional<Array<const uint32_t>> randomBits) {
  checkSameSize(x, out, "encode");
  checkRandomBits(randomBits, x.size());
  Format f = toFormat(format);
  Rounding r = toRounding(rounding);
  Saturation s = toSaturation(saturate);
  nb::gil_scoped_release release;
  for (size_t i = 0; i < x.size(); ++i)
    out.data()[i] = encode(f, x.data()[i], r, s, randomBitsAt(randomBits, i));
}

static void encodeHalfArray(Array<const uint16_t> bits, bool bfloat16,
                            Array<uint8_t> out, int format, int rounding,
                            bool saturate,
                            std::optional<Array<const uint32_t>> randomBits) {
  checkSameSize(bits, out, "encode");
  checkRandomBits(randomBits, bits.size());
  Format f = toFormat(format);
  Rounding r = toRounding(rounding);
  Saturation s = toSaturation(saturate);
  Source source = bfloat16 ? Source::BFloat16 : Source::Binary16;
  nb::gil_scoped_release release;
  for (size_t i = 0; i < bits.size(); ++i)
    out.data()[i] = encodeHalfBits(f, bits.data()[i], source, r, s,
                                   randomBitsAt(randomBits, i));
}

static void decodeArray(Array<const uint8_t> codes, Array<float> out,
                        int format) {
  checkSameSize(codes, out, "decode");
  Format f = toFormat(format);
  nb::gil_scoped_release release;
  for (size_t i = 0; i < codes.size(); ++i)
    out.data()[i] = decodeToFloat(f, codes.data()[i]);
}

namespace {
/// Walks a C-contiguous array of `shape` in order, with the row-major index
/// of each element's block in the scale array of shape ceildiv(shape, block).
struct BlockedShape {
  std::vector<int64_t> shape, block, scaleShape, scaleStrides;
  int64_t size = 1, scaleSize = 1;

  template <typename T>
  BlockedShape(const Array<T> &x, const std::vector<int64_t> &block)
      : block(block) {
    if (block.size() != x.ndim())
      throw std::invalid_argument("block: one entry per dimension expected");
    for (size_t d = 0; d < x.ndim(); ++d) {
      if (block[d] < 1)
        throw std::invalid_argument("block: entries must be >= 1");
      shape.push_back(static_cast<int64_t>(x.shape(d)));
      scaleShape.push_back((shape[d] + block[d] - 1) / block[d]);
      size *= shape[d];
      scaleSize *= scaleShape[d];
    }
    scaleStrides.assign(shape.size(), 1);
    for (size_t d = shape.size(); d-- > 1;)
      scaleStrides[d - 1] = scaleStrides[d] * scaleShape[d];
  }

  template <typename Fn> void forEach(Fn fn) const {
    size_t rank = shape.size();
    std::vector<int64_t> index(rank, 0);
    int64_t scaleIndex = 0;
    for (int64_t i = 0; i < size; ++i) {
      fn(i, scaleIndex);
      for (size_t d = rank; d-- > 0;) {
        if (++index[d] < shape[d]) {
          if (index[d] % block[d] == 0)
            scaleIndex += scaleStrides[d];
          break;
        }
        index[d] = 0;
        scaleIndex -= (scaleShape[d] - 1) * scaleStrides[d];
      }
    }
  }

  template <typename T> void checkScale(const Array<T> &scale) const {
    if (static_cast<int64_t>(scale.size()) != scaleSize)
      throw std::invalid_argument("scale: size does not match the blocks");
  }
};
} // namespace

static void quantizeArray(Array<const float> x, Array<const float> scale,
                          std::vector<int64_t> block, Array<uint8_t> out,
                          int format, int rounding, bool saturate,
                          std::optional<Array<const uint32_t>> randomBits) {
  BlockedShape blocked(x, block);
  blocked.checkScale(scale);
  checkSameSize(x, out, "quantize");
  checkRandomBits(randomBits, x.size());
  Format f = toFormat(format);
  Rounding r = toRounding(rounding);
  Saturation s = toSaturation(saturate);
  nb::gil_scoped_release release;
  blocked.forEach([&](int64_t i, int64_t j) {
    out.data()[i] = quantize(f, x.data()[i], scale.data()[j], r, s,
                             randomBitsAt(randomBits, i));
  });
}

static void dequantizeArray(Array<const uint8_t> codes,
                            Array<const float> scale,
                            std::vector<int64_t> block, Array<float> out,
                            int format) {
  BlockedShape blocked(codes, block);
  blocked.checkScale(scale);
  checkSameSize(codes, out, "dequantize");
  Format f = toFormat(format);
  nb::gil_scoped_release release;
  blocked.forEach([&](int64_t i, int64_t j) {
    out.data()[i] = dequantize(f, codes.data()[i], scale.data()[j]);
  });
}

/// max |x| per block, a NaN making its block's amax the canonical quiet NaN
/// 0x7FC00000 (fp8.amax).
static void amaxArray(Array<const float> x, std::vector<int64_t> block,
                      Array<float> out) {
  BlockedShape blocked(x, block);
  blocked.checkScale(out);
  nb::gil_scoped_release release;
  std::fill(out.data(), out.data() + out.size(), 0.0f);
  blocked.forEach([&](int64_t i, int64_t j) {
    float magnitude = std::fabs(x.data()[i]);
    float &current = out.data()[j];
    if (std::isnan(magnitude) || magnitude > current)
      current = std::isnan(current) ? current : magnitude;
  });
  const uint32_t canonicalNaN = 0x7FC00000;
  for (size_t i = 0; i < out.size(); ++i)
    if (std::isnan(out.data()[i]))
      std::memcpy(&out.data()[i], &canonicalNaN, sizeof(float));
}

static std::string formatNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

/// fp8.compute_scale's target: max_finite * 2^-margin, or target_max rounded
/// to f32 (as the op's F32 attribute), checked as the op's verifier does.
static double getCheckedScaleTarget(Format format, int margin,
                                    std::optional<double> targetMax) {
  if (!targetMax)
    return getScaleTarget(format, margin);
  if (margin != 0)
    throw std::invalid_argument(
        "compute_scale: target_max replaces margin; got margin " +
        std::to_string(margin) + " and a target_max");
  // Checked before the conversion, which is only defined within range.
  if (!(*targetMax >= FLT_MIN && *targetMax <= FLT_MAX))
    throw std::invalid_argument(
        "compute_scale: target_max must be a finite float32 no smaller than "
        "the smallest normal float32, got " +
        formatNumber(*targetMax));
  float target = static_cast<float>(*targetMax);
  const FormatInfo &info = getFormatInfo(format);
  if (target > info.maxFinite)
    throw std::invalid_argument("compute_scale: target_max " +
                                formatNumber(target) + " exceeds max_finite(" +
                                info.name +
                                ") = " + formatNumber(info.maxFinite));
  return target;
}

static void computeScaleArray(Array<const float> amax, Array<float> out,
                              int format, int margin, bool pow2,
                              std::optional<double> targetMax) {
  checkSameSize(amax, out, "compute_scale");
  double target = getCheckedScaleTarget(toFormat(format), margin, targetMax);
  nb::gil_scoped_release release;
  for (size_t i = 0; i < amax.size(); ++i)
    out.data()[i] = computeScaleForTarget(amax.data()[i], target, pow2);
}

static void computeScaleE8M0Array(Array<const float> amax, Array<uint8_t> out,
                                  int format, int margin,
                                  std::optional<double> targetMax) {
  checkSameSize(amax, out, "compute_scale");
  double target = getCheckedScaleTarget(toFormat(format), margin, targetMax);
  nb::gil_scoped_release release;
  for (size_t i = 0; i < amax.size(); ++i)
    out.data()[i] = computeScaleE8M0ForTarget(amax.data()[i], target);
}

static nb::dict getFormatInfoDict(int format) {
  const FormatInfo &info = getFormatInfo(toFormat(format));
  nb::dict dict;
  dict["name"] = info.name;
  dict["bit_width"] = info.bitWidth;
  dict["exponent_bits"] = info.exponentBits;
  dict["mantissa_bits"] = info.mantissaBits;
  dict["exponent_bias"] = info.exponentBias;
  dict["signed"] = info.isSigned;
  dict["has_zero"] = info.hasZero;
  dict["has_negative_zero"] = info.hasNegativeZero;
  dict["has_inf"] = info.hasInf;
  dict["has_nan"] = info.hasNaN;
  dict["min_normal_exponent"] = info.minNormalExponent;
  dict["max_normal_exponent"] = info.maxNormalExponent;
  dict["max_finite"] = info.maxFinite;
  dict["min_normal"] = info.minNormal;
  dict["min_subnormal"] = info.minSubnormal;
  dict["max_finite_code"] = info.maxFiniteCode;
  dict["nan_code"] =
      info.hasNaN ? nb::object(nb::int_(info.nanCode)) : nb::none();
  dict["inf_code"] =
      info.hasInf ? nb::object(nb::int_(info.infCode)) : nb::none();
  dict["default_rounding"] = stringifyRounding(getDefaultRounding(info.format));
  nb::list roundings;
  for (unsigned r = 0; r < kNumRoundings; ++r)
    if (isRoundingSupported(info.format, static_cast<Rounding>(r)))
      roundings.append(stringifyRounding(static_cast<Rounding>(r)));
  dict["roundings"] = roundings;
  return dict;
}

//===----------------------------------------------------------------------===//
// Compiler
//===----------------------------------------------------------------------===//

/// Raises fp8mlir.MLIRError(summary, diagnostics).
[[noreturn]] static void raise(const Error &error) {
  if (error.isBadArgument)
    throw nb::value_error(error.summary.c_str());
  nb::object type = nb::module_::import_("fp8mlir._errors").attr("MLIRError");
  nb::list diagnostics;
  for (const std::string &message : error.diagnostics)
    diagnostics.append(message);
  PyErr_SetObject(type.ptr(), nb::make_tuple(error.summary, diagnostics).ptr());
  throw nb::python_error();
}

static const char *getElementKindName(ElementKind kind) {
  switch (kind) {
  case ElementKind::I1:
    return "i1";
  case ElementKind::I8:
    return "i8";
  case ElementKind::I16:
    return "i16";
  case ElementKind::I32:
    return "i32";
  case ElementKind::I64:
    return "i64";
  case ElementKind::F16:
    return "f16";
  case ElementKind::BF16:
    return "bf16";
  case ElementKind::F32:
    return "f32";
  case ElementKind::F64:
    return "f64";
  }
  return "";
}

static nb::dict valueTypeToDict(const ValueType &type) {
  nb::dict dict;
  dict["shaped"] = type.isShaped;
  dict["memref"] = type.isMemRef;
  dict["kind"] = getElementKindName(type.element);
  dict["element"] = type.elementName;
  nb::list shape;
  for (int64_t size : type.shape)
    shape.append(size < 0 ? nb::none() : nb::object(nb::int_(size)));
  dict["shape"] = nb::tuple(shape);
  return dict;
}

/// The unsigned integer dtype of `size` bytes: results cross as raw bits,
/// which the Python side views as their element type.
static nb::dlpack::dtype getRawDtype(size_t size) {
  switch (size) {
  case 1:
    return nb::dtype<uint8_t>();
  case 2:
    return nb::dtype<uint16_t>();
  case 4:
    return nb::dtype<uint32_t>();
  default:
    return nb::dtype<uint64_t>();
  }
}

/// Calls `name` with arrays the Python side has already checked (C
/// contiguous, right dtype); returns one NumPy array of raw bits per
/// result: a view of the result's buffer that owns it (shape and strides as
/// the code returned them), or of a scalar's bytes with shape ().
static nb::list invokeExecutable(Executable &executable,
                                 const std::string &name, nb::list arrays) {
  std::vector<Argument> arguments;
  for (nb::handle handle : arrays) {
    // Read-only arrays too: the code does not write into tensor arguments,
    // and memref arguments arrive as private copies.
    auto array =
        nb::cast<nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>>(handle);
    Argument argument;
    argument.data = const_cast<void *>(array.data());
    argument.elementSize = array.itemsize();
    for (size_t d = 0; d < array.ndim(); ++d)
      argument.shape.push_back(static_cast<int64_t>(array.shape(d)));
    arguments.push_back(std::move(argument));
  }
  std::vector<Result> results;
  Error error;
  bool ok;
  {
    nb::gil_scoped_release release;
    ok = executable.invoke(name, arguments, results, error);
  }
  if (!ok)
    raise(error);
  const Signature *signature = nullptr;
  for (const Signature &candidate : executable.getSignatures())
    if (candidate.name == name)
      signature = &candidate;
  nb::list list;
  for (size_t index = 0; index < results.size(); ++index) {
    Result &result = results[index];
    const ValueType &type = signature->results[index];
    size_t elementSize = getElementSize(type.element);
    std::vector<size_t> shape(result.shape.begin(), result.shape.end());
    if (!type.isShaped) {
      // A 0-d array of the scalar's bytes, copied by NumPy (no owner).
      list.append(nb::ndarray<nb::numpy>(&result.scalar, 0, nullptr,
                                         nb::handle(), nullptr,
                                         getRawDtype(elementSize))
                      .cast());
      continue;
    }
    auto *holder = new std::shared_ptr<void>(std::move(result.buffer));
    nb::capsule owner(holder, [](void *p) noexcept {
      delete static_cast<std::shared_ptr<void> *>(p);
    });
    list.append(nb::ndarray<nb::numpy>(result.data, shape.size(), shape.data(),
                                       owner, result.strides.data(),
                                       getRawDtype(elementSize))
                    .cast());
  }
  return list;
}

NB_MODULE(_fp8mlir, m) {
  m.doc() = "fp8-mlir's numerics library and compiler (use the fp8mlir "
            "package, not this module)";

  // Numerics.
  nb::list formats, roundings;
  for (Format format : allFormats())
    formats.append(getFormatInfo(format).name);
  for (unsigned r = 0; r < kNumRoundings; ++r)
    roundings.append(stringifyRounding(static_cast<Rounding>(r)));
  m.attr("FORMATS") = nb::tuple(formats);
  m.attr("ROUNDINGS") = nb::tuple(roundings);
  m.def("format_info", &getFormatInfoDict);
  m.def("encode_f64", &encodeArray<double>, nb::arg("x"), nb::arg("out"),
        nb::arg("format"), nb::arg("rounding"), nb::arg("saturate"),
        nb::arg("random_bits").none());
  m.def("encode_f32", &encodeArray<float>, nb::arg("x"), nb::arg("out"),
        nb::arg("format"), nb::arg("rounding"), nb::arg("saturate"),
        nb::arg("random_bits").none());
  m.def("encode_half", &encodeHalfArray, nb::arg("bits"), nb::arg("bfloat16"),
        nb::arg("out"), nb::arg("format"), nb::arg("rounding"),
        nb::arg("saturate"), nb::arg("random_bits").none());
  m.def("decode", &decodeArray);
  m.def("quantize", &quantizeArray, nb::arg("x"), nb::arg("scale"),
        nb::arg("block"), nb::arg("out"), nb::arg("format"),
        nb::arg("rounding"), nb::arg("saturate"),
        nb::arg("random_bits").none());
  m.def("dequantize", &dequantizeArray);
  m.def("amax", &amaxArray);
  m.def("compute_scale", &computeScaleArray, nb::arg("amax"), nb::arg("out"),
        nb::arg("format"), nb::arg("margin"), nb::arg("pow2"),
        nb::arg("target_max").none() = nb::none());
  m.def("compute_scale_e8m0", &computeScaleE8M0Array, nb::arg("amax"),
        nb::arg("out"), nb::arg("format"), nb::arg("margin"),
        nb::arg("target_max").none() = nb::none());

  // Compiler.
  m.attr("MLIR_LIBRARY_DIR") = getMLIRLibraryDir();
  m.attr("MAX_NESTING_DEPTH") = kMaxNestingDepth;
  m.def("host_cpu_target", &getHostCPUTargetName);
  nb::class_<Module>(m, "Module")
      .def_static(
          "parse",
          [](const std::string &source, const std::string &sourceName) {
            Error error;
            std::unique_ptr<Module> module =
                Module::parse(source, sourceName, error);
            if (!module)
              raise(error);
            return module;
          },
          nb::arg("source"), nb::arg("source_name") = "<string>")
      .def("clone", &Module::clone)
      .def("verify",
           [](const Module &module) {
             Error error;
             if (!module.verify(error))
               raise(error);
           })
      .def("print", &Module::print, nb::arg("generic") = false,
           nb::arg("debug_info") = false)
      .def("__str__",
           [](const Module &module) { return module.print(false, false); })
      .def(
          "run",
          [](Module &module, const std::string &pipeline) {
            Error error;
            if (!module.runPipeline(pipeline, error))
              raise(error);
          },
          nb::arg("pipeline"));

  nb::class_<Executable>(m, "Executable")
      .def_static("create",
                  [](const Module &module, const std::string &pipeline,
                     unsigned optLevel,
                     const std::vector<std::string> &sharedLibs,
                     unsigned threads) {
                    Error error;
                    std::unique_ptr<Executable> executable =
                        Executable::create(module, pipeline, optLevel,
                                           sharedLibs, threads, error);
                    if (!executable)
                      raise(error);
                    return executable;
                  })
      .def("signatures",
           [](const Executable &executable) {
             nb::list list;
             for (const Signature &signature : executable.getSignatures()) {
               nb::list arguments, results;
               for (const ValueType &type : signature.arguments)
                 arguments.append(valueTypeToDict(type));
               for (const ValueType &type : signature.results)
                 results.append(valueTypeToDict(type));
               list.append(nb::make_tuple(signature.name, arguments, results,
                                          signature.unsupported));
             }
             return list;
           })
      .def("invoke", &invokeExecutable)
      .def_prop_rw(
          "threads", [](const Executable &executable) {
            return executable.getThreads();
          },
          [](Executable &executable, unsigned threads) {
            Error error;
            if (!executable.setThreads(threads, error))
              raise(error);
          });
}
