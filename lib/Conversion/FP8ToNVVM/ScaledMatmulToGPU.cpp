//===- ScaledMatmulToGPU.cpp - fp8.scaled_matmul as a tensor-core kernel --===//
//
// Each fp8.scaled_matmul on static tensors becomes a gpu.launch_func of a
// kernel generated for its shapes, formats, blocks and epilogue:
//
//   grid (ceil(N / BN), ceil(M / 128), batch), 128 threads = 2 x 2 warps,
//   warp tile 64 x WN (WN = 64, or 32 where K-block scales need a second
//   set of accumulators), K in slices of BK = 64 (32 for 32-wide K-blocks)
//   staged through shared memory as [row][k] bytes (rows padded to 80 bytes,
//   which makes the fragment loads bank-conflict free), then
//   mma.sync.m16n8k32 on the e4m3 / e5m2 fragments, f32 accumulation.
//
// Fragment layouts (PTX ISA, mma.m16n8k32 with 8-bit operands; lane = 4g + t):
//   A (row): a0 = A[g][4t..4t+3], a1 = A[g+8][4t..], a2 = A[g][16+4t..],
//            a3 = A[g+8][16+4t..]
//   B (col): b0 = B[4t..4t+3][g], b1 = B[16+4t..][g]  (= Bt[g][4t..])
//   C/D:     c0, c1 = C[g][2t, 2t+1], c2, c3 = C[g+8][2t, 2t+1]
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToNVVM/FP8ToNVVM.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/STLExtras.h"

#include <numeric>

namespace mlir::fp8 {
#define GEN_PASS_DEF_CONVERTFP8MATMULTOGPUPASS
#include "fp8/Conversion/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;
using namespace mlir::fp8;

static constexpr int64_t kBlockM = 128;
static constexpr int64_t kWarpM = 64;
static constexpr int64_t kThreads = 128;
/// Shared-memory row pitch in bytes: 64 bytes of K plus 16 of padding.
static constexpr int64_t kPitch = 80;

namespace {

/// The kernel's static parameters, derived from one op.
struct MatmulPlan {
  SmallVector<int64_t> batchShape;
  int64_t m = 0, n = 0, k = 0, batch = 1;
  bool rhsTransposed = false;
  /// K elements per scale group; equal to k when scales are applied once,
  /// in the epilogue.
  int64_t group = 0;
  int64_t blockK = 64, warpN = 64;
  std::string mmaIntrinsic;

