//===- LowerAllocaScopes.cpp - Alloca scopes as stack save / restore ------===//
//
// convert-scf-to-openmp puts each parallel loop body in a
// memref.alloca_scope, which holds one block: convert-scf-to-cf would make
// its loops branches inside it (invalid IR). This pass replaces the scopes
// while they are still one block.
//
//===----------------------------------------------------------------------===//

#include "fp8/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fp8 {
#define GEN_PASS_DEF_FP8LOWERALLOCASCOPESPASS
#include "fp8/Transforms/Passes.h.inc"
} // namespace mlir::fp8

using namespace mlir;

/// Whether `scope` allocates on the stack itself (not in a nested op that is
/// an allocation scope of its own).
static bool allocatesOnStack(memref::AllocaScopeOp scope) {
  return scope
      ->walk<WalkOrder::PreOrder>([&](Operation *op) {
        if (op == scope.getOperation())
          return WalkResult::advance();
        if (op->hasTrait<OpTrait::AutomaticAllocationScope>() ||
            isa<memref::AllocaScopeOp>(op))
          return WalkResult::skip();
        if (isa<memref::AllocaOp, LLVM::AllocaOp>(op))
          return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

/// Inlines the one block of `scope` in its place, between a stack save and
/// a restore if it allocates on the stack.
static void lowerAllocaScope(RewriterBase &rewriter,
                             memref::AllocaScopeOp scope) {
  Block &body = scope.getBodyRegion().front();
  auto terminator = cast<memref::AllocaScopeReturnOp>(body.getTerminator());
  SmallVector<Value> results(terminator.getResults());
  Location loc = scope.getLoc();
  Value stack;
  rewriter.setInsertionPoint(scope);
  bool onStack = allocatesOnStack(scope);
  if (onStack)
    stack = LLVM::StackSaveOp::create(
        rewriter, loc, LLVM::LLVMPointerType::get(rewriter.getContext()));
  rewriter.eraseOp(terminator);
  rewriter.inlineBlockBefore(&body, scope);
  if (onStack)
    LLVM::StackRestoreOp::create(rewriter, loc, stack);
  rewriter.replaceOp(scope, results);
}

namespace {

struct FP8LowerAllocaScopesPass
    : mlir::fp8::impl::FP8LowerAllocaScopesPassBase<FP8LowerAllocaScopesPass> {
  using FP8LowerAllocaScopesPassBase::FP8LowerAllocaScopesPassBase;

  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    // Innermost first: an outer scope then holds the inner one's ops.
    getOperation()->walk<WalkOrder::PostOrder>(
        [&](memref::AllocaScopeOp scope) {
          if (scope.getBodyRegion().hasOneBlock())
            scopes.push_back(scope);
        });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes)
      lowerAllocaScope(rewriter, scope);
  }
};

} // namespace
