// Engine zone. The embedder's API: compile a module once (Engine), then instantiate and
// call it inside a Store, which owns every runtime object and carries the limits (fuel,
// memory, stack depth, interrupt flag). Nothing here throws or longjmps; failures are
// Result errors and traps are TrapKind values. Not thread-safe: one Store per thread.
#pragma once

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/result.h"
#include "wasm/types.h"

namespace wasm {

struct ModuleInfo;
struct VMContext;
struct FuncRef;
class Engine;
class Module;
class Store;
class Instance;
class CodeMemory;
struct CompiledCode;
struct MemoryAccount;

// How linear-memory accesses are checked. Guard (the default, as in V8 and Wasmtime): an
// 8 GiB reservation per memory makes every 32-bit address plus offset land in reserved
// pages, and a fault there becomes the out-of-bounds trap (a SIGSEGV handler, chained to
// any handler installed before it, is installed on first use). Explicit: a compare and
// branch before every access, with no signal handling.
enum class BoundsChecks : uint8_t { Explicit = 0, Guard = 1 };

// Options that change the generated code (and are therefore part of any code-cache key).
struct CompileOptions {
  bool fuel = false;  // meter instructions; Store::setFuel sets the budget
  BoundsChecks boundsChecks = BoundsChecks::Guard;
};

// What a module imports and exports, with types: for embedders that link imports by name
// or check export signatures without looking inside the engine.
struct ExternDesc {
  std::string module;  // imports only
  std::string name;
  ExternKind kind = ExternKind::Func;
  // kind == Func: the signature, shared by every entry of the same module type, so that a
  // summary holds each type once however many imports and exports have it.
  std::shared_ptr<const FuncType> func;
  TableType table;      // kind == Table
  MemoryType memory;    // kind == Memory
  GlobalType global;    // kind == Global
  // "func (i32, i32) -> i32", "memory 2..16 pages", "global mut i64", "table 1 funcref"
  std::string describe() const;
};
struct ModuleSummary {
  std::vector<ExternDesc> imports;
  std::vector<ExternDesc> exports;
  const ExternDesc* findExport(std::string_view name) const;
};

// Called when a long job (decoding, validating, compiling or inspecting a module)
// finds the interrupt flag set: true stops the job, which then fails with an
// Error of kind Interrupted; false lets it go on. It runs on the job's own stack, between
// engine frames: it must return normally (never longjmp or throw).
using JobInterruptHandler = bool (*)(void* env);

struct EngineConfig {
  uint64_t maxModuleBytes = 256u << 20;
  // Jobs poll *interruptFlag between functions and sections and at least every
  // limits::kPollIntervalBytes of a function body (null: never). Without a handler a set
  // flag stops the job.
  volatile sig_atomic_t* interruptFlag = nullptr;
  JobInterruptHandler interruptHandler = nullptr;
  void* interruptEnv = nullptr;
};

// --- runtime objects (owned by a Store; handles stay valid until the Store dies) ---------

class Memory {
 public:
  uint8_t* data() const { return base_; }
  uint64_t size() const { return size_; }  // bytes
  uint64_t pages() const { return size_ / kPageSize; }
  const MemoryType& type() const { return type_; }
  // Grows by delta pages. Returns the old size in pages, or -1 if the result would exceed
  // the type's maximum, the embedder's limit or the host's memory.
  int64_t grow(uint64_t deltaPages);
  uint64_t limitBytes() const { return limitBytes_; }

  ~Memory();

 private:
  friend class Store;
  friend class Instance;
  friend Result<std::unique_ptr<Memory>> createMemory(const MemoryType& type, MemoryAccount* account);
  Memory() = default;
  MemoryAccount* account_ = nullptr;  // charged for size_
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint64_t reserved_ = 0;  // bytes of address space reserved at base_
  uint64_t limitBytes_ = 0;
  MemoryType type_;
  std::vector<VMContext*> users_;  // instances whose vmctx caches base and size
};

class Table {
 public:
  ValType elemType() const { return type_.elem; }
  const TableType& type() const { return type_; }
  uint32_t size() const { return size_; }
  // False if index is out of bounds.
  bool get(uint32_t index, Value* out) const;
  bool set(uint32_t index, const Value& v);
  // Returns the old size, or -1.
  int64_t grow(uint32_t delta, const Value& init);
  ~Table();

