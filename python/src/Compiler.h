//===- Compiler.h - MLIR behind the Python extension ------------*- C++ -*-===//
//
// The compiler half of the `fp8mlir` Python package: parsing, printing,
// verifying, pass pipelines and in-process execution (ExecutionEngine).
// This interface is plain C++ (no MLIR types): Compiler.cpp is compiled like
// the rest of the project (LLVM's flags, no exceptions), the nanobind module
// with exceptions, and only this header and plain data cross between them.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_PYTHON_COMPILER_H
#define FP8_PYTHON_COMPILER_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fp8::python {

/// A failed operation: what failed, and MLIR's diagnostics
/// ("loc: error: message", notes included) in the order they were emitted.
struct Error {
  std::string summary;
  std::vector<std::string> diagnostics;
  /// The caller passed a bad argument (a size that does not fit the
  /// function, an element size that is not the argument's): raised as
  /// ValueError rather than MLIRError.
  bool isBadArgument = false;
};

/// The longest chain of brackets ((), [], {}, <>) an input text may nest,
/// everywhere the package parses text (modules, pass pipelines): MLIR's
/// parsers recurse once per level, and a deeper input would overflow the
/// stack. Deeper inputs are refused with an error.
constexpr unsigned kMaxNestingDepth = 1000;

/// A module with its own MLIRContext, which knows every upstream dialect and
/// extension plus the fp8 dialect (what fp8-opt knows).
class Module {
public:
  ~Module();
  /// Parses and verifies `source`; null and `error` set on failure.
  static std::unique_ptr<Module>
  parse(const std::string &source, const std::string &sourceName, Error &error);
  std::unique_ptr<Module> clone() const;
  bool verify(Error &error) const;
  std::string print(bool genericForm, bool debugInfo) const;
  /// Runs a textual pass pipeline in place: "builtin.module(...)" or a list
  /// of passes anchored on the module ("canonicalize,func.func(cse)").
  bool runPipeline(const std::string &pipeline, Error &error);

  struct Impl;
  Impl &getImpl() const { return *impl; }

private:
  explicit Module(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};

/// How a value crosses into JIT-compiled code.
enum class ElementKind { I1, I8, I16, I32, I64, F16, BF16, F32, F64 };

/// The type of a function argument or result before lowering: a ranked
/// tensor or memref (`isShaped`, dynamic sizes as -1) or a scalar. Narrow
/// floats and !fp8.hif8 travel as one byte per element (their codes).
struct ValueType {
  bool isShaped = false;
  /// A memref, which the code may write (a tensor argument it may not:
  /// Executable::create marks them read-only for bufferization).
  bool isMemRef = false;
  ElementKind element = ElementKind::F32;
  std::string elementName; ///< MLIR spelling: "f32", "f8E4M3FN", "!fp8.hif8"
  std::vector<int64_t> shape;
};

/// What a function's ops require of the sizes of its shaped arguments,
/// found before lowering (the lowered code trusts them): every argument
/// dimension belongs to a class of dimensions that must be equal (the K of
/// a matmul's two operands, the operands of an element-wise op), which may
/// have a static size; and a scale's dimension may be ceildiv(another
/// class, block).
struct SizeConstraints {
  /// classOf[argument][dimension]: the dimension's class.
  std::vector<std::vector<int>> classOf;
  /// The static size of each class, or -1.
  std::vector<int64_t> staticSize;
  /// size(scaleClass) == ceildiv(size(inputClass), block).
  struct Blocked {
    int inputClass, scaleClass;
    int64_t block;
  };
  std::vector<Blocked> blocked;
};

struct Signature {
  std::string name;
  std::vector<ValueType> arguments;
  std::vector<ValueType> results;
  SizeConstraints sizes;
  /// Non-empty when some argument or result type cannot be passed (the
  /// function is then not callable); says which.
  std::string unsupported;
};

/// An argument: for shaped values a C-contiguous buffer of `shape`, for
/// scalars a pointer to the value.
struct Argument {
  void *data = nullptr;
  std::vector<int64_t> shape;
  /// The size in bytes of one element (of the scalar): must be the
  /// argument type's.
  size_t elementSize = 0;
};

/// A result. A shaped one is a view (`data`, `shape`, `strides` in elements)
/// into `buffer`: the buffer the code allocated for it (freed when the last
/// result holding it lets go), or, for a result in memory the code does not
/// own (an argument's buffer, a constant), a C-contiguous copy. A scalar is
/// its bytes.
struct Result {
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;
  void *data = nullptr;
  std::shared_ptr<void> buffer;
  uint64_t scalar = 0;
};

size_t getElementSize(ElementKind kind);

/// The public functions of a module (func.func with a body), lowered by a
/// pipeline and compiled in process by MLIR's ExecutionEngine.
class Executable {
public:
  ~Executable();
  /// Lowers a copy of `module` with `pipeline` and JIT-compiles it, loading
  /// `sharedLibs` (e.g. libmlir_c_runner_utils.so) for symbols it calls.
  /// The tensor arguments of the public functions are marked
  /// `bufferization.writable = false` first, so that One-Shot Bufferize
  /// never writes into the caller's buffers. `threads` > 0: the parallel
  /// regions of each call run on that many threads (omp_set_num_threads of
  /// the OpenMP runtime among `sharedLibs` around the call); 0: as many as
  /// the runtime picks (all cores, or OMP_NUM_THREADS).
  static std::unique_ptr<Executable>
  create(const Module &module, const std::string &pipeline, unsigned optLevel,
         const std::vector<std::string> &sharedLibs, unsigned threads,
         Error &error);

  const std::vector<Signature> &getSignatures() const { return signatures; }

  /// The thread count of the calls (see create); false, with `error` set,
  /// for a count > 0 without the OpenMP runtime.
  bool setThreads(unsigned threads, Error &error);
  unsigned getThreads() const;

  /// Calls `name`; arguments are checked against its signature. The
  /// buffers the code returns are handed to `results` (see Result).
  bool invoke(const std::string &name, std::vector<Argument> &arguments,
              std::vector<Result> &results, Error &error);

  struct Impl;

private:
  Executable() = default;
  std::unique_ptr<Impl> impl;
  std::vector<Signature> signatures;
};

/// The directory holding libmlir_c_runner_utils.so and friends.
const char *getMLIRLibraryDir();

/// The CPU target `target=host` resolves to on this machine ("amx",
/// "avx512-bf16", "avx512" or "generic").
std::string getHostCPUTargetName();

} // namespace fp8::python

#endif // FP8_PYTHON_COMPILER_H
