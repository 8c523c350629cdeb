# -*- Python -*-
import os
import subprocess

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "FP8"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.fp8_obj_root, "test")
config.excludes = ["Inputs", "Numerics", "CMakeLists.txt", "README.txt", "lit.cfg.py",
                   "lit.site.cfg.py"]

if config.fp8_enable_python:
    config.available_features.add("python-bindings")

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%cmake", config.cmake_command))
# A downstream build (test/Install) uses the compiler launcher (ccache) of
# this build.
config.substitutions.append(
    ("%cmake_launcher_args",
     "-DCMAKE_CXX_COMPILER_LAUNCHER=" + config.cxx_compiler_launcher
     if config.cxx_compiler_launcher else ""))
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%shlibext", config.llvm_shlib_ext))
config.substitutions.append(("%mlir_lib_dir", config.mlir_lib_dir))
config.substitutions.append(("%fp8_src_root", config.fp8_src_root))
config.substitutions.append(("%fp8_obj_root", config.fp8_obj_root))
config.substitutions.append(("%llvm_tools_dir", config.llvm_tools_dir))
config.substitutions.append(("%host_cxx", config.host_cxx))

# Runtime libraries for mlir-runner.
def shared_lib(directory, name):
    return os.path.join(directory, "lib" + name + config.llvm_shlib_ext)

config.substitutions.append(
    ("%mlir_c_runner_utils", shared_lib(config.mlir_lib_dir, "mlir_c_runner_utils")))
config.substitutions.append(
    ("%mlir_runner_utils", shared_lib(config.mlir_lib_dir, "mlir_runner_utils")))
config.substitutions.append(
    ("%fp8_test_runtime",
     shared_lib(os.path.join(config.fp8_obj_root, "lib"), "fp8_test_runtime")))

# The CUDA runtime wrapper that fp8-gpu-pipeline's host code calls (built
# where the CUDA toolkit is found).
fp8_cuda_runtime = shared_lib(os.path.join(config.fp8_obj_root, "lib"),
                              "fp8_cuda_runtime")
config.substitutions.append(("%fp8_cuda_runtime", fp8_cuda_runtime))
config.substitutions.append(
    ("%fp8_lib_dir", os.path.join(config.fp8_obj_root, "lib")))
if os.path.exists(fp8_cuda_runtime):
    config.available_features.add("fp8-cuda-runtime")

config.substitutions.append(
    ("%fp8_runtime",
     shared_lib(os.path.join(config.fp8_obj_root, "lib"), "fp8_runtime")))

# The LLVM OpenMP runtime (Debian: libomp-22-dev), which the threads of
# fp8-cpu-pipeline (threads=true, the default) call: every mlir-runner that
# runs the pipeline's output loads it.
config.substitutions.append(("%omp_runtime", shared_lib(config.mlir_lib_dir, "omp")))

# Instruction sets of this CPU, for tests that run target-specific code
# (`REQUIRES: avx512`, `%if amx %{ ... %}`).
def cpu_flags():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()

flags = cpu_flags()
if {"avx512f", "avx512bw"} <= flags:
    config.available_features.add("avx512")
if {"avx512f", "avx512bw", "avx512_bf16"} <= flags:
    config.available_features.add("avx512bf16")
if {"amx_tile", "amx_bf16"} <= flags:
    config.available_features.add("amx")

# The PyTorch frontend's dependencies (scripts/setup.sh installs them).
try:
    if subprocess.run([config.python_executable, "-c",
                       "import importlib.util as u; "
                       "assert u.find_spec('torch') and u.find_spec('torch_mlir')"],
                      capture_output=True, timeout=60).returncode == 0:
        config.available_features.add("torch")
except (OSError, subprocess.TimeoutExpired):
    pass

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

tool_dirs = [config.fp8_tools_dir, config.llvm_tools_dir]
tools = [
    "fp8-opt",
    "fp8-capi-test",
    "split-file",
    "not",
    "mlir-opt",
    "mlir-translate",
    ToolSubst("llc", unresolved="ignore"),
    ToolSubst("mlir-runner", unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)

# The CUDA toolkit's ptxas (fp8-gpu-pipeline assembles kernels with it) and
# an NVIDIA GPU with the Python packages the GPU harness uses (gpu/).
import shutil

if shutil.which("ptxas", path=config.environment.get("PATH", "") + os.pathsep + "/usr/local/cuda/bin"):
    config.available_features.add("ptxas")
try:
    if subprocess.run([config.python_executable, "-c",
                       "import cupy; assert cupy.cuda.runtime.getDeviceCount() > 0"],
                      capture_output=True, timeout=60).returncode == 0:
        config.available_features.add("cuda-gpu")
except (OSError, subprocess.TimeoutExpired):
    pass
