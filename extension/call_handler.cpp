// PG zone. The LANGUAGE wasm call handler.
//
// Per call site (FmgrInfo) a FunctionCache in fn_extra holds what the per-row path needs:
// argument and result kinds, the module and export, and a Runtime (one instance in its own
// store). The first call of a statement checks that the function and its module are still
// what the cache was built from (pg_proc row version, module sha256) and gives the call
// site a fresh instance, so no guest state survives from one statement to the next. Rows
// after that do no catalog work: marshal, call, unmarshal.
//
// Regimes: everything here may ereport, so only plain data is live across those points;
// the engine is reached only through the bridge (noexcept).
#include "pg.h"

extern "C" {
#include "commands/proclang.h"
}

#include "bridge.h"
#include "code_cache.h"
#include "error_report.h"
#include "fuel.h"
#include "guc.h"
#include "host_imports.h"
#include "module_store.h"
#include "server_text.h"
#include "signature.h"
#include "statement.h"

extern "C" {
PG_FUNCTION_INFO_V1(wasm_call_handler);
}

namespace pgwasm {

namespace {

struct FunctionCache {
  Oid fnOid;
  TransactionId fnXmin;
  ItemPointerData fnTid;
  char* name;        // "f(integer)" style, for messages
  char* moduleName;
  char* exportName;
  int nargs;
  TypeKind argKinds[FUNC_MAX_ARGS];
  Oid argTypes[FUNC_MAX_ARGS];  // as declared, for messages
  TypeKind resultKind;
  Oid resultType;
  bool resultDomain;  // results are checked against the domain's constraints
  void* domainExtra;  // domain_check's cache
  int nWasmParams;
  bool hasVarlenaArgs;

  uint64_t generation;   // statement the runtime belongs to
  uint8_t sha256[32];    // module content the runtime runs
  bool fuel;             // the runtime's code meters fuel
  Runtime* runtime;      // nullptr until first use in a statement
  CallState state;
  bool argNulls[FUNC_MAX_ARGS];
  MemoryContextCallback cleanup;
};

void releaseRuntime(FunctionCache* fc) {
  if (fc->runtime) {
    bridgeFreeRuntime(fc->runtime);
    fc->runtime = nullptr;
  }
}

void onContextReset(void* arg) { releaseRuntime(static_cast<FunctionCache*>(arg)); }

// Builds the cache from pg_proc. ERRORs for unsupported declarations.
void initFunctionCache(FunctionCache* fc, Oid fnOid) {
  HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fnOid));
  if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for function %u", fnOid);
  Form_pg_proc proc = (Form_pg_proc)GETSTRUCT(tup);
  if (proc->prolang != get_language_oid("wasm", false)) {
    ReleaseSysCache(tup);
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm.call_handler can only be called as the handler of LANGUAGE wasm")));
  }
  fc->fnOid = fnOid;
  fc->fnXmin = HeapTupleHeaderGetRawXmin(tup->t_data);
  fc->fnTid = tup->t_self;
  fc->name = format_procedure(fnOid);
  fc->state.functionName = fc->name;
  bool isnull;
  Datum src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
  if (isnull) elog(ERROR, "null prosrc for function %u", fnOid);
  parseFunctionBody(fc->name, TextDatumGetCString(src), &fc->moduleName, &fc->exportName);
  fc->nargs = proc->pronargs;
  memcpy(fc->argTypes, proc->proargtypes.values, fc->nargs * sizeof(Oid));
  fc->resultType = proc->prorettype;
  checkSupportedTypes(fc->name, proc->prokind, proc->proargtypes.values, proc->pronargs, proc->prorettype,
                      proc->proretset, fc->argKinds, &fc->resultKind);
  fc->nWasmParams = 0;
  fc->hasVarlenaArgs = false;
  for (int i = 0; i < fc->nargs; i++) {
    bool v = isVarlenaKind(fc->argKinds[i]);
    fc->nWasmParams += v ? 2 : 1;
    fc->hasVarlenaArgs |= v;
  }
  ReleaseSysCache(tup);
  fc->generation = 0;
  fc->runtime = nullptr;
  fc->resultDomain = get_typtype(fc->resultType) == TYPTYPE_DOMAIN;
  fc->domainExtra = nullptr;
}

