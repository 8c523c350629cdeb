//===- Compiler.cpp - MLIR behind the Python extension --------------------===//

#include "Compiler.h"

#include "fp8/Dialect/FP8/IR/FP8Dialect.h"
#include "fp8/Support/ParserGuards.h"
#include "fp8/Dialect/FP8/Utils/Target.h"
#include "fp8/InitAll.h"
#include "fp8/Transforms/Transforms.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/thread.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>

#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

using namespace mlir;

namespace fp8::python {

#ifndef FP8_MLIR_LIBRARY_DIR
#error "FP8_MLIR_LIBRARY_DIR must name the directory of the MLIR runtime libs"
#endif

const char *getMLIRLibraryDir() { return FP8_MLIR_LIBRARY_DIR; }

std::string getHostCPUTargetName() {
  return mlir::fp8::Target(mlir::fp8::getHostCPUTarget()).str();
}

//===----------------------------------------------------------------------===//
// Contexts and diagnostics
//===----------------------------------------------------------------------===//

/// What fp8-opt knows, plus the LLVM IR translations the JIT needs. Passes
/// live in a global registry: registered once.
static const DialectRegistry &getRegistry() {
  static const DialectRegistry *registry = [] {
    auto *result = new DialectRegistry();
    mlir::fp8::registerEverything(*result);
    return result;
  }();
  return *registry;
}

static std::string formatLocation(Location loc) {
  if (auto fileLoc = loc->findInstanceOf<FileLineColLoc>())
    return (fileLoc.getFilename().str() + ":" +
            std::to_string(fileLoc.getLine()) + ":" +
            std::to_string(fileLoc.getColumn()));
  std::string text;
  llvm::raw_string_ostream os(text);
  os << loc;
  return text;
}

static const char *getSeverityName(DiagnosticSeverity severity) {
  switch (severity) {
  case DiagnosticSeverity::Error:
    return "error";
  case DiagnosticSeverity::Warning:
    return "warning";
  case DiagnosticSeverity::Note:
    return "note";
  case DiagnosticSeverity::Remark:
    return "remark";
  }
  llvm_unreachable("unknown severity");
}

namespace {
/// Collects every diagnostic emitted on a context while it lives, formatted
/// as "file:line:col: error: message" with its notes on following lines.
class DiagnosticCollector {
public:
  DiagnosticCollector(MLIRContext *context, std::vector<std::string> &messages)
      : handler(context, [&messages](Diagnostic &diag) {
          std::string text = formatLocation(diag.getLocation()) + ": " +
                             getSeverityName(diag.getSeverity()) + ": " +
                             diag.str();
          for (Diagnostic &note : diag.getNotes())
            text += "\n" + formatLocation(note.getLocation()) +
                    ": note: " + note.str();
          messages.push_back(std::move(text));
          return success();
        }) {}

private:
  ScopedDiagnosticHandler handler;
};
} // namespace

//===----------------------------------------------------------------------===//
// Module
//===----------------------------------------------------------------------===//

struct Module::Impl {
  /// Shared by clones.
  std::shared_ptr<MLIRContext> context;
  OwningOpRef<ModuleOp> module;
};

Module::Module(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
Module::~Module() = default;

/// Refuses `text` (named `what`) if it nests deeper than kMaxNestingDepth
/// or holds what MLIR's parsers crash on (fp8/Support/ParserGuards.h).
static bool checkParserInput(StringRef text, const std::string &what,
                             Error &error) {
  std::string why = mlir::fp8::checkParserInput(text, kMaxNestingDepth);
  if (why.empty())
    return true;
  error.summary = "cannot parse " + what + ": " + why;
  return false;
}

/// The stack of the thread that parses and verifies: kMaxNestingDepth levels
/// of the parsers' recursion, with room to spare (sanitizer builds have
/// larger frames). Only the pages used are committed.
static constexpr unsigned kParserStackSize = 256u << 20;

std::unique_ptr<Module> Module::parse(const std::string &source,
                                      const std::string &sourceName,
                                      Error &error) {
  if (!checkParserInput(source, sourceName, error))
    return nullptr;
  auto impl = std::make_unique<Impl>();
  impl->context = std::make_shared<MLIRContext>(getRegistry());
  // Diagnostics read as fp8-opt prints them, without the op attached.
  impl->context->printOpOnDiagnostic(false);
  {
    DiagnosticCollector collector(impl->context.get(), error.diagnostics);
    llvm::thread parser(std::optional<unsigned>(kParserStackSize), [&] {
      impl->module = parseSourceString<ModuleOp>(
          source, ParserConfig(impl->context.get()), sourceName);
    });
    parser.join();
  }
  if (!impl->module) {
    error.summary = "cannot parse " + sourceName;
    return nullptr;
  }
  return std::unique_ptr<Module>(new Module(std::move(impl)));
}

std::unique_ptr<Module> Module::clone() const {
  auto copy = std::make_unique<Impl>();
  copy->context = impl->context;
  copy->module = impl->module->clone();
  return std::unique_ptr<Module>(new Module(std::move(copy)));
}

bool Module::verify(Error &error) const {
  DiagnosticCollector collector(impl->context.get(), error.diagnostics);
  if (succeeded(mlir::verify(*impl->module)))
    return true;
  error.summary = "the module does not verify";
  return false;
}

std::string Module::print(bool genericForm, bool debugInfo) const {
  OpPrintingFlags flags;
  if (genericForm)
    flags.printGenericOpForm();
  if (debugInfo)
    flags.enableDebugInfo();
  std::string text;
  llvm::raw_string_ostream os(text);
  impl->module->print(os, flags);
  return text;
}

/// Runs `pipeline` on `module` (whose context collects into `error`).
static bool runPipelineOn(ModuleOp module, StringRef pipeline, Error &error) {
  MLIRContext *context = module.getContext();
  DiagnosticCollector collector(context, error.diagnostics);
  PassManager pm(context, ModuleOp::getOperationName());
  if (!checkParserInput(pipeline, "the pass pipeline", error))
    return false;
  std::string parseErrors;
  llvm::raw_string_ostream os(parseErrors);
  StringRef trimmed = pipeline.trim();
  LogicalResult parsed = failure();
  if (trimmed.starts_with(ModuleOp::getOperationName().str() + "(")) {
    FailureOr<OpPassManager> anchored = parsePassPipeline(trimmed, os);
    if (succeeded(anchored)) {
      static_cast<OpPassManager &>(pm) = std::move(*anchored);
      parsed = success();
    }
  } else {
    parsed = parsePassPipeline(trimmed, pm, os);
  }
  if (failed(parsed)) {
    error.summary = "invalid pass pipeline '" + pipeline.str() + "'";
    if (!parseErrors.empty())
      error.diagnostics.push_back(StringRef(parseErrors).rtrim().str());
    return false;
  }
  if (succeeded(pm.run(module)))
    return true;
  error.summary = "pass pipeline '" + pipeline.str() + "' failed";
  return false;
}

bool Module::runPipeline(const std::string &pipeline, Error &error) {
  return runPipelineOn(*impl->module, pipeline, error);
}

//===----------------------------------------------------------------------===//
// Executable
//===----------------------------------------------------------------------===//

size_t getElementSize(ElementKind kind) {
  switch (kind) {
  case ElementKind::I1:
  case ElementKind::I8:
    return 1;
  case ElementKind::I16:
  case ElementKind::F16:
  case ElementKind::BF16:
    return 2;
  case ElementKind::I32:
  case ElementKind::F32:
    return 4;
  case ElementKind::I64:
  case ElementKind::F64:
    return 8;
  }
  llvm_unreachable("unknown element kind");
}

static std::optional<ElementKind> getElementKind(Type type) {
  if (mlir::fp8::isNarrowFloat(type))
    return ElementKind::I8; // codes, one byte each
  if (type.isIndex())
    return ElementKind::I64;
  if (auto integer = dyn_cast<IntegerType>(type)) {
    switch (integer.getWidth()) {
    case 1:
      return ElementKind::I1;
    case 8:
      return ElementKind::I8;
    case 16:
      return ElementKind::I16;
    case 32:
      return ElementKind::I32;
    case 64:
      return ElementKind::I64;
    default:
      return std::nullopt;
    }
  }
  if (type.isF16())
    return ElementKind::F16;
  if (type.isBF16())
    return ElementKind::BF16;
  if (type.isF32())
    return ElementKind::F32;
  if (type.isF64())
    return ElementKind::F64;
  return std::nullopt;
}

static std::string typeToString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << type;
  return text;
}

/// How `type` crosses the call boundary, or nullopt.
static std::optional<ValueType> getValueType(Type type) {
  ValueType result;
  Type element = type;
  if (auto tensor = dyn_cast<RankedTensorType>(type)) {
    if (tensor.getEncoding())
      return std::nullopt;
    result.isShaped = true;
    element = tensor.getElementType();
    result.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  } else if (auto memref = dyn_cast<MemRefType>(type)) {
    if (!memref.getLayout().isIdentity())
      return std::nullopt;
    result.isShaped = true;
    result.isMemRef = true;
    element = memref.getElementType();
    result.shape.assign(memref.getShape().begin(), memref.getShape().end());
  }
  std::optional<ElementKind> kind = getElementKind(element);
  if (!kind)
    return std::nullopt;
  result.element = *kind;
  result.elementName = typeToString(element);
  for (int64_t &size : result.shape)
    if (ShapedType::isDynamic(size))
      size = -1;
  return result;
}

namespace {
/// Union-find over the dimensions of a function's shaped values (and the
/// index values that hold sizes), with what the function's ops require of
/// them (SizeConstraints).
class SizeAnalysis {
public:
  explicit SizeAnalysis(func::FuncOp func) {
    func.walk([&](Operation *op) { visit(op); });
    SizeConstraints &result = constraints;
    llvm::DenseMap<int, int> classes;
    auto getClass = [&](int node) {
      int root = find(node);
      auto [it, inserted] = classes.try_emplace(root, classes.size());
      if (inserted)
        result.staticSize.push_back(sizes[root]);
      return it->second;
    };
    for (BlockArgument argument : func.getArguments()) {
      std::vector<int> dims;
      if (auto shaped = dyn_cast<ShapedType>(argument.getType());
          shaped && shaped.hasRank())
        for (int64_t d = 0; d < shaped.getRank(); ++d)
          dims.push_back(getClass(dim(argument, d)));
      result.classOf.push_back(std::move(dims));
    }
    for (auto [input, scale, block] : blocked)
      result.blocked.push_back({getClass(input), getClass(scale), block});
  }

