// PG zone. What module_functions.cpp shares with the role statements (module_owners.cpp).
#pragma once

#include "module_store.h"
#include "pg.h"

namespace pgwasm {

// The LANGUAGE wasm functions whose body names module `name` (their OIDs).
List* functionsUsingModule(const char* name);

// Drops a module the caller has locked and looked up (lockAndLookupModule). The functions
// that use it make it fail, unless cascade, which drops them and what depends on them,
// whoever owns them (as DROP ... CASCADE does). Functions owned by a role of
// droppedOwners (DROP OWNED, which drops them anyway) neither fail it nor are reported:
// they are dropped, with what depends on them only if cascade.
void dropModule(const ModuleRow& row, const char* name, bool cascade, List* droppedOwners = NIL);

}  // namespace pgwasm