  int64_t blockN() const { return 2 * warpN; }
  int64_t fragmentsM() const { return kWarpM / 16; }
  int64_t fragmentsN() const { return warpN / 8; }
  int64_t numAccumulators() const { return fragmentsM() * fragmentsN() * 4; }
  bool scalesPerGroup() const { return group < k; }
};

} // namespace

static std::optional<StringRef> getMmaTypeName(Type type) {
  if (isa<Float8E4M3FNType>(type))
    return StringRef("e4m3");
  if (isa<Float8E5M2Type>(type))
    return StringRef("e5m2");
  return std::nullopt;
}

/// The K-block of a scale operand: the block's entry along K, or all of K.
static int64_t getKBlock(std::optional<ArrayRef<int64_t>> block, unsigned kDim,
                         int64_t k) {
  if (!block)
    return k;
  return std::min((*block)[kDim], k);
}

/// Checks that the GPU kernel supports `op` and plans it; errors name the op.
static FailureOr<MatmulPlan> planMatmul(ScaledMatmulOp op, GPUChip chip) {
  if (!chip.hasFP8MmaSync())
    return op.emitOpError("needs mma.sync on fp8 operands (sm_89 or later) "
                          "for the GPU lowering");
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  std::optional<StringRef> lhsName = getMmaTypeName(lhsType.getElementType());
  std::optional<StringRef> rhsName = getMmaTypeName(rhsType.getElementType());
  if (!lhsName || !rhsName)
    return op.emitOpError("has operands of type ")
           << lhsType.getElementType() << " x " << rhsType.getElementType()
           << ": the GPU kernel multiplies f8E4M3FN and f8E5M2 only "
              "(decompose other formats with fp8-legalize first)";
  for (Value value : op->getOperands())
    if (auto shaped = dyn_cast<ShapedType>(value.getType());
        shaped && !shaped.hasStaticShape())
      return op.emitOpError("has dynamic shapes, which the GPU lowering does "
                            "not support");
  if (!resultType.hasStaticShape())
    return op.emitOpError("has dynamic shapes, which the GPU lowering does "
                          "not support");
  for (Value scale : {op.getLhsScale(), op.getRhsScale()})
    if (isa<VectorType>(scale.getType()))
      return op.emitOpError("has a vector scale; the GPU lowering takes "
                            "scalar or tensor scales");

  MatmulPlan plan;
  unsigned rank = lhsType.getRank();
  plan.batchShape.assign(lhsType.getShape().begin(),
                         lhsType.getShape().end() - 2);
  for (int64_t dim : plan.batchShape)
    plan.batch *= dim;
  plan.m = lhsType.getDimSize(rank - 2);
  plan.k = lhsType.getDimSize(rank - 1);
  plan.rhsTransposed = op.getRhsTransposed();
  plan.n = resultType.getDimSize(rank - 1);
  if (plan.k % 16 != 0)
    return op.emitOpError("has K = ")
           << plan.k << "; the GPU kernel needs a multiple of 16";
  if (!plan.rhsTransposed && plan.n % 16 != 0)
    return op.emitOpError("has N = ")
           << plan.n
           << " with a [K, N] right operand; the GPU kernel needs a multiple "
              "of 16 (or rhs_transposed)";
  int64_t lhsKBlock = getKBlock(op.getLhsBlock(), rank - 1, plan.k);
  int64_t rhsKBlock =
      getKBlock(op.getRhsBlock(), plan.rhsTransposed ? rank - 1 : rank - 2,
                plan.k);
  plan.group = std::min(std::gcd(lhsKBlock, rhsKBlock), plan.k);
  if (plan.scalesPerGroup()) {
    if (plan.group % 32 != 0)
      return op.emitOpError("has K-blocks of ")
             << plan.group
             << " elements; the GPU kernel applies scales per 32-element "
                "K-slice and needs a multiple of 32";
    plan.blockK = plan.group % 64 == 0 ? 64 : 32;
    plan.warpN = 32;
  }
  plan.mmaIntrinsic =
      ("llvm.nvvm.mma.m16n8k32.row.col.f32." + *lhsName + "." + *rhsName +
       ".f32")
          .str();
  return plan;
}

namespace {

/// Builds the body of one kernel.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, ScaledMatmulOp op,
                const MatmulPlan &plan, gpu::GPUFuncOp func)
      : b(b), loc(loc), op(op), plan(plan), func(func) {}

  void build();

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value f32(float v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value mul(Value x, int64_t y) {
    return arith::MulIOp::create(b, loc, x, index(y));
  }
  Value div(Value x, int64_t y) {
    return arith::DivUIOp::create(b, loc, x, index(y));
  }
  Value rem(Value x, int64_t y) {
    return arith::RemUIOp::create(b, loc, x, index(y));
  }
  Value less(Value x, int64_t y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                                 index(y));
  }
  Value toF32(Value value);

  /// Indices [batch..., row, col] of a rank-`rank` operand.
  SmallVector<Value> withBatch(Value row, Value col) {
    SmallVector<Value> indices(batchIndices);
    indices.append({row, col});
    return indices;
  }
  /// Element of `scale` (kernel argument `arg`, its block `block`) that
  /// covers `indices`, in f32.
  Value loadScale(Value arg, std::optional<ArrayRef<int64_t>> block,
                  ArrayRef<Value> indices);

