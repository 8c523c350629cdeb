//===- Passes.h - Transforms that know nothing of fp8 -----------*- C++ -*-===//

#ifndef FP8_TRANSFORMS_PASSES_H
#define FP8_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir::fp8 {

#define GEN_PASS_DECL
#include "fp8/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "fp8/Transforms/Passes.h.inc"

} // namespace mlir::fp8

#endif // FP8_TRANSFORMS_PASSES_H
