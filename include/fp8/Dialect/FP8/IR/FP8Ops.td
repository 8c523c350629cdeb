//===- FP8Ops.td - fp8 dialect operations ------------------*- tablegen -*-===//

#ifndef FP8_DIALECT_FP8_IR_FP8OPS_TD
#define FP8_DIALECT_FP8_IR_FP8OPS_TD

include "fp8/Dialect/FP8/IR/FP8Attrs.td"
include "fp8/Dialect/FP8/IR/FP8Base.td"
include "fp8/Dialect/FP8/IR/FP8Types.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"
include "mlir/Interfaces/VectorInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def FP8_NarrowFloat : Type<CPred<"::mlir::fp8::isNarrowFloat($_self)">,
    "8-bit, 6-bit or 4-bit float (builtin f8/f6/f4 type or !fp8.hif8)">;
def FP8_WideFloat : AnyTypeOf<[F16, BF16, F32, F64]>;
def FP8_AnyFloat : AnyTypeOf<[FP8_NarrowFloat, FP8_WideFloat]>;
// Inputs that quantize and amax read: the division by the scale is in f32.
def FP8_SourceFloat : AnyTypeOf<[F16, BF16, F32]>;
def FP8_ScaleFloat : Type<CPred<"::mlir::fp8::isScaleFloat($_self)">,
    "scale float (f32, f16, bf16 or a builtin f8/f6/f4 float)">;
def FP8_Bits : Type<CPred<"::mlir::fp8::isBitcastable($_self)">,
    "signless integer, float or !fp8.hif8 of at most 8 bits">;

// A scalar, a vector or a ranked tensor of the given element types.
class FP8_ScalarVectorOrTensorOf<list<Type> types>
    : AnyTypeOf<[AnyTypeOf<types>, VectorOfAnyRankOf<types>,
                 RankedTensorOf<types>]>;

def FP8_AnyFloatLike : FP8_ScalarVectorOrTensorOf<[FP8_AnyFloat]>;
def FP8_NarrowFloatLike : FP8_ScalarVectorOrTensorOf<[FP8_NarrowFloat]>;
def FP8_SourceFloatLike : FP8_ScalarVectorOrTensorOf<[FP8_SourceFloat]>;
def FP8_AmaxInputLike
    : FP8_ScalarVectorOrTensorOf<[FP8_SourceFloat, FP8_NarrowFloat]>;
def FP8_ScaleLike : FP8_ScalarVectorOrTensorOf<[FP8_ScaleFloat]>;
def FP8_ScaleResultLike : FP8_ScalarVectorOrTensorOf<[F32, F8E8M0FNU]>;
def FP8_F32Like : FP8_ScalarVectorOrTensorOf<[F32]>;
def FP8_RandomBitsLike : FP8_ScalarVectorOrTensorOf<[I32]>;
def FP8_BitsLike : FP8_ScalarVectorOrTensorOf<[FP8_Bits]>;

//===----------------------------------------------------------------------===//
// fp8.convert
//===----------------------------------------------------------------------===//

