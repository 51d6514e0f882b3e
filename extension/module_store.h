// PG zone. The module catalog (wasm.module_store), read and written directly through the
// heap and its index, never through SQL: nothing the caller controls (search_path,
// operators, functions, temporary tables) takes part, and no code runs with the
// privileges of the table's owner. Writers serialize on a table lock and see the latest
// committed state, so checking a module's owner and replacing it are one step. The
// SQL-callable functions (load, drop, exports, imports) live in module_functions.cpp.
#pragma once

#include "pg.h"

namespace pgwasm {

struct ModuleRow {
  uint8_t sha256[32];
  Oid owner;
  Oid id;  // the module's identity in pg_shdepend
  bytea* bytes;  // detoasted, palloc'd in the caller's context; nullptr unless asked for
  ItemPointerData tid;
  char* name;  // palloc'd (modulesOwnedBy only)
};

// Looks module `name` up in the statement's snapshot (callers need no access to the
// table). False if there is no such module.
bool lookupModule(const char* name, bool wantBytes, ModuleRow* row);

// For writers: locks wasm.module_store against every other writer until the transaction
// ends, then looks `name` up in the latest committed state (and this transaction's own
// changes). Anything decided from it (who owns the module) holds until commit.
bool lockAndLookupModule(const char* name, ModuleRow* row);
// Under that lock: add a module, replace one's content (its owner stays), delete one,
// change the owner of one.
void insertModule(const char* name, const uint8_t* bytes, size_t size, const uint8_t sha256[32], Oid owner);
void replaceModule(const char* name, const ModuleRow& existing, const uint8_t* bytes, size_t size,
                   const uint8_t sha256[32]);
void deleteModule(const ModuleRow& existing);
void setModuleOwner(const ModuleRow& existing, Oid owner);
// The owner of a module is recorded in pg_shdepend (class wasm.module_store, object id),
// so that DROP ROLE refuses the owner in every database and session, as for PostgreSQL's
// own objects. The writers above keep it; these are for rows written with SQL (the
// table's trigger) and for dropping the extension, which must not leave records behind.
Oid moduleStoreRelation();
// A wasm.module_store row's id and owner (as the trigger sees it).
void moduleRowIdentity(HeapTuple tup, TupleDesc desc, Oid* id, Oid* owner);
void recordModuleOwner(Oid id, Oid owner);
void changeModuleOwner(Oid id, Oid owner);
void forgetModuleOwner(Oid id);
void forgetAllModuleOwners();
// Lists the modules owned by `role` (with name, tid and owner), locked as above if
// there are any (a role without modules makes no loader wait).
List* modulesOwnedBy(Oid role);

// ERROR unless the current user may replace or drop a module owned by `owner`. An owner
// that no longer exists (dropped from another database) leaves the module to superusers.
void checkModuleOwner(const char* name, Oid owner);

}  // namespace pgwasm
