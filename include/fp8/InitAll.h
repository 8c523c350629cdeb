//===- InitAll.h - Register everything fp8-mlir provides --------*- C++ -*-===//
//
// For compilers that embed fp8-mlir: one call registers the dialect (and,
// as they land, its passes and pipelines).
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

} // namespace fp8
} // namespace mlir

#endif // FP8_INITALL_H
