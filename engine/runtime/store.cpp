// Engine zone. Store: limits, host objects, and calls into Wasm through the entry
// trampoline (argument marshalling follows CallLayout).
#include <pthread.h>

#include <cstdio>

#include "runtime/internal.h"
#include "runtime/type_registry.h"

namespace wasm {

namespace {
volatile sig_atomic_t kNeverInterrupted = 0;
constexpr uintptr_t kStackHeadroom = 256 * 1024;  // for host functions and signal handlers

inline uint64_t narrow(ValType t, uint64_t bits) {
  return (t == ValType::I32 || t == ValType::F32) ? (bits & 0xFFFFFFFFu) : bits;
}
}  // namespace

namespace {
uintptr_t computeStackLimit() {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
  }
  if (addr && size > 2 * kStackHeadroom) return uintptr_t(addr) + kStackHeadroom;
  return uintptr_t(__builtin_frame_address(0)) - 1024 * 1024;
}
}  // namespace

// Once per thread: for the main thread glibc finds the stack by parsing /proc/self/maps,
// which costs more than everything else in making a Store (hundreds of microseconds in a
// PostgreSQL backend, whose maps list grows with every module and memory it maps).
uintptr_t defaultStackLimit() {
  thread_local uintptr_t limit = computeStackLimit();
  return limit;
}

Store::Store(Engine& engine) : Store(engine, defaultStackLimit()) {}

Store::Store(Engine& engine, uintptr_t stackLimit)
    : engine_(&engine), hot_(std::make_unique<Hot>()), entry_(engine.stubs().entry) {
  hot_->store = this;
  hot_->interrupt = &kNeverInterrupted;
  hot_->stackLimit = stackLimit;
  hot_->trapLanding = engine.stubs().trapLanding;
  hot_->traceTrap = pgwasm_trap_trace;
  hostFuncs_ = std::make_unique<HostFuncs>();
  account_ = std::make_unique<MemoryAccount>();
  account_->ceiling = engine.ceiling_.get();
}

Store::~Store() {
  for (const auto& f : hostFuncs_->funcs) engine_->releaseType(f->ref.typeId);
}

uint64_t MemoryAccount::left() const {
  uint64_t store = used >= limit ? 0 : limit - used;
  uint64_t all = ceiling->left();
  return store < all ? store : all;
}

bool MemoryAccount::take(uint64_t bytes, const char** which) {
  if (used + bytes > limit || used + bytes < used) {
    if (which) *which = "the memory limit";
    return false;
  }
  if (!ceiling->take(bytes)) {
    if (which) *which = "the engine's memory ceiling";
    return false;
  }
  used += bytes;
  return true;
}

void MemoryAccount::give(uint64_t bytes) {
  used -= bytes;
  ceiling->give(bytes);
}

bool MemoryAccount::takeOverhead(uint64_t bytes) { return ceiling->take(bytes); }

void MemoryAccount::giveOverhead(uint64_t bytes) { ceiling->give(bytes); }

void Store::setMaxMemoryBytes(uint64_t bytes) { account_->limit = bytes; }
uint64_t Store::maxMemoryBytes() const { return account_->limit; }
uint64_t Store::memoryInUse() const { return account_->used; }

void Store::setHostError(const char* message) noexcept {
  snprintf(hostError_, sizeof hostError_, "%s", message ? message : "");
}

void Store::setFuel(uint64_t fuel) {
  hot_->fuel = fuel > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(fuel);
}

uint64_t Store::fuel() const { return hot_->fuel > 0 ? uint64_t(hot_->fuel) : 0; }

void Store::setInterruptFlag(volatile sig_atomic_t* flag) {
  hot_->interrupt = flag ? flag : &kNeverInterrupted;
  for (auto& i : instances_) i->vmctx_->interrupt = hot_->interrupt;
}

void Store::setInterruptHandler(InterruptHandler handler, void* env) {
  hot_->interruptHandler = handler;
  hot_->interruptEnv = env;
}

