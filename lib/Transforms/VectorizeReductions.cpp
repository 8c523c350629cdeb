//===- VectorizeReductions.cpp - Tile and vectorize linalg reductions -----===//
//
// Reductions along the innermost dimension (softmax's max and sum, a norm's
// mean and variance) become one vector per row reduced by a tree; those
// along outer dimensions accumulate whole vectors of the innermost one.
//
//===----------------------------------------------------------------------===//

#include "fp8/Transforms/Passes.h"

#include "TileAndVectorize.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8VECTORIZEREDUCTIONSPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

/// Reductions of rows on tensors: some loops parallel, the others
/// reductions that no output is indexed by, static loop ranges, operands
/// read along projected permutations (upstream's vectorizer then recognizes
/// the combiner of each output, or fails and leaves the tile alone). Ops
/// whose loops are all reductions (the reduction of a whole tensor to one
/// value, and fp8-to-linalg's amax, whose blocks index the result) are not
/// taken.
static bool isReductionOnTensors(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumReductionLoops() == 0 ||
      op.getNumParallelLoops() == 0 || op.hasDynamicShape())
    return false;
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  for (OpOperand &init : op.getDpsInitsMutable())
    for (unsigned dim : reductions)
      if (op.getMatchingIndexingMap(&init).isFunctionOfDim(dim))
        return false;
  return llvm::all_of(op->getOperandTypes(),
                      [](Type type) {
                        Type element = getElementTypeOrSelf(type);
                        return !element.isIntOrFloat() ||
                               element.getIntOrFloatBitWidth() % 8 == 0 ||
                               element.isInteger(1);
                      }) &&
         llvm::all_of(op.getIndexingMapsArray(), [](AffineMap map) {
           return map.isProjectedPermutation(/*allowZeroInResults=*/true);
         });
}

/// The largest divisor of `extent` that is at most `limit`, preferring
/// multiples of `multiple` (full tiles need no masks).
static int64_t chooseChunk(int64_t extent, int64_t limit, int64_t multiple) {
  if (extent <= limit)
    return extent;
  for (int64_t chunk = limit - limit % multiple; chunk >= multiple;
       chunk -= multiple)
    if (extent % chunk == 0)
      return chunk;
  return limit;
}

/// A multi_reduction of a vector whose leading dimensions are 1 over all the
/// others (a tile of rows reduced along them) as one vector.reduction of the
/// flattened vector, allowed to reassociate: a tree of vector ops instead
/// of the in-order chain of scalar ops an ordered float reduction is.
static LogicalResult reduceAsTree(RewriterBase &rewriter,
                                  vector::MultiDimReductionOp op) {
  VectorType source = op.getSourceVectorType();
  ArrayRef<int64_t> dims = op.getReductionDims();
  int64_t rank = source.getRank();
  int64_t kept = rank - static_cast<int64_t>(dims.size());
  for (auto [i, dim] : llvm::enumerate(dims))
    if (dim != kept + static_cast<int64_t>(i))
      return failure();
  if (!llvm::all_of(source.getShape().take_front(kept),
                    [](int64_t size) { return size == 1; }))
    return failure();
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  auto flat =
      VectorType::get({source.getNumElements()}, source.getElementType());
  Value vector =
      vector::ShapeCastOp::create(rewriter, loc, flat, op.getSource());
  Value acc = op.getAcc();
  auto accType = dyn_cast<VectorType>(acc.getType());
  if (accType && accType.getRank() != kept)
    return failure();
  if (accType)
    acc = vector::ExtractOp::create(rewriter, loc, acc,
                                    SmallVector<int64_t>(kept, 0));
  auto fastmath = isa<FloatType>(source.getElementType())
                      ? arith::FastMathFlags::reassoc
                      : arith::FastMathFlags::none;
  Value reduced = vector::ReductionOp::create(rewriter, loc, op.getKind(),
                                              vector, acc, fastmath);
  if (accType)
    reduced = vector::BroadcastOp::create(rewriter, loc, accType, reduced);
  rewriter.replaceOp(op, reduced);
  return success();
}

//===----------------------------------------------------------------------===//
// Block maxima of integers (fp8-to-linalg's amax)
//===----------------------------------------------------------------------===//

