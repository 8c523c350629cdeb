//===- ScaledMatmulToGPU.cpp - fp8.scaled_matmul as a tensor-core kernel --===//
//
// Each fp8.scaled_matmul becomes a gpu.launch_func of a kernel generated for
// its shapes (static or dynamic), formats, blocks and epilogue:
//
//   grid (ceil(N / BN), ceil(M / 128), batch), 128 threads, a 128 x BN
//   output tile (BN = 128, or 64 where K-block scales need a second set of
//   accumulators), K in slices of BK elements (64 fp8, or 32 for 32-wide
//   K-blocks and for f16 operands: at most 64 bytes of K per row) staged
//   through shared memory with 16-byte global loads, f32 accumulation.
//
// This file plans the kernel, builds its outline (arguments, thread
// coordinates, the K loops) and its launch; GPUMatmulKernelBuilder.h
// describes the operand layouts, and GPUMatmulStaging.cpp, GPUMatmulMMA.cpp
// and GPUMatmulEpilogue.cpp build the rest of the body.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "GPUMatmulKernelBuilder.h"
#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/STLExtras.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_CONVERTFP8MATMULTOGPUPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

/// The PTX name of an fp8 operand type the tensor cores take ("e4m3",
/// "e5m2"), "hif8" for HiF8 (decoded to f16 first), or nothing.
static std::optional<StringRef> getMmaTypeName(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return StringRef("e4m3");
  if (isa<Float8E5M2Type>(type))
    return StringRef("e5m2");
  if (isa<HiF8Type>(type))
    return StringRef("hif8");
  return std::nullopt;
}

static NVVM::WGMMATypes getWgmmaType(StringRef name) {
  return name == "e4m3"   ? NVVM::WGMMATypes::e4m3
         : name == "e5m2" ? NVVM::WGMMATypes::e5m2
                          : NVVM::WGMMATypes::f16;
}

/// Plans the kernel of `op`, which `chip`'s kernel must lower
/// (Target::canLower); errors name the op.
static FailureOr<GPUMatmulPlan> planMatmul(ScaledMatmulOp op,
                                           const GPUChip &chip) {
  std::string why;
  if (!Target(chip).canLower(op, &why))
    return op.emitOpError(why);
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  std::optional<StringRef> lhsName = getMmaTypeName(lhsType.getElementType());
  std::optional<StringRef> rhsName = getMmaTypeName(
      cast<RankedTensorType>(op.getRhs().getType()).getElementType());
  GPUMatmulPlan plan;
  unsigned rank = lhsType.getRank();
  plan.batchShape.assign(lhsType.getShape().begin(),
                         lhsType.getShape().end() - 2);
  plan.m = lhsType.getDimSize(rank - 2);
  plan.k = lhsType.getDimSize(rank - 1);
  plan.rhsTransposed = op.getRhsTransposed();
  plan.n = resultType.getDimSize(rank - 1);
  plan.group = getScaleGroupAlongK(op);
  plan.perGroup = !ShapedType::isDynamic(plan.group) &&
                  (ShapedType::isDynamic(plan.k) || plan.group < plan.k);
  for (Value value : op->getOperands())
    if (auto shaped = dyn_cast<ShapedType>(value.getType()))
      plan.dynamic |= !shaped.hasStaticShape();
  plan.dynamic |= !resultType.hasStaticShape();
  plan.alignedK = !ShapedType::isDynamic(plan.k) && plan.k % 16 == 0;
  plan.alignedN = plan.rhsTransposed ||
                  (!ShapedType::isDynamic(plan.n) && plan.n % 16 == 0);
  if (plan.scalesPerGroup()) {
    plan.blockK = plan.group % 64 == 0 ? 64 : 32;
    plan.warpN = 32;
  }
  plan.f16Operands = *lhsName == "hif8" || *rhsName == "hif8";
  if (plan.f16Operands) {
    plan.blockK = 32;
    plan.mmaIntrinsic = "llvm.nvvm.mma.m16n8k16.row.col.f32.f32";
  } else {
    plan.mmaIntrinsic = ("llvm.nvvm.mma.m16n8k32.row.col.f32." + *lhsName +
                         "." + *rhsName + ".f32")
                            .str();
  }
  plan.wgmma = chip.hasWgmma();
  plan.wgmmaTypeA = getWgmmaType(plan.f16Operands ? "f16" : *lhsName);
  plan.wgmmaTypeB = getWgmmaType(plan.f16Operands ? "f16" : *rhsName);
  return plan;
}

