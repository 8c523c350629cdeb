//===- ScaledMatmulToGPU.cpp - fp8.scaled_matmul as a tensor-core kernel --===//
//
// Each fp8.scaled_matmul on static tensors becomes a gpu.launch_func of a
// kernel generated for its shapes, formats, blocks and epilogue:
//
//   grid (ceil(N / BN), ceil(M / 128), batch), 128 threads, a 128 x BN
//   output tile (BN = 128, or 64 where K-block scales need a second set of
//   accumulators), K in slices of BK elements (64 fp8, or 32 for 32-wide
//   K-blocks and for f16 operands: at most 64 bytes of K per row) staged
//   through shared memory with 16-byte global loads, f32 accumulation.
//
// The tensor-core operands are the fp8 codes themselves (f8E4M3FN and
// f8E5M2, any mix) or, when an operand is HiF8, both operands decoded to f16
// while they are staged (every HiF8, E4M3 and E5M2 value is exact in f16).
// Everything below counts K in bytes of shared memory: one instruction
// consumes 32 bytes of K (k32 for fp8, k16 for f16), and the fragment
// layouts of mma.m16n8k32 (8-bit) and mma.m16n8k16 (f16) then coincide.
//
// mma.sync (sm_89, sm_90): 2 x 2 warps of 64 x BN/2; shared memory holds
// [row][k] bytes with rows padded to 80 bytes (bank-conflict-free fragment
// loads). Fragment layouts (PTX ISA; lane = 4g + t; words of 4 bytes):
//   A (row): a0 = A[g][4t..4t+3], a1 = A[g+8][4t..], a2 = A[g][16+4t..],
//            a3 = A[g+8][16+4t..]
//   B (col): b0 = B[4t..4t+3][g], b1 = B[16+4t..][g]  (= Bt[g][4t..])
//   C/D:     c0, c1 = C[g][2t, 2t+1], c2, c3 = C[g+8][2t, 2t+1]
//
// wgmma (sm_90a): the 4 warps are one warpgroup issuing
// wgmma.mma_async.m64nBNk32 (k16 for f16) twice per 32 bytes of K, once
// per 64-row half of the tile, both operands read from shared memory
// through matrix descriptors (K-major, no swizzle). Shared memory holds
// "core matrices" of 8 rows x 16 bytes (128 contiguous bytes, row r at
// 16 r): byte k of row r lies at
//   (r / 8) * SBO + (k / 16) * LBO + (r % 8) * 16 + k % 16,
// LBO = 128 (the next core matrix along K), SBO = 8 * slice bytes (the next
// 8 rows), i.e. a memref<rows/8 x slice/16 x 8 x 16 x i8>. The descriptor
// (PTX ISA, "Matrix Descriptor Format"): bits 0-13 start address >> 4,
// 16-29 LBO >> 4, 32-45 SBO >> 4, base offset 0, swizzle mode 0. The
// accumulator fragment of m64nN (thread 32w + 4g + t, n8 block j) is
// d[4j..4j+3] = D[16w + g][8j + 2t, +1], D[16w + g + 8][8j + 2t, +1]: the
// mma.sync C layout repeated along N, which the epilogue shares.
//
//===----------------------------------------------------------------------===//

#include "fp8/Conversion/FP8ToGPU/FP8ToGPU.h"

#include "fp8/Conversion/Passes.h"
#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
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
/// Bytes of K one tensor-core instruction consumes (k32 fp8, k16 f16).
static constexpr int64_t kMmaBytes = 32;

namespace {

/// The kernel's static parameters, derived from one op.
struct MatmulPlan {
  SmallVector<int64_t> batchShape;
  int64_t m = 0, n = 0, k = 0, batch = 1;
  bool rhsTransposed = false;
  /// K elements per scale group; equal to k when scales are applied once,
  /// in the epilogue.
  int64_t group = 0;
  /// K elements per shared-memory slice; warp tile width (mma.sync).
  int64_t blockK = 64, warpN = 64;
  /// Both operands decoded to f16 while staged (an operand is HiF8).
  bool f16Operands = false;
  /// sm_90a: wgmma.mma_async by one warpgroup, else mma.sync by 4 warps.
  bool wgmma = false;
  /// mma.sync: the LLVM intrinsic; wgmma: the operand types.
  std::string mmaIntrinsic;
  NVVM::WGMMATypes wgmmaTypeA = NVVM::WGMMATypes::e4m3,
                   wgmmaTypeB = NVVM::WGMMATypes::e4m3;

