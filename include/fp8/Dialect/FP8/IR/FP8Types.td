//===- FP8Types.td - fp8 dialect types ---------------------*- tablegen -*-===//

#ifndef FP8_DIALECT_FP8_IR_FP8TYPES_TD
#define FP8_DIALECT_FP8_IR_FP8TYPES_TD

include "fp8/Dialect/FP8/IR/FP8Base.td"
include "mlir/IR/BuiltinTypeInterfaces.td"
include "mlir/Interfaces/DataLayoutInterfaces.td"

def FP8_HiF8Type : FP8_Type<"HiF8", "hif8",
    [VectorElementTypeInterface, MemRefElementTypeInterface,
     DeclareTypeInterfaceMethods<DataLayoutTypeInterface,
                                 ["getTypeSizeInBits", "getABIAlignment",
                                  "getPreferredAlignment"]>]> {
  let summary = "HiFloat8: Huawei's tapered 8-bit float";
  let description = [{
    HiFloat8 (arXiv 2409.16626) spends a prefix-coded "dot" field on a
    variable exponent width, so precision tapers from 3 mantissa bits near 1.0
    down to 1 bit at the ends, covering 2^-22 to 2^15 (38 binades) with one
    zero, one NaN (0x80) and +-Inf (0x6F / 0xEF). The bit-exact definition is
    `docs/HiF8.md` in the repository.

    It is an 8-bit dialect type, not a `FloatType`: LLVM's float semantics
    cannot describe a tapered format. It may be the element type of vectors,
    tensors and memrefs (one byte per element, byte-aligned in the data
    layout), and lowers to `i8`. Constants are `i8` payloads plus
    `fp8.bitcast`.

    Example:

    ```mlir
    %q = fp8.convert %x : tensor<4xf32> to tensor<4x!fp8.hif8>
    ```
  }];
}

#endif // FP8_DIALECT_FP8_IR_FP8TYPES_TD
