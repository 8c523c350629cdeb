//===- Packing.cpp - Panel packing and the loop nest of the CPU kernel ----===//
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

#include "CPUKernelBuilder.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/ScaledMatmul.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::fp8::cpu;

static int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

Value CPUMatmulKernelBuilder::loadScales(const Operand &operand,
                                         ArrayRef<Value> indices,
                                         unsigned dim) {
  VectorType vectorType = vectorOf(b.getF32Type());
  if (operand.scaleScalar)
    return vector::BroadcastOp::create(b, vectorType, operand.scaleScalar);
  auto scaleType = cast<MemRefType>(operand.scaleBuffer.getType());
  if (scaleType.getRank() == 0) {
    Value scale = memref::LoadOp::create(b, operand.scaleBuffer);
    return vector::BroadcastOp::create(
        b, vectorType, mlir::fp8::emitToF32(b, b.getLoc(), scale));
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
      Value i = arith::MinSIOp::create(b, at[d], index(extent - 1));
      result.push_back(size == 1 ? i
                                 : arith::DivUIOp::create(b, i, index(size)));
    }
    return result;
  };
  auto loadScalar = [&](ArrayRef<Value> at) {
    return mlir::fp8::emitToF32(
        b, b.getLoc(),
        memref::LoadOp::create(b, operand.scaleBuffer, scaleIndices(at)));
  };
  if (operand.blockAlong(dim) != 1 || operand.shape[dim] == 1)
    return vector::BroadcastOp::create(b, vectorType, loadScalar(indices));
  if (dim + 1 == rank) {
    // One scale per element along the last dimension: a masked load.
    VectorType loadType = vectorOf(scaleType.getElementType());
    SmallVector<Value> first = scaleIndices(indices);
    first.back() = indices.back();
    Value mask = vector::CreateMaskOp::create(
        b, vectorOf(b.getI1Type()),
        ValueRange{arith::SubIOp::create(b, index(operand.shape.back()),
                                         indices.back())});
    Value scales = vector::MaskedLoadOp::create(
        b, loadType, operand.scaleBuffer, first, mask,
        arith::ConstantOp::create(b, b.getZeroAttr(loadType)));
    return mlir::fp8::emitToF32(b, b.getLoc(), scales);
  }
  // One scale per element along an outer dimension: element by element.
  SmallVector<Value> elements;
  for (int64_t e = 0; e < blk.vw; ++e) {
    SmallVector<Value> at(indices);
    at[dim] = arith::AddIOp::create(b, at[dim], index(e));
    elements.push_back(loadScalar(at));
  }
  return vector::FromElementsOp::create(b, vectorType, elements);
}

Value CPUMatmulKernelBuilder::loadDecoded(const Operand &operand,
                                          ArrayRef<Value> indices, Value count,
                                          bool scaled) {
  auto bufferType = cast<MemRefType>(operand.buffer.getType());
  VectorType loadType = vectorOf(bufferType.getElementType());
  // Zero codes (+0 in every 8-bit format, HiF8 included) where not loaded.
  VectorType bytesType = vectorOf(b.getI8Type());
  Value zeros = mlir::fp8::BitcastOp::create(
      b, loadType, arith::ConstantOp::create(b, b.getZeroAttr(bytesType)));
  Value mask = vector::CreateMaskOp::create(b, vectorOf(b.getI1Type()),
                                            ValueRange{count});
  Value codes = vector::MaskedLoadOp::create(b, loadType, operand.buffer,
                                             indices, mask, zeros);
  Value decoded =
      mlir::fp8::ConvertOp::create(b, vectorOf(b.getF32Type()), codes);
  if (!scaled)
    return decoded;
  return arith::MulFOp::create(
      b, decoded, loadScales(operand, indices, indices.size() - 1));
}

