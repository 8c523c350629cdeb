//===- HostToGPU.cpp - Host code of fp8-gpu-pipeline onto the GPU ---------===//
//
// What the GPU pipeline does to the host functions around its kernels, so
// that every access to a buffer happens in a kernel and the host code only
// allocates, launches and passes scalars:
//
//   fp8-gpu-copies-to-linalg   host memref.copy -> linalg.copy (then
//                              parallel loops, then kernels);
//   fp8-gpu-launch-host-code   host loops and stores that no parallel-loop
//                              mapping took (reductions to a scalar, say)
//                              -> single-thread gpu.launch; dynamic-shaped
//                              or strided buffers a gpu.launch captures ->
//                              flat static memrefs (bare pointers) plus
//                              their offset, sizes and strides;
//   fp8-gpu-host-shared-allocs host memref.alloc / dealloc -> gpu.alloc
//                              host_shared / gpu.dealloc (managed memory,
//                              which kernels and host code both reach).
//
//===----------------------------------------------------------------------===//

#include "GPUMatmulKernelBuilder.h"
#include "fp8/Conversion/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Utils/GPUUtils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8GPUCOPIESTOLINALGPASS
#define GEN_PASS_DEF_FP8GPULAUNCHHOSTCODEPASS
#define GEN_PASS_DEF_FP8GPUHOSTSHAREDALLOCSPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

/// Whether `op` is host code: outside GPU modules and launches.
static bool isHostCode(Operation *op) {
  return !op->getParentOfType<gpu::GPUModuleOp>() &&
         !op->getParentOfType<gpu::LaunchOp>();
}

//===----------------------------------------------------------------------===//
// fp8-gpu-copies-to-linalg
//===----------------------------------------------------------------------===//

namespace {
struct FP8GPUCopiesToLinalgPass
    : mlir::fp8::impl::FP8GPUCopiesToLinalgPassBase<FP8GPUCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      if (isHostCode(copy))
        copies.push_back(copy);
    });
    for (memref::CopyOp copy : copies) {
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), ValueRange{copy.getSource()},
                             ValueRange{copy.getTarget()});
      copy.erase();
    }
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// fp8-gpu-launch-host-code
//===----------------------------------------------------------------------===//

/// Whether `op`, in a host function, accesses buffers in a way that belongs
/// in a kernel and can move into one: a loop or store without results, with
/// no launches, calls or allocations inside.
static bool belongsInKernel(Operation *op) {
  if (op->getNumResults() != 0 ||
      !isa<scf::ForOp, scf::ParallelOp, scf::WhileOp, scf::IfOp,
           memref::StoreOp>(op))
    return false;
  WalkResult walk = op->walk([](Operation *inner) {
    if (isa<gpu::LaunchOp, gpu::LaunchFuncOp, CallOpInterface,
            memref::AllocOp, memref::DeallocOp, memref::AllocaOp>(inner))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !walk.wasInterrupted();
}

/// Moves `ops` (adjacent, in order) into a new 1x1x1 gpu.launch.
static void wrapInLaunch(ArrayRef<Operation *> ops) {
  OpBuilder b(ops.front());
  Location loc = ops.front()->getLoc();
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto launch = gpu::LaunchOp::create(b, loc, one, one, one, one, one, one);
  Block &body = launch.getBody().front();
  b.setInsertionPointToEnd(&body);
  auto terminator = gpu::TerminatorOp::create(b, loc);
  for (Operation *op : ops)
    op->moveBefore(terminator);
}

/// Whether a kernel can take `type` as a bare pointer: static shape,
/// identity layout.
static bool isBarePointerMemRef(MemRefType type) {
  return type.hasStaticShape() && type.getLayout().isIdentity();
}

/// The same predicate as gpu-kernel-outlining's, so that nothing it sinks
/// later still refers to a buffer replaced here.
static bool isSinkingBeneficiary(Operation *op) {
  return isa<arith::ConstantOp, memref::DimOp, arith::SelectOp,
             arith::CmpIOp>(op);
}

/// Replaces, inside `launch`, each captured memref that a kernel cannot take
/// as a bare pointer by a view of a flat memref<kFlatSize x T> of its base
/// buffer (captured instead) with its offset, sizes and strides.
static LogicalResult flattenCapturedMemRefs(gpu::LaunchOp launch) {
  if (failed(sinkOperationsIntoLaunchOp(launch, isSinkingBeneficiary)))
    return failure();
  llvm::SetVector<Value> captured;
  getUsedValuesDefinedAbove(launch.getBody(), captured);
  for (Value value : captured) {
    auto type = dyn_cast<MemRefType>(value.getType());
    if (!type || isBarePointerMemRef(type))
      continue;
    OpBuilder b(launch);
    Location loc = value.getLoc();
    auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, value);
    auto flatType = MemRefType::get({kFlatSize}, type.getElementType(),
                                    MemRefLayoutAttrInterface(),
                                    type.getMemorySpace());
    Value flat = memref::ReinterpretCastOp::create(
        b, loc, flatType, metadata.getBaseBuffer(), /*offset=*/0,
        {kFlatSize}, {1});
    SmallVector<int64_t> staticStrides;
    int64_t staticOffset;
    if (failed(type.getStridesAndOffset(staticStrides, staticOffset)))
      return launch.emitOpError("captures a buffer of type ")
             << type << " with a layout that is not strided";
    auto mixed = [&](int64_t known, Value value) -> OpFoldResult {
      if (ShapedType::isDynamic(known))
        return value;
      return b.getIndexAttr(known);
    };
    b.setInsertionPointToStart(&launch.getBody().front());
    OpFoldResult offset = mixed(staticOffset, metadata.getOffset());
    SmallVector<OpFoldResult> sizes, strides;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      sizes.push_back(mixed(type.getDimSize(i), metadata.getSizes()[i]));
      strides.push_back(mixed(staticStrides[i], metadata.getStrides()[i]));
    }
    Value view = memref::ReinterpretCastOp::create(b, loc, type, flat, offset,
                                                   sizes, strides);
    replaceAllUsesInRegionWith(value, view, launch.getBody());
  }
  return success();
}