  int64_t elementBytes() const { return f16Operands ? 2 : 1; }
  int64_t sliceBytes() const { return blockK * elementBytes(); }
  int64_t blockN() const { return 2 * warpN; }
  /// Accumulator fragments of a thread: fragmentsM x fragmentsN blocks of
  /// 16 x 8 outputs (4 per thread), fragmentRows apart along M.
  int64_t fragmentsM() const { return wgmma ? kBlockM / 64 : kWarpM / 16; }
  int64_t fragmentRows() const { return wgmma ? 64 : 16; }
  int64_t fragmentsN() const { return (wgmma ? blockN() : warpN) / 8; }
  int64_t numAccumulators() const { return fragmentsM() * fragmentsN() * 4; }
  bool scalesPerGroup() const { return group < k; }
};

} // namespace

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

/// The K-block of a scale operand: the block's entry along K, or all of K.
static int64_t getKBlock(std::optional<ArrayRef<int64_t>> block, unsigned kDim,
                         int64_t k) {
  if (!block)
    return k;
  return std::min((*block)[kDim], k);
}

/// Plans the kernel of `op`, which `chip`'s kernel must lower
/// (Target::canLower); errors name the op.
static FailureOr<MatmulPlan> planMatmul(ScaledMatmulOp op,
                                        const GPUChip &chip) {
  std::string why;
  if (!Target(chip).canLower(op, &why))
    return op.emitOpError(why);
  auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  std::optional<StringRef> lhsName = getMmaTypeName(lhsType.getElementType());
  std::optional<StringRef> rhsName = getMmaTypeName(
      cast<RankedTensorType>(op.getRhs().getType()).getElementType());
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
  int64_t lhsKBlock = getKBlock(op.getLhsBlock(), rank - 1, plan.k);
  int64_t rhsKBlock = getKBlock(
      op.getRhsBlock(), plan.rhsTransposed ? rank - 1 : rank - 2, plan.k);
  plan.group = std::min(std::gcd(lhsKBlock, rhsKBlock), plan.k);
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
  /// Elements [offset, offset + size) of a 1-D vector.
  Value slice(Value vector, int64_t offset, int64_t size) {
    return vector::ShuffleOp::create(
        b, loc, vector, vector,
        llvm::to_vector(llvm::seq<int64_t>(offset, offset + size)));
  }

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

  /// Indices into a shared operand buffer of byte `byte` of K in `row`.
  SmallVector<Value> sharedIndices(Value row, Value byte);
  /// A 16-element chunk loaded from an operand as the bytes of the
  /// tensor-core operands (fp8 codes, or f16 values).
  Value toOperandBytes(Value chunk);
  /// The 16 elements of `global` at (`row`, `col`) (and the batch), as
  /// toOperandBytes bytes, where `inBounds`; zero bytes elsewhere.
  Value loadChunkOrZeros(Value global, Value inBounds, Value row, Value col);
  /// The wgmma descriptor of `shared` (start address, LBO, SBO).
  Value descriptor(Value shared);
  void stageRows(Value global, Value shared, Value row0, int64_t rows,
                 Value k0);
  void stageColumns(Value global, Value shared, Value n0, Value k0);
  SmallVector<Value> multiplySlice(ArrayRef<Value> acc);
  SmallVector<Value> multiplySliceWgmma(ArrayRef<Value> acc);
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
  Value descriptorA, descriptorB;
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

Value KernelBuilder::loadScale(Value arg,
                               std::optional<ArrayRef<int64_t>> block,
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

SmallVector<Value> KernelBuilder::sharedIndices(Value row, Value byte) {
  if (!plan.wgmma)
    return {row, byte};
  // Core matrices of 8 rows x 16 bytes (see the file comment).
  return {div(row, 8), div(byte, 16), rem(row, 8), rem(byte, 16)};
}

Value KernelBuilder::toOperandBytes(Value chunk) {
  auto bytes = VectorType::get({16 * plan.elementBytes()}, b.getI8Type());
  if (!plan.f16Operands)
    return BitcastOp::create(b, loc, bytes, chunk);
  // Exact: every E4M3, E5M2 and HiF8 value is an f16.
  Value halves =
      ConvertOp::create(b, loc, VectorType::get({16}, b.getF16Type()), chunk,
                        Value(), nullptr, Saturation::none);
  return vector::BitCastOp::create(b, loc, bytes, halves);
}

Value KernelBuilder::loadChunkOrZeros(Value global, Value inBounds, Value row,
                                      Value col) {
  auto narrow = VectorType::get(
      {16}, cast<MemRefType>(global.getType()).getElementType());
  auto bytes = VectorType::get({16 * plan.elementBytes()}, b.getI8Type());
  return scf::IfOp::create(
             b, loc, inBounds,
             [&](OpBuilder &, Location) {
               Value v = vector::LoadOp::create(
                   b, loc, narrow, global, withBatch(row, col),
                   /*nontemporal=*/false, llvm::MaybeAlign(16));
               scf::YieldOp::create(b, loc, ValueRange{toOperandBytes(v)});
             },
             [&](OpBuilder &, Location) {
               Value zeros = arith::ConstantOp::create(
                   b, loc,
                   SplatElementsAttr::get(bytes, b.getI8IntegerAttr(0)));
               scf::YieldOp::create(b, loc, zeros);
             })
      .getResult(0);
}

Value KernelBuilder::descriptor(Value shared) {
  Type i64 = b.getI64Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(v));
  };
  Value address = arith::IndexCastUIOp::create(
      b, loc, i64,
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, shared));
  // Start address bits 4..17 (shared addresses are below 256 KiB).
  Value start = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, address, constant(0x3FFFF)),
      constant(4));
  int64_t lbo = 128, sbo = 8 * plan.sliceBytes();
  return arith::OrIOp::create(b, loc, start,
                              constant((lbo >> 4) << 16 | (sbo >> 4) << 32));
}