std::optional<MemRefType> mlir::fp8::getFlatOperandType(Value tensor) {
  auto type = dyn_cast<RankedTensorType>(tensor.getType());
  if (!type || type.hasStaticShape())
    return std::nullopt;
  return MemRefType::get(type.getShape(), type.getElementType());
}

/// `buffer` (identity layout) as a flat memref<kFlatSize x T> where its
/// shape is dynamic, its dynamic sizes appended to `sizes`; else itself.
static Value toFlatOperand(OpBuilder &b, Location loc, Value buffer,
                           SmallVectorImpl<Value> &sizes) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.hasStaticShape())
    return buffer;
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i))
      sizes.push_back(memref::DimOp::create(b, loc, buffer, i));
  auto flatType = MemRefType::get({kFlatSize}, type.getElementType());
  return memref::ReinterpretCastOp::create(b, loc, flatType, buffer,
                                           /*offset=*/0, {kFlatSize}, {1});
}

void GPUMatmulKernelBuilder::build() {
  Block &entry = func.getBody().front();
  b.setInsertionPointToStart(&entry);
  unsigned argIndex = 0;
  auto next = [&] { return entry.getArgument(argIndex++); };
  lhs = next();
  rhs = next();
  lhsScale = next();
  rhsScale = next();
  if (op.getBias())
    bias = next();
  if (op.getOutScale())
    outScale = next();
  result = next();
  if (op.getAmax())
    amax = next();
  // Flat dynamic-shaped operands (see kFlatSize) as the memrefs they are,
  // their dynamic sizes following in the order of the operands.
  if (plan.dynamic) {
    SmallVector<std::pair<Value *, MemRefType>> flat;
    std::pair<Value *, Value> operands[] = {
        {&lhs, op.getLhs()},           {&rhs, op.getRhs()},
        {&lhsScale, op.getLhsScale()}, {&rhsScale, op.getRhsScale()},
        {&bias, op.getBias()},         {&result, op.getResult()}};
    for (auto [value, tensor] : operands)
      if (tensor)
        if (std::optional<MemRefType> type = getFlatOperandType(tensor))
          flat.emplace_back(value, *type);
    for (auto [value, type] : flat) {
      SmallVector<OpFoldResult> sizes, strides(type.getRank());
      for (int64_t dim : type.getShape())
        sizes.push_back(ShapedType::isDynamic(dim)
                            ? OpFoldResult(next())
                            : OpFoldResult(b.getIndexAttr(dim)));
      OpFoldResult stride = b.getIndexAttr(1);
      SmallVector<int64_t> staticStrides(type.getRank());
      for (int64_t i = type.getRank() - 1; i >= 0; --i) {
        std::optional<int64_t> constant = getConstantIntValue(stride);
        strides[i] = constant ? b.getIndexAttr(*constant) : stride;
        staticStrides[i] = constant ? *constant : ShapedType::kDynamic;
        stride = i == 0 ? stride
                        : OpFoldResult(b.createOrFold<arith::MulIOp>(
                              getValueOrCreateConstantIndexOp(b, b.getLoc(),
                                                              stride),
                              getValueOrCreateConstantIndexOp(b, b.getLoc(),
                                                              sizes[i])));
      }
      auto viewType = MemRefType::get(
          type.getShape(), type.getElementType(),
          StridedLayoutAttr::get(b.getContext(), 0, staticStrides));
      *value = memref::ReinterpretCastOp::create(
          b, viewType, *value, b.getIndexAttr(0), sizes, strides);
    }
  }
  unsigned rank = cast<ShapedType>(op.getLhs().getType()).getRank();
  mSize = sizeOf(lhs, rank - 2);
  kSize = sizeOf(lhs, rank - 1);
  nSize = sizeOf(result, rank - 1);
  sharedA = func.getWorkgroupAttributions()[0];
  sharedB = func.getWorkgroupAttributions()[1];

  tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value warp = arith::DivUIOp::create(b, tid, constantIndex(32));
  lane = arith::RemUIOp::create(b, tid, constantIndex(32));
  g = arith::DivUIOp::create(b, lane, constantIndex(4));
  t = arith::RemUIOp::create(b, lane, constantIndex(4));
  if (plan.wgmma) {
    // Warp w of the warpgroup owns rows 16w..16w+15 of each 64-row half.
    warpRow = arith::MulIOp::create(b, warp, constantIndex(16));
    warpCol = constantIndex(0);
    descriptorA = descriptor(sharedA);
    descriptorB = descriptor(sharedB);
  } else {
    Value warpM = arith::DivUIOp::create(b, warp, constantIndex(2));
    warpRow = arith::MulIOp::create(b, warpM, constantIndex(kWarpM));
    Value warpN = arith::RemUIOp::create(b, warp, constantIndex(2));
    warpCol = arith::MulIOp::create(b, warpN, constantIndex(plan.warpN));
  }
  Value blockM = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  m0 = arith::MulIOp::create(b, blockM, constantIndex(kBlockM));
  Value blockN = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  n0 = arith::MulIOp::create(b, blockN, constantIndex(plan.blockN()));
  Value z = gpu::BlockIdOp::create(b, gpu::Dimension::z);
  for (int64_t i = int64_t(rank) - 3; i >= 0; --i) {
    Value dim = sizeOf(result, i);
    batchIndices.insert(batchIndices.begin(),
                        arith::RemUIOp::create(b, z, dim));
    z = arith::DivUIOp::create(b, z, dim);
  }

  SmallVector<Value> acc;
  if (!plan.scalesPerGroup()) {
    Value kBegin = constantIndex(0);
    acc = emitKLoop(kBegin, kSize);
  } else {
    // Per K-block: partial sums, scaled by the block's two scales, added up.
    Value groups =
        arith::CeilDivUIOp::create(b, kSize, constantIndex(plan.group));
    SmallVector<Value> zeros(
        plan.numAccumulators(),
        arith::ConstantFloatOp::create(b, b.getF32Type(), APFloat(0.0f)));
    Value step = constantIndex(1);
    Value upper = groups;
    Value lower = constantIndex(0);
    auto outer = scf::ForOp::create(
        b, lower, upper, step, zeros,
        [&](OpBuilder &, Location, Value q, ValueRange total) {
          Value kBegin = arith::MulIOp::create(b, q, constantIndex(plan.group));
          Value groupEnd =
              arith::AddIOp::create(b, kBegin, constantIndex(plan.group));
          Value kEnd = arith::MinUIOp::create(b, groupEnd, kSize);
          SmallVector<Value> partial = emitKLoop(kBegin, kEnd);
          SmallVector<Value> scales = emitScales(kBegin);
          SmallVector<Value> sum;
          for (int64_t i = 0; i < plan.numAccumulators(); ++i)
            sum.push_back(
                math::FmaOp::create(b, partial[i], scales[i], total[i]));
          scf::YieldOp::create(b, sum);
        });
    acc = SmallVector<Value>(outer.getResults());
  }
  emitEpilogue(acc);
  gpu::ReturnOp::create(b);
}