namespace {
/// A reduction of element-wise code into an integer tensor by unsigned max
/// in blocks: `linalg.generic` with one init of integers, indexed along each
/// input dimension k by `dk` (block 1), `dk floordiv b` (block b) or 0 (the
/// whole dimension), or a 0-d init (the whole input); inputs read along the
/// identity map; a body yielding `maxui(init, v)` with `v` computed by
/// element-wise ops from the inputs. fp8-to-linalg's amax has this form
/// (`v` the bits of |x|). An unsigned max is associative and commutative, so
/// any order of the elements gives the same result.
struct BlockMax {
  linalg::GenericOp op;
  /// Per input dimension: 1, the block, or 0 for the whole dimension.
  SmallVector<int64_t> blocks;
  arith::MaxUIOp combiner;
  /// The inputs as read: the op's, or collapsed to 1-D for a 0-d init.
  SmallVector<Value> inputs;
};
} // namespace

static std::optional<BlockMax> matchBlockMax(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || op.getNumDpsInits() != 1 ||
      op.getNumDpsInputs() == 0 || op.getNumLoops() == 0)
    return std::nullopt;
  OpOperand *init = op.getDpsInitOperand(0);
  auto initType = dyn_cast<RankedTensorType>(init->get().getType());
  if (!initType || !initType.getElementType().isSignlessInteger())
    return std::nullopt;
  unsigned rank = op.getNumLoops();
  for (OpOperand *input : op.getDpsInputOperands()) {
    auto type = dyn_cast<RankedTensorType>(input->get().getType());
    Type element = type ? type.getElementType() : Type();
    if (!type || !op.getMatchingIndexingMap(input).isIdentity() ||
        !VectorType::isValidElementType(element) ||
        !element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0)
      return std::nullopt;
  }
  BlockMax match;
  match.op = op;
  AffineMap initMap = op.getMatchingIndexingMap(init);
  if (initMap.getNumResults() == 0) {
    match.blocks.assign(rank, 0);
  } else if (initMap.getNumResults() == rank) {
    for (auto [dim, result] : llvm::enumerate(initMap.getResults())) {
      if (auto constant = dyn_cast<AffineConstantExpr>(result)) {
        if (constant.getValue() != 0)
          return std::nullopt;
        match.blocks.push_back(0);
        continue;
      }
      if (auto index = dyn_cast<AffineDimExpr>(result)) {
        if (index.getPosition() != dim)
          return std::nullopt;
        match.blocks.push_back(1);
        continue;
      }
      auto binary = dyn_cast<AffineBinaryOpExpr>(result);
      if (!binary || binary.getKind() != AffineExprKind::FloorDiv)
        return std::nullopt;
      auto index = dyn_cast<AffineDimExpr>(binary.getLHS());
      auto size = dyn_cast<AffineConstantExpr>(binary.getRHS());
      if (!index || index.getPosition() != dim || !size || size.getValue() < 1)
        return std::nullopt;
      match.blocks.push_back(size.getValue());
    }
  } else {
    return std::nullopt;
  }
  Block *body = op.getBlock();
  BlockArgument acc = op.getMatchingBlockArgument(init);
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto max = yield.getValues()[0].getDefiningOp<arith::MaxUIOp>();
  if (!max || !acc.hasOneUse() || max->getBlock() != body ||
      !max.getResult().hasOneUse())
    return std::nullopt;
  if (max.getLhs() != acc && max.getRhs() != acc)
    return std::nullopt;
  for (Operation &inner : body->without_terminator()) {
    if (inner.getNumRegions() != 0 ||
        !(isa<arith::ConstantOp>(inner) ||
          OpTrait::hasElementwiseMappableTraits(&inner)))
      return std::nullopt;
    if (!llvm::all_of(inner.getResultTypes(), VectorType::isValidElementType))
      return std::nullopt;
  }
  match.combiner = max;
  for (OpOperand *input : op.getDpsInputOperands())
    match.inputs.push_back(input->get());
  return match;
}