namespace {
struct FP8GPULaunchHostCodePass
    : mlir::fp8::impl::FP8GPULaunchHostCodePassBase<FP8GPULaunchHostCodePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (!isHostCode(func))
      return;
    // Runs of adjacent ops that belong in a kernel, each block of the
    // function's own region (nested host regions keep their loops whole).
    SmallVector<SmallVector<Operation *>> runs;
    for (Block &block : func.getBody()) {
      SmallVector<Operation *> run;
      for (Operation &op : block) {
        if (belongsInKernel(&op)) {
          run.push_back(&op);
          continue;
        }
        if (!run.empty())
          runs.push_back(std::move(run));
        run.clear();
      }
      if (!run.empty())
        runs.push_back(std::move(run));
    }
    for (ArrayRef<Operation *> run : runs)
      wrapInLaunch(run);

    SmallVector<gpu::LaunchOp> launches;
    func.walk([&](gpu::LaunchOp launch) { launches.push_back(launch); });
    for (gpu::LaunchOp launch : launches)
      if (failed(flattenCapturedMemRefs(launch)))
        return signalPassFailure();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// fp8-gpu-host-shared-allocs
//===----------------------------------------------------------------------===//

/// Frees `buffer` (gpu.alloc'ed): gpu.dealloc in its asynchronous form,
/// which gpu-to-llvm lowers, waited for at once.
static void createDealloc(OpBuilder &b, Location loc, Value buffer) {
  Type token = gpu::AsyncTokenType::get(b.getContext());
  Value start = gpu::WaitOp::create(b, loc, token, ValueRange()).getAsyncToken();
  Value done = gpu::DeallocOp::create(b, loc, token, ValueRange{start}, buffer)
                   .getAsyncToken();
  gpu::WaitOp::create(b, loc, Type(), ValueRange{done});
}

/// Gives the users of a host `memref.get_global` (a constant in host
/// memory, which kernels cannot read) a managed copy of it, freed before
/// each return that does not return it.
static void copyGlobal(memref::GetGlobalOp global) {
  if (global->use_empty())
    return;
  OpBuilder b(global->getContext());
  b.setInsertionPointAfter(global);
  Location loc = global.getLoc();
  auto shared = gpu::AllocOp::create(b, loc, global.getType(),
                                     /*asyncToken=*/Type(), ValueRange(),
                                     ValueRange(), ValueRange(),
                                     /*hostShared=*/true);
  Value copy = shared.getMemref();
  global.getResult().replaceAllUsesWith(copy);
  memref::CopyOp::create(b, loc, global.getResult(), copy);
  auto function = global->getParentOfType<FunctionOpInterface>();
  if (!function || global->getParentRegion() != &function.getFunctionBody())
    return;
  bool returned = llvm::any_of(copy.getUsers(), [](Operation *user) {
    return user->hasTrait<OpTrait::ReturnLike>();
  });
  if (returned)
    return;
  for (Block &block : global->getParentRegion()->getBlocks())
    if (block.mightHaveTerminator() &&
        block.getTerminator()->hasTrait<OpTrait::ReturnLike>()) {
      b.setInsertionPoint(block.getTerminator());
      createDealloc(b, loc, copy);
    }
}

namespace {
struct FP8GPUHostSharedAllocsPass
    : mlir::fp8::impl::FP8GPUHostSharedAllocsPassBase<
          FP8GPUHostSharedAllocsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<memref::AllocOp, memref::DeallocOp, memref::GetGlobalOp>(op) &&
          isHostCode(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      if (auto global = dyn_cast<memref::GetGlobalOp>(op)) {
        copyGlobal(global);
        continue;
      }
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        auto shared = gpu::AllocOp::create(
            b, alloc.getLoc(), alloc.getType(), /*asyncToken=*/Type(),
            ValueRange(), alloc.getDynamicSizes(), alloc.getSymbolOperands(),
            /*hostShared=*/true);
        alloc.replaceAllUsesWith(shared.getMemref());
      } else {
        auto dealloc = cast<memref::DeallocOp>(op);
        createDealloc(b, dealloc.getLoc(), dealloc.getMemref());
      }
      op->erase();
    }
  }
};
} // namespace
