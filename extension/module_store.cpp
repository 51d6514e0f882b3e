// PG zone. SAFETY-CRITICAL. wasm.module_store through the heap and its primary key index
// (see module_store.h for why never through SQL).
#include "module_store.h"

PGWASM_PG_HEADERS_BEGIN
#include "access/genam.h"
#include "access/heapam.h"
#include "access/stratnum.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/pg_shdepend.h"
#include "storage/bufmgr.h"
#include "storage/lmgr.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {
// Columns of wasm.module_store (wasm--1.0.sql).
constexpr AttrNumber kName = 1, kBytes = 2, kSha256 = 3, kOwner = 4, kCreated = 5, kId = 6;
constexpr int kColumns = 6;

struct StoreOids {
  Oid rel, index, idIndex;
};
StoreOids storeOids() {
  Oid nsp = get_namespace_oid("wasm", false);
  StoreOids o{get_relname_relid("module_store", nsp), get_relname_relid("module_store_pkey", nsp),
              get_relname_relid("module_store_id_key", nsp)};
  if (!OidIsValid(o.rel) || !OidIsValid(o.index) || !OidIsValid(o.idIndex))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_TABLE), errmsg("wasm.module_store is missing"),
                    errhint("Recreate the extension: DROP EXTENSION wasm; CREATE EXTENSION wasm.")));
  return o;
}

void readRow(HeapTuple tup, TupleDesc desc, bool wantBytes, const char* name, ModuleRow* row) {
  bool isnull;
  bytea* sha = DatumGetByteaPP(heap_getattr(tup, kSha256, desc, &isnull));
  if (isnull || VARSIZE_ANY_EXHDR(sha) != 32) elog(ERROR, "wasm.module_store: bad sha256 for module %s", name);
  memcpy(row->sha256, VARDATA_ANY(sha), 32);
  row->owner = DatumGetObjectId(heap_getattr(tup, kOwner, desc, &isnull));
  row->id = DatumGetObjectId(heap_getattr(tup, kId, desc, &isnull));
  row->bytes = wantBytes ? DatumGetByteaPCopy(heap_getattr(tup, kBytes, desc, &isnull)) : nullptr;
  row->tid = tup->t_self;
  row->name = nullptr;
}

// Index lookup of `name` in snapshot snap, with the relation already open.
bool findRow(Relation rel, Oid index, Snapshot snap, const char* name, bool wantBytes, ModuleRow* row) {
  ScanKeyData key;
  ScanKeyInit(&key, kName, BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(name));
  SysScanDesc scan = systable_beginscan(rel, index, true, snap, 1, &key);
  HeapTuple tup = systable_getnext(scan);
  bool found = HeapTupleIsValid(tup);
  if (found) readRow(tup, RelationGetDescr(rel), wantBytes, name, row);
  systable_endscan(scan);
  return found;
}

Relation openLocked() {
  StoreOids o = storeOids();
  // Self-conflicting, and conflicting with any writer: one writer at a time.
  return table_open(o.rel, ShareRowExclusiveLock);
}

HeapTuple formRow(Relation rel, const char* name, const uint8_t* bytes, size_t size, const uint8_t sha256[32],
                  Oid owner, Oid id) {
  Datum values[kColumns];
  bool nulls[kColumns] = {false, false, false, false, false, false};
  bytea* b = static_cast<bytea*>(palloc(VARHDRSZ + size));
  SET_VARSIZE(b, VARHDRSZ + size);
  memcpy(VARDATA(b), bytes, size);
  bytea* s = static_cast<bytea*>(palloc(VARHDRSZ + 32));
  SET_VARSIZE(s, VARHDRSZ + 32);
  memcpy(VARDATA(s), sha256, 32);
  values[kName - 1] = CStringGetTextDatum(name);
  values[kBytes - 1] = PointerGetDatum(b);
  values[kSha256 - 1] = PointerGetDatum(s);
  values[kOwner - 1] = ObjectIdGetDatum(owner);
  values[kCreated - 1] = TimestampTzGetDatum(GetCurrentTransactionStartTimestamp());  // now()
  values[kId - 1] = ObjectIdGetDatum(id);
  return heap_form_tuple(RelationGetDescr(rel), values, nulls);
}
}  // namespace

// An index lookup in the statement's snapshot, with no SQL: this runs at the first call of
// every statement (and it is the extension reading its own catalog, so no privilege check).
bool lookupModule(const char* name, bool wantBytes, ModuleRow* row) {
  StoreOids o = storeOids();
  Relation rel = table_open(o.rel, AccessShareLock);
  Snapshot snap = ActiveSnapshotSet() ? GetActiveSnapshot() : GetTransactionSnapshot();
  bool found = findRow(rel, o.index, snap, name, wantBytes, row);
  table_close(rel, AccessShareLock);
  return found;
}

bool lockAndLookupModule(const char* name, ModuleRow* row) {
  Relation rel = openLocked();
  // Writers before us have committed (we waited for their lock): the latest snapshot sees
  // them, and CommandCounterIncrement makes this transaction's own earlier changes visible.
  CommandCounterIncrement();
  bool found = findRow(rel, storeOids().index, GetLatestSnapshot(), name, false, row);
  table_close(rel, NoLock);  // the lock is kept until the transaction ends
  return found;
}

void insertModule(const char* name, const uint8_t* bytes, size_t size, const uint8_t sha256[32], Oid owner) {
  Relation rel = openLocked();
  Oid id = GetNewOidWithIndex(rel, storeOids().idIndex, kId);
  HeapTuple tup = formRow(rel, name, bytes, size, sha256, owner, id);
  CatalogTupleInsert(rel, tup);
  heap_freetuple(tup);
  recordDependencyOnOwner(RelationGetRelid(rel), id, owner);
  table_close(rel, NoLock);
  CommandCounterIncrement();
}