  SizeConstraints constraints;

private:
  /// The node of dimension `d` of `value` (d = -1: an index value).
  int node(const void *key, int64_t d) {
    auto [it, inserted] = nodes.try_emplace({key, d}, parents.size());
    if (inserted) {
      parents.push_back(parents.size());
      sizes.push_back(-1);
    }
    return it->second;
  }
  int dim(Value value, int64_t d) {
    int id = node(value.getAsOpaquePointer(), d);
    if (auto shaped = dyn_cast<ShapedType>(value.getType());
        shaped && shaped.hasRank() && d < shaped.getRank() &&
        !shaped.isDynamicDim(d))
      sizes[find(id)] = shaped.getDimSize(d);
    return id;
  }
  int index(Value value) { return node(value.getAsOpaquePointer(), -1); }
  int find(int id) {
    while (parents[id] != id)
      id = parents[id] = parents[parents[id]];
    return id;
  }
  void unite(int a, int b) {
    a = find(a), b = find(b);
    if (a == b)
      return;
    parents[b] = a;
    if (sizes[a] < 0)
      sizes[a] = sizes[b];
  }
  static int64_t getRank(Value value) {
    auto shaped = dyn_cast<ShapedType>(value.getType());
    return shaped && shaped.hasRank() ? shaped.getRank() : -1;
  }
  /// `a` and `b` have the same shape (if both are ranked, of one rank).
  void uniteShapes(Value a, Value b) {
    if (!a || !b || getRank(a) < 0 || getRank(a) != getRank(b))
      return;
    for (int64_t d = 0; d < getRank(a); ++d)
      unite(dim(a, d), dim(b, d));
  }
  /// `scale` (or amax) has shape ceildiv(shape of `input`, `block`).
  void addBlocked(Value input, Value scale,
                  std::optional<ArrayRef<int64_t>> block) {
    if (!block || getRank(input) < 0 || getRank(input) != getRank(scale) ||
        static_cast<int64_t>(block->size()) != getRank(input))
      return;
    for (auto [d, size] : llvm::enumerate(*block)) {
      if (size == 1)
        unite(dim(input, d), dim(scale, d));
      else if (size > 1)
        blocked.push_back({dim(input, d), dim(scale, d), size});
    }
  }

