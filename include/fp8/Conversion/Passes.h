//===- Passes.h - fp8 conversion passes -------------------------*- C++ -*-===//
//
// The passes that lower fp8 IR to target dialects (declared in Passes.td);
// each FP8To<Target> header has the patterns and entry points behind them.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_CONVERSION_PASSES_H
#define FP8_CONVERSION_PASSES_H

#include "fp8/Conversion/FP8ToCPU/FP8ToCPU.h"
#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"
#include "fp8/Conversion/FP8ToLLVM/FP8ToLLVM.h"
#include "fp8/Conversion/FP8ToLinalg/FP8ToLinalg.h"
#include "fp8/Conversion/FP8ToNVVM/FP8ToNVVM.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fp8 {

#define GEN_PASS_DECL
#include "fp8/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "fp8/Conversion/Passes.h.inc"

} // namespace mlir::fp8

#endif // FP8_CONVERSION_PASSES_H