void replaceModule(const char* name, const ModuleRow& existing, const uint8_t* bytes, size_t size,
                   const uint8_t sha256[32]) {
  Relation rel = openLocked();
  HeapTuple tup = formRow(rel, name, bytes, size, sha256, existing.owner, existing.id);
  CatalogTupleUpdate(rel, const_cast<ItemPointer>(&existing.tid), tup);
  heap_freetuple(tup);
  table_close(rel, NoLock);
  CommandCounterIncrement();
}

void deleteModule(const ModuleRow& existing) {
  Relation rel = openLocked();
  CatalogTupleDelete(rel, const_cast<ItemPointer>(&existing.tid));
  deleteSharedDependencyRecordsFor(RelationGetRelid(rel), existing.id, 0);
  table_close(rel, NoLock);
  CommandCounterIncrement();
}

void setModuleOwner(const ModuleRow& existing, Oid owner) {
  Relation rel = openLocked();
  // Re-read the row at its tid in the latest state and write it back with the new owner.
  HeapTupleData cur;
  cur.t_self = existing.tid;
  Buffer buf;
  if (!heap_fetch(rel, SnapshotSelf, &cur, &buf, false)) elog(ERROR, "wasm.module_store row vanished");
  Datum values[kColumns];
  bool nulls[kColumns];
  heap_deform_tuple(&cur, RelationGetDescr(rel), values, nulls);
  values[kOwner - 1] = ObjectIdGetDatum(owner);
  HeapTuple tup = heap_form_tuple(RelationGetDescr(rel), values, nulls);
  ReleaseBuffer(buf);
  CatalogTupleUpdate(rel, const_cast<ItemPointer>(&existing.tid), tup);
  heap_freetuple(tup);
  changeDependencyOnOwner(RelationGetRelid(rel), existing.id, owner);
  table_close(rel, NoLock);
  CommandCounterIncrement();
}

Oid moduleStoreRelation() { return storeOids().rel; }
void moduleRowIdentity(HeapTuple tup, TupleDesc desc, Oid* id, Oid* owner) {
  bool isnull;
  Datum d = heap_getattr(tup, kId, desc, &isnull);
  *id = isnull ? InvalidOid : DatumGetObjectId(d);
  d = heap_getattr(tup, kOwner, desc, &isnull);
  *owner = isnull ? InvalidOid : DatumGetObjectId(d);
}
void recordModuleOwner(Oid id, Oid owner) { recordDependencyOnOwner(storeOids().rel, id, owner); }
void changeModuleOwner(Oid id, Oid owner) { changeDependencyOnOwner(storeOids().rel, id, owner); }
void forgetModuleOwner(Oid id) { deleteSharedDependencyRecordsFor(storeOids().rel, id, 0); }

void forgetAllModuleOwners() {
  // By the records themselves, not the rows: after TRUNCATE there are none to scan.
  Oid classId = moduleStoreRelation();
  Relation shdep = table_open(SharedDependRelationId, RowExclusiveLock);
  ScanKeyData keys[2];
  ScanKeyInit(&keys[0], Anum_pg_shdepend_dbid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(MyDatabaseId));
  ScanKeyInit(&keys[1], Anum_pg_shdepend_classid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(classId));
  SysScanDesc scan = systable_beginscan(shdep, SharedDependDependerIndexId, true, nullptr, 2, keys);
  for (HeapTuple tup; HeapTupleIsValid(tup = systable_getnext(scan));) CatalogTupleDelete(shdep, &tup->t_self);
  systable_endscan(scan);
  table_close(shdep, RowExclusiveLock);
  CommandCounterIncrement();
}

namespace {
List* scanOwnedBy(Relation rel, Oid role) {
  List* out = NIL;
  ScanKeyData key;
  ScanKeyInit(&key, kOwner, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(role));
  SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, GetLatestSnapshot(), 1, &key);
  for (HeapTuple tup; HeapTupleIsValid(tup = systable_getnext(scan));) {
    bool isnull;
    char* name = TextDatumGetCString(heap_getattr(tup, kName, RelationGetDescr(rel), &isnull));
    ModuleRow* row = static_cast<ModuleRow*>(palloc(sizeof(ModuleRow)));
    readRow(tup, RelationGetDescr(rel), false, name, row);
    row->name = name;
    out = lappend(out, row);
  }
  systable_endscan(scan);
  return out;
}
}  // namespace

List* modulesOwnedBy(Oid role) {
  // A role that owns no module takes no lock that would make loaders wait: any role may
  // run REASSIGN OWNED or DROP OWNED of itself, and hold its transaction open.
  CommandCounterIncrement();
  Relation rel = table_open(storeOids().rel, AccessShareLock);
  List* out = scanOwnedBy(rel, role);
  table_close(rel, AccessShareLock);
  if (out == NIL) return NIL;
  rel = openLocked();
  CommandCounterIncrement();
  out = scanOwnedBy(rel, role);
  table_close(rel, NoLock);
  return out;
}

void checkModuleOwner(const char* name, Oid owner) {
  if (has_privs_of_role(GetUserId(), owner)) return;
  const char* ownerName = GetUserNameFromId(owner, true);
  if (!ownerName)
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("must be owner of module %s", name),
                    errdetail("Module %s belonged to a role that no longer exists (OID %u).", name, owner),
                    errhint("A superuser can drop or replace it, or give it to a role with "
                            "REASSIGN OWNED in this database.")));
  ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("must be owner of module %s", name),
                  errdetail("Module %s belongs to role %s.", name, ownerName)));
}

}  // namespace pgwasm
