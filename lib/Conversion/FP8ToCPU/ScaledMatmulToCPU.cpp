//===- ScaledMatmulToCPU.cpp - Packed CPU kernels for scaled_matmul -------===//
//
// convert-fp8-matmul-to-cpu: each fp8.scaled_matmul on static tensors that
// the packed kernel takes becomes that kernel (CPUKernelBuilder.h), with the
// target's blocking and micro-kernel: f32 FMA (generic, avx512), or the
// bf16 products of AMX and AVX-512 vdpbf16ps on K blocks in which every
// scale is constant (ops without such blocks use the AVX-512 f32 kernel).
// The others are left to convert-fp8-to-linalg.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToCPU/FP8ToCPU.h"

#include "CPUKernelBuilder.h"
#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include <numeric>

namespace mlir::fp8 {
#define GEN_PASS_DEF_CONVERTFP8MATMULTOCPUPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8::cpu;

static Blocking getDefaultBlocking(mlir::fp8::CPUTarget target) {
  switch (target) {
  case mlir::fp8::CPUTarget::Generic:
    return {8, 6, 16, 96, 256, 1024};
  case mlir::fp8::CPUTarget::AVX512:
    return {16, 8, 32, 192, 256, 1024};
  case mlir::fp8::CPUTarget::AVX512BF16:
    return {16, 8, 32, 192, 256, 1024};
  case mlir::fp8::CPUTarget::AMX:
    return {16, 32, 32, 192, 256, 4096};
  }
  llvm_unreachable("unknown target");
}

static bool isByteElement(Type type) {
  if (auto floatType = dyn_cast<FloatType>(type))
    return floatType.getWidth() == 8;
  return isa<mlir::fp8::HiF8Type>(type);
}

/// An operand of `op` described for the checks below (no values).
static Operand describe(Value operand, Value scale,
                        std::optional<ArrayRef<int64_t>> block) {
  Operand described;
  described.shape = cast<RankedTensorType>(operand.getType()).getShape();
  if (isa<RankedTensorType>(scale.getType()))
    described.block = block;
  return described;
}

/// Whether `vw` consecutive elements along `dim` (from a multiple of `vw`)
/// read one scale each or one scale for all.
static bool scalesVectorize(const Operand &operand, unsigned dim, int64_t vw) {
  int64_t size = operand.blockAlong(dim);
  return size == 1 || size == operand.shape[dim] || size % vw == 0;
}

/// Why `op` cannot use the packed f32 kernel, or an empty string if it can.
static std::string whyNotPackable(mlir::fp8::ScaledMatmulOp op, int64_t vw) {
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  if (!lhsType.hasStaticShape() || !rhsType.hasStaticShape() ||
      !resultType.hasStaticShape())
    return "dynamic shapes";
  if (!isByteElement(lhsType.getElementType()) ||
      !isByteElement(rhsType.getElementType()))
    return "sub-byte operands";
  unsigned last = lhsType.getRank() - 1;
  if (!scalesVectorize(
          describe(op.getLhs(), op.getLhsScale(), op.getLhsBlock()), last,
          vw) ||
      !scalesVectorize(
          describe(op.getRhs(), op.getRhsScale(), op.getRhsBlock()), last, vw))
    return "scale blocks along the contiguous dimension that are not 1, the "
           "whole dimension or a multiple of the vector width";
  return "";
}

/// The K block of the bf16 kernels (AMX, vdpbf16ps) for `op`, in which every
/// scale is constant, or 0 if they cannot run it.
static int64_t getBF16Depth(mlir::fp8::ScaledMatmulOp op, int64_t kc,
                            int64_t vw) {
  Operand lhs = describe(op.getLhs(), op.getLhsScale(), op.getLhsBlock());
  Operand rhs = describe(op.getRhs(), op.getRhsScale(), op.getRhsBlock());
  unsigned last = lhs.shape.size() - 1;
  bool transposed = op.getRhsTransposed();
  unsigned rhsK = transposed ? last : last - 1;
  // The rhs scales of a row of the tile are one vector along N.
  if (!scalesVectorize(rhs, transposed ? last - 1 : last, vw))
    return 0;
  int64_t depth = kc;
  for (int64_t size : {lhs.blockAlong(last), rhs.blockAlong(rhsK)}) {
    if (size == lhs.shape[last])
      continue;
    if (size % vw)
      return 0;
    depth = std::gcd(depth, size);
  }
  return depth;
}
/// The blocking of `target` with `options` applied, or why they do not fit.
static FailureOr<Blocking>
resolveBlocking(const mlir::fp8::Target &target,
                const mlir::fp8::CPUMatmulBlocking &options, std::string &why) {
  if (!target.isCPU()) {
    why = "target '" + target.str() + "' is not a CPU target (expected " +
          mlir::fp8::Target::kCPUSpellings.str() + ")";
    return failure();
  }
  Blocking blocking = getDefaultBlocking(target.getCPU());
  for (auto [option, field] : {std::pair{options.mr, &blocking.mr},
                               std::pair{options.nr, &blocking.nr},
                               std::pair{options.mc, &blocking.mc},
                               std::pair{options.kc, &blocking.kc},
                               std::pair{options.nc, &blocking.nc}}) {
    if (option < 0) {
      why = "blocking options must be >= 0";
      return failure();
    }
    if (option > 0)
      *field = option;
  }
  // Default cache blocks follow a non-default register tile.
  if (options.mc == 0)
    blocking.mc = std::max(blocking.mc / blocking.mr, int64_t(1)) * blocking.mr;
  if (options.nc == 0)
    blocking.nc = std::max(blocking.nc / blocking.nr, int64_t(1)) * blocking.nr;
  int64_t vw = blocking.vw;
  llvm::raw_string_ostream os(why);
  if (blocking.nr % vw || blocking.mc % blocking.mr || blocking.kc % vw ||
      blocking.nc % blocking.nr) {
    os << "nr (" << blocking.nr << ") and kc (" << blocking.kc
       << ") must be multiples of the vector width (" << vw << "), mc ("
       << blocking.mc << ") of mr (" << blocking.mr << ") and nc ("
       << blocking.nc << ") of nr";
    return failure();
  }
  if (target.hasAMX()) {
    // Tiles of 16 rows; 2 x 2 accumulators plus 2 + 2 inputs fill the 8
    // tile registers.
    int64_t tilesM = blocking.mr / kTileRows, tilesN = blocking.nr / kTileRows;
    if (blocking.mr % kTileRows || blocking.nr % kTileRows ||
        tilesM * tilesN + tilesM + tilesN > 8) {
      os << "with target=amx, mr (" << blocking.mr << ") and nr ("
         << blocking.nr << ") must be multiples of 16 whose tiles fit the 8 "
         << "tile registers (at most 32 x 32)";
      return failure();
    }
    return blocking;
  }
  if (blocking.mr * (blocking.nr / vw) > 32) {
    os << "a " << blocking.mr << "x" << blocking.nr << " register tile needs "
       << blocking.mr * (blocking.nr / vw)
       << " accumulator vectors; at most 32 are allowed";
    return failure();
  }
  return blocking;
}

namespace {

/// fp8.scaled_matmul -> the packed kernel of one target and blocking.
struct ScaledMatmulToCPUKernel : OpRewritePattern<mlir::fp8::ScaledMatmulOp> {
  ScaledMatmulToCPUKernel(MLIRContext *context, const mlir::fp8::Target &target,
                          const Blocking &blocking)
      : OpRewritePattern(context), blocking(blocking),
        bf16(target.hasAMX() || target.hasAVX512BF16()),
        bf16Kernel(target.hasAMX() ? MicroKernel::AMX : MicroKernel::DotBF16),
        // Ops the bf16 kernels cannot run use the AVX-512 f32 one.
        fallback(bf16 ? getDefaultBlocking(mlir::fp8::CPUTarget::AVX512)
                      : blocking) {}