  void stageRows(Value global, Value shared, Value row0, int64_t rows,
                 Value k0);
  void stageColumns(Value global, Value shared, Value n0, Value k0);
  SmallVector<Value> multiplySlice(ArrayRef<Value> acc);
  SmallVector<Value> emitKLoop(Value kBegin, Value kEnd);
  void emitEpilogue(ArrayRef<Value> acc);

  /// Row and column (within the output) of accumulator element `i`.
  std::pair<Value, Value> elementPosition(int64_t i);
  /// For every accumulator element, the product of its two scales for the
  /// K-block starting at `k` (one load per distinct row and column).
  SmallVector<Value> emitScales(Value k);

  OpBuilder &b;
  Location loc;
  ScaledMatmulOp op;
  const MatmulPlan &plan;
  gpu::GPUFuncOp func;

  // Kernel arguments.
  Value lhs, rhs, lhsScale, rhsScale, bias, outScale, result, amax;
  Value sharedA, sharedB;
  // Thread coordinates.
  Value tid, lane, g, t, warpRow, warpCol, m0, n0;
  SmallVector<Value> batchIndices;
};

} // namespace

Value KernelBuilder::toF32(Value value) {
  Type type = value.getType();
  if (type.isF32())
    return value;
  if (isNarrowFloat(type))
    return ConvertOp::create(b, loc, b.getF32Type(), value, Value(), nullptr,
                             Saturation::none);
  return arith::ExtFOp::create(b, loc, b.getF32Type(), value);
}

Value KernelBuilder::loadScale(Value arg, std::optional<ArrayRef<int64_t>> block,
                               ArrayRef<Value> indices) {
  auto memref = dyn_cast<MemRefType>(arg.getType());
  if (!memref)
    return toF32(arg);
  SmallVector<Value> scaleIndices;
  if (!block) {
    scaleIndices.assign(memref.getRank(), index(0));
  } else {
    for (auto [i, blockDim] : llvm::enumerate(*block))
      scaleIndices.push_back(blockDim == 1 ? indices[i]
                                           : div(indices[i], blockDim));
  }
  return toF32(memref::LoadOp::create(b, loc, arg, scaleIndices));
}

/// Copies `rows` rows x blockK bytes of a [.., rows, K] operand starting at
/// (row0, k0) into `shared` ([row][k]), 16 bytes per load, zeros outside.
void KernelBuilder::stageRows(Value global, Value shared, Value row0,
                              int64_t rows, Value k0) {
  auto globalType = cast<MemRefType>(global.getType());
  int64_t limit = globalType.getDimSize(globalType.getRank() - 2);
  int64_t chunksPerRow = plan.blockK / 16;
  auto bytes = VectorType::get({16}, b.getI8Type());
  auto narrow = VectorType::get({16}, globalType.getElementType());
  for (int64_t c = 0; c < rows * chunksPerRow / kThreads; ++c) {
    Value chunk = add(tid, index(c * kThreads));
    Value row = div(chunk, chunksPerRow);
    Value kk = mul(rem(chunk, chunksPerRow), 16);
    Value globalRow = add(row0, row);
    Value globalK = add(k0, kk);
    Value inBounds = arith::AndIOp::create(b, loc, less(globalRow, limit),
                                           less(globalK, plan.k));
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &, Location) {
          Value v = vector::LoadOp::create(b, loc, narrow, global,
                                           withBatch(globalRow, globalK),
                                           /*nontemporal=*/false,
                                           llvm::MaybeAlign(16));
          scf::YieldOp::create(b, loc,
                               ValueRange{BitcastOp::create(b, loc, bytes, v)});
        },
        [&](OpBuilder &, Location) {
          Value zeros = arith::ConstantOp::create(
              b, loc, SplatElementsAttr::get(bytes, b.getI8IntegerAttr(0)));
          scf::YieldOp::create(b, loc, zeros);
        });
    vector::StoreOp::create(b, loc, ifOp.getResult(0), shared,
                            ValueRange{row, kk}, /*nontemporal=*/false,
                            llvm::MaybeAlign(16));
  }
}