  void visitScaledMatmul(mlir::fp8::ScaledMatmulOp op) {
    Value lhs = op.getLhs(), rhs = op.getRhs(), result = op.getResult();
    int64_t rank = getRank(lhs);
    if (rank < 2 || getRank(rhs) != rank || getRank(result) != rank)
      return;
    bool transposed = op.getRhsTransposed();
    for (int64_t d = 0; d + 2 < rank; ++d) {
      unite(dim(lhs, d), dim(rhs, d));
      unite(dim(lhs, d), dim(result, d));
    }
    int64_t rhsK = transposed ? rank - 1 : rank - 2;
    int64_t rhsN = transposed ? rank - 2 : rank - 1;
    unite(dim(lhs, rank - 1), dim(rhs, rhsK));
    unite(dim(lhs, rank - 2), dim(result, rank - 2));
    unite(dim(rhs, rhsN), dim(result, rank - 1));
    if (Value bias = op.getBias()) {
      if (getRank(bias) == 1)
        unite(dim(bias, 0), dim(result, rank - 1));
      else
        uniteShapes(bias, result);
    }
    addBlocked(lhs, op.getLhsScale(), op.getLhsBlock());
    addBlocked(rhs, op.getRhsScale(), op.getRhsBlock());
  }

  void visit(Operation *op) {
    if (auto matmul = dyn_cast<mlir::fp8::ScaledMatmulOp>(op))
      return visitScaledMatmul(matmul);
    if (auto quantize = dyn_cast<mlir::fp8::QuantizeOp>(op)) {
      uniteShapes(quantize.getInput(), quantize.getOutput());
      uniteShapes(quantize.getInput(), quantize.getRandomBits());
      return addBlocked(quantize.getInput(), quantize.getScale(),
                        quantize.getBlock());
    }
    if (auto dequantize = dyn_cast<mlir::fp8::DequantizeOp>(op)) {
      uniteShapes(dequantize.getInput(), dequantize.getOutput());
      return addBlocked(dequantize.getInput(), dequantize.getScale(),
                        dequantize.getBlock());
    }
    if (auto amax = dyn_cast<mlir::fp8::AmaxOp>(op))
      return addBlocked(amax.getInput(), amax.getResult(), amax.getBlock());
    if (auto dimOp = dyn_cast<tensor::DimOp>(op)) {
      if (std::optional<int64_t> d = dimOp.getConstantIndex())
        unite(index(dimOp.getResult()), dim(dimOp.getSource(), *d));
      return;
    }
    if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
      unsigned next = 0;
      for (int64_t d = 0; d < empty.getType().getRank(); ++d)
        if (empty.getType().isDynamicDim(d))
          unite(dim(empty.getResult(), d),
                index(empty.getDynamicSizes()[next++]));
      return;
    }
    if (isa<tensor::CastOp>(op))
      return uniteShapes(op->getOperand(0), op->getResult(0));
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      // Operand dimensions indexed by the same loop are equal.
      for (OpOperand &operand : op->getOpOperands()) {
        if (getRank(operand.get()) < 0)
          continue;
        AffineMap map = linalgOp.getMatchingIndexingMap(&operand);
        for (auto [d, expr] : llvm::enumerate(map.getResults()))
          if (auto loop = dyn_cast<AffineDimExpr>(expr))
            unite(node(op, loop.getPosition()), dim(operand.get(), d));
      }
    }
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(op)) {
      for (OpResult result : op->getResults())
        uniteShapes(result, dps.getTiedOpOperand(result)->get());
      return;
    }
    if (op->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
        op->hasTrait<OpTrait::SameOperandsAndResultType>() ||
        op->hasTrait<OpTrait::SameOperandsShape>() ||
        OpTrait::hasElementwiseMappableTraits(op)) {
      // Every operand and result of the same rank (scalars are broadcast).
      Value first;
      for (Value value : llvm::concat<Value>(op->getOperands(),
                                             op->getResults())) {
        if (getRank(value) < 0)
          continue;
        if (!first)
          first = value;
        uniteShapes(first, value);
      }
    }
  }

  llvm::DenseMap<std::pair<const void *, int64_t>, int> nodes;
  std::vector<int> parents;
  std::vector<int64_t> sizes;
  std::vector<std::tuple<int, int, int64_t>> blocked;
};
} // namespace

