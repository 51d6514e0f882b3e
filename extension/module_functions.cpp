// PG zone. SQL-callable functions over the module catalog: wasm.load_module,
// wasm.load_module_file, wasm.drop_module, wasm.exports, wasm.imports.
//
// Privileges: EXECUTE on load/drop is revoked from PUBLIC (GRANT it to roles that may
// load modules). A module belongs to the role that first loaded it; only members of that
// role (or superusers) may replace or drop it. The catalog is read and written directly
// (module_store.cpp), under a lock that makes the ownership check and the change one
// step; no SQL runs, so nothing of the caller's (search_path, functions, operators)
// takes part.
#include "pg.h"

#include "bridge.h"
#include "error_report.h"
#include "guc.h"
#include "host_imports.h"
#include "module_functions.h"
#include "module_store.h"
#include "server_text.h"

PGWASM_PG_HEADERS_BEGIN
#include "access/genam.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_proc.h"
#include "commands/proclang.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "storage/fd.h"
#include "tcop/utility.h"
#include "utils/rel.h"
#include "utils/syscache.h"
PG_FUNCTION_INFO_V1(wasm_load_module);
PG_FUNCTION_INFO_V1(wasm_load_module_file);
PG_FUNCTION_INFO_V1(wasm_drop_module);
PG_FUNCTION_INFO_V1(wasm_exports);
PG_FUNCTION_INFO_V1(wasm_imports);
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {

void checkModuleName(const char* name) {
  size_t n = strlen(name);
  bool ok = n >= 1 && n <= 63 && (isalpha((unsigned char)name[0]) || name[0] == '_');
  for (size_t i = 1; ok && i < n; i++)
    ok = isalnum((unsigned char)name[i]) || name[i] == '_' || name[i] == '.' || name[i] == '-';
  if (!ok)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid module name \"%s\"", name),
                    errdetail("A module name has 1 to 63 characters: letters, digits, '_', '.' and '-', "
                              "starting with a letter or '_'.")));
}

// Decodes and validates (once per content, see bridgeInspect), and checks that every
// import can be linked. Returns the number of exported functions.
int checkModule(const char* name, const uint8_t* bytes, size_t size, const uint8_t sha256[32]) {
  const ModuleFacts* f = inspectModule(name, sha256, bytes, size);
  char why[512] = {};
  bool linkable = true;
  int funcs = 0;
  for (uint32_t i = 0; i < f->nimports && linkable; i++) {
    wasm::HostFn fn;
    void* env;
    linkable = resolveImport(f->imports[i], &fn, &env, nullptr, why, sizeof why);
  }
  for (uint32_t i = 0; i < f->nexports; i++) funcs += f->exports[i].kind == wasm::ExternKind::Func;
  if (!linkable) {
    Outcome out;
    out.status = Outcome::EngineError;
    out.errorKind = wasm::ErrorKind::Link;
    snprintf(out.message, sizeof out.message, "%s", why);
    reportNamedModuleError(name, out);
  }
  return funcs;
}

// SHA-256 of a module, in pieces that a cancel can stop between.
void sha256Of(const uint8_t* data, size_t len, uint8_t out[32]) {
  pg_cryptohash_ctx* ctx = pg_cryptohash_create(PG_SHA256);
  bool ok = pg_cryptohash_init(ctx) >= 0;
  constexpr size_t kPiece = 4u << 20;
  for (size_t off = 0; ok && off < len; off += kPiece) {
    CHECK_FOR_INTERRUPTS();
    ok = pg_cryptohash_update(ctx, data + off, len - off < kPiece ? len - off : kPiece) >= 0;
  }
  ok = ok && pg_cryptohash_final(ctx, out, PG_SHA256_DIGEST_LENGTH) >= 0;
  if (!ok)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("could not compute SHA-256: %s", pg_cryptohash_error(ctx))));
  pg_cryptohash_free(ctx);
}

