// PG zone. SQL-callable functions over the module catalog: wasm.load_module,
// wasm.load_module_file, wasm.drop_module, wasm.exports, wasm.imports.
//
// Privileges: EXECUTE on load/drop is revoked from PUBLIC (GRANT it to roles that may
// load modules). A module belongs to the role that first loaded it; only members of that
// role (or superusers) may replace or drop it. The catalog itself is written with the
// privileges of its owner, so callers need no rights on wasm.module_store.
#include "pg.h"

#include "bridge.h"
#include "error_report.h"
#include "guc.h"
#include "host_imports.h"
#include "module_store.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
extern "C" {
#include "catalog/pg_authid.h"
#include "common/cryptohash.h"
#include "common/sha2.h"
#include "storage/fd.h"
PG_FUNCTION_INFO_V1(wasm_load_module);
PG_FUNCTION_INFO_V1(wasm_load_module_file);
PG_FUNCTION_INFO_V1(wasm_drop_module);
PG_FUNCTION_INFO_V1(wasm_exports);
PG_FUNCTION_INFO_V1(wasm_imports);
}
#pragma GCC diagnostic pop

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

// Decodes and validates, and checks that every import can be linked. Returns the number
// of exported functions.
int checkModule(const char* name, const uint8_t* bytes, size_t size) {
  if (size > maxModuleBytes())
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("module \"%s\" has %zu bytes, more than wasm.max_module_size (%llu kB)", name, size,
                           (unsigned long long)(maxModuleBytes() / 1024)),
                    errhint("A superuser can raise wasm.max_module_size.")));
  wasm::ModuleSummary* s = inspectModule(name, bytes, size);
  char why[512] = {};
  bool linkable = true;
  int funcs = 0;
  for (const wasm::ExternDesc& im : s->imports) {
    wasm::HostFn fn;
    void* env;
    if (!resolveImport(im, &fn, &env, nullptr, why, sizeof why)) {
      linkable = false;
      break;
    }
  }
  for (const wasm::ExternDesc& e : s->exports) funcs += e.kind == wasm::ExternKind::Func;
  bridgeFreeSummary(s);
  if (!linkable) {
    Outcome out;
    out.status = Outcome::EngineError;
    out.errorKind = wasm::ErrorKind::Link;
    snprintf(out.message, sizeof out.message, "%s", why);
    reportNamedModuleError(name, out);
  }
  return funcs;
}

struct StoreArgs {
  const char* name;
  bytea* bytes;
  bytea* sha;
  Oid owner;
};

void storeAsOwner(void* p) {
  StoreArgs* a = static_cast<StoreArgs*>(p);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  Oid types[4] = {TEXTOID, BYTEAOID, BYTEAOID, OIDOID};
  Datum args[4] = {CStringGetTextDatum(a->name), PointerGetDatum(a->bytes), PointerGetDatum(a->sha),
                   ObjectIdGetDatum(a->owner)};
  int rc = SPI_execute_with_args(
      "INSERT INTO wasm.module_store AS m (name, bytes, sha256, owner) VALUES ($1, $2, $3, $4::regrole) "
      "ON CONFLICT (name) DO UPDATE SET bytes = EXCLUDED.bytes, sha256 = EXCLUDED.sha256, created = now()",
      4, types, args, nullptr, false, 0);
  if (rc != SPI_OK_INSERT) elog(ERROR, "storing module failed: %s", SPI_result_code_string(rc));
  SPI_finish();
}

void deleteAsOwner(void* p) {
  const char* name = static_cast<const char*>(p);
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  Oid types[1] = {TEXTOID};
  Datum args[1] = {CStringGetTextDatum(name)};
  int rc = SPI_execute_with_args("DELETE FROM wasm.module_store WHERE name = $1", 1, types, args, nullptr,
                                 false, 0);
  if (rc != SPI_OK_DELETE) elog(ERROR, "deleting module failed: %s", SPI_result_code_string(rc));
  SPI_finish();
}

bytea* sha256Of(const uint8_t* data, size_t len) {
  bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + PG_SHA256_DIGEST_LENGTH));
  SET_VARSIZE(out, VARHDRSZ + PG_SHA256_DIGEST_LENGTH);
  pg_cryptohash_ctx* ctx = pg_cryptohash_create(PG_SHA256);
  if (pg_cryptohash_init(ctx) < 0 || pg_cryptohash_update(ctx, data, len) < 0 ||
      pg_cryptohash_final(ctx, reinterpret_cast<uint8*>(VARDATA(out)), PG_SHA256_DIGEST_LENGTH) < 0)
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("could not compute SHA-256: %s", pg_cryptohash_error(ctx))));
  pg_cryptohash_free(ctx);
  return out;
}

