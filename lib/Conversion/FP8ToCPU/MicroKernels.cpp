//===- MicroKernels.cpp - Register tiles of the CPU kernel ----------------===//
//
// One register tile of the packed kernel: sums[row0 : +mr, col0 : +nr] over
// one K block of packed panels, with f32 FMA on scaled f32 panels, or with
// AMX tiles or AVX-512 vdpbf16ps on unscaled bf16 panels followed by the
// scaled update of the block.
//
//===----------------------------------------------------------------------===//

#include "CPUKernelBuilder.h"

#include "mlir/Dialect/AMX/AMXDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/X86Vector/X86VectorDialect.h"

using namespace mlir;
using namespace mlir::fp8::cpu;

void CPUMatmulKernelBuilder::emitMicroKernel(Value pc, Value depth, Value row0,
                                             Value col0, Value lhsPanel,
                                             Value rhsPanel) {
  VectorType vectorType = vectorOf(b.getF32Type());
  int64_t vectors = blk.nr / blk.vw;
  auto sumIndices = [&](int64_t i, int64_t v) {
    return at(arith::AddIOp::create(b, row0, index(i)),
              arith::AddIOp::create(b, col0, index(v * blk.vw)));
  };
  Value first =
      arith::CmpIOp::create(b, arith::CmpIPredicate::eq, pc, index(0));
  auto init = scf::IfOp::create(
      b, first,
      [&](OpBuilder &, Location) {
        Value zeros = arith::ConstantOp::create(b, b.getZeroAttr(vectorType));
        scf::YieldOp::create(b, SmallVector<Value>(blk.mr * vectors, zeros));
      },
      [&](OpBuilder &, Location) {
        SmallVector<Value> loaded;
        for (int64_t i = 0; i < blk.mr; ++i)
          for (int64_t v = 0; v < vectors; ++v)
            loaded.push_back(
                vector::LoadOp::create(b, vectorType, sums, sumIndices(i, v)));
        scf::YieldOp::create(b, loaded);
      });
  auto kLoop = scf::ForOp::create(
      b, index(0), depth, index(1), init.getResults(),
      [&](OpBuilder &, Location, Value kk, ValueRange accumulators) {
        SmallVector<Value> rhsVectors;
        for (int64_t v = 0; v < vectors; ++v)
          rhsVectors.push_back(
              vector::LoadOp::create(b, vectorType, rhsPacked,
                                     rhsAt(rhsPanel, kk, index(v * blk.vw))));
        SmallVector<Value> updated;
        for (int64_t i = 0; i < blk.mr; ++i) {
          Value lhsValue = memref::LoadOp::create(
              b, lhsPacked, ValueRange{lhsPanel, index(i), kk});
          Value broadcast =
              vector::BroadcastOp::create(b, vectorType, lhsValue);
          for (int64_t v = 0; v < vectors; ++v)
            updated.push_back(vector::FMAOp::create(
                b, broadcast, rhsVectors[v], accumulators[i * vectors + v]));
        }
        scf::YieldOp::create(b, updated);
      });
  for (int64_t i = 0; i < blk.mr; ++i)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(b, kLoop.getResult(i * vectors + v), sums,
                              sumIndices(i, v));
}

void CPUMatmulKernelBuilder::emitAMXMicroKernel(Value pc, Value depth,
                                                Value row0, Value col0,
                                                Value lhsPanel,
                                                Value rhsPanel) {
  auto inputTile = amx::TileType::get({kTileRows, kTileDepth}, b.getBF16Type());
  auto accTile = amx::TileType::get({kTileRows, kTileRows}, b.getF32Type());
  int64_t tilesM = blk.mr / kTileRows, tilesN = blk.nr / kTileRows;
  SmallVector<Value> zeros(tilesM * tilesN,
                           amx::TileZeroOp::create(b, accTile));
  // The padded depth: whole tiles of zeros past `depth`.
  Value paddedDepth = arith::MulIOp::create(
      b, arith::CeilDivUIOp::create(b, depth, index(kTileDepth)),
      index(kTileDepth));
  auto kLoop = scf::ForOp::create(
      b, index(0), paddedDepth, index(kTileDepth), zeros,
      [&](OpBuilder &, Location, Value kk, ValueRange accumulators) {
        SmallVector<Value> lhsTiles, rhsTiles;
        for (int64_t i = 0; i < tilesM; ++i)
          lhsTiles.push_back(amx::TileLoadOp::create(
              b, inputTile, lhsPacked,
              ValueRange{lhsPanel, index(i * kTileRows), kk}));
        Value pair = arith::DivUIOp::create(b, kk, index(2));
        for (int64_t j = 0; j < tilesN; ++j)
          rhsTiles.push_back(amx::TileLoadOp::create(
              b, inputTile, rhsPacked,
              rhsAt(rhsPanel, pair, index(j * 2 * kTileRows))));
        SmallVector<Value> updated;
        for (int64_t i = 0; i < tilesM; ++i)
          for (int64_t j = 0; j < tilesN; ++j)
            updated.push_back(
                amx::TileMulFOp::create(b, accTile, lhsTiles[i], rhsTiles[j],
                                        accumulators[i * tilesN + j]));
        scf::YieldOp::create(b, updated);
      });
  for (int64_t i = 0; i < tilesM; ++i)
    for (int64_t j = 0; j < tilesN; ++j)
      amx::TileStoreOp::create(
          b, tileSums,
          ValueRange{tileSlot, index(i * kTileRows), index(j * kTileRows)},
          kLoop.getResult(i * tilesN + j));

  emitBlockScaledUpdate(pc, row0, col0);
}