static Signature getSignature(func::FuncOp func) {
  Signature signature;
  signature.name = func.getSymName().str();
  auto collect = [&](TypeRange types, std::vector<ValueType> &into,
                     const char *what) {
    for (auto [index, type] : llvm::enumerate(types)) {
      if (std::optional<ValueType> valueType = getValueType(type)) {
        into.push_back(*valueType);
        continue;
      }
      if (signature.unsupported.empty())
        signature.unsupported =
            std::string(what) + " #" + std::to_string(index) + " has type " +
            typeToString(type) + ", which cannot be passed from Python";
    }
  };
  collect(func.getArgumentTypes(), signature.arguments, "argument");
  collect(func.getResultTypes(), signature.results, "result");
  signature.sizes = SizeAnalysis(func).constraints;
  return signature;
}

/// Linux gives a process the AMX tile data state only when it asks
/// (arch_prctl(ARCH_REQ_XCOMP_PERM, XFEATURE_XTILEDATA)); code for
/// target=amx, which target=host is on AMX CPUs, raises SIGILL without it.
/// libfp8_runtime.so asks when it is loaded; an Executable asks too, in case
/// it is created without that library. Fails quietly where there is no AMX.
static void requestAMXTileData() {
#if defined(__linux__) && defined(__x86_64__)
  constexpr long kArchReqXCompPerm = 0x1023;
  constexpr long kXFeatureXTileData = 18;
  (void)syscall(SYS_arch_prctl, kArchReqXCompPerm, kXFeatureXTileData);
#endif
}

