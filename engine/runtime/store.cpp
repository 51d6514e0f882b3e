// Engine zone. Store: limits, host objects, and calls into Wasm through the entry
// trampoline (argument marshalling follows CallLayout).
#include <pthread.h>

#include "runtime/internal.h"

namespace wasm {

namespace {
volatile sig_atomic_t kNeverInterrupted = 0;
constexpr uintptr_t kStackHeadroom = 256 * 1024;  // for host functions and signal handlers

inline uint64_t narrow(ValType t, uint64_t bits) {
  return (t == ValType::I32 || t == ValType::F32) ? (bits & 0xFFFFFFFFu) : bits;
}
}  // namespace

uintptr_t defaultStackLimit() {
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

Store::Store(Engine& engine) : engine_(&engine), hot_(std::make_unique<Hot>()) {
  hot_->store = this;
  hot_->interrupt = &kNeverInterrupted;
  hot_->stackLimit = defaultStackLimit();
  hot_->trapLanding = engine.stubs().trapLanding;
  hostFuncs_ = std::make_unique<HostFuncs>();
}

Store::~Store() = default;

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
  ctx->ref.instance = nullptr;
  ctx->ref.type = &ctx->type;
  FuncRef* r = &ctx->ref;
  hostFuncs_->funcs.push_back(std::move(ctx));
  return r;
}

Result<Memory*> Store::newMemory(const MemoryType& type) {
  WASM_ASSIGN(std::unique_ptr<Memory> m, createMemory(type, maxMemoryBytes_));
  memories_.push_back(std::move(m));
  return memories_.back().get();
}

Result<Table*> Store::newTable(const TableType& type, const Value& init) {
  if (type.limits.min > maxTableElems_)
    return makeError(ErrorKind::Limit, kNoOffset, "table of %llu elements exceeds the limit of %u",
                     (unsigned long long)type.limits.min, maxTableElems_);
  tables_.push_back(TableAccess::create(type, init.bits, maxTableElems_));
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
  // Lay the arguments out as the callee expects them (see CallLayout).
  uint32_t ni = 0, nf = 0, stackParams = 0;
  for (ValType t : ft.params) {
    if (isFloat(t) ? nf < 8 : ni < 6) (isFloat(t) ? nf : ni)++;
    else stackParams++;
  }
  uint32_t stackResults = ft.results.empty() ? 0 : uint32_t(ft.results.size()) - 1;
  uint32_t slots = stackParams > stackResults ? stackParams : stackResults;
  uint64_t argvBuf[kArgvRegs + 1 + 16];
  uint64_t retvBuf[2 + 16];
  std::vector<uint64_t> argvHeap, retvHeap;
  uint64_t* argv = argvBuf;
  uint64_t* retv = retvBuf;
  if (slots > 16) {
    argvHeap.resize(kArgvRegs + 1 + slots);
    retvHeap.resize(2 + slots);
    argv = argvHeap.data();
    retv = retvHeap.data();
  }
  ni = nf = 0;
  uint32_t slot = 0;
  for (size_t i = 0; i < ft.params.size(); i++) {
    ValType t = ft.params[i];
    uint64_t bits = narrow(t, args[i].bits);
    if (isFloat(t) && nf < 8) argv[6 + nf++] = bits;
    else if (!isFloat(t) && ni < 6) argv[ni++] = bits;
    else argv[kArgvRegs + 1 + slot++] = bits;
  }
  argv[kArgvRegs] = slots;

  int64_t before = hot_->fuel;
  hot_->depth++;
  uint32_t trap = engine_->stubs().entry(static_cast<VMContext*>(f->vmctx), f->code, argv, retv);
  hot_->depth--;
  if (hot_->fuelEnabled) {
    int64_t after = hot_->fuel > 0 ? hot_->fuel : 0;
    if (hot_->fuel < 0) hot_->fuel = 0;
    lastCallFuel_ = before > after ? uint64_t(before - after) : 0;
  }
  if (trap) return {TrapKind(trap)};
  for (size_t i = 0; i < ft.results.size(); i++) {
    ValType t = ft.results[i];
    uint64_t bits = i == 0 ? retv[isFloat(t) ? 1 : 0] : retv[2 + i - 1];
    results[i] = Value{t, narrow(t, bits)};
  }
  return {TrapKind::None};
}

}  // namespace wasm
