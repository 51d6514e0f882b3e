// Engine zone. The data JIT code reaches through pinned registers, with the byte offsets
// the compiler bakes into instructions. Every offset used by generated code is a
// constexpr here and pinned by static_assert, so a layout change cannot silently
// miscompile.
//
// Registers in generated code (see compiler/x64/abi.h):
//   r15 = VMContext* of the running instance (HostFuncCtx* inside the host stub)
//   r14 = linear memory base (when the module has a memory)
//   r13 = remaining fuel (only in stores that meter fuel)
#pragma once

#include <csignal>
#include <cstddef>
#include <cstdint>

#include "wasm/engine.h"

namespace wasm {

// State shared by every instance of a Store, reached from VMContext::hot.
struct Store::Hot {
  int64_t fuel = 0;             // remaining fuel; negative after exhaustion
  uintptr_t trapSp = 0;         // stack pointer of the innermost entry trampoline frame
  const void* trapLanding = nullptr;  // where a trap continues, in the entry trampoline
  uint8_t fuelEnabled = 0;      // the store meters fuel (all its modules were compiled so)
  uint8_t fuelModeFixed = 0;    // set once the first module is instantiated
  uint8_t pad[6] = {};
  Store* store = nullptr;
  uintptr_t stackLimit = 0;
  volatile sig_atomic_t* interrupt = nullptr;
  uint32_t depth = 0;  // nesting of entries (host -> wasm -> host -> wasm ...)
  // Consulted when the interrupt flag reads non-zero (Store::setInterruptHandler).
  TrapKind (*interruptHandler)(void* env) = nullptr;
  void* interruptEnv = nullptr;
  // Called on the way to the trap landing, with the trapping code's stack pointer and
  // (for guard-page traps) the faulting instruction, or 0: pgwasm_trap_trace.
  void (*traceTrap)(Store::Hot* hot, uintptr_t rsp, uintptr_t pc) = nullptr;
};
static_assert(offsetof(Store::Hot, fuel) == 0);
static_assert(offsetof(Store::Hot, trapSp) == 8);
static_assert(offsetof(Store::Hot, trapLanding) == 16);
static_assert(offsetof(Store::Hot, fuelEnabled) == 24);

// A reference to a function: what call_indirect, imports and ref.func work with.
struct FuncRef {
  const void* code = nullptr;  // entry in the internal calling convention
  void* vmctx = nullptr;       // callee's VMContext*, or its HostFuncCtx* for host functions
  uint32_t typeId = 0;         // Engine::internType of its signature
  uint32_t funcIndex = 0;
  Instance* instance = nullptr;  // nullptr for host functions
  const FuncType* type = nullptr;
  const Engine::EntryLayout* layout = nullptr;  // of its type, for calls from the embedder
};
static_assert(offsetof(FuncRef, code) == 0);
static_assert(offsetof(FuncRef, vmctx) == 8);
static_assert(offsetof(FuncRef, typeId) == 16);

// Runtime functions called from JIT code, through VMContext::helpers (so code stays
// position independent and can be shared between processes).
enum class Helper : uint32_t {
  MemoryGrow,   // int32_t (VMContext*, uint32_t delta)
  MemoryFill,   // uint32_t trap (VMContext*, uint32_t dst, uint32_t val, uint32_t n)
  MemoryCopy,   // uint32_t trap (VMContext*, uint32_t dst, uint32_t src, uint32_t n)
  MemoryInit,   // uint32_t trap (VMContext*, uint32_t seg, uint32_t dst, uint32_t src, uint32_t n)
  DataDrop,     // void (VMContext*, uint32_t seg)
  TableGet,     // uint32_t trap (VMContext*, uint32_t table, uint32_t idx, uint64_t* out)
  TableSet,     // uint32_t trap (VMContext*, uint32_t table, uint32_t idx, uint64_t val)
  TableGrow,    // uint64_t (VMContext*, uint32_t table, uint64_t init, uint32_t delta):
                // int32_t result, TrapKind << 32
  TableFill,    // uint32_t trap (VMContext*, uint32_t table, uint32_t i, uint64_t val, uint32_t n)
  TableCopy,    // uint32_t trap (VMContext*, uint32_t dstT, uint32_t srcT, uint32_t d, uint32_t s, uint32_t n)
  TableInit,    // uint32_t trap (VMContext*, uint32_t table, uint32_t seg, uint32_t d, uint32_t s, uint32_t n)
  ElemDrop,     // void (VMContext*, uint32_t seg)
  F32Nearest,   // float (float)   fallbacks when SSE4.1 is missing
  F64Nearest,   // double (double)
  F32Ceil, F32Floor, F32Trunc,
  F64Ceil, F64Floor, F64Trunc,
  Count,
};
inline constexpr uint32_t kNumHelpers = uint32_t(Helper::Count);

// Fuel for work that grows with an operand, beyond the one unit of the instruction: bulk
// memory operations one unit per kFuelBytes bytes, table operations one per element
// (table.grow too: it writes the new elements). These helpers charge it themselves, from
// the fuel in Store::Hot, and leave it negative when there was too little (the work is
// then not done, and the code traps with FuelExhausted).
inline constexpr uint64_t kFuelBytes = 16;
constexpr bool helperChargesFuel(Helper h) {
  switch (h) {
    case Helper::MemoryFill: case Helper::MemoryCopy: case Helper::MemoryInit:
    case Helper::TableGrow: case Helper::TableFill: case Helper::TableCopy: case Helper::TableInit:
      return true;
    default: return false;
  }
}

struct VMContext {
  Store::Hot* hot;                      // must stay first: shared with HostFuncCtx
  uint8_t* memBase;                     // memory 0 base (r14)
  uint64_t memSize;                     // memory 0 size in bytes
  uintptr_t stackLimit;                 // lowest permitted stack pointer
  volatile sig_atomic_t* interrupt;     // never null (points at a zero if polling is off)
  FuncRef** funcRefs;                   // per function index
  Table** tables;                       // per table index
  const uint32_t* typeIds;              // canonical id per module type index
  Instance* instance;
  const void* interruptStub;            // Engine::Stubs::interruptStub
  const void* helpers[kNumHelpers];
  // Followed by: FuncRef*-sized pointers to imported global cells, then 8-byte cells of
  // defined globals. Offsets: VMContextLayout.
};

namespace vmoff {
inline constexpr int32_t kHot = offsetof(VMContext, hot);
inline constexpr int32_t kMemBase = offsetof(VMContext, memBase);
inline constexpr int32_t kMemSize = offsetof(VMContext, memSize);
inline constexpr int32_t kStackLimit = offsetof(VMContext, stackLimit);
inline constexpr int32_t kInterrupt = offsetof(VMContext, interrupt);
inline constexpr int32_t kFuncRefs = offsetof(VMContext, funcRefs);
inline constexpr int32_t kTables = offsetof(VMContext, tables);
inline constexpr int32_t kTypeIds = offsetof(VMContext, typeIds);
inline constexpr int32_t kInterruptStub = offsetof(VMContext, interruptStub);
inline constexpr int32_t kHelpers = offsetof(VMContext, helpers);
inline constexpr int32_t helper(Helper h) { return kHelpers + int32_t(h) * 8; }
inline constexpr int32_t kHeaderSize = sizeof(VMContext);

// Store::Hot
inline constexpr int32_t kHotFuel = offsetof(Store::Hot, fuel);
inline constexpr int32_t kHotTrapSp = offsetof(Store::Hot, trapSp);
inline constexpr int32_t kHotTrapLanding = offsetof(Store::Hot, trapLanding);
inline constexpr int32_t kHotFuelEnabled = offsetof(Store::Hot, fuelEnabled);
inline constexpr int32_t kHotTraceTrap = offsetof(Store::Hot, traceTrap);

// Table (see engine.h): elements pointer then 32-bit size.
inline constexpr int32_t kTableElems = 0;
inline constexpr int32_t kTableSize = 8;

// FuncRef
inline constexpr int32_t kFuncRefCode = offsetof(FuncRef, code);
inline constexpr int32_t kFuncRefVmctx = offsetof(FuncRef, vmctx);
inline constexpr int32_t kFuncRefTypeId = offsetof(FuncRef, typeId);
}  // namespace vmoff

static_assert(vmoff::kHot == 0);
static_assert(vmoff::kMemBase == 8);
static_assert(vmoff::kMemSize == 16);
static_assert(vmoff::kHeaderSize % 8 == 0);

// Where globals live in a module's VMContext.
struct VMContextLayout {
  uint32_t importedGlobals = 0;  // offset of the pointer array
  uint32_t definedGlobals = 0;   // offset of the cells
  uint32_t size = 0;
  static VMContextLayout of(const ModuleInfo& m);
  // Offset of global i's cell (defined) or of the pointer to its cell (imported).
  uint32_t globalOffset(const ModuleInfo& m, uint32_t i) const;
};

// The "vmctx" of a host function: what the generic host stub finds in r15.
struct HostFuncCtx {
  Store::Hot* hot;  // must stay first, as in VMContext
  HostFn fn;
  void* env;
  Store* store;
  FuncType type;
  FuncRef ref;
};
static_assert(offsetof(HostFuncCtx, hot) == 0);

}  // namespace wasm