struct Executable::Impl {
  std::unique_ptr<ExecutionEngine> engine;
  /// The thread count of each call's parallel regions, 0 for the OpenMP
  /// runtime's own, and the runtime's functions that set it.
  unsigned threads = 0;
  void (*setNumThreads)(int) = nullptr;
  int (*getMaxThreads)() = nullptr;
};

Executable::~Executable() = default;

std::unique_ptr<Executable>
Executable::create(const Module &module, const std::string &pipeline,
                   unsigned optLevel,
                   const std::vector<std::string> &sharedLibs, unsigned threads,
                   Error &error) {
  static std::once_flag nativeTarget;
  std::call_once(nativeTarget, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    requestAMXTileData();
  });
  if (optLevel > 3) {
    error.summary = "opt_level must be 0, 1, 2 or 3";
    return nullptr;
  }
  for (const std::string &library : sharedLibs) {
    if (!llvm::sys::fs::exists(library)) {
      error.summary = "shared library '" + library + "' does not exist";
      return nullptr;
    }
  }

  auto executable = std::unique_ptr<Executable>(new Executable());
  for (auto func : module.getImpl().module->getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      executable->signatures.push_back(getSignature(func));

  std::unique_ptr<Module> lowered = module.clone();
  ModuleOp loweredOp = *lowered->getImpl().module;
  // The caller's arrays are passed as they are: the code must not write
  // into them.
  for (auto func : loweredOp.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    for (auto [index, type] : llvm::enumerate(func.getArgumentTypes()))
      if (isa<TensorType>(type))
        func.setArgAttr(index,
                        bufferization::BufferizationDialect::kWritableAttrName,
                        BoolAttr::get(func.getContext(), false));
  }
  if (!runPipelineOn(loweredOp, pipeline, error))
    return nullptr;

  DiagnosticCollector collector(loweredOp.getContext(), error.diagnostics);
  // What the pipeline left outside LLVM would only fail in translation, with
  // a message that names no op.
  if (failed(mlir::fp8::verifyLoweredToLLVM(loweredOp))) {
    error.summary = "cannot compile the lowered module: pass pipeline '" +
                    pipeline + "' did not lower everything to the LLVM dialect";
    return nullptr;
  }
  auto transformer = makeOptimizingTransformer(optLevel, /*sizeLevel=*/0,
                                               /*targetMachine=*/nullptr);
  SmallVector<StringRef> libraries(sharedLibs.begin(), sharedLibs.end());
  ExecutionEngineOptions options;
  options.transformer = transformer;
  options.jitCodeGenOptLevel = static_cast<llvm::CodeGenOptLevel>(optLevel);
  options.sharedLibPaths = libraries;
  auto engine = ExecutionEngine::create(loweredOp, options);
  if (!engine) {
    error.summary = "cannot compile the lowered module: " +
                    llvm::toString(engine.takeError());
    return nullptr;
  }
  executable->impl = std::make_unique<Impl>();
  executable->impl->engine = std::move(*engine);
  executable->impl->engine->initialize();
  // The OpenMP runtime the engine loaded (libomp.so), not another one the
  // process may hold under the same names (PyTorch's libgomp).
  Impl &impl = *executable->impl;
  for (const std::string &library : sharedLibs) {
    auto loaded = llvm::sys::DynamicLibrary::getPermanentLibrary(
        library.c_str(), /*errMsg=*/nullptr);
    if (!loaded.isValid())
      continue;
    impl.setNumThreads = reinterpret_cast<void (*)(int)>(
        loaded.getAddressOfSymbol("omp_set_num_threads"));
    impl.getMaxThreads = reinterpret_cast<int (*)()>(
        loaded.getAddressOfSymbol("omp_get_max_threads"));
    if (impl.setNumThreads && impl.getMaxThreads)
      break;
  }
  if (!executable->setThreads(threads, error))
    return nullptr;
  return executable;
}

