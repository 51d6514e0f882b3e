// Engine zone. Definitions of the engine's private parts declared in engine.h.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/code_memory.h"
#include "runtime/vmcontext.h"
#include "wasm/engine.h"
#include "wasm/module.h"

namespace wasm {

// Engine-wide generated code (see stubs.cpp).
struct Engine::Stubs {
  CodeMemory code;
  // uint32_t entry(VMContext*, const void* code, uint64_t* argv, uint64_t* retv)
  //   argv: [0..5] integer argument registers, [6..13] xmm0..7, [14] number of stack
  //         slots n, [15..15+n) stack slots. retv: [0] rax, [1] xmm0, [2..2+n) stack slots.
  //   Returns 0, or the TrapKind that ended the call.
  using EntryFn = uint32_t (*)(VMContext*, const void*, uint64_t*, uint64_t*);
  EntryFn entry = nullptr;
  const void* trapLanding = nullptr;
  const void* hostStub = nullptr;  // code of every host FuncRef
  // Called from an interrupt poll site that found the flag set; preserves every register
  // and returns if pgwasm_interrupt_check says to continue, else ends in the trap landing.
  const void* interruptStub = nullptr;
};
inline constexpr size_t kArgvRegs = 14;
// Where the entry frame (at Hot::trapSp) keeps the call's stack slots and the code it
// entered.
inline constexpr int32_t kEntryFrameSlots = 24;
inline constexpr int32_t kEntryFrameCode = 32;

Result<std::unique_ptr<Engine::Stubs>> generateStubs();
// The entry of one signature (Engine::EntryLayout::typed): the C signature of
// Stubs::entry, with argv = the parameters and retv = the results, in signature order.
// It ends in `landing`, the generic entry's tail.
Result<CodeMemory> generateTypedEntry(const Engine::EntryLayout& layout, const void* landing);
// Signatures with more values than these, and those past the registry's
// kMaxTypedEntries, are called through the generic entry.
inline constexpr uint32_t kMaxTypedParams = 32;
inline constexpr uint32_t kMaxTypedResults = 16;

// The argv/retv positions (see Stubs::entry) of a signature's parameters and results,
// computed once per interned signature so calls from the embedder only copy.
struct Engine::EntryLayout {
  uint32_t slots = 0;                // stack slots shared by stack params and results
  uint32_t numParams = 0;
  uint32_t numResults = 0;
  std::vector<uint32_t> argIndex;     // per param: index into argv
  std::vector<uint32_t> resultIndex;  // per result: index into retv
  std::vector<uint64_t> resultMask;   // per result: the bits its type keeps
  // The signature's typed entry (TypeRegistry::typedEntry), made at its first call from
  // the embedder; typedTried once that was tried (nullptr then: the generic entry).
  Stubs::EntryFn typed = nullptr;
  bool typedTried = false;
};

struct Module::Compiled {
  CodeMemory code;
  std::vector<uint32_t> funcOffsets;  // per defined function
  std::vector<uint32_t> typeIds;      // Engine::internType per module type index
  std::shared_ptr<TypeRegistry> types;  // where typeIds are referenced
  VMContextLayout layout;
  uint32_t trapExitOffset = 0;
  uint32_t cpuBits = 0;               // see hostCodegenCpuBits
  bool guardRegistered = false;       // code range known to the trap handler
  ~Compiled();
};

struct Store::HostFuncs {
  std::vector<std::unique_ptr<HostFuncCtx>> funcs;
};

// The table of runtime helpers every VMContext carries (helpers.cpp).
extern const void* const kHelperTable[kNumHelpers];

// Host-call dispatcher called by the generic host stub (host_call.cpp).
extern "C" uint32_t pgwasm_host_dispatch(HostFuncCtx* ctx, VMContext* caller, uint64_t* regs,
                                         uint64_t* stack);

// What a poll site that found the interrupt flag set does: 0 to continue, else the
// TrapKind to end the call with (store.cpp).
extern "C" uint32_t pgwasm_interrupt_check(VMContext* vm);
inline bool pollInterrupt(VMContext* vm, uint32_t* trap) {
  if (*vm->interrupt == 0) return false;
  *trap = pgwasm_interrupt_check(vm);
  return *trap != 0;
}

// Takes `units` of fuel for a runtime helper's work when the code is metered. False (fuel
// left negative, which makes the calling code trap) when there are not that many.
inline bool chargeHelperFuel(VMContext* vm, uint64_t units) {
  Store::Hot* hot = vm->hot;
  if (!hot->fuelEnabled) return true;
  hot->fuel -= int64_t(units);  // units < 2^33: no overflow
  return hot->fuel >= 0;
}

// Chunks of bulk work: 4 MiB of memory, or the elements of 4 MiB of table.
inline constexpr uint64_t kBulkChunkBytes = 4u << 20;
inline constexpr uint64_t kBulkChunkElems = kBulkChunkBytes / 8;

// The one way runtime work that grows with an operand is done (bulk memory and table
// operations): in chunks of at most `chunk` units, polling the interrupt before each,
// the first included, so that no sequence of such operations outlasts a cancel by more
// than one chunk. work(offset, count) does [offset, offset + count); with `backwards`
// the chunks go from the end (an overlapping copy to a higher address). Returns the trap
// that ended it, or 0.
template <typename Work>
uint32_t chunkedWork(VMContext* vm, uint64_t n, uint64_t chunk, bool backwards, Work work) {
  for (uint64_t done = 0; done < n;) {
    uint32_t trap;
    if (pollInterrupt(vm, &trap)) return trap;
    uint64_t c = n - done < chunk ? n - done : chunk;
    work(backwards ? n - done - c : done, c);
    done += c;
  }
  return 0;
}

// The bytes an engine holds for guests, against its ceiling (Engine::setMemoryCeiling).
// Shared with the modules, which may be destroyed after their engine (static destruction
// at process exit, in no set order).
struct MemoryCeiling {
  std::atomic<uint64_t> inUse{0};
  std::atomic<uint64_t> limit{UINT64_MAX};
  // Takes bytes, or returns false and takes nothing.
  bool take(uint64_t bytes) {
    uint64_t before = inUse.fetch_add(bytes, std::memory_order_relaxed);
    if (before + bytes > limit.load(std::memory_order_relaxed) || before + bytes < before) {
      inUse.fetch_sub(bytes, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  void give(uint64_t bytes) { inUse.fetch_sub(bytes, std::memory_order_relaxed); }
  uint64_t left() const {
    uint64_t u = inUse.load(std::memory_order_relaxed), l = limit.load(std::memory_order_relaxed);
    return u >= l ? 0 : l - u;
  }
};

// What a decoded module holds (Module::footprint, with its machine code).
uint64_t moduleInfoFootprint(const ModuleInfo& m);

// What a store's memories and tables hold, against the store's limit and the engine's
// ceiling (store.cpp). Bytes: a memory's accessible size, 8 per table element.
struct MemoryAccount {
  MemoryCeiling* ceiling;
  uint64_t limit = uint64_t(kMaxPages) * kPageSize;
  uint64_t used = 0;
  // Takes bytes, or returns false (and takes nothing) when the store or the engine would
  // go past its limit; *which says which ("the memory limit", "the engine's memory ceiling").
  bool take(uint64_t bytes, const char** which = nullptr);
  void give(uint64_t bytes);
  // The same against the engine's ceiling only: an instance's own bookkeeping, which the
  // guest does not ask for by size (a store's limit is what its memories and tables may
  // reach), but whose total over all stores must stay bounded.
  bool takeOverhead(uint64_t bytes);
  void giveOverhead(uint64_t bytes);
  // What may still be taken, by the store's limit and the engine's ceiling.
  uint64_t left() const;
};

// Records where a trap happened (backtrace.cpp): called from every trap path before it
// resets the stack, with the trapping stack pointer and the faulting pc or 0.
extern "C" void pgwasm_trap_trace(Store::Hot* hot, uintptr_t rsp, uintptr_t pc);

// Linear memory (linear_memory.cpp), its minimum charged to account.
Result<std::unique_ptr<Memory>> createMemory(const MemoryType& type, MemoryAccount* account);

// Table (table.cpp).
struct TableAccess {
  // Null when the host is out of memory; the caller has charged the account already.
  static std::unique_ptr<Table> create(const TableType& type, uint64_t init, uint32_t limit,
                                       MemoryAccount* account);
  static constexpr size_t elemsOffset() { return offsetof(Table, elems_); }
  static constexpr size_t sizeOffset() { return offsetof(Table, size_); }
  static uint64_t* elems(Table* t) { return t->elems_; }
};

// Instance internals used by runtime helpers (instance.cpp).
struct InstanceAccess {
  static bool dataDropped(const Instance* i, uint32_t seg) { return i->droppedDatas_[seg]; }
  static void dropData(Instance* i, uint32_t seg) { i->droppedDatas_[seg] = true; }
  static void dropElem(Instance* i, uint32_t seg) { i->droppedElems_[seg] = true; }
  // table.init: TrapKind as uint32_t, 0 on success. With vm (the table.init
  // instruction), n units of fuel are charged once the ranges are known to be in bounds
  // (if there are not that many, nothing is written) and the work polls the interrupt.
  static uint32_t tableInit(Instance* i, uint32_t table, uint32_t seg, uint32_t d, uint32_t s,
                            uint32_t n, VMContext* vm = nullptr);
};

// Evaluates a constant expression in an instance being built.
uint64_t evalConstExpr(const ConstExpr& e, const std::vector<Global*>& globals,
                       const std::vector<FuncRef*>& funcs);

uintptr_t defaultStackLimit();

}  // namespace wasm