// Loading and dropping change the catalog: as for any catalog change, not in a read-only
// transaction (the direct catalog writes would not notice), during recovery or in
// parallel mode.
void requireWritable(const char* function) {
  PreventCommandIfReadOnly(function);
  PreventCommandIfParallelMode(function);
  PreventCommandDuringRecovery(function);
}

Datum loadModule(const char* name, bytea* bytes) {
  requireWritable("wasm.load_module()");
  checkModuleName(name);
  const uint8_t* data = reinterpret_cast<const uint8_t*>(VARDATA_ANY(bytes));
  size_t size = VARSIZE_ANY_EXHDR(bytes);
  if (size > maxModuleBytes())
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("module \"%s\" has %zu bytes, more than wasm.max_module_size (%llu kB)", name, size,
                           (unsigned long long)(maxModuleBytes() / 1024)),
                    errhint("A superuser can raise wasm.max_module_size.")));
  uint8_t sha[32];
  sha256Of(data, size, sha);
  // Who owns the module now decides, and holds until commit: the lock waits for any
  // other loader of any module, and the lookup sees what they committed.
  ModuleRow existing;
  bool exists = lockAndLookupModule(name, &existing);
  if (exists) checkModuleOwner(name, existing.owner);
  int funcs = checkModule(name, data, size, sha);
  if (exists) replaceModule(name, existing, data, size, sha);
  else insertModule(name, data, size, sha, GetUserId());
  PG_RETURN_TEXT_P(cstring_to_text(
      psprintf("module %s: %zu bytes, %d exported function%s", name, size, funcs, funcs == 1 ? "" : "s")));
}


// Returns the rows of exports (or imports) of module `name`.
void listModule(FunctionCallInfo fcinfo, const char* name, bool imports) {
  InitMaterializedSRF(fcinfo, 0);
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  const ModuleFacts* f;
  if (!storedModuleFacts(name, &f))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("module \"%s\" does not exist", name)));
  const char* kinds[] = {"function", "table", "memory", "global"};
  uint32_t n = imports ? f->nimports : f->nexports;
  const ExternEntry* entries = imports ? f->imports : f->exports;
  for (uint32_t i = 0; i < n; i++) {
    const ExternEntry& e = entries[i];
    Datum values[5];
    bool nulls[5] = {false, false, false, false, false};
    int k = 0;
    if (imports) values[k++] = CStringGetTextDatum(serverText(e.module));
    values[k++] = CStringGetTextDatum(serverText(e.name));
    values[k++] = CStringGetTextDatum(kinds[int(e.kind)]);
    size_t len = bridgeEntryTypeText(e, nullptr, 0);
    char* type = static_cast<char*>(palloc(len + 1));
    bridgeEntryTypeText(e, type, len + 1);
    values[k++] = CStringGetTextDatum(type);
    // 1.1's exports has the ABI column; a 1.0 installation (library updated, ALTER
    // EXTENSION not yet run) has not.
    if (!imports && rsinfo->setDesc->natts > k) {
      nulls[k] = e.kind != wasm::ExternKind::Func;
      values[k++] = Int32GetDatum(int32(f->abiVersion));
    }
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
  }
}

}  // namespace

namespace {
int byText(const ListCell* a, const ListCell* b) {
  return strcmp(format_procedure(lfirst_oid(a)), format_procedure(lfirst_oid(b)));
}
}  // namespace

List* functionsUsingModule(const char* name) {
  Oid lang = get_language_oid("wasm", false);
  Relation rel = table_open(ProcedureRelationId, AccessShareLock);
  SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
  List* out = NIL;
  size_t n = strlen(name);
  for (HeapTuple tup; HeapTupleIsValid(tup = systable_getnext(scan));) {
    Form_pg_proc proc = (Form_pg_proc)GETSTRUCT(tup);
    if (proc->prolang != lang) continue;
    bool isnull;
    Datum src = heap_getattr(tup, Anum_pg_proc_prosrc, RelationGetDescr(rel), &isnull);
    if (isnull) continue;
    char* s = TextDatumGetCString(src);
    if (strncmp(s, name, n) == 0 && s[n] == ':') out = lappend_oid(out, proc->oid);
    pfree(s);
  }
  systable_endscan(scan);
  table_close(rel, AccessShareLock);
  list_sort(out, byText);  // messages list them in a stable order
  return out;
}

