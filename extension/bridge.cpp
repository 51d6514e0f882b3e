// Bridge zone. Implements bridge.h over the engine API. Nothing here includes a
// PostgreSQL header, and nothing here may ereport: every failure is an Outcome. Heap
// exhaustion never comes back here as an exception: the backend's new-handler ends it
// (oom_regime.cpp).
#include "bridge.h"

#include <sys/mman.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace pgwasm {

namespace {
// A module's imports and exports as ModuleFacts, pointing into its summary (which never
// changes once made, so the pointers stay valid as long as this object).
struct Facts {
  wasm::ModuleSummary summary;
  std::vector<std::string> types;
  std::vector<ExternEntry> imports, exports;
  ModuleFacts view{};

  explicit Facts(wasm::ModuleSummary s) : summary(std::move(s)) {
    types.reserve(summary.imports.size() + summary.exports.size());
    auto fill = [&](const std::vector<wasm::ExternDesc>& from, std::vector<ExternEntry>* to) {
      to->reserve(from.size());
      for (const wasm::ExternDesc& d : from) {
        ExternEntry e{};
        e.module = d.module.c_str();
        e.name = d.name.c_str();
        e.kind = d.kind;
        if (d.kind == wasm::ExternKind::Func) {
          e.type = "";
          e.nparams = uint32_t(d.func->params.size());
          e.nresults = uint32_t(d.func->results.size());
          e.params = d.func->params.data();
          e.results = d.func->results.data();
        } else {
          types.push_back(d.describe());
          e.type = types.back().c_str();
        }
        to->push_back(e);
      }
    };
    fill(summary.imports, &imports);
    fill(summary.exports, &exports);
    view.nimports = uint32_t(imports.size());
    view.nexports = uint32_t(exports.size());
    view.imports = imports.data();
    view.exports = exports.data();
    noteAbiVersion();
  }

  // pgwasm_abi_v<N>: a function () -> (), N a decimal without leading zeros, 1..999.
  void noteAbiVersion() {
    static const char prefix[] = "pgwasm_abi_v";
    view.abiVersion = 1;
    view.abiMarkers = 0;
    view.abiProblem = false;
    for (const ExternEntry& e : exports) {
      if (strncmp(e.name, prefix, sizeof prefix - 1) != 0) continue;
      view.abiMarkers++;
      const char* digits = e.name + sizeof prefix - 1;
      size_t n = strlen(digits);
      bool number = n >= 1 && n <= 3 && digits[0] != '0' && strspn(digits, "0123456789") == n;
      bool shape = e.kind == wasm::ExternKind::Func && e.nparams == 0 && e.nresults == 0;
      if (!number || !shape || view.abiMarkers > 1) {
        view.abiProblem = true;
        continue;
      }
      view.abiVersion = uint32_t(atoi(digits));
    }
  }
};
}  // namespace

struct CompiledModule {
  ModuleKey key;
  std::shared_ptr<const wasm::Module> module;
  std::unique_ptr<Facts> facts;
  int users = 0;  // live runtimes
};

struct Runtime {
  CompiledModule* module = nullptr;
  std::unique_ptr<wasm::Store> store;
  wasm::Instance* instance = nullptr;
  wasm::FuncRef* func = nullptr;
  wasm::FuncRef* alloc = nullptr;
  bool fuel = false;
};

