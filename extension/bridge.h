// Bridge zone. The extension's only way into the engine: functions that return plain-data
// outcomes and never call anything that can ereport, so the PG zone sees no C++ object
// and no C++ frame is ever between a longjmp and its catcher. C++ heap exhaustion is a
// clean FATAL of the backend (oom_regime.cpp: the new-handler), never an exception.
// Objects they create are opaque handles, released explicitly (the PG zone ties each
// release to a MemoryContext reset callback, so an ERROR frees them too).
#pragma once

#include <cstddef>
#include <cstdint>

#include "wasm/engine.h"

namespace pgwasm {

// What a bridge call came to. On anything but Ok, message says what happened.
struct Outcome {
  enum Status : uint8_t { Ok, EngineError, Trap, Usage } status = Ok;
  wasm::ErrorKind errorKind = wasm::ErrorKind::Invalid;  // EngineError
  wasm::TrapKind trap = wasm::TrapKind::None;             // Trap
  uint64_t offset = wasm::kNoOffset;                      // byte offset in the module
  char message[512];  // not zero-filled: Outcomes live on the per-row path
  Outcome() { message[0] = '\0'; }
  bool ok() const { return status == Ok; }
};

// --- what a module imports and exports, as plain data ------------------------------------
struct ExternEntry {
  const char* module;  // an import's module name; "" for exports
  const char* name;
  wasm::ExternKind kind;
  const char* type;  // not functions: "memory 1..16 pages", ...; functions: "" (bridgeEntryTypeText)
  uint32_t nparams, nresults;  // functions
  const wasm::ValType* params;
  const wasm::ValType* results;
};
struct ModuleFacts {
  uint32_t nimports, nexports;
  const ExternEntry* imports;
  const ExternEntry* exports;
  // The type ABI the module targets (udf-sdk/ABI.md): N from its function export
  // pgwasm_abi_vN of type () -> (), 1 when it has none. abiMarkers counts such exports
  // (of any type); abiProblem is set when they do not name exactly one version.
  uint32_t abiVersion;
  uint32_t abiMarkers;
  bool abiProblem;
};

// Links one import: the PG zone decides what the host provides (host_imports.cpp).
// Returns false with why filled if the import cannot be satisfied.
using ImportResolver = bool (*)(const ExternEntry& import, wasm::HostFn* fn, void** env, void* resolverEnv,
                                char* why, size_t whyCap);

// Creates the engine (its trampolines) ahead of use: in the postmaster while preloading,
// so that every backend inherits it instead of generating it on its first call. Its
// long jobs poll interruptFlag and ask handler whether to stop (see EngineConfig), and
// its stores together hold at most memoryCeiling bytes (updated on every call).
void bridgeWarmUp() noexcept;
void bridgeConfigure(volatile sig_atomic_t* interruptFlag, wasm::JobInterruptHandler handler,
                     uint64_t memoryCeiling) noexcept;

// --- modules ---------------------------------------------------------------------------
struct ModuleKey {
  uint8_t sha256[32];
  bool fuel;  // compiled with fuel metering
};

// A compiled module, shared by every runtime that uses it; the backend's module cache
// holds one reference.
struct CompiledModule;

// Decodes and validates the module whose content has this SHA-256, once per backend: its
// facts are cached by hash (with those of the modules it has compiled), so listing and
// checking a module again costs no validation. Null with out filled if it is invalid.
// The facts stay valid until the next bridgeInspect.
const ModuleFacts* bridgeInspect(const uint8_t sha256[32], const uint8_t* bytes, size_t size,
                                 Outcome* out) noexcept;
// The cached facts of that module, or null if it has not been inspected or compiled here.
const ModuleFacts* bridgeCachedFacts(const uint8_t sha256[32]) noexcept;

// The backend's compiled module for key, or nullptr if it has none (no reference taken).
CompiledModule* bridgeCachedModule(const ModuleKey& key) noexcept;
// Compiles bytes and caches the result under key. Returns the cached module.
CompiledModule* bridgeCompile(const ModuleKey& key, const uint8_t* bytes, size_t size,
                              Outcome* out) noexcept;
// Compiled-code artifacts, for the shared code cache (code_cache.cpp). The tag names what
// makes code differ (engine build, CPU features, fuel metering): see Engine::codeTag.
void bridgeCodeTag(bool fuel, char* buf, size_t cap) noexcept;
// A malloc'd artifact of m (free it with free()), or nullptr when out of memory.
uint8_t* bridgeSerialize(const CompiledModule* m, size_t* size) noexcept;
// Loads an artifact the caller mapped (mmap, PROT_READ, MAP_SHARED; see
// Engine::deserializeMapped) and caches the module under key, like bridgeCompile. The
// mapping is taken over, success or not: release(releaseArg) runs when it is unmapped
// (at once on failure, else when the module ends).
CompiledModule* bridgeLoadMappedArtifact(const ModuleKey& key, uint8_t* mapping, size_t size,
                                         void (*release)(void*), void* releaseArg, Outcome* out) noexcept;
const ModuleFacts& bridgeModuleFacts(const CompiledModule* m) noexcept;
// The backend's cache: modules and bytes of machine code.
void bridgeModuleCacheStats(size_t* entries, size_t* codeBytes) noexcept;
// Drops cached modules not used by any runtime beyond the newest `keep` (LRU), and beyond
// a quarter of the engine's memory ceiling (wasm.backend_memory_limit) together; never
// `except` (the module the caller is about to use).
void bridgeTrimModuleCache(size_t keep, const CompiledModule* except = nullptr) noexcept;
// Drops the module cached under key now, unless a runtime still uses it (a replaced
// module's old code: nothing will ask for it again).
void bridgeForgetModule(const ModuleKey& key) noexcept;

// --- signatures ------------------------------------------------------------------------
// A Wasm function type as plain data (PostgreSQL functions have at most 100 arguments,
// each at most three Wasm parameters).
struct WasmSig {
  uint16_t nparams = 0;  // up to 3 per argument (an interval), and a set's call number
  uint8_t nresults = 0;
  wasm::ValType params[3 * 100 + 1];
  wasm::ValType results[1];
};
enum class ExportCheck : uint8_t { Match, Missing, NotFunction, Mismatch };
// Compares export `name` with `want`; on Mismatch fills both types as text.
ExportCheck bridgeCheckExport(const ModuleFacts& f, const char* name, const WasmSig& want, char* haveText,
                              char* wantText, size_t cap) noexcept;
// "(i32, i32) -> i32", truncated to cap - 1 bytes; returns the length of the whole text
// (as snprintf does).
size_t bridgeSignatureText(const wasm::ValType* params, uint32_t nparams, const wasm::ValType* results,
                           uint32_t nresults, char* buf, size_t cap) noexcept;
// An entry's type as text: a function's signature (made when asked: with 1000 parameters
// it takes kilobytes, which a cached module should not hold for every entry), else
// e.type. Truncated and measured as bridgeSignatureText.
size_t bridgeEntryTypeText(const ExternEntry& e, char* buf, size_t cap) noexcept;

// --- runtimes: one instance of one module, with its store and limits --------------------
struct RuntimeLimits {
  uint64_t maxMemoryBytes;  // linear memory and tables of the instance
  uint64_t* fuel;           // in: fuel for the start function and _initialize; out: what is left
  uintptr_t stackLimit;                    // lowest stack address Wasm code may use
  volatile sig_atomic_t* interruptFlag;
  wasm::Store::InterruptHandler interruptHandler;
  void* interruptEnv;
};

struct Runtime;

// Instantiates m (running its start function and, if exported, the WASI reactor's
// _initialize) and finds export `func` and the guest allocator `pgwasm_alloc`.
Runtime* bridgeInstantiate(CompiledModule* m, const char* func, const RuntimeLimits& limits,
                           ImportResolver resolver, void* resolverEnv, Outcome* out) noexcept;
void bridgeFreeRuntime(Runtime* rt) noexcept;
// A hold on m, as a runtime has one: the backend's cache keeps m while it is held (a
// set-returning function's call site, between its sets' instances).
void bridgeHoldModule(CompiledModule* m) noexcept;
void bridgeLetGoModule(CompiledModule* m) noexcept;
bool bridgeHasAllocator(const Runtime* rt) noexcept;

// Calls the runtime's function. args/results are raw bits per its Wasm type. fuel: in,
// the budget left (ignored without metering); out, what is left after the call. Returns
// the trap that ended it (TrapKind::None: it returned); bridgeNoteTrap makes its Outcome.
wasm::TrapKind bridgeCall(Runtime* rt, const uint64_t* args, uint64_t* results, uint64_t* fuel) noexcept;
// The runtime's function made ready for the per-row path (wasm::callPrepared, the same
// call as bridgeCall's), valid while the runtime lives; false: call it with bridgeCall.
bool bridgePrepareCall(Runtime* rt, wasm::PreparedCall* out) noexcept;
// Another export of the runtime's instance, found by name and Wasm type (null: none of
// that name and type), and a call of it.
struct GuestFunc;
GuestFunc* bridgeFindFunc(Runtime* rt, const char* name, const WasmSig& sig) noexcept;
wasm::TrapKind bridgeCallFunc(Runtime* rt, GuestFunc* f, const uint64_t* args, uint64_t* results,
                              uint64_t* fuel) noexcept;
void bridgeNoteTrap(wasm::TrapKind trap, Outcome* out) noexcept;
// Calls pgwasm_alloc(size) and returns the guest address (0 means the guest failed).
uint32_t bridgeGuestAlloc(Runtime* rt, uint32_t size, uint64_t* fuel, Outcome* out) noexcept;
// The instance's memory 0 (nullptr, 0 if it has none). Valid until the next call.
uint8_t* bridgeMemory(Runtime* rt, uint64_t* size) noexcept;
// Text of the host error set by a host function (Store::setHostError).
const char* bridgeHostError(Runtime* rt) noexcept;
// Where the runtime's last trap happened, one line per Wasm function (Store::formatTrapFrames).
void bridgeTrapFrames(const Runtime* rt, char* buf, size_t cap) noexcept;

}  // namespace pgwasm
