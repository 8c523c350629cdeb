//===- Exhaustive.cpp - All 2^32 binary32 inputs, every format and mode ---===//
//
// Not part of the default test run (`ninja check-fp8-exhaustive` runs it).
// For every format x mode x saturation, encodes every binary32 bit pattern
// and compares with APFloat (IEEE modes of the builtin formats) or with the
// reference (round-to-odd, stochastic, HiF8). Stochastic rounding is checked
// at three random-bit values per input: a hash of the input and the two
// values on either side of the point where the result flips.
//
//   FP8NumericsExhaustive [--threads N] [--formats f8E4M3FN,hif8,...]
//                         [--roundings nearest_even,odd,...]
//                         [--begin 0x00000000] [--end 0x100000000]
//                         [--step 1]
//
// Prints progress and a summary; exits with 1 on any mismatch.
//
//===----------------------------------------------------------------------===//

#include "EncodeTestUtil.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace fp8;
using namespace fp8::test;

namespace {

struct Options {
  unsigned threads = 0;
  std::vector<Format> formats;
  std::vector<Rounding> roundings; ///< empty: every mode of each format
  uint64_t begin = 0, end = uint64_t{1} << 32;
  /// Check every `step`-th input only (a sample to estimate the run time).
  uint64_t step = 1;
};

std::vector<std::string> split(const std::string &s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos)
      comma = s.size();
    if (comma > start)
      out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

bool parseOptions(int argc, char **argv, Options &opts) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char *name) -> const char * {
      size_t n = std::strlen(name);
      if (arg.compare(0, n, name) == 0 && arg.size() > n && arg[n] == '=')
        return argv[i] + n + 1;
      if (arg == name && i + 1 < argc)
        return argv[++i];
      return nullptr;
    };
    if (const char *v = value("--threads")) {
      opts.threads = static_cast<unsigned>(std::strtoul(v, nullptr, 0));
    } else if (const char *v = value("--formats")) {
      for (const std::string &name : split(v)) {
        std::optional<Format> f = parseFormat(name);
        if (!f) {
          std::fprintf(stderr, "unknown format '%s'\n", name.c_str());
          return false;
        }
        opts.formats.push_back(*f);
      }
    } else if (const char *v = value("--roundings")) {
      for (const std::string &name : split(v)) {
        std::optional<Rounding> r = parseRounding(name);
        if (!r) {
          std::fprintf(stderr, "unknown rounding '%s'\n", name.c_str());
          return false;
        }
        opts.roundings.push_back(*r);
      }
    } else if (const char *v = value("--begin")) {
      opts.begin = std::strtoull(v, nullptr, 0);
    } else if (const char *v = value("--end")) {
      opts.end = std::strtoull(v, nullptr, 0);
    } else if (const char *v = value("--step")) {
      opts.step = std::max<uint64_t>(1, std::strtoull(v, nullptr, 0));
    } else {
      std::fprintf(stderr,
                   "usage: %s [--threads N] [--formats a,b] [--roundings a,b]"
                   " [--begin X] [--end Y] [--step S]\n",
                   argv[0]);
      return false;
    }
  }
  if (opts.formats.empty())
    opts.formats.assign(allFormats().begin(), allFormats().end());
  if (opts.end > (uint64_t{1} << 32))
    opts.end = uint64_t{1} << 32;
  if (opts.threads == 0)
    opts.threads = std::max(1u, std::thread::hardware_concurrency());
  return opts.begin < opts.end;
}

std::vector<Rounding> modesOf(Format format) {
  std::vector<Rounding> modes;
  if (format != Format::HiF8)
    modes = ieeeRoundings();
  for (Rounding r : referenceRoundings(format))
    modes.push_back(r);
  return modes;
}

uint32_t hashBits(uint32_t bits) {
  return static_cast<uint32_t>(SplitMix64(bits * 0x9E3779B97F4A7C15ull).next());
}

struct Result {
  Format format;
  Rounding rounding;
  uint64_t inputs = 0;
  size_t mismatches = 0;
  double seconds = 0;
  std::string report;
};