void dropModule(const ModuleRow& row, const char* name, bool cascade, List* droppedOwners) {
  // Functions that use the module: refused unless cascade; with cascade, dropped with
  // what depends on them, whoever owns it, as DROP ... CASCADE does (the module's owner
  // decides about the module; a role that made a function over it cannot keep it).
  List* fns = functionsUsingModule(name);
  ObjectAddresses* theirs = new_object_addresses();  // owned by a role being dropped
  ObjectAddresses* others = new_object_addresses();
  int nOthers = 0;
  StringInfoData list;
  initStringInfo(&list);
  ListCell* lc;
  foreach (lc, fns) {
    Oid fn = lfirst_oid(lc);
    ObjectAddress a;
    ObjectAddressSet(a, ProcedureRelationId, fn);
    Oid owner = InvalidOid;
    HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
    if (HeapTupleIsValid(tup)) {
      owner = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tup))->proowner;
      ReleaseSysCache(tup);
    }
    if (list_member_oid(droppedOwners, owner)) {
      add_exact_object_address(&a, theirs);
      continue;
    }
    add_exact_object_address(&a, others);
    nOthers++;
    appendStringInfo(&list, "%sfunction %s uses module %s", list.len ? "\n" : "", format_procedure(fn), name);
  }
  if (nOthers && !cascade)
    ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                    errmsg("cannot drop module %s because other objects depend on it", name),
                    errdetail("%s", list.data),
                    errhint("Use wasm.drop_module('%s', cascade => true) to drop the functions too.", name)));
  if (nOthers)
    ereport(NOTICE, (errcode(ERRCODE_SUCCESSFUL_COMPLETION),
                     errmsg("drop cascades to %d function%s", nOthers, nOthers == 1 ? "" : "s"),
                     errdetail("%s", list.data)));
  // The dropped roles' own functions go as DROP OWNED would drop them.
  performMultipleDeletions(theirs, cascade ? DROP_CASCADE : DROP_RESTRICT, 0);
  performMultipleDeletions(others, DROP_CASCADE, 0);
  free_object_addresses(theirs);
  free_object_addresses(others);
  deleteModule(row);
}

}  // namespace pgwasm

using namespace pgwasm;

extern "C" Datum wasm_load_module(PG_FUNCTION_ARGS) {
  return loadModule(text_to_cstring(PG_GETARG_TEXT_PP(0)), PG_GETARG_BYTEA_PP(1));
}

extern "C" Datum wasm_load_module_file(PG_FUNCTION_ARGS) {
  if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES))
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to read a module from a server file"),
                    errdetail("Only superusers and members of pg_read_server_files may do this."),
                    errhint("Pass the module's bytes to wasm.load_module instead.")));
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  char* path = text_to_cstring(PG_GETARG_TEXT_PP(1));
  requireWritable("wasm.load_module_file()");
  Datum bytes = DirectFunctionCall1(pg_read_binary_file_all, CStringGetTextDatum(path));
  return loadModule(name, DatumGetByteaPP(bytes));
}

extern "C" Datum wasm_drop_module(PG_FUNCTION_ARGS) {
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  bool cascade = PG_GETARG_BOOL(1);
  requireWritable("wasm.drop_module()");
  ModuleRow row;
  if (!lockAndLookupModule(name, &row))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("module \"%s\" does not exist", name)));
  checkModuleOwner(name, row.owner);
  dropModule(row, name, cascade);
  PG_RETURN_VOID();
}

extern "C" Datum wasm_exports(PG_FUNCTION_ARGS) {
  listModule(fcinfo, text_to_cstring(PG_GETARG_TEXT_PP(0)), false);
  return (Datum)0;
}

extern "C" Datum wasm_imports(PG_FUNCTION_ARGS) {
  listModule(fcinfo, text_to_cstring(PG_GETARG_TEXT_PP(0)), true);
  return (Datum)0;
}