 private:
  friend class Store;
  friend class Instance;
  friend struct TableAccess;
  Table() = default;
  // Layout known to JIT code (see runtime/vmcontext.h): elems_ then size_.
  uint64_t* elems_ = nullptr;  // FuncRef* or externref bits; 0 is null
  uint32_t size_ = 0;
  uint32_t pad_ = 0;
  // elems_ is malloc'd (grown with realloc), so that table.grow, which runs inside Wasm
  // code, fails with -1 when the host is out of memory instead of throwing.
  TableType type_;
  uint32_t limitElems_ = 0;
  MemoryAccount* account_ = nullptr;  // charged 8 bytes per element
};

class Global {
 public:
  const GlobalType& type() const { return type_; }
  Value get() const { return Value{type_.type, *cell_}; }
  // Sets the value; false if the global is immutable or the type differs.
  bool set(const Value& v);

 private:
  friend class Store;
  friend class Instance;
  Global() = default;
  GlobalType type_;
  uint64_t* cell_ = nullptr;  // in its instance's vmctx, or in own_ for host globals
  uint64_t own_ = 0;
};

// An exported or importable entity.
struct Extern {
  ExternKind kind = ExternKind::Func;
  union {
    FuncRef* func;
    Table* table;
    Memory* memory;
    Global* global;
    void* ptr = nullptr;
  };
  static Extern ofFunc(FuncRef* f) { Extern e; e.kind = ExternKind::Func; e.func = f; return e; }
  static Extern ofTable(Table* t) { Extern e; e.kind = ExternKind::Table; e.table = t; return e; }
  static Extern ofMemory(Memory* m) { Extern e; e.kind = ExternKind::Memory; e.memory = m; return e; }
  static Extern ofGlobal(Global* g) { Extern e; e.kind = ExternKind::Global; e.global = g; return e; }
};

// What a host function sees of its call.
struct HostCall {
  Store* store;
  Instance* caller;  // the calling instance, or nullptr when called by the embedder
  void* env;         // the env given to Store::newHostFunc
};
// A host function reads args and writes results (types as in its FuncType). Returning a
// trap kind other than None makes the calling Wasm code trap; for HostError, set the
// message with Store::setHostError first.
using HostFn = TrapKind (*)(HostCall& call, const Value* args, Value* results);

// --- Engine and Module ---------------------------------------------------------------------

class TypeRegistry;
struct MemoryCeiling;
class Job;

class Engine {
 public:
  // Null only if the host cannot give executable memory for the engine's trampolines.
  static Result<std::unique_ptr<Engine>> create(const EngineConfig& config = {});
  ~Engine();

  // Decodes, validates and compiles. The Module is immutable and may be instantiated
  // in any number of Stores of this Engine.
  Result<std::shared_ptr<const Module>> compile(const uint8_t* bytes, size_t size,
                                                const CompileOptions& options = {});
  // Decodes and validates only.
  Status validate(const uint8_t* bytes, size_t size);

  // Compiled-code artifacts, for a code cache shared between processes (see
  // Module::serialize). The tag names everything that makes generated code differ: the
  // engine build, the CPU features used, and the options. Artifacts with equal tags are
  // interchangeable; deserialize refuses any other.
  std::string codeTag(const CompileOptions& options) const;
  // Loads an artifact made by Module::serialize, with no decoding of function bodies,
  // validation or compilation. The caller vouches for its integrity (a checksum): the
  // header is checked, the code is trusted.
  Result<std::shared_ptr<const Module>> deserialize(const uint8_t* data, size_t size);
  // The same for an artifact the caller mapped from a file or memfd (mmap of size bytes,
  // PROT_READ, MAP_SHARED): the module runs the code where it lies, with no copy, when the
  // system allows executable pages there (else from a copy). The mapping is the engine's
  // from here on, success or not: the pages before the code are unmapped at once, the
  // code's when the module ends; then release(releaseArg) says the caller's file region
  // is no longer in use (if release is not null). The region must never change meanwhile.
  Result<std::shared_ptr<const Module>> deserializeMapped(uint8_t* mapping, size_t size, void (*release)(void*),
                                                          void* releaseArg);
  // Decodes and validates, and lists the module's imports and exports.
  Result<ModuleSummary> inspect(const uint8_t* bytes, size_t size);

  const EngineConfig& config() const { return config_; }
  // The bytes this engine may hold for guests (no ceiling by default): the linear
  // memories and tables of all its stores, each instance's own bookkeeping, and every
  // compiled module alive (its machine code and decoded form, Module::footprint). Past
  // it, compiling or loading a module and instantiating fail with a Limit error, and
  // memory.grow and table.grow return -1. For an embedder with many stores and modules
  // at once (a backend: one store per call site of a query, a cache of modules).
  void setMemoryCeiling(uint64_t bytes);
  uint64_t memoryCeiling() const;
  uint64_t memoryInUse() const;
  // Canonical id of a function signature, equal for equal signatures, as long as it is
  // referenced: internType takes a reference, which releaseType gives back (the engine's
  // own modules and host functions take and give back theirs).
  uint32_t internType(const FuncType& type);
  void releaseType(uint32_t id);
  const FuncType& typeOfId(uint32_t id) const;
  // Signatures referenced now (for tests and diagnostics).
  size_t liveTypes() const;