/// Copies `rows` rows x blockK elements of a [.., rows, K] operand starting
/// at (row0, k0) into `shared` (row-major in K), 16 elements per load (16
/// or 32 bytes of shared memory, stored 16 at a time), zeros outside.
void KernelBuilder::stageRows(Value global, Value shared, Value row0,
                              int64_t rows, Value k0) {
  auto globalType = cast<MemRefType>(global.getType());
  int64_t limit = globalType.getDimSize(globalType.getRank() - 2);
  int64_t chunksPerRow = plan.blockK / 16;
  for (int64_t c = 0; c < rows * chunksPerRow / kThreads; ++c) {
    Value chunk = add(tid, index(c * kThreads));
    Value row = div(chunk, chunksPerRow);
    Value kk = mul(rem(chunk, chunksPerRow), 16);
    Value globalRow = add(row0, row);
    Value globalK = add(k0, kk);
    Value inBounds = arith::AndIOp::create(b, loc, less(globalRow, limit),
                                           less(globalK, plan.k));
    Value loaded = loadChunkOrZeros(global, inBounds, globalRow, globalK);
    Value byte = mul(kk, plan.elementBytes());
    for (int64_t part = 0; part < plan.elementBytes(); ++part) {
      Value piece = loaded;
      if (plan.elementBytes() > 1)
        piece = slice(piece, 16 * part, 16);
      vector::StoreOp::create(b, loc, piece, shared,
                              sharedIndices(row, add(byte, index(16 * part))),
                              /*nontemporal=*/false, llvm::MaybeAlign(16));
    }
  }
}