namespace {
/// Where a value lives in the packed result: LLVM's struct layout on the
/// host (fields at their natural alignment). A memref is the descriptor
/// {allocated, aligned, offset, sizes[rank], strides[rank]}.
struct FieldLayout {
  size_t size;
  size_t align;
};
} // namespace

static FieldLayout getFieldLayout(const ValueType &type) {
  if (type.isShaped)
    return {3 * 8 + 2 * 8 * type.shape.size(), 8};
  size_t size = getElementSize(type.element);
  return {size, size};
}

static std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ", ";
    text += shape[i] < 0 ? "?" : std::to_string(shape[i]);
  }
  return text + (shape.size() == 1 ? ",)" : ")");
}

/// The number of elements of `sizes`.
static int64_t getElementCount(const std::vector<int64_t> &sizes) {
  int64_t count = 1;
  for (int64_t size : sizes)
    count *= size;
  return count;
}

/// The C-contiguous strides of `sizes`.
static std::vector<int64_t>
getContiguousStrides(const std::vector<int64_t> &sizes) {
  std::vector<int64_t> strides(sizes.size());
  int64_t stride = 1;
  for (size_t d = sizes.size(); d-- > 0;) {
    strides[d] = stride;
    stride *= sizes[d];
  }
  return strides;
}

/// Makes `result` (a view of memory the caller may not keep) a view of a new
/// C-contiguous copy: one memcpy when the view is contiguous.
static void copyIntoNewBuffer(Result &result, size_t elementSize) {
  int64_t count = getElementCount(result.shape);
  std::vector<int64_t> contiguous = getContiguousStrides(result.shape);
  // malloc(0) may return null, which would read as no buffer.
  auto *bytes = static_cast<uint8_t *>(
      std::malloc(std::max<size_t>(count * elementSize, 1)));
  const auto *base = static_cast<const uint8_t *>(result.data);
  bool isContiguous = true;
  for (size_t d = 0; d < result.shape.size(); ++d)
    isContiguous &= result.shape[d] == 1 || result.strides[d] == contiguous[d];
  if (count == 0) {
    // Nothing to copy (and `base` may be anything).
  } else if (isContiguous) {
    std::memcpy(bytes, base, count * elementSize);
  } else {
    size_t rank = result.shape.size();
    std::vector<int64_t> index(rank, 0);
    int64_t offset = 0;
    for (int64_t i = 0; i < count; ++i) {
      std::memcpy(bytes + i * elementSize, base + offset * elementSize,
                  elementSize);
      for (size_t d = rank; d-- > 0;) {
        offset += result.strides[d];
        if (++index[d] < result.shape[d])
          break;
        offset -= result.strides[d] * result.shape[d];
        index[d] = 0;
      }
    }
  }
  result.data = bytes;
  result.strides = std::move(contiguous);
  result.buffer = std::shared_ptr<void>(bytes, std::free);
}

