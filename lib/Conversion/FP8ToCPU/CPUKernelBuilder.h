//===- CPUKernelBuilder.h - The packed CPU scaled-matmul kernel -*- C++ -*-===//
//
// Shared by the files of the CPU kernel: the blocking, the operands, the
// micro-kernels and the builder that emits one op's kernel. Packing.cpp
// packs the panels and emits the loop nest, MicroKernels.cpp the register
// tiles, ScaledMatmulToCPU.cpp chooses the blocking and the micro-kernel.
//
//===----------------------------------------------------------------------===//

#ifndef FP8_LIB_CONVERSION_FP8TOCPU_CPUKERNELBUILDER_H
#define FP8_LIB_CONVERSION_FP8TOCPU_CPUKERNELBUILDER_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <functional>
#include <optional>

namespace mlir::fp8 {
class ScaledMatmulOp;

namespace cpu {

/// The kernel's blocking: f32 lanes per vector, the register tile and the
/// cache blocks.
struct Blocking {
  int64_t vw, mr, nr, mc, kc, nc;
};

/// AMX-BF16 tiles: 16 rows of 32 bf16 for both operands (the right one in
/// VNNI pairs along K), 16 x 16 f32 accumulators.
inline constexpr int64_t kTileRows = 16, kTileDepth = 32;

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

/// Emits the kernel for one op. The scf ops' region callbacks get `b`
/// itself (their `create` passes its builder on), so they keep using `b`.
class CPUMatmulKernelBuilder {
public:
  CPUMatmulKernelBuilder(OpBuilder &builder, Location loc,
                         const Blocking &blocking, MicroKernel kernel)
      : b(loc, builder), blk(blocking), kernel(kernel),
        bf16Panels(kernel != MicroKernel::F32) {}

  /// The f32 sums of `op` as a tensor shaped like its result.
  Value build(ScaledMatmulOp op);

private:
  // Index constants and counted loops are most of the kernel's index code;
  // these two keep it readable.
  Value index(int64_t value) {
    return arith::ConstantIndexOp::create(b, value);
  }
  /// An scf.for from `lb` to `ub` by `step` with the body `body(iv)`.
  void loop(Value lb, Value ub, int64_t step, function_ref<void(Value)> body) {
    scf::ForOp::create(b, lb, ub, index(step), /*initArgs=*/{},
                       [&](OpBuilder &, Location, Value iv, ValueRange) {
                         body(iv);
                         scf::YieldOp::create(b);
                       });
  }
  /// The iterations `ivs` in [0, ub_0) x [0, ub_1) ... of `body`, in any
  /// order and on any thread: an scf.parallel (which the CPU pipeline may
  /// lower to OpenMP), or scf.for loops where `parallel` is off.
  void forEach(ArrayRef<Value> upperBounds,
               function_ref<void(ValueRange)> body) {
    SmallVector<Value> zeros(upperBounds.size(), index(0)),
        ones(upperBounds.size(), index(1));
    if (parallel) {
      scf::ParallelOp::create(
          b, zeros, upperBounds, ones,
          [&](OpBuilder &, Location, ValueRange ivs) { body(ivs); });
      return;
    }
    std::function<void(unsigned, SmallVector<Value> &)> nest =
        [&](unsigned dim, SmallVector<Value> &ivs) {
          if (dim == upperBounds.size())
            return body(ivs);
          loop(zeros[dim], upperBounds[dim], 1, [&](Value iv) {
            ivs.push_back(iv);
            nest(dim + 1, ivs);
            ivs.pop_back();
          });
        };
    SmallVector<Value> ivs;
    nest(0, ivs);
  }
  VectorType vectorOf(Type element) {
    return VectorType::get({blk.vw}, element);
  }
  /// The sums' indices of (row, col) in the current batch.
  SmallVector<Value> at(Value row, Value col) {
    SmallVector<Value> indices(batch);
    indices.append({row, col});
    return indices;
  }

  /// The indices of (panel, row, col) of the packed rhs: one panel, or
  /// the current one of the constant's panels (`rhsPrefix`).
  SmallVector<Value> rhsAt(Value panel, Value row, Value col) {
    SmallVector<Value> indices(rhsPrefix);
    indices.append({panel, row, col});
    return indices;
  }

  // Defined in Packing.cpp.

  /// The rhs of `op` packed at compile time where it is a constant (and, for
  /// f32 panels, its scales too): [batch...][N / nc][K / kc] panels laid out
  /// as rhsPacked, as a read-only buffer; null otherwise.
  Value packConstantRhs(ScaledMatmulOp op, int64_t nc, int64_t kc,
                        int64_t paddedKc);

  /// The `vw` operand elements from `indices` on along the last dimension,
  /// decoded to f32; the first `count` are loaded (count may be <= 0), the
  /// others are zero. Multiplied by their scales when `scaled`.
  Value loadDecoded(const Operand &operand, ArrayRef<Value> indices,
                    Value count, bool scaled);
  /// The f32 scales of the `vw` elements from `indices` on along `dim`.
  Value loadScales(const Operand &operand, ArrayRef<Value> indices,
                   unsigned dim);

  // Defined in MicroKernels.cpp.

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

  ImplicitLocOpBuilder b;
  Blocking blk;
  MicroKernel kernel;
  /// Whether the panels are bf16 VNNI pairs with scales per K block (AMX and
  /// DotBF16 share the packing and the scaling).
  bool bf16Panels;
  Operand lhs, rhs;
  bool transposed = false;
  SmallVector<Value> batch;
  /// Whether the kernel's independent loops are scf.parallel.
  bool parallel = true;
  /// sums: the f32 sums, padded to whole register tiles. lhsPacked: the
  /// lhs rows of one K block, [M / mr][mr][kc]. rhsPacked: one rhs panel,
  /// [nc / nr][kc][nr] (bf16 VNNI: [nc / nr][kc / 2][2 nr]). tileSums: the
  /// bf16 kernels' tile products, [tasks][mr][nr], one per parallel task.
  Value sums, lhsPacked, rhsPacked, tileSums;
  /// The current task's row of tileSums.
  Value tileSlot;
  /// With a constant rhs packed at compile time: the batch, N block and K
  /// block indices of the current panels in it.
  SmallVector<Value> rhsPrefix;
};

} // namespace cpu
} // namespace mlir::fp8

#endif // FP8_LIB_CONVERSION_FP8TOCPU_CPUKERNELBUILDER_H
