//===- GPUMatmulMMA.cpp - Tensor-core multiplies of the kernel ------------===//
//
// One K slice in shared memory multiplied into the accumulators: mma.sync
// on fragments loaded by each warp (sm_89, sm_90), or wgmma.mma_async by
// the warpgroup through matrix descriptors (sm_90a). The layouts are in
// GPUMatmulKernelBuilder.h.
//
//===----------------------------------------------------------------------===//

#include "GPUMatmulKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>

using namespace mlir;
using namespace mlir::fp8;

Value GPUMatmulKernelBuilder::descriptor(Value shared) {
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, b.getI64Type(), v);
  };
  Value pointer = memref::ExtractAlignedPointerAsIndexOp::create(b, shared);
  Value address = arith::IndexCastUIOp::create(b, b.getI64Type(), pointer);
  // Start address bits 4..17 (shared addresses are below 256 KiB).
  Value shift = constant(4);
  Value masked = arith::AndIOp::create(b, address, constant(0x3FFFF));
  Value start = arith::ShRUIOp::create(b, masked, shift);
  int64_t lbo = 128, sbo = 8 * plan.sliceBytes();
  return arith::OrIOp::create(b, start,
                              constant((lbo >> 4) << 16 | (sbo >> 4) << 32));
}

/// One blockK slice from shared memory: for each 32 bytes of K, the A and
/// B fragments of this warp and fragmentsM x fragmentsN mma.sync.
SmallVector<Value> GPUMatmulKernelBuilder::multiplySlice(ArrayRef<Value> acc) {
  if (plan.wgmma)
    return multiplySliceWgmma(acc);
  SmallVector<Value> result(acc);
  auto word = VectorType::get({4}, b.getI8Type());
  // A fragment register: 4 fp8 codes (i32) or 2 halves (vector<2xf16>).
  auto oneWord = VectorType::get({1}, b.getI32Type());
  auto halves = VectorType::get({2}, b.getF16Type());
  auto loadWord = [&](Value shared, Value row, Value col) -> Value {
    Value bytes =
        vector::LoadOp::create(b, word, shared, ValueRange{row, col},
                               /*nontemporal=*/false, llvm::MaybeAlign(4));
    if (plan.f16Operands)
      return vector::BitCastOp::create(b, halves, bytes);
    Value cast = vector::BitCastOp::create(b, oneWord, bytes);
    return vector::ExtractOp::create(b, cast, 0);
  };
  Type f32 = b.getF32Type();
  Type resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  StringAttr intrinsic = b.getStringAttr(plan.mmaIntrinsic);
  Value t4 = arith::MulIOp::create(b, t, constantIndex(4));
  for (int64_t ks = 0; ks < plan.sliceBytes(); ks += kMmaBytes) {
    Value colLo = arith::AddIOp::create(b, t4, constantIndex(ks));
    Value colHi = arith::AddIOp::create(b, t4, constantIndex(ks + 16));
    SmallVector<std::array<Value, 4>> a;
    for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
      Value warpTileRow =
          arith::AddIOp::create(b, warpRow, constantIndex(mi * 16));
      Value row = arith::AddIOp::create(b, warpTileRow, g);
      Value row8 = arith::AddIOp::create(b, row, constantIndex(8));
      a.push_back(
          {loadWord(sharedA, row, colLo), loadWord(sharedA, row8, colLo),
           loadWord(sharedA, row, colHi), loadWord(sharedA, row8, colHi)});
    }
    SmallVector<std::array<Value, 2>> bFrag;
    for (int64_t ni = 0; ni < plan.fragmentsN(); ++ni) {
      Value warpTileCol =
          arith::AddIOp::create(b, warpCol, constantIndex(ni * 8));
      Value col = arith::AddIOp::create(b, warpTileCol, g);
      bFrag.push_back(
          {loadWord(sharedB, col, colLo), loadWord(sharedB, col, colHi)});
    }
    for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
      for (int64_t ni = 0; ni < plan.fragmentsN(); ++ni) {
        int64_t base = (mi * plan.fragmentsN() + ni) * 4;
        SmallVector<Value> args(a[mi].begin(), a[mi].end());
        args.append(bFrag[ni].begin(), bFrag[ni].end());
        args.append(result.begin() + base, result.begin() + base + 4);
        Value d = LLVM::CallIntrinsicOp::create(b, resultType, intrinsic, args)
                      .getResult(0);
        for (int64_t e = 0; e < 4; ++e)
          result[base + e] = LLVM::ExtractValueOp::create(b, d, e);
      }
    }
  }
  return result;
}

/// One blockK slice by the warpgroup: for each 32 bytes of K, one
/// wgmma.mma_async per 64-row half of the tile against all BN columns,
/// reading both operands from shared memory; the accumulators travel as
/// one struct per half.
SmallVector<Value>
GPUMatmulKernelBuilder::multiplySliceWgmma(ArrayRef<Value> acc) {
  MLIRContext *context = b.getContext();
  int64_t perHalf = plan.fragmentsN() * 4;
  auto structType = LLVM::LLVMStructType::getLiteral(
      context, SmallVector<Type>(perHalf, b.getF32Type()));
  // The accumulator registers were last written outside wgmma.
  NVVM::WgmmaFenceAlignedOp::create(b);
  SmallVector<Value> halves;
  for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
    Value value = LLVM::PoisonOp::create(b, structType);
    for (int64_t i = 0; i < perHalf; ++i)
      value = LLVM::InsertValueOp::create(b, value, acc[mi * perHalf + i], i);
    halves.push_back(value);
  }
  auto offset = [&](Value descriptor, int64_t bytes) -> Value {
    // The start address field counts 16-byte units.
    return arith::AddIOp::create(
        b, descriptor,
        arith::ConstantIntOp::create(b, b.getI64Type(), bytes >> 4));
  };
  auto shape = NVVM::MMAShapeAttr::get(context, 64, plan.blockN(),
                                       kMmaBytes / plan.elementBytes());
  int64_t sbo = 8 * plan.sliceBytes();
  for (int64_t ks = 0; ks < plan.sliceBytes(); ks += kMmaBytes) {
    // Core matrices ks / 16 and ks / 16 + 1 along K.
    int64_t kOffset = (ks / 16) * 128;
    Value b0 = offset(descriptorB, kOffset);
    for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
      Value a0 = offset(descriptorA, mi * (64 / 8) * sbo + kOffset);
      halves[mi] = NVVM::WgmmaMmaAsyncOp::create(
          b, structType, halves[mi], a0, b0, shape,
          NVVM::WGMMATypesAttr::get(context, plan.wgmmaTypeA),
          NVVM::WGMMATypesAttr::get(context, plan.wgmmaTypeB),
          NVVM::WGMMATypesAttr::get(context, NVVM::WGMMATypes::f32),
          NVVM::WGMMAScaleOutAttr::get(context, NVVM::WGMMAScaleOut::one),
          NVVM::WGMMAScaleInAttr::get(context, NVVM::WGMMAScaleIn::one),
          NVVM::WGMMAScaleInAttr::get(context, NVVM::WGMMAScaleIn::one),
          NVVM::MMALayoutAttr::get(context, NVVM::MMALayout::row),
          NVVM::MMALayoutAttr::get(context, NVVM::MMALayout::col),
          /*satfinite=*/nullptr);
    }
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b);
  NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
  SmallVector<Value> result;
  for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi)
    for (int64_t i = 0; i < perHalf; ++i)
      result.push_back(LLVM::ExtractValueOp::create(b, halves[mi], i));
  return result;
}
