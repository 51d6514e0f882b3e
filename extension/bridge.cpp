// Bridge zone. Implements bridge.h over the engine API. Nothing here includes a
// PostgreSQL header, and nothing here may ereport: every failure is an Outcome.
#include "bridge.h"

#include <sys/mman.h>

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <list>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>

namespace pgwasm {

struct CompiledModule {
  ModuleKey key;
  std::shared_ptr<const wasm::Module> module;
  wasm::ModuleSummary summary;
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

void outOfMemory(Outcome* out) {
  out->status = Outcome::OutOfMemory;
  setMessage(out, "out of memory in the WebAssembly engine");
}

wasm::Engine* theEngine(Outcome* out) {
  static std::unique_ptr<wasm::Engine> engine;
  if (engine) return engine.get();
  wasm::EngineConfig config;
  config.maxModuleBytes = uint64_t(1) << 30;  // the SQL layer applies wasm.max_module_size
  auto e = wasm::Engine::create(config);
  if (!e.ok()) {
    fromError(e.error(), out);
    return nullptr;
  }
  engine = e.take();
  return engine.get();
}

struct KeyHash {
  size_t operator()(const std::string& k) const { return std::hash<std::string>()(k); }
};
std::string keyString(const ModuleKey& k) {
  std::string s(reinterpret_cast<const char*>(k.sha256), 32);
  s.push_back(k.fuel ? 'f' : '-');
  return s;
}

// The backend's compiled modules, most recently used first.
struct ModuleCache {
  std::list<std::unique_ptr<CompiledModule>> lru;
  std::unordered_map<std::string, std::list<std::unique_ptr<CompiledModule>>::iterator, KeyHash> index;
};
ModuleCache& cache() {
  static ModuleCache c;
  return c;
}
}  // namespace

namespace {
// Adds a module to the backend's cache (or returns the one already there for key).
CompiledModule* cacheModule(const ModuleKey& key, std::shared_ptr<const wasm::Module> module) {
  ModuleCache& c = cache();
  std::string k = keyString(key);
  auto old = c.index.find(k);
  if (old != c.index.end()) return old->second->get();  // compiled meanwhile: same code
  auto m = std::make_unique<CompiledModule>();
  m->key = key;
  m->module = std::move(module);
  m->summary = m->module->summary();
  c.lru.push_front(std::move(m));
  c.index.emplace(std::move(k), c.lru.begin());
  return c.lru.front().get();
}
}  // namespace

void bridgeWarmUp() noexcept {
  Outcome out;
  try {
    theEngine(&out);
  } catch (const std::bad_alloc&) {
    // The first call will try again and report it.
  }
}

wasm::ModuleSummary* bridgeInspect(const uint8_t* bytes, size_t size, Outcome* out) noexcept {
  try {
    wasm::Engine* engine = theEngine(out);
    if (!engine) return nullptr;
    auto r = engine->inspect(bytes, size);
    if (!r.ok()) {
      fromError(r.error(), out);
      return nullptr;
    }
    return new wasm::ModuleSummary(r.take());
  } catch (const std::bad_alloc&) {
    outOfMemory(out);
    return nullptr;
  }
}

void bridgeFreeSummary(wasm::ModuleSummary* s) noexcept { delete s; }

CompiledModule* bridgeCachedModule(const ModuleKey& key) noexcept {
  try {
    ModuleCache& c = cache();
    auto it = c.index.find(keyString(key));
    if (it == c.index.end()) return nullptr;
    c.lru.splice(c.lru.begin(), c.lru, it->second);
    return c.lru.front().get();
  } catch (const std::bad_alloc&) {
    return nullptr;  // treated as a miss
  }
}

namespace {
// The backend's module for key, made by produce(engine) unless it is cached already.
template <typename Produce>
CompiledModule* obtain(const ModuleKey& key, Outcome* out, Produce produce) {
  try {
    wasm::Engine* engine = theEngine(out);
    if (!engine) return nullptr;
    if (CompiledModule* hit = bridgeCachedModule(key)) return hit;
    auto r = produce(*engine);
    if (!r.ok()) {
      fromError(r.error(), out);
      return nullptr;
    }
    return cacheModule(key, r.take());
  } catch (const std::bad_alloc&) {
    outOfMemory(out);
    return nullptr;
  }
}
}  // namespace

CompiledModule* bridgeCompile(const ModuleKey& key, const uint8_t* bytes, size_t size,
                              Outcome* out) noexcept {
  return obtain(key, out, [&](wasm::Engine& engine) {
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
  try {
    snprintf(buf, cap, "%s", engine ? engine->codeTag(options).c_str() : "no-engine");
  } catch (const std::bad_alloc&) {
    snprintf(buf, cap, "no-memory");
  }
}

uint8_t* bridgeSerialize(const CompiledModule* m, size_t* size) noexcept {
  try {
    std::vector<uint8_t> art = m->module->serialize();
    uint8_t* out = static_cast<uint8_t*>(malloc(art.size()));
    if (!out) return nullptr;
    memcpy(out, art.data(), art.size());
    *size = art.size();
    return out;
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}

CompiledModule* bridgeLoadMappedArtifact(const ModuleKey& key, uint8_t* mapping, size_t size,
                                         void (*release)(void*), void* releaseArg, Outcome* out) noexcept {
  bool taken = false;  // by the engine, which then unmaps and releases in every case
  CompiledModule* m = obtain(key, out, [&](wasm::Engine& engine) {
    taken = true;
    return engine.deserializeMapped(mapping, size, release, releaseArg);
  });
  if (!taken) {
    munmap(mapping, size);
    release(releaseArg);
  }
  return m;
}

const wasm::ModuleSummary& bridgeModuleSummary(const CompiledModule* m) noexcept { return m->summary; }

void bridgeModuleCacheStats(size_t* entries, size_t* codeBytes) noexcept {
  ModuleCache& c = cache();
  *entries = c.lru.size();
  *codeBytes = 0;
  for (const auto& m : c.lru) *codeBytes += m->module->codeBytes();
}

void bridgeTrimModuleCache(size_t keep) noexcept {
  ModuleCache& c = cache();
  size_t n = 0;
  try {
    for (auto it = c.lru.begin(); it != c.lru.end();) {
      if (++n > keep && (*it)->users == 0) {
        c.index.erase(keyString((*it)->key));
        it = c.lru.erase(it);
      } else {
        ++it;
      }
    }
  } catch (const std::bad_alloc&) {
    // The rest stays cached until the next trim.
  }
}

void bridgeForgetModule(const ModuleKey& key) noexcept {
  try {
    ModuleCache& c = cache();
    auto it = c.index.find(keyString(key));
    if (it == c.index.end() || (*it->second)->users != 0) return;
    c.lru.erase(it->second);
    c.index.erase(it);
  } catch (const std::bad_alloc&) {
    // It stays cached until the cache trims it.
  }
}

ExportCheck bridgeCheckExport(const wasm::ModuleSummary& s, const char* name, const WasmSig& want,
                              char* haveText, char* wantText, size_t cap) noexcept {
  try {
    const wasm::ExternDesc* e = s.findExport(name);
    if (!e) return ExportCheck::Missing;
    if (e->kind != wasm::ExternKind::Func) return ExportCheck::NotFunction;
    wasm::FuncType w;
    w.params.assign(want.params, want.params + want.nparams);
    w.results.assign(want.results, want.results + want.nresults);
    if (w == e->func) return ExportCheck::Match;
    snprintf(haveText, cap, "%s", e->func.toString().c_str());
    snprintf(wantText, cap, "%s", w.toString().c_str());
    return ExportCheck::Mismatch;
  } catch (const std::bad_alloc&) {
    snprintf(haveText, cap, "?");
    snprintf(wantText, cap, "?");
    return ExportCheck::Mismatch;
  }
}

Runtime* bridgeInstantiate(CompiledModule* m, const char* func, const RuntimeLimits& limits,
                           ImportResolver resolver, void* resolverEnv, Outcome* out) noexcept {
  try {
    wasm::Engine* engine = theEngine(out);
    if (!engine) return nullptr;
    auto rt = std::make_unique<Runtime>();
    rt->module = m;
    rt->fuel = m->key.fuel;
    rt->store = std::make_unique<wasm::Store>(*engine, limits.stackLimit);
    wasm::Store& store = *rt->store;
    store.setMaxMemoryBytes(limits.maxMemoryBytes);
    store.setInterruptFlag(limits.interruptFlag);
    store.setInterruptHandler(limits.interruptHandler, limits.interruptEnv);
    store.setFuel(0);

    std::vector<wasm::Extern> imports;
    imports.reserve(m->summary.imports.size());
    for (const wasm::ExternDesc& im : m->summary.imports) {
      wasm::HostFn fn = nullptr;
      void* env = nullptr;
      char why[256] = {};
      if (im.kind != wasm::ExternKind::Func || !resolver(im, &fn, &env, resolverEnv, why, sizeof why)) {
        out->status = Outcome::EngineError;
        out->errorKind = wasm::ErrorKind::Link;
        setMessage(out, "%s", why[0] ? why : "unsupported import");
        return nullptr;
      }
      imports.push_back(wasm::Extern::ofFunc(store.newHostFunc(im.func, fn, env)));
    }
    // Instantiation may run guest code (start function, _initialize): give it the
    // limits' stack and an unbounded fuel budget; the SQL layer charges calls only.
    if (rt->fuel) store.setFuel(uint64_t(INT64_MAX));
    auto inst = store.instantiate(m->module, imports);
    if (!inst.ok()) {
      fromError(inst.error(), out);
      return nullptr;
    }
    rt->instance = inst.value();
    wasm::Extern e;
    if (rt->instance->getExport("_initialize", &e) && e.kind == wasm::ExternKind::Func &&
        wasm::Store::funcType(e.func).params.empty() && wasm::Store::funcType(e.func).results.empty()) {
      wasm::CallResult r = store.call(e.func, nullptr, nullptr);
      if (!r.ok()) {
        out->status = Outcome::Trap;
        out->trap = r.trap;
        setMessage(out, "_initialize: %s", wasm::trapMessage(r.trap));
        return nullptr;
      }
    }
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
  } catch (const std::bad_alloc&) {
    outOfMemory(out);
    return nullptr;
  }
}

void bridgeFreeRuntime(Runtime* rt) noexcept {
  if (!rt) return;
  rt->module->users--;
  delete rt;
}


bool bridgeHasAllocator(const Runtime* rt) noexcept { return rt->alloc != nullptr; }

namespace {
void callInto(Runtime* rt, wasm::FuncRef* f, const wasm::Value* args, wasm::Value* results,
              uint64_t* fuel, Outcome* out) {
  wasm::Store& store = *rt->store;
  if (rt->fuel) store.setFuel(*fuel);
  wasm::CallResult r = store.call(f, args, results);
  if (rt->fuel) *fuel = store.fuel();
  if (!r.ok()) {
    out->status = Outcome::Trap;
    out->trap = r.trap;
    setMessage(out, "%s", wasm::trapMessage(r.trap));
  }
}
}  // namespace

void bridgeCall(Runtime* rt, const uint64_t* args, uint64_t* results, uint64_t* fuel,
                Outcome* out) noexcept {
  wasm::CallResult r = rt->store->callRaw(rt->func, args, results, rt->fuel ? fuel : nullptr);
  if (!r.ok()) {
    out->status = Outcome::Trap;
    out->trap = r.trap;
    setMessage(out, "%s", wasm::trapMessage(r.trap));
  }
}

uint32_t bridgeGuestAlloc(Runtime* rt, uint32_t size, uint64_t* fuel, Outcome* out) noexcept {
  if (!rt->alloc) {
    out->status = Outcome::Usage;
    setMessage(out, "module does not export pgwasm_alloc(i32) -> i32");
    return 0;
  }
  wasm::Value a = wasm::Value::i32(size), r;
  callInto(rt, rt->alloc, &a, &r, fuel, out);
  return out->ok() ? r.asU32() : 0;
}

uint8_t* bridgeMemory(Runtime* rt, uint64_t* size) noexcept {
  wasm::Memory* mem = rt->instance->memory(0);
  *size = mem ? mem->size() : 0;
  return mem ? mem->data() : nullptr;
}

const char* bridgeHostError(Runtime* rt) noexcept { return rt->store->hostError(); }

}  // namespace pgwasm
