//===- CUDARuntimeWrappers.cpp - The mgpu* functions on the CUDA driver ---===//
//
// libfp8_cuda_runtime: what the host code of fp8-gpu-pipeline{host=llvm}
// calls once translated to LLVM IR. Upstream's gpu-to-llvm and the GPU
// dialect's LLVM IR translation (gpu.binary, gpu.launch_func) emit calls to
// these C functions; MLIR's own mlir_cuda_runtime implements them, but
// Debian's MLIR packages do not ship it, so this project builds its own on
// the CUDA driver API (libcuda), and nothing of MLIR: a compiled model runs
// on a machine with a GPU driver and this library only.
//
// Signatures are those MLIR 22 emits (mlir-translate --mlir-to-llvmir):
//   ptr  mgpuModuleLoad(ptr data, i64 size)        (global constructors)
//   void mgpuModuleUnload(ptr module)              (global destructors)
//   ptr  mgpuModuleGetFunction(ptr module, ptr name)
//   void mgpuLaunchKernel(ptr function, i64 gridX, i64 gridY, i64 gridZ,
//                         i64 blockX, i64 blockY, i64 blockZ, i32 smem,
//                         ptr stream, ptr params, ptr extra, i64 count)
//   ptr  mgpuStreamCreate(), void mgpuStreamSynchronize(ptr),
//   void mgpuStreamDestroy(ptr), void mgpuStreamWaitEvent(ptr, ptr)
//   ptr  mgpuEventCreate(), void mgpuEventDestroy / Synchronize(ptr),
//   void mgpuEventRecord(ptr event, ptr stream)
//   ptr  mgpuMemAlloc(i64 bytes, ptr stream, i8 hostShared)
//   void mgpuMemFree(ptr, ptr stream)
//   void mgpuMemcpy(ptr dst, ptr src, i64 bytes, ptr stream)
//   void mgpuMemset16 / mgpuMemset32(ptr dst, i16 / i32 value, i64 count,
//                                    ptr stream)
//   void mgpuSetDefaultDevice(i32)
//
// Every call runs in the primary context of the default device (device 0
// unless mgpuSetDefaultDevice says otherwise), made current for the call.
// A failing driver call is reported on stderr with the call and the CUDA
// error name, and the process aborts: a kernel that did not run must not
// look like a result.
//
//===----------------------------------------------------------------------===//

#include <cuda.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#if defined(_WIN32)
#define FP8_CUDA_EXPORT extern "C" __declspec(dllexport)
#else
#define FP8_CUDA_EXPORT extern "C" __attribute__((visibility("default")))
#endif

namespace {

void check(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return;
  const char *name = nullptr;
  if (cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    name = "unknown CUDA error";
  std::fprintf(stderr, "fp8_cuda_runtime: %s failed: %s\n", call, name);
  std::abort();
}

#define FP8_CUDA_CHECK(call) check((call), #call)

int32_t defaultDevice = 0;

/// The primary context of the default device, retained once.
CUcontext getContext() {
  static CUcontext context = [] {
    FP8_CUDA_CHECK(cuInit(0));
    CUdevice device;
    FP8_CUDA_CHECK(cuDeviceGet(&device, defaultDevice));
    CUcontext primary;
    FP8_CUDA_CHECK(cuDevicePrimaryCtxRetain(&primary, device));
    return primary;
  }();
  return context;
}

/// Makes the context current for the lifetime of the object.
class ContextScope {
public:
  ContextScope() { FP8_CUDA_CHECK(cuCtxPushCurrent(getContext())); }
  ~ContextScope() {
    CUcontext popped;
    FP8_CUDA_CHECK(cuCtxPopCurrent(&popped));
  }
  ContextScope(const ContextScope &) = delete;
  ContextScope &operator=(const ContextScope &) = delete;
};

} // namespace

FP8_CUDA_EXPORT CUmodule mgpuModuleLoad(void *data, size_t /*size*/) {
  ContextScope scope;
  CUmodule module = nullptr;
  FP8_CUDA_CHECK(cuModuleLoadData(&module, data));
  return module;
}

FP8_CUDA_EXPORT void mgpuModuleUnload(CUmodule module) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuModuleUnload(module));
}