bool functionUnchanged(const FunctionCache* fc) {
  HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fc->fnOid));
  if (!HeapTupleIsValid(tup)) return false;
  bool same = fc->fnXmin == HeapTupleHeaderGetRawXmin(tup->t_data) &&
              ItemPointerEquals(const_cast<ItemPointerData*>(&fc->fnTid), &tup->t_self);
  ReleaseSysCache(tup);
  return same;
}

// The compiled module for the function's module as of this statement's snapshot.
CompiledModule* currentModule(FunctionCache* fc, bool fuel) {
  ModuleRow row;
  if (!lookupModule(fc->moduleName, false, &row))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("module \"%s\" of wasm function %s does not exist", fc->moduleName, fc->name),
                    errhint("Load it with wasm.load_module('%s', ...).", fc->moduleName)));
  CompiledModule* m = obtainModule(fc->moduleName, row.sha256, fuel);
  static const uint8_t none[32] = {};
  if (memcmp(fc->sha256, none, 32) != 0 && memcmp(fc->sha256, row.sha256, 32) != 0) {
    // The module was replaced: this backend lets its old code go (and with it, its hold
    // on the shared cache's entry) unless another call site still runs it.
    ModuleKey old;
    memcpy(old.sha256, fc->sha256, 32);
    old.fuel = fc->fuel;
    bridgeForgetModule(old);
  }
  memcpy(fc->sha256, row.sha256, 32);
  return m;
}

// Where a trap happened, for its ERROR: the last lines the guest wrote to stderr (an
// assert's or a panic's message) and the Wasm backtrace. Read before the runtime goes.
char* trapDetail(FunctionCache* fc) {
  char frames[1024], tail[600];
  bridgeTrapFrames(fc->runtime, frames, sizeof frames);
  stderrTail(&fc->state, 4, tail, sizeof tail);
  StringInfoData s;
  initStringInfo(&s);
  if (tail[0]) appendStringInfo(&s, "The guest wrote to stderr:\n%s", tail);
  // Names from the name section, perhaps cut off in the middle of a character.
  if (frames[0]) appendStringInfo(&s, "%sWasm backtrace:\n%s", s.len ? "\n" : "", guestText(frames, strlen(frames)));
  return s.data;
}

// Gives the call site a fresh instance for this statement.
void prepareForStatement(FunctionCache* fc) {
  releaseRuntime(fc);
  fc->state.stderrTailEnd = 0;
  if (!functionUnchanged(fc)) {
    MemoryContext cxt = GetMemoryChunkContext(fc);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    initFunctionCache(fc, fc->fnOid);
    MemoryContextSwitchTo(old);
  }
  bool fuel = fuelMetered();
  CompiledModule* m = currentModule(fc, fuel);
  // Every statement: the module may have been replaced since the last one.
  checkExportSignature(bridgeModuleFacts(m), fc->moduleName, fc->exportName, fc->argKinds, fc->argTypes,
                       fc->nargs, fc->resultKind, fc->resultType);
  // The start function and _initialize run on fuel of their own call.
  CallFuel cf;
  uint64_t initFuel = fuelStartCall(&cf, fc->name, false);
  RuntimeLimits limits;
  limits.maxMemoryBytes = memoryLimitBytes();
  limits.fuel = &initFuel;
  limits.stackLimit = wasmStackLimit();
  limits.interruptFlag = interruptFlag();
  limits.interruptHandler = handleInterrupt;
  limits.interruptEnv = nullptr;
  Outcome out;
  fc->state.argNulls = fc->argNulls;
  fc->state.nargs = fc->nargs;
  TimestampTz t0 = GetCurrentTimestamp();
  fc->runtime = bridgeInstantiate(m, fc->exportName, limits, resolveImport, &fc->state, &out);
  fuelEndCall(&cf, initFuel);
  long secs;
  int usecs;
  TimestampDifference(t0, GetCurrentTimestamp(), &secs, &usecs);
  noteInstantiation(double(secs) + usecs / 1e6);
  if (!fc->runtime) reportCallFailure(fc->name, out);
  if (fc->hasVarlenaArgs && !bridgeHasAllocator(fc->runtime))
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("module \"%s\" does not export pgwasm_alloc, which wasm function %s needs",
                           fc->moduleName, fc->name),
                    errhint("Functions with text, bytea or jsonb arguments need the guest allocator; "
                            "include pgwasm.h from udf-sdk.")));
  fc->fuel = fuel;
  fc->generation = statementGeneration();
}

