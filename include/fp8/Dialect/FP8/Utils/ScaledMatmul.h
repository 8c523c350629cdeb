//===- ScaledMatmul.h - Pieces shared by scaled_matmul lowerings -*- C++
//-*-===//
//
// What every lowering of fp8.scaled_matmul does after the f32 accumulation:
// bias, amax, and the conversion to the result type.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_DIALECT_FP8_UTILS_SCALEDMATMUL_H
#define FP8_DIALECT_FP8_UTILS_SCALEDMATMUL_H

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/Builders.h"

namespace mlir::fp8 {

/// `value` (a scalar, vector or tensor of any float type the fp8 ops take)
/// converted to f32: `fp8.convert` for narrow floats, `arith.extf` for wider
/// ones, `value` itself for f32.
Value emitToF32(OpBuilder &builder, Location loc, Value value);

/// The K elements over which both operands' scales of `op` are constant:
/// the gcd of the two operands' scale blocks along K (a missing block is all
/// of K), at most K. Equal to K when the scales can be applied once, after
/// the whole sum. With a dynamic K: the gcd of the blocks along K, or
/// ShapedType::kDynamic where neither operand has one (scales applied once).
int64_t getScaleGroupAlongK(ScaledMatmulOp op);

/// `op` as a contraction over [batch..., M, N, K]: the indexing maps of its
/// lhs, rhs (transposed or not) and result, and the iterator types.
void getScaledMatmulContraction(
    ScaledMatmulOp op, SmallVectorImpl<AffineMap> &maps,
    SmallVectorImpl<utils::IteratorType> &iterators);

/// The epilogue of `op` applied to `accumulated`, the f32 tensor of the sums
/// (shaped like the op's result): the bias is added, the amax taken and the
/// result converted (quantized with the output scale for narrow result
/// types). Returns the replacement values of `op`'s results, built with
/// fp8 and linalg ops on tensors.
SmallVector<Value> emitScaledMatmulEpilogue(OpBuilder &builder,
                                            ScaledMatmulOp op,
                                            Value accumulated);

} // namespace mlir::fp8

#endif // FP8_DIALECT_FP8_UTILS_SCALEDMATMUL_H
