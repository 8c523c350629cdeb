//===- ScaledMatmulTilingInterface.cpp - Tiling fp8.scaled_matmul ---------===//
//
// TilingInterface, PartialReductionOpInterface and
// ReifyRankedShapedTypeOpInterface of fp8.scaled_matmul, so that upstream
// tiling and tile-and-fuse drivers (scf::tileUsingSCF,
// scf::tileConsumerAndFuseProducersUsingSCF, scf::tileReductionUsingScf and
// the transform ops built on them) work on it.
//
// The iteration domain is [batch..., M, N, K]. A tile slices the operands,
// their scales (whole scale blocks only) and the bias, and is itself an
// fp8.scaled_matmul. K is tiled only by partial reduction: the f32 products
// of the K tiles are added up in the loop, and the bias and output conversion
// are applied once, after it.
//
//===----------------------------------------------------------------------===//

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

#include <cstdlib>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace mlir::fp8;

namespace {
/// Where the dimensions of a scaled_matmul's operands and result sit in its
/// iteration domain [batch..., M, N, K].
struct DomainMaps {
  explicit DomainMaps(ScaledMatmulOp op) {
    unsigned batch =
        cast<RankedTensorType>(op.getLhs().getType()).getRank() - 2;
    m = batch;
    n = batch + 1;
    k = batch + 2;
    SmallVector<unsigned> batchLoops = llvm::to_vector(llvm::seq(batch));
    lhs = result = rhs = batchLoops;
    lhs.append({m, k});
    rhs.append(op.getRhsTransposed() ? SmallVector<unsigned>{n, k}
                                     : SmallVector<unsigned>{k, n});
    result.append({m, n});
    Value bias = op.getBias();
    if (bias && cast<RankedTensorType>(bias.getType()).getRank() == 1)
      this->bias = {n};
    else
      this->bias = result;
  }

  unsigned m, n, k;
  SmallVector<unsigned> lhs, rhs, result, bias;
};

/// How a tile of one operand dimension meets the scale blocks along it.
enum class BlockFit {
  /// The tile starts at a block boundary: its scales are the blocks
  /// [offset / block, ceildiv(offset + size, block)).
  Aligned,
  /// The tile lies inside one block: its scale is block offset / block.
  InOneBlock,
  /// Neither is known.
  Unknown,
};
} // namespace

/// values[positions[0]], values[positions[1]], ...
template <typename T>
static SmallVector<T> gather(ArrayRef<T> values, ArrayRef<unsigned> positions) {
  return llvm::map_to_vector(
      positions, [&](unsigned position) { return values[position]; });
}

//===----------------------------------------------------------------------===//
// What is known of tile offsets and sizes
//===----------------------------------------------------------------------===//