/// acc = sum over K slices in [kBegin, kEnd) (both multiples of blockK, or
/// kEnd = K) of A * B, from zero.
SmallVector<Value> GPUMatmulKernelBuilder::emitKLoop(Value kBegin, Value kEnd) {
  SmallVector<Value> zeros(
      plan.numAccumulators(),
      arith::ConstantFloatOp::create(b, b.getF32Type(), APFloat(0.0f)));
  auto loop = scf::ForOp::create(
      b, kBegin, kEnd, constantIndex(plan.blockK), zeros,
      [&](OpBuilder &, Location, Value k0, ValueRange acc) {
        stageRows(lhs, sharedA, m0, mSize, kBlockM, k0);
        if (plan.rhsTransposed)
          stageRows(rhs, sharedB, n0, nSize, plan.blockN(), k0);
        else
          stageColumns(rhs, sharedB, n0, k0);
        // wgmma reads shared memory through the async proxy: order this
        // thread's stores before it (then the barrier for all threads).
        if (plan.wgmma)
          NVVM::FenceProxyOp::create(
              b, NVVM::ProxyKind::async_shared,
              NVVM::SharedSpaceAttr::get(b.getContext(),
                                         NVVM::SharedSpace::shared_cta));
        gpu::BarrierOp::create(b);
        SmallVector<Value> next = multiplySlice(llvm::to_vector(acc));
        gpu::BarrierOp::create(b);
        scf::YieldOp::create(b, next);
      });
  return SmallVector<Value>(loop.getResults());
}

