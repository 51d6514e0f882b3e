// PG zone. Where a backend gets compiled modules: its own cache first, then (with
// shared_preload_libraries = 'wasm') the cluster's shared code cache, and only then the
// compiler, whose result it publishes for the other backends. See code_cache.cpp.
#pragma once

#include "bridge.h"

namespace pgwasm {

// From _PG_init while preloading: asks for the shared memory and locks.
void requestSharedCodeCache();
void defineCodeCacheGucs();

// The compiled module for module `moduleName` whose content hash is sha256, compiled with
// fuel metering or not. ERRORs if it cannot be compiled. fnName names the calling SQL
// function, for messages.
CompiledModule* obtainModule(const char* moduleName, const uint8_t sha256[32], bool fuel);

}  // namespace pgwasm