/// The largest integer known to divide `ofr`, from constants, the induction
/// variables of scf.for and scf.forall (through their lower bounds and steps)
/// and index arithmetic (affine.apply/min/max, arith.addi/subi/muli); 0 if
/// `ofr` is the constant 0, which every integer divides. Tiling drivers give
/// loop induction variables as offsets, so this is what says whether a tile
/// starts at a scale block boundary.
static int64_t getKnownDivisor(OpFoldResult ofr, unsigned depth = 0) {
  if (std::optional<int64_t> constant = getConstantIntValue(ofr))
    return *constant == std::numeric_limits<int64_t>::min()
               ? 1
               : std::abs(*constant);
  if (depth == 8)
    return 1;
  Value value = cast<Value>(ofr);
  auto gcdOf = [&](ArrayRef<OpFoldResult> values) {
    int64_t divisor = 0;
    for (OpFoldResult v : values)
      divisor = std::gcd(divisor, getKnownDivisor(v, depth + 1));
    return divisor;
  };
  if (scf::ForOp loop = scf::getForInductionVarOwner(value))
    return gcdOf({loop.getLowerBound(), loop.getStep()});
  if (scf::ForallOp loop = scf::getForallOpThreadIndexOwner(value)) {
    unsigned i = cast<BlockArgument>(value).getArgNumber();
    return gcdOf({loop.getMixedLowerBound()[i], loop.getMixedStep()[i]});
  }
  Operation *def = value.getDefiningOp();
  if (!def)
    return 1;

  // An affine map's results with each operand x replaced by divisor(x) * x.
  auto mapDivisor = [&](AffineMap map, ValueRange operands) {
    MLIRContext *context = map.getContext();
    SmallVector<AffineExpr> dims, symbols;
    for (auto [i, operand] : llvm::enumerate(operands)) {
      int64_t divisor = getKnownDivisor(operand, depth + 1);
      if (i < map.getNumDims())
        dims.push_back(getAffineDimExpr(i, context) * divisor);
      else
        symbols.push_back(getAffineSymbolExpr(i - map.getNumDims(), context) *
                          divisor);
    }
    int64_t divisor = 0;
    for (AffineExpr result : map.getResults())
      divisor = std::gcd(
          divisor,
          result.replaceDimsAndSymbols(dims, symbols).getLargestKnownDivisor());
    return divisor;
  };
  if (auto apply = dyn_cast<affine::AffineApplyOp>(def))
    return mapDivisor(apply.getAffineMap(), apply.getMapOperands());
  // min and max are one of their results.
  if (auto min = dyn_cast<affine::AffineMinOp>(def))
    return mapDivisor(min.getAffineMap(), min.getMapOperands());
  if (auto max = dyn_cast<affine::AffineMaxOp>(def))
    return mapDivisor(max.getAffineMap(), max.getMapOperands());
  if (isa<arith::AddIOp, arith::SubIOp>(def))
    return gcdOf({def->getOperand(0), def->getOperand(1)});
  if (isa<arith::MulIOp>(def)) {
    int64_t lhs = getKnownDivisor(def->getOperand(0), depth + 1);
    int64_t rhs = getKnownDivisor(def->getOperand(1), depth + 1);
    int64_t product;
    return llvm::MulOverflow(lhs, rhs, product) ? std::max(lhs, rhs) : product;
  }
  if (isa<arith::IndexCastOp, arith::IndexCastUIOp>(def))
    return getKnownDivisor(def->getOperand(0), depth + 1);
  return 1;
}

/// An upper bound of a tile size, if one is known.
static std::optional<int64_t> getUpperBound(OpFoldResult size) {
  if (std::optional<int64_t> constant = getConstantIntValue(size))
    return constant;
  FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
      presburger::BoundType::UB, size, /*stopCondition=*/nullptr,
      /*closedUB=*/true);
  if (failed(bound))
    return std::nullopt;
  return *bound;
}

/// How the tile [offset, offset + size) of a dimension of `extent` elements
/// (static or dynamic) meets its scale blocks of `block` elements.
static BlockFit fitBlocks(OpFoldResult offset, OpFoldResult size,
                          int64_t extent, int64_t block) {
  if (block == 1)
    return BlockFit::Aligned;
  if (!ShapedType::isDynamic(extent) && extent <= block)
    return BlockFit::InOneBlock;
  int64_t divisor = getKnownDivisor(offset);
  if (divisor % block == 0)
    return BlockFit::Aligned;
  // Block boundaries are multiples of `divisor` too, and the next one after
  // the offset is at least `divisor` away.
  if (block % divisor == 0) {
    std::optional<int64_t> bound = getUpperBound(size);
    if (bound && *bound <= divisor)
      return BlockFit::InOneBlock;
  }
  return BlockFit::Unknown;
}

/// "the lhs's M dimension", "the rhs's batch dimension 0", ...
static std::string describeDim(ScaledMatmulOp op, bool isLhs, unsigned dim) {
  unsigned rank = cast<RankedTensorType>(op.getLhs().getType()).getRank();
  std::string name = isLhs ? "the lhs's " : "the rhs's ";
  if (dim < rank - 2)
    return name + "batch dimension " + std::to_string(dim);
  bool first = dim == rank - 2;
  if (isLhs)
    return name + (first ? "M" : "K") + " dimension";
  if (op.getRhsTransposed())
    return name + (first ? "N" : "K") + " dimension";
  return name + (first ? "K" : "N") + " dimension";
}

