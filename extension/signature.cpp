// PG zone. SQL types and Wasm signatures under the pg-wasm ABI (udf-sdk/ABI.md).
#include "signature.h"

namespace pgwasm {

namespace {

wasm::ValType scalarType(Form f) {
  switch (f) {
    case Form::I64: return wasm::ValType::I64;
    case Form::F32: return wasm::ValType::F32;
    case Form::F64: return wasm::ValType::F64;
    default: return wasm::ValType::I32;
  }
}

WasmSig wasmSignatureOf(const CallShape& s) {
  WasmSig t;
  for (int i = 0; i < s.nargs; i++) {
    const ValueCodec& c = s.args[i];
    if (c.split) {
      for (int k = 0; k < c.split; k++) t.params[t.nparams++] = c.rule->splitTypes[k];
      continue;
    }
    t.params[t.nparams++] = scalarType(c.form);
    if (c.form == Form::Bytes) t.params[t.nparams++] = wasm::ValType::I32;
  }
  if (s.trigger) {  // (i32 event) -> i32 row
    t.params[t.nparams++] = wasm::ValType::I32;
    t.results[t.nresults++] = wasm::ValType::I32;
    return t;
  }
  if (s.retset) {  // (args..., i64 call) -> i32 batch
    t.params[t.nparams++] = wasm::ValType::I64;
    t.results[t.nresults++] = wasm::ValType::I32;
    return t;
  }
  if (s.window) t.params[t.nparams++] = wasm::ValType::I64;  // (args..., i64 row) -> result
  switch (s.result.form) {
    case Form::None: break;
    case Form::Bytes: t.results[t.nresults++] = wasm::ValType::I64; break;
    default: t.results[t.nresults++] = scalarType(s.result.form); break;
  }
  return t;
}

// The first type of the declaration that needs ABI version `abi`, for messages.
const char* firstTypeNeeding(const CallShape& s, uint8_t abi) {
  for (int i = 0; i < s.nargs; i++)
    if (s.args[i].abi >= abi) return psprintf("argument %d (%s)", i + 1, s.args[i].typeName);
  if (s.retset && s.result.abi < abi) return pstrdup("set of results (RETURNS SETOF)");
  if (s.trigger) return pstrdup("trigger event (RETURNS trigger)");
  if (s.window && s.result.abi < abi) return pstrdup("window protocol (WINDOW)");
  return psprintf("result (%s)", s.result.typeName);
}

}  // namespace

void resolveCallShape(CallShape* s, const char* fname, char prokind, bool retset, const Oid* argTypes, int nargs,
                      Oid resultType, TupleDesc resultDesc, MemoryContext cxt, bool jsonbCompact) {
  s->window = prokind == PROKIND_WINDOW;
  if (s->window && retset)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm window function %s cannot return a set", fname)));
  s->fname = fname;
  s->retset = retset;
  s->states = false;
  s->nargs = nargs;
  memcpy(s->argTypes, argTypes, nargs * sizeof(Oid));
  s->resultType = resultType;
  s->args = static_cast<ValueCodec*>(MemoryContextAllocZero(cxt, sizeof(ValueCodec) * (nargs + 1)));
  s->abi = 1;
  s->memoryArgs = false;
  s->nested = false;
  s->jsonbCompact = jsonbCompact;
  s->nparams = 0;
  s->datumBits = true;
  if (resultType == EVENT_TRIGGEROID)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm function %s cannot be an event trigger", fname),
                    errhint("LANGUAGE wasm has row and statement triggers (RETURNS trigger); write event "
                            "triggers in PL/pgSQL.")));
  s->trigger = resultType == TRIGGEROID;
  if (s->trigger) {
    // The event and the rows cross as one row argument, and a row comes back; their codecs
    // depend on the table (trigger_function.cpp resolves them at the first call).
    memset(&s->result, 0, sizeof s->result);
    s->abi = 2;
    s->memoryArgs = true;
    s->datumBits = false;
    s->nested = true;
    s->nparams = 1;
    s->result.form = Form::Block;
    s->result.typeName = "trigger";
    s->sig = wasmSignatureOf(*s);
    return;
  }
  uint32_t codecsLeft = kMaxCodecs;
  for (int i = 0; i < nargs; i++) {
    ValueCodec* c = &s->args[i];
    resolveCodec(c, argTypes[i], nullptr, i + 1, fname, cxt, &codecsLeft, jsonbCompact);
    s->abi = c->abi > s->abi ? c->abi : s->abi;
    s->memoryArgs |= !c->split && inMemory(c->form);
    s->nparams += c->split ? c->split : c->form == Form::Bytes ? 2 : 1;
    s->datumBits &= c->bitsMask != 0;
    s->nested |= c->nested;
    s->states |= c->state;
  }
  resolveCodec(&s->result, resultType, resultDesc, 0, fname, cxt, &codecsLeft);
  if (retset && s->result.form == Form::None)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm function %s cannot return a set of void", fname)));
  s->abi = s->result.abi > s->abi ? s->result.abi : s->abi;
  if ((retset || s->window) && s->abi < 2) s->abi = 2;  // the set and window protocols are version 2's
  s->states |= s->result.state;
  if (s->window && s->states)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm window function %s cannot take or return wasm.state", fname),
                    errhint("A window function keeps what it needs across rows in its own memory; "
                            "wasm.state is for aggregates, which can also run over windows.")));
  if (retset && s->result.state)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm function %s cannot return a set of wasm.state", fname)));
  s->nested |= s->result.nested;
  s->sig = wasmSignatureOf(*s);
}

