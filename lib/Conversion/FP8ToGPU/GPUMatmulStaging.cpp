//===- GPUMatmulStaging.cpp - Global to shared memory for the kernel ------===//
//
// Each K slice of both operands is copied from global to shared memory with
// 16-element loads (zeros past the operand's edges; masked loads where rows
// are not 16-element aligned or a chunk straddles the edge), converted to the
// tensor-core operand bytes, and stored in the layout the MMA reads (see
// GPUMatmulKernelBuilder.h).
//
//===----------------------------------------------------------------------===//

#include "GPUMatmulKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Sequence.h"

using namespace mlir;
using namespace mlir::fp8;

/// Elements [offset, offset + size) of a 1-D vector.
static Value extractSlice(ImplicitLocOpBuilder &b, Value vector, int64_t offset,
                          int64_t size) {
  return vector::ShuffleOp::create(
      b, vector, vector,
      llvm::to_vector(llvm::seq<int64_t>(offset, offset + size)));
}

SmallVector<Value> GPUMatmulKernelBuilder::sharedIndices(Value row,
                                                         Value byte) {
  if (!plan.wgmma)
    return {row, byte};
  // Core matrices of 8 rows x 16 bytes (see GPUMatmulKernelBuilder.h).
  return {arith::DivUIOp::create(b, row, constantIndex(8)),
          arith::DivUIOp::create(b, byte, constantIndex(16)),
          arith::RemUIOp::create(b, row, constantIndex(8)),
          arith::RemUIOp::create(b, byte, constantIndex(16))};
}

Value GPUMatmulKernelBuilder::toOperandBytes(Value chunk) {
  auto bytes = VectorType::get({16 * plan.elementBytes()}, b.getI8Type());
  if (!plan.f16Operands)
    return BitcastOp::create(b, bytes, chunk);
  // Exact: every E4M3, E5M2 and HiF8 value is an f16.
  Value halves = ConvertOp::create(b, VectorType::get({16}, b.getF16Type()),
                                   chunk, Value(), nullptr, Saturation::none);
  return vector::BitCastOp::create(b, bytes, halves);
}

Value GPUMatmulKernelBuilder::loadChunkOrZeros(Value global, Value inBounds,
                                               Value row, Value col,
                                               bool aligned, Value limit) {
  Type element = cast<MemRefType>(global.getType()).getElementType();
  auto narrow = VectorType::get({16}, element);
  auto bytes = VectorType::get({16 * plan.elementBytes()}, b.getI8Type());
  return scf::IfOp::create(
             b, inBounds,
             [&](OpBuilder &, Location) {
               Value v;
               if (aligned) {
                 v = vector::LoadOp::create(b, narrow, global,
                                            withBatch(row, col),
                                            /*nontemporal=*/false,
                                            llvm::MaybeAlign(16));
               } else {
                 // The min(16, limit - col) elements that exist, zeros
                 // (code 0, +0 in every format) past the end.
                 Value left = arith::SubIOp::create(b, limit, col);
                 Value left32 =
                     arith::IndexCastUIOp::create(b, b.getI32Type(), left);
                 auto lanes = VectorType::get({16}, b.getI32Type());
                 SmallVector<int32_t> laneIndices =
                     llvm::to_vector(llvm::seq<int32_t>(0, 16));
                 Value iota = arith::ConstantOp::create(
                     b, DenseElementsAttr::get(lanes,
                                               ArrayRef<int32_t>(laneIndices)));
                 Value bound = vector::BroadcastOp::create(b, lanes, left32);
                 Value mask = arith::CmpIOp::create(
                     b, arith::CmpIPredicate::ult, iota, bound);
                 auto zeroBytes = VectorType::get({16}, b.getI8Type());
                 Value zeros = arith::ConstantOp::create(
                     b, SplatElementsAttr::get(zeroBytes,
                                               b.getI8IntegerAttr(0)));
                 Value passThru = BitcastOp::create(b, narrow, zeros);
                 v = vector::MaskedLoadOp::create(b, narrow, global,
                                                  withBatch(row, col), mask,
                                                  passThru);
               }
               scf::YieldOp::create(b, ValueRange{toOperandBytes(v)});
             },
             [&](OpBuilder &, Location) {
               Value zeros = arith::ConstantOp::create(
                   b, SplatElementsAttr::get(bytes, b.getI8IntegerAttr(0)));
               scf::YieldOp::create(b, zeros);
             })
      .getResult(0);
}

