//===- ContractionLayout.cpp - Contractions by loop-dimension role -------===//

#include "ContractionLayout.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace mlir::fp8;

static bool isWideFloat(Type type) {
  return type.isF32() || type.isF16() || type.isBF16();
}

FailureOr<ContractionLayout>
mlir::fp8::getContractionLayout(linalg::LinalgOp op, std::string *why) {
  auto fail = [&](const Twine &reason) {
    if (why)
      *why = reason.str();
    return failure();
  };
  if (!op.hasPureTensorSemantics())
    return fail("not on tensors");
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return fail("not two inputs and one init");
  if (!linalg::isaContractionOpInterface(op))
    return fail("not a multiply-add contraction");
  for (Value value :
       {op.getDpsInputs()[0], op.getDpsInputs()[1], op.getDpsInits()[0]})
    if (!isWideFloat(getElementTypeOrSelf(value.getType())))
      return fail("element types are not f32, f16 or bf16");
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims))
    return fail("no contraction dimensions");
  if (dims->m.empty() || dims->n.empty() || dims->k.empty())
    return fail("not a matrix product (an M, N or K dimension is missing)");
  ContractionLayout layout;
  layout.batch.assign(dims->batch.begin(), dims->batch.end());
  layout.m.assign(dims->m.begin(), dims->m.end());
  layout.n.assign(dims->n.begin(), dims->n.end());
  layout.k.assign(dims->k.begin(), dims->k.end());
  for (auto *group : {&layout.batch, &layout.m, &layout.n, &layout.k})
    llvm::sort(*group);

  // Each operand holds exactly its roles' dimensions, once each.
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  auto holdsExactly = [](AffineMap map, ArrayRef<unsigned> a,
                         ArrayRef<unsigned> b, ArrayRef<unsigned> c) {
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false) ||
        map.getNumResults() != a.size() + b.size() + c.size())
      return false;
    for (ArrayRef<unsigned> group : {a, b, c})
      for (unsigned dim : group)
        if (!map.isFunctionOfDim(dim))
          return false;
    return true;
  };
  if (!holdsExactly(maps[0], layout.batch, layout.m, layout.k) ||
      !holdsExactly(maps[1], layout.batch, layout.k, layout.n) ||
      !holdsExactly(maps[2], layout.batch, layout.m, layout.n))
    return fail("an operand has dimensions outside its batch/M/N/K roles");
  // [N, K] when the rhs's innermost dimension is a K dimension.
  unsigned innermost =
      cast<AffineDimExpr>(maps[1].getResults().back()).getPosition();
  layout.rhsTransposed = llvm::is_contained(layout.k, innermost);
  return layout;
}

Value mlir::fp8::toGroupedLayout(OpBuilder &b, Location loc, Value value,
                                 AffineMap map,
                                 ArrayRef<ArrayRef<unsigned>> groups) {
  SmallVector<int64_t> permutation;
  SmallVector<ReassociationIndices> reassociation;
  for (ArrayRef<unsigned> group : groups) {
    ReassociationIndices indices;
    for (unsigned dim : group) {
      indices.push_back(permutation.size());
      permutation.push_back(
          *map.getResultPosition(getAffineDimExpr(dim, b.getContext())));
    }
    reassociation.push_back(indices);
  }
  if (!isIdentityPermutation(permutation)) {
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, value);
    applyPermutationToVector(sizes, permutation);
    Value init = tensor::EmptyOp::create(b, loc, sizes,
                                         getElementTypeOrSelf(value.getType()));
    value = linalg::TransposeOp::create(b, loc, value, init, permutation)
                .getResult()[0];
  }
  if (reassociation.size() != permutation.size())
    value = tensor::CollapseShapeOp::create(b, loc, value, reassociation);
  return value;
}

Value mlir::fp8::fromGroupedLayout(OpBuilder &b, Location loc, Value value,
                                   Value like, AffineMap map,
                                   ArrayRef<ArrayRef<unsigned>> groups) {
  SmallVector<unsigned> order;
  SmallVector<ReassociationIndices> reassociation;
  for (ArrayRef<unsigned> group : groups) {
    ReassociationIndices indices;
    for (unsigned dim : group) {
      indices.push_back(order.size());
      order.push_back(dim);
    }
    reassociation.push_back(indices);
  }
  // Result dimension i is the loop dimension map(i), at its place in order.
  SmallVector<int64_t> permutation;
  for (AffineExpr expr : map.getResults())
    permutation.push_back(
        llvm::find(order, cast<AffineDimExpr>(expr).getPosition()) -
        order.begin());
  bool expand = reassociation.size() != order.size();
  bool transpose = !isIdentityPermutation(permutation);
  if (!expand && !transpose)
    return value;

  SmallVector<OpFoldResult> likeSizes = tensor::getMixedSizes(b, loc, like);
  auto likeType = cast<RankedTensorType>(like.getType());
  auto valueType = cast<RankedTensorType>(value.getType());
  if (expand) {
    SmallVector<OpFoldResult> sizes;
    SmallVector<int64_t> shape;
    for (unsigned dim : order) {
      unsigned position =
          *map.getResultPosition(getAffineDimExpr(dim, b.getContext()));
      sizes.push_back(likeSizes[position]);
      shape.push_back(likeType.getDimSize(position));
    }
    value = tensor::ExpandShapeOp::create(b, loc, valueType.clone(shape), value,
                                          reassociation, sizes);
  }
  if (!transpose)
    return value;
  Value init =
      tensor::EmptyOp::create(b, loc, likeSizes, valueType.getElementType());
  return linalg::TransposeOp::create(b, loc, value, init, permutation)
      .getResult()[0];
}
