//===- Passes.h - fp8 transformation passes ---------------------*- C++ -*-===//
//
// The passes that rewrite fp8 IR (declared in Passes.td). Their patterns,
// for compilers that drive them directly, are in Transforms.h.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_TRANSFORMS_PASSES_H
#define FP8_DIALECT_FP8_TRANSFORMS_PASSES_H

#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fp8 {

#define GEN_PASS_DECL
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"

} // namespace mlir::fp8

#endif // FP8_DIALECT_FP8_TRANSFORMS_PASSES_H
