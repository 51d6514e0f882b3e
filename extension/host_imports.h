// PG zone. What a guest may import: WASI preview 1 (stdout and stderr become messages,
// clocks and random are real, everything else reports "not supported") and the pgwasm
// module (NULL arguments and results; window functions' reads, window_imports.h). Host functions run below JIT frames: each one
// guards every PostgreSQL call with PG_TRY and turns an ERROR into a host trap.
#pragma once

#include <cstddef>

#include "bridge.h"
#include "pg.h"
#include "wasm/engine.h"

namespace pgwasm {

// Per-runtime state the host functions see (their env).
struct CallState {
  const char* functionName = nullptr;  // the SQL function, for messages
  // The current call's arguments (fcinfo->args): which are NULL.
  const NullableDatum* args = nullptr;
  int nargs = 0;
  bool returnNull = false;  // set by pgwasm.return_null
  // A window function's call: its WindowObject and argument codecs (window_imports.cpp),
  // else null.
  void* window = nullptr;
  const struct ValueCodec* windowArgs = nullptr;
  bool meteredCode = false;  // the instance's code meters fuel
  // Partial lines of stdout (0) and stderr (1), flushed at newline and after each call.
  char line[2][1024];
  size_t lineLen[2] = {0, 0};
  // The last bytes the guest wrote to stderr, whatever the output quota: an assert's or a
  // panic's message, for the ERROR of the trap that follows it (a ring buffer).
  static constexpr size_t kTail = 1024;
  char stderrTail[kTail];
  size_t stderrTailEnd = 0;  // bytes ever written; the ring holds the last kTail of them
};

// The last lines of the guest's stderr (at most `lines`, the last one possibly partial),
// as text, into buf; empty if it wrote nothing.
void stderrTail(const CallState* state, int lines, char* buf, size_t cap);

// A host function a guest may import, by name and type (params "->" results, one letter
// per type: i I f F).
struct HostImport {
  const char* module;
  const char* name;
  const char* type;
  wasm::HostFn fn;
};

// A host function's env, and guest memory range checks for it: [addr, addr+len) inside
// memory 0 (computed so that it cannot wrap), else null.
inline CallState* stateOf(wasm::HostCall& call) { return static_cast<CallState*>(call.env); }
inline uint8_t* guestRange(wasm::HostCall& call, uint64_t addr, uint64_t len) {
  wasm::Memory* mem = call.caller ? call.caller->memory(0) : nullptr;
  if (!mem || addr > mem->size() || len > mem->size() - addr) return nullptr;
  return mem->data() + addr;
}

// ImportResolver (bridge.h): env is the CallState*, or nullptr when only checking.
bool resolveImport(const ExternEntry& import, wasm::HostFn* fn, void** env, void* resolverEnv,
                   char* why, size_t whyCap);

// Reports any partial output line left by the last call.
void flushGuestOutput(CallState* state);

}  // namespace pgwasm
