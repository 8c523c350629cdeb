//===- ScaledMatmulToCPU.cpp - Packed CPU kernels for scaled_matmul -------===//
//
// fp8.scaled_matmul on tensors becomes a blocked kernel in BLIS loop order:
//
//   for b in batch:
//     for jc in [0, N) step nc:          // right panel, kept in L3 / L2
//       for pc in [0, K) step kc:
//         pack rhs[pc:pc+kc, jc:jc+nc]    // decoded once per panel
//         for ic in [0, M) step mc:
//           pack lhs[ic:ic+mc, pc:pc+kc]  // decoded once per block
//           for jr in [0, nc) step nr:
//             for ir in [0, mc) step mr:
//               C[ic+ir : +mr, jc+jr : +nr] += micro-kernel(kc)
//
// The f32 sums C live in a memref padded to whole register tiles and return
// to tensors through `bufferization.to_tensor restrict`; the epilogue (bias,
// amax, output quantization) is emitted on tensors and left to the rest of
// the pipeline.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToCPU/FP8ToCPU.h"

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
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include <numeric>

namespace mlir::fp8 {
#define GEN_PASS_DEF_CONVERTFP8MATMULTOCPUPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

namespace {

/// The kernel's blocking: f32 lanes per vector, the register tile and the
/// cache blocks.
struct Blocking {
  int64_t vw, mr, nr, mc, kc, nc;
};

Blocking getDefaultBlocking(mlir::fp8::CPUTarget target) {
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

int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// One operand of the product: its buffer (8-bit elements) and its scale.
struct Operand {
  Value buffer;
  ArrayRef<int64_t> shape;
  /// The scale: a memref (ranked like the operand, or rank 0), or an f32
  /// scalar.
  Value scaleBuffer;
  Value scaleScalar;
  std::optional<ArrayRef<int64_t>> block;

  /// The scale block along `dim`, or the whole dimension.
  int64_t blockAlong(unsigned dim) const {
    return block ? std::min((*block)[dim], shape[dim]) : shape[dim];
  }
};

/// The micro-kernels: f32 FMA on panels decoded and scaled to f32, or
/// bf16 products (AMX tiles, AVX-512 vdpbf16ps) on unscaled bf16 panels in
/// VNNI pairs, with the scales applied once per K block.
enum class MicroKernel { F32, AMX, DotBF16 };

/// Emits the kernel for one op.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const Blocking &blocking,
                MicroKernel kernel)
      : b(b), loc(loc), blk(blocking), kernel(kernel),
        bf16Panels(kernel != MicroKernel::F32) {}