bool exportWantsCompactJsonb(const ModuleFacts& f, const char* moduleName, const char* exportName) {
  size_t prefix = sizeof kCompactJsonbMarker - 1;
  const ExternEntry* marker = nullptr;
  for (uint32_t i = 0; i < f.nexports && !marker; i++) {
    const char* n = f.exports[i].name;
    if (strncmp(n, kCompactJsonbMarker, prefix) == 0 && strcmp(n + prefix, exportName) == 0) marker = &f.exports[i];
  }
  if (!marker) return false;
  if (marker->kind != wasm::ExternKind::Func || marker->nparams || marker->nresults)
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("export \"%s\" of module \"%s\" is not a function () -> ()", marker->name, moduleName),
                    errdetail("An export named %s<export> asks for the jsonb arguments of <export> in compact "
                              "form; it must be a function without parameters or results.",
                              kCompactJsonbMarker),
                    errhint("Use PGWASM_JSONB_COMPACT(name) of pgwasm_jsonb.h, or the Rust or AssemblyScript SDK "
                            "(udf-sdk/ABI.md).")));
  if (f.abiVersion < 2)
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("module \"%s\" asks for compact jsonb arguments but targets ABI version %u", moduleName,
                           f.abiVersion),
                    errdetail("Compact jsonb is part of ABI version 2: the module must export pgwasm_abi_v2."),
                    errhint("Build it with the current udf-sdk (udf-sdk/ABI.md).")));
  return true;
}

void checkExportSignature(const ModuleFacts& f, const char* moduleName, const char* exportName,
                          const CallShape& s) {
  char have[1024], wantText[1024];
  switch (bridgeCheckExport(f, exportName, s.sig, have, wantText, sizeof have)) {
    case ExportCheck::Match: break;
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
                             sqlSignatureText(s.argTypes, s.nargs, s.resultType, s.retset)),
                      errdetail("Under the pg-wasm ABI that SQL declaration is %s.", wantText),
                      errhint("See udf-sdk/ABI.md for how SQL types map to Wasm types.")));
  }
  if (f.abiProblem)
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("module \"%s\" does not say clearly which ABI version it targets", moduleName),
                    errdetail("It has %u exports named pgwasm_abi_v...; a module has at most one, a function "
                              "() -> () named pgwasm_abi_v1 or pgwasm_abi_v2.",
                              f.abiMarkers),
                    errhint("Build it with one SDK of udf-sdk, which exports the marker (udf-sdk/ABI.md).")));
  if (f.abiVersion > kAbiNewest)
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("module \"%s\" targets ABI version %u, which this pg-wasm does not support", moduleName,
                           f.abiVersion),
                    errdetail("This pg-wasm supports ABI versions 1 to %u.", kAbiNewest),
                    errhint("Upgrade pg-wasm, or build the module with this pg-wasm's udf-sdk.")));
  if (s.abi > f.abiVersion)
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("wasm function %s needs ABI version %u, but module \"%s\" targets version %u", s.fname,
                           s.abi, moduleName, f.abiVersion),
                    errdetail("Its %s crosses into Wasm from ABI version %u on.", firstTypeNeeding(s, s.abi), s.abi),
                    errhint("Build the module with the current udf-sdk: its export pgwasm_abi_v%u says which "
                            "layouts it expects (udf-sdk/ABI.md).",
                            s.abi)));
}

char* sqlSignatureText(const Oid* argTypes, int nargs, Oid resultType, bool retset) {
  StringInfoData s;
  initStringInfo(&s);
  appendStringInfoChar(&s, '(');
  for (int i = 0; i < nargs; i++)
    appendStringInfo(&s, "%s%s", i ? ", " : "", format_type_be(argTypes[i]));
  appendStringInfo(&s, ") -> %s%s", retset ? "SETOF " : "", format_type_be(resultType));
  return s.data;
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
