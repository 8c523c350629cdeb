//===- CollapseBroadcastContractions.cpp - One matmul for a broadcast -----===//
//
// A batch contraction one of whose operands is broadcast along batch
// dimensions (torch-mlir's attention in-projection: a batch_matmul over the
// sequence against the weight broadcast to every position) multiplies the
// same matrix once per batch: the broadcast dimensions are rows (or
// columns) of the other operand. The contraction becomes one larger one on
// the broadcast's source, the other operand reshaped [B, M, K] -> [B*M, K]
// and the result back, so that fp8-insert-casts quantizes the weight once
// and the kernels run one large matmul instead of B small ones.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/Transforms/Passes.h"
#include "fp8/Dialect/FP8/Transforms/Transforms.h"

#include "ContractionLayout.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8COLLAPSEBROADCASTCONTRACTIONSPASS
#include "fp8/Dialect/FP8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

namespace {
/// The source of a broadcast that a contraction reads, seen from the
/// contraction's loops.
struct BroadcastSource {
  Value value;
  /// The contraction's loop dimension of each dimension of `value`.
  AffineMap map;
  /// The contraction's loop dimensions the broadcast adds.
  SmallVector<unsigned> broadcastDims;
};
} // namespace

/// If `operand` (indexed by `map` in its consumer's loops) is a broadcast (a
/// linalg.broadcast, or a linalg.generic that only copies its one input
/// into more dimensions, as torch-mlir emits), its source.
static std::optional<BroadcastSource> matchBroadcast(Value operand,
                                                     AffineMap map) {
  auto producer = operand.getDefiningOp<linalg::LinalgOp>();
  if (!producer || !producer.hasPureTensorSemantics() ||
      producer.getNumDpsInputs() != 1 || producer.getNumDpsInits() != 1 ||
      producer.getNumParallelLoops() != producer.getNumLoops())
    return std::nullopt;
  Block *body = producer.getBlock();
  if (!body || body->getOperations().size() != 1)
    return std::nullopt;
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != body->getArgument(0))
    return std::nullopt;
  OpOperand *input = producer.getDpsInputOperand(0);
  if (!isa<RankedTensorType>(input->get().getType()))
    return std::nullopt;
  AffineMap inputMap = producer.getMatchingIndexingMap(input);
  AffineMap outputMap =
      producer.getMatchingIndexingMap(producer.getDpsInitOperand(0));
  if (!inputMap.isProjectedPermutation(/*allowZeroInResults=*/false) ||
      !outputMap.isPermutation() ||
      inputMap.getNumResults() == producer.getNumLoops())
    return std::nullopt;

  MLIRContext *context = operand.getContext();
  // A loop of the broadcast writes one dimension of `operand`, which the
  // consumer indexes with one of its loops.
  auto consumerLoop = [&](unsigned producerLoop) {
    unsigned dim =
        *outputMap.getResultPosition(getAffineDimExpr(producerLoop, context));
    return map.getDimPosition(dim);
  };
  BroadcastSource source;
  source.value = input->get();
  SmallVector<AffineExpr> exprs;
  for (AffineExpr expr : inputMap.getResults())
    exprs.push_back(getAffineDimExpr(
        consumerLoop(cast<AffineDimExpr>(expr).getPosition()), context));
  source.map = AffineMap::get(map.getNumDims(), 0, exprs, context);
  for (unsigned loop = 0, e = producer.getNumLoops(); loop < e; ++loop)
    if (!inputMap.isFunctionOfDim(loop))
      source.broadcastDims.push_back(consumerLoop(loop));
  return source;
}

/// `dims` in the order `map` (a projected permutation) holds them.
static SmallVector<unsigned> inOrderOf(AffineMap map, ArrayRef<unsigned> dims) {
  SmallVector<unsigned> sorted(dims);
  auto position = [&](unsigned dim) {
    return *map.getResultPosition(getAffineDimExpr(dim, map.getContext()));
  };
  llvm::sort(sorted,
             [&](unsigned a, unsigned b) { return position(a) < position(b); });
  return sorted;
}