  /// The f32 sums of `op` as a tensor shaped like its result.
  Value build(mlir::fp8::ScaledMatmulOp op);

private:
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, loc, value);
  }
  Value min(Value lhs, Value rhs) {
    return arith::MinSIOp::create(b, loc, lhs, rhs);
  }
  Value add(Value lhs, Value rhs) {
    return arith::AddIOp::create(b, loc, lhs, rhs);
  }
  Value sub(Value lhs, Value rhs) {
    return arith::SubIOp::create(b, loc, lhs, rhs);
  }
  Value div(Value lhs, int64_t rhs) {
    return arith::DivUIOp::create(b, loc, lhs, index(rhs));
  }
  Value rem(Value lhs, int64_t rhs) {
    return arith::RemUIOp::create(b, loc, lhs, index(rhs));
  }
  /// An scf.for from `lb` to `ub` by `step` whose body `body(iv)` is built
  /// at the loop's insertion point.
  void loop(Value lb, Value ub, int64_t step, function_ref<void(Value)> body) {
    auto forOp = scf::ForOp::create(b, loc, lb, ub, index(step));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forOp.getBody());
    body(forOp.getInductionVar());
  }
  VectorType vectorOf(Type element) {
    return VectorType::get({blk.vw}, element);
  }
  Value splat(VectorType type, Attribute element) {
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, element));
  }

  /// The `vw` operand elements from `indices` on along the last dimension,
  /// decoded to f32; the first `count` are loaded (count may be <= 0), the
  /// others are zero. Multiplied by their scales when `scaled`.
  Value loadDecoded(const Operand &operand, ArrayRef<Value> indices,
                    Value count, bool scaled);

  /// The f32 scales of the `vw` elements from `indices` on along `dim`.
  Value loadScales(const Operand &operand, ArrayRef<Value> indices,
                   unsigned dim);

  /// sums[row0 : +mr, col0 : +nr] = (pc == 0 ? 0 : sums[...]) + the product
  /// of packed lhs panel `lhsPanel` and packed rhs panel `rhsPanel` over
  /// `depth` steps, in f32 FMA.
  void emitMicroKernel(Value pc, Value depth, Value row0, Value col0,
                       Value lhsPanel, Value rhsPanel);
  /// The same with AMX tiles on bf16 panels, then the scales of the K block
  /// at `pc` applied to the product.
  void emitAMXMicroKernel(Value pc, Value depth, Value row0, Value col0,
                          Value lhsPanel, Value rhsPanel);
  /// The same with AVX-512 vdpbf16ps on an mr x nr tile of f32 registers.
  void emitDotMicroKernel(Value pc, Value depth, Value row0, Value col0,
                          Value lhsPanel, Value rhsPanel);
  /// sums[row0 : +mr, col0 : +nr] = (pc == 0 ? 0 : sums) + tileSums * the
  /// lhs scales (per row) * the rhs scales (per column) of the K block at pc.
  void emitBlockScaledUpdate(Value pc, Value row0, Value col0);

  /// The sums' indices of (row, col) in the current batch.
  SmallVector<Value> at(Value row, Value col) {
    SmallVector<Value> indices(batch);
    indices.append({row, col});
    return indices;
  }

  OpBuilder &b;
  Location loc;
  Blocking blk;
  MicroKernel kernel;
  /// Whether the panels are bf16 VNNI pairs with scales per K block (AMX and
  /// DotBF16 share the packing and the scaling).
  bool bf16Panels;
  Operand lhs, rhs;
  bool transposed = false;
  SmallVector<Value> batch;
  Value sums, lhsPacked, rhsPacked, tileSums;
};

} // namespace

Value KernelBuilder::loadScales(const Operand &operand, ArrayRef<Value> indices,
                                unsigned dim) {
  VectorType vectorType = vectorOf(b.getF32Type());
  if (operand.scaleScalar)
    return vector::BroadcastOp::create(b, loc, vectorType, operand.scaleScalar);
  auto scaleType = cast<MemRefType>(operand.scaleBuffer.getType());
  if (scaleType.getRank() == 0) {
    Value scale = memref::LoadOp::create(b, loc, operand.scaleBuffer);
    return vector::BroadcastOp::create(b, loc, vectorType,
                                       mlir::fp8::emitToF32(b, loc, scale));
  }
  // Indices past the operand (padded rows and columns) are clamped: their
  // sums are discarded.
  unsigned rank = operand.shape.size();
  auto scaleIndices = [&](ArrayRef<Value> at) {
    SmallVector<Value> result;
    for (unsigned d = 0; d < rank; ++d) {
      int64_t size = operand.blockAlong(d), extent = operand.shape[d];
      if (size == extent) {
        result.push_back(index(0));
        continue;
      }
      Value i = min(at[d], index(extent - 1));
      result.push_back(size == 1 ? i : div(i, size));
    }
    return result;
  };
  auto loadScalar = [&](ArrayRef<Value> at) {
    return mlir::fp8::emitToF32(
        b, loc,
        memref::LoadOp::create(b, loc, operand.scaleBuffer, scaleIndices(at)));
  };
  if (operand.blockAlong(dim) != 1 || operand.shape[dim] == 1)
    return vector::BroadcastOp::create(b, loc, vectorType, loadScalar(indices));
  if (dim + 1 == rank) {
    // One scale per element along the last dimension: a masked load.
    Type element = scaleType.getElementType();
    VectorType loadType = vectorOf(element);
    SmallVector<Value> first = scaleIndices(indices);
    first.back() = indices.back();
    Value mask = vector::CreateMaskOp::create(
        b, loc, vectorOf(b.getI1Type()),
        ValueRange{sub(index(operand.shape.back()), indices.back())});
    Value scales = vector::MaskedLoadOp::create(
        b, loc, loadType, operand.scaleBuffer, first, mask,
        splat(loadType, b.getZeroAttr(element)));
    return mlir::fp8::emitToF32(b, loc, scales);
  }
  // One scale per element along an outer dimension: element by element.
  SmallVector<Value> elements;
  for (int64_t e = 0; e < blk.vw; ++e) {
    SmallVector<Value> at(indices);
    at[dim] = add(at[dim], index(e));
    elements.push_back(loadScalar(at));
  }
  return vector::FromElementsOp::create(b, loc, vectorType, elements);
}

