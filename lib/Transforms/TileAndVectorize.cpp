//===- TileAndVectorize.cpp - Shared by the vectorization passes ----------===//

#include "TileAndVectorize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;

/// Whether a tile dimension of `vectorSize` elements reads or writes only
/// within a tensor dimension of size `size` (dynamic on partial tiles).
static bool isInBounds(int64_t size, int64_t vectorSize) {
  return !ShapedType::isDynamic(size) && size >= vectorSize;
}

/// Vectorizes an element-wise tile (all loops parallel, projected
/// permutation maps, identity maps on the outputs) into transfer reads, the
/// body on vectors of `sizes` and transfer writes, out-of-bounds-safe on
/// partial tiles. Upstream's vectorizer does the same but refuses bodies
/// with values of a type that is not a builtin integer or float (such as a
/// dialect's 8-bit float type), although vectors of them are valid: this is
/// its fallback for those.
static FailureOr<SmallVector<Value>>
vectorizeElementwiseTile(RewriterBase &rewriter, linalg::LinalgOp op,
                         ArrayRef<int64_t> sizes) {
  if (op->getNumRegions() != 1 || op.getNumReductionLoops() != 0)
    return failure();
  Block *body = op.getBlock();
  for (Operation &inner : body->without_terminator()) {
    if (inner.getNumRegions() != 0 ||
        !(isa<arith::ConstantOp>(inner) ||
          OpTrait::hasElementwiseMappableTraits(&inner)))
      return failure();
    if (!llvm::all_of(inner.getResultTypes(), VectorType::isValidElementType))
      return failure();
  }
  for (OpOperand &init : op.getDpsInitsMutable())
    if (!op.getMatchingIndexingMap(&init).isIdentity())
      return failure();

  Location loc = op.getLoc();
  auto vectorOf = [&](Type element) { return VectorType::get(sizes, element); };
  // Scalars (captured values, constants, scalar operands) are broadcast
  // where an operation meets them.
  auto asVector = [&](Value value) -> Value {
    if (isa<VectorType>(value.getType()))
      return value;
    return vector::BroadcastOp::create(rewriter, loc, vectorOf(value.getType()),
                                       value);
  };
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  IRMapping mapping;
  for (OpOperand *operand : op.getOpOperandsMatchingBBargs()) {
    BlockArgument arg = op.getMatchingBlockArgument(operand);
    if (op.isScalar(operand)) {
      mapping.map(arg, operand->get());
      continue;
    }
    if (arg.use_empty())
      continue;
    auto type = cast<RankedTensorType>(operand->get().getType());
    AffineMap indexing = op.getMatchingIndexingMap(operand);
    // Tensor dimensions to vector (loop) dimensions, 0 for the loop
    // dimensions the operand is broadcast along.
    AffineMap read = inverseAndBroadcastProjectedPermutation(indexing);
    SmallVector<bool> inBounds;
    for (auto [loop, size] : llvm::enumerate(sizes)) {
      std::optional<unsigned> dim = indexing.getResultPosition(
          getAffineDimExpr(loop, rewriter.getContext()));
      inBounds.push_back(!dim || isInBounds(type.getDimSize(*dim), size));
    }
    SmallVector<Value> indices(type.getRank(), zero);
    Value vector = vector::TransferReadOp::create(
        rewriter, loc, vectorOf(type.getElementType()), operand->get(), indices,
        /*padding=*/std::nullopt, read, inBounds);
    mapping.map(arg, vector);
  }

  for (Operation &inner : body->without_terminator()) {
    if (isa<arith::ConstantOp>(inner)) {
      rewriter.clone(inner, mapping);
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : inner.getOperands())
      operands.push_back(asVector(mapping.lookupOrDefault(operand)));
    SmallVector<Type> types;
    for (Type type : inner.getResultTypes())
      types.push_back(vectorOf(type));
    Operation *vectorized =
        rewriter.create(loc, inner.getName().getIdentifier(), operands, types,
                        inner.getAttrs());
    mapping.map(inner.getResults(), vectorized->getResults());
  }

  SmallVector<Value> results;
  for (auto [init, yielded] : llvm::zip_equal(
           op.getDpsInits(), body->getTerminator()->getOperands())) {
    auto type = cast<RankedTensorType>(init.getType());
    SmallVector<bool> inBounds;
    for (auto [dimSize, size] : llvm::zip_equal(type.getShape(), sizes))
      inBounds.push_back(isInBounds(dimSize, size));
    SmallVector<Value> indices(type.getRank(), zero);
    results.push_back(vector::TransferWriteOp::create(
                          rewriter, loc,
                          asVector(mapping.lookupOrDefault(yielded)), init,
                          indices, inBounds)
                          .getResult());
  }
  return results;
}