/// Copies a blockK x blockN slice of a [.., K, N] operand at (k0, n0) into
/// `shared` transposed ([n][k]): 16-byte loads along N, byte stores.
void KernelBuilder::stageColumns(Value global, Value shared, Value n0,
                                 Value k0) {
  auto globalType = cast<MemRefType>(global.getType());
  int64_t chunksPerRow = plan.blockN() / 16;
  auto bytes = VectorType::get({16}, b.getI8Type());
  auto narrow = VectorType::get({16}, globalType.getElementType());
  for (int64_t c = 0; c < plan.blockK * chunksPerRow / kThreads; ++c) {
    Value chunk = add(tid, index(c * kThreads));
    Value kk = div(chunk, chunksPerRow);
    Value nn = mul(rem(chunk, chunksPerRow), 16);
    Value globalK = add(k0, kk);
    Value globalN = add(n0, nn);
    Value inBounds = arith::AndIOp::create(b, loc, less(globalK, plan.k),
                                           less(globalN, plan.n));
    auto ifOp = scf::IfOp::create(
        b, loc, inBounds,
        [&](OpBuilder &, Location) {
          Value v = vector::LoadOp::create(b, loc, narrow, global,
                                           withBatch(globalK, globalN),
                                           /*nontemporal=*/false,
                                           llvm::MaybeAlign(16));
          scf::YieldOp::create(b, loc,
                               ValueRange{BitcastOp::create(b, loc, bytes, v)});
        },
        [&](OpBuilder &, Location) {
          Value zeros = arith::ConstantOp::create(
              b, loc, SplatElementsAttr::get(bytes, b.getI8IntegerAttr(0)));
          scf::YieldOp::create(b, loc, zeros);
        });
    for (int64_t j = 0; j < 16; ++j) {
      Value byte = vector::ExtractOp::create(b, loc, ifOp.getResult(0), j);
      memref::StoreOp::create(b, loc, byte, shared,
                              ValueRange{add(nn, index(j)), kk});
    }
  }
}

/// One blockK slice from shared memory: for each 32-deep step, the A and B
/// fragments of this warp and fragmentsM x fragmentsN mma.sync.
SmallVector<Value> KernelBuilder::multiplySlice(ArrayRef<Value> acc) {
  SmallVector<Value> result(acc);
  auto word = VectorType::get({4}, b.getI8Type());
  auto oneWord = VectorType::get({1}, b.getI32Type());
  auto loadWord = [&](Value shared, Value row, Value col) -> Value {
    Value bytes = vector::LoadOp::create(b, loc, word, shared,
                                         ValueRange{row, col},
                                         /*nontemporal=*/false,
                                         llvm::MaybeAlign(4));
    Value cast = vector::BitCastOp::create(b, loc, oneWord, bytes);
    return vector::ExtractOp::create(b, loc, cast, 0);
  };
  Type f32 = b.getF32Type();
  Type resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), {f32, f32, f32, f32});
  StringAttr intrinsic = b.getStringAttr(plan.mmaIntrinsic);
  Value t4 = mul(t, 4);
  for (int64_t ks = 0; ks < plan.blockK; ks += 32) {
    Value colLo = add(t4, index(ks));
    Value colHi = add(t4, index(ks + 16));
    SmallVector<std::array<Value, 4>> a;
    for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
      Value row = add(add(warpRow, index(mi * 16)), g);
      Value row8 = add(row, index(8));
      a.push_back({loadWord(sharedA, row, colLo),
                   loadWord(sharedA, row8, colLo),
                   loadWord(sharedA, row, colHi),
                   loadWord(sharedA, row8, colHi)});
    }
    SmallVector<std::array<Value, 2>> bFrag;
    for (int64_t ni = 0; ni < plan.fragmentsN(); ++ni) {
      Value col = add(add(warpCol, index(ni * 8)), g);
      bFrag.push_back({loadWord(sharedB, col, colLo),
                       loadWord(sharedB, col, colHi)});
    }
    for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
      for (int64_t ni = 0; ni < plan.fragmentsN(); ++ni) {
        int64_t base = (mi * plan.fragmentsN() + ni) * 4;
        SmallVector<Value> args(a[mi].begin(), a[mi].end());
        args.append(bFrag[ni].begin(), bFrag[ni].end());
        args.append(result.begin() + base, result.begin() + base + 4);
        Value d = LLVM::CallIntrinsicOp::create(b, loc, resultType, intrinsic,
                                                args)
                      .getResult(0);
        for (int64_t e = 0; e < 4; ++e)
          result[base + e] = LLVM::ExtractValueOp::create(b, loc, d, e);
      }
    }
  }
  return result;
}