/// `value`'s elements are `maxui`ed into a vector of `type`: the body of the
/// block max on the inputs read at `indices` (innermost dimension as a
/// vector of `type`'s length), with the lanes at or beyond `valid` (if set)
/// zero.
static Value emitBlockMaxOperand(OpBuilder &b, Location loc,
                                 const BlockMax &match, ValueRange indices,
                                 VectorType type, bool inBounds, Value valid) {
  linalg::GenericOp op = match.op;
  arith::MaxUIOp combiner = match.combiner;
  int64_t lanes = type.getNumElements();
  auto vectorOf = [&](Type element) {
    return VectorType::get({lanes}, element);
  };
  auto asVector = [&](Value value) -> Value {
    if (isa<VectorType>(value.getType()))
      return value;
    return vector::BroadcastOp::create(b, loc, vectorOf(value.getType()),
                                       value);
  };
  IRMapping mapping;
  for (auto [input, source] :
       llvm::zip_equal(op.getDpsInputOperands(), match.inputs)) {
    BlockArgument arg = op.getMatchingBlockArgument(input);
    if (arg.use_empty())
      continue;
    auto inputType = cast<RankedTensorType>(source.getType());
    AffineMap innermost = AffineMap::getMinorIdentityMap(
        inputType.getRank(), 1, b.getContext());
    Value read = vector::TransferReadOp::create(
        b, loc, vectorOf(inputType.getElementType()), source, indices,
        /*padding=*/std::nullopt, innermost, ArrayRef<bool>{inBounds});
    mapping.map(arg, read);
  }
  Block *body = op.getBlock();
  for (Operation &inner : body->without_terminator()) {
    if (&inner == combiner.getOperation())
      continue;
    if (isa<arith::ConstantOp>(inner)) {
      b.clone(inner, mapping);
      continue;
    }
    SmallVector<Value> operands;
    for (Value operand : inner.getOperands())
      operands.push_back(asVector(mapping.lookupOrDefault(operand)));
    SmallVector<Type> types;
    for (Type result : inner.getResultTypes())
      types.push_back(vectorOf(result));
    Operation *vectorized = b.create(loc, inner.getName().getIdentifier(),
                                     operands, types, inner.getAttrs());
    mapping.map(inner.getResults(), vectorized->getResults());
  }
  BlockArgument acc = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  Value operand =
      combiner.getLhs() == acc ? combiner.getRhs() : combiner.getLhs();
  Value value = asVector(mapping.lookupOrDefault(operand));
  if (valid) {
    Value mask = vector::CreateMaskOp::create(
        b, loc, VectorType::get({lanes}, b.getI1Type()), valid);
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(type));
    value = arith::SelectOp::create(b, loc, mask, value, zero);
  }
  return value;
}

