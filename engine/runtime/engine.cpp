// Engine zone. Engine (stubs, signature interning, the compile pipeline) and Module.
#include <chrono>

#include "compiler/compiler.h"
#include "base/job.h"
#include "decoder/decoder.h"
#include "runtime/internal.h"
#include "runtime/trap_handler.h"
#include "runtime/type_registry.h"
#include "validator/validator.h"

namespace wasm {

Result<std::unique_ptr<Engine>> Engine::create(const EngineConfig& config) {
  WASM_TRY(checkHostCpu());
  std::unique_ptr<Engine> e(new Engine());
  e->config_ = config;
  WASM_ASSIGN(e->stubs_, generateStubs());
  e->types_ = std::make_shared<TypeRegistry>();
  e->ceiling_ = std::make_shared<MemoryCeiling>();
  return e;
}

Engine::~Engine() = default;

uint32_t Engine::internType(const FuncType& type) { return types_->intern(type); }
void Engine::releaseType(uint32_t id) { types_->release(id); }
size_t Engine::liveTypes() const { return types_->live(); }

const FuncType& Engine::typeOfId(uint32_t id) const { return types_->type(id); }

void Engine::setMemoryCeiling(uint64_t bytes) { ceiling_->limit.store(bytes, std::memory_order_relaxed); }
uint64_t Engine::memoryCeiling() const { return ceiling_->limit.load(std::memory_order_relaxed); }
uint64_t Engine::memoryInUse() const { return ceiling_->inUse.load(std::memory_order_relaxed); }

const Engine::EntryLayout& Engine::entryLayout(uint32_t typeId) const { return types_->layout(typeId); }

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
  return finishModule(std::move(info), std::move(cc), options, job, t0);
}

Result<std::shared_ptr<const Module>> Engine::finishModule(std::unique_ptr<ModuleInfo> info, CompiledCode cc,
                                                           const CompileOptions& options, Job& job,
                                                           std::chrono::steady_clock::time_point t0) {
  // The module's footprint is taken from the ceiling before it is made (and given back
  // when it goes): what a backend caches counts with what its instances hold.
  uint64_t footprint = uint64_t(cc.code.size()) + moduleInfoFootprint(*info);
  if (!ceiling_->take(footprint))
    return makeError(ErrorKind::Limit, kNoOffset,
                     "the module needs %llu bytes of memory (machine code and decoded form), which exceeds "
                     "the engine's memory ceiling (%llu bytes left)",
                     (unsigned long long)footprint, (unsigned long long)ceiling_->left());
  std::shared_ptr<Module> m(new Module());
  m->footprint_ = footprint;
  m->ceiling_ = ceiling_;
  auto compiled = std::make_unique<Module::Compiled>();
  compiled->code = std::move(cc.code);
  compiled->funcOffsets = std::move(cc.funcOffsets);
  compiled->trapExitOffset = cc.trapExitOffset;
  compiled->cpuBits = cc.cpuBits;
  compiled->types = types_;
  compiled->typeIds.reserve(info->types.size());
  for (size_t i = 0; i < info->types.size(); i++) {
    if ((i & 4095) == 4095 && !job.poll()) return job.interruptedError();
    compiled->typeIds.push_back(types_->intern(info->types[i]));
  }
  compiled->layout = VMContextLayout::of(*info);
  if (options.boundsChecks == BoundsChecks::Guard) {
    installTrapHandler();
    uintptr_t base = uintptr_t(compiled->code.base());
    registerCodeRange(base, base + compiled->code.size(), base + cc.trapExitOffset);
    compiled->guardRegistered = true;
  }
  m->engine_ = this;
  m->options_ = options;
  m->codeSize_ = compiled->code.size();
  m->info_ = std::move(info);
  m->compiled_ = std::move(compiled);
  m->compileSeconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return std::shared_ptr<const Module>(std::move(m));
}

Module::~Module() {
  if (ceiling_) ceiling_->give(footprint_);
}

Module::Compiled::~Compiled() {
  if (guardRegistered) unregisterCodeRange(uintptr_t(code.base()));
  for (uint32_t id : typeIds) types->release(id);
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
