// PG zone. The one place that maps engine outcomes to SQLSTATEs and messages.
#pragma once

#include "bridge.h"

namespace pgwasm {

// A module that failed to decode, validate, compile or link. subject: "module \"geo\"".
void reportModuleError(const char* subject, const Outcome& out) __attribute__((noreturn));
// The same, for the stored module called moduleName.
void reportNamedModuleError(const char* moduleName, const Outcome& out) __attribute__((noreturn));

// Decodes and validates module moduleName's bytes; ERRORs (as above) if they do not.
// The summary is the caller's to free (bridgeFreeSummary).
wasm::ModuleSummary* inspectModule(const char* moduleName, const uint8_t* bytes, size_t size);

// A call (or instantiation for a call) of SQL function fname that did not complete.
// Re-throws a parked PostgreSQL error (cancel, timeout, host-side ERROR) if there is one.
void reportCallFailure(const char* fname, const Outcome& out) __attribute__((noreturn));

}  // namespace pgwasm