/// Emits `match` as loops over the outer input dimensions and, along the
/// innermost one, 16-lane vectors (`lanes`): where its block is 1, they are
/// maxed into the output row in place; otherwise into a vector accumulator
/// per block, reduced horizontally at the block's end and maxed into its
/// output element. Each block's last partial vector is read masked at the
/// tensor's end and its lanes past the block zeroed (0 is max's identity).
static void vectorizeBlockMax(RewriterBase &rewriter, BlockMax match,
                              int64_t lanes) {
  linalg::GenericOp op = match.op;
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  // The whole input into one value: one loop over it as 1-D.
  Value out = op.getDpsInitOperand(0)->get();
  auto outType = cast<RankedTensorType>(out.getType());
  if (outType.getRank() == 0 && op.getNumLoops() > 1) {
    ReassociationIndices all =
        llvm::to_vector(llvm::seq<int64_t>(0, op.getNumLoops()));
    for (Value &input : match.inputs)
      input = tensor::CollapseShapeOp::create(
          rewriter, loc, input, ArrayRef<ReassociationIndices>{all});
    match.blocks.assign(1, 0);
  }
  Value input = match.inputs.front();
  auto inputType = cast<RankedTensorType>(input.getType());
  unsigned rank = inputType.getRank();
  Type element = outType.getElementType();
  auto vectorType = VectorType::get({lanes}, element);

  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value step = arith::ConstantIndexOp::create(rewriter, loc, lanes);
  SmallVector<Value> extents;
  for (unsigned dim = 0; dim < rank; ++dim)
    extents.push_back(
        getValueOrCreateConstantIndexOp(rewriter, loc,
                                        tensor::getMixedSize(rewriter, loc,
                                                             input, dim)));
  Value extent = extents.back();
  int64_t innerBlock = match.blocks.back();
  int64_t staticExtent = inputType.getShape().back();
  // Full vectors in [0, extent - extent % lanes) along the innermost loop.
  auto fullEnd = [&](OpBuilder &b, Value length) -> Value {
    Value rem = arith::RemUIOp::create(b, loc, length, step);
    return arith::SubIOp::create(b, loc, length, rem);
  };
  // The output index of outer loop index `index` along `dim`.
  auto outIndex = [&](OpBuilder &b, unsigned dim, Value index) -> Value {
    int64_t block = match.blocks[dim];
    if (block == 0)
      return zero;
    if (block == 1)
      return index;
    return arith::DivUIOp::create(
        b, loc, index, arith::ConstantIndexOp::create(b, loc, block));
  };

  SmallVector<Value> lbs(rank - 1, zero), ubs(extents.begin(),
                                               extents.end() - 1),
      steps(rank - 1, one);
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, lbs, ubs, steps, ValueRange{out},
      [&](OpBuilder &b, Location loc, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value result = args[0];
        SmallVector<Value> outer;
        if (outType.getRank() != 0)
          for (auto [dim, iv] : llvm::enumerate(ivs))
            outer.push_back(outIndex(b, dim, iv));
        auto inputIndices = [&](Value j) {
          SmallVector<Value> indices(ivs.begin(), ivs.end());
          indices.push_back(j);
          return indices;
        };

        if (innerBlock == 1) {
          // The output row, 16 lanes at a time.
          auto rowStep = [&](OpBuilder &b, Value j, Value row, bool inBounds) {
            SmallVector<Value> outIndices(outer);
            outIndices.push_back(j);
            AffineMap innermost = AffineMap::getMinorIdentityMap(
                outType.getRank(), 1, b.getContext());
            Value old = vector::TransferReadOp::create(
                b, loc, vectorType, row, outIndices, /*padding=*/std::nullopt,
                innermost, ArrayRef<bool>{inBounds});
            Value value =
                emitBlockMaxOperand(b, loc, match, inputIndices(j), vectorType,
                                    inBounds, /*valid=*/Value());
            Value max = arith::MaxUIOp::create(b, loc, old, value);
            return vector::TransferWriteOp::create(b, loc, max, row,
                                                   outIndices, innermost,
                                                   ArrayRef<bool>{inBounds})
                .getResult();
          };
          Value end = fullEnd(b, extent);
          auto full = scf::ForOp::create(
              b, loc, zero, end, step, ValueRange{result},
              [&](OpBuilder &b, Location loc, Value j, ValueRange iter) {
                scf::YieldOp::create(b, loc, rowStep(b, j, iter[0], true));
              });
          result = full.getResult(0);
          if (ShapedType::isDynamic(staticExtent) || staticExtent % lanes) {
            Value partial = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::ult, end, extent);
            auto tail = scf::IfOp::create(
                b, loc, partial,
                [&](OpBuilder &b, Location loc) {
                  scf::YieldOp::create(b, loc,
                                       rowStep(b, end, result, false));
                },
                [&](OpBuilder &b, Location loc) {
                  scf::YieldOp::create(b, loc, result);
                });
            result = tail.getResult(0);
          }
          return {result};
        }

        // One block [start, start + length): a vector accumulator, reduced
        // and maxed into the block's output element.
        auto reduceBlock = [&](OpBuilder &b, Value start, Value length,
                               Value into) -> Value {
          Value end = fullEnd(b, length);
          Value init = arith::ConstantOp::create(b, loc,
                                                 b.getZeroAttr(vectorType));
          auto full = scf::ForOp::create(
              b, loc, zero, end, step, ValueRange{init},
              [&](OpBuilder &b, Location loc, Value j, ValueRange iter) {
                Value at = arith::AddIOp::create(b, loc, start, j);
                Value value =
                    emitBlockMaxOperand(b, loc, match, inputIndices(at),
                                        vectorType, true, Value());
                scf::YieldOp::create(
                    b, loc,
                    arith::MaxUIOp::create(b, loc, iter[0], value).getResult());
              });
          Value acc = full.getResult(0);
          bool mayBePartial =
              innerBlock == 0
                  ? (ShapedType::isDynamic(staticExtent) ||
                     staticExtent % lanes)
                  : (innerBlock % lanes || ShapedType::isDynamic(staticExtent) ||
                     staticExtent % innerBlock);
          if (mayBePartial) {
            Value partial = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::ult, end, length);
            auto tail = scf::IfOp::create(
                b, loc, partial,
                [&](OpBuilder &b, Location loc) {
                  Value at = arith::AddIOp::create(b, loc, start, end);
                  Value valid = arith::SubIOp::create(b, loc, length, end);
                  Value value =
                      emitBlockMaxOperand(b, loc, match, inputIndices(at),
                                          vectorType, false, valid);
                  scf::YieldOp::create(
                      b, loc,
                      arith::MaxUIOp::create(b, loc, acc, value).getResult());
                },
                [&](OpBuilder &b, Location loc) {
                  scf::YieldOp::create(b, loc, acc);
                });
            acc = tail.getResult(0);
          }
          Value reduced = vector::ReductionOp::create(
              b, loc, vector::CombiningKind::MAXUI, acc);
          SmallVector<Value> outIndices(outer);
          if (outType.getRank() != 0)
            outIndices.push_back(
                innerBlock == 0
                    ? zero
                    : arith::DivUIOp::create(
                          b, loc, start,
                          arith::ConstantIndexOp::create(b, loc, innerBlock))
                          .getResult());
          Value old = tensor::ExtractOp::create(b, loc, into, outIndices);
          Value max = arith::MaxUIOp::create(b, loc, old, reduced);
          // A 0-d result is rebuilt from its element (which folds away with
          // the fill and the extract of it: no buffer).
          if (outType.getRank() == 0)
            return tensor::FromElementsOp::create(b, loc, outType, max);
          return tensor::InsertOp::create(b, loc, max, into, outIndices);
        };
        if (innerBlock == 0)
          return {reduceBlock(b, zero, extent, result)};
        Value blockSize = arith::ConstantIndexOp::create(b, loc, innerBlock);
        auto blocks = scf::ForOp::create(
            b, loc, zero, extent, blockSize, ValueRange{result},
            [&](OpBuilder &b, Location loc, Value start, ValueRange iter) {
              Value length = blockSize;
              if (ShapedType::isDynamic(staticExtent) ||
                  staticExtent % innerBlock) {
                Value left = arith::SubIOp::create(b, loc, extent, start);
                length = arith::MinUIOp::create(b, loc, left, blockSize);
              }
              scf::YieldOp::create(b, loc,
                                   reduceBlock(b, start, length, iter[0]));
            });
        return {blocks.getResult(0)};
      });
  Value result = nest.results.empty() ? out : nest.results[0];
  rewriter.replaceOp(op, result);
}

