// PG zone. The module catalog (wasm.module_store): lookups for the call handler and the
// validator. The SQL-callable functions (load, drop, exports, imports) live in
// module_functions.cpp.
#pragma once

#include "pg.h"

namespace pgwasm {

struct ModuleRow {
  uint8_t sha256[32];
  Oid owner;
  bytea* bytes;  // detoasted, palloc'd in the caller's context; nullptr unless asked for
};

// Looks module `name` up in the statement's snapshot (callers need no access to the
// table). False if there is no such module.
bool lookupModule(const char* name, bool wantBytes, ModuleRow* row);

// Runs fn(arg) with the privileges of wasm.module_store's owner (for SPI on the table);
// the caller's identity is restored even on ERROR.
void runAsStoreOwner(void (*fn)(void*), void* arg);

// ERROR unless the current user may replace or drop a module owned by `owner`.
void checkModuleOwner(const char* name, Oid owner);

}  // namespace pgwasm
