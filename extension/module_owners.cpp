// PG zone. Modules and the roles that own them: DROP ROLE refuses a role that owns
// modules in this database, REASSIGN OWNED gives them to the new role and DROP OWNED
// drops them, as PostgreSQL does for its own objects. Called from the ProcessUtility hook
// (statement.cpp), in every session where the library is loaded: with
// shared_preload_libraries = 'wasm', all of them. A module whose owner was dropped
// elsewhere is left to superusers (checkModuleOwner).
#include "pg.h"

#include "module_functions.h"
#include "module_owners.h"
#include "module_store.h"

PGWASM_PG_HEADERS_BEGIN
#include "commands/extension.h"
#include "nodes/parsenodes.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {
bool extensionHere() { return OidIsValid(get_extension_oid("wasm", true)); }

void refuseDropOfOwners(const DropRoleStmt* stmt) {
  ListCell* lc;
  foreach (lc, stmt->roles) {
    RoleSpec* spec = static_cast<RoleSpec*>(lfirst(lc));
    Oid role = get_rolespec_oid(spec, true);
    if (!OidIsValid(role)) continue;  // PostgreSQL reports it (or skips it, IF EXISTS)
    List* owned = modulesOwnedBy(role);
    if (owned == NIL) continue;
    StringInfoData detail;
    initStringInfo(&detail);
    ListCell* m;
    foreach (m, owned)
      appendStringInfo(&detail, "%sowner of module %s", detail.len ? "\n" : "",
                       static_cast<ModuleRow*>(lfirst(m))->name);
    ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                    errmsg("role \"%s\" cannot be dropped because some objects depend on it",
                           get_rolespec_name(spec)),
                    errdetail("%s", detail.data),
                    errhint("REASSIGN OWNED or DROP OWNED in this database first, or wasm.drop_module.")));
  }
}

void reassignModules(const ReassignOwnedStmt* stmt) {
  Oid to = get_rolespec_oid(stmt->newrole, false);
  ListCell* lc;
  foreach (lc, stmt->roles) {
    Oid from = get_rolespec_oid(static_cast<RoleSpec*>(lfirst(lc)), false);
    List* owned = modulesOwnedBy(from);
    ListCell* m;
    foreach (m, owned) setModuleOwner(*static_cast<ModuleRow*>(lfirst(m)), to);
  }
}

void dropOwnedModules(const DropOwnedStmt* stmt) {
  ListCell* lc;
  foreach (lc, stmt->roles) {
    Oid role = get_rolespec_oid(static_cast<RoleSpec*>(lfirst(lc)), false);
    List* owned = modulesOwnedBy(role);
    ListCell* m;
    foreach (m, owned) {
      const ModuleRow* row = static_cast<ModuleRow*>(lfirst(m));
      dropModule(*row, row->name, stmt->behavior == DROP_CASCADE);
    }
  }
}
}  // namespace

void beforeUtility(Node* stmt) {
  if (stmt && IsA(stmt, DropRoleStmt) && extensionHere())
    refuseDropOfOwners(reinterpret_cast<DropRoleStmt*>(stmt));
}

void afterUtility(Node* stmt) {
  if (!stmt) return;
  // PostgreSQL has checked the caller's rights over every role named.
  if (IsA(stmt, ReassignOwnedStmt) && extensionHere()) reassignModules(reinterpret_cast<ReassignOwnedStmt*>(stmt));
  else if (IsA(stmt, DropOwnedStmt) && extensionHere()) dropOwnedModules(reinterpret_cast<DropOwnedStmt*>(stmt));
}

}  // namespace pgwasm
