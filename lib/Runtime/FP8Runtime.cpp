//===- FP8Runtime.cpp - Runtime support for code fp8-mlir generates -------===//
//
// libfp8_runtime: what the code of fp8-cpu-pipeline needs from the process
// it runs in. Load it with `mlir-runner -shared-libs=.../libfp8_runtime.so`
// (the Python package loads it too).
//
// AMX: Linux gives a process the AMX tile data state only after it asks with
// arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA); without it the first
// tile instruction of `fp8-cpu-pipeline{target=amx}` code raises SIGILL.
// The library asks when it is loaded.
//
//===----------------------------------------------------------------------===//

#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

extern "C" {

/// Asks the kernel for the AMX tile data state for this process. Returns 1
/// when granted (the CPU has AMX and Linux allows it), 0 otherwise.
__attribute__((visibility("default"))) int fp8rt_request_amx(void) {
#if defined(__linux__) && defined(__x86_64__)
  constexpr long kArchReqXCompPerm = 0x1023;
  constexpr long kXFeatureXTileData = 18;
  return syscall(SYS_arch_prctl, kArchReqXCompPerm, kXFeatureXTileData) == 0;
#else
  return 0;
#endif
}

} // extern "C"

namespace {
/// Requests AMX when the library is loaded (dlopen runs this).
[[maybe_unused]] const int amxRequested = fp8rt_request_amx();
} // namespace