  struct Stubs;
  const Stubs& stubs() const { return *stubs_; }
  // Internal: where the entry trampoline takes each argument of a signature from.
  struct EntryLayout;
  const EntryLayout& entryLayout(uint32_t typeId) const;

 private:
  Engine() = default;
  Result<std::shared_ptr<const Module>> finishModule(std::unique_ptr<ModuleInfo> info, CompiledCode cc,
                                                     const CompileOptions& options, Job& job,
                                                     std::chrono::steady_clock::time_point t0);
  friend struct MemoryAccount;
  friend class Store;
  EngineConfig config_;
  std::shared_ptr<MemoryCeiling> ceiling_;
  std::unique_ptr<Stubs> stubs_;
  std::shared_ptr<TypeRegistry> types_;
};

class Module {
 public:
  ~Module();
  const ModuleInfo& info() const { return *info_; }
  const CompileOptions& options() const { return options_; }
  Engine& engine() const { return *engine_; }
  // Exports and imports with their types, for embedders checking signatures.
  const FuncType& funcType(uint32_t funcIndex) const;
  // Index of the export called name, or -1.
  int64_t findExport(std::string_view name, ExternKind kind) const;
  ModuleSummary summary() const;
  // A position-independent artifact of this module (its binary, machine code and code
  // metadata) that Engine::deserialize turns back into an equivalent Module, in this or
  // another process running the same engine build on a CPU with the same features.
  std::vector<uint8_t> serialize() const;
  // Seconds spent compiling (or, for a deserialized module, loading).
  double compileSeconds() const { return compileSeconds_; }
  size_t codeBytes() const { return codeSize_; }
  // What the module holds while it lives, charged to its engine's memory ceiling: its
  // machine code and its decoded form (the binary it keeps, types, segments, names).
  uint64_t footprint() const { return footprint_; }

  // Internal: set by the compiler.
  struct Compiled;
  const Compiled& compiled() const { return *compiled_; }

 private:
  friend class Engine;
  Module() = default;
  Engine* engine_ = nullptr;
  std::unique_ptr<ModuleInfo> info_;
  std::unique_ptr<Compiled> compiled_;
  CompileOptions options_;
  double compileSeconds_ = 0;
  size_t codeSize_ = 0;
  uint64_t footprint_ = 0;
  std::shared_ptr<MemoryCeiling> ceiling_;  // given footprint_ back when the module goes
};

// --- Store and Instance ---------------------------------------------------------------------

struct CallResult {
  TrapKind trap = TrapKind::None;
  bool ok() const { return trap == TrapKind::None; }
};

// A Wasm function of a store made ready for many calls from the embedder's per-row path
// (Store::prepareCall, then callPrepared): its signature's typed entry and what it runs
// on, and the store's counters that every call keeps. It points into the store, which
// must outlive it.
struct PreparedCall {
  uint32_t (*entry)(VMContext*, const void* code, uint64_t* args, uint64_t* results);
  VMContext* vmctx;
  const void* code;
  int64_t* fuel;           // the store's budget (Store::Hot)
  uint32_t* depth;         // its nesting of entries
  size_t* trapFrames;      // its trap backtrace, forgotten at each outermost entry
  uint64_t* lastCallFuel;  // Store::lastCallFuel
  bool metered;            // the store meters fuel
};

class Store {
 public:
  // The stack limit starts as the calling thread's stack bottom plus headroom (found once
  // per thread, which is costly the first time); the second form takes it instead (see
  // setStackLimit).
  explicit Store(Engine& engine);
  Store(Engine& engine, uintptr_t stackLimit);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine& engine() const { return *engine_; }