/// Checks `arguments` against `signature`: element sizes, ranks, static
/// sizes, and the sizes the function's ops require of the dynamic ones
/// (SizeConstraints), which the compiled code trusts.
static bool checkArguments(const Signature &signature,
                           const std::vector<Argument> &arguments,
                           Error &error) {
  std::string where = "@" + signature.name + " argument #";
  auto fail = [&](std::string message) {
    error.summary = std::move(message);
    error.isBadArgument = true;
    return false;
  };
  for (auto [index, type] : llvm::enumerate(signature.arguments)) {
    const Argument &argument = arguments[index];
    size_t elementSize = getElementSize(type.element);
    if (argument.elementSize != elementSize)
      return fail(where + std::to_string(index) + ": expected elements of " +
                  std::to_string(elementSize) + " bytes (" + type.elementName +
                  "), got " + std::to_string(argument.elementSize));
    if (!type.isShaped) {
      if (!argument.shape.empty())
        return fail(where + std::to_string(index) + ": expected a scalar, got "
                    "an array of shape " + formatShape(argument.shape));
      continue;
    }
    bool shapeMatches = argument.shape.size() == type.shape.size();
    for (size_t d = 0; shapeMatches && d < type.shape.size(); ++d)
      shapeMatches = type.shape[d] < 0 || type.shape[d] == argument.shape[d];
    if (!shapeMatches)
      return fail(where + std::to_string(index) + ": expected shape " +
                  formatShape(type.shape) + ", got " +
                  formatShape(argument.shape));
    for (int64_t size : argument.shape)
      if (size < 0)
        return fail(where + std::to_string(index) + ": negative size in " +
                    formatShape(argument.shape));
  }

  // The size of each class of dimensions, and the first argument dimension
  // that gave it.
  const SizeConstraints &constraints = signature.sizes;
  std::vector<int64_t> sizes = constraints.staticSize;
  std::vector<std::pair<size_t, size_t>> givenBy(
      sizes.size(), {SIZE_MAX, SIZE_MAX});
  auto describe = [&](size_t index, size_t d) {
    return "argument #" + std::to_string(index) + " dimension " +
           std::to_string(d) + " (of shape " +
           formatShape(arguments[index].shape) + ")";
  };
  for (auto [index, classes] : llvm::enumerate(constraints.classOf)) {
    if (!signature.arguments[index].isShaped)
      continue;
    for (auto [d, id] : llvm::enumerate(classes)) {
      int64_t size = arguments[index].shape[d];
      if (sizes[id] < 0) {
        sizes[id] = size;
        givenBy[id] = {index, d};
        continue;
      }
      if (sizes[id] == size)
        continue;
      std::string message = "@" + signature.name + ": " +
                            describe(index, d) + " is " +
                            std::to_string(size) + ", but ";
      if (givenBy[id].first == SIZE_MAX)
        message += "the function needs " + std::to_string(sizes[id]);
      else
        message += describe(givenBy[id].first, givenBy[id].second) + " is " +
                   std::to_string(sizes[id]) + " and the function needs them "
                   "equal";
      return fail(std::move(message));
    }
  }
  for (const SizeConstraints::Blocked &blocked : constraints.blocked) {
    int64_t input = sizes[blocked.inputClass],
            scale = sizes[blocked.scaleClass];
    if (input < 0 || scale < 0)
      continue;
    int64_t expected = (input + blocked.block - 1) / blocked.block;
    if (scale == expected)
      continue;
    auto name = [&](int id, int64_t size) {
      if (givenBy[id].first == SIZE_MAX)
        return std::to_string(size);
      return describe(givenBy[id].first, givenBy[id].second) + " = " +
             std::to_string(size);
    };
    return fail("@" + signature.name + ": the scale size " +
                name(blocked.scaleClass, scale) + " should be ceildiv(" +
                name(blocked.inputClass, input) + ", block " +
                std::to_string(blocked.block) + ") = " +
                std::to_string(expected));
  }
  return true;
}

bool Executable::setThreads(unsigned threads, Error &error) {
  if (threads > 0 && (!impl->setNumThreads || !impl->getMaxThreads)) {
    error.summary = "threads=" + std::to_string(threads) +
                    " needs the OpenMP runtime (libomp.so) among the shared "
                    "libraries";
    return false;
  }
  impl->threads = threads;
  return true;
}

unsigned Executable::getThreads() const { return impl->threads; }