/// Whether the tile (over the iteration domain) starts at a scale block
/// boundary, or lies in one block, along every blocked operand dimension; if
/// not and `diagnose`, says where it does not.
static LogicalResult checkScaleBlocks(ScaledMatmulOp op,
                                      ArrayRef<OpFoldResult> offsets,
                                      ArrayRef<OpFoldResult> sizes,
                                      bool diagnose) {
  DomainMaps maps(op);
  for (bool isLhs : {true, false}) {
    std::optional<ArrayRef<int64_t>> block =
        isLhs ? op.getLhsBlock() : op.getRhsBlock();
    if (!block)
      continue;
    auto type =
        cast<RankedTensorType>((isLhs ? op.getLhs() : op.getRhs()).getType());
    for (auto [dim, loop] : llvm::enumerate(isLhs ? maps.lhs : maps.rhs)) {
      int64_t blockSize = (*block)[dim];
      if (fitBlocks(offsets[loop], sizes[loop], type.getDimSize(dim),
                    blockSize) != BlockFit::Unknown)
        continue;
      if (!diagnose)
        return failure();
      InFlightDiagnostic diag = op.emitOpError() << "cannot be tiled: along "
                                                 << describeDim(op, isLhs, dim)
                                                 << ", tiles start at ";
      int64_t divisor = getKnownDivisor(offsets[loop]);
      if (divisor > 1)
        diag << "multiples of " << divisor;
      else
        diag << "offsets not known to be multiples of anything";
      return diag << ", not at the boundaries of its scale blocks of "
                  << blockSize << " elements (`"
                  << (isLhs ? "lhs_block" : "rhs_block")
                  << "`); tile it by a multiple of " << blockSize
                  << " or by a divisor of " << blockSize;
    }
  }
  return success();
}

/// Whether the tile [offset, offset + size) of K is the whole of K.
static bool coversK(ScaledMatmulOp op, OpFoldResult offset, OpFoldResult size) {
  if (!isZeroInteger(offset))
    return false;
  unsigned rank = cast<RankedTensorType>(op.getLhs().getType()).getRank();
  unsigned rhsK = op.getRhsTransposed() ? rank - 1 : rank - 2;
  for (auto [value, dim] : {std::make_pair(op.getLhs(), rank - 1),
                            std::make_pair(op.getRhs(), rhsK)}) {
    FailureOr<bool> equal = ValueBoundsConstraintSet::areEqual(
        size, ValueBoundsConstraintSet::Variable(value, dim));
    if (succeeded(equal) && *equal)
      return true;
  }
  return false;
}

static InFlightDiagnostic emitAmaxError(ScaledMatmulOp op) {
  return op.emitOpError()
         << "cannot be tiled while it has an `amax` result: amax is a "
            "reduction over the whole result, which tiles do not produce; "
            "compute it with fp8.amax on the result instead";
}

//===----------------------------------------------------------------------===//
// Building tiles
//===----------------------------------------------------------------------===//

/// The extents of the iteration domain, static where an operand's type
/// knows them.
static SmallVector<OpFoldResult> getDomainExtents(OpBuilder &b,
                                                  ScaledMatmulOp op) {
  DomainMaps maps(op);
  SmallVector<OpFoldResult> extents(maps.k + 1);
  std::pair<Value, ArrayRef<unsigned>> operands[] = {{op.getLhs(), maps.lhs},
                                                     {op.getRhs(), maps.rhs}};
  for (auto [value, loops] : operands)
    for (auto [dim, loop] : llvm::enumerate(loops)) {
      int64_t size = cast<RankedTensorType>(value.getType()).getDimSize(dim);
      if (!extents[loop] && !ShapedType::isDynamic(size))
        extents[loop] = b.getIndexAttr(size);
    }
  for (auto [value, loops] : operands)
    for (auto [dim, loop] : llvm::enumerate(loops))
      if (!extents[loop])
        extents[loop] = tensor::getMixedSize(b, op.getLoc(), value, dim);
  return extents;
}