/// Copies a blockK x blockN slice of a [.., K, N] operand at (k0, n0) into
/// `shared` transposed ([n][k]): 16-element loads along N, element stores.
void KernelBuilder::stageColumns(Value global, Value shared, Value n0,
                                 Value k0) {
  int64_t chunksPerRow = plan.blockN() / 16;
  int64_t width = plan.elementBytes();
  for (int64_t c = 0; c < plan.blockK * chunksPerRow / kThreads; ++c) {
    Value chunk = add(tid, index(c * kThreads));
    Value kk = div(chunk, chunksPerRow);
    Value nn = mul(rem(chunk, chunksPerRow), 16);
    Value globalK = add(k0, kk);
    Value globalN = add(n0, nn);
    Value inBounds = arith::AndIOp::create(b, loc, less(globalK, plan.k),
                                           less(globalN, plan.n));
    Value loaded = loadChunkOrZeros(global, inBounds, globalK, globalN);
    Value byte = mul(kk, width);
    for (int64_t j = 0; j < 16; ++j) {
      SmallVector<Value> indices = sharedIndices(add(nn, index(j)), byte);
      if (width == 1) {
        Value element = vector::ExtractOp::create(b, loc, loaded, j);
        memref::StoreOp::create(b, loc, element, shared, indices);
      } else {
        Value element = slice(loaded, j * width, width);
        vector::StoreOp::create(b, loc, element, shared, indices);
      }
    }
  }
}

/// One blockK slice from shared memory: for each 32 bytes of K, the A and
/// B fragments of this warp and fragmentsM x fragmentsN mma.sync.
SmallVector<Value> KernelBuilder::multiplySlice(ArrayRef<Value> acc) {
  if (plan.wgmma)
    return multiplySliceWgmma(acc);
  SmallVector<Value> result(acc);
  auto word = VectorType::get({4}, b.getI8Type());
  // A fragment register: 4 fp8 codes (i32) or 2 halves (vector<2xf16>).
  auto oneWord = VectorType::get({1}, b.getI32Type());
  auto halves = VectorType::get({2}, b.getF16Type());
  auto loadWord = [&](Value shared, Value row, Value col) -> Value {
    Value bytes =
        vector::LoadOp::create(b, loc, word, shared, ValueRange{row, col},
                               /*nontemporal=*/false, llvm::MaybeAlign(4));
    if (plan.f16Operands)
      return vector::BitCastOp::create(b, loc, halves, bytes);
    Value cast = vector::BitCastOp::create(b, loc, oneWord, bytes);
    return vector::ExtractOp::create(b, loc, cast, 0);
  };
  Type f32 = b.getF32Type();
  Type resultType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  StringAttr intrinsic = b.getStringAttr(plan.mmaIntrinsic);
  Value t4 = mul(t, 4);
  for (int64_t ks = 0; ks < plan.sliceBytes(); ks += kMmaBytes) {
    Value colLo = add(t4, index(ks));
    Value colHi = add(t4, index(ks + 16));
    SmallVector<std::array<Value, 4>> a;
    for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
      Value row = add(add(warpRow, index(mi * 16)), g);
      Value row8 = add(row, index(8));
      a.push_back(
          {loadWord(sharedA, row, colLo), loadWord(sharedA, row8, colLo),
           loadWord(sharedA, row, colHi), loadWord(sharedA, row8, colHi)});
    }
    SmallVector<std::array<Value, 2>> bFrag;
    for (int64_t ni = 0; ni < plan.fragmentsN(); ++ni) {
      Value col = add(add(warpCol, index(ni * 8)), g);
      bFrag.push_back(
          {loadWord(sharedB, col, colLo), loadWord(sharedB, col, colHi)});
    }
    for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
      for (int64_t ni = 0; ni < plan.fragmentsN(); ++ni) {
        int64_t base = (mi * plan.fragmentsN() + ni) * 4;
        SmallVector<Value> args(a[mi].begin(), a[mi].end());
        args.append(bFrag[ni].begin(), bFrag[ni].end());
        args.append(result.begin() + base, result.begin() + base + 4);
        Value d =
            LLVM::CallIntrinsicOp::create(b, loc, resultType, intrinsic, args)
                .getResult(0);
        for (int64_t e = 0; e < 4; ++e)
          result[base + e] = LLVM::ExtractValueOp::create(b, loc, d, e);
      }
    }
  }
  return result;
}