bool Executable::invoke(const std::string &name,
                        std::vector<Argument> &arguments,
                        std::vector<Result> &results, Error &error) {
  auto it = llvm::find_if(signatures, [&](const Signature &signature) {
    return signature.name == name;
  });
  if (it == signatures.end()) {
    error.summary = "no public function @" + name + " in the module";
    return false;
  }
  const Signature &signature = *it;
  if (!signature.unsupported.empty()) {
    error.summary = "@" + name + ": " + signature.unsupported;
    return false;
  }
  if (arguments.size() != signature.arguments.size()) {
    error.summary = "@" + name + " takes " +
                    std::to_string(signature.arguments.size()) +
                    " arguments, got " + std::to_string(arguments.size());
    return false;
  }

  if (!checkArguments(signature, arguments, error))
    return false;

  // One 8-byte slot per LLVM-level argument (memrefs are expanded into
  // their descriptor fields), and a pointer to each for the packed call.
  size_t slotCount = 0;
  for (const ValueType &type : signature.arguments)
    slotCount += type.isShaped ? 3 + 2 * type.shape.size() : 1;
  std::vector<uint64_t> slots(slotCount, 0);
  std::vector<void *> packed;
  size_t slot = 0;
  for (auto [index, type] : llvm::enumerate(signature.arguments)) {
    Argument &argument = arguments[index];
    if (!type.isShaped) {
      std::memcpy(&slots[slot++], argument.data, getElementSize(type.element));
      continue;
    }
    auto pointer = reinterpret_cast<uintptr_t>(argument.data);
    slots[slot++] = pointer; // allocated
    slots[slot++] = pointer; // aligned
    slots[slot++] = 0;       // offset
    for (int64_t size : argument.shape)
      slots[slot++] = size;
    for (int64_t stride : getContiguousStrides(argument.shape))
      slots[slot++] = stride;
  }
  for (uint64_t &value : slots)
    packed.push_back(&value);

  // The packed wrapper stores the result (one value, or a struct of them).
  std::vector<size_t> offsets;
  size_t resultSize = 0;
  for (const ValueType &type : signature.results) {
    FieldLayout layout = getFieldLayout(type);
    resultSize = (resultSize + layout.align - 1) / layout.align * layout.align;
    offsets.push_back(resultSize);
    resultSize += layout.size;
  }
  std::vector<uint64_t> resultStorage((resultSize + 7) / 8 + 1, 0);
  if (!signature.results.empty())
    packed.push_back(resultStorage.data());

  // The thread count is the calling thread's (an OpenMP ICV): set for the
  // call, then restored.
  int previousThreads = 0;
  if (impl->threads > 0) {
    previousThreads = impl->getMaxThreads();
    impl->setNumThreads(static_cast<int>(impl->threads));
  }
  llvm::scope_exit restoreThreads([&] {
    if (impl->threads > 0)
      impl->setNumThreads(previousThreads);
  });
  if (llvm::Error callError = impl->engine->invokePacked(name, packed)) {
    error.summary =
        "cannot call @" + name + ": " + llvm::toString(std::move(callError));
    return false;
  }

  // The buffers the code allocated (with malloc, as memref.alloc lowers) are
  // the results' to free; buffers of constants (0xdeadbeef) and of the
  // caller's arguments are not, and results in them are copied.
  auto *storage = reinterpret_cast<uint8_t *>(resultStorage.data());
  std::map<void *, std::shared_ptr<void>> owned;
  auto isOwned = [&](void *allocated) {
    if (!allocated ||
        allocated == reinterpret_cast<void *>(uintptr_t(0xdeadbeef)))
      return false;
    return llvm::none_of(arguments, [&](const Argument &argument) {
      return argument.data == allocated;
    });
  };
  for (auto [index, type] : llvm::enumerate(signature.results)) {
    const uint8_t *field = storage + offsets[index];
    Result result;
    size_t elementSize = getElementSize(type.element);
    if (!type.isShaped) {
      std::memcpy(&result.scalar, field, elementSize);
      results.push_back(std::move(result));
      continue;
    }
    void *allocated, *aligned;
    int64_t offset;
    size_t rank = type.shape.size();
    result.shape.resize(rank);
    result.strides.resize(rank);
    std::memcpy(&allocated, field, 8);
    std::memcpy(&aligned, field + 8, 8);
    std::memcpy(&offset, field + 16, 8);
    std::memcpy(result.shape.data(), field + 24, 8 * rank);
    std::memcpy(result.strides.data(), field + 24 + 8 * rank, 8 * rank);
    result.data = static_cast<uint8_t *>(aligned) + offset * elementSize;
    // The first result in a buffer takes it (a view of nothing need not);
    // others in the same buffer are copies, so that no two results alias.
    if (isOwned(allocated)) {
      auto [it, inserted] = owned.try_emplace(allocated);
      if (inserted) {
        it->second = std::shared_ptr<void>(allocated, std::free);
        if (getElementCount(result.shape) != 0)
          result.buffer = it->second;
      }
    }
    if (!result.buffer)
      copyIntoNewBuffer(result, elementSize);
    results.push_back(std::move(result));
  }
  // Buffers no result holds are freed with `owned`.
  return true;
}

} // namespace fp8::python