/// The result's sizes: attributes where its type is static, values where it
/// is dynamic (as ReifyRankedShapedTypeOpInterface requires).
static SmallVector<OpFoldResult> getResultSizes(OpBuilder &b,
                                                ScaledMatmulOp op) {
  auto type = cast<RankedTensorType>(op.getResult().getType());
  SmallVector<OpFoldResult> sizes =
      gather<OpFoldResult>(getDomainExtents(b, op), DomainMaps(op).result);
  for (auto [dim, size] : llvm::enumerate(sizes))
    size = type.isDynamicDim(dim)
               ? OpFoldResult(
                     getValueOrCreateConstantIndexOp(b, op.getLoc(), size))
               : OpFoldResult(b.getIndexAttr(type.getDimSize(dim)));
  return sizes;
}

/// The slice of `value`, whose dimensions are the loops `loops`, for the
/// tile.
static Value sliceOperand(OpBuilder &b, Location loc, Value value,
                          ArrayRef<unsigned> loops,
                          ArrayRef<OpFoldResult> offsets,
                          ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> strides(loops.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, value, gather(offsets, loops),
                                        gather(sizes, loops), strides);
}

/// The scales of the slice of `operand` for the tile (checked by
/// checkScaleBlocks): whole blocks along every dimension.
static Value sliceScale(OpBuilder &b, Location loc, Value scale, Value operand,
                        std::optional<ArrayRef<int64_t>> block,
                        ArrayRef<unsigned> loops,
                        ArrayRef<OpFoldResult> offsets,
                        ArrayRef<OpFoldResult> sizes,
                        SmallVectorImpl<Operation *> &slices) {
  if (!block)
    return scale; // One scale for the whole operand.
  auto type = cast<RankedTensorType>(operand.getType());
  AffineExpr d0 = b.getAffineDimExpr(0);
  SmallVector<OpFoldResult> scaleOffsets, scaleSizes;
  for (auto [dim, loop] : llvm::enumerate(loops)) {
    int64_t blockSize = (*block)[dim];
    OpFoldResult offset = offsets[loop], size = sizes[loop];
    if (blockSize == 1) {
      scaleOffsets.push_back(offset);
      scaleSizes.push_back(size);
      continue;
    }
    int64_t extent = type.getDimSize(dim);
    BlockFit fit = fitBlocks(offset, size, extent, blockSize);
    assert(fit != BlockFit::Unknown && "tile not checked against the blocks");
    if (!ShapedType::isDynamic(extent) && extent <= blockSize)
      scaleOffsets.push_back(b.getIndexAttr(0));
    else
      scaleOffsets.push_back(affine::makeComposedFoldedAffineApply(
          b, loc, d0.floorDiv(blockSize), {offset}));
    scaleSizes.push_back(fit == BlockFit::Aligned
                             ? affine::makeComposedFoldedAffineApply(
                                   b, loc, d0.ceilDiv(blockSize), {size})
                             : b.getIndexAttr(1));
  }
  SmallVector<OpFoldResult> strides(loops.size(), b.getIndexAttr(1));
  auto slice = tensor::ExtractSliceOp::create(b, loc, scale, scaleOffsets,
                                              scaleSizes, strides);
  slices.push_back(slice);
  return slice;
}

