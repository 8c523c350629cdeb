// fp8-gpu-pipeline's output runs without MLIR: translated to LLVM IR, built
// ahead of time into an object (llc) and a shared library or executable
// linked with the CUDA runtime wrapper (libfp8_cuda_runtime); on a machine
// with MLIR too, one mlir-runner command runs it. Building is checked here;
// running needs an NVIDIA GPU (sm_89 or later: the cuda-gpu feature).
// REQUIRES: ptxas, fp8-cuda-runtime
// RUN: fp8-opt %s --fp8-gpu-pipeline=chip=sm_89 -o %t.mlir
// RUN: mlir-translate --mlir-to-llvmir %t.mlir -o %t.ll
// RUN: llc -O2 -filetype=obj -relocation-model=pic %t.ll -o %t.o
// RUN: %host_cxx -shared %t.o -o %t.so -L%fp8_lib_dir -lfp8_cuda_runtime -Wl,-rpath,%fp8_lib_dir
// RUN: %python -c "import sys; d = open(sys.argv[1], 'rb').read(); assert d[:4] == b'\x7fELF' and b'mgpuLaunchKernel' in d and b'main' in d" %t.so
// RUN: %host_cxx %t.o -o %t.exe -L%fp8_lib_dir -lfp8_cuda_runtime -L%mlir_lib_dir -lmlir_c_runner_utils -lmlir_runner_utils -Wl,--allow-shlib-undefined -Wl,-rpath,%fp8_lib_dir -Wl,-rpath,%mlir_lib_dir
// RUN: %if cuda-gpu %{ %t.exe | FileCheck %s %}
// RUN: %if cuda-gpu %{ mlir-runner %t.mlir -e main -entry-point-result=void -shared-libs=%fp8_cuda_runtime,%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s %}

// Amax (a single-thread reduction), scale, quantization to E4M3 and back,
// kernels of @roundtrip; the constant input reaches them in managed memory. Every
// value is an E4M3 value and amax / 448 = 1, so the round trip is exact.
// CHECK: Unranked Memref base@ = {{.*}} rank = 2 offset = 0 sizes = [2, 4] strides = [4, 1] data =
// CHECK-NEXT: {{\[}}[1,   -2,   3.5,   448],
// CHECK-NEXT: [0.25,   -6,   10,   0]]
func.func private @printMemrefF32(tensor<*xf32> {bufferization.access = "read"}) attributes {llvm.emit_c_interface}

func.func @roundtrip(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %a = fp8.amax %x : tensor<2x4xf32> -> f32
  %s = fp8.compute_scale %a {format = f8E4M3FN} : f32 -> f32
  %q = fp8.quantize %x, %s : tensor<2x4xf32>, f32 to tensor<2x4xf8E4M3FN>
  %d = fp8.dequantize %q, %s : tensor<2x4xf8E4M3FN>, f32 to tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

func.func @main() {
  %x = arith.constant dense<[[1.0, -2.0, 3.5, 448.0], [0.25, -6.0, 10.0, 0.0]]> : tensor<2x4xf32>
  %d = call @roundtrip(%x) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %u = tensor.cast %d : tensor<2x4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