/// Copies `rows` rows x blockK elements of a [.., rows, K] operand starting
/// at (row0, k0) into `shared` (row-major in K), 16 elements per load (16
/// or 32 bytes of shared memory, stored 16 at a time), zeros outside.
void GPUMatmulKernelBuilder::stageRows(Value global, Value shared, Value row0,
                                       Value rowLimit, int64_t rows,
                                       Value k0) {
  int64_t chunksPerRow = plan.blockK / 16;
  for (int64_t c = 0; c < rows * chunksPerRow / kThreads; ++c) {
    Value chunk = arith::AddIOp::create(b, tid, constantIndex(c * kThreads));
    Value row = arith::DivUIOp::create(b, chunk, constantIndex(chunksPerRow));
    Value chunkInRow =
        arith::RemUIOp::create(b, chunk, constantIndex(chunksPerRow));
    Value kk = arith::MulIOp::create(b, chunkInRow, constantIndex(16));
    Value globalRow = arith::AddIOp::create(b, row0, row);
    Value globalK = arith::AddIOp::create(b, k0, kk);
    Value kInBounds = arith::CmpIOp::create(b, arith::CmpIPredicate::ult,
                                            globalK, kSize);
    Value rowInBounds = arith::CmpIOp::create(b, arith::CmpIPredicate::ult,
                                              globalRow, rowLimit);
    Value inBounds = arith::AndIOp::create(b, rowInBounds, kInBounds);
    Value loaded = loadChunkOrZeros(global, inBounds, globalRow, globalK,
                                    plan.alignedK, kSize);
    Value byte =
        arith::MulIOp::create(b, kk, constantIndex(plan.elementBytes()));
    for (int64_t part = 0; part < plan.elementBytes(); ++part) {
      Value piece = loaded;
      if (plan.elementBytes() > 1)
        piece = extractSlice(b, piece, 16 * part, 16);
      Value partByte = arith::AddIOp::create(b, byte, constantIndex(16 * part));
      vector::StoreOp::create(b, piece, shared, sharedIndices(row, partByte),
                              /*nontemporal=*/false, llvm::MaybeAlign(16));
    }
  }
}

/// Copies a blockK x blockN slice of a [.., K, N] operand at (k0, n0) into
/// `shared` transposed ([n][k]): 16-element loads along N, element stores.
void GPUMatmulKernelBuilder::stageColumns(Value global, Value shared, Value n0,
                                          Value k0) {
  int64_t chunksPerRow = plan.blockN() / 16;
  int64_t width = plan.elementBytes();
  for (int64_t c = 0; c < plan.blockK * chunksPerRow / kThreads; ++c) {
    Value chunk = arith::AddIOp::create(b, tid, constantIndex(c * kThreads));
    Value kk = arith::DivUIOp::create(b, chunk, constantIndex(chunksPerRow));
    Value chunkInRow =
        arith::RemUIOp::create(b, chunk, constantIndex(chunksPerRow));
    Value nn = arith::MulIOp::create(b, chunkInRow, constantIndex(16));
    Value globalK = arith::AddIOp::create(b, k0, kk);
    Value globalN = arith::AddIOp::create(b, n0, nn);
    Value nInBounds =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalN, nSize);
    Value kInBounds =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ult, globalK, kSize);
    Value inBounds = arith::AndIOp::create(b, kInBounds, nInBounds);
    Value loaded = loadChunkOrZeros(global, inBounds, globalK, globalN,
                                    plan.alignedN, nSize);
    Value byte = arith::MulIOp::create(b, kk, constantIndex(width));
    for (int64_t j = 0; j < 16; ++j) {
      Value n = arith::AddIOp::create(b, nn, constantIndex(j));
      SmallVector<Value> indices = sharedIndices(n, byte);
      if (width == 1) {
        Value element = vector::ExtractOp::create(b, loaded, j);
        memref::StoreOp::create(b, element, shared, indices);
      } else {
        Value element = extractSlice(b, loaded, j * width, width);
        vector::StoreOp::create(b, element, shared, indices);
      }
    }
  }
}