  LogicalResult matchAndRewrite(mlir::fp8::ScaledMatmulOp op,
                                PatternRewriter &rewriter) const override {
    std::string why = whyNotPackable(op, fallback.vw);
    if (!why.empty())
      return rewriter.notifyMatchFailure(op, why);
    int64_t depth = bf16 ? getBF16Depth(op, blocking.kc, blocking.vw) : 0;
    Blocking opBlocking = fallback;
    if (depth) {
      opBlocking = blocking;
      opBlocking.kc = depth;
    }
    Value sums =
        CPUMatmulKernelBuilder(rewriter, op.getLoc(), opBlocking,
                               depth != 0 ? bf16Kernel : MicroKernel::F32)
            .build(op);
    rewriter.replaceOp(op,
                       mlir::fp8::emitScaledMatmulEpilogue(rewriter, op, sums));
    return success();
  }

  Blocking blocking;
  bool bf16;
  MicroKernel bf16Kernel;
  Blocking fallback;
};

struct ConvertFP8MatmulToCPUPass
    : mlir::fp8::impl::ConvertFP8MatmulToCPUPassBase<
          ConvertFP8MatmulToCPUPass> {
  using Base::Base;

  /// Checks the options once and builds the pattern every function uses.
  LogicalResult initialize(MLIRContext *context) override {
    mlir::fp8::CPUMatmulBlocking blocking{mr, nr, mc, kc, nc};
    std::string why = mlir::fp8::verifyCPUMatmulBlocking(target, blocking);
    if (!why.empty())
      return emitError(UnknownLoc::get(context))
             << "convert-fp8-matmul-to-cpu: " << why;
    RewritePatternSet set(context);
    mlir::fp8::populateFP8MatmulToCPUPatterns(set, target, blocking);
    patterns = std::move(set);
    return success();
  }

  void runOnOperation() override {
    walkAndApplyPatterns(getOperation(), patterns);
  }

  FrozenRewritePatternSet patterns;
};

} // namespace

std::string
mlir::fp8::verifyCPUMatmulBlocking(const Target &target,
                                   const CPUMatmulBlocking &blocking) {
  std::string why;
  (void)resolveBlocking(target, blocking, why);
  return why;
}

void mlir::fp8::populateFP8MatmulToCPUPatterns(
    RewritePatternSet &patterns, const Target &target,
    const CPUMatmulBlocking &options) {
  std::string why;
  FailureOr<Blocking> blocking = resolveBlocking(target, options, why);
  assert(succeeded(blocking) && "verify the blocking first");
  patterns.add<ScaledMatmulToCPUKernel>(patterns.getContext(), target,
                                        *blocking);
}