/// One blockK slice by the warpgroup: for each 32 bytes of K, one
/// wgmma.mma_async per 64-row half of the tile against all BN columns,
/// reading both operands from shared memory; the accumulators travel as
/// one struct per half.
SmallVector<Value> KernelBuilder::multiplySliceWgmma(ArrayRef<Value> acc) {
  MLIRContext *context = b.getContext();
  int64_t perHalf = plan.fragmentsN() * 4;
  auto structType = LLVM::LLVMStructType::getLiteral(
      context, SmallVector<Type>(perHalf, b.getF32Type()));
  // The accumulator registers were last written outside wgmma.
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  SmallVector<Value> halves;
  for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi) {
    Value value = LLVM::PoisonOp::create(b, loc, structType);
    for (int64_t i = 0; i < perHalf; ++i)
      value =
          LLVM::InsertValueOp::create(b, loc, value, acc[mi * perHalf + i], i);
    halves.push_back(value);
  }
  auto offset = [&](Value descriptor, int64_t bytes) -> Value {
    // The start address field counts 16-byte units.
    return arith::AddIOp::create(
        b, loc, descriptor,
        arith::ConstantOp::create(b, loc, b.getI64IntegerAttr(bytes >> 4)));
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
          b, loc, structType, halves[mi], a0, b0, shape,
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
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  SmallVector<Value> result;
  for (int64_t mi = 0; mi < plan.fragmentsM(); ++mi)
    for (int64_t i = 0; i < perHalf; ++i)
      result.push_back(LLVM::ExtractValueOp::create(b, loc, halves[mi], i));
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
        // wgmma reads shared memory through the async proxy: order this
        // thread's stores before it (then the barrier for all threads).
        if (plan.wgmma)
          NVVM::FenceProxyOp::create(
              b, loc, NVVM::ProxyKind::async_shared,
              NVVM::SharedSpaceAttr::get(b.getContext(),
                                         NVVM::SharedSpace::shared_cta));
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
  Value row = add(add(m0, warpRow),
                  add(g, index(mi * plan.fragmentRows() + (e / 2) * 8)));
  Value col = add(add(n0, warpCol), add(mul(t, 2), index(ni * 8 + (e % 2))));
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
        SmallVector<Value> indices = biasType.getRank() == 1
                                         ? SmallVector<Value>{col}
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
  if (plan.wgmma) {
    // Warp w of the warpgroup owns rows 16w..16w+15 of each 64-row half.
    warpRow = mul(warp, 16);
    warpCol = index(0);
    descriptorA = descriptor(sharedA);
    descriptorB = descriptor(sharedB);
  } else {
    warpRow = mul(div(warp, 2), kWarpM);
    warpCol = mul(rem(warp, 2), plan.warpN);
  }
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
          Value kEnd = arith::MinUIOp::create(
              b, loc, add(kBegin, index(plan.group)), index(plan.k));
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
static void lowerMatmul(ScaledMatmulOp op, const MatmulPlan &plan,
                        gpu::GPUModuleOp kernels, SymbolTable &kernelSymbols) {
  MLIRContext *context = op.getContext();
  Location loc = op.getLoc();
  OpBuilder b(op);
  auto resultType = cast<RankedTensorType>(op.getResult().getType());
  auto resultBufferType =
      MemRefType::get(resultType.getShape(), resultType.getElementType());

  SmallVector<Value> operands = {toKernelOperand(b, loc, op.getLhs()),
                                 toKernelOperand(b, loc, op.getRhs()),
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
    amaxBuffer =
        memref::AllocOp::create(b, loc, MemRefType::get({1}, b.getI32Type()));
    memref::StoreOp::create(
        b, loc, arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0)),
        amaxBuffer, ValueRange{arith::ConstantIndexOp::create(b, loc, 0)});
    operands.push_back(amaxBuffer);
  }

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
  KernelBuilder(kb, loc, op, plan, func).build();

  // The launch.
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  gpu::KernelDim3 grid{cst(llvm::divideCeil(plan.n, plan.blockN())),
                       cst(llvm::divideCeil(plan.m, kBlockM)), cst(plan.batch)};
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
  FailureOr<MatmulPlan> plan = planMatmul(op, chip);
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
    SmallVector<std::pair<ScaledMatmulOp, MatmulPlan>> work;
    WalkResult walk = module.walk([&](ScaledMatmulOp op) {
      if (op->getParentOfType<gpu::GPUModuleOp>()) {
        op.emitOpError("is inside GPU code; convert-fp8-matmul-to-gpu "
                       "launches kernels from host code");
        return WalkResult::interrupt();
      }
      FailureOr<MatmulPlan> plan = planMatmul(op, chip.getGPU());
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
