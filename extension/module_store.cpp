// PG zone. Reads wasm.module_store through SPI, as the table's owner.
#include "module_store.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "catalog/namespace.h"
#include "utils/rel.h"
}

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
struct LookupArgs {
  const char* name;
  bool wantBytes;
  ModuleRow* row;
  MemoryContext callerCxt;
  bool found;
};

void lookupAsOwner(void* p) {
  LookupArgs* a = static_cast<LookupArgs*>(p);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  Oid argTypes[1] = {TEXTOID};
  Datum args[1] = {CStringGetTextDatum(a->name)};
  const char* sql = a->wantBytes
      ? "SELECT sha256, owner::oid, bytes FROM wasm.module_store WHERE name = $1"
      : "SELECT sha256, owner::oid FROM wasm.module_store WHERE name = $1";
  int rc = SPI_execute_with_args(sql, 1, argTypes, args, nullptr, true, 1);
  if (rc != SPI_OK_SELECT) elog(ERROR, "SPI_execute_with_args failed: %s", SPI_result_code_string(rc));
  if (SPI_processed == 1) {
    a->found = true;
    HeapTuple tup = SPI_tuptable->vals[0];
    TupleDesc desc = SPI_tuptable->tupdesc;
    bool isnull;
    bytea* sha = DatumGetByteaPP(SPI_getbinval(tup, desc, 1, &isnull));
    if (VARSIZE_ANY_EXHDR(sha) != 32) elog(ERROR, "wasm.module_store: bad sha256 for module %s", a->name);
    memcpy(a->row->sha256, VARDATA_ANY(sha), 32);
    a->row->owner = DatumGetObjectId(SPI_getbinval(tup, desc, 2, &isnull));
    a->row->bytes = nullptr;
    if (a->wantBytes) {
      Datum b = SPI_getbinval(tup, desc, 3, &isnull);
      MemoryContext spiCxt = MemoryContextSwitchTo(a->callerCxt);
      a->row->bytes = DatumGetByteaPCopy(b);
      MemoryContextSwitchTo(spiCxt);
    }
  }
  SPI_finish();
}
}  // namespace

bool lookupModule(const char* name, bool wantBytes, ModuleRow* row) {
  LookupArgs a{name, wantBytes, row, CurrentMemoryContext, false};
  runAsStoreOwner(lookupAsOwner, &a);
  return a.found;
}

void checkModuleOwner(const char* name, Oid owner) {
  if (!has_privs_of_role(GetUserId(), owner))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("must be owner of module %s", name),
                    errdetail("Module %s belongs to role %s.", name, GetUserNameFromId(owner, false))));
}

}  // namespace pgwasm
