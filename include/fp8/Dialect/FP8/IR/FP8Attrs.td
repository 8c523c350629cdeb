//===- FP8Attrs.td - fp8 dialect attributes ----------------*- tablegen -*-===//

#ifndef FP8_DIALECT_FP8_IR_FP8ATTRS_TD
#define FP8_DIALECT_FP8_IR_FP8ATTRS_TD

include "fp8/Dialect/FP8/IR/FP8Base.td"

// The case values equal ::fp8::Rounding's, the numerics library's enum.
def FP8_Rounding : I32EnumAttr<"Rounding", "rounding mode", [
    I32EnumAttrCase<"nearest_even", 0>,
    I32EnumAttrCase<"nearest_away", 1>,
    I32EnumAttrCase<"toward_zero", 2>,
    I32EnumAttrCase<"upward", 3>,
    I32EnumAttrCase<"downward", 4>,
    I32EnumAttrCase<"odd", 5>,
    I32EnumAttrCase<"hybrid", 6>,
    I32EnumAttrCase<"stochastic", 7>
  ]> {
  let cppNamespace = "::mlir::fp8";
  let genSpecializedAttr = 0;
}

def FP8_RoundingAttr : FP8_EnumAttr<FP8_Rounding, "rounding"> {
  let summary = "Rounding mode of an encode into a narrow format";
  let description = [{
    `nearest_even`, `nearest_away`, `toward_zero`, `upward` and `downward`
    are IEEE 754's; `odd` is round-to-odd (truncate, then set the last kept
    bit if the result is inexact; it overflows like `toward_zero`); `hybrid`
    is HiF8's hybrid rounding HR (HiF8 results only, from f32, f16 or bf16);
    `stochastic` rounds up with probability equal to the discarded fraction,
    using an explicit operand of i32 random bits so that it is deterministic
    and testable. An op without the attribute uses the format's default:
    `nearest_even`, or `nearest_away` for HiF8.
  }];
}

// The case values equal ::fp8::Saturation's.
def FP8_Saturation : I32EnumAttr<"Saturation", "saturation mode", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"finite", 1>
  ]> {
  let cppNamespace = "::mlir::fp8";
  let genSpecializedAttr = 0;
}

def FP8_SaturationAttr : FP8_EnumAttr<FP8_Saturation, "saturation"> {
  let summary = "What an encode does with values beyond the format's range";
  let description = [{
    `none`: the format's own rules (overflow becomes Inf, or NaN where the
    format has no Inf, or max finite where it has neither). `finite`:
    overflow and +-Inf become +-max finite; NaN stays NaN.
  }];
}

#endif // FP8_DIALECT_FP8_IR_FP8ATTRS_TD