FunctionCache* getFunctionCache(FunctionCallInfo fcinfo) {
  enterCall();  // first: a call the planner folds begins its command's statement
  FmgrInfo* flinfo = fcinfo->flinfo;
  FunctionCache* fc = static_cast<FunctionCache*>(flinfo->fn_extra);
  if (!fc) {
    fc = static_cast<FunctionCache*>(MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(FunctionCache)));
    MemoryContext old = MemoryContextSwitchTo(flinfo->fn_mcxt);
    initFunctionCache(fc, flinfo->fn_oid);
    MemoryContextSwitchTo(old);
    fc->cleanup.func = onContextReset;
    fc->cleanup.arg = fc;
    MemoryContextRegisterResetCallback(flinfo->fn_mcxt, &fc->cleanup);
    flinfo->fn_extra = fc;
  }
  if (fc->generation != statementGeneration() || !fc->runtime) prepareForStatement(fc);
  return fc;
}

// A varlena argument as bytes for the guest: text and jsonb as UTF-8.
struct GuestBytes {
  const char* data;
  uint32_t len;
};

// Converts between the database encoding and UTF-8 (PostgreSQL's functions: they return s
// itself when nothing changes). A conversion ERROR names the function and the value.
struct Conversion {
  const char* functionName;
  int argument;  // 1-based, 0 for the result, -1 for a jsonb result being read
};

void conversionContext(void* arg) {
  const Conversion* c = static_cast<const Conversion*>(arg);
  if (c->argument < 0)
    errcontext("result of wasm function %s, read as jsonb", c->functionName);
  else if (c->argument > 0)
    errcontext("argument %d of wasm function %s, converted from the database encoding %s to UTF-8", c->argument,
               c->functionName, GetDatabaseEncodingName());
  else
    errcontext("result of wasm function %s, converted from UTF-8 to the database encoding %s", c->functionName,
               GetDatabaseEncodingName());
}

char* convert(const char* s, size_t n, const Conversion& what) {
  ErrorContextCallback context;
  context.callback = conversionContext;
  context.arg = const_cast<Conversion*>(&what);
  context.previous = error_context_stack;
  error_context_stack = &context;
  char* out = what.argument > 0 ? pg_server_to_any(s, int(n), PG_UTF8) : pg_any_to_server(s, int(n), PG_UTF8);
  error_context_stack = context.previous;
  return out;
}

GuestBytes argumentBytes(const FunctionCache* fc, int i, Datum d) {
  GuestBytes b;
  Conversion what{fc->name, i + 1};
  if (fc->argKinds[i] == TypeKind::Jsonb) {
    Jsonb* j = DatumGetJsonbP(d);
    char* s = JsonbToCString(nullptr, &j->root, VARSIZE(j));
    size_t n = strlen(s);
    char* u = convert(s, n, what);
    b.data = u;
    b.len = uint32_t(u == s ? n : strlen(u));
    return b;
  }
  struct varlena* v = PG_DETOAST_DATUM_PACKED(d);
  b.data = VARDATA_ANY(v);
  size_t n = VARSIZE_ANY_EXHDR(v);
  if (fc->argKinds[i] == TypeKind::Text && GetDatabaseEncoding() != PG_UTF8) {
    char* u = convert(b.data, n, what);
    if (u != b.data) n = strlen(u);
    b.data = u;
  }
  b.len = uint32_t(n);
  return b;
}