Value KernelBuilder::loadDecoded(const Operand &operand,
                                 ArrayRef<Value> indices, Value count,
                                 bool scaled) {
  auto bufferType = cast<MemRefType>(operand.buffer.getType());
  VectorType loadType = vectorOf(bufferType.getElementType());
  // Zero codes (+0 in every 8-bit format, HiF8 included) where not loaded.
  Value zeros = mlir::fp8::BitcastOp::create(
      b, loc, loadType, splat(vectorOf(b.getI8Type()), b.getI8IntegerAttr(0)));
  Value mask = vector::CreateMaskOp::create(b, loc, vectorOf(b.getI1Type()),
                                            ValueRange{count});
  Value codes = vector::MaskedLoadOp::create(b, loc, loadType, operand.buffer,
                                             indices, mask, zeros);
  Value decoded =
      mlir::fp8::ConvertOp::create(b, loc, vectorOf(b.getF32Type()), codes);
  if (!scaled)
    return decoded;
  return arith::MulFOp::create(
      b, loc, decoded, loadScales(operand, indices, indices.size() - 1));
}

void KernelBuilder::emitMicroKernel(Value pc, Value depth, Value row0,
                                    Value col0, Value lhsPanel,
                                    Value rhsPanel) {
  VectorType vectorType = vectorOf(b.getF32Type());
  int64_t vectors = blk.nr / blk.vw;
  auto sumIndices = [&](int64_t i, int64_t v) {
    return at(add(row0, index(i)), add(col0, index(v * blk.vw)));
  };
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, pc, index(0));
  auto init = scf::IfOp::create(
      b, loc, first,
      [&](OpBuilder &b, Location loc) {
        Value zeros = splat(vectorType, b.getF32FloatAttr(0.0f));
        scf::YieldOp::create(b, loc,
                             SmallVector<Value>(blk.mr * vectors, zeros));
      },
      [&](OpBuilder &b, Location loc) {
        SmallVector<Value> loaded;
        for (int64_t i = 0; i < blk.mr; ++i)
          for (int64_t v = 0; v < vectors; ++v)
            loaded.push_back(vector::LoadOp::create(b, loc, vectorType, sums,
                                                    sumIndices(i, v)));
        scf::YieldOp::create(b, loc, loaded);
      });
  auto kLoop = scf::ForOp::create(
      b, loc, index(0), depth, index(1), init.getResults(),
      [&](OpBuilder &b, Location loc, Value kk, ValueRange accumulators) {
        SmallVector<Value> rhsVectors;
        for (int64_t v = 0; v < vectors; ++v)
          rhsVectors.push_back(vector::LoadOp::create(
              b, loc, vectorType, rhsPacked,
              ValueRange{rhsPanel, kk, index(v * blk.vw)}));
        SmallVector<Value> updated;
        for (int64_t i = 0; i < blk.mr; ++i) {
          Value lhsValue = memref::LoadOp::create(
              b, loc, lhsPacked, ValueRange{lhsPanel, index(i), kk});
          Value broadcast =
              vector::BroadcastOp::create(b, loc, vectorType, lhsValue);
          for (int64_t v = 0; v < vectors; ++v)
            updated.push_back(
                vector::FMAOp::create(b, loc, broadcast, rhsVectors[v],
                                      accumulators[i * vectors + v]));
        }
        scf::YieldOp::create(b, loc, updated);
      });
  for (int64_t i = 0; i < blk.mr; ++i)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(b, loc, kLoop.getResult(i * vectors + v), sums,
                              sumIndices(i, v));
}

/// AMX-BF16 tiles: 16 rows of 32 bf16 for both operands (the right one in
/// VNNI pairs along K), 16 x 16 f32 accumulators.
static constexpr int64_t kTileRows = 16, kTileDepth = 32;