void CPUMatmulKernelBuilder::emitDotMicroKernel(Value pc, Value depth,
                                                Value row0, Value col0,
                                                Value lhsPanel,
                                                Value rhsPanel) {
  VectorType vectorType = vectorOf(b.getF32Type());
  auto pairsType = VectorType::get({2 * blk.vw}, b.getBF16Type());
  int64_t vectors = blk.nr / blk.vw;
  Value zeros = arith::ConstantOp::create(b, b.getZeroAttr(vectorType));
  // K pairs; the packed rows are zero past `depth`.
  Value pairs = arith::CeilDivUIOp::create(b, depth, index(2));
  auto kLoop = scf::ForOp::create(
      b, index(0), pairs, index(1), SmallVector<Value>(blk.mr * vectors, zeros),
      [&](OpBuilder &, Location, Value pair, ValueRange accumulators) {
        SmallVector<Value> rhsVectors;
        for (int64_t v = 0; v < vectors; ++v)
          rhsVectors.push_back(vector::LoadOp::create(
              b, pairsType, rhsPacked,
              rhsAt(rhsPanel, pair, index(2 * v * blk.vw))));
        Value k = arith::MulIOp::create(b, pair, index(2));
        SmallVector<Value> updated;
        for (int64_t i = 0; i < blk.mr; ++i) {
          // The lhs pair (k, k + 1) of row i in every 32-bit lane.
          Value pairBits = vector::LoadOp::create(
              b, VectorType::get({2}, b.getBF16Type()), lhsPacked,
              ValueRange{lhsPanel, index(i), k});
          Value word = vector::ExtractOp::create(
              b,
              vector::BitCastOp::create(b, VectorType::get({1}, b.getI32Type()),
                                        pairBits),
              ArrayRef<int64_t>{0});
          Value broadcast = vector::BitCastOp::create(
              b, pairsType,
              vector::BroadcastOp::create(b, vectorOf(b.getI32Type()), word));
          for (int64_t v = 0; v < vectors; ++v)
            updated.push_back(x86vector::DotBF16Op::create(
                b, vectorType, accumulators[i * vectors + v], broadcast,
                rhsVectors[v]));
        }
        scf::YieldOp::create(b, updated);
      });
  for (int64_t i = 0; i < blk.mr; ++i)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(
          b, kLoop.getResult(i * vectors + v), tileSums,
          ValueRange{tileSlot, index(i), index(v * blk.vw)});
  emitBlockScaledUpdate(pc, row0, col0);
}

void CPUMatmulKernelBuilder::emitBlockScaledUpdate(Value pc, Value row0,
                                                   Value col0) {
  // sums += product * lhs scale (per row) * rhs scale (per column) of this K
  // block.
  VectorType vectorType = vectorOf(b.getF32Type());
  Value first =
      arith::CmpIOp::create(b, arith::CmpIPredicate::eq, pc, index(0));
  unsigned last = lhs.shape.size() - 1;
  SmallVector<Value> rhsScales;
  for (int64_t v = 0; v < blk.nr; v += blk.vw) {
    Value col = arith::AddIOp::create(b, col0, index(v));
    SmallVector<Value> indices(batch);
    if (transposed)
      indices.append({col, pc});
    else
      indices.append({pc, col});
    rhsScales.push_back(loadScales(rhs, indices, transposed ? last - 1 : last));
  }
  loop(index(0), index(blk.mr), 1, [&](Value i) {
    Value row = arith::AddIOp::create(b, row0, i);
    SmallVector<Value> lhsIndices(batch);
    lhsIndices.append({row, pc});
    Value lhsScale = loadScales(lhs, lhsIndices, last);
    for (int64_t v = 0; v < blk.nr / blk.vw; ++v) {
      SmallVector<Value> sumIndices =
          at(row, arith::AddIOp::create(b, col0, index(v * blk.vw)));
      Value product = vector::LoadOp::create(
          b, vectorType, tileSums, ValueRange{tileSlot, i, index(v * blk.vw)});
      auto previous = scf::IfOp::create(
          b, first,
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(b, ValueRange{arith::ConstantOp::create(
                                        b, b.getZeroAttr(vectorType))});
          },
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(b, ValueRange{vector::LoadOp::create(
                                        b, vectorType, sums, sumIndices)});
          });
      Value scale = arith::MulFOp::create(b, lhsScale, rhsScales[v]);
      vector::StoreOp::create(
          b, vector::FMAOp::create(b, product, scale, previous.getResult(0)),
          sums, sumIndices);
    }
  });
}