def FP8_ConvertOp : FP8_Op<"convert", [Pure, ElementwiseMappable]> {
  let summary = "Converts between floats, at least one of them narrow";
  let description = [{
    Converts each element of `in` to the element type of `out`. One side is a
    narrow float (a builtin `f8*`, `f6*` or `f4*` type, or `!fp8.hif8`), the
    other any of them or `f16`, `bf16`, `f32`, `f64`. Widening a narrow value
    is exact except where the target's range is smaller (`f8E8M0FNU` to
    `f16`); narrowing rounds with `rounding` (default `nearest_even`, or
    `nearest_away` for HiF8) and handles overflow per `saturation` (default
    `none`). Converting between two narrow formats is one rounding of the
    exact value. Converting to the same type is the identity.

    `rounding = #fp8.rounding<stochastic>` needs `random_bits`, one i32 per
    element (see `#fp8.rounding`); `hybrid` needs a HiF8 result and an f32,
    f16 or bf16 source (docs/HiF8.md §4: SR14 from f32, SR2 from f16/bf16).

    Example:

    ```mlir
    %0 = fp8.convert %x : vector<8xf32> to vector<8xf8E4M3FN>
    %1 = fp8.convert %x {rounding = #fp8.rounding<hybrid>,
                         saturation = #fp8.saturation<finite>}
        : tensor<4x4xf32> to tensor<4x4x!fp8.hif8>
    %2 = fp8.convert %x random(%bits : vector<8xi32>)
        {rounding = #fp8.rounding<stochastic>}
        : vector<8xf32> to vector<8xf8E5M2>
    ```
  }];
  let arguments = (ins
    FP8_AnyFloatLike:$in,
    Optional<FP8_RandomBitsLike>:$random_bits,
    OptionalAttr<FP8_RoundingAttr>:$rounding,
    DefaultValuedAttr<FP8_SaturationAttr, "::mlir::fp8::Saturation::none">:$saturation
  );
  let results = (outs FP8_AnyFloatLike:$out);
  let assemblyFormat = [{
    $in (`random` `(` $random_bits^ `:` type($random_bits) `)`)? attr-dict
    `:` type($in) `to` type($out)
  }];
  let builders = [
    // The default rounding and saturation, no random bits.
    OpBuilder<(ins "::mlir::Type":$out, "::mlir::Value":$in), [{
      build($_builder, $_state, out, in, /*random_bits=*/::mlir::Value(),
            /*rounding=*/::mlir::fp8::RoundingAttr(),
            ::mlir::fp8::Saturation::none);
    }]>
  ];
  let extraClassDeclaration = [{
    /// The rounding mode in effect: the attribute, or the result format's
    /// default.
    ::mlir::fp8::Rounding getEffectiveRounding();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// fp8.bitcast
//===----------------------------------------------------------------------===//

def FP8_BitcastOp : FP8_Op<"bitcast", [Pure, ElementwiseMappable]> {
  let summary = "Reinterprets the bits of narrow values";
  let description = [{
    Same-width reinterpretation between signless integers, narrow floats and
    `!fp8.hif8` (for example `i8` <-> `f8E4M3FN` <-> `!fp8.hif8`, or `i4`
    <-> `f4E2M1FN`), on scalars, vectors and tensors of equal shape. It is
    how HiF8 constants are written (an `i8` payload) and how lowering sees
    narrow values (as integers). A round trip folds away.

    Example:

    ```mlir
    %c = arith.constant dense<[8, 9]> : tensor<2xi8>
    %h = fp8.bitcast %c : tensor<2xi8> to tensor<2x!fp8.hif8>  // 1.0, 1.125
    ```
  }];
  let arguments = (ins FP8_BitsLike:$in);
  let results = (outs FP8_BitsLike:$out);
  let assemblyFormat = "$in attr-dict `:` type($in) `to` type($out)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// fp8.quantize
//===----------------------------------------------------------------------===//

def FP8_QuantizeOp : FP8_Op<"quantize", [Pure]> {
  let summary = "Scales and encodes into a narrow format";
  let description = [{
    `q = encode(x / s)`, with `x / s` computed in f32 (round to nearest even)
    and then encoded with `rounding` and `saturation`. `s` is a decode scale
    (the value `fp8.dequantize` multiplies by).

    Without `block` the scale is one scalar (or a 0-d vector / tensor) for
    the whole input. With `block = [b0, ..., bn]` (one entry per dimension of
    the input, each >= 1) the scale is a vector or tensor like the input, of
    shape `ceildiv(dim_i, b_i)`, and element `x[i0, ..., in]` uses
    `s[i0 / b0, ..., in / bn]`. Scales may be f32, f16, bf16 or any builtin
    narrow float (`f8E8M0FNU` for MX, `f8E4M3FN` for NVFP4-style blocks).

    Example (MX: 32-element blocks along the rows, E8M0 scales):

    ```mlir
    %q = fp8.quantize %x, %s {block = array<i64: 1, 32>}
        : tensor<16x64xf32>, tensor<16x2xf8E8M0FNU> to tensor<16x64xf8E4M3FN>
    ```
  }];
  let arguments = (ins
    FP8_SourceFloatLike:$input,
    FP8_ScaleLike:$scale,
    Optional<FP8_RandomBitsLike>:$random_bits,
    OptionalAttr<DenseI64ArrayAttr>:$block,
    OptionalAttr<FP8_RoundingAttr>:$rounding,
    DefaultValuedAttr<FP8_SaturationAttr, "::mlir::fp8::Saturation::none">:$saturation
  );
  let results = (outs FP8_NarrowFloatLike:$output);
  let assemblyFormat = [{
    $input `,` $scale (`random` `(` $random_bits^ `:` type($random_bits) `)`)?
    attr-dict `:` type($input) `,` type($scale) `to` type($output)
  }];
  let extraClassDeclaration = [{
    ::mlir::fp8::Rounding getEffectiveRounding();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// fp8.dequantize
//===----------------------------------------------------------------------===//

def FP8_DequantizeOp : FP8_Op<"dequantize", [Pure]> {
  let summary = "Decodes a narrow format and applies its scale";
  let description = [{
    `x = decode(q) * s`, computed in f32 (round to nearest even) and rounded
    to nearest even into the result type (f32, f16 or bf16). Scales and
    `block` are as for `fp8.quantize`.

    Example:

    ```mlir
    %x = fp8.dequantize %q, %s {block = array<i64: 1, 128>}
        : tensor<4x256xf8E4M3FN>, tensor<4x2xf32> to tensor<4x256xbf16>
    ```
  }];
  let arguments = (ins
    FP8_NarrowFloatLike:$input,
    FP8_ScaleLike:$scale,
    OptionalAttr<DenseI64ArrayAttr>:$block
  );
  let results = (outs FP8_SourceFloatLike:$output);
  let assemblyFormat = [{
    $input `,` $scale attr-dict `:` type($input) `,` type($scale) `to`
    type($output)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// fp8.amax
//===----------------------------------------------------------------------===//

def FP8_AmaxOp : FP8_Op<"amax", [Pure]> {
  let summary = "Maximum absolute value per block";
  let description = [{
    The largest `|x|` of the whole input (no `block`: the result is an f32
    scalar) or of each block (`block` as for `fp8.quantize`: the result is a
    vector or tensor of f32 of shape `ceildiv(dim_i, b_i)`). A NaN anywhere in
    a block makes that block's amax the canonical quiet NaN `0x7FC00000`
    (whatever NaNs the block held: the result does not depend on the order in
    which the elements are visited). The input may be f32, f16, bf16 or a
    narrow float.

    Example:

    ```mlir
    %a = fp8.amax %x {block = array<i64: 1, 128>}
        : tensor<8x512xf32> -> tensor<8x4xf32>
    ```
  }];
  let arguments = (ins
    FP8_AmaxInputLike:$input,
    OptionalAttr<DenseI64ArrayAttr>:$block
  );
  let results = (outs FP8_F32Like:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// fp8.compute_scale
//===----------------------------------------------------------------------===//

def FP8_ComputeScaleOp : FP8_Op<"compute_scale", [Pure, ElementwiseMappable]> {
  let summary = "Decode scale that maps an amax onto a format's range";
  let description = [{
    Maps each `amax` onto a target magnitude `t`: by default
    `t = max_finite(format) * 2^-margin`; with `target_max`, `t = target_max`
    (which replaces `margin`: setting both is an error). `target_max` is an
    f32 that need not be a power of two, finite, no smaller than the smallest
    normal f32 and no larger than `max_finite(format)`; e.g. 15 for HiF8, as
    Ascend's dynamic HiF8 quantization does.

    For an f32 result: `s = amax / t`, one IEEE f32 division (round to
    nearest even; `t` is exact in f32); with `pow2`, `s` is instead the
    smallest power of two `>= amax / t` computed exactly (so `amax / s <= t`
    always holds); `s` is clamped to the normal f32 range (`[2^-126, 2^127]`
    with `pow2`); where `amax` is 0 or not finite, `s = 1`. Quantizing with
    `s` maps the block's largest magnitude onto `t`.

    For an `f8E8M0FNU` result, the OCP MX rule:
    `s = 2^(floor(log2(amax)) - floor(log2(t)))`, clamped to
    `[2^-127, 2^127]`; 1 where amax is 0 or not finite. By default
    `floor(log2(t)) = emax(format) - margin` with
    `emax = floor(log2(max_finite(format)))` (8 for f8E4M3FN, 15 for HiF8),
    so `s = 2^(floor(log2(amax)) - emax + margin)`; with `target_max`, emax
    is replaced by `floor(log2(target_max))` (3 for 15: the same scales as
    HiF8 with margin 12). E8M0 scales are powers of two already: `pow2` changes
    nothing there.

    Example:

    ```mlir
    %s = fp8.compute_scale %amax {format = f8E4M3FN, margin = 1 : i32, pow2}
        : f32 -> f32
    %h = fp8.compute_scale %amax {format = !fp8.hif8, target_max = 1.5e+01 : f32}
        : f32 -> f32
    %e = fp8.compute_scale %amaxes {format = f4E2M1FN}
        : tensor<16x2xf32> -> tensor<16x2xf8E8M0FNU>
    ```

    `%h` is `amax / 15` in f32: amax 30 gives 2, amax 1 gives
    `0x3D888889` (1/15 rounded to nearest even).
  }];
  let arguments = (ins
    FP8_F32Like:$amax,
    TypeAttr:$format,
    DefaultValuedAttr<I32Attr, "0">:$margin,
    UnitAttr:$pow2,
    OptionalAttr<F32Attr>:$target_max
  );
  let results = (outs FP8_ScaleResultLike:$scale);
  let assemblyFormat = "$amax attr-dict `:` type($amax) `->` type($scale)";
  let extraClassDeclaration = [{
    /// `margin` as the signed exponent it is (I32Attr reads back unsigned).
    int32_t getSignedMargin() { return static_cast<int32_t>(getMargin()); }
    /// The magnitude amax maps onto: `target_max` if set, else
    /// max_finite(format) * 2^-margin (exact in double; the verifier keeps
    /// it a normal f32).
    double getScaleTarget();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// fp8.scaled_matmul
//===----------------------------------------------------------------------===//

def FP8_ScaledMatmulOp : FP8_Op<"scaled_matmul",
    [Pure, AttrSizedOperandSegments,
     DeclareOpInterfaceMethods<ReifyRankedShapedTypeOpInterface,
         ["reifyResultShapes"]>,
     DeclareOpInterfaceMethods<TilingInterface,
         ["getLoopIteratorTypes", "getIterationDomain",
          "getTiledImplementation", "getResultTilePosition",
          "generateResultTileValue", "getIterationDomainTileFromResultTile",
          "isOpFusableWithConsumerSlice"]>,
     DeclareOpInterfaceMethods<PartialReductionOpInterface,
         ["generateInitialTensorForPartialReduction", "tileToPartialReduction",
          "mergeReductions", "getPartialResultTilePosition"]>]> {
  let summary = "Matrix multiplication of scaled narrow operands";
  let description = [{
    `D[b, m, n] = sum_k dequant(lhs)[b, m, k] * dequant(rhs)[b, k, n]`,
    accumulated in f32, where `dequant` applies each operand's scale with its
    block shape exactly as `fp8.dequantize` does (no `*_block`: one scalar
    scale). Operands are `[batch..., M, K]` and `[batch..., K, N]`, or
    `[batch..., N, K]` with `rhs_transposed`. Each side may have any narrow
    element type (E4M3 x E5M2 is legal).

    Then, in order: `bias` (f32, f16 or bf16, shape `[N]` or the result's
    shape) is added; the optional `amax` result is `max |D|` over the whole
    result; and if the result type is narrow, `D` is quantized with
    `out_scale` (a decode scale, required exactly then), `rounding` and
    `saturation`. A wide result (f32, f16, bf16) is rounded to nearest even.

    The order of the f32 additions is not specified; lowerings apply block
    scales once per K-block.

    Tiling: the op implements `TilingInterface` over the iteration domain
    `[batch..., M, N, K]` (K is the reduction), so upstream tiling and
    tile-and-fuse (`transform.structured.tile_using_for`,
    `tile_using_forall`, `fuse`, `fuse_into_containing_op`) apply to it. A
    tile is an `fp8.scaled_matmul` on slices of the operands, their scales
    and the bias, with the same attributes; a tile along batch, M and N
    computes its elements exactly as the untiled op does (same K reduction,
    bias and conversion). Along a dimension with scale blocks a tile must
    start at a block boundary (its scales are then the blocks it overlaps) or
    lie inside one block: tile by a multiple or a divisor of the block size,
    or the tiling fails with an error saying where. K is tiled only by
    partial reduction (`PartialReductionOpInterface`,
    `transform.structured.tile_reduction_using_for`): a loop over K tiles adds
    each tile's f32 product (a tile without bias or output conversion) to
    f32 sums, then one `linalg.generic` adds the bias and converts the sums
    to the result type. This reassociates the f32 additions, as the
    unspecified order allows. Tiling K with a full-reduction tiling (such as
    `tile_using_for`) is an error: the op is not destination-style, so each K
    tile would overwrite the others. An op with an `amax` result is not tiled
    (amax reduces the whole result); fused as a producer into a consumer's
    tile, it yields a tile without `amax` and stays for its `amax` user.
    Dynamic shapes are supported (result shapes reify from the operands).

    Example (DeepSeek-style 1x128 activations, 128x128 weights):

    ```mlir
    %d = fp8.scaled_matmul %a[%sa], %b[%sb]
        {lhs_block = array<i64: 1, 128>, rhs_block = array<i64: 128, 128>}
        : tensor<64x512xf8E4M3FN>[tensor<64x4xf32>],
          tensor<512x256xf8E4M3FN>[tensor<4x2xf32>] -> tensor<64x256xbf16>
    ```
  }];
  let arguments = (ins
    RankedTensorOf<[FP8_NarrowFloat]>:$lhs,
    FP8_ScaleLike:$lhs_scale,
    RankedTensorOf<[FP8_NarrowFloat]>:$rhs,
    FP8_ScaleLike:$rhs_scale,
    Optional<RankedTensorOf<[F32, F16, BF16]>>:$bias,
    Optional<F32>:$out_scale,
    OptionalAttr<DenseI64ArrayAttr>:$lhs_block,
    OptionalAttr<DenseI64ArrayAttr>:$rhs_block,
    UnitAttr:$rhs_transposed,
    OptionalAttr<FP8_RoundingAttr>:$rounding,
    DefaultValuedAttr<FP8_SaturationAttr, "::mlir::fp8::Saturation::none">:$saturation
  );
  let results = (outs
    RankedTensorOf<[F32, F16, BF16, FP8_NarrowFloat]>:$result,
    Optional<F32>:$amax
  );
  let assemblyFormat = [{
    $lhs `[` $lhs_scale `]` `,` $rhs `[` $rhs_scale `]`
    (`bias` `(` $bias^ `:` type($bias) `)`)?
    (`out_scale` `(` $out_scale^ `)`)?
    attr-dict `:` type($lhs) `[` type($lhs_scale) `]` `,`
    type($rhs) `[` type($rhs_scale) `]` `->` type($result)
    (`,` type($amax)^)?
  }];
  let hasVerifier = 1;
}

#endif // FP8_DIALECT_FP8_IR_FP8OPS_TD