Datum loadModule(const char* name, bytea* bytes) {
  checkModuleName(name);
  const uint8_t* data = reinterpret_cast<const uint8_t*>(VARDATA_ANY(bytes));
  size_t size = VARSIZE_ANY_EXHDR(bytes);
  int funcs = checkModule(name, data, size);
  ModuleRow existing;
  Oid owner = GetUserId();
  if (lookupModule(name, false, &existing)) {
    checkModuleOwner(name, existing.owner);
    owner = existing.owner;
  }
  bytea* flat = static_cast<bytea*>(palloc(VARHDRSZ + size));
  SET_VARSIZE(flat, VARHDRSZ + size);
  memcpy(VARDATA(flat), data, size);
  StoreArgs a{name, flat, sha256Of(data, size), owner};
  runAsStoreOwner(storeAsOwner, &a);
  PG_RETURN_TEXT_P(cstring_to_text(
      psprintf("module %s: %zu bytes, %d exported function%s", name, size, funcs, funcs == 1 ? "" : "s")));
}

// Returns the rows of exports (or imports) of module `name`.
void listModule(FunctionCallInfo fcinfo, const char* name, bool imports) {
  InitMaterializedSRF(fcinfo, 0);
  ReturnSetInfo* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  ModuleRow row;
  if (!lookupModule(name, true, &row))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("module \"%s\" does not exist", name)));
  wasm::ModuleSummary* s =
      inspectModule(name, reinterpret_cast<const uint8_t*>(VARDATA_ANY(row.bytes)), VARSIZE_ANY_EXHDR(row.bytes));
  PG_TRY();
  {
    const char* kinds[] = {"function", "table", "memory", "global"};
    for (const wasm::ExternDesc& e : imports ? s->imports : s->exports) {
      char sig[1024];
      if (e.kind == wasm::ExternKind::Func) snprintf(sig, sizeof sig, "%s", e.func.toString().c_str());
      else snprintf(sig, sizeof sig, "%s", e.describe().c_str());
      Datum values[4];
      bool nulls[4] = {false, false, false, false};
      int n = 0;
      if (imports) values[n++] = CStringGetTextDatum(e.module.c_str());
      values[n++] = CStringGetTextDatum(e.name.c_str());
      values[n++] = CStringGetTextDatum(kinds[int(e.kind)]);
      values[n++] = CStringGetTextDatum(sig);
      tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
  }
  PG_FINALLY();
  {
    bridgeFreeSummary(s);
  }
  PG_END_TRY();
}

}  // namespace

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
  Datum bytes = DirectFunctionCall1(pg_read_binary_file_all, CStringGetTextDatum(path));
  return loadModule(name, DatumGetByteaPP(bytes));
}

extern "C" Datum wasm_drop_module(PG_FUNCTION_ARGS) {
  char* name = text_to_cstring(PG_GETARG_TEXT_PP(0));
  bool cascade = PG_GETARG_BOOL(1);
  ModuleRow row;
  if (!lookupModule(name, false, &row))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("module \"%s\" does not exist", name)));
  checkModuleOwner(name, row.owner);

  // Functions that use the module, found and dropped with the caller's privileges.
  if (SPI_connect() != SPI_OK_CONNECT) elog(ERROR, "SPI_connect failed");
  Oid types[1] = {TEXTOID};
  Datum args[1] = {CStringGetTextDatum(name)};
  int rc = SPI_execute_with_args(
      "SELECT p.oid::regprocedure::text FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l "
      "ON l.oid = p.prolang WHERE l.lanname = 'wasm' AND split_part(p.prosrc, ':', 1) = $1 ORDER BY 1",
      1, types, args, nullptr, true, 0);
  if (rc != SPI_OK_SELECT) elog(ERROR, "listing functions failed: %s", SPI_result_code_string(rc));
  uint64 n = SPI_processed;
  if (n > 0) {
    StringInfoData list;
    initStringInfo(&list);
    char** fns = static_cast<char**>(palloc(n * sizeof(char*)));
    for (uint64 i = 0; i < n; i++) {
      fns[i] = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
      appendStringInfo(&list, "%sfunction %s uses module %s", i ? "\n" : "", fns[i], name);
    }
    if (!cascade)
      ereport(ERROR, (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                      errmsg("cannot drop module %s because other objects depend on it", name),
                      errdetail("%s", list.data),
                      errhint("Use wasm.drop_module('%s', cascade => true) to drop the functions too.", name)));
    ereport(NOTICE, (errcode(ERRCODE_SUCCESSFUL_COMPLETION),
                     errmsg("drop cascades to %llu function%s", (unsigned long long)n, n == 1 ? "" : "s"),
                     errdetail("%s", list.data)));
    for (uint64 i = 0; i < n; i++) {
      rc = SPI_execute(psprintf("DROP FUNCTION %s", fns[i]), false, 0);
      if (rc != SPI_OK_UTILITY) elog(ERROR, "dropping %s failed: %s", fns[i], SPI_result_code_string(rc));
    }
  }
  SPI_finish();
  runAsStoreOwner(deleteAsOwner, name);
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
