// PG zone. Modules and the roles that own them. A module's owner is recorded in
// pg_shdepend (module_store.cpp), as PostgreSQL records the owners of its own objects, so
// DROP ROLE refuses a role that owns modules from any database and any session. Beyond
// that PostgreSQL cannot describe or change modules, so this file does it first:
//   - DROP ROLE: refused with the modules named (ProcessUtility hook, where the library
//     is loaded; elsewhere PostgreSQL refuses, naming the module's object class only);
//   - REASSIGN OWNED: the modules go to the new role (ProcessUtility hook: in a session
//     without the library PostgreSQL refuses the command, as it does not know the class);
//   - DROP OWNED: the modules are dropped, and DROP EXTENSION (or DROP SCHEMA wasm
//     CASCADE, or DROP OWNED of the extension's owner) forgets every module's owner, from
//     an event trigger (wasm.before_drop), which fires in every session of the database;
//   - rows written with SQL (a restore) record their owners, and TRUNCATE forgets them
//     (wasm.module_store_owners).
#include "pg.h"

#include "module_functions.h"
#include "module_owners.h"
#include "module_store.h"

PGWASM_PG_HEADERS_BEGIN
#include "catalog/pg_extension.h"
#include "commands/event_trigger.h"
#include "commands/extension.h"
#include "commands/trigger.h"
#include "nodes/parsenodes.h"
#include "utils/syscache.h"
PG_FUNCTION_INFO_V1(wasm_before_drop);
PG_FUNCTION_INFO_V1(wasm_module_store_owners);
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

// The rights PostgreSQL checks for REASSIGN OWNED and DROP OWNED (user.c), checked here
// first because the modules are handled before PostgreSQL's own objects.
Oid ownedRole(RoleSpec* spec, const char* verb) {
  Oid role = get_rolespec_oid(spec, false);
  if (!has_privs_of_role(GetUserId(), role))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to %s objects", verb)));
  return role;
}

void reassignModules(const ReassignOwnedStmt* stmt) {
  Oid to = get_rolespec_oid(stmt->newrole, false);
  if (!has_privs_of_role(GetUserId(), to))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to reassign objects")));
  ListCell* lc;
  foreach (lc, stmt->roles) {
    Oid from = ownedRole(static_cast<RoleSpec*>(lfirst(lc)), "reassign");
    List* owned = modulesOwnedBy(from);
    ListCell* m;
    foreach (m, owned) setModuleOwner(*static_cast<ModuleRow*>(lfirst(m)), to);
  }
}

void dropOwnedModules(const DropOwnedStmt* stmt) {
  Oid extension = get_extension_oid("wasm", true);
  Oid extensionOwner = InvalidOid;
  if (OidIsValid(extension)) {
    HeapTuple tup = SearchSysCache1(EXTENSIONOID, ObjectIdGetDatum(extension));
    if (HeapTupleIsValid(tup)) {
      extensionOwner = reinterpret_cast<Form_pg_extension>(GETSTRUCT(tup))->extowner;
      ReleaseSysCache(tup);
    }
  }
  bool dropsExtension = false;
  List* roles = NIL;
  ListCell* lc;
  foreach (lc, stmt->roles) {
    Oid role = ownedRole(static_cast<RoleSpec*>(lfirst(lc)), "drop");
    dropsExtension |= role == extensionOwner;
    roles = lappend_oid(roles, role);
  }
  foreach (lc, roles) {
    List* owned = modulesOwnedBy(lfirst_oid(lc));
    ListCell* m;
    foreach (m, owned) {
      const ModuleRow* row = static_cast<ModuleRow*>(lfirst(m));
      dropModule(*row, row->name, stmt->behavior == DROP_CASCADE, roles);
    }
  }
  if (dropsExtension) forgetAllModuleOwners();
}

// Whether a DROP names the extension, or its schema with CASCADE.
bool dropsExtension(const DropStmt* stmt) {
  if (stmt->removeType != OBJECT_EXTENSION && !(stmt->removeType == OBJECT_SCHEMA && stmt->behavior == DROP_CASCADE))
    return false;
  ListCell* lc;
  foreach (lc, stmt->objects) {
    Node* n = static_cast<Node*>(lfirst(lc));
    if (IsA(n, String) && strcmp(strVal(n), "wasm") == 0) return true;
  }
  return false;
}
}  // namespace

void beforeUtility(Node* stmt) {
  if (!stmt || !extensionHere()) return;
  if (IsA(stmt, DropRoleStmt)) refuseDropOfOwners(reinterpret_cast<DropRoleStmt*>(stmt));
  else if (IsA(stmt, ReassignOwnedStmt)) reassignModules(reinterpret_cast<ReassignOwnedStmt*>(stmt));
}

}  // namespace pgwasm

// Event trigger (ddl_command_start of DROP OWNED, DROP EXTENSION, DROP SCHEMA).
extern "C" Datum wasm_before_drop(PG_FUNCTION_ARGS) {
  using namespace pgwasm;
  if (!CALLED_AS_EVENT_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_EVENT_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("wasm.before_drop() is an event trigger")));
  Node* stmt = reinterpret_cast<EventTriggerData*>(fcinfo->context)->parsetree;
  if (IsA(stmt, DropOwnedStmt)) dropOwnedModules(reinterpret_cast<DropOwnedStmt*>(stmt));
  else if (IsA(stmt, DropStmt) && dropsExtension(reinterpret_cast<DropStmt*>(stmt))) forgetAllModuleOwners();
  PG_RETURN_VOID();
}

// Row trigger of wasm.module_store, for rows written with SQL: keeps the owner records.
extern "C" Datum wasm_module_store_owners(PG_FUNCTION_ARGS) {
  using namespace pgwasm;
  if (!CALLED_AS_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("wasm.module_store_owners() is a trigger")));
  TriggerData* td = reinterpret_cast<TriggerData*>(fcinfo->context);
  // Only as the catalog's own triggers (wasm--1.0.sql): on another table it would let
  // its owner forge or erase module owners' records.
  bool truncate = TRIGGER_FIRED_BY_TRUNCATE(td->tg_event);
  if (RelationGetRelid(td->tg_relation) != moduleStoreRelation() || !TRIGGER_FIRED_AFTER(td->tg_event) ||
      (truncate ? !TRIGGER_FIRED_FOR_STATEMENT(td->tg_event) : !TRIGGER_FIRED_FOR_ROW(td->tg_event)))
    ereport(ERROR, (errcode(ERRCODE_E_R_I_E_TRIGGER_PROTOCOL_VIOLATED),
                    errmsg("wasm.module_store_owners() is a trigger of wasm.module_store only")));
  if (truncate) {
    forgetAllModuleOwners();
    return PointerGetDatum(nullptr);
  }
  TupleDesc desc = RelationGetDescr(td->tg_relation);
  Oid id, owner;
  moduleRowIdentity(td->tg_trigtuple, desc, &id, &owner);
  if (TRIGGER_FIRED_BY_INSERT(td->tg_event)) {
    recordModuleOwner(id, owner);
  } else if (TRIGGER_FIRED_BY_DELETE(td->tg_event)) {
    forgetModuleOwner(id);
  } else if (TRIGGER_FIRED_BY_UPDATE(td->tg_event)) {
    Oid newId, newOwner;
    moduleRowIdentity(td->tg_newtuple, desc, &newId, &newOwner);
    if (id != newId) {
      forgetModuleOwner(id);
      recordModuleOwner(newId, newOwner);
    } else {
      changeModuleOwner(newId, newOwner);
    }
  }
  return PointerGetDatum(nullptr);
}