/// Whether the static scales of fp8-insert-casts are attached as tensors,
/// whose shapes follow the contraction's layout (scalars do not).
static bool hasStaticScaleTensors(Operation *op) {
  for (StringRef name : {"fp8.lhs_scale", "fp8.rhs_scale"})
    if (isa_and_nonnull<ElementsAttr>(op->getDiscardableAttr(name)))
      return true;
  return false;
}

FailureOr<linalg::LinalgOp>
mlir::fp8::collapseBroadcastContraction(RewriterBase &rewriter,
                                        linalg::LinalgOp op) {
  FailureOr<ContractionLayout> layout = getContractionLayout(op);
  if (failed(layout))
    return rewriter.notifyMatchFailure(op, "not a contraction");
  if (layout->batch.empty())
    return rewriter.notifyMatchFailure(op, "no batch dimensions");
  if (hasStaticScaleTensors(op))
    return rewriter.notifyMatchFailure(
        op, "static scales whose shapes follow the batch layout");
  if (!op.getBlock()->getOps<linalg::IndexOp>().empty())
    return rewriter.notifyMatchFailure(op, "the body reads loop indices");

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // The rhs first: the weights of a layer.
  std::optional<BroadcastSource> source;
  unsigned broadcastIndex = 0;
  for (unsigned index : {1u, 0u}) {
    source = matchBroadcast(op.getDpsInputs()[index], maps[index]);
    if (source && llvm::all_of(source->broadcastDims, [&](unsigned dim) {
          return llvm::is_contained(layout->batch, dim);
        })) {
      broadcastIndex = index;
      break;
    }
    source.reset();
  }
  if (!source)
    return rewriter.notifyMatchFailure(
        op, "no operand is a broadcast along batch dimensions only");

  // The broadcast dimensions join the other operand's M (or N) dimensions,
  // in its order so that it collapses without a transpose.
  unsigned otherIndex = 1 - broadcastIndex;
  Value other = op.getDpsInputs()[otherIndex];
  AffineMap otherMap = maps[otherIndex];
  SmallVector<unsigned> batch;
  for (unsigned dim : layout->batch)
    if (!llvm::is_contained(source->broadcastDims, dim))
      batch.push_back(dim);
  SmallVector<unsigned> rows(layout->m), cols(layout->n);
  SmallVector<unsigned> &joined = broadcastIndex == 1 ? rows : cols;
  joined.append(source->broadcastDims);
  joined = inOrderOf(otherMap, joined);
  SmallVector<unsigned> k = inOrderOf(otherMap, layout->k);

  Value lhs = broadcastIndex == 0 ? source->value : other;
  Value rhs = broadcastIndex == 1 ? source->value : other;
  AffineMap lhsMap = broadcastIndex == 0 ? source->map : otherMap;
  AffineMap rhsMap = broadcastIndex == 1 ? source->map : otherMap;
  unsigned rhsInnermost =
      cast<AffineDimExpr>(rhsMap.getResults().back()).getPosition();
  bool rhsTransposed = llvm::is_contained(k, rhsInnermost);
  auto withBatch = [&](SmallVector<ArrayRef<unsigned>> groups) {
    if (!batch.empty())
      groups.insert(groups.begin(), batch);
    return groups;
  };
  SmallVector<ArrayRef<unsigned>> lhsGroups = withBatch({rows, k});
  SmallVector<ArrayRef<unsigned>> rhsGroups =
      withBatch(rhsTransposed ? SmallVector<ArrayRef<unsigned>>{cols, k}
                              : SmallVector<ArrayRef<unsigned>>{k, cols});
  SmallVector<ArrayRef<unsigned>> resultGroups = withBatch({rows, cols});

  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  Value lhsGrouped = toGroupedLayout(rewriter, loc, lhs, lhsMap, lhsGroups);
  Value rhsGrouped = toGroupedLayout(rewriter, loc, rhs, rhsMap, rhsGroups);
  Value init = op.getDpsInits()[0];
  auto initType = cast<RankedTensorType>(init.getType());
  Value initGrouped;
  // A fill stays a fill (which fp8-insert-casts reads as "no bias").
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (fill && initType.hasStaticShape()) {
    SmallVector<int64_t> shape;
    for (ArrayRef<unsigned> group : resultGroups) {
      int64_t size = 1;
      for (unsigned dim : group)
        size *= initType.getDimSize(
            *maps[2].getResultPosition(getAffineDimExpr(dim, context)));
      shape.push_back(size);
    }
    Value empty = tensor::EmptyOp::create(rewriter, loc, shape,
                                          initType.getElementType());
    initGrouped =
        linalg::FillOp::create(rewriter, loc, fill.getInputs()[0], empty)
            .getResult(0);
  } else {
    initGrouped = toGroupedLayout(rewriter, loc, init, maps[2], resultGroups);
  }

  // Loops (batch, rows, cols, k); the body is the contraction's own.
  unsigned numLoops = batch.empty() ? 3 : 4;
  unsigned firstLoop = numLoops - 3;
  AffineExpr row = getAffineDimExpr(firstLoop, context);
  AffineExpr col = getAffineDimExpr(firstLoop + 1, context);
  AffineExpr red = getAffineDimExpr(firstLoop + 2, context);
  auto loopMap = [&](ArrayRef<AffineExpr> inner) {
    SmallVector<AffineExpr> exprs;
    if (!batch.empty())
      exprs.push_back(getAffineDimExpr(0, context));
    exprs.append(inner.begin(), inner.end());
    return AffineMap::get(numLoops, 0, exprs, context);
  };
  SmallVector<AffineMap> newMaps = {loopMap({row, red}),
                                    rhsTransposed ? loopMap({col, red})
                                                  : loopMap({red, col}),
                                    loopMap({row, col})};
  SmallVector<utils::IteratorType> iterators(numLoops,
                                             utils::IteratorType::parallel);
  iterators.back() = utils::IteratorType::reduction;
  auto contraction =
      linalg::GenericOp::create(rewriter, loc, TypeRange{initGrouped.getType()},
                                ValueRange{lhsGrouped, rhsGrouped},
                                ValueRange{initGrouped}, newMaps, iterators);
  rewriter.cloneRegionBefore(op->getRegion(0), contraction.getRegion(),
                             contraction.getRegion().end());
  // fp8.role and the like travel with the contraction.
  contraction->setDiscardableAttrs(op->getDiscardableAttrDictionary());

  Value result = fromGroupedLayout(rewriter, loc, contraction.getResult(0),
                                   init, maps[2], resultGroups);
  if (result.getType() != op->getResult(0).getType())
    result = tensor::CastOp::create(rewriter, loc, op->getResult(0).getType(),
                                    result);
  Operation *broadcast = op.getDpsInputs()[broadcastIndex].getDefiningOp();
  rewriter.replaceOp(op, result);
  for (Operation *producer : {broadcast, fill.getOperation()})
    if (producer && producer->use_empty())
      rewriter.eraseOp(producer);
  return cast<linalg::LinalgOp>(contraction.getOperation());
}

namespace {
struct CollapseBroadcastContraction
    : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    return collapseBroadcastContraction(rewriter, op);
  }
};

struct FP8CollapseBroadcastContractionsPass
    : mlir::fp8::impl::FP8CollapseBroadcastContractionsPassBase<
          FP8CollapseBroadcastContractionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateCollapseBroadcastContractionsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace

void mlir::fp8::populateCollapseBroadcastContractionsPatterns(
    RewritePatternSet &patterns) {
  patterns.add<CollapseBroadcastContraction>(patterns.getContext());
}