/// A tile that copies its input to its output (`linalg.copy`, or a generic
/// yielding its input, both along identity maps), with unit sizes but the
/// innermost, as one transfer of a 1-D vector each way. Upstream's
/// vectorizer would make it a read and a write of the tile's shape, which
/// canonicalization folds back into a tensor copy (`tensor.insert_slice` of
/// the source), a `memref.copy` per tile after bufferization: a library call
/// where the source is strided.
static FailureOr<SmallVector<Value>>
vectorizeCopyTile(RewriterBase &rewriter, linalg::LinalgOp op,
                  ArrayRef<int64_t> sizes) {
  if (op.getNumDpsInputs() != 1 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 0 || sizes.empty() ||
      !llvm::all_of(sizes.drop_back(), [](int64_t s) { return s == 1; }))
    return failure();
  OpOperand *source = op.getDpsInputOperand(0);
  OpOperand *init = op.getDpsInitOperand(0);
  auto yield = cast<linalg::YieldOp>(op.getBlock()->getTerminator());
  if (yield.getValues().size() != 1 ||
      yield.getValues()[0] != op.getMatchingBlockArgument(source) ||
      !op.getMatchingIndexingMap(source).isIdentity() ||
      !op.getMatchingIndexingMap(init).isIdentity())
    return failure();
  auto sourceType = dyn_cast<RankedTensorType>(source->get().getType());
  auto initType = cast<RankedTensorType>(init->get().getType());
  if (!sourceType || sourceType.getElementType() != initType.getElementType())
    return failure();
  Location loc = op.getLoc();
  int64_t size = sizes.back();
  auto vectorType = VectorType::get({size}, sourceType.getElementType());
  AffineMap innermost = AffineMap::getMinorIdentityMap(sourceType.getRank(), 1,
                                                       rewriter.getContext());
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  SmallVector<Value> indices(sourceType.getRank(), zero);
  Value vector = vector::TransferReadOp::create(
      rewriter, loc, vectorType, source->get(), indices,
      /*padding=*/std::nullopt, innermost,
      ArrayRef<bool>{isInBounds(sourceType.getShape().back(), size)});
  Value written =
      vector::TransferWriteOp::create(
          rewriter, loc, vector, init->get(), indices, innermost,
          ArrayRef<bool>{isInBounds(initType.getShape().back(), size)})
          .getResult();
  return SmallVector<Value>{written};
}

/// The dimension whose tile loop tileAndVectorize makes an `scf.forall`: the
/// first parallel one, in loop order, that has more than one tile of
/// `sizes`. None if the op has fewer than fp8::kMinParallelIterations iterations
/// (statically) or is inside a parallel loop already (whose threads it would
/// only fork again).
static std::optional<unsigned>
getParallelTileDim(linalg::LinalgOp op, ArrayRef<int64_t> sizes,
                   ArrayRef<int64_t> interchange) {
  if (op->getParentOfType<scf::ForallOp>() ||
      op->getParentOfType<scf::ParallelOp>())
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t iterations = 1;
  for (int64_t range : ranges) {
    if (ShapedType::isDynamic(range)) {
      iterations = fp8::kMinParallelIterations;
      break;
    }
    if (range <= 0)
      return std::nullopt;
    // Saturating (the product of two factors below 2^15).
    iterations = range >= fp8::kMinParallelIterations
                     ? fp8::kMinParallelIterations
                     : std::min(iterations * range,
                                fp8::kMinParallelIterations);
  }
  if (iterations < fp8::kMinParallelIterations)
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> order(interchange);
  if (order.empty())
    order = llvm::to_vector(llvm::seq<int64_t>(0, ranges.size()));
  for (int64_t dim : order)
    if (iterators[dim] == utils::IteratorType::parallel && sizes[dim] > 0 &&
        (ShapedType::isDynamic(ranges[dim]) || ranges[dim] > sizes[dim]))
      return dim;
  return std::nullopt;
}