/// The scaled_matmul of the tile (offsets, sizes over the iteration domain,
/// checked by checkScaleBlocks), without an amax result. A `partial` tile (a
/// K tile of a partial reduction) is the f32 product alone, without the op's
/// bias and output conversion. The operand slices are appended to `slices`.
static ScaledMatmulOp buildTile(OpBuilder &b, ScaledMatmulOp op,
                                ArrayRef<OpFoldResult> offsets,
                                ArrayRef<OpFoldResult> sizes, bool partial,
                                SmallVectorImpl<Operation *> &slices) {
  Location loc = op.getLoc();
  DomainMaps maps(op);
  auto slice = [&](Value value, ArrayRef<unsigned> loops) {
    Value result = sliceOperand(b, loc, value, loops, offsets, sizes);
    slices.push_back(result.getDefiningOp());
    return result;
  };
  Value lhs = slice(op.getLhs(), maps.lhs);
  Value lhsScale =
      sliceScale(b, loc, op.getLhsScale(), op.getLhs(), op.getLhsBlock(),
                 maps.lhs, offsets, sizes, slices);
  Value rhs = slice(op.getRhs(), maps.rhs);
  Value rhsScale =
      sliceScale(b, loc, op.getRhsScale(), op.getRhs(), op.getRhsBlock(),
                 maps.rhs, offsets, sizes, slices);

  SmallVector<int64_t> shape =
      llvm::map_to_vector(gather(sizes, maps.result), [](OpFoldResult size) {
        return getConstantIntValue(size).value_or(ShapedType::kDynamic);
      });
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  if (partial)
    return ScaledMatmulOp::create(
        b, loc, RankedTensorType::get(shape, b.getF32Type()),
        /*amax=*/Type(), lhs, lhsScale, rhs, rhsScale, /*bias=*/Value(),
        /*out_scale=*/Value(), op.getLhsBlockAttr(), op.getRhsBlockAttr(),
        op.getRhsTransposedAttr(), /*rounding=*/RoundingAttr(),
        SaturationAttr::get(b.getContext(), Saturation::none));
  Value bias = op.getBias() ? slice(op.getBias(), maps.bias) : Value();
  return ScaledMatmulOp::create(b, loc, resultType.clone(shape),
                                /*amax=*/Type(), lhs, lhsScale, rhs, rhsScale,
                                bias, op.getOutScale(), op.getLhsBlockAttr(),
                                op.getRhsBlockAttr(), op.getRhsTransposedAttr(),
                                op.getRoundingAttr(), op.getSaturationAttr());
}

/// The tile of the iteration domain that computes the result tile (offsets,
/// sizes): the whole of K, whose size is `kSize`.
static void
getDomainTileOfResultTile(ScaledMatmulOp op, ArrayRef<OpFoldResult> offsets,
                          ArrayRef<OpFoldResult> sizes, OpFoldResult kSize,
                          SmallVectorImpl<OpFoldResult> &tileOffsets,
                          SmallVectorImpl<OpFoldResult> &tileSizes) {
  DomainMaps maps(op);
  tileOffsets.assign(maps.k + 1, OpFoldResult());
  tileSizes.assign(maps.k + 1, OpFoldResult());
  for (auto [dim, loop] : llvm::enumerate(maps.result)) {
    tileOffsets[loop] = offsets[dim];
    tileSizes[loop] = sizes[dim];
  }
  tileOffsets[maps.k] = Builder(op.getContext()).getIndexAttr(0);
  tileSizes[maps.k] = kSize;
}

//===----------------------------------------------------------------------===//
// ReifyRankedShapedTypeOpInterface
//===----------------------------------------------------------------------===//

LogicalResult ScaledMatmulOp::reifyResultShapes(
    OpBuilder &b, ReifiedRankedShapedTypeDims &reifiedReturnShapes) {
  // Only the shaped result: amax is a scalar.
  reifiedReturnShapes.push_back(getResultSizes(b, *this));
  return success();
}

//===----------------------------------------------------------------------===//
// TilingInterface
//===----------------------------------------------------------------------===//

SmallVector<utils::IteratorType> ScaledMatmulOp::getLoopIteratorTypes() {
  SmallVector<utils::IteratorType> iterators(DomainMaps(*this).k,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  return iterators;
}

SmallVector<Range> ScaledMatmulOp::getIterationDomain(OpBuilder &b) {
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  return llvm::map_to_vector(getDomainExtents(b, *this),
                             [&](OpFoldResult extent) {
                               return Range{zero, extent, one};
                             });
}

FailureOr<TilingResult>
ScaledMatmulOp::getTiledImplementation(OpBuilder &b,
                                       ArrayRef<OpFoldResult> offsets,
                                       ArrayRef<OpFoldResult> sizes) {
  if (getAmax())
    return emitAmaxError(*this);
  DomainMaps maps(*this);
  if (!coversK(*this, offsets[maps.k], sizes[maps.k]))
    return emitOpError()
           << "cannot be tiled along K by a full-reduction tiling (such as "
              "transform.structured.tile_using_for): it is not "
              "destination-style, so each K tile would overwrite the sums of "
              "the others; tile K with "
              "transform.structured.tile_reduction_using_for instead";
  if (failed(checkScaleBlocks(*this, offsets, sizes, /*diagnose=*/true)))
    return failure();
  SmallVector<Operation *> slices;
  ScaledMatmulOp tile =
      buildTile(b, *this, offsets, sizes, /*partial=*/false, slices);
  return TilingResult{{tile}, {tile.getResult()}, slices};
}

LogicalResult ScaledMatmulOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  if (resultNumber != 0)
    return failure(); // amax is a scalar.
  DomainMaps maps(*this);
  resultOffsets = gather(offsets, maps.result);
  resultSizes = gather(sizes, maps.result);
  return success();
}