namespace {

/// The multi_reductions the vectorizer creates (and has not erased since).
struct ReductionCollector : RewriterBase::Listener {
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    if (isa<vector::MultiDimReductionOp>(op))
      created.insert(op);
  }
  void notifyOperationErased(Operation *op) override { created.remove(op); }
  SetVector<Operation *> created;
};

struct FP8VectorizeReductionsPass
    : mlir::fp8::impl::FP8VectorizeReductionsPassBase<
          FP8VectorizeReductionsPass> {
  using FP8VectorizeReductionsPassBase::FP8VectorizeReductionsPassBase;

  void runOnOperation() override {
    if (vectorSize < 1 || maxVectorElements < vectorSize ||
        maxVectorElements > 65536) {
      getOperation().emitError()
          << "fp8-vectorize-reductions: need 1 <= vector-size <= "
             "max-vector-elements <= 65536, got "
          << static_cast<int64_t>(vectorSize) << " and "
          << static_cast<int64_t>(maxVectorElements);
      return signalPassFailure();
    }
    IRRewriter blockRewriter(&getContext());
    SmallVector<BlockMax> blockMaxes;
    getOperation().walk([&](linalg::GenericOp op) {
      if (std::optional<BlockMax> match = matchBlockMax(op))
        blockMaxes.push_back(*match);
    });
    for (const BlockMax &match : blockMaxes)
      vectorizeBlockMax(blockRewriter, match, vectorSize);

    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isReductionOnTensors(op))
        candidates.push_back(op);
    });

    ReductionCollector collector;
    IRRewriter rewriter(&getContext(), &collector);
    for (linalg::LinalgOp op : candidates) {
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      unsigned innermost = op.getNumLoops() - 1;
      // Parallel dimensions by 1, but for an innermost parallel one (its
      // vectors accumulate across the reductions along outer dimensions);
      // reduction dimensions whole, innermost first, as far as the vector
      // budget goes.
      SmallVector<int64_t> sizes(op.getNumLoops(), 1);
      int64_t budget = maxVectorElements;
      if (iterators[innermost] == utils::IteratorType::parallel) {
        sizes[innermost] = std::min<int64_t>(vectorSize, ranges[innermost]);
        budget /= std::max<int64_t>(sizes[innermost], 1);
      }
      for (int64_t dim = innermost; dim >= 0 && budget > 1; --dim) {
        if (iterators[dim] != utils::IteratorType::reduction)
          continue;
        sizes[dim] = chooseChunk(ranges[dim], budget, vectorSize);
        // (0 for a dimension of size 0: tileAndVectorize drops the op.)
        budget /= std::max<int64_t>(sizes[dim], 1);
      }
      (void)mlir::fp8::tileAndVectorize(rewriter, op, sizes,
                                        /*createNamedContraction=*/false,
                                        /*interchange=*/{}, parallel);
    }

    // Rows: one tree reduction each; the others: vectors combined
    // element-wise.
    SmallVector<Operation *> others;
    for (Operation *op : collector.created.takeVector()) {
      auto reduction = cast<vector::MultiDimReductionOp>(op);
      if (reduction->getParentOfType<vector::MaskOp>() ||
          failed(reduceAsTree(rewriter, reduction)))
        others.push_back(op);
    }
    RewritePatternSet patterns(&getContext());
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerParallel);
    (void)applyOpPatternsGreedily(others, std::move(patterns));
  }
};

} // namespace