/// The buffer of a tensor operand (or the scalar itself); a flat
/// memref<kFlatSize x T> of it where its shape is dynamic, its dynamic
/// sizes appended to `sizes`.
static Value toKernelOperand(OpBuilder &b, Location loc, Value value,
                             SmallVectorImpl<Value> &sizes) {
  auto tensor = dyn_cast<RankedTensorType>(value.getType());
  if (!tensor)
    return value;
  auto memref = MemRefType::get(tensor.getShape(), tensor.getElementType());
  Value buffer = bufferization::ToBufferOp::create(b, loc, memref, value,
                                                   /*read_only=*/true);
  return toFlatOperand(b, loc, buffer, sizes);
}

/// Replaces `op` by a launch of a kernel generated into `kernels`.
static void lowerMatmul(ScaledMatmulOp op, const GPUMatmulPlan &plan,
                        gpu::GPUModuleOp kernels, SymbolTable &kernelSymbols) {
  MLIRContext *context = op.getContext();
  Location loc = op.getLoc();
  OpBuilder b(op);
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  auto resultBufferType =
      MemRefType::get(resultType.getShape(), resultType.getElementType());

  SmallVector<Value> sizes;
  SmallVector<Value> operands = {
      toKernelOperand(b, loc, op.getLhs(), sizes),
      toKernelOperand(b, loc, op.getRhs(), sizes),
      toKernelOperand(b, loc, op.getLhsScale(), sizes),
      toKernelOperand(b, loc, op.getRhsScale(), sizes)};
  if (Value bias = op.getBias())
    operands.push_back(toKernelOperand(b, loc, bias, sizes));
  if (Value outScale = op.getOutScale())
    operands.push_back(outScale);
  // The result's dynamic sizes: batch and M from the lhs, N from the rhs.
  unsigned rank = resultType.getRank();
  SmallVector<Value> resultSizes;
  for (unsigned i = 0; i < rank; ++i) {
    if (!resultType.isDynamicDim(i))
      continue;
    Value source = i == rank - 1 ? op.getRhs() : op.getLhs();
    unsigned dim = i == rank - 1 && plan.rhsTransposed ? rank - 2 : i;
    resultSizes.push_back(tensor::DimOp::create(b, loc, source, dim));
  }
  Value resultBuffer =
      memref::AllocOp::create(b, loc, resultBufferType, resultSizes);
  operands.push_back(toFlatOperand(b, loc, resultBuffer, sizes));
  Value amaxBuffer;
  if (op.getAmax()) {
    amaxBuffer =
        memref::AllocOp::create(b, loc, MemRefType::get({1}, b.getI32Type()));
    memref::StoreOp::create(
        b, loc, arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)),
        amaxBuffer, ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
    operands.push_back(amaxBuffer);
  }
  operands.append(sizes);

  // The kernel.
  OpBuilder kb = OpBuilder::atBlockEnd(kernels.getBody());
  auto workgroup = gpu::AddressSpaceAttr::get(
      context, gpu::GPUDialect::getWorkgroupAddressSpace());
  auto sharedType = [&](int64_t rows) {
    SmallVector<int64_t> shape = {rows, kPitch};
    if (plan.wgmma)
      shape = {rows / 8, plan.sliceBytes() / 16, 8, 16};
    return MemRefType::get(shape, b.getI8Type(), MemRefLayoutAttrInterface(),
                           workgroup);
  };
  auto func = gpu::GPUFuncOp::create(
      kb, loc, "scaled_matmul",
      FunctionType::get(context, ValueRange(operands).getTypes(), {}),
      TypeRange{sharedType(kBlockM), sharedType(plan.blockN())});
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), kb.getUnitAttr());
  func.setKnownBlockSizeAttr(kb.getDenseI32ArrayAttr({kThreads, 1, 1}));
  // The staging stores and fragment loads are 16- and 4-byte accesses.
  for (unsigned i = 0; i < 2; ++i)
    func.setWorkgroupAttributionAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                                     kb.getI64IntegerAttr(16));
  kernelSymbols.insert(func);
  GPUMatmulKernelBuilder(kb, loc, op, plan, func).build();

  // The launch.
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  // The grid: from the result's sizes, at run time where they are dynamic.
  auto ceilDiv = [&](unsigned dim, int64_t tile) -> Value {
    if (!resultType.isDynamicDim(dim))
      return cst(llvm::divideCeil(resultType.getDimSize(dim), tile));
    Value size = memref::DimOp::create(b, loc, resultBuffer, dim);
    return arith::CeilDivUIOp::create(b, loc, size, cst(tile));
  };
  int64_t staticBatch = 1;
  Value batch;
  for (unsigned i = 0; i + 2 < rank; ++i) {
    if (!resultType.isDynamicDim(i)) {
      staticBatch *= resultType.getDimSize(i);
      continue;
    }
    Value size = memref::DimOp::create(b, loc, resultBuffer, i);
    batch = batch ? arith::MulIOp::create(b, loc, batch, size) : size;
  }
  if (!batch)
    batch = cst(staticBatch);
  else if (staticBatch != 1)
    batch = arith::MulIOp::create(b, loc, batch, cst(staticBatch));
  gpu::KernelDim3 grid{ceilDiv(rank - 1, plan.blockN()),
                       ceilDiv(rank - 2, kBlockM), batch};
  gpu::KernelDim3 block{cst(kThreads), cst(1), cst(1)};
  gpu::LaunchFuncOp::create(b, loc, func, grid, block,
                            /*dynamicShared=*/Value(), operands);
  SmallVector<Value> replacements = {bufferization::ToTensorOp::create(
      b, loc, resultType, resultBuffer, /*restrict=*/true)};
  if (amaxBuffer) {
    Value bits = memref::LoadOp::create(
        b, loc, amaxBuffer,
        ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
    replacements.push_back(
        arith::BitcastOp::create(b, loc, b.getF32Type(), bits));
  }
  op->replaceAllUsesWith(replacements);
  op->erase();
}