Datum resultDatum(FunctionCache* fc, uint64_t bits, bool* isnull) {
  switch (fc->resultKind) {
    case TypeKind::Void: return (Datum)0;
    case TypeKind::Int2: {
      int32 v = int32(uint32_t(bits));
      if (v < PG_INT16_MIN || v > PG_INT16_MAX)
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                        errmsg("wasm function %s returned %d, which is out of range for smallint", fc->name, v)));
      return Int16GetDatum(int16(v));
    }
    case TypeKind::Int4: return Int32GetDatum(int32(uint32_t(bits)));
    case TypeKind::Bool: return BoolGetDatum(uint32_t(bits) != 0);
    case TypeKind::Int8: return Int64GetDatum(int64(bits));
    case TypeKind::Float4: {
      uint32_t b = uint32_t(bits);
      float f;
      memcpy(&f, &b, 4);
      return Float4GetDatum(f);
    }
    case TypeKind::Float8: {
      double f;
      memcpy(&f, &bits, 8);
      return Float8GetDatum(f);
    }
    case TypeKind::Text:
    case TypeKind::Bytea:
    case TypeKind::Jsonb: {
      uint32_t ptr = uint32_t(bits), len = uint32_t(bits >> 32);
      uint64_t memSize;
      uint8_t* mem = bridgeMemory(fc->runtime, &memSize);
      if (!mem || uint64_t(ptr) + len > memSize)
        ereport(ERROR, (errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
                        errmsg("wasm function %s returned a result outside its memory", fc->name),
                        errdetail("Result at %u with length %u; the instance has %llu bytes of memory.", ptr,
                                  len, (unsigned long long)memSize),
                        errhint("Return pgwasm_result(ptr, len) for a buffer in linear memory.")));
      if (len > MaxAllocSize - VARHDRSZ)
        ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                        errmsg("wasm function %s returned %u bytes, more than a value can hold", fc->name, len)));
      const char* src = reinterpret_cast<const char*>(mem + ptr);
      if (fc->resultKind == TypeKind::Bytea) {
        bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + len));
        SET_VARSIZE(out, VARHDRSZ + len);
        memcpy(VARDATA(out), src, len);
        return PointerGetDatum(out);
      }
      // Text and JSON must be valid UTF-8 (without NUL bytes) before anything stores them.
      if (!pg_verify_mbstr(PG_UTF8, src, int(len), true))
        ereport(ERROR, (errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
                        errmsg("wasm function %s returned %s that is not valid UTF-8", fc->name,
                               fc->resultKind == TypeKind::Text ? "text" : "JSON"),
                        errdetail("%u bytes at address %u of its memory.", len, ptr),
                        errhint("Return text results as UTF-8 without NUL bytes; use bytea for binary data.")));
      char* copy = static_cast<char*>(palloc(size_t(len) + 1));
      memcpy(copy, src, len);
      copy[len] = '\0';
      char* server = convert(copy, len, Conversion{fc->name, 0});
      if (fc->resultKind == TypeKind::Text)
        return PointerGetDatum(cstring_to_text(server));
      Conversion what{fc->name, -1};
      ErrorContextCallback context;
      context.callback = conversionContext;
      context.arg = &what;
      context.previous = error_context_stack;
      error_context_stack = &context;
      Datum j = DirectFunctionCall1(jsonb_in, CStringGetDatum(server));
      error_context_stack = context.previous;
      return j;
    }
    default: break;
  }
  *isnull = true;
  return (Datum)0;
}

// Copies the text, bytea and jsonb arguments into the guest (one pgwasm_alloc for all of
// them) and returns their base address; bytes[i] says where each one's data came from.
uint32_t copyVarlenaArgs(FunctionCache* fc, FunctionCallInfo fcinfo, GuestBytes* bytes) {
  Runtime* rt = fc->runtime;
  uint64_t total = 0;
  for (int i = 0; i < fc->nargs; i++) {
    if (isVarlenaKind(fc->argKinds[i]) && !fc->argNulls[i]) {
      bytes[i] = argumentBytes(fc, i, fcinfo->args[i].value);
      total += bytes[i].len;
    }
  }
  if (total > memoryLimitBytes() || total > UINT32_MAX - 16)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("arguments of wasm function %s need %llu bytes, more than wasm.memory_limit allows",
                           fc->name, (unsigned long long)total),
                    errhint("Raise wasm.memory_limit (now %llu kB) or pass smaller values.",
                            (unsigned long long)(memoryLimitBytes() / 1024))));
  Outcome out;
  CallFuel cf;
  uint64_t fuel = fuelStartCall(&cf, fc->name, false);
  uint32_t base = bridgeGuestAlloc(rt, uint32_t(total), &fuel, &out);
  fuelEndCall(&cf, fuel);
  if (!out.ok()) {
    char* detail = out.status == Outcome::Trap ? trapDetail(fc) : nullptr;
    releaseRuntime(fc);  // the instance may be in any state after a trap
    reportCallFailure(fc->name, out, detail);
  }
  uint64_t memSize;
  uint8_t* mem = bridgeMemory(rt, &memSize);
  if (base == 0 || !mem || uint64_t(base) + total > memSize)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("wasm function %s cannot take arguments of %llu bytes: the guest allocator failed",
                           fc->name, (unsigned long long)total),
                    errhint("Raise wasm.memory_limit (now %llu kB) if the module needs more memory.",
                            (unsigned long long)(memoryLimitBytes() / 1024))));
  uint32_t at = base;
  for (int i = 0; i < fc->nargs; i++) {
    if (!isVarlenaKind(fc->argKinds[i]) || fc->argNulls[i]) continue;
    memcpy(mem + at, bytes[i].data, bytes[i].len);
    at += bytes[i].len;
  }
  return base;
}

