//===- InitAll.h - Register everything fp8-mlir provides --------*- C++ -*-===//
//
// For tools and compilers that embed fp8-mlir: one call per registry.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_INITALL_H
#define FP8_INITALL_H

namespace mlir {
class DialectRegistry;

namespace fp8 {

/// Adds the fp8 dialect and its interfaces (convert-to-llvm) to `registry`.
void registerAllDialects(DialectRegistry &registry);

/// Registers fp8-mlir's passes and pipelines with the global registry, so
/// that they parse from pass-pipeline strings.
void registerAllPasses();

/// What fp8-opt offers: every upstream pass and fp8-mlir's (global
/// registry), and in `registry` every upstream dialect, extension and LLVM
/// IR translation (gpu-module-to-binary and the JIT need them) plus the fp8
/// dialect.
void registerEverything(DialectRegistry &registry);

} // namespace fp8
} // namespace mlir

#endif // FP8_INITALL_H
