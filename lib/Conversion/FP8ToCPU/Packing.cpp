//===- Packing.cpp - Panel packing and the loop nest of the CPU kernel ----===//
//
// fp8.scaled_matmul on tensors becomes a blocked kernel in BLIS loop order:
//
//   for b in batch:
//     for jc in [0, N) step nc:            // right panel, kept in L3 / L2
//       for pc in [0, K) step kc:          // in order: fixed summation order
//         parallel p in nc / nr:            // decoded once per panel
//           pack rhs[pc:pc+kc, jc+p*nr : +nr]
//         parallel g in M / mr:             // decoded once per K block
//           pack lhs[g*mr : +mr, pc:pc+kc]
//         parallel (ic, chunk) in M / mc x chunks of the panel:
//           for jr in chunk step nr:
//             for ir in [0, mc) step mr:
//               C[ic+ir : +mr, jc+jr : +nr] += micro-kernel(kc)
//
// The parallel loops are scf.parallel (scf.for for small products), which
// the CPU pipeline may run on threads: every iteration writes its own part
// of the packed buffers or of C, and each element of C adds its K blocks in
// order, so the sums do not depend on the thread count.
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
#include "fp8/Numerics/Numerics.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"

#include <array>
#include <cmath>
#include <cstring>
#include <vector>

using namespace mlir;
using namespace mlir::fp8::cpu;

/// Tasks the register tiles of a panel are split into where the problem has
/// them (more than threads, so that uneven tasks balance).
static constexpr int64_t kMinTasks = 16;
/// Products of fewer multiply-adds run their loops on one thread: forking
/// would cost more than it saves.
static constexpr int64_t kMinParallelWork = int64_t(1) << 18;

/// Constant rhs operands whose packed panels would take more bytes than this
/// are packed at run time.
static constexpr int64_t kMaxPackedConstantBytes = int64_t(1) << 28;

static int64_t roundUp(int64_t value, int64_t multiple) {
  return (value + multiple - 1) / multiple * multiple;
}

/// The 8-bit codes of `value`, row-major (one code for a splat), where it is
/// an arith.constant of an 8-bit type, possibly behind fp8.bitcast (HiF8).
static std::optional<ArrayRef<char>> getConstantCodes(Value value,
                                                      bool &splat) {
  if (auto bitcast = value.getDefiningOp<mlir::fp8::BitcastOp>())
    value = bitcast.getIn();
  DenseElementsAttr attr;
  if (!matchPattern(value, m_Constant(&attr)))
    return std::nullopt;
  Type element = attr.getElementType();
  if (!element.isIntOrFloat() || element.getIntOrFloatBitWidth() != 8)
    return std::nullopt;
  splat = attr.isSplat();
  return attr.getRawData();
}

/// `value` as the f32 the kernel computes from it (emitToF32: the numerics'
/// decode for narrow formats, an exact extension otherwise).
static std::optional<float> toF32(const APFloat &value, Type type) {
  if (std::optional<::fp8::Format> format = mlir::fp8::getFormat(type))
    return ::fp8::decodeToFloat(
        *format, static_cast<uint8_t>(value.bitcastToAPInt().getZExtValue()));
  APFloat f32 = value;
  bool losesInfo = false;
  f32.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &losesInfo);
  if (losesInfo)
    return std::nullopt;
  return f32.convertToFloat();
}

/// The f32 values of a constant scale (a scalar or a tensor), row-major.
static std::optional<SmallVector<float>> getConstantScales(Value scale) {
  Attribute attr;
  if (!matchPattern(scale, m_Constant(&attr)))
    return std::nullopt;
  SmallVector<float> values;
  if (auto scalar = dyn_cast<FloatAttr>(attr)) {
    std::optional<float> value = toF32(scalar.getValue(), scalar.getType());
    if (!value)
      return std::nullopt;
    values.push_back(*value);
    return values;
  }
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || !isa<FloatType>(dense.getElementType()))
    return std::nullopt;
  auto type = cast<ShapedType>(dense.getType());
  values.reserve(type.getNumElements());
  for (APFloat element : dense.getValues<APFloat>()) {
    std::optional<float> value = toF32(element, dense.getElementType());
    if (!value)
      return std::nullopt;
    values.push_back(*value);
  }
  return values;
}