namespace {

void setMessage(Outcome* out, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
void setMessage(Outcome* out, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(out->message, sizeof out->message, fmt, ap);
  va_end(ap);
}

void fromError(const wasm::Error& e, Outcome* out) {
  out->status = Outcome::EngineError;
  out->errorKind = e.kind;
  out->offset = e.offset;
  if (e.kind == wasm::ErrorKind::Trap) out->trap = wasm::TrapKind(e.trap);
  snprintf(out->message, sizeof out->message, "%s", e.message.c_str());
}

// What bridgeConfigure set, applied to the engine whenever it exists.
struct Settings {
  volatile sig_atomic_t* interruptFlag = nullptr;
  wasm::JobInterruptHandler interruptHandler = nullptr;
  uint64_t memoryCeiling = UINT64_MAX;
};
Settings& settings() {
  static Settings s;
  return s;
}

std::unique_ptr<wasm::Engine>& engineSlot() {
  static std::unique_ptr<wasm::Engine> engine;
  return engine;
}

wasm::Engine* theEngine(Outcome* out) {
  std::unique_ptr<wasm::Engine>& engine = engineSlot();
  if (!engine) {
    wasm::EngineConfig config;
    config.maxModuleBytes = uint64_t(1) << 30;  // the SQL layer applies wasm.max_module_size
    config.interruptFlag = settings().interruptFlag;
    config.interruptHandler = settings().interruptHandler;
    auto e = wasm::Engine::create(config);
    if (!e.ok()) {
      fromError(e.error(), out);
      return nullptr;
    }
    engine = e.take();
  }
  engine->setMemoryCeiling(settings().memoryCeiling);
  return engine.get();
}

std::string keyString(const ModuleKey& k) {
  std::string s(reinterpret_cast<const char*>(k.sha256), 32);
  s.push_back(k.fuel ? 'f' : '-');
  return s;
}

// The backend's compiled modules, most recently used first.
struct ModuleCache {
  std::list<std::unique_ptr<CompiledModule>> lru;
  std::unordered_map<std::string, std::list<std::unique_ptr<CompiledModule>>::iterator> index;
};
ModuleCache& cache() {
  static ModuleCache c;
  return c;
}

// Facts of modules inspected (validated) but not compiled here, by SHA-256, most
// recently used first; at most kInspected of them, with at most kInspectedEntries
// imports and exports together (a module may have 200,000 of them, each with its names;
// the newest is kept whatever its size).
constexpr size_t kInspected = 32;
constexpr size_t kInspectedEntries = 400000;
struct InspectCache {
  std::list<std::pair<std::string, std::unique_ptr<Facts>>> lru;
};
InspectCache& inspected() {
  static InspectCache c;
  return c;
}

// Adds a module to the backend's cache (or returns the one already there for key).
CompiledModule* cacheModule(const ModuleKey& key, std::shared_ptr<const wasm::Module> module) {
  ModuleCache& c = cache();
  std::string k = keyString(key);
  auto old = c.index.find(k);
  if (old != c.index.end()) return old->second->get();  // compiled meanwhile: same code
  auto m = std::make_unique<CompiledModule>();
  m->key = key;
  m->module = std::move(module);
  m->facts = std::make_unique<Facts>(m->module->summary());
  c.lru.push_front(std::move(m));
  c.index.emplace(std::move(k), c.lru.begin());
  return c.lru.front().get();
}
}  // namespace

void bridgeConfigure(volatile sig_atomic_t* interruptFlag, wasm::JobInterruptHandler handler,
                     uint64_t memoryCeiling) noexcept {
  Settings& s = settings();
  s.interruptFlag = interruptFlag;
  s.interruptHandler = handler;
  s.memoryCeiling = memoryCeiling;
  if (engineSlot()) engineSlot()->setMemoryCeiling(memoryCeiling);
}

void bridgeWarmUp() noexcept {
  Outcome out;
  theEngine(&out);  // a failure is reported by the first call that needs the engine
}

const ModuleFacts* bridgeCachedFacts(const uint8_t sha256[32]) noexcept {
  for (bool fuel : {true, false}) {
    ModuleKey key;
    memcpy(key.sha256, sha256, 32);
    key.fuel = fuel;
    if (CompiledModule* m = bridgeCachedModule(key)) return &m->facts->view;
  }
  InspectCache& c = inspected();
  std::string k(reinterpret_cast<const char*>(sha256), 32);
  for (auto it = c.lru.begin(); it != c.lru.end(); ++it) {
    if (it->first != k) continue;
    c.lru.splice(c.lru.begin(), c.lru, it);
    return &c.lru.front().second->view;
  }
  return nullptr;
}

const ModuleFacts* bridgeInspect(const uint8_t sha256[32], const uint8_t* bytes, size_t size,
                                 Outcome* out) noexcept {
  if (const ModuleFacts* f = bridgeCachedFacts(sha256)) return f;
  InspectCache& c = inspected();
  std::string k(reinterpret_cast<const char*>(sha256), 32);
  wasm::Engine* engine = theEngine(out);
  if (!engine) return nullptr;
  auto r = engine->inspect(bytes, size);
  if (!r.ok()) {
    fromError(r.error(), out);
    return nullptr;
  }
  c.lru.emplace_front(std::move(k), std::make_unique<Facts>(r.take()));
  size_t entries = 0;
  for (const auto& [key, facts] : c.lru) entries += facts->imports.size() + facts->exports.size();
  while (c.lru.size() > 1 && (c.lru.size() > kInspected || entries > kInspectedEntries)) {
    entries -= c.lru.back().second->imports.size() + c.lru.back().second->exports.size();
    c.lru.pop_back();
  }
  return &c.lru.front().second->view;
}

CompiledModule* bridgeCachedModule(const ModuleKey& key) noexcept {
  ModuleCache& c = cache();
  auto it = c.index.find(keyString(key));
  if (it == c.index.end()) return nullptr;
  c.lru.splice(c.lru.begin(), c.lru, it->second);
  return c.lru.front().get();
}

namespace {
// Compiled modules count against the engine's memory ceiling (wasm.backend_memory_limit)
// with the instances. The backend keeps modules it is not running (users == 0) for
// reuse, at most `keep` of them and at most `keepBytes` of footprint together, least
// recently used first out; `except` stays. Returns how many went.
size_t trimIdle(size_t keep, uint64_t keepBytes, const CompiledModule* except = nullptr) {
  ModuleCache& c = cache();
  size_t n = 0, dropped = 0;
  uint64_t bytes = 0;
  for (auto it = c.lru.begin(); it != c.lru.end();) {
    const CompiledModule* m = it->get();
    bool idle = m->users == 0 && m != except;
    if (idle && (++n > keep || bytes + m->module->footprint() > keepBytes)) {
      c.index.erase(keyString(m->key));
      it = c.lru.erase(it);
      dropped++;
    } else {
      if (idle) bytes += m->module->footprint();
      ++it;
    }
  }
  return dropped;
}

// Before the engine takes more memory: past half of the ceiling, the idle modules go.
void makeRoom(wasm::Engine& engine, const CompiledModule* except = nullptr) {
  if (engine.memoryInUse() > engine.memoryCeiling() / 2) trimIdle(0, 0, except);
}

// The backend's module for key, made by produce(engine) unless it is cached already;
// with `retry`, made again once the idle modules are gone if the ceiling refused it.
template <typename Produce>
CompiledModule* obtain(const ModuleKey& key, Outcome* out, bool retry, Produce produce) {
  wasm::Engine* engine = theEngine(out);
  if (!engine) return nullptr;
  if (CompiledModule* hit = bridgeCachedModule(key)) return hit;
  makeRoom(*engine);
  auto r = produce(*engine);
  if (!r.ok() && retry && r.error().kind == wasm::ErrorKind::Limit && trimIdle(0, 0) > 0) {
    auto again = produce(*engine);
    if (!again.ok()) {
      fromError(again.error(), out);
      return nullptr;
    }
    return cacheModule(key, again.take());
  }
  if (!r.ok()) {
    fromError(r.error(), out);
    return nullptr;
  }
  return cacheModule(key, r.take());
}
}  // namespace

CompiledModule* bridgeCompile(const ModuleKey& key, const uint8_t* bytes, size_t size,
                              Outcome* out) noexcept {
  return obtain(key, out, true, [&](wasm::Engine& engine) {
    wasm::CompileOptions options;
    options.fuel = key.fuel;
    return engine.compile(bytes, size, options);
  });
}

void bridgeCodeTag(bool fuel, char* buf, size_t cap) noexcept {
  Outcome out;
  wasm::Engine* engine = theEngine(&out);
  wasm::CompileOptions options;
  options.fuel = fuel;
  snprintf(buf, cap, "%s", engine ? engine->codeTag(options).c_str() : "no-engine");
}

uint8_t* bridgeSerialize(const CompiledModule* m, size_t* size) noexcept {
  std::vector<uint8_t> art = m->module->serialize();
  uint8_t* out = static_cast<uint8_t*>(malloc(art.size()));
  if (!out) return nullptr;
  memcpy(out, art.data(), art.size());
  *size = art.size();
  return out;
}

CompiledModule* bridgeLoadMappedArtifact(const ModuleKey& key, uint8_t* mapping, size_t size,
                                         void (*release)(void*), void* releaseArg, Outcome* out) noexcept {
  bool taken = false;  // by the engine, which then unmaps and releases in every case
  CompiledModule* m = obtain(key, out, false, [&](wasm::Engine& engine) {
    taken = true;
    return engine.deserializeMapped(mapping, size, release, releaseArg);
  });
  if (!taken) {
    munmap(mapping, size);
    release(releaseArg);
  }
  return m;
}

const ModuleFacts& bridgeModuleFacts(const CompiledModule* m) noexcept { return m->facts->view; }

void bridgeModuleCacheStats(size_t* entries, size_t* codeBytes) noexcept {
  ModuleCache& c = cache();
  *entries = c.lru.size();
  *codeBytes = 0;
  for (const auto& m : c.lru) *codeBytes += m->module->codeBytes();
}

void bridgeTrimModuleCache(size_t keep, const CompiledModule* except) noexcept {
  // Idle modules may hold a quarter of the ceiling; the rest is for what runs.
  wasm::Engine* engine = engineSlot().get();
  trimIdle(keep, engine ? engine->memoryCeiling() / 4 : UINT64_MAX, except);
}

void bridgeForgetModule(const ModuleKey& key) noexcept {
  ModuleCache& c = cache();
  auto it = c.index.find(keyString(key));
  if (it == c.index.end() || (*it->second)->users != 0) return;
  c.lru.erase(it->second);
  c.index.erase(it);
}

size_t bridgeSignatureText(const wasm::ValType* params, uint32_t nparams, const wasm::ValType* results,
                           uint32_t nresults, char* buf, size_t cap) noexcept {
  size_t n = 0;
  auto put = [&](const char* s) {
    int w = snprintf(n < cap ? buf + n : nullptr, n < cap ? cap - n : 0, "%s", s);
    if (w > 0) n += size_t(w);
  };
  auto list = [&](const wasm::ValType* t, uint32_t k) {
    put("(");
    for (uint32_t i = 0; i < k; i++) {
      if (i) put(", ");
      put(wasm::valTypeName(t[i]));
    }
    put(")");
  };
  if (cap) buf[0] = '\0';
  list(params, nparams);
  put(" -> ");
  if (nresults == 1) put(wasm::valTypeName(results[0]));
  else list(results, nresults);
  return n;
}

size_t bridgeEntryTypeText(const ExternEntry& e, char* buf, size_t cap) noexcept {
  if (e.kind == wasm::ExternKind::Func) return bridgeSignatureText(e.params, e.nparams, e.results, e.nresults, buf, cap);
  int w = snprintf(buf, cap, "%s", e.type);
  return w > 0 ? size_t(w) : 0;
}

ExportCheck bridgeCheckExport(const ModuleFacts& f, const char* name, const WasmSig& want, char* haveText,
                              char* wantText, size_t cap) noexcept {
  const ExternEntry* e = nullptr;
  for (uint32_t i = 0; i < f.nexports && !e; i++)
    if (strcmp(f.exports[i].name, name) == 0) e = &f.exports[i];
  if (!e) return ExportCheck::Missing;
  if (e->kind != wasm::ExternKind::Func) return ExportCheck::NotFunction;
  if (e->nparams == want.nparams && e->nresults == want.nresults &&
      memcmp(e->params, want.params, want.nparams * sizeof(wasm::ValType)) == 0 &&
      memcmp(e->results, want.results, want.nresults * sizeof(wasm::ValType)) == 0)
    return ExportCheck::Match;
  bridgeEntryTypeText(*e, haveText, cap);
  bridgeSignatureText(want.params, want.nparams, want.results, want.nresults, wantText, cap);
  return ExportCheck::Mismatch;
}

Runtime* bridgeInstantiate(CompiledModule* m, const char* func, const RuntimeLimits& limits,
                           ImportResolver resolver, void* resolverEnv, Outcome* out) noexcept {
  wasm::Engine* engine = theEngine(out);
  if (!engine) return nullptr;
  makeRoom(*engine, m);
  auto rt = std::make_unique<Runtime>();
  rt->module = m;
  rt->fuel = m->key.fuel;
  rt->store = std::make_unique<wasm::Store>(*engine, limits.stackLimit);
  wasm::Store& store = *rt->store;
  store.setMaxMemoryBytes(limits.maxMemoryBytes);
  store.setInterruptFlag(limits.interruptFlag);
  store.setInterruptHandler(limits.interruptHandler, limits.interruptEnv);
  store.setFuel(0);

  const ModuleFacts& facts = m->facts->view;
  std::vector<wasm::Extern> imports;
  imports.reserve(facts.nimports);
  for (uint32_t i = 0; i < facts.nimports; i++) {
    const ExternEntry& im = facts.imports[i];
    wasm::HostFn fn = nullptr;
    void* env = nullptr;
    char why[256] = {};
    if (im.kind != wasm::ExternKind::Func || !resolver(im, &fn, &env, resolverEnv, why, sizeof why)) {
      out->status = Outcome::EngineError;
      out->errorKind = wasm::ErrorKind::Link;
      setMessage(out, "%s", why[0] ? why : "unsupported import");
      return nullptr;
    }
    imports.push_back(wasm::Extern::ofFunc(store.newHostFunc(*m->facts->summary.imports[i].func, fn, env)));
  }
  // Instantiation may run guest code (start function, _initialize): it runs with the
  // fuel the caller gives (limits.fuel) and reports what it used.
  if (rt->fuel) store.setFuel(*limits.fuel);
  auto finish = [&](bool ok) {
    if (rt->fuel) *limits.fuel = store.fuel();
    return ok;
  };
  auto inst = store.instantiate(m->module, imports);
  if (!inst.ok()) {
    finish(false);
    fromError(inst.error(), out);
    return nullptr;
  }
  rt->instance = inst.value();
  wasm::Extern e;
  if (rt->instance->getExport("_initialize", &e) && e.kind == wasm::ExternKind::Func &&
      wasm::Store::funcType(e.func).params.empty() && wasm::Store::funcType(e.func).results.empty()) {
    wasm::CallResult r = store.call(e.func, nullptr, nullptr);
    if (!r.ok()) {
      finish(false);
      out->status = Outcome::Trap;
      out->trap = r.trap;
      setMessage(out, "_initialize: %s", wasm::trapMessage(r.trap));
      return nullptr;
    }
  }
  finish(true);
  if (!rt->instance->getExport(func, &e) || e.kind != wasm::ExternKind::Func) {
    out->status = Outcome::Usage;
    setMessage(out, "module has no exported function \"%s\"", func);
    return nullptr;
  }
  rt->func = e.func;
  if (rt->instance->getExport("pgwasm_alloc", &e) && e.kind == wasm::ExternKind::Func) {
    const wasm::FuncType& t = wasm::Store::funcType(e.func);
    if (t.params.size() == 1 && t.params[0] == wasm::ValType::I32 && t.results.size() == 1 &&
        t.results[0] == wasm::ValType::I32)
      rt->alloc = e.func;
  }
  m->users++;
  return rt.release();
}

void bridgeFreeRuntime(Runtime* rt) noexcept {
  if (!rt) return;
  rt->module->users--;
  delete rt;
}

void bridgeHoldModule(CompiledModule* m) noexcept { m->users++; }
void bridgeLetGoModule(CompiledModule* m) noexcept { m->users--; }

bool bridgeHasAllocator(const Runtime* rt) noexcept { return rt->alloc != nullptr; }

namespace {
void noteTrap(const wasm::CallResult& r, Outcome* out) {
  if (r.ok()) return;
  out->status = Outcome::Trap;
  out->trap = r.trap;
  setMessage(out, "%s", wasm::trapMessage(r.trap));
}
}  // namespace

wasm::TrapKind bridgeCall(Runtime* rt, const uint64_t* args, uint64_t* results, uint64_t* fuel) noexcept {
  return rt->store->callRaw(rt->func, args, results, rt->fuel ? fuel : nullptr).trap;
}

bool bridgePrepareCall(Runtime* rt, wasm::PreparedCall* out) noexcept {
  return rt->store->prepareCall(rt->func, out);
}

wasm::TrapKind bridgeCallFunc(Runtime* rt, GuestFunc* f, const uint64_t* args, uint64_t* results,
                              uint64_t* fuel) noexcept {
  return rt->store->callRaw(reinterpret_cast<wasm::FuncRef*>(f), args, results, rt->fuel ? fuel : nullptr).trap;
}

GuestFunc* bridgeFindFunc(Runtime* rt, const char* name, const WasmSig& sig) noexcept {
  wasm::Extern e;
  if (!rt->instance->getExport(name, &e) || e.kind != wasm::ExternKind::Func) return nullptr;
  const wasm::FuncType& t = wasm::Store::funcType(e.func);
  if (t.params.size() != sig.nparams || t.results.size() != sig.nresults) return nullptr;
  for (uint32_t i = 0; i < sig.nparams; i++)
    if (t.params[i] != sig.params[i]) return nullptr;
  for (uint32_t i = 0; i < sig.nresults; i++)
    if (t.results[i] != sig.results[i]) return nullptr;
  return reinterpret_cast<GuestFunc*>(e.func);
}

void bridgeNoteTrap(wasm::TrapKind trap, Outcome* out) noexcept { noteTrap(wasm::CallResult{trap}, out); }

uint32_t bridgeGuestAlloc(Runtime* rt, uint32_t size, uint64_t* fuel, Outcome* out) noexcept {
  if (!rt->alloc) {
    out->status = Outcome::Usage;
    setMessage(out, "module does not export pgwasm_alloc(i32) -> i32");
    return 0;
  }
  uint64_t a = size, r = 0;  // (i32) -> i32, checked when the runtime was made
  noteTrap(rt->store->callRaw(rt->alloc, &a, &r, rt->fuel ? fuel : nullptr), out);
  return out->ok() ? uint32_t(r) : 0;
}

uint8_t* bridgeMemory(Runtime* rt, uint64_t* size) noexcept {
  wasm::Memory* mem = rt->instance->memory(0);
  *size = mem ? mem->size() : 0;
  return mem ? mem->data() : nullptr;
}

const char* bridgeHostError(Runtime* rt) noexcept { return rt->store->hostError(); }

void bridgeTrapFrames(const Runtime* rt, char* buf, size_t cap) noexcept { rt->store->formatTrapFrames(buf, cap); }

}  // namespace pgwasm