FailureOr<SmallVector<LoopLikeOpInterface>> mlir::fp8::tileAndVectorize(
    RewriterBase &rewriter, linalg::LinalgOp op, ArrayRef<int64_t> sizes,
    bool createNamedContraction, ArrayRef<int64_t> interchange,
    bool parallel) {
  // A loop of zero iterations (a dimension of size 0): the op computes
  // nothing and its results are its inits. Tiling it would ask for tiles of
  // 0 elements (which the tiler takes for "untiled") and vectors of 0 lanes.
  if (op.hasPureTensorSemantics() &&
      llvm::is_contained(op.getStaticLoopRanges(), int64_t(0))) {
    rewriter.replaceOp(op, op.getDpsInits());
    return SmallVector<LoopLikeOpInterface>();
  }
  SmallVector<int64_t> clamped(sizes);
  for (auto [size, range] : llvm::zip_equal(clamped, op.getStaticLoopRanges()))
    if (!ShapedType::isDynamic(range))
      size = std::min(size, range);
  SmallVector<LoopLikeOpInterface> loops;
  // The tiles of the loops tiled below: all but the parallel one.
  SmallVector<int64_t> tileSizes(clamped);
  std::optional<unsigned> parallelDim =
      parallel ? getParallelTileDim(op, clamped, interchange) : std::nullopt;
  if (parallelDim) {
    rewriter.setInsertionPoint(op);
    SmallVector<int64_t> forallSizes(clamped.size(), 0);
    forallSizes[*parallelDim] = clamped[*parallelDim];
    scf::SCFTilingOptions options;
    options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    options.setTileSizes(getAsIndexOpFoldResult(op.getContext(), forallSizes));
    FailureOr<scf::SCFTilingResult> distributed = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (succeeded(distributed) && distributed->tiledOps.size() == 1 &&
        isa<linalg::LinalgOp>(distributed->tiledOps.front())) {
      rewriter.replaceOp(op, distributed->replacements);
      llvm::append_range(loops, distributed->loops);
      op = cast<linalg::LinalgOp>(distributed->tiledOps.front());
      tileSizes[*parallelDim] = 0;
    } else if (succeeded(distributed)) {
      // Not a single linalg tile (which the tiling of a linalg op always
      // is): keep the op serial.
      for (LoopLikeOpInterface loop : distributed->loops)
        rewriter.eraseOp(loop);
    }
  }

  SmallVector<Operation *> tiles = {op};
  if (llvm::any_of(tileSizes, [](int64_t size) { return size != 0; })) {
    rewriter.setInsertionPoint(op);
    scf::SCFTilingOptions options;
    options.setTileSizes(getAsIndexOpFoldResult(op.getContext(), tileSizes));
    options.setInterchange(interchange);
    FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), options);
    if (failed(tiled)) {
      if (loops.empty())
        return failure();
      // The parallel loop's tile stays a linalg op.
      return loops;
    }
    rewriter.replaceOp(op, tiled->replacements);
    llvm::append_range(loops, tiled->loops);
    tiles = tiled->tiledOps;
  }
  // An explicit (all false) list: an empty one made the vectorizer build
  // masks of the wrong type.
  SmallVector<bool> scalable(clamped.size(), false);
  for (Operation *tile : tiles) {
    rewriter.setInsertionPoint(tile);
    if (auto linalgTile = dyn_cast<linalg::LinalgOp>(tile)) {
      FailureOr<SmallVector<Value>> copied =
          vectorizeCopyTile(rewriter, linalgTile, clamped);
      if (succeeded(copied)) {
        rewriter.replaceOp(tile, *copied);
        continue;
      }
    }
    FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
        rewriter, tile, clamped, scalable, /*vectorizeNDExtract=*/false,
        /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false, createNamedContraction);
    if (succeeded(vectorized)) {
      rewriter.replaceOp(tile, vectorized->replacements);
      continue;
    }
    auto linalgTile = dyn_cast<linalg::LinalgOp>(tile);
    if (!linalgTile)
      continue;
    FailureOr<SmallVector<Value>> fallback =
        vectorizeElementwiseTile(rewriter, linalgTile, clamped);
    if (succeeded(fallback))
      rewriter.replaceOp(tile, *fallback);
  }
  return loops;
}