/// acc = sum over K slices in [kBegin, kEnd) (both multiples of blockK, or
/// kEnd = K) of A * B, from zero.
SmallVector<Value> KernelBuilder::emitKLoop(Value kBegin, Value kEnd) {
  SmallVector<Value> zeros(plan.numAccumulators(), f32(0.0f));
  auto loop = scf::ForOp::create(
      b, loc, kBegin, kEnd, index(plan.blockK), zeros,
      [&](OpBuilder &, Location, Value k0, ValueRange acc) {
        stageRows(lhs, sharedA, m0, kBlockM, k0);
        if (plan.rhsTransposed)
          stageRows(rhs, sharedB, n0, plan.blockN(), k0);
        else
          stageColumns(rhs, sharedB, n0, k0);
        gpu::BarrierOp::create(b, loc);
        SmallVector<Value> next = multiplySlice(llvm::to_vector(acc));
        gpu::BarrierOp::create(b, loc);
        scf::YieldOp::create(b, loc, next);
      });
  return SmallVector<Value>(loop.getResults());
}

std::pair<Value, Value> KernelBuilder::elementPosition(int64_t i) {
  int64_t fragment = i / 4, e = i % 4;
  int64_t mi = fragment / plan.fragmentsN(), ni = fragment % plan.fragmentsN();
  Value row = add(add(m0, warpRow), add(g, index(mi * 16 + (e / 2) * 8)));
  Value col =
      add(add(n0, warpCol), add(mul(t, 2), index(ni * 8 + (e % 2))));
  return {row, col};
}

SmallVector<Value> KernelBuilder::emitScales(Value k) {
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
      Value safeRow = arith::MinUIOp::create(b, loc, row, index(plan.m - 1));
      rowScale = loadScale(lhsScale, op.getLhsBlock(), withBatch(safeRow, k));
    }
    Value &colScale = colScales[colKey];
    if (!colScale) {
      Value safeCol = arith::MinUIOp::create(b, loc, col, index(plan.n - 1));
      colScale = loadScale(rhsScale, op.getRhsBlock(),
                           plan.rhsTransposed ? withBatch(safeCol, k)
                                              : withBatch(k, safeCol));
    }
    scales.push_back(arith::MulFOp::create(b, loc, rowScale, colScale));
  }
  return scales;
}

