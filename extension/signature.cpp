// PG zone. SQL types and Wasm signatures under the pg-wasm ABI (udf-sdk/ABI.md).
#include "signature.h"

namespace pgwasm {

TypeKind typeKindOf(Oid type, bool isResult) {
  switch (getBaseType(type)) {
    case INT2OID: return TypeKind::Int2;
    case INT4OID: return TypeKind::Int4;
    case BOOLOID: return TypeKind::Bool;
    case INT8OID: return TypeKind::Int8;
    case FLOAT4OID: return TypeKind::Float4;
    case FLOAT8OID: return TypeKind::Float8;
    case TEXTOID:
    case VARCHAROID: return TypeKind::Text;
    case BYTEAOID: return TypeKind::Bytea;
    case JSONBOID: return TypeKind::Jsonb;
    case VOIDOID: return isResult ? TypeKind::Void : TypeKind::Unsupported;
    default: return TypeKind::Unsupported;
  }
}

WasmSig wasmSignatureOf(const TypeKind* args, int nargs, TypeKind result) {
  WasmSig t;
  auto scalar = [](TypeKind k) {
    switch (k) {
      case TypeKind::Int8: return wasm::ValType::I64;
      case TypeKind::Float4: return wasm::ValType::F32;
      case TypeKind::Float8: return wasm::ValType::F64;
      default: return wasm::ValType::I32;
    }
  };
  for (int i = 0; i < nargs; i++) {
    if (isVarlenaKind(args[i])) {
      t.params[t.nparams++] = wasm::ValType::I32;
      t.params[t.nparams++] = wasm::ValType::I32;
    } else {
      t.params[t.nparams++] = scalar(args[i]);
    }
  }
  if (isVarlenaKind(result)) t.results[t.nresults++] = wasm::ValType::I64;
  else if (result != TypeKind::Void) t.results[t.nresults++] = scalar(result);
  return t;
}

void checkExportSignature(const ModuleFacts& f, const char* moduleName, const char* exportName,
                          const TypeKind* argKinds, const Oid* argTypes, int nargs, TypeKind resultKind,
                          Oid resultType) {
  WasmSig want = wasmSignatureOf(argKinds, nargs, resultKind);
  char have[1024], wantText[1024];
  switch (bridgeCheckExport(f, exportName, want, have, wantText, sizeof have)) {
    case ExportCheck::Match: return;
    case ExportCheck::Missing:
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("module \"%s\" has no export named \"%s\"", moduleName, exportName),
                      errhint("SELECT * FROM wasm.exports('%s') lists what it exports.", moduleName)));
      break;  // not reached: ereport(ERROR) does not return
    case ExportCheck::NotFunction:
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("export \"%s\" of module \"%s\" is not a function", exportName, moduleName)));
      break;  // not reached: ereport(ERROR) does not return
    case ExportCheck::Mismatch:
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("export %s expects %s, but the SQL function declares %s", exportName, have,
                             sqlSignatureText(argTypes, nargs, resultType)),
                      errdetail("Under the pg-wasm ABI that SQL declaration is %s.", wantText),
                      errhint("See udf-sdk/ABI.md for how SQL types map to Wasm types.")));
  }
}

char* sqlSignatureText(const Oid* argTypes, int nargs, Oid resultType) {
  StringInfoData s;
  initStringInfo(&s);
  appendStringInfoChar(&s, '(');
  for (int i = 0; i < nargs; i++)
    appendStringInfo(&s, "%s%s", i ? ", " : "", format_type_be(argTypes[i]));
  appendStringInfo(&s, ") -> %s", format_type_be(resultType));
  return s.data;
}

void checkSupportedTypes(const char* fname, char prokind, const Oid* argTypes, int nargs, Oid resultType,
                         bool retset, TypeKind* argKinds, TypeKind* resultKind) {
  if (prokind == PROKIND_WINDOW)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm function %s cannot be a window function", fname),
                    errhint("Declare it without WINDOW; ordinary wasm functions can be used in window "
                            "frames' expressions.")));
  if (retset)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm function %s cannot return a set", fname),
                    errhint("Return one value per call; generate rows in SQL around it.")));
  for (int i = 0; i < nargs; i++) {
    argKinds[i] = typeKindOf(argTypes[i], false);
    if (argKinds[i] == TypeKind::Unsupported)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("wasm functions cannot take type %s", format_type_be(argTypes[i])),
                      errdetail("Argument %d of function %s has that type.", i + 1, fname),
                      errhint("Supported types: smallint, integer, bigint, boolean, real, double "
                              "precision, text, varchar, bytea, jsonb.")));
  }
  *resultKind = typeKindOf(resultType, true);
  if (*resultKind == TypeKind::Unsupported)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm functions cannot return type %s", format_type_be(resultType)),
                    errdetail("Function %s is declared to return it.", fname),
                    errhint("Supported types: smallint, integer, bigint, boolean, real, double "
                            "precision, text, varchar, bytea, jsonb, void.")));
}

void parseFunctionBody(const char* fname, const char* src, char** module, char** exportName) {
  const char* colon = strchr(src, ':');
  if (!colon || colon == src || colon[1] == '\0')
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("invalid body for wasm function %s: \"%s\"", fname, src),
                    errhint("The body names a loaded module and one of its exports: AS 'module:export'.")));
  *module = pnstrdup(src, colon - src);
  const char* name = colon + 1;
  *exportName = pg_server_to_any(name, int(strlen(name)), PG_UTF8);
  if (*exportName == name) *exportName = pstrdup(name);
}

}  // namespace pgwasm
