//===- FP8Base.td - fp8 dialect definition -----------------*- tablegen -*-===//
//
// The fp8 dialect: 8-bit (and MX sub-byte) floating point for ML compilers.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_IR_FP8BASE_TD
#define FP8_DIALECT_FP8_IR_FP8BASE_TD

include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/OpBase.td"

def FP8_Dialect : Dialect {
  let name = "fp8";
  let cppNamespace = "::mlir::fp8";
  let summary = "8-bit floating point: conversions, scaling and scaled matmul";
  let description = [{
    The `fp8` dialect gives ML compilers first-class 8-bit floating point:
    conversions under every rounding and saturation mode, quantization and
    dequantization with per-tensor, per-row, block and MX scales, amax and
    scale computation, and scaled matrix multiplication.

    Design guidelines:

    * Every IEEE-like narrow format is MLIR's builtin float type (`f8E4M3FN`,
      `f8E5M2`, `f8E4M3FNUZ`, `f8E5M2FNUZ`, `f8E4M3B11FNUZ`, `f8E3M4`,
      `f8E4M3`, `f8E8M0FNU`, `f6E2M3FN`, `f6E3M2FN`, `f4E2M1FN`), so that IR
      from StableHLO, torch-mlir or IREE flows in unchanged. The dialect adds a
      type only for new semantics: `!fp8.hif8`, Huawei's tapered HiFloat8,
      which LLVM's float semantics cannot describe. HiF8 constants are `i8`
      payloads plus `fp8.bitcast`.
    * Scales are *decode* scales, as in `torch._scaled_mm` and
      `arith.scaling_extf`: `dequantize(q, s) = decode(q) * s` and
      `quantize(x, s) = encode(x / s)`, with the division done in f32 (round
      to nearest even) before encoding.
    * Scale granularity is a block shape per operand: `block = [b0, b1, ...]`
      with one entry per dimension, and the scale has shape
      `ceildiv(dim_i, b_i)`. Without `block`, the scale is one scalar
      (per-tensor). Row-wise is `[1, K]`, 1x128 and 128x128 blocks are
      `[1, 128]` and `[128, 128]`, MX is `[1, 32]` with `f8E8M0FNU` scales.
    * Every numeric result (folding included) is computed by the project's
      numerics library and is bit-exact with the lowered code.
  }];
  let useDefaultTypePrinterParser = 1;
  let useDefaultAttributePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

class FP8_Op<string mnemonic, list<Trait> traits = []>
    : Op<FP8_Dialect, mnemonic, traits>;

class FP8_Type<string name, string typeMnemonic, list<Trait> traits = []>
    : TypeDef<FP8_Dialect, name, traits> {
  let mnemonic = typeMnemonic;
}

class FP8_EnumAttr<EnumAttrInfo enumInfo, string attrMnemonic>
    : EnumAttr<FP8_Dialect, enumInfo, attrMnemonic> {
  let assemblyFormat = "`<` $value `>`";
}

#endif // FP8_DIALECT_FP8_IR_FP8BASE_TD