Value CPUMatmulKernelBuilder::packConstantRhs(mlir::fp8::ScaledMatmulOp op,
                                              int64_t nc, int64_t kc,
                                              int64_t paddedKc) {
  bool splat = false;
  std::optional<ArrayRef<char>> codes = getConstantCodes(op.getRhs(), splat);
  if (!codes)
    return {};
  std::optional<::fp8::Format> format = mlir::fp8::getFormat(
      cast<RankedTensorType>(op.getRhs().getType()).getElementType());
  if (!format)
    return {};
  // f32 panels hold the scaled values: the scales must be constants too.
  SmallVector<float> scales;
  if (!bf16Panels) {
    std::optional<SmallVector<float>> constantScales =
        getConstantScales(op.getRhsScale());
    if (!constantScales)
      return {};
    scales = std::move(*constantScales);
  }

  unsigned rank = rhs.shape.size(), batchRank = rank - 2;
  ArrayRef<int64_t> batchShape = rhs.shape.take_front(batchRank);
  int64_t batchSize = 1;
  for (int64_t size : batchShape)
    batchSize *= size;
  unsigned kDim = transposed ? rank - 1 : rank - 2;
  unsigned nDim = transposed ? rank - 2 : rank - 1;
  int64_t k = rhs.shape[kDim], n = rhs.shape[nDim];
  int64_t nBlocks = llvm::divideCeil(roundUp(n, blk.nr), nc);
  int64_t kBlocks = llvm::divideCeil(k, kc);
  int64_t panels = nc / blk.nr, panelSize = paddedKc * blk.nr;
  int64_t total = batchSize * nBlocks * kBlocks * panels * panelSize;
  if (total * (bf16Panels ? 2 : 4) > kMaxPackedConstantBytes)
    return {};

  // Row-major strides of the operand and of its scales, whose index along
  // each dimension is the element's divided by the block (0 where one
  // scale covers the dimension), as loadScales reads them.
  SmallVector<int64_t> strides(rank, 1), scaleStrides(rank, 0);
  for (int d = int(rank) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * rhs.shape[d + 1];
  if (scales.size() > 1) {
    ArrayRef<int64_t> scaleShape =
        cast<RankedTensorType>(op.getRhsScale().getType()).getShape();
    int64_t stride = 1;
    for (int d = int(rank) - 1; d >= 0; --d) {
      scaleStrides[d] = stride;
      stride *= scaleShape[d];
    }
  }
  auto scaleOffset = [&](unsigned dim, int64_t i) -> int64_t {
    int64_t size = rhs.blockAlong(dim);
    if (scales.size() <= 1 || size == rhs.shape[dim])
      return 0;
    return i / size * scaleStrides[dim];
  };
  std::array<float, 256> decoded;
  for (unsigned code = 0; code < 256; ++code)
    decoded[code] = ::fp8::decodeToFloat(*format, static_cast<uint8_t>(code));

  // Zeros wherever the run-time packing writes zeros or nothing that the
  // micro-kernels read (past N, past the K block, the AMX depth padding).
  std::vector<float> f32Data(bf16Panels ? 0 : total, 0.0f);
  std::vector<uint16_t> bf16Data(bf16Panels ? total : 0, 0);
  for (int64_t bi = 0; bi < batchSize; ++bi) {
    int64_t batchOffset = 0, scaleBatchOffset = 0;
    for (int64_t d = int64_t(batchRank) - 1, rest = bi; d >= 0; --d) {
      int64_t i = rest % batchShape[d];
      rest /= batchShape[d];
      batchOffset += i * strides[d];
      scaleBatchOffset += scaleOffset(d, i);
    }
    for (int64_t jb = 0; jb < nBlocks; ++jb) {
      for (int64_t pb = 0; pb < kBlocks; ++pb) {
        int64_t kcHere = std::min(kc, k - pb * kc);
        int64_t blockBase = ((bi * nBlocks + jb) * kBlocks + pb) * panels;
        for (int64_t p = 0; p < panels; ++p) {
          int64_t panelBase = (blockBase + p) * panelSize;
          for (int64_t kk = 0; kk < kcHere; ++kk) {
            int64_t row = pb * kc + kk;
            for (int64_t c = 0; c < blk.nr; ++c) {
              int64_t col = jb * nc + p * blk.nr + c;
              if (col >= n)
                break;
              int64_t linear =
                  batchOffset + row * strides[kDim] + col * strides[nDim];
              auto code = static_cast<uint8_t>((*codes)[splat ? 0 : linear]);
              if (bf16Panels) {
                // Exact (every 8-bit value is a bf16 value); NaNs quieted as
                // the run-time truncation does.
                uint32_t bits;
                std::memcpy(&bits, &decoded[code], sizeof(bits));
                uint16_t high = bits >> 16;
                if (std::isnan(decoded[code]))
                  high |= 0x40;
                bf16Data[panelBase + kk / 2 * 2 * blk.nr + 2 * c + kk % 2] =
                    high;
                continue;
              }
              float scale = scales[scaleBatchOffset + scaleOffset(kDim, row) +
                                   scaleOffset(nDim, col)];
              f32Data[panelBase + kk * blk.nr + c] = decoded[code] * scale;
            }
          }
        }
      }
    }
  }

  SmallVector<int64_t> shape(batchShape);
  shape.append({nBlocks, kBlocks, panels});
  if (bf16Panels)
    shape.append({paddedKc / 2, 2 * blk.nr});
  else
    shape.append({paddedKc, blk.nr});
  Type element = bf16Panels ? Type(b.getBF16Type()) : Type(b.getF32Type());
  ArrayRef<char> bytes =
      bf16Panels
          ? ArrayRef<char>(reinterpret_cast<const char *>(bf16Data.data()),
                           bf16Data.size() * sizeof(uint16_t))
          : ArrayRef<char>(reinterpret_cast<const char *>(f32Data.data()),
                           f32Data.size() * sizeof(float));
  auto type = RankedTensorType::get(shape, element);
  Value packed = arith::ConstantOp::create(
      b, type, DenseElementsAttr::getFromRawBuffer(type, bytes));
  return bufferization::ToBufferOp::create(b, MemRefType::get(shape, element),
                                           packed, /*read_only=*/true);
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
  // The register tiles of an nc panel run as tasks of mc rows by
  // `chunkPanels` nr panels, at least kMinTasks where the problem has them.
  int64_t mBlocks = paddedM / mc + (paddedM % mc != 0);
  int64_t panels = nc / blk.nr;
  int64_t splits = std::min(
      panels, std::max<int64_t>(1, llvm::divideCeil(kMinTasks, mBlocks)));
  int64_t chunkPanels = llvm::divideCeil(panels, splits);
  int64_t maxChunks = llvm::divideCeil(panels, chunkPanels);
  int64_t batchSize = 1;
  for (int64_t size : batchShape)
    batchSize *= size;
  parallel = batchSize * m * n * k >= kMinParallelWork;

  SmallVector<int64_t> sumShape(batchShape);
  sumShape.append({paddedM, paddedN});
  auto alloc = [&](ArrayRef<int64_t> shape, Type element) -> Value {
    return memref::AllocOp::create(b, MemRefType::get(shape, element),
                                   /*alignment=*/b.getI64IntegerAttr(64));
  };
  sums = alloc(sumShape, f32);
  // lhs rows: [M / mr][mr][kc]; rhs panels: [nc / nr][kc][nr] (bf16:
  // [nc / nr][kc / 2][2 nr] in VNNI pairs along K). Each parallel iteration
  // writes its own part of them, or its own row of tileSums.
  Type packedElement = bf16Panels ? bf16 : f32;
  lhsPacked = alloc({paddedM / blk.mr, blk.mr, paddedKc}, packedElement);
  // A constant rhs is packed at compile time, all its panels at once.
  Value constantRhs = packConstantRhs(op, nc, kc, paddedKc);
  if (constantRhs)
    rhsPacked = constantRhs;
  else
    rhsPacked = bf16Panels ? alloc({panels, paddedKc / 2, 2 * blk.nr}, bf16)
                           : alloc({panels, paddedKc, blk.nr}, f32);
  if (bf16Panels)
    tileSums = alloc({mBlocks * maxChunks, blk.mr, blk.nr}, f32);

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

  // Packs rhs[pc : +kcHere, jc + jr : +nr] into panel `panel` (jr = panel *
  // nr), rows up to packedDepth (zeros past kcHere).
  auto packRhsPanel = [&](Value jc, Value pc, Value kcHere, Value packedDepth,
                          Value panel) {
    Value jr = arith::MulIOp::create(b, panel, index(blk.nr));
    if (!transposed) {
      int64_t rows = bf16Panels ? 2 : 1;
      loop(zero, packedDepth, rows, [&](Value kk) {
        for (int64_t v = 0; v < blk.nr; v += blk.vw) {
          Value col = arith::AddIOp::create(b, arith::AddIOp::create(b, jc, jr),
                                            index(v));
          Value count = arith::SubIOp::create(b, index(n), col);
          SmallVector<Value> values;
          for (int64_t r = 0; r < rows; ++r) {
            // Rows past kcHere (AMX padding) are zeros.
            Value kr = arith::AddIOp::create(b, kk, index(r));
            Value inside =
                arith::CmpIOp::create(b, arith::CmpIPredicate::slt, kr, kcHere);
            Value rowCount = arith::SelectOp::create(b, inside, count, zero);
            Value row = arith::MinSIOp::create(
                b, arith::AddIOp::create(b, pc, kr), index(k - 1));
            values.push_back(decode(rhs, at(row, col), rowCount));
          }
          if (!bf16Panels) {
            vector::StoreOp::create(b, values[0], rhsPacked,
                                    ValueRange{panel, kk, index(v)});
            continue;
          }
          Value pairs = vector::InterleaveOp::create(b, values[0], values[1]);
          Value pair = arith::DivUIOp::create(b, kk, index(2));
          vector::StoreOp::create(b, pairs, rhsPacked,
                                  ValueRange{panel, pair, index(2 * v)});
        }
      });
      return;
    }
    // rhs is [N, K]: read along K, written down the packed column.
    Value first = arith::AddIOp::create(b, jc, jr);
    Value end = arith::MinSIOp::create(
        b, arith::AddIOp::create(b, first, index(blk.nr)), index(n));
    loop(first, end, 1, [&](Value col) {
      Value column = arith::SubIOp::create(b, col, first);
      loop(zero, packedDepth, blk.vw, [&](Value kk) {
        Value values = decode(rhs, at(col, arith::AddIOp::create(b, pc, kk)),
                              arith::SubIOp::create(b, kcHere, kk));
        MLIRContext *context = b.getContext();
        if (!bf16Panels) {
          AffineMap alongK = AffineMap::get(3, 0, getAffineDimExpr(1, context));
          vector::TransferWriteOp::create(b, values, rhsPacked,
                                          ValueRange{panel, kk, column}, alongK,
                                          ArrayRef<bool>{true});
          return;
        }
        // Consecutive K pairs land in consecutive packed rows.
        auto pairsType = VectorType::get({blk.vw / 2, 2}, bf16);
        Value pairs = vector::ShapeCastOp::create(b, pairsType, values);
        Value pair = arith::DivUIOp::create(b, kk, index(2));
        vector::TransferWriteOp::create(
            b, pairs, rhsPacked,
            ValueRange{panel, pair, arith::MulIOp::create(b, column, index(2))},
            AffineMap::getMinorIdentityMap(3, 2, context),
            ArrayRef<bool>{true, true});
      });
    });
  };

  // Packs lhs[g * mr : +mr, pc : +kcHere] into row group g (rows past M are
  // never read back).
  auto packLhsRows = [&](Value pc, Value kcHere, Value packedDepth, Value g) {
    Value first = arith::MulIOp::create(b, g, index(blk.mr));
    Value end = arith::MinSIOp::create(
        b, arith::AddIOp::create(b, first, index(blk.mr)), index(m));
    loop(first, end, 1, [&](Value row) {
      Value i = arith::SubIOp::create(b, row, first);
      loop(zero, packedDepth, blk.vw, [&](Value kk) {
        Value values = decode(lhs, at(row, arith::AddIOp::create(b, pc, kk)),
                              arith::SubIOp::create(b, kcHere, kk));
        vector::StoreOp::create(b, values, lhsPacked, ValueRange{g, i, kk});
      });
    });
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
      Value panelsHere = arith::DivUIOp::create(b, ncHere, index(blk.nr));
      Value chunks =
          arith::CeilDivUIOp::create(b, panelsHere, index(chunkPanels));
      // The K blocks stay in order: each sum adds its K blocks in the same
      // order whatever the thread count.
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
        if (constantRhs) {
          rhsPrefix.assign(batch.begin(), batch.end());
          rhsPrefix.append({arith::DivUIOp::create(b, jc, index(nc)),
                            arith::DivUIOp::create(b, pc, index(kc))});
        } else {
          forEach({panelsHere}, [&](ValueRange ivs) {
            packRhsPanel(jc, pc, kcHere, packedDepth, ivs[0]);
          });
        }
        forEach({index(llvm::divideCeil(m, blk.mr))}, [&](ValueRange ivs) {
          packLhsRows(pc, kcHere, packedDepth, ivs[0]);
        });
        // Register tiles: task (block, chunk) covers rows [ic, ic + mc) and
        // panels [chunk * chunkPanels, +chunkPanels).
        forEach({index(mBlocks), chunks}, [&](ValueRange ivs) {
          Value ic = arith::MulIOp::create(b, ivs[0], index(mc));
          Value mcHere = arith::MinSIOp::create(
              b, index(mc), arith::SubIOp::create(b, index(paddedM), ic));
          Value firstPanel =
              arith::MulIOp::create(b, ivs[1], index(chunkPanels));
          Value endPanel = arith::MinSIOp::create(
              b, arith::AddIOp::create(b, firstPanel, index(chunkPanels)),
              panelsHere);
          tileSlot = arith::AddIOp::create(
              b, arith::MulIOp::create(b, ivs[0], index(maxChunks)), ivs[1]);
          loop(firstPanel, endPanel, 1, [&](Value rhsPanel) {
            loop(zero, mcHere, blk.mr, [&](Value ir) {
              Value row0 = arith::AddIOp::create(b, ic, ir);
              Value jr = arith::MulIOp::create(b, rhsPanel, index(blk.nr));
              Value col0 = arith::AddIOp::create(b, jc, jr);
              Value lhsPanel = arith::DivUIOp::create(b, row0, index(blk.mr));
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