TrapKind Store::chargeHostWork(uint64_t fuelUnits) {
  Hot* hot = hot_.get();
  if (hot->fuelEnabled) {
    // The host stub stored the code's fuel here and reloads it on return.
    int64_t units = fuelUnits > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(fuelUnits);
    if (units > hot->fuel) {
      hot->fuel = -1;
      return TrapKind::FuelExhausted;
    }
    hot->fuel -= units;
  }
  if (*hot->interrupt == 0) return TrapKind::None;
  if (!hot->interruptHandler) return TrapKind::Interrupted;
  return hot->interruptHandler(hot->interruptEnv);
}

extern "C" uint32_t pgwasm_interrupt_check(VMContext* vm) {
  Store::Hot* hot = vm->hot;
  if (!hot->interruptHandler) return uint32_t(TrapKind::Interrupted);
  return uint32_t(hot->interruptHandler(hot->interruptEnv));
}

void Store::setStackLimit(uintptr_t lowestAddress) {
  hot_->stackLimit = lowestAddress;
  for (auto& i : instances_) i->vmctx_->stackLimit = lowestAddress;
}

void Store::setStackBudgetFromHere(size_t maxBytes) {
  setStackLimit(uintptr_t(__builtin_frame_address(0)) - maxBytes);
}

FuncRef* Store::newHostFunc(const FuncType& type, HostFn fn, void* env) {
  auto ctx = std::make_unique<HostFuncCtx>();
  ctx->hot = hot_.get();
  ctx->fn = fn;
  ctx->env = env;
  ctx->store = this;
  ctx->type = type;
  ctx->ref.code = engine_->stubs().hostStub;
  ctx->ref.vmctx = ctx.get();
  ctx->ref.typeId = engine_->internType(type);
  ctx->ref.layout = &engine_->entryLayout(ctx->ref.typeId);
  ctx->ref.instance = nullptr;
  ctx->ref.type = &ctx->type;
  FuncRef* r = &ctx->ref;
  hostFuncs_->funcs.push_back(std::move(ctx));
  return r;
}

Result<Memory*> Store::newMemory(const MemoryType& type) {
  WASM_ASSIGN(std::unique_ptr<Memory> m, createMemory(type, account_.get()));
  memories_.push_back(std::move(m));
  return memories_.back().get();
}

Result<Table*> Store::newTable(const TableType& type, const Value& init) {
  if (type.limits.min > maxTableElems_)
    return makeError(ErrorKind::Limit, kNoOffset, "table of %llu elements exceeds the limit of %u",
                     (unsigned long long)type.limits.min, maxTableElems_);
  uint64_t bytes = type.limits.min * sizeof(uint64_t);
  const char* which = nullptr;
  if (!account_->take(bytes, &which))
    return makeError(ErrorKind::Limit, kNoOffset,
                     "table of %llu elements (%llu bytes) exceeds %s (%llu bytes left)",
                     (unsigned long long)type.limits.min, (unsigned long long)bytes, which,
                     (unsigned long long)account_->left());
  std::unique_ptr<Table> t = TableAccess::create(type, init.bits, maxTableElems_, account_.get());
  if (!t) {
    account_->give(bytes);
    return makeError(ErrorKind::Resource, kNoOffset, "out of memory for a table");
  }
  tables_.push_back(std::move(t));
  return tables_.back().get();
}

Global* Store::newGlobal(const GlobalType& type, const Value& init) {
  std::unique_ptr<Global> g(new Global());
  g->type_ = type;
  g->own_ = narrow(type.type, init.bits);
  g->cell_ = &g->own_;
  globals_.push_back(std::move(g));
  return globals_.back().get();
}

bool Global::set(const Value& v) {
  if (!type_.mut || v.type != type_.type) return false;
  *cell_ = narrow(v.type, v.bits);
  return true;
}

const FuncType& Store::funcType(const FuncRef* f) { return *f->type; }
Instance* Store::funcInstance(const FuncRef* f) { return f->instance; }