  // Limits. Memory: the bytes this store's linear memories and tables (8 bytes per
  // element) may hold together: instantiation fails if their minimums exceed it, and
  // memory.grow and table.grow past it give -1. Also bounded by the engine's ceiling.
  void setMaxMemoryBytes(uint64_t bytes);
  uint64_t maxMemoryBytes() const;
  // Bytes the store's memories and tables hold now.
  uint64_t memoryInUse() const;
  void setMaxTableElements(uint32_t n) { maxTableElems_ = n; }
  // Fuel: the remaining budget for code compiled with CompileOptions::fuel. Calls that
  // run out trap with FuelExhausted; fuel() then reads 0.
  void setFuel(uint64_t fuel);
  uint64_t fuel() const;
  // Fuel consumed by the most recent call() (including nested calls), exact.
  uint64_t lastCallFuel() const { return lastCallFuel_; }
  // Interrupt: Wasm code polls *flag at function entry and loop headers, and host-side
  // bulk operations poll it between chunks. When it reads non-zero, the handler (if any)
  // decides: TrapKind::None continues the Wasm code where it was, with every register
  // intact; any other kind ends the call with that trap. Without a handler the call traps
  // with Interrupted. The engine never clears the flag (a handler may). nullptr disables
  // polling. The handler runs on the Wasm code's stack, below its frames: it must return
  // normally (never longjmp or throw through them).
  void setInterruptFlag(volatile sig_atomic_t* flag);
  using InterruptHandler = TrapKind (*)(void* env);
  void setInterruptHandler(InterruptHandler handler, void* env);
  // Stack: Wasm code traps with StackExhausted rather than let a function's frame go
  // below this address. Leave room below it, 64 KiB at least: a call's outgoing stack
  // arguments (up to 8 KiB for 1000 parameters) and the interrupt and host stubs' saved
  // registers are written below the checked frame, and host functions, runtime helpers
  // and signal handlers run there. (The extension's limit is PostgreSQL's
  // max_stack_depth, which PostgreSQL keeps 512 KiB inside the real stack.)
  void setStackLimit(uintptr_t lowestAddress);
  // Convenience: limit = the caller's current stack pointer minus maxBytes.
  void setStackBudgetFromHere(size_t maxBytes);

  // Creates host-side objects.
  FuncRef* newHostFunc(const FuncType& type, HostFn fn, void* env);
  Result<Memory*> newMemory(const MemoryType& type);
  Result<Table*> newTable(const TableType& type, const Value& init);
  Global* newGlobal(const GlobalType& type, const Value& init);

  // Links imports (in the module's import order), creates memories, tables and globals,
  // applies active segments and runs the start function. A trap there is an Error of kind
  // Trap; objects already changed stay changed, as the spec requires.
  Result<Instance*> instantiate(const std::shared_ptr<const Module>& module,
                                const std::vector<Extern>& imports);

  // Calls f. args and results follow f's type. A trap returns its kind; the store and its
  // instances stay usable.
  CallResult call(FuncRef* f, const Value* args, Value* results);
  // The same with raw bits (i32 and f32 in the low 32 bits, the rest zero), for embedders
  // on a per-row path: no Value objects are built.
  // With fuel != nullptr (stores that meter fuel), *fuel is the budget for the call and
  // is set to what is left after it, as setFuel and fuel() would do around the call.
  CallResult callRaw(FuncRef* f, const uint64_t* args, uint64_t* results, uint64_t* fuel = nullptr);
  // callRaw's typed path with its lookups done once: false when f has no typed entry (a
  // host function, or a signature wider than typed entries take); then callRaw it.
  bool prepareCall(FuncRef* f, PreparedCall* out);
  static const FuncType& funcType(const FuncRef* f);
  static Instance* funcInstance(const FuncRef* f);  // nullptr for host functions

  // For host functions whose work grows with what the guest asks (bytes written, bytes
  // filled): call it before each chunk of that work. It charges `fuelUnits` (when the
  // store meters fuel) and polls the interrupt flag. None: go on. Anything else: stop and
  // return that trap kind (FuelExhausted, or what the interrupt handler said).
  TrapKind chargeHostWork(uint64_t fuelUnits);

  // Host error text, for a host function that returns TrapKind::HostError. Host functions
  // run below JIT frames, where nothing may throw: the text goes into a fixed buffer
  // (truncated past kHostErrorCapacity - 1 bytes), never onto the heap.
  static constexpr size_t kHostErrorCapacity = 256;
  void setHostError(const char* message) noexcept;
  const char* hostError() const { return hostError_; }

  // Where the last trap happened: the Wasm functions on the stack, innermost first, as
  // found by scanning the trapping activation's stack for return addresses into this
  // store's code (backtrace.cpp). For diagnostics only: the innermost function is missing
  // when the trap came from a check in a function reached by an indirect call, and a
  // guest can make stale-looking values appear as frames; nothing else is affected.
  struct TrapFrame {
    const Module* module;
    uint32_t funcIndex;
    uint32_t codeOffset;  // of the return address (or faulting instruction) in the function's machine code
  };
  static constexpr size_t kMaxTrapFrames = 16;
  size_t trapFrames(const TrapFrame** frames) const {
    *frames = trapFrames_;
    return trapFrameCount_;
  }
  // The same as text: "#0 name (function 3)\n#1 ..." (names from the name section).
  void formatTrapFrames(char* buf, size_t cap) const;

