//===- FP8.td - fp8 dialect top level ----------------------*- tablegen -*-===//

#ifndef FP8_DIALECT_FP8_IR_FP8_TD
#define FP8_DIALECT_FP8_IR_FP8_TD

include "fp8/Dialect/FP8/IR/FP8Base.td"
include "fp8/Dialect/FP8/IR/FP8Attrs.td"
include "fp8/Dialect/FP8/IR/FP8Types.td"
include "fp8/Dialect/FP8/IR/FP8Ops.td"

#endif // FP8_DIALECT_FP8_IR_FP8_TD