void KernelBuilder::emitEpilogue(ArrayRef<Value> acc) {
  Type resultElement = cast<MemRefType>(result.getType()).getElementType();
  Value runningMax = f32(0.0f);
  SmallVector<Value> scales;
  if (!plan.scalesPerGroup())
    scales = emitScales(index(0));
  for (auto [i, value] : llvm::enumerate(acc)) {
    auto [row, col] = elementPosition(i);
    Value inBounds =
        arith::AndIOp::create(b, loc, less(row, plan.m), less(col, plan.n));
    Value v = value;
    if (!scales.empty())
      v = arith::MulFOp::create(b, loc, v, scales[i]);
    auto ifOp = scf::IfOp::create(b, loc, b.getF32Type(), inBounds,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      if (bias) {
        auto biasType = cast<MemRefType>(bias.getType());
        SmallVector<Value> indices =
            biasType.getRank() == 1 ? SmallVector<Value>{col}
                                    : withBatch(row, col);
        v = arith::AddFOp::create(
            b, loc, v, toF32(memref::LoadOp::create(b, loc, bias, indices)));
      }
      Value stored = v;
      if (isNarrowFloat(resultElement)) {
        Value scaled = arith::DivFOp::create(b, loc, v, outScale);
        stored = ConvertOp::create(b, loc, resultElement, scaled, Value(),
                                   op.getRoundingAttr(), op.getSaturation());
      } else if (!resultElement.isF32()) {
        stored = arith::TruncFOp::create(b, loc, resultElement, v);
      }
      memref::StoreOp::create(b, loc, stored, result, withBatch(row, col));
      scf::YieldOp::create(b, loc, math::AbsFOp::create(b, loc, v).getResult());
      b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      scf::YieldOp::create(b, loc, f32(0.0f));
    }
    // maximumf propagates NaN, as amax does.
    if (amax)
      runningMax =
          arith::MaximumFOp::create(b, loc, runningMax, ifOp.getResult(0));
  }
  if (amax) {
    // Non-negative floats (and +NaN above +Inf) order like their bits.
    Value bits = arith::BitcastOp::create(b, loc, b.getI32Type(), runningMax);
    memref::AtomicRMWOp::create(b, loc, arith::AtomicRMWKind::maxu, bits, amax,
                                ValueRange{index(0)});
  }
}

void KernelBuilder::build() {
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
  sharedA = func.getWorkgroupAttributions()[0];
  sharedB = func.getWorkgroupAttributions()[1];

  tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value warp = div(tid, 32);
  lane = rem(tid, 32);
  g = div(lane, 4);
  t = rem(lane, 4);
  warpRow = mul(div(warp, 2), kWarpM);
  warpCol = mul(rem(warp, 2), plan.warpN);
  m0 = mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::y), kBlockM);
  n0 = mul(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x), plan.blockN());
  Value z = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  for (int64_t dim : llvm::reverse(plan.batchShape)) {
    batchIndices.insert(batchIndices.begin(), rem(z, dim));
    z = div(z, dim);
  }

  SmallVector<Value> acc;
  if (!plan.scalesPerGroup()) {
    acc = emitKLoop(index(0), index(plan.k));
  } else {
    // Per K-block: partial sums, scaled by the block's two scales, added up.
    int64_t groups = llvm::divideCeil(plan.k, plan.group);
    SmallVector<Value> zeros(plan.numAccumulators(), f32(0.0f));
    auto outer = scf::ForOp::create(
        b, loc, index(0), index(groups), index(1), zeros,
        [&](OpBuilder &, Location, Value q, ValueRange total) {
          Value kBegin = mul(q, plan.group);
          Value kEnd = arith::MinUIOp::create(b, loc, add(kBegin, index(plan.group)),
                                              index(plan.k));
          SmallVector<Value> partial = emitKLoop(kBegin, kEnd);
          SmallVector<Value> scales = emitScales(kBegin);
          SmallVector<Value> sum;
          for (int64_t i = 0; i < plan.numAccumulators(); ++i)
            sum.push_back(
                math::FmaOp::create(b, loc, partial[i], scales[i], total[i]));
          scf::YieldOp::create(b, loc, sum);
        });
    acc = SmallVector<Value>(outer.getResults());
  }
  emitEpilogue(acc);
  gpu::ReturnOp::create(b, loc);
}

/// The buffer of a tensor operand (or the scalar itself).
static Value toKernelOperand(OpBuilder &b, Location loc, Value value) {
  auto tensor = dyn_cast<RankedTensorType>(value.getType());
  if (!tensor)
    return value;
  auto memref = MemRefType::get(tensor.getShape(), tensor.getElementType());
  return bufferization::ToBufferOp::create(b, loc, memref, value,
                                           /*read_only=*/true);
}

