// PG zone. Reads wasm.module_store through SPI, as the table's owner.
#include "module_store.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "access/genam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/namespace.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
}
#pragma GCC diagnostic pop

namespace pgwasm {

namespace {
// The owner of wasm.module_store (the role that created the extension).
Oid storeOwner() {
  Oid nsp = get_namespace_oid("wasm", false);
  Oid rel = get_relname_relid("module_store", nsp);
  if (!OidIsValid(rel))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("wasm.module_store is missing"),
                    errhint("Recreate the extension: DROP EXTENSION wasm; CREATE EXTENSION wasm.")));
  HeapTuple tup = SearchSysCache1(RELOID, ObjectIdGetDatum(rel));
  if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for relation %u", rel);
  Oid owner = ((Form_pg_class)GETSTRUCT(tup))->relowner;
  ReleaseSysCache(tup);
  return owner;
}
}  // namespace

void runAsStoreOwner(void (*fn)(void*), void* arg) {
  Oid savedUser;
  int savedSec;
  GetUserIdAndSecContext(&savedUser, &savedSec);
  SetUserIdAndSecContext(storeOwner(), savedSec | SECURITY_LOCAL_USERID_CHANGE);
  PG_TRY();
  {
    fn(arg);
  }
  PG_FINALLY();
  {
    SetUserIdAndSecContext(savedUser, savedSec);
  }
  PG_END_TRY();
}

namespace {
// Columns of wasm.module_store (wasm--1.0.sql).
constexpr AttrNumber kName = 1, kBytes = 2, kSha256 = 3, kOwner = 4;
}  // namespace

// An index lookup in the statement's snapshot, with no SQL: this runs at the first call of
// every statement (and it is the extension reading its own catalog, so no privilege check).
bool lookupModule(const char* name, bool wantBytes, ModuleRow* row) {
  Oid nsp = get_namespace_oid("wasm", false);
  Oid relid = get_relname_relid("module_store", nsp);
  Oid indexId = get_relname_relid("module_store_pkey", nsp);
  if (!OidIsValid(relid) || !OidIsValid(indexId))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("wasm.module_store is missing"),
                    errhint("Recreate the extension: DROP EXTENSION wasm; CREATE EXTENSION wasm.")));
  Relation rel = table_open(relid, AccessShareLock);
  ScanKeyData key;
  ScanKeyInit(&key, kName, BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(name));
  Snapshot snap = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
  SysScanDesc scan = systable_beginscan(rel, indexId, true, snap, 1, &key);
  HeapTuple tup = systable_getnext(scan);
  bool found = HeapTupleIsValid(tup);
  if (found) {
    TupleDesc desc = RelationGetDescr(rel);
    bool isnull;
    bytea* sha = DatumGetByteaPP(heap_getattr(tup, kSha256, desc, &isnull));
    if (isnull || VARSIZE_ANY_EXHDR(sha) != 32) elog(ERROR, "wasm.module_store: bad sha256 for module %s", name);
    memcpy(row->sha256, VARDATA_ANY(sha), 32);
    row->owner = DatumGetObjectId(heap_getattr(tup, kOwner, desc, &isnull));
    row->bytes = wantBytes ? DatumGetByteaPCopy(heap_getattr(tup, kBytes, desc, &isnull)) : nullptr;
  }
  systable_endscan(scan);
  table_close(rel, AccessShareLock);
  return found;
}

void checkModuleOwner(const char* name, Oid owner) {
  if (!has_privs_of_role(GetUserId(), owner))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("must be owner of module %s", name),
                    errdetail("Module %s belongs to role %s.", name, GetUserNameFromId(owner, false))));
}

}  // namespace pgwasm