Datum callFunction(FunctionCallInfo fcinfo) {
  FunctionCache* fc = getFunctionCache(fcinfo);
  Runtime* rt = fc->runtime;
  uint64_t args[2 * FUNC_MAX_ARGS];
  uint64_t results[2] = {0, 0};
  Outcome out;

  GuestBytes bytes[FUNC_MAX_ARGS];
  for (int i = 0; i < fc->nargs; i++) fc->argNulls[i] = fcinfo->args[i].isnull;
  uint32_t base = fc->hasVarlenaArgs ? copyVarlenaArgs(fc, fcinfo, bytes) : 0;
  int w = 0;
  uint32_t at = base;
  for (int i = 0; i < fc->nargs; i++) {
    Datum d = fcinfo->args[i].value;
    bool null = fc->argNulls[i];
    switch (fc->argKinds[i]) {
      case TypeKind::Int2: args[w++] = null ? 0 : uint32_t(int32(DatumGetInt16(d))); break;
      case TypeKind::Int4: args[w++] = null ? 0 : uint32_t(DatumGetInt32(d)); break;
      case TypeKind::Bool: args[w++] = null ? 0 : uint32_t(DatumGetBool(d)); break;
      case TypeKind::Int8: args[w++] = null ? 0 : uint64_t(DatumGetInt64(d)); break;
      case TypeKind::Float4: {
        float f = null ? 0 : DatumGetFloat4(d);
        uint32_t b;
        memcpy(&b, &f, 4);
        args[w++] = b;
        break;
      }
      case TypeKind::Float8: {
        double f = null ? 0 : DatumGetFloat8(d);
        memcpy(&args[w++], &f, 8);
        break;
      }
      default:
        args[w++] = null ? 0 : at;
        args[w++] = null ? 0 : bytes[i].len;
        if (!null) at += bytes[i].len;
        break;
    }
  }

  fc->state.returnNull = false;
  CallFuel cf;
  uint64_t fuel = fuelStartCall(&cf, fc->name);
  bridgeCall(rt, args, results, &fuel, &out);
  fuelEndCall(&cf, fuel);
  if (fc->state.lineLen[0] | fc->state.lineLen[1]) flushGuestOutput(&fc->state);
  CHECK_FOR_INTERRUPTS();
  if (!out.ok()) {
    if (out.status == Outcome::Trap && out.trap == wasm::TrapKind::HostError) {
      const char* msg = bridgeHostError(rt);
      if (msg[0]) snprintf(out.message, sizeof out.message, "%s", msg);
    }
    // The instance may be in any state after a trap: the next call gets a new one.
    char* detail = out.status == Outcome::Trap ? trapDetail(fc) : nullptr;
    releaseRuntime(fc);
    reportCallFailure(fc->name, out, detail);
  }
  Datum result = (Datum)0;
  fcinfo->isnull = fc->state.returnNull;
  if (!fcinfo->isnull) result = resultDatum(fc, results[0], &fcinfo->isnull);
  if (fc->resultDomain)
    domain_check(result, fcinfo->isnull, fc->resultType, &fc->domainExtra, fcinfo->flinfo->fn_mcxt);
  return result;
}

}  // namespace

}  // namespace pgwasm

extern "C" Datum wasm_call_handler(PG_FUNCTION_ARGS) {
  if (CALLED_AS_TRIGGER(fcinfo) || CALLED_AS_EVENT_TRIGGER(fcinfo))
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm functions cannot be triggers")));
  return pgwasm::callFunction(fcinfo);
}
