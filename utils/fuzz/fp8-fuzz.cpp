//===- fp8-fuzz.cpp - libFuzzer target: parse, verify, passes, pipelines --===//
//
// An input is one selector byte and MLIR text. The text is parsed and
// verified like fp8-opt does; if it verifies, the selector picks what runs
// on it: nothing more (print it, generic and pretty), fp8-expand,
// fp8-fold-scales, fp8-insert-casts with each recipe and scaling, fp8-legalize
// for each target, fp8-cpu-pipeline for each CPU target, fp8-gpu-pipeline
// up to PTX (format=isa: no ptxas), and a few chains of them. Errors
// (diagnostics) are expected and ignored; a crash, an assertion or a
// sanitizer report is a finding.
//
// Inputs the Python package refuses to parse are skipped: nesting deeper
// than its limit (MAX_NESTING_DEPTH; the recursion of MLIR's parsers
// overflows the stack on it) and the upstream parser crashes listed in
// utils/fuzz/KNOWN_ISSUES.md (fp8/Support/ParserGuards.h).
//
// scripts/sanitize.sh builds it (clang-22, -fsanitize=fuzzer,address,
// undefined) and scripts/fuzz.sh runs it for a given time on the corpus
// built from test/ and examples/ (utils/fuzz/make-corpus.py) with
// utils/fuzz/fp8.dict.
//
//===----------------------------------------------------------------------===//

#include "fp8/InitAll.h"
#include "fp8/Support/ParserGuards.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace mlir;

/// What runs on a verified input, by selector byte (modulo their number).
static const std::vector<std::string> &getActions() {
  static const std::vector<std::string> actions = [] {
    std::vector<std::string> list = {
        "", // parse, verify and print only
        "fp8-expand",
        "fp8-fold-scales",
        "canonicalize",
        "fp8-collapse-broadcast-contractions",
        "func.func(convert-fp8-to-linalg)",
    };
    for (const char *recipe : {"ocp", "hfp8", "hif8"})
      for (const char *scaling :
           {"tensor", "row", "block1x128", "block128x128", "mx32"})
        list.push_back(std::string("fp8-insert-casts{recipe=") + recipe +
                       " scaling=" + scaling + "}");
    list.push_back("fp8-insert-casts{static-scales scaling=row}");
    list.push_back("fp8-insert-casts{pow2-scales keep-first-last}");
    for (const char *target :
         {"generic", "avx512", "avx512-bf16", "amx", "sm_89", "sm_90a"})
      list.push_back(std::string("fp8-legalize{target=") + target + "}");
    for (const char *target : {"generic", "avx512", "avx512-bf16", "amx"})
      list.push_back(std::string("fp8-cpu-pipeline{target=") + target + "}");
    for (const char *chip : {"sm_89", "sm_90a"})
      list.push_back(std::string("fp8-gpu-pipeline{format=isa chip=") + chip +
                     "}");
    // Chains: what a model goes through.
    list.push_back("fp8-insert-casts{scaling=row},fp8-fold-scales,"
                   "fp8-cpu-pipeline{target=avx512}");
    list.push_back("fp8-insert-casts{recipe=hif8},fp8-expand,"
                   "fp8-cpu-pipeline{target=generic}");
    list.push_back("fp8-insert-casts{scaling=mx32},"
                   "fp8-cpu-pipeline{target=amx}");
    list.push_back("fp8-insert-casts{scaling=block1x128},"
                   "fp8-gpu-pipeline{format=isa chip=sm_90a}");
    return list;
  }();
  return actions;
}

static DialectRegistry &getRegistry() {
  static DialectRegistry *registry = [] {
    auto *result = new DialectRegistry();
    fp8::registerEverything(*result);
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return result;
  }();
  return *registry;
}

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  (void)getRegistry();
  // Each pipeline parses: check them all once.
  MLIRContext context(getRegistry());
  for (const std::string &action : getActions()) {
    PassManager pm(&context, ModuleOp::getOperationName());
    if (failed(parsePassPipeline(action, pm, llvm::errs()))) {
      llvm::errs() << "fp8-fuzz: bad action '" << action << "'\n";
      std::abort();
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1)
    return 0;
  const std::vector<std::string> &actions = getActions();
  const std::string &action = actions[data[0] % actions.size()];
  // A copy with a NUL after its end, as every string MLIR parses has (its
  // lexer reads one character past the end of a buffer that has none).
  const std::string source(reinterpret_cast<const char *>(data + 1),
                           size - 1);
  llvm::StringRef text(source);
  // What the Python package refuses (upstream parser crashes).
  constexpr size_t kMaxNestingDepth = 1000;
  if (!fp8::checkParserInput(text, kMaxNestingDepth).empty())
    return 0;

  MLIRContext context(getRegistry(), MLIRContext::Threading::DISABLED);
  context.printOpOnDiagnostic(false);
  ScopedDiagnosticHandler quiet(&context,
                                [](Diagnostic &) { return success(); });
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, ParserConfig(&context), "fuzz");
  if (!module)
    return 0;
  if (action.empty()) {
    std::string printed;
    llvm::raw_string_ostream os(printed);
    module->print(os, OpPrintingFlags().printGenericOpForm());
    module->print(os);
    return 0;
  }
  PassManager pm(&context, ModuleOp::getOperationName());
  if (failed(parsePassPipeline(action, pm, llvm::nulls())))
    std::abort();
  if (succeeded(pm.run(*module))) {
    std::string printed;
    llvm::raw_string_ostream os(printed);
    module->print(os);
  }
  return 0;
}
