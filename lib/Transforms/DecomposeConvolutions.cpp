//===- DecomposeConvolutions.cpp - Convolutions into vectorizable ops -----===//
//
// 2-D convolutions become contractions (ConvToContraction.cpp); depthwise
// convolutions and pooling become one element-wise op over the output that
// reads a strided window of the input per filter tap.
//
//===----------------------------------------------------------------------===//

#include "fp8/Transforms/Passes.h"
#include "fp8/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8DECOMPOSECONVOLUTIONSPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

namespace {
/// A depthwise convolution or pooling: where its channels and window are,
/// and its window attributes.
struct WindowOp {
  bool channelsFirst;
  /// The filter's spatial dimensions, or none for pooling (whose window
  /// operand only gives the window's shape).
  std::optional<unsigned> filterSpatial;
  SmallVector<int64_t> strides, dilations;
};
} // namespace

static SmallVector<int64_t> getValues(DenseIntElementsAttr attr) {
  return llvm::to_vector(attr.getValues<int64_t>());
}

static std::optional<WindowOp> matchWindowOp(linalg::LinalgOp op) {
  auto make = [](auto named, bool channelsFirst,
                 std::optional<unsigned> filterSpatial) {
    return WindowOp{channelsFirst, filterSpatial, getValues(named.getStrides()),
                    getValues(named.getDilations())};
  };
  Operation *operation = op.getOperation();
  // Filters: CHW ([C, KH, KW]) and HWC ([KH, KW, C]).
  if (auto named = dyn_cast<linalg::DepthwiseConv2DNchwChwOp>(operation))
    return make(named, true, 1);
  if (auto named = dyn_cast<linalg::DepthwiseConv2DNhwcHwcOp>(operation))
    return make(named, false, 0);
  if (auto named = dyn_cast<linalg::PoolingNchwMaxOp>(operation))
    return make(named, true, std::nullopt);
  if (auto named = dyn_cast<linalg::PoolingNchwSumOp>(operation))
    return make(named, true, std::nullopt);
  if (auto named = dyn_cast<linalg::PoolingNhwcMaxOp>(operation))
    return make(named, false, std::nullopt);
  if (auto named = dyn_cast<linalg::PoolingNhwcMinOp>(operation))
    return make(named, false, std::nullopt);
  if (auto named = dyn_cast<linalg::PoolingNhwcSumOp>(operation))
    return make(named, false, std::nullopt);
  return std::nullopt;
}

