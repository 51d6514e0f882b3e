// Engine zone. The C side of host calls: reads arguments from the register image and
// stack slots the host stub saved (following CallLayout), calls the HostFn, writes results.
#include <alloca.h>

#include "runtime/internal.h"

namespace wasm {

namespace {
inline uint64_t narrow(ValType t, uint64_t bits) {
  return (t == ValType::I32 || t == ValType::F32) ? (bits & 0xFFFFFFFFu) : bits;
}
}  // namespace

extern "C" uint32_t pgwasm_host_dispatch(HostFuncCtx* ctx, VMContext* caller, uint64_t* regs,
                                         uint64_t* stack) {
  const FuncType& ft = ctx->type;
  // On the stack, whatever the count (the validator bounds it): this runs below JIT
  // frames, where nothing may allocate on the heap and throw.
  Value argBuf[16], resBuf[16];
  Value* args = ft.params.size() > 16 ? static_cast<Value*>(alloca(ft.params.size() * sizeof(Value))) : argBuf;
  Value* results = ft.results.size() > 16 ? static_cast<Value*>(alloca(ft.results.size() * sizeof(Value))) : resBuf;
  uint32_t ni = 0, nf = 0, slot = 0;
  for (size_t i = 0; i < ft.params.size(); i++) {
    ValType t = ft.params[i];
    uint64_t bits;
    if (isFloat(t) && nf < 8) bits = regs[6 + nf++];
    else if (!isFloat(t) && ni < 6) bits = regs[ni++];
    else bits = stack[slot++];
    args[i] = Value{t, narrow(t, bits)};
  }
  for (size_t i = 0; i < ft.results.size(); i++) results[i] = Value{ft.results[i], 0};
  HostCall call{ctx->store, caller ? caller->instance : nullptr, ctx->env};
  TrapKind k = ctx->fn(call, args, results);
  if (k != TrapKind::None) return uint32_t(k);
  for (size_t i = 0; i < ft.results.size(); i++) {
    ValType t = ft.results[i];
    uint64_t bits = narrow(t, results[i].bits);
    if (i == 0) regs[isFloat(t) ? 6 : 0] = bits;
    else stack[i - 1] = bits;
  }
  return 0;
}

}  // namespace wasm