void KernelBuilder::emitAMXMicroKernel(Value pc, Value depth, Value row0,
                                       Value col0, Value lhsPanel,
                                       Value rhsPanel) {
  auto inputTile = amx::TileType::get({kTileRows, kTileDepth}, b.getBF16Type());
  auto accTile = amx::TileType::get({kTileRows, kTileRows}, b.getF32Type());
  int64_t tilesM = blk.mr / kTileRows, tilesN = blk.nr / kTileRows;
  SmallVector<Value> zeros(tilesM * tilesN,
                           amx::TileZeroOp::create(b, loc, accTile));
  // The padded depth: whole tiles of zeros past `depth`.
  Value paddedDepth = arith::MulIOp::create(
      b, loc, arith::CeilDivUIOp::create(b, loc, depth, index(kTileDepth)),
      index(kTileDepth));
  auto kLoop = scf::ForOp::create(
      b, loc, index(0), paddedDepth, index(kTileDepth), zeros,
      [&](OpBuilder &b, Location loc, Value kk, ValueRange accumulators) {
        SmallVector<Value> lhsTiles, rhsTiles;
        for (int64_t i = 0; i < tilesM; ++i)
          lhsTiles.push_back(amx::TileLoadOp::create(
              b, loc, inputTile, lhsPacked,
              ValueRange{lhsPanel, index(i * kTileRows), kk}));
        Value pair = div(kk, 2);
        for (int64_t j = 0; j < tilesN; ++j)
          rhsTiles.push_back(amx::TileLoadOp::create(
              b, loc, inputTile, rhsPacked,
              ValueRange{rhsPanel, pair, index(j * 2 * kTileRows)}));
        SmallVector<Value> updated;
        for (int64_t i = 0; i < tilesM; ++i)
          for (int64_t j = 0; j < tilesN; ++j)
            updated.push_back(amx::TileMulFOp::create(
                b, loc, accTile, lhsTiles[i], rhsTiles[j],
                accumulators[i * tilesN + j]));
        scf::YieldOp::create(b, loc, updated);
      });
  for (int64_t i = 0; i < tilesM; ++i)
    for (int64_t j = 0; j < tilesN; ++j)
      amx::TileStoreOp::create(
          b, loc, tileSums,
          ValueRange{index(i * kTileRows), index(j * kTileRows)},
          kLoop.getResult(i * tilesN + j));

  emitBlockScaledUpdate(pc, row0, col0);
}

void KernelBuilder::emitDotMicroKernel(Value pc, Value depth, Value row0,
                                       Value col0, Value lhsPanel,
                                       Value rhsPanel) {
  VectorType vectorType = vectorOf(b.getF32Type());
  auto pairsType = VectorType::get({2 * blk.vw}, b.getBF16Type());
  int64_t vectors = blk.nr / blk.vw;
  Value zeros = splat(vectorType, b.getF32FloatAttr(0.0f));
  // K pairs; the packed rows are zero past `depth`.
  Value pairs = arith::CeilDivUIOp::create(b, loc, depth, index(2));
  auto kLoop = scf::ForOp::create(
      b, loc, index(0), pairs, index(1),
      SmallVector<Value>(blk.mr * vectors, zeros),
      [&](OpBuilder &b, Location loc, Value pair, ValueRange accumulators) {
        SmallVector<Value> rhsVectors;
        for (int64_t v = 0; v < vectors; ++v)
          rhsVectors.push_back(vector::LoadOp::create(
              b, loc, pairsType, rhsPacked,
              ValueRange{rhsPanel, pair, index(2 * v * blk.vw)}));
        Value k = arith::MulIOp::create(b, loc, pair, index(2));
        SmallVector<Value> updated;
        for (int64_t i = 0; i < blk.mr; ++i) {
          // The lhs pair (k, k + 1) of row i in every 32-bit lane.
          Value pairBits = vector::LoadOp::create(
              b, loc, VectorType::get({2}, b.getBF16Type()), lhsPacked,
              ValueRange{lhsPanel, index(i), k});
          Value word = vector::ExtractOp::create(
              b, loc,
              vector::BitCastOp::create(
                  b, loc, VectorType::get({1}, b.getI32Type()), pairBits),
              ArrayRef<int64_t>{0});
          Value broadcast = vector::BitCastOp::create(
              b, loc, pairsType,
              vector::BroadcastOp::create(b, loc, vectorOf(b.getI32Type()),
                                          word));
          for (int64_t v = 0; v < vectors; ++v)
            updated.push_back(x86vector::DotBF16Op::create(
                b, loc, vectorType, accumulators[i * vectors + v], broadcast,
                rhsVectors[v]));
        }
        scf::YieldOp::create(b, loc, updated);
      });
  for (int64_t i = 0; i < blk.mr; ++i)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(b, loc, kLoop.getResult(i * vectors + v),
                              tileSums,
                              ValueRange{index(i), index(v * blk.vw)});
  emitBlockScaledUpdate(pc, row0, col0);
}