LogicalResult ScaledMatmulOp::getIterationDomainTileFromResultTile(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes,
    SmallVectorImpl<OpFoldResult> &iterDomainOffsets,
    SmallVectorImpl<OpFoldResult> &iterDomainSizes) {
  if (resultNumber != 0)
    return failure();
  OpFoldResult kSize = getDomainExtents(b, *this)[DomainMaps(*this).k];
  getDomainTileOfResultTile(*this, offsets, sizes, kSize, iterDomainOffsets,
                            iterDomainSizes);
  return success();
}

bool ScaledMatmulOp::isOpFusableWithConsumerSlice(
    unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes) {
  if (resultNumber != 0)
    return false;
  // K starts at 0, so its size does not matter to the check.
  SmallVector<OpFoldResult> tileOffsets, tileSizes;
  getDomainTileOfResultTile(*this, offsets, sizes,
                            Builder(getContext()).getIndexAttr(0), tileOffsets,
                            tileSizes);
  return succeeded(checkScaleBlocks(*this, tileOffsets, tileSizes,
                                    /*diagnose=*/false));
}

FailureOr<TilingResult>
ScaledMatmulOp::generateResultTileValue(OpBuilder &b, unsigned resultNumber,
                                        ArrayRef<OpFoldResult> offsets,
                                        ArrayRef<OpFoldResult> sizes) {
  // A producer whose result tile is not made of whole scale blocks is not
  // fused; that is not an error.
  if (!isOpFusableWithConsumerSlice(resultNumber, offsets, sizes))
    return failure();
  SmallVector<OpFoldResult> tileOffsets, tileSizes;
  if (failed(getIterationDomainTileFromResultTile(
          b, resultNumber, offsets, sizes, tileOffsets, tileSizes)))
    return failure();
  // The tile computes result 0 only; an amax result stays with this op.
  SmallVector<Operation *> slices;
  ScaledMatmulOp tile = buildTile(b, *this, tileOffsets, tileSizes,
                                  /*partial=*/false, slices);
  return TilingResult{{tile}, {tile.getResult()}, slices};
}

//===----------------------------------------------------------------------===//
// PartialReductionOpInterface
//===----------------------------------------------------------------------===//

/// Partial-reduction tiling of `op` tiles K alone, and not with an amax
/// result.
static LogicalResult checkReductionTiling(ScaledMatmulOp op,
                                          const SetVector<unsigned> &dims) {
  if (op.getAmax())
    return emitAmaxError(op);
  unsigned k = DomainMaps(op).k;
  if (dims.size() != 1 || dims.front() != k) {
    InFlightDiagnostic diag = op.emitOpError()
                              << "tiles by partial reduction its reduction "
                                 "dimension K (loop "
                              << k << ") alone, got loops [";
    llvm::interleaveComma(dims, diag);
    return diag << "]";
  }
  return success();
}

FailureOr<SmallVector<Value>>
ScaledMatmulOp::generateInitialTensorForPartialReduction(
    OpBuilder &b, Location loc, ArrayRef<OpFoldResult> tileSizes,
    const SetVector<unsigned> &reductionDims) {
  if (failed(checkReductionTiling(*this, reductionDims)))
    return failure();
  Value empty =
      tensor::EmptyOp::create(b, loc, getResultSizes(b, *this), b.getF32Type());
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return SmallVector<Value>{
      linalg::FillOp::create(b, loc, zero, empty).getResult(0)};
}

