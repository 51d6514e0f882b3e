// PG zone. The LANGUAGE wasm validator: at CREATE FUNCTION, checks the declared types,
// the body ('module:export') and, with check_function_bodies on, that the module exists
// and exports a function whose Wasm signature matches the SQL one under the ABI.
#include "pg.h"

#include "bridge.h"
#include "error_report.h"
#include "module_store.h"
#include "signature.h"

extern "C" {
PG_FUNCTION_INFO_V1(wasm_validator);
}

extern "C" Datum wasm_validator(PG_FUNCTION_ARGS) {
  using namespace pgwasm;
  Oid fnOid = PG_GETARG_OID(0);
  if (!CheckFunctionValidatorAccess(fcinfo->flinfo->fn_oid, fnOid)) PG_RETURN_VOID();

  HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fnOid));
  if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for function %u", fnOid);
  Form_pg_proc proc = (Form_pg_proc)GETSTRUCT(tup);
  char* name = format_procedure(fnOid);
  int nargs = proc->pronargs;
  Oid argTypes[FUNC_MAX_ARGS];
  memcpy(argTypes, proc->proargtypes.values, nargs * sizeof(Oid));
  Oid resultType = proc->prorettype;
  // A record result's columns come from its OUT parameters, or (RETURNS record without
  // them) from each call's column list.
  TupleDesc resultDesc = resultType == RECORDOID ? build_function_result_tupdesc_t(tup) : nullptr;
  CallShape shape;
  resolveCallShape(&shape, name, proc->prokind, proc->proretset, argTypes, nargs, resultType, resultDesc,
                   CurrentMemoryContext);
  bool isnull;
  Datum src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
  char *moduleName, *exportName;
  parseFunctionBody(name, TextDatumGetCString(src), &moduleName, &exportName);
  ReleaseSysCache(tup);

  if (!check_function_bodies) PG_RETURN_VOID();

  const ModuleFacts* facts;
  if (!storedModuleFacts(moduleName, &facts))
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("module \"%s\" does not exist", moduleName),
                    errhint("Load it first with wasm.load_module('%s', ...), or SET check_function_bodies "
                            "= off to create the function before the module.",
                            moduleName)));
  checkExportSignature(*facts, moduleName, exportName, shape);
  exportWantsCompactJsonb(*facts, moduleName, exportName);  // a malformed marker is refused now
  PG_RETURN_VOID();
}
