//===- TileAndVectorize.cpp - Shared by the vectorization passes ----------===//

#include "TileAndVectorize.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Interfaces/TilingInterface.h"

using namespace mlir;

LogicalResult mlir::fp8::tileAndVectorize(RewriterBase &rewriter,
                                          linalg::LinalgOp op,
                                          ArrayRef<int64_t> sizes,
                                          bool createNamedContraction) {
  SmallVector<int64_t> clamped(sizes);
  for (auto [size, range] : llvm::zip_equal(clamped, op.getStaticLoopRanges()))
    if (!ShapedType::isDynamic(range))
      size = std::min(size, range);
  rewriter.setInsertionPoint(op);
  FailureOr<scf::SCFTilingResult> tiled =
      scf::tileUsingSCF(rewriter, cast<TilingInterface>(op.getOperation()),
                        scf::SCFTilingOptions().setTileSizes(
                            getAsIndexOpFoldResult(op.getContext(), clamped)));
  if (failed(tiled))
    return failure();
  rewriter.replaceOp(op, tiled->replacements);
  // An explicit (all false) list: an empty one made the vectorizer build
  // masks of the wrong type.
  SmallVector<bool> scalable(clamped.size(), false);
  for (Operation *tile : tiled->tiledOps) {
    rewriter.setInsertionPoint(tile);
    FailureOr<linalg::VectorizationResult> vectorized = linalg::vectorize(
        rewriter, tile, clamped, scalable, /*vectorizeNDExtract=*/false,
        /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false, createNamedContraction);
    if (succeeded(vectorized))
      rewriter.replaceOp(tile, vectorized->replacements);
  }
  return success();
}