Result runCase(Format format, Rounding rounding, const Options &opts) {
  const Reference ref(format);
  const bool viaAPFloat = format != Format::HiF8 && isAPFloatRounding(rounding);
  constexpr uint64_t kChunk = uint64_t{1} << 16;
  const uint64_t total = (opts.end - opts.begin + opts.step - 1) / opts.step;
  const uint64_t numChunks = (total + kChunk - 1) / kChunk;
  std::atomic<uint64_t> nextChunk{0}, doneChunks{0};
  std::mutex mutex;
  Mismatches all;
  auto start = std::chrono::steady_clock::now();

  auto worker = [&] {
    Mismatches local;
    for (;;) {
      uint64_t chunk = nextChunk.fetch_add(1);
      if (chunk >= numChunks)
        break;
      uint64_t lo = chunk * kChunk;
      uint64_t hi = std::min(lo + kChunk, total);
      for (uint64_t i = lo; i < hi; ++i) {
        uint32_t bits = static_cast<uint32_t>(opts.begin + i * opts.step);
        float x;
        std::memcpy(&x, &bits, sizeof(x));
        SourceValue src = fromFloat(x);
        if (viaAPFloat) {
          checkAgainstAPFloat(format, src, rounding, local);
        } else if (rounding != Rounding::Stochastic) {
          checkAgainstReference(ref, format, src, rounding, 0, local);
        } else {
          checkAgainstReference(ref, format, src, rounding, hashBits(bits),
                                local);
          uint64_t frac = ref.stochasticFraction(src);
          if (frac != 0) {
            uint32_t flip = static_cast<uint32_t>((uint64_t{1} << 32) - frac);
            checkAgainstReference(ref, format, src, rounding, flip, local);
            checkAgainstReference(ref, format, src, rounding, flip - 1, local);
          }
        }
      }
      uint64_t done = doneChunks.fetch_add(1) + 1;
      if (done % 4096 == 0 || done == numChunks) {
        double t = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - start)
                       .count();
        std::lock_guard<std::mutex> lock(mutex);
        std::printf("  %-14s %-12s %5.1f%%  %7.1fs  eta %7.1fs\n",
                    getFormatInfo(format).name, stringifyRounding(rounding),
                    100.0 * done / numChunks, t, t / done * (numChunks - done));
        std::fflush(stdout);
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    all.merge(local);
  };

  std::vector<std::thread> threads;
  for (unsigned t = 0; t < opts.threads; ++t)
    threads.emplace_back(worker);
  for (std::thread &t : threads)
    t.join();

  Result r;
  r.format = format;
  r.rounding = rounding;
  r.inputs = total;
  r.mismatches = all.size();
  r.report = all.report();
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

} // namespace

int main(int argc, char **argv) {
  Options opts;
  if (!parseOptions(argc, argv, opts))
    return 2;
  std::printf("fp8 numerics, exhaustive binary32: inputs [0x%llx, 0x%llx) "
              "step %llu, %u threads, both saturations\n",
              static_cast<unsigned long long>(opts.begin),
              static_cast<unsigned long long>(opts.end),
              static_cast<unsigned long long>(opts.step), opts.threads);
  std::vector<Result> results;
  auto start = std::chrono::steady_clock::now();
  for (Format f : opts.formats) {
    std::vector<Rounding> modes = modesOf(f);
    if (!opts.roundings.empty()) {
      std::vector<Rounding> picked;
      for (Rounding r : modes)
        for (Rounding want : opts.roundings)
          if (r == want)
            picked.push_back(r);
      modes = picked;
    }
    for (Rounding r : modes) {
      results.push_back(runCase(f, r, opts));
      const Result &res = results.back();
      std::printf("%-14s %-12s %s  %llu inputs, %zu mismatches, %.1fs\n",
                  getFormatInfo(f).name, stringifyRounding(r),
                  res.mismatches ? "FAIL" : "ok  ",
                  static_cast<unsigned long long>(res.inputs), res.mismatches,
                  res.seconds);
      if (res.mismatches)
        std::printf("%s", res.report.c_str());
      std::fflush(stdout);
    }
  }
  double total =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  size_t failed = 0;
  uint64_t inputs = 0;
  for (const Result &r : results) {
    failed += r.mismatches != 0;
    inputs += r.inputs;
  }
  std::printf("\nsummary: %zu cases (format x mode, each with both "
              "saturations), %llu inputs checked, %zu failed, %.1fs\n",
              results.size(), static_cast<unsigned long long>(inputs), failed,
              total);
  return failed ? 1 : 0;
}
