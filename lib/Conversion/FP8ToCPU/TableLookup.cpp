//===- TableLookup.cpp - x86 code shapes of the fp8 conversions -----------===//

#include "fp8/Conversion/FP8ToCPU/FP8ToCPU.h"

#include "fp8/Dialect/FP8/Utils/Target.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::fp8;

/// table[index] for 16 i32 lanes with one AVX-512BW vpermi2w: the index
/// lanes viewed as 32 i16 lanes select from two registers of 32 16-bit
/// entries; the high halves (0) read entry 0, which is 0.
static Value lookupWithVpermi2w(OpBuilder &builder, Location loc, Value index,
                                ArrayRef<uint16_t> table) {
  auto words = VectorType::get({32}, builder.getI16Type());
  auto half = [&](unsigned first) -> Value {
    SmallVector<APInt> entries;
    for (unsigned i = first; i < first + 32; ++i)
      entries.push_back(APInt(16, i < table.size() ? table[i] : 0));
    return arith::ConstantOp::create(builder, loc, words,
                                     DenseElementsAttr::get(words, entries));
  };
  Value indexWords = vector::BitCastOp::create(builder, loc, words, index);
  Value permuted =
      LLVM::CallIntrinsicOp::create(
          builder, loc, words,
          builder.getStringAttr("llvm.x86.avx512.vpermi2var.hi.512"),
          ValueRange{half(0), indexWords, half(32)})
          .getResult(0);
  return vector::BitCastOp::create(builder, loc, index.getType(), permuted);
}

EmitterOptions mlir::fp8::getCPUEmitterOptions(const Target &target) {
  EmitterOptions options;
  if (target.hasAVX512())
    options.lookupTable64 = lookupWithVpermi2w;
  return options;
}
