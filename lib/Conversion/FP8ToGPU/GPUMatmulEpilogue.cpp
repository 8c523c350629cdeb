//===- GPUMatmulEpilogue.cpp - Scales and output of the kernel ------------===//
//
// What happens to the f32 accumulators: the operand scales (per K-block, or
// once at the end), the bias, the amax, and the conversion or quantization
// to the result type, stored where the output tile lies inside the result.
//
//===----------------------------------------------------------------------===//

#include "GPUMatmulKernelBuilder.h"

#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::fp8;

Value GPUMatmulKernelBuilder::loadScale(Value arg,
                                        std::optional<ArrayRef<int64_t>> block,
                                        ArrayRef<Value> indices) {
  auto memref = dyn_cast<MemRefType>(arg.getType());
  if (!memref)
    return emitToF32(b, b.getLoc(), arg);
  SmallVector<Value> scaleIndices;
  if (!block) {
    scaleIndices.assign(memref.getRank(), constantIndex(0));
  } else {
    for (auto [i, blockDim] : llvm::enumerate(*block))
      scaleIndices.push_back(
          blockDim == 1
              ? indices[i]
              : arith::DivUIOp::create(b, indices[i], constantIndex(blockDim)));
  }
  Value scale = memref::LoadOp::create(b, arg, scaleIndices);
  return emitToF32(b, b.getLoc(), scale);
}

std::pair<Value, Value> GPUMatmulKernelBuilder::elementPosition(int64_t i) {
  int64_t fragment = i / 4, e = i % 4;
  int64_t mi = fragment / plan.fragmentsN(), ni = fragment % plan.fragmentsN();
  Value rowInTile = arith::AddIOp::create(
      b, g, constantIndex(mi * plan.fragmentRows() + (e / 2) * 8));
  Value tileRow = arith::AddIOp::create(b, m0, warpRow);
  Value row = arith::AddIOp::create(b, tileRow, rowInTile);
  Value colOffset = constantIndex(ni * 8 + e % 2);
  Value t2 = arith::MulIOp::create(b, t, constantIndex(2));
  Value colInTile = arith::AddIOp::create(b, t2, colOffset);
  Value tileCol = arith::AddIOp::create(b, n0, warpCol);
  Value col = arith::AddIOp::create(b, tileCol, colInTile);
  return {row, col};
}

SmallVector<Value> GPUMatmulKernelBuilder::emitScales(Value k) {
  // Scale indices may not run past the operands: clamp the position.
  DenseMap<int64_t, Value> rowScales, colScales;
  SmallVector<Value> scales;
  for (int64_t i = 0; i < plan.numAccumulators(); ++i) {
    int64_t fragment = i / 4, e = i % 4;
    int64_t rowKey = (fragment / plan.fragmentsN()) * 2 + e / 2;
    int64_t colKey = (fragment % plan.fragmentsN()) * 2 + e % 2;
    auto [row, col] = elementPosition(i);
    Value &rowScale = rowScales[rowKey];
    if (!rowScale) {
      Value safeRow = arith::MinUIOp::create(
          b, row, arith::SubIOp::create(b, mSize, constantIndex(1)));
      rowScale = loadScale(lhsScale, op.getLhsBlock(), withBatch(safeRow, k));
    }
    Value &colScale = colScales[colKey];
    if (!colScale) {
      Value safeCol = arith::MinUIOp::create(
          b, col, arith::SubIOp::create(b, nSize, constantIndex(1)));
      colScale = loadScale(rhsScale, op.getRhsBlock(),
                           plan.rhsTransposed ? withBatch(safeCol, k)
                                              : withBatch(k, safeCol));
    }
    scales.push_back(arith::MulFOp::create(b, rowScale, colScale));
  }
  return scales;
}

void GPUMatmulKernelBuilder::emitEpilogue(ArrayRef<Value> acc) {
  Type resultElement = cast<MemRefType>(result.getType()).getElementType();
  Value runningMax =
      arith::ConstantFloatOp::create(b, b.getF32Type(), APFloat(0.0f));
  SmallVector<Value> scales;
  if (!plan.scalesPerGroup())
    scales = emitScales(constantIndex(0));
  for (auto [i, value] : llvm::enumerate(acc)) {
    auto [row, col] = elementPosition(i);
    Value colInBounds =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, col, nSize);
    Value rowInBounds =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, row, mSize);
    Value inBounds = arith::AndIOp::create(b, rowInBounds, colInBounds);
    Value v = value;
    if (!scales.empty())
      v = arith::MulFOp::create(b, v, scales[i]);
    auto ifOp = scf::IfOp::create(b, b.getF32Type(), inBounds,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      if (bias) {
        auto biasType = cast<MemRefType>(bias.getType());
        SmallVector<Value> indices = biasType.getRank() == 1
                                         ? SmallVector<Value>{col}
                                         : withBatch(row, col);
        Value biasValue = memref::LoadOp::create(b, bias, indices);
        v = arith::AddFOp::create(b, v, emitToF32(b, b.getLoc(), biasValue));
      }
      Value stored = v;
      if (isNarrowFloat(resultElement)) {
        Value scaled = arith::DivFOp::create(b, v, outScale);
        stored = ConvertOp::create(b, resultElement, scaled, Value(),
                                   op.getRoundingAttr(), op.getSaturation());
      } else if (!resultElement.isF32()) {
        stored = arith::TruncFOp::create(b, resultElement, v);
      }
      memref::StoreOp::create(b, stored, result, withBatch(row, col));
      scf::YieldOp::create(b, math::AbsFOp::create(b, v).getResult());
      b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      scf::YieldOp::create(
          b, arith::ConstantFloatOp::create(b, b.getF32Type(), APFloat(0.0f))
                 .getResult());
    }
    // maximumf propagates NaN, as amax does.
    if (amax)
      runningMax = arith::MaximumFOp::create(b, runningMax, ifOp.getResult(0));
  }
  if (amax) {
    // Non-negative floats (and +NaN above +Inf) order like their bits.
    Value bits = arith::BitcastOp::create(b, b.getI32Type(), runningMax);
    memref::AtomicRMWOp::create(b, arith::AtomicRMWKind::maxu, bits, amax,
                                ValueRange{constantIndex(0)});
  }
}
