// PG zone. The one place that maps engine outcomes to SQLSTATEs and messages.
#pragma once

#include "bridge.h"

namespace pgwasm {

// A module that failed to decode, validate, compile or link. subject: "module \"geo\"".
void reportModuleError(const char* subject, const Outcome& out) __attribute__((noreturn));

// A call (or instantiation for a call) of SQL function fname that did not complete.
// Re-throws a parked PostgreSQL error (cancel, timeout, host-side ERROR) if there is one.
void reportCallFailure(const char* fname, const Outcome& out) __attribute__((noreturn));

}  // namespace pgwasm