Value CPUMatmulKernelBuilder::build(mlir::fp8::ScaledMatmulOp op) {
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
        b, MemRefType::get(type.getShape(), type.getElementType()), tensor,
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
      operand.scaleScalar = mlir::fp8::emitToF32(b, b.getLoc(), scale);
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
    return memref::AllocOp::create(b, MemRefType::get(shape, element),
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
    return arith::TruncFOp::create(b, packedVector, values);
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
      Value ncHere = arith::MinSIOp::create(
          b, index(nc), arith::SubIOp::create(b, index(paddedN), jc));
      loop(zero, index(k), kc, [&](Value pc) {
        Value kcHere = arith::MinSIOp::create(
            b, index(kc), arith::SubIOp::create(b, index(k), pc));
        // The packed depth: whole vectors, or whole tiles on AMX (zeros past
        // kcHere).
        Value packedDepth =
            bf16Panels
                ? arith::MulIOp::create(
                      b,
                      arith::CeilDivUIOp::create(b, kcHere, index(kTileDepth)),
                      index(kTileDepth))
                : kcHere;
        // Pack the rhs panel.
        if (!transposed) {
          int64_t rows = bf16Panels ? 2 : 1;
          loop(zero, packedDepth, rows, [&](Value kk) {
            loop(zero, ncHere, blk.nr, [&](Value jr) {
              for (int64_t v = 0; v < blk.nr; v += blk.vw) {
                Value col = arith::AddIOp::create(
                    b, arith::AddIOp::create(b, jc, jr), index(v));
                Value count = arith::SubIOp::create(b, index(n), col);
                SmallVector<Value> values;
                for (int64_t r = 0; r < rows; ++r) {
                  // Rows past kcHere (AMX padding) are zeros.
                  Value kr = arith::AddIOp::create(b, kk, index(r));
                  Value inside = arith::CmpIOp::create(
                      b, arith::CmpIPredicate::slt, kr, kcHere);
                  Value rowCount =
                      arith::SelectOp::create(b, inside, count, zero);
                  Value row = arith::MinSIOp::create(
                      b, arith::AddIOp::create(b, pc, kr), index(k - 1));
                  values.push_back(decode(rhs, at(row, col), rowCount));
                }
                if (!bf16Panels) {
                  Value panel = arith::DivUIOp::create(b, jr, index(blk.nr));
                  vector::StoreOp::create(b, values[0], rhsPacked,
                                          ValueRange{panel, kk, index(v)});
                  continue;
                }
                Value pairs =
                    vector::InterleaveOp::create(b, values[0], values[1]);
                Value panel = arith::DivUIOp::create(b, jr, index(blk.nr));
                Value pair = arith::DivUIOp::create(b, kk, index(2));
                vector::StoreOp::create(b, pairs, rhsPacked,
                                        ValueRange{panel, pair, index(2 * v)});
              }
            });
          });
        } else {
          // rhs is [N, K]: read along K, write down the packed column.
          Value nEnd = arith::MinSIOp::create(
              b, arith::AddIOp::create(b, jc, ncHere), index(n));
          loop(jc, nEnd, 1, [&](Value col) {
            Value j = arith::SubIOp::create(b, col, jc);
            loop(zero, packedDepth, blk.vw, [&](Value kk) {
              Value values =
                  decode(rhs, at(col, arith::AddIOp::create(b, pc, kk)),
                         arith::SubIOp::create(b, kcHere, kk));
              MLIRContext *context = b.getContext();
              if (!bf16Panels) {
                AffineMap alongK =
                    AffineMap::get(3, 0, getAffineDimExpr(1, context));
                Value panel = arith::DivUIOp::create(b, j, index(blk.nr));
                Value column = arith::RemUIOp::create(b, j, index(blk.nr));
                vector::TransferWriteOp::create(b, values, rhsPacked,
                                                ValueRange{panel, kk, column},
                                                alongK, ArrayRef<bool>{true});
                return;
              }
              // Consecutive K pairs land in consecutive packed rows.
              auto pairsType = VectorType::get({blk.vw / 2, 2}, bf16);
              Value pairs = vector::ShapeCastOp::create(b, pairsType, values);
              Value panel = arith::DivUIOp::create(b, j, index(blk.nr));
              Value pair = arith::DivUIOp::create(b, kk, index(2));
              Value column = arith::MulIOp::create(
                  b, arith::RemUIOp::create(b, j, index(blk.nr)), index(2));
              vector::TransferWriteOp::create(
                  b, pairs, rhsPacked, ValueRange{panel, pair, column},
                  AffineMap::getMinorIdentityMap(3, 2, context),
                  ArrayRef<bool>{true, true});
            });
          });
        }
        loop(zero, index(paddedM), mc, [&](Value ic) {
          Value mcHere = arith::MinSIOp::create(
              b, index(mc), arith::SubIOp::create(b, index(paddedM), ic));
          // Pack the lhs block (rows past M are never read back).
          Value mEnd = arith::MinSIOp::create(
              b, arith::AddIOp::create(b, ic, mcHere), index(m));
          loop(ic, mEnd, 1, [&](Value row) {
            Value i = arith::SubIOp::create(b, row, ic);
            loop(zero, packedDepth, blk.vw, [&](Value kk) {
              Value values =
                  decode(lhs, at(row, arith::AddIOp::create(b, pc, kk)),
                         arith::SubIOp::create(b, kcHere, kk));
              vector::StoreOp::create(
                  b, values, lhsPacked,
                  ValueRange{arith::DivUIOp::create(b, i, index(blk.mr)),
                             arith::RemUIOp::create(b, i, index(blk.mr)), kk});
            });
          });
          // Register tiles.
          loop(zero, ncHere, blk.nr, [&](Value jr) {
            loop(zero, mcHere, blk.mr, [&](Value ir) {
              Value row0 = arith::AddIOp::create(b, ic, ir);
              Value col0 = arith::AddIOp::create(b, jc, jr);
              Value lhsPanel = arith::DivUIOp::create(b, ir, index(blk.mr));
              Value rhsPanel = arith::DivUIOp::create(b, jr, index(blk.nr));
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
      b, sumType, sums, /*restrict=*/true, /*writable=*/true);
  if (paddedM == m && paddedN == n)
    return result;
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
  for (int64_t size : resultType.getShape())
    sizes.push_back(b.getIndexAttr(size));
  return tensor::ExtractSliceOp::create(
      b, RankedTensorType::get(resultType.getShape(), f32), result, offsets,
      sizes, strides);
}