FailureOr<TilingResult> ScaledMatmulOp::tileToPartialReduction(
    OpBuilder &b, Location loc, ReductionTilingStrategy tilingStrategy,
    ValueRange init, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, const SetVector<unsigned> &reductionDims,
    ArrayRef<OpFoldResult> splitReductionIvs) {
  if (tilingStrategy != ReductionTilingStrategy::PartialReductionOuterReduction)
    return emitOpError()
           << "tiles K by partial reduction with an outer reduction loop "
              "(transform.structured.tile_reduction_using_for) only";
  if (failed(checkReductionTiling(*this, reductionDims)) ||
      failed(checkScaleBlocks(*this, offsets, sizes, /*diagnose=*/true)))
    return failure();
  SmallVector<Operation *> slices;
  ScaledMatmulOp tile =
      buildTile(b, *this, offsets, sizes, /*partial=*/true, slices);
  // Add the tile's product to the partial sums in place (a destination-style
  // op, so that the loop's sums bufferize into one buffer). The sums are not
  // a fusion candidate: their producer, the initial zeros, stays outside the
  // loop.
  Value sums = sliceOperand(b, loc, init.front(), DomainMaps(*this).result,
                            offsets, sizes);
  unsigned rank = cast<RankedTensorType>(sums.getType()).getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  auto accumulate = linalg::GenericOp::create(
      b, loc, sums.getType(), ValueRange{tile.getResult()}, ValueRange{sums},
      ArrayRef<AffineMap>{identity, identity},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(
            nested, nestedLoc,
            arith::AddFOp::create(nested, nestedLoc, args[1], args[0])
                .getResult());
      });
  // The tiled op (for the transform ops' handles) is the scaled_matmul; the
  // tile's value is the updated sums.
  return TilingResult{{tile}, {accumulate.getResult(0)}, slices};
}

LogicalResult ScaledMatmulOp::getPartialResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ReductionTilingStrategy tilingStrategy,
    ArrayRef<OpFoldResult> offsets, ArrayRef<OpFoldResult> sizes,
    const SetVector<unsigned> &reductionDims,
    ArrayRef<OpFoldResult> splitReductionIvs,
    SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  return getResultTilePosition(b, resultNumber, offsets, sizes, resultOffsets,
                               resultSizes);
}

FailureOr<MergeResult>
ScaledMatmulOp::mergeReductions(OpBuilder &b, Location loc,
                                ValueRange partialReduce,
                                const SetVector<unsigned> &reductionDims) {
  // The f32 sums are complete: apply the bias and the output conversion as
  // the untiled op does, in one linalg.generic (a copy for an f32 result
  // without bias).
  Value sums = partialReduce.front();
  auto resultType = cast<RankedTensorType>(getResult().getType());
  Type element = resultType.getElementType();
  unsigned rank = resultType.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<Value> inputs = {sums};
  SmallVector<AffineMap> maps = {identity};
  if (Value bias = getBias()) {
    inputs.push_back(bias);
    maps.push_back(cast<RankedTensorType>(bias.getType()).getRank() == 1
                       ? AffineMap::get(rank, 0, b.getAffineDimExpr(rank - 1))
                       : identity);
  }
  maps.push_back(identity);
  Value init =
      tensor::EmptyOp::create(b, loc, getResultSizes(b, *this), element);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, init, maps,
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        Value value = args[0];
        if (getBias()) {
          Value bias = args[1];
          if (!bias.getType().isF32())
            bias = arith::ExtFOp::create(nested, nestedLoc, nested.getF32Type(),
                                         bias);
          value = arith::AddFOp::create(nested, nestedLoc, value, bias);
        }
        if (isNarrowFloat(element))
          value = QuantizeOp::create(nested, nestedLoc, element, value,
                                     getOutScale(), /*random_bits=*/Value(),
                                     /*block=*/DenseI64ArrayAttr(),
                                     getRoundingAttr(), getSaturationAttr());
        else if (!element.isF32())
          value = arith::TruncFOp::create(nested, nestedLoc, element, value);
        linalg::YieldOp::create(nested, nestedLoc, value);
      });
  return MergeResult{{generic}, {generic.getResult(0)}};
}
