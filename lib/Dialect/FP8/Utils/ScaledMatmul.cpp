//===- ScaledMatmul.cpp - Pieces shared by scaled_matmul lowerings --------===//

#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"

#include <numeric>

using namespace mlir;
using namespace mlir::fp8;

Value mlir::fp8::emitToF32(OpBuilder &builder, Location loc, Value value) {
  Type type = value.getType();
  Type element = getElementTypeOrSelf(type);
  if (element.isF32())
    return value;
  Type f32 = builder.getF32Type();
  Type result = isa<ShapedType>(type) ? cast<ShapedType>(type).clone(f32) : f32;
  if (isNarrowFloat(element))
    return ConvertOp::create(builder, loc, result, value);
  return arith::ExtFOp::create(builder, loc, result, value);
}

int64_t mlir::fp8::getScaleGroupAlongK(ScaledMatmulOp op) {
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  unsigned rank = lhsType.getRank();
  int64_t k = lhsType.getDimSize(rank - 1);
  unsigned rhsKDim = op.getRhsTransposed() ? rank - 1 : rank - 2;
  if (ShapedType::isDynamic(k)) {
    // A block whose scale has one entry along K (a static 1) covers all of
    // K, whatever K is at run time.
    auto addBlock = [](int64_t group, std::optional<ArrayRef<int64_t>> block,
                       Value scale, unsigned kDim) {
      auto scaleType = dyn_cast<RankedTensorType>(scale.getType());
      if (!block || !scaleType || scaleType.getDimSize(kDim) == 1)
        return group;
      return std::gcd(group, (*block)[kDim]);
    };
    int64_t group = addBlock(0, op.getLhsBlock(), op.getLhsScale(), rank - 1);
    group = addBlock(group, op.getRhsBlock(), op.getRhsScale(), rhsKDim);
    return group ? group : ShapedType::kDynamic;
  }
  auto kBlock = [&](std::optional<ArrayRef<int64_t>> block, unsigned kDim) {
    return block ? std::min((*block)[kDim], k) : k;
  };
  return std::min(std::gcd(kBlock(op.getLhsBlock(), rank - 1),
                           kBlock(op.getRhsBlock(), rhsKDim)),
                  k);
}

void mlir::fp8::getScaledMatmulContraction(
    ScaledMatmulOp op, SmallVectorImpl<AffineMap> &maps,
    SmallVectorImpl<utils::IteratorType> &iterators) {
  MLIRContext *context = op.getContext();
  unsigned rank = cast<RankedTensorType>(op.getResult().getType()).getRank();
  unsigned batch = rank - 2;
  auto dims = [&](ArrayRef<unsigned> positions) {
    SmallVector<AffineExpr> exprs;
    for (unsigned i = 0; i < batch; ++i)
      exprs.push_back(getAffineDimExpr(i, context));
    for (unsigned p : positions)
      exprs.push_back(getAffineDimExpr(batch + p, context));
    return AffineMap::get(rank + 1, 0, exprs, context);
  };
  const unsigned m = 0, n = 1, k = 2;
  maps.assign({dims({m, k}),
               op.getRhsTransposed() ? dims({n, k}) : dims({k, n}),
               dims({m, n})});
  iterators.assign(rank, utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
}

SmallVector<Value> mlir::fp8::emitScaledMatmulEpilogue(OpBuilder &b,
                                                       ScaledMatmulOp op,
                                                       Value accumulated) {
  Location loc = op.getLoc();
  Type f32 = b.getF32Type();
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  unsigned rank = resultType.getRank();
  MLIRContext *context = b.getContext();

  if (Value bias = op.getBias()) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    AffineMap identity = b.getMultiDimIdentityMap(rank);
    AffineMap biasMap =
        biasType.getRank() == 1
            ? AffineMap::get(rank, 0, getAffineDimExpr(rank - 1, context))
            : identity;
    SmallVector<OpFoldResult> sizes =
        tensor::getMixedSizes(b, loc, accumulated);
    Value init = tensor::EmptyOp::create(b, loc, sizes, f32);
    accumulated =
        linalg::GenericOp::create(
            b, loc, accumulated.getType(), ValueRange{accumulated, bias}, init,
            ArrayRef<AffineMap>{identity, biasMap, identity},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location loc, ValueRange args) {
              linalg::YieldOp::create(
                  b, loc,
                  arith::AddFOp::create(b, loc, args[0],
                                        emitToF32(b, loc, args[1]))
                      .getResult());
            })
            .getResult(0);
  }

  SmallVector<Value> results;
  Type resultElement = resultType.getElementType();
  if (isNarrowFloat(resultElement)) {
    results.push_back(QuantizeOp::create(
        b, loc, resultType, accumulated, op.getOutScale(),
        /*random_bits=*/Value(), /*block=*/DenseI64ArrayAttr(),
        op.getRoundingAttr(), op.getSaturationAttr()));
  } else if (!resultElement.isF32()) {
    results.push_back(arith::TruncFOp::create(b, loc, resultType, accumulated));
  } else {
    results.push_back(accumulated);
  }
  if (op.getAmax())
    results.push_back(
        AmaxOp::create(b, loc, f32, accumulated, DenseI64ArrayAttr()));
  return results;
}