LogicalResult mlir::fp8::lowerScaledMatmulToGPU(ScaledMatmulOp op,
                                                const GPUChip &chip,
                                                gpu::GPUModuleOp kernels) {
  FailureOr<GPUMatmulPlan> plan = planMatmul(op, chip);
  if (failed(plan))
    return failure();
  SymbolTable kernelSymbols(kernels);
  lowerMatmul(op, *plan, kernels, kernelSymbols);
  return success();
}

namespace {

struct ConvertFP8MatmulToGPUPass
    : mlir::fp8::impl::ConvertFP8MatmulToGPUPassBase<
          ConvertFP8MatmulToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (!chip.isGPU()) {
      module.emitError() << "convert-fp8-matmul-to-gpu: '"
                         << chip.getValue().str()
                         << "' is not a GPU chip (expected "
                         << Target::kGPUSpellings << ")";
      return signalPassFailure();
    }
    SmallVector<std::pair<ScaledMatmulOp, GPUMatmulPlan>> work;
    WalkResult walk = module.walk([&](ScaledMatmulOp op) {
      if (op->getParentOfType<gpu::GPUModuleOp>()) {
        op.emitOpError("is inside GPU code; convert-fp8-matmul-to-gpu "
                       "launches kernels from host code");
        return WalkResult::interrupt();
      }
      FailureOr<GPUMatmulPlan> plan = planMatmul(op, chip.getGPU());
      if (failed(plan))
        return WalkResult::interrupt();
      work.emplace_back(op, std::move(*plan));
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    if (work.empty())
      return;

    module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                    UnitAttr::get(&getContext()));
    auto kernels = dyn_cast_or_null<gpu::GPUModuleOp>(
        SymbolTable::lookupSymbolIn(module, "fp8_kernels"));
    if (!kernels) {
      OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
      kernels = gpu::GPUModuleOp::create(b, module.getLoc(), "fp8_kernels");
    }
    SymbolTable kernelSymbols(kernels);
    for (auto &[op, plan] : work)
      lowerMatmul(op, plan, kernels, kernelSymbols);
  }
};

} // namespace