  // Internal (used by JIT stubs and the runtime).
  struct Hot;
  Hot* hot() { return hot_.get(); }

 private:
  friend class Instance;
  Engine* engine_;
  std::unique_ptr<Hot> hot_;
  uint32_t (*entry_)(VMContext*, const void*, uint64_t*, uint64_t*);  // Engine::Stubs::entry
  friend void recordTrapFrames(Store* s, uintptr_t rsp, uintptr_t pc);
  // callRaw through the generic entry (argv, retv); 0 or the TrapKind.
  __attribute__((noinline)) uint32_t callGeneric(FuncRef* f, const uint64_t* args, uint64_t* results);
  // callRaw of a host function: through Values.
  __attribute__((noinline)) CallResult callHost(FuncRef* f, const uint64_t* args, uint64_t* results);
  TrapFrame trapFrames_[kMaxTrapFrames] = {};
  size_t trapFrameCount_ = 0;
  std::unique_ptr<MemoryAccount> account_;  // before the memories and tables it outlives
  uint32_t maxTableElems_ = 10'000'000;
  uint64_t lastCallFuel_ = 0;
  char hostError_[kHostErrorCapacity] = {};
  std::vector<std::unique_ptr<Instance>> instances_;
  std::vector<std::unique_ptr<Memory>> memories_;
  std::vector<std::unique_ptr<Table>> tables_;
  std::vector<std::unique_ptr<Global>> globals_;
  struct HostFuncs;
  std::unique_ptr<HostFuncs> hostFuncs_;
};

class Instance {
 public:
  ~Instance();
  const Module& module() const { return *module_; }
  Store& store() const { return *store_; }
  bool getExport(std::string_view name, Extern* out) const;
  Memory* memory(uint32_t index = 0) const;
  Table* table(uint32_t index) const;
  Global* global(uint32_t index) const;
  FuncRef* func(uint32_t index) const;

  // Internal.
  VMContext* vmctx() const { return vmctx_; }

 private:
  friend class Store;
  friend struct InstanceAccess;
  explicit Instance(Store& s);
  Store* store_;
  std::shared_ptr<const Module> module_;
  VMContext* vmctx_ = nullptr;  // malloc'd, variable size
  std::vector<Memory*> memories_;
  std::vector<Table*> tables_;
  std::vector<Global*> globals_;
  std::vector<FuncRef*> funcs_;             // every function index
  std::unique_ptr<FuncRef[]> ownFuncRefs_;  // defined functions
  std::vector<bool> droppedElems_;
  std::vector<bool> droppedDatas_;
  uint64_t accounted_ = 0;  // its own bookkeeping, charged to the store's memory account
};

// The bookkeeping of every call from the embedder (callRaw, callPrepared) around
// enter(), which runs the code and returns 0 or the TrapKind.
template <class Enter>
inline TrapKind countedCall(const PreparedCall& p, uint64_t* fuel, Enter enter) {
  // Each cell read once into a local: any store may alias any cell (or p itself).
  int64_t* fuelCell = p.fuel;
  uint32_t* depthCell = p.depth;
  uint64_t* lastCallFuel = p.lastCallFuel;
  bool metered = p.metered;
  uint32_t depth = *depthCell;
  if (depth == 0) *p.trapFrames = 0;
  int64_t before = fuel ? (*fuel > uint64_t(INT64_MAX) ? INT64_MAX : int64_t(*fuel)) : *fuelCell;
  *fuelCell = before;
  *depthCell = depth + 1;
  uint32_t trap = enter();
  *depthCell = depth;  // entries nest: every inner one has given its level back
  if (metered) {
    int64_t now = *fuelCell;
    if (now < 0) *fuelCell = now = 0;
    *lastCallFuel = before > now ? uint64_t(before - now) : 0;
    if (fuel) *fuel = uint64_t(now);
  }
  return TrapKind(trap);
}

// Store::callRaw of a prepared function (Store::prepareCall), inline.
inline TrapKind callPrepared(const PreparedCall& p, const uint64_t* args, uint64_t* results, uint64_t* fuel) {
  return countedCall(p, fuel, [&] { return p.entry(p.vmctx, p.code, const_cast<uint64_t*>(args), results); });
}

}  // namespace wasm
