// Engine zone. Engine (stubs, signature interning, the compile pipeline) and Module.
#include <chrono>

#include "compiler/compiler.h"
#include "base/job.h"
#include "decoder/decoder.h"
#include "runtime/internal.h"
#include "runtime/trap_handler.h"
#include "validator/validator.h"

namespace wasm {

namespace {
std::string typeKey(const FuncType& t) {
  std::string k;
  k.reserve(t.params.size() + t.results.size() + 1);
  for (ValType v : t.params) k.push_back(char(v));
  k.push_back('\0');  // not a type byte (0x7C, f64, is '|')
  for (ValType v : t.results) k.push_back(char(v));
  return k;
}
}  // namespace

Result<std::unique_ptr<Engine>> Engine::create(const EngineConfig& config) {
  WASM_TRY(checkHostCpu());
  std::unique_ptr<Engine> e(new Engine());
  e->config_ = config;
  WASM_ASSIGN(e->stubs_, generateStubs());
  e->typeIndex_ = std::make_unique<TypeIndex>();
  return e;
}

Engine::~Engine() = default;

uint32_t Engine::internType(const FuncType& type) {
  std::string key = typeKey(type);
  auto it = typeIndex_->ids.find(key);
  if (it != typeIndex_->ids.end()) return it->second;
  uint32_t id = uint32_t(typesById_.size());
  typesById_.push_back(type);
  EntryLayout layout;
  uint32_t ni = 0, nf = 0, stackParams = 0;
  for (ValType t : type.params) {
    if (isFloat(t) && nf < 8) layout.argIndex.push_back(6 + nf++);
    else if (!isFloat(t) && ni < 6) layout.argIndex.push_back(ni++);
    else layout.argIndex.push_back(uint32_t(kArgvRegs + 1 + stackParams++));
  }
  uint32_t stackResults = type.results.empty() ? 0 : uint32_t(type.results.size()) - 1;
  layout.slots = stackParams > stackResults ? stackParams : stackResults;
  for (size_t i = 0; i < type.results.size(); i++) {
    ValType t = type.results[i];
    layout.resultIndex.push_back(i == 0 ? (isFloat(t) ? 1 : 0) : uint32_t(2 + i - 1));
    layout.resultMask.push_back(t == ValType::I32 || t == ValType::F32 ? 0xFFFFFFFFull : ~0ull);
  }
  layout.numParams = uint32_t(type.params.size());
  layout.numResults = uint32_t(type.results.size());
  typeIndex_->layouts.push_back(std::move(layout));
  typeIndex_->ids.emplace(std::move(key), id);
  return id;
}

const FuncType& Engine::typeOfId(uint32_t id) const { return typesById_[id]; }

const Engine::EntryLayout& Engine::entryLayout(uint32_t typeId) const { return typeIndex_->layouts[typeId]; }

Status Engine::validate(const uint8_t* bytes, size_t size) {
  if (size > config_.maxModuleBytes)
    return makeError(ErrorKind::Limit, kNoOffset, "module of %zu bytes exceeds the limit of %llu bytes",
                     size, (unsigned long long)config_.maxModuleBytes);
  Job job(config_, size);
  WASM_ASSIGN(std::unique_ptr<ModuleInfo> info, decodeModule(bytes, size, DecodeMode::Full, &job));
  return validateAll(*info, &job);
}

Result<std::shared_ptr<const Module>> Engine::compile(const uint8_t* bytes, size_t size,
                                                      const CompileOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  if (size > config_.maxModuleBytes)
    return makeError(ErrorKind::Limit, kNoOffset, "module of %zu bytes exceeds the limit of %llu bytes",
                     size, (unsigned long long)config_.maxModuleBytes);
  Job job(config_, size);
  WASM_ASSIGN(std::unique_ptr<ModuleInfo> info, decodeModule(bytes, size, DecodeMode::Full, &job));
  WASM_TRY(validateModule(*info, &job));
  WASM_ASSIGN(CompiledCode cc, compileModuleCode(*info, options, job));
  return finishModule(std::move(info), std::move(cc), options, t0);
}

Result<std::shared_ptr<const Module>> Engine::finishModule(std::unique_ptr<ModuleInfo> info, CompiledCode cc,
                                                           const CompileOptions& options,
                                                           std::chrono::steady_clock::time_point t0) {
  auto compiled = std::make_unique<Module::Compiled>();
  compiled->code = std::move(cc.code);
  compiled->funcOffsets = std::move(cc.funcOffsets);
  compiled->trapExitOffset = cc.trapExitOffset;
  compiled->cpuBits = cc.cpuBits;
  compiled->typeIds.reserve(info->types.size());
  for (const FuncType& t : info->types) compiled->typeIds.push_back(internType(t));
  compiled->layout = VMContextLayout::of(*info);
  if (options.boundsChecks == BoundsChecks::Guard) {
    installTrapHandler();
    uintptr_t base = uintptr_t(compiled->code.base());
    registerCodeRange(base, base + compiled->code.size(), base + cc.trapExitOffset);
    compiled->guardRegistered = true;
  }
  std::shared_ptr<Module> m(new Module());
  m->engine_ = this;
  m->options_ = options;
  m->codeSize_ = compiled->code.size();
  m->info_ = std::move(info);
  m->compiled_ = std::move(compiled);
  m->compileSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return std::shared_ptr<const Module>(std::move(m));
}

Module::~Module() = default;

Module::Compiled::~Compiled() {
  if (guardRegistered) unregisterCodeRange(uintptr_t(code.base()));
}

const FuncType& Module::funcType(uint32_t funcIndex) const { return info_->funcType(funcIndex); }

int64_t Module::findExport(std::string_view name, ExternKind kind) const {
  for (size_t i = 0; i < info_->exports.size(); i++) {
    const Export& e = info_->exports[i];
    if (e.kind == kind && e.name == name) return int64_t(i);
  }
  return -1;
}

VMContextLayout VMContextLayout::of(const ModuleInfo& m) {
  VMContextLayout l;
  l.importedGlobals = uint32_t(vmoff::kHeaderSize);
  l.definedGlobals = l.importedGlobals + 8 * m.numImportedGlobals;
  l.size = l.definedGlobals + 8 * (uint32_t(m.globals.size()) - m.numImportedGlobals);
  return l;
}

uint32_t VMContextLayout::globalOffset(const ModuleInfo& m, uint32_t i) const {
  if (i < m.numImportedGlobals) return importedGlobals + 8 * i;
  return definedGlobals + 8 * (i - m.numImportedGlobals);
}

}  // namespace wasm
