//===- GPUMatmulKernelBuilder.h - The scaled_matmul GPU kernel --*- C++ -*-===//
//
// The plan of one fp8.scaled_matmul kernel and the builder of its body: the
// outline (arguments, thread coordinates, K loops) in ScaledMatmulToGPU.cpp,
// the parts in GPUMatmulStaging.cpp, GPUMatmulMMA.cpp and
// GPUMatmulEpilogue.cpp, which agree on the layouts below.
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

#ifndef LIB_CONVERSION_FP8TOGPU_GPUMATMULKERNELBUILDER_H
#define LIB_CONVERSION_FP8TOGPU_GPUMATMULKERNELBUILDER_H

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <string>

namespace mlir::fp8 {

/// Output rows of a thread block, and of a warp under mma.sync.
constexpr int64_t kBlockM = 128;
constexpr int64_t kWarpM = 64;
/// Threads of a block: 4 warps, one warpgroup for wgmma.
constexpr int64_t kThreads = 128;
/// Shared-memory row pitch in bytes: 64 bytes of K plus 16 of padding.
constexpr int64_t kPitch = 80;
/// Bytes of K one tensor-core instruction consumes (k32 fp8, k16 f16).
constexpr int64_t kMmaBytes = 32;

/// The kernel's static parameters, derived from one op. Sizes may be
/// ShapedType::kDynamic: the kernel then reads them from its arguments.
struct GPUMatmulPlan {
  SmallVector<int64_t> batchShape;
  int64_t m = 0, n = 0, k = 0;
  bool rhsTransposed = false;
  /// K elements per scale group, when scales are applied per K-block
  /// (perGroup); else the scales are applied once, in the epilogue.
  int64_t group = 0;
  bool perGroup = false;
  /// Some operand has a dynamic size: every memref argument with a dynamic
  /// size is passed as a flat memref<kFlatSize x T> (the bare pointer) and
  /// its dynamic sizes as index arguments after the others.
  bool dynamic = false;
  /// Rows of the operand read along K (resp. N) start 16-element aligned,
  /// and chunks never straddle the end (K, resp. N, a static multiple of
  /// 16): plain aligned 16-element loads. Else masked loads.
  bool alignedK = true, alignedN = true;
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
  bool scalesPerGroup() const { return perGroup; }
};

/// Builds the body of the kernel `func` of `op` (its arguments: lhs, rhs,
/// lhs scale, rhs scale, [bias], [out scale], result, [amax]; its workgroup
/// attributions: the shared A and B slices).
class GPUMatmulKernelBuilder {
public:
  GPUMatmulKernelBuilder(OpBuilder &builder, Location loc, ScaledMatmulOp op,
                         const GPUMatmulPlan &plan, gpu::GPUFuncOp func)
      : b(loc, builder), op(op), plan(plan), func(func) {}

  void build();

private:
  /// `arith.constant value : index`. Kept as a helper because nearly every
  /// index computation of the kernel takes one (60 call sites).
  Value constantIndex(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }
  /// Dimension `dim` of `memref` (a kernel operand), as an index value.
  Value sizeOf(Value memref, unsigned dim) {
    auto type = cast<MemRefType>(memref.getType());
    if (!type.isDynamicDim(dim))
      return constantIndex(type.getDimSize(dim));
    return memref::DimOp::create(b, memref, dim);
  }
  /// Indices [batch..., row, col] of an operand.
  SmallVector<Value> withBatch(Value row, Value col) {
    SmallVector<Value> indices(batchIndices);
    indices.append({row, col});
    return indices;
  }

  /// acc = sum over K slices in [kBegin, kEnd) (both multiples of blockK,
  /// or kEnd = K) of A * B, from zero.
  SmallVector<Value> emitKLoop(Value kBegin, Value kEnd);

  // Staging (GPUMatmulStaging.cpp).
  /// Indices into a shared operand buffer of byte `byte` of K in `row`.
  SmallVector<Value> sharedIndices(Value row, Value byte);
  /// A 16-element chunk loaded from an operand as the bytes of the
  /// tensor-core operands (fp8 codes, or f16 values).
  Value toOperandBytes(Value chunk);
  /// The 16 elements of `global` at (`row`, `col`) (and the batch), as
  /// toOperandBytes bytes, where `inBounds`; zero bytes elsewhere.
  /// Unaligned (`aligned` false): a masked load of the min(16, `limit` -
  /// `col`) elements that exist.
  Value loadChunkOrZeros(Value global, Value inBounds, Value row, Value col,
                         bool aligned, Value limit);
  void stageRows(Value global, Value shared, Value row0, Value rowLimit,
                 int64_t rows, Value k0);
  void stageColumns(Value global, Value shared, Value n0, Value k0);

  // MMA (GPUMatmulMMA.cpp).
  /// The wgmma descriptor of `shared` (start address, LBO, SBO).
  Value descriptor(Value shared);
  SmallVector<Value> multiplySlice(ArrayRef<Value> acc);
  SmallVector<Value> multiplySliceWgmma(ArrayRef<Value> acc);

  // Epilogue (GPUMatmulEpilogue.cpp).
  /// Element of `scale` (kernel argument `arg`, its block `block`) that
  /// covers `indices`, in f32.
  Value loadScale(Value arg, std::optional<ArrayRef<int64_t>> block,
                  ArrayRef<Value> indices);
  /// Row and column (within the output) of accumulator element `i`.
  std::pair<Value, Value> elementPosition(int64_t i);
  /// For every accumulator element, the product of its two scales for the
  /// K-block starting at `k` (one load per distinct row and column).
  SmallVector<Value> emitScales(Value k);
  void emitEpilogue(ArrayRef<Value> acc);

  ImplicitLocOpBuilder b;
  ScaledMatmulOp op;
  const GPUMatmulPlan &plan;
  gpu::GPUFuncOp func;

  // Kernel arguments.
  Value lhs, rhs, lhsScale, rhsScale, bias, outScale, result, amax;
  Value sharedA, sharedB;
  Value descriptorA, descriptorB;
  // Thread coordinates.
  Value tid, lane, g, t, warpRow, warpCol, m0, n0;
  SmallVector<Value> batchIndices;
  // Sizes: M, N, K of the multiply (constants when static).
  Value mSize, nSize, kSize;
};

/// Elements of the flat memref a dynamic-shaped kernel argument is passed
/// as (its bare pointer; the kernel reinterprets it with the real sizes).
constexpr int64_t kFlatSize = int64_t(1) << 40;

/// The buffer type of a dynamic-shaped tensor operand or result of the op,
/// passed flat; nothing for scalars and static shapes.
std::optional<MemRefType> getFlatOperandType(Value tensor);

} // namespace mlir::fp8

#endif // LIB_CONVERSION_FP8TOGPU_GPUMATMULKERNELBUILDER_H