/// Replaces `op` by a launch of a kernel generated into `kernels`.
static LogicalResult lowerMatmul(ScaledMatmulOp op, const MatmulPlan &plan,
                                 gpu::GPUModuleOp kernels,
                                 SymbolTable &kernelSymbols) {
  MLIRContext *context = op.getContext();
  Location loc = op.getLoc();
  OpBuilder b(op);
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  auto resultBufferType =
      MemRefType::get(resultType.getShape(), resultType.getElementType());

  SmallVector<Value> operands = {
      toKernelOperand(b, loc, op.getLhs()), toKernelOperand(b, loc, op.getRhs()),
      toKernelOperand(b, loc, op.getLhsScale()),
      toKernelOperand(b, loc, op.getRhsScale())};
  if (Value bias = op.getBias())
    operands.push_back(toKernelOperand(b, loc, bias));
  if (Value outScale = op.getOutScale())
    operands.push_back(outScale);
  Value resultBuffer = memref::AllocOp::create(b, loc, resultBufferType);
  operands.push_back(resultBuffer);
  Value amaxBuffer;
  if (op.getAmax()) {
    amaxBuffer = memref::AllocOp::create(
        b, loc, MemRefType::get({1}, b.getI32Type()));
    memref::StoreOp::create(
        b, loc, arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)),
        amaxBuffer,
        ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
    operands.push_back(amaxBuffer);
  }

  // The kernel.
  OpBuilder kb = OpBuilder::atBlockEnd(kernels.getBody());
  auto workgroup = gpu::AddressSpaceAttr::get(
      context, gpu::GPUDialect::getWorkgroupAddressSpace());
  auto sharedType = [&](int64_t rows) {
    return MemRefType::get({rows, kPitch}, b.getI8Type(),
                           MemRefLayoutAttrInterface(), workgroup);
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
  KernelBuilder(kb, loc, op, plan, func).build();

  // The launch.
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  gpu::KernelDim3 grid{cst(llvm::divideCeil(plan.n, plan.blockN())),
                       cst(llvm::divideCeil(plan.m, kBlockM)), cst(plan.batch)};
  gpu::KernelDim3 block{cst(kThreads), cst(1), cst(1)};
  gpu::LaunchFuncOp::create(b, loc, func, grid, block, /*dynamicShared=*/Value(),
                            operands);
  SmallVector<Value> replacements = {bufferization::ToTensorOp::create(
      b, loc, resultType, resultBuffer, /*restrict=*/true)};
  if (amaxBuffer) {
    Value bits = memref::LoadOp::create(
        b, loc, amaxBuffer, ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
    replacements.push_back(
        arith::BitcastOp::create(b, loc, b.getF32Type(), bits));
  }
  op->replaceAllUsesWith(replacements);
  op->erase();
  return success();
}

namespace {

struct ConvertFP8MatmulToGPUPass
    : mlir::fp8::impl::ConvertFP8MatmulToGPUPassBase<
          ConvertFP8MatmulToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    FailureOr<GPUChip> gpuChip = GPUChip::parse(chip);
    if (failed(gpuChip)) {
      module.emitError() << "convert-fp8-matmul-to-gpu: invalid chip '" << chip
                         << "' (expected sm_<N> or sm_<N>a, e.g. sm_89 or "
                            "sm_90a)";
      return signalPassFailure();
    }
    SmallVector<std::pair<ScaledMatmulOp, MatmulPlan>> work;
    WalkResult walk = module.walk([&](ScaledMatmulOp op) {
      if (op->getParentOfType<gpu::GPUModuleOp>()) {
        op.emitOpError("is inside GPU code; convert-fp8-matmul-to-gpu "
                       "launches kernels from host code");
        return WalkResult::interrupt();
      }
      FailureOr<MatmulPlan> plan = planMatmul(op, *gpuChip);
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
      if (failed(lowerMatmul(op, plan, kernels, kernelSymbols)))
        return signalPassFailure();
  }
};

} // namespace