/// out = body(in[window tap], filter[tap], out) for every tap in the op's
/// loop order (KH outer, KW inner), as one element-wise linalg.generic over
/// the output.
static LogicalResult unrollWindow(RewriterBase &rewriter, linalg::LinalgOp op,
                                  const WindowOp &window, int64_t maxTaps) {
  if (!op.hasPureTensorSemantics() ||
      !llvm::all_of(op->getOperandTypes(), [](Type type) {
        return cast<RankedTensorType>(type).hasStaticShape();
      }))
    return failure();
  Block *body = op.getBlock();
  // Pooling bodies do not read the window operand.
  if (!window.filterSpatial && !body->getArgument(1).use_empty())
    return failure();
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
  Value output = op.getDpsInits()[0];
  auto outputType = cast<RankedTensorType>(output.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  unsigned spatial = window.channelsFirst ? 2 : 1;
  unsigned channel = window.channelsFirst ? 1 : 3;
  unsigned filterSpatial = window.filterSpatial.value_or(0);
  int64_t kh = filterType.getDimSize(filterSpatial);
  int64_t kw = filterType.getDimSize(filterSpatial + 1);
  if (kh * kw > maxTaps)
    return failure();

  Location loc = op.getLoc();
  MLIRContext *context = rewriter.getContext();
  rewriter.setInsertionPoint(op);
  auto inputElement = cast<RankedTensorType>(input.getType()).getElementType();
  auto tapType = RankedTensorType::get(outputType.getShape(), inputElement);
  SmallVector<OpFoldResult> tapSizes =
      getAsIndexOpFoldResult(context, outputType.getShape());
  SmallVector<int64_t> steps(4, 1);
  steps[spatial] = window.strides[0];
  steps[spatial + 1] = window.strides[1];
  int64_t channels = outputType.getDimSize(channel);
  auto filterTapType =
      RankedTensorType::get({channels}, filterType.getElementType());
  SmallVector<Value> taps, filterTaps;
  for (int64_t i = 0; i < kh; ++i) {
    for (int64_t j = 0; j < kw; ++j) {
      SmallVector<int64_t> offsets(4, 0);
      offsets[spatial] = i * window.dilations[0];
      offsets[spatial + 1] = j * window.dilations[1];
      taps.push_back(tensor::ExtractSliceOp::create(
          rewriter, loc, tapType, input,
          getAsIndexOpFoldResult(context, offsets), tapSizes,
          getAsIndexOpFoldResult(context, steps)));
      if (!window.filterSpatial)
        continue;
      // The filter's value for each channel at this tap.
      SmallVector<int64_t> filterOffsets(3, 0), filterSizes(3, 1);
      filterOffsets[filterSpatial] = i;
      filterOffsets[filterSpatial + 1] = j;
      filterSizes[filterSpatial == 0 ? 2 : 0] = channels;
      filterTaps.push_back(tensor::ExtractSliceOp::create(
          rewriter, loc, filterTapType, filter,
          getAsIndexOpFoldResult(context, filterOffsets),
          getAsIndexOpFoldResult(context, filterSizes),
          getAsIndexOpFoldResult(context, SmallVector<int64_t>(3, 1))));
    }
  }

  AffineMap identity = rewriter.getMultiDimIdentityMap(4);
  AffineMap perChannel =
      AffineMap::get(4, 0, getAffineDimExpr(channel, context), context);
  SmallVector<Value> inputs(taps);
  llvm::append_range(inputs, filterTaps);
  SmallVector<AffineMap> maps(taps.size(), identity);
  maps.append(filterTaps.size(), perChannel);
  maps.push_back(identity);
  auto generic = linalg::GenericOp::create(
      rewriter, loc, outputType, inputs, ValueRange{output}, maps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location, ValueRange args) {
        size_t numTaps = taps.size();
        Value acc = args.back();
        for (size_t tap = 0; tap < numTaps; ++tap) {
          IRMapping mapping;
          mapping.map(body->getArgument(0), args[tap]);
          if (window.filterSpatial)
            mapping.map(body->getArgument(1), args[numTaps + tap]);
          mapping.map(body->getArgument(2), acc);
          for (Operation &inner : body->without_terminator())
            b.clone(inner, mapping);
          acc = mapping.lookupOrDefault(body->getTerminator()->getOperand(0));
        }
        linalg::YieldOp::create(b, loc, acc);
      });
  rewriter.replaceOp(op, generic->getResults());
  return success();
}

namespace {

struct FP8DecomposeConvolutionsPass
    : mlir::fp8::impl::FP8DecomposeConvolutionsPassBase<
          FP8DecomposeConvolutionsPass> {
  using FP8DecomposeConvolutionsPassBase::FP8DecomposeConvolutionsPassBase;

  void runOnOperation() override {
    if (maxTaps < 1) {
      getOperation().emitError() << "fp8-decompose-convolutions: max-taps "
                                    "must be >= 1, got "
                                 << static_cast<int64_t>(maxTaps);
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> candidates;
    getOperation().walk([&](linalg::LinalgOp op) { candidates.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : candidates) {
      if (mlir::fp8::isConvertibleConvolution(op)) {
        (void)mlir::fp8::rewriteConvolutionToContraction(
            rewriter, op, /*allowDilation=*/true);
        continue;
      }
      if (std::optional<WindowOp> window = matchWindowOp(op))
        (void)unrollWindow(rewriter, op, *window, maxTaps);
    }
  }
};

} // namespace