FP8_CUDA_EXPORT CUfunction mgpuModuleGetFunction(CUmodule module,
                                                 const char *name) {
  ContextScope scope;
  CUfunction function = nullptr;
  FP8_CUDA_CHECK(cuModuleGetFunction(&function, module, name));
  return function;
}

FP8_CUDA_EXPORT void mgpuLaunchKernel(CUfunction function, intptr_t gridX,
                                      intptr_t gridY, intptr_t gridZ,
                                      intptr_t blockX, intptr_t blockY,
                                      intptr_t blockZ, int32_t sharedBytes,
                                      CUstream stream, void **params,
                                      void **extra, size_t /*paramCount*/) {
  ContextScope scope;
  // An empty grid (a dimension of size 0 at run time) launches nothing.
  if (gridX == 0 || gridY == 0 || gridZ == 0)
    return;
  if (sharedBytes > 48 * 1024)
    FP8_CUDA_CHECK(cuFuncSetAttribute(
        function, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
        sharedBytes));
  FP8_CUDA_CHECK(cuLaunchKernel(function, gridX, gridY, gridZ, blockX, blockY,
                                blockZ, sharedBytes, stream, params, extra));
}

FP8_CUDA_EXPORT CUstream mgpuStreamCreate() {
  ContextScope scope;
  CUstream stream = nullptr;
  FP8_CUDA_CHECK(cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING));
  return stream;
}

FP8_CUDA_EXPORT void mgpuStreamDestroy(CUstream stream) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuStreamDestroy(stream));
}

FP8_CUDA_EXPORT void mgpuStreamSynchronize(CUstream stream) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuStreamSynchronize(stream));
}

FP8_CUDA_EXPORT void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuStreamWaitEvent(stream, event, 0));
}

FP8_CUDA_EXPORT CUevent mgpuEventCreate() {
  ContextScope scope;
  CUevent event = nullptr;
  FP8_CUDA_CHECK(cuEventCreate(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

FP8_CUDA_EXPORT void mgpuEventDestroy(CUevent event) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuEventDestroy(event));
}

FP8_CUDA_EXPORT void mgpuEventSynchronize(CUevent event) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuEventSynchronize(event));
}

FP8_CUDA_EXPORT void mgpuEventRecord(CUevent event, CUstream stream) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuEventRecord(event, stream));
}

/// Device memory, or managed memory (reachable from the host too) where
/// `hostShared`. Synchronous: the driver's allocations are not stream
/// ordered here; a zero-byte request gets a null pointer.
FP8_CUDA_EXPORT void *mgpuMemAlloc(uint64_t bytes, CUstream /*stream*/,
                                   bool hostShared) {
  if (bytes == 0)
    return nullptr;
  ContextScope scope;
  CUdeviceptr pointer = 0;
  if (hostShared)
    FP8_CUDA_CHECK(
        cuMemAllocManaged(&pointer, bytes, CU_MEM_ATTACH_GLOBAL));
  else
    FP8_CUDA_CHECK(cuMemAlloc(&pointer, bytes));
  return reinterpret_cast<void *>(pointer);
}

FP8_CUDA_EXPORT void mgpuMemFree(void *pointer, CUstream /*stream*/) {
  if (!pointer)
    return;
  ContextScope scope;
  FP8_CUDA_CHECK(cuMemFree(reinterpret_cast<CUdeviceptr>(pointer)));
}

FP8_CUDA_EXPORT void mgpuMemcpy(void *dst, void *src, size_t bytes,
                                CUstream stream) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                               reinterpret_cast<CUdeviceptr>(src), bytes,
                               stream));
}

FP8_CUDA_EXPORT void mgpuMemset32(void *dst, unsigned int value, size_t count,
                                  CUstream stream) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                  count, stream));
}

FP8_CUDA_EXPORT void mgpuMemset16(void *dst, unsigned short value,
                                  size_t count, CUstream stream) {
  ContextScope scope;
  FP8_CUDA_CHECK(cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                  count, stream));
}

FP8_CUDA_EXPORT void mgpuSetDefaultDevice(int32_t device) {
  defaultDevice = device;
}