void KernelBuilder::emitBlockScaledUpdate(Value pc, Value row0, Value col0) {
  // sums += product * lhs scale (per row) * rhs scale (per column) of this K
  // block.
  VectorType vectorType = vectorOf(b.getF32Type());
  Value first =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, pc, index(0));
  unsigned last = lhs.shape.size() - 1;
  SmallVector<Value> rhsScales;
  for (int64_t v = 0; v < blk.nr; v += blk.vw) {
    Value col = add(col0, index(v));
    SmallVector<Value> indices(batch);
    if (transposed)
      indices.append({col, pc});
    else
      indices.append({pc, col});
    rhsScales.push_back(loadScales(rhs, indices, transposed ? last - 1 : last));
  }
  loop(index(0), index(blk.mr), 1, [&](Value i) {
    Value row = add(row0, i);
    SmallVector<Value> lhsIndices(batch);
    lhsIndices.append({row, pc});
    Value lhsScale = loadScales(lhs, lhsIndices, last);
    for (int64_t v = 0; v < blk.nr / blk.vw; ++v) {
      SmallVector<Value> sumIndices = at(row, add(col0, index(v * blk.vw)));
      Value product = vector::LoadOp::create(b, loc, vectorType, tileSums,
                                             ValueRange{i, index(v * blk.vw)});
      Value previous =
          scf::IfOp::create(
              b, loc, first,
              [&](OpBuilder &b, Location loc) {
                scf::YieldOp::create(
                    b, loc, splat(vectorType, b.getF32FloatAttr(0.0f)));
              },
              [&](OpBuilder &b, Location loc) {
                scf::YieldOp::create(
                    b, loc,
                    vector::LoadOp::create(b, loc, vectorType, sums, sumIndices)
                        .getResult());
              })
              .getResult(0);
      Value scale = arith::MulFOp::create(b, loc, lhsScale, rhsScales[v]);
      vector::StoreOp::create(
          b, loc, vector::FMAOp::create(b, loc, product, scale, previous), sums,
          sumIndices);
    }
  });
}