CallResult Store::call(FuncRef* f, const Value* args, Value* results) {
  const FuncType& ft = *f->type;
  if (!f->instance) {
    HostFuncCtx* ctx = static_cast<HostFuncCtx*>(f->vmctx);
    HostCall hc{this, nullptr, ctx->env};
    for (size_t i = 0; i < ft.results.size(); i++) results[i] = Value{ft.results[i], 0};
    return {ctx->fn(hc, args, results)};
  }
  uint64_t argBuf[16], resBuf[16];
  std::vector<uint64_t> argHeap, resHeap;
  uint64_t* a = argBuf;
  uint64_t* r = resBuf;
  if (ft.params.size() > 16) {
    argHeap.resize(ft.params.size());
    a = argHeap.data();
  }
  if (ft.results.size() > 16) {
    resHeap.resize(ft.results.size());
    r = resHeap.data();
  }
  for (size_t i = 0; i < ft.params.size(); i++) a[i] = narrow(ft.params[i], args[i].bits);
  CallResult res = callRaw(f, a, r);
  if (res.ok())
    for (size_t i = 0; i < ft.results.size(); i++) results[i] = Value{ft.results[i], r[i]};
  return res;
}

CallResult Store::callHost(FuncRef* f, const uint64_t* args, uint64_t* results) {
  const FuncType& ft = *f->type;
  size_t np = ft.params.size(), nr = ft.results.size();
  std::vector<Value> a(np), r(nr);
  for (size_t i = 0; i < np; i++) a[i] = Value{ft.params[i], args[i]};
  CallResult res = call(f, a.data(), r.data());
  for (size_t i = 0; i < nr && res.ok(); i++) results[i] = r[i].bits;
  return res;
}

bool Store::prepareCall(FuncRef* f, PreparedCall* out) {
  if (!f->instance) return false;
  // The signature's typed entry takes the parameters and writes the results where they
  // are (made at its first call).
  const Engine::EntryLayout& layout = *f->layout;
  Engine::Stubs::EntryFn typed = layout.typed;
  if (!typed && !layout.typedTried) typed = engine_->types_->typedEntry(f->typeId, engine_->stubs().trapLanding);
  Hot* hot = hot_.get();
  *out = PreparedCall{typed, static_cast<VMContext*>(f->vmctx), f->code, &hot->fuel, &hot->depth,
                      &trapFrameCount_, &lastCallFuel_, hot->fuelEnabled != 0};
  return typed != nullptr;
}

CallResult Store::callRaw(FuncRef* f, const uint64_t* args, uint64_t* results, uint64_t* fuel) {
  if (__builtin_expect(!f->instance, 0)) return callHost(f, args, results);  // through Values
  // The per-row path of embedders: the typed entry, else the generic entry, through argv
  // and retv laid out by the signature's entry layout.
  PreparedCall p;
  if (__builtin_expect(prepareCall(f, &p), 1)) return {callPrepared(p, args, results, fuel)};
  return {countedCall(p, fuel, [&] { return callGeneric(f, args, results); })};
}

uint32_t Store::callGeneric(FuncRef* f, const uint64_t* args, uint64_t* results) {
  const Engine::EntryLayout& layout = *f->layout;
  uint32_t slots = layout.slots;
  uint64_t argvBuf[kArgvRegs + 1 + 16];
  uint64_t retvBuf[2 + 16];
  uint64_t* argv = argvBuf;
  uint64_t* retv = retvBuf;
  std::unique_ptr<uint64_t[]> heap;
  if (slots > 16) {
    heap.reset(new uint64_t[(kArgvRegs + 1 + slots) + (2 + slots)]);
    argv = heap.get();
    retv = argv + kArgvRegs + 1 + slots;
  }
  const uint32_t* argIndex = layout.argIndex.data();
  for (uint32_t i = 0; i < layout.numParams; i++) argv[argIndex[i]] = args[i];
  argv[kArgvRegs] = slots;
  uint32_t trap = entry_(static_cast<VMContext*>(f->vmctx), f->code, argv, retv);
  if (trap) return trap;
  const uint32_t* resultIndex = layout.resultIndex.data();
  const uint64_t* resultMask = layout.resultMask.data();
  for (uint32_t i = 0; i < layout.numResults; i++) results[i] = retv[resultIndex[i]] & resultMask[i];
  return 0;
}

}  // namespace wasm
