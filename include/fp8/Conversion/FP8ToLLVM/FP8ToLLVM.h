//===- FP8ToLLVM.h - fp8 to LLVM lowering -----------------------*- C++ -*-===//

#ifndef FP8_CONVERSION_FP8TOLLVM_FP8TOLLVM_H
#define FP8_CONVERSION_FP8TOLLVM_FP8TOLLVM_H

#include "fp8/Dialect/FP8/Utils/NumericsEmitter.h"
#include "mlir/Support/LLVM.h"

namespace mlir {
class DialectRegistry;
class Operation;
class LLVMTypeConverter;
class RewritePatternSet;
class TypeConverter;

namespace fp8 {

/// Maps !fp8.hif8 (and vectors of it) to i8 in `converter`.
void populateFP8TypeConversions(TypeConverter &converter);

/// Lowers fp8.bitcast to the LLVM dialect and adds the expansion patterns of
/// every other fp8 op and of the narrow-float arith casts (emitted with
/// `emitter`'s choices).
void populateFP8ToLLVMConversionPatterns(LLVMTypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const EmitterOptions &emitter = {});

/// Whether `op` is something an fp8 lowering must not leave behind: an fp8
/// op or an arith cast to or from a narrow float.
bool isUnloweredNarrowConversion(Operation *op);

/// Applies `patterns` to `root` as a partial conversion in which exactly the
/// ops isUnloweredNarrowConversion names are illegal, then fails with an
/// error naming the first such op left ("could not be lowered to
/// `targetName`").
LogicalResult applyNarrowConversionLowering(Operation *root,
                                            RewritePatternSet &&patterns,
                                            StringRef targetName);

/// Lets `convert-to-llvm` lower the fp8 dialect.
void registerConvertFP8ToLLVMInterface(DialectRegistry &registry);

} // namespace fp8
} // namespace mlir

#endif // FP8_CONVERSION_FP8TOLLVM_FP8TOLLVM_H