Value KernelBuilder::build(mlir::fp8::ScaledMatmulOp op) {
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  unsigned rank = resultType.getRank(), batchRank = rank - 2;
  transposed = op.getRhsTransposed();
  int64_t m = lhsType.getDimSize(rank - 2), k = lhsType.getDimSize(rank - 1);
  int64_t n = resultType.getDimSize(rank - 1);
  ArrayRef<int64_t> batchShape = resultType.getShape().take_front(batchRank);
  Type f32 = b.getF32Type(), bf16 = b.getBF16Type();

  // The operands as buffers; the sums padded to whole register tiles.
  auto toBuffer = [&](Value tensor) -> Value {
    auto type = cast<RankedTensorType>(tensor.getType());
    return bufferization::ToBufferOp::create(
        b, loc, MemRefType::get(type.getShape(), type.getElementType()), tensor,
        /*read_only=*/true);
  };
  auto makeOperand = [&](Value value, Value scale,
                         std::optional<ArrayRef<int64_t>> block) {
    Operand operand;
    operand.buffer = toBuffer(value);
    operand.shape = cast<RankedTensorType>(value.getType()).getShape();
    operand.block = block;
    if (isa<RankedTensorType>(scale.getType()))
      operand.scaleBuffer = toBuffer(scale);
    else
      operand.scaleScalar = mlir::fp8::emitToF32(b, loc, scale);
    return operand;
  };
  lhs = makeOperand(op.getLhs(), op.getLhsScale(), op.getLhsBlock());
  rhs = makeOperand(op.getRhs(), op.getRhsScale(), op.getRhsBlock());

  int64_t paddedM = roundUp(m, blk.mr), paddedN = roundUp(n, blk.nr);
  int64_t mc = std::min(blk.mc, paddedM), nc = std::min(blk.nc, paddedN);
  int64_t kc = std::min(blk.kc, k);
  // Packed rows hold whole vectors (and whole tiles on AMX).
  int64_t paddedKc = roundUp(kc, bf16Panels ? kTileDepth : blk.vw);
  SmallVector<int64_t> sumShape(batchShape);
  sumShape.append({paddedM, paddedN});
  auto alloc = [&](ArrayRef<int64_t> shape, Type element) -> Value {
    return memref::AllocOp::create(b, loc, MemRefType::get(shape, element),
                                   /*alignment=*/b.getI64IntegerAttr(64));
  };
  sums = alloc(sumShape, f32);
  // lhs blocks: [mc / mr][mr][kc]; rhs panels: [nc / nr][kc][nr] (AMX: bf16,
  // [nc / nr][kc / 2][2 nr] in VNNI pairs along K).
  Type packedElement = bf16Panels ? bf16 : f32;
  lhsPacked = alloc({mc / blk.mr, blk.mr, paddedKc}, packedElement);
  rhsPacked = bf16Panels ? alloc({nc / blk.nr, paddedKc / 2, 2 * blk.nr}, bf16)
                         : alloc({nc / blk.nr, paddedKc, blk.nr}, f32);
  if (bf16Panels)
    tileSums = alloc({blk.mr, blk.nr}, f32);

  Value zero = index(0);
  VectorType packedVector = vectorOf(packedElement);
  // Decoded (and, without AMX, scaled) values in the packed element type.
  auto decode = [&](const Operand &operand, ArrayRef<Value> indices,
                    Value count) -> Value {
    Value values = loadDecoded(operand, indices, count, /*scaled=*/!bf16Panels);
    if (!bf16Panels)
      return values;
    // Exact: every 8-bit value is a bf16 value.
    return arith::TruncFOp::create(b, loc, packedVector, values);
  };

  std::function<void(unsigned)> emitBatch = [&](unsigned dim) {
    if (dim < batchRank) {
      loop(zero, index(batchShape[dim]), 1, [&](Value iv) {
        batch.push_back(iv);
        emitBatch(dim + 1);
        batch.pop_back();
      });
      return;
    }
    loop(zero, index(paddedN), nc, [&](Value jc) {
      Value ncHere = min(index(nc), sub(index(paddedN), jc));
      loop(zero, index(k), kc, [&](Value pc) {
        Value kcHere = min(index(kc), sub(index(k), pc));
        // The packed depth: whole vectors, or whole tiles on AMX (zeros past
        // kcHere).
        Value packedDepth =
            bf16Panels
                ? arith::MulIOp::create(b, loc,
                                        arith::CeilDivUIOp::create(
                                            b, loc, kcHere, index(kTileDepth)),
                                        index(kTileDepth))
                : kcHere;
        // Pack the rhs panel.
        if (!transposed) {
          int64_t rows = bf16Panels ? 2 : 1;
          loop(zero, packedDepth, rows, [&](Value kk) {
            loop(zero, ncHere, blk.nr, [&](Value jr) {
              for (int64_t v = 0; v < blk.nr; v += blk.vw) {
                Value col = add(add(jc, jr), index(v));
                Value count = sub(index(n), col);
                SmallVector<Value> values;
                for (int64_t r = 0; r < rows; ++r) {
                  // Rows past kcHere (AMX padding) are zeros.
                  Value kr = add(kk, index(r));
                  Value inside = arith::CmpIOp::create(
                      b, loc, arith::CmpIPredicate::slt, kr, kcHere);
                  Value rowCount =
                      arith::SelectOp::create(b, loc, inside, count, zero);
                  Value row = min(add(pc, kr), index(k - 1));
                  values.push_back(decode(rhs, at(row, col), rowCount));
                }
                if (!bf16Panels) {
                  vector::StoreOp::create(
                      b, loc, values[0], rhsPacked,
                      ValueRange{div(jr, blk.nr), kk, index(v)});
                  continue;
                }
                Value pairs =
                    vector::InterleaveOp::create(b, loc, values[0], values[1]);
                vector::StoreOp::create(
                    b, loc, pairs, rhsPacked,
                    ValueRange{div(jr, blk.nr), div(kk, 2), index(2 * v)});
              }
            });
          });
        } else {
          // rhs is [N, K]: read along K, write down the packed column.
          Value nEnd = min(add(jc, ncHere), index(n));
          loop(jc, nEnd, 1, [&](Value col) {
            Value j = sub(col, jc);
            loop(zero, packedDepth, blk.vw, [&](Value kk) {
              Value values = decode(rhs, at(col, add(pc, kk)), sub(kcHere, kk));
              MLIRContext *context = b.getContext();
              if (!bf16Panels) {
                AffineMap alongK =
                    AffineMap::get(3, 0, getAffineDimExpr(1, context));
                vector::TransferWriteOp::create(
                    b, loc, values, rhsPacked,
                    ValueRange{div(j, blk.nr), kk, rem(j, blk.nr)}, alongK,
                    ArrayRef<bool>{true});
                return;
              }
              // Consecutive K pairs land in consecutive packed rows.
              auto pairsType = VectorType::get({blk.vw / 2, 2}, bf16);
              Value pairs =
                  vector::ShapeCastOp::create(b, loc, pairsType, values);
              vector::TransferWriteOp::create(
                  b, loc, pairs, rhsPacked,
                  ValueRange{
                      div(j, blk.nr), div(kk, 2),
                      arith::MulIOp::create(b, loc, rem(j, blk.nr), index(2))},
                  AffineMap::getMinorIdentityMap(3, 2, context),
                  ArrayRef<bool>{true, true});
            });
          });
        }
        loop(zero, index(paddedM), mc, [&](Value ic) {
          Value mcHere = min(index(mc), sub(index(paddedM), ic));
          // Pack the lhs block (rows past M are never read back).
          Value mEnd = min(add(ic, mcHere), index(m));
          loop(ic, mEnd, 1, [&](Value row) {
            Value i = sub(row, ic);
            loop(zero, packedDepth, blk.vw, [&](Value kk) {
              Value values = decode(lhs, at(row, add(pc, kk)), sub(kcHere, kk));
              vector::StoreOp::create(
                  b, loc, values, lhsPacked,
                  ValueRange{div(i, blk.mr), rem(i, blk.mr), kk});
            });
          });
          // Register tiles.
          loop(zero, ncHere, blk.nr, [&](Value jr) {
            loop(zero, mcHere, blk.mr, [&](Value ir) {
              Value row0 = add(ic, ir), col0 = add(jc, jr);
              Value lhsPanel = div(ir, blk.mr), rhsPanel = div(jr, blk.nr);
              switch (kernel) {
              case MicroKernel::F32:
                emitMicroKernel(pc, kcHere, row0, col0, lhsPanel, rhsPanel);
                break;
              case MicroKernel::AMX:
                emitAMXMicroKernel(pc, kcHere, row0, col0, lhsPanel, rhsPanel);
                break;
              case MicroKernel::DotBF16:
                emitDotMicroKernel(pc, kcHere, row0, col0, lhsPanel, rhsPanel);
                break;
              }
            });
          });
        });
      });
    });
  };
  emitBatch(0);

  auto sumType = RankedTensorType::get(sumShape, f32);
  Value result = bufferization::ToTensorOp::create(
      b, loc, sumType, sums, /*restrict=*/true, /*writable=*/true);
  if (paddedM == m && paddedN == n)
    return result;
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
  for (int64_t size : resultType.getShape())
    sizes.push_back(b.getIndexAttr(size));
  return tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get(resultType.getShape(), f32), result,
      offsets, sizes, strides);
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
    Value sums = KernelBuilder(rewriter, op.getLoc(), opBlocking,
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

  LogicalResult initialize(MLIRContext *context) override {
    std::string why = mlir::fp8::verifyCPUMatmulBlocking(target, getOptions());
    if (!why.empty())
      return emitError(UnknownLoc::get(context))
             << "convert-fp8-matmul-to-cpu: " << why;
    return success();
  }

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    mlir::fp8::populateFP8MatmulToCPUPatterns(patterns, target, getOptions());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }

  mlir::fp8::CPUMatmulBlocking getOptions() const {
    return {mr, nr, mc, kc, nc};
  }
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
