// PG zone. The one place that maps engine outcomes to SQLSTATEs and messages.
#pragma once

#include "bridge.h"

namespace pgwasm {

// A module that failed to decode, validate, compile or link. subject: "module \"geo\"".
void reportModuleError(const char* subject, const Outcome& out) __attribute__((noreturn));
// The same, for the stored module called moduleName.
void reportNamedModuleError(const char* moduleName, const Outcome& out) __attribute__((noreturn));

// Decodes and validates module moduleName's bytes (content hash sha256), once per backend;
// ERRORs (as above) if they do not. The facts stay valid until the next inspection.
const ModuleFacts* inspectModule(const char* moduleName, const uint8_t sha256[32], const uint8_t* bytes,
                                 size_t size);
// The same for the stored module: its bytes are read only if this backend has not
// inspected or compiled that content before. False if there is no such module.
bool storedModuleFacts(const char* moduleName, const ModuleFacts** facts);

// A call (or instantiation for a call) of SQL function fname that did not complete.
// Re-throws a parked PostgreSQL error (cancel, timeout, host-side ERROR) if there is one.
// trapDetail, if given, says where a trap happened (its backtrace, the guest's stderr).
void reportCallFailure(const char* fname, const Outcome& out, const char* trapDetail = nullptr)
    __attribute__((noreturn));

}  // namespace pgwasm
