// PG zone. What a guest may import: WASI preview 1 (stdout and stderr become messages,
// clocks and random are real, everything else reports "not supported") and the pgwasm
// module (NULL arguments and results). Host functions run below JIT frames: each one
// guards every PostgreSQL call with PG_TRY and turns an ERROR into a host trap.
#pragma once

#include <cstddef>

#include "wasm/engine.h"

namespace pgwasm {

// Per-runtime state the host functions see (their env).
struct CallState {
  const char* functionName = nullptr;  // the SQL function, for messages
  // The current call's arguments: which are NULL.
  const bool* argNulls = nullptr;
  int nargs = 0;
  bool returnNull = false;  // set by pgwasm.return_null
  // Partial lines of stdout (0) and stderr (1), flushed at newline and after each call.
  char line[2][1024];
  size_t lineLen[2] = {0, 0};
};

// ImportResolver (bridge.h): env is the CallState*, or nullptr when only checking.
bool resolveImport(const wasm::ExternDesc& import, wasm::HostFn* fn, void** env, void* resolverEnv,
                   char* why, size_t whyCap);

// Reports any partial output line left by the last call.
void flushGuestOutput(CallState* state);

}  // namespace pgwasm
