// PG zone. Call sites of LANGUAGE wasm functions (call_site.h).
#include "call_site.h"

#include "agg_state.h"
#include "window_function.h"

extern "C" {
#include "commands/proclang.h"
}

#include "code_cache.h"
#include "error_report.h"
#include "guc.h"
#include "module_store.h"
#include "server_text.h"

namespace pgwasm {


void retainInstance(GuestInstance* g) { g->refs++; }

void releaseInstance(GuestInstance* g) {
  if (--g->refs != 0) return;
  dropPendingRows(g);
  if (g->pending) pfree(g->pending);
  bridgeFreeRuntime(g->runtime);
  pfree(g);
}

void loseInstance(CallSite* fc, GuestInstance* g) {
  if (g->runtime) {  // states may live in it too: none of their calls runs in it again
    bridgeFreeRuntime(g->runtime);
    g->runtime = nullptr;
  }
  if (g == fc->own) releaseRuntime(fc);
}

void releaseRuntime(CallSite* fc) {
  if (fc->own) {
    GuestInstance* g = fc->own;
    fc->own = nullptr;
    releaseInstance(g);
  }
}

void forgetOtherInstance(CallSite* fc) {
  if (fc->otherInstance) {
    GuestInstance* g = fc->otherInstance;
    fc->otherInstance = nullptr;
    fc->otherFunc = nullptr;
    releaseInstance(g);
  }
}

static void letGoModule(CallSite* fc) {
  if (fc->held) {
    bridgeLetGoModule(fc->held);
    fc->held = nullptr;
  }
}

static void onContextReset(void* arg) {
  CallSite* fc = static_cast<CallSite*>(arg);
  releaseRuntime(fc);
  forgetOtherInstance(fc);
  forgetBatchInstance(fc);
  letGoModule(fc);
}

// Builds the cache from pg_proc. ERRORs for unsupported declarations.
static void initCallSite(CallSite* fc, Oid fnOid) {
  HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fnOid));
  if (!HeapTupleIsValid(tup))  // dropped since the query was planned (a cursor's later FETCH)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                    errmsg("wasm function %s no longer exists", fc->name ? fc->name : psprintf("%u", fnOid)),
                    errdetail("It was dropped while a query that calls it was running.")));
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
  fc->path.functionName = fc->name;
  bool isnull;
  Datum src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
  if (isnull) elog(ERROR, "null prosrc for function %u", fnOid);
  parseFunctionBody(fc->name, TextDatumGetCString(src), &fc->moduleName, &fc->exportName);
  fc->prokind = proc->prokind;
  fc->retset = proc->proretset;
  fc->nargs = proc->pronargs;
  memcpy(fc->argTypes, proc->proargtypes.values, fc->nargs * sizeof(Oid));
  fc->resultType = proc->prorettype;
  // SET clauses and SECURITY DEFINER hold only while fmgr runs the function: its rows
  // cannot wait for a later batch (agg_state.cpp), which would run under other settings.
  fc->ownSettings = proc->prosecdef || !heap_attisnull(tup, Anum_pg_proc_proconfig, nullptr);
  ReleaseSysCache(tup);
  if (!fc->shapeCxt)
    fc->shapeCxt = AllocSetContextCreate(CurrentMemoryContext, "wasm call shape", ALLOCSET_SMALL_SIZES);
  fc->writer.init(CurrentMemoryContext);
  fc->generation = 0;
  fc->own = nullptr;
  fc->shapeReady = false;  // resolved by the first call (which knows a record result's columns)
}

// Resolves the declaration's codecs for this call site. A record result takes its columns
// from the OUT parameters or the call's column list.
static void resolveShape(CallSite* fc, FunctionCallInfo fcinfo, bool jsonbCompact) {
  fc->shapeReady = false;  // until the end: a half-made shape is never used
  MemoryContextReset(fc->shapeCxt);
  MemoryContext old = MemoryContextSwitchTo(fc->shapeCxt);
  TupleDesc resultDesc = nullptr;
  if (fc->resultType == RECORDOID) {
    Oid type;
    if (get_call_result_type(fcinfo, &type, &resultDesc) != TYPEFUNC_COMPOSITE)
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg("function returning record called in context that cannot accept type record"),
                      errhint("Declare OUT parameters, or call it with a column list: "
                              "SELECT * FROM f(...) AS (a int, b text).")));
  }
  resolveCallShape(&fc->shape, fc->name, fc->prokind, fc->retset, fc->argTypes, fc->nargs, fc->resultType,
                   resultDesc, fc->shapeCxt, jsonbCompact);
  MemoryContextSwitchTo(old);
  fc->shapeReady = true;
}

static bool functionUnchanged(const CallSite* fc) {
  HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fc->fnOid));
  if (!HeapTupleIsValid(tup)) return false;
  bool same = fc->fnXmin == HeapTupleHeaderGetRawXmin(tup->t_data) &&
              ItemPointerEquals(const_cast<ItemPointerData*>(&fc->fnTid), &tup->t_self);
  ReleaseSysCache(tup);
  return same;
}

// The compiled module for the function's module as of this statement's snapshot.
static CompiledModule* currentModule(CallSite* fc, bool fuel) {
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
static char* trapDetail(GuestInstance* g) {
  char frames[1024], tail[600];
  bridgeTrapFrames(g->runtime, frames, sizeof frames);
  stderrTail(&g->state, 4, tail, sizeof tail);
  StringInfoData s;
  initStringInfo(&s);
  if (tail[0]) appendStringInfo(&s, "The guest wrote to stderr:\n%s", tail);
  // Names from the name section, perhaps cut off in the middle of a character.
  if (frames[0]) appendStringInfo(&s, "%sWasm backtrace:\n%s", s.len ? "\n" : "", guestText(frames, strlen(frames)));
  return s.data;
}

// Makes the call site ready for this statement: the function and module as of now.
static __attribute__((noinline)) void prepareForStatement(CallSite* fc, FunctionCallInfo fcinfo) {
  releaseRuntime(fc);
  forgetOtherInstance(fc);
  forgetBatchInstance(fc);
  bool changed = !functionUnchanged(fc);
  if (changed) {
    MemoryContext cxt = GetMemoryChunkContext(fc);
    MemoryContext old = MemoryContextSwitchTo(cxt);
    initCallSite(fc, fc->fnOid);
    MemoryContextSwitchTo(old);
  }
  bool fuel = fuelMetered();
  CompiledModule* m = currentModule(fc, fuel);
  // Every statement: the module may have been replaced since the last one.
  const ModuleFacts& facts = bridgeModuleFacts(m);
  bool compact = exportWantsCompactJsonb(facts, fc->moduleName, fc->exportName);
  // Rows and enums can change between statements (ALTER TYPE, ALTER TABLE).
  if (changed || !fc->shapeReady || fc->shape.nested || compact != fc->shape.jsonbCompact)
    resolveShape(fc, fcinfo, compact);
  checkExportSignature(facts, fc->moduleName, fc->exportName, fc->shape);
  fc->batchable = !fc->ownSettings && batchExportOf(facts, fc->moduleName, fc->exportName, fc->shape);
  fc->batchMisses = 0;
  Form rf = fc->shape.result.form;
  fc->callsAlloc = fc->shape.memoryArgs || (facts.abiVersion >= 2 && inMemory(rf)) || fc->shape.retset;
  fc->plain = !fc->callsAlloc && !inMemory(rf) && !fc->shape.retset && !fc->shape.trigger && !fc->shape.window &&
              !fc->shape.states;
  bridgeHoldModule(m);  // before the old hold goes: m itself may be the old module
  letGoModule(fc);
  fc->held = m;
  fc->fuel = fuel;
  fc->generation = statementGeneration();
}

GuestInstance* newInstance(CallSite* fc) {
  GuestInstance* g = static_cast<GuestInstance*>(MemoryContextAllocZero(TopMemoryContext, sizeof(GuestInstance)));
  g->refs = 1;
  enterInstance(g, fc->name, nullptr, 0);  // the start function and _initialize
  memcpy(g->sha256, fc->sha256, 32);
  g->fuel = fc->fuel;
  g->state.meteredCode = fc->fuel;
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
  TimestampTz t0 = GetCurrentTimestamp();
  g->runtime = bridgeInstantiate(fc->held, fc->exportName, limits, resolveImport, &g->state, &out);
  fuelEndCall(&cf, initFuel);
  g->state.functionName = nullptr;  // fc's name may go before g does
  long secs;
  int usecs;
  TimestampDifference(t0, GetCurrentTimestamp(), &secs, &usecs);
  noteInstantiation(double(secs) + usecs / 1e6);
  if (!g->runtime) {
    pfree(g);
    reportCallFailure(fc->name, out);
  }
  g->prepared = bridgePrepareCall(g->runtime, &g->call);
  if (fc->callsAlloc && !bridgeHasAllocator(g->runtime)) {
    releaseInstance(g);
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("module \"%s\" does not export pgwasm_alloc, which wasm function %s needs",
                           fc->moduleName, fc->name),
                    errhint("Functions with arguments in guest memory (text, bytea, jsonb, numeric, uuid, "
                            "arrays, rows, ...) and set-returning functions need the guest allocator; include "
                            "pgwasm.h from udf-sdk.")));
  }
  return g;
}

void instantiateRuntime(CallSite* fc) {
  releaseRuntime(fc);
  fc->own = newInstance(fc);
}

CallSite* readyCallSite(FunctionCallInfo fcinfo) {
  FmgrInfo* flinfo = fcinfo->flinfo;
  CallSite* fc = static_cast<CallSite*>(flinfo->fn_extra);
  if (!fc) {
    fc = static_cast<CallSite*>(MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(CallSite)));
    MemoryContext old = MemoryContextSwitchTo(flinfo->fn_mcxt);
    initCallSite(fc, flinfo->fn_oid);
    MemoryContextSwitchTo(old);
    fc->cleanup.func = onContextReset;
    fc->cleanup.arg = fc;
    MemoryContextRegisterResetCallback(flinfo->fn_mcxt, &fc->cleanup);
    flinfo->fn_extra = fc;
  }
  // A set being returned keeps its instance and shape to its end, across statements (a
  // cursor's FETCHes) too.
  bool inSet = fc->set && setActive(fc->set);
  // So does a window function in the middle of a partition (the guest keeps what it
  // needs for the partition in its memory): a cursor's next FETCH goes on with it.
  bool inPartition = fc->shape.window && fc->shapeReady && fc->own && fc->own->runtime && windowInPartition(fcinfo);
  if (fc->generation != statementGeneration() && !inSet) {
    if (inPartition) fc->generation = statementGeneration();
    else prepareForStatement(fc, fcinfo);
  }
  if (needsOwnInstance(fc)) instantiateRuntime(fc);
  return fc;
}

// The parameter(s) of an argument passed by value (a scalar, or split); how many.
// Writes the arguments that live in guest memory into one pgwasm_alloc buffer and fills
// every argument's Wasm parameters. The call's fuel starts here (cf, fuel): pgwasm_alloc
// and the function are one call of wasm.call_fuel_limit.
__attribute__((noinline)) void encodeArguments(CallSite* fc, GuestInstance* g, const NullableDatum* args,
                                               uint64_t* params, CallFuel* cf, uint64_t* fuel) {
  const CallShape& s = fc->shape;
  GuestWriter& w = fc->writer;
  w.reset(memoryLimitBytes(), fc->name);
  int rebase[FUNC_MAX_ARGS];  // parameters that are addresses in the buffer
  int nrebase = 0;
  int p = 0;
  fc->path.begin(1);
  for (int i = 0; i < s.nargs; i++) {
    ValueCodec* c = &s.args[i];
    Datum d = args[i].value;
    bool null = args[i].isnull;
    fc->path.argument = i + 1;
    if (c->split || !inMemory(c->form)) {
      p += argumentBits(c, d, null, &params[p], &fc->path);
      continue;
    }
    Encoded e{0, 0};
    if (!null) {
      e = encodeValue(c, d, &w, &fc->path);
      rebase[nrebase++] = p;
    }
    params[p++] = e.at;
    if (c->form == Form::Bytes) params[p++] = e.len;
  }
  fc->path.end();

  uint64_t total = w.size();
  Runtime* rt = g->runtime;
  Outcome out;
  *fuel = fuelStartCall(cf, fc->name);
  fuelChargeWork(cf, fuel, w.work(), fc->name);  // laying the arguments out is part of the call
  uint32_t base = bridgeGuestAlloc(rt, uint32_t(total), fuel, &out);
  if (!out.ok()) {
    fuelEndCall(cf, *fuel);
    char* detail = out.status == Outcome::Trap ? trapDetail(g) : nullptr;
    loseInstance(fc, g);  // the instance may be in any state after a trap
    reportCallFailure(fc->name, out, detail);
  }
  uint64_t memSize;
  uint8_t* mem = bridgeMemory(rt, &memSize);
  if (base == 0 || !mem || uint64_t(base) + total > memSize) {
    fuelEndCall(cf, *fuel);
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("wasm function %s cannot take arguments of %llu bytes: the guest allocator failed",
                           fc->name, (unsigned long long)total),
                    errhint("Raise wasm.memory_limit (now %llu kB) if the module needs more memory.",
                            (unsigned long long)(memoryLimitBytes() / 1024))));
  }
  w.write(mem, base);
  w.release();
  for (int i = 0; i < nrebase; i++) params[rebase[i]] += base;
}

// The parameters of arguments that are all passed by value.
Datum resultDatum(CallSite* fc, GuestInstance* g, uint64_t bits, uint64_t fuelLeft, bool byCallLimit) {
  ValueCodec* c = &fc->shape.result;
  switch (c->form) {
    case Form::None: return (Datum)0;
    case Form::Bytes:
    case Form::Block: {
      GuestReader r;
      uint64_t size;
      const uint8_t* mem = bridgeMemory(g->runtime, &size);
      r.init(mem, size, fc->name, fuelLeft, byCallLimit);
      fc->path.mem = r.mem;
      fc->path.begin(0);
      uint32_t len = c->form == Form::Bytes ? uint32_t(bits >> 32) : 0;
      Datum v = decodeValue(c, uint32_t(bits), len, &r, &fc->path);
      fc->path.end();
      v = conformValue(c, v, false, &r);  // what a typmod makes of it counts too
      r.finish();
      return v;
    }
    default: return conformValue(c, scalarFromBits(c, bits, &fc->path), false, nullptr);
  }
}

Outcome trapOutcome(GuestInstance* g, wasm::TrapKind trap) {
  CHECK_FOR_INTERRUPTS();  // a cancel that stopped the guest is reported as PostgreSQL's own
  Outcome out;
  bridgeNoteTrap(trap, &out);
  if (trap == wasm::TrapKind::HostError) {
    const char* msg = bridgeHostError(g->runtime);
    if (msg[0]) snprintf(out.message, sizeof out.message, "%s", msg);
  }
  return out;
}

// A call that trapped: its ERROR (out of the per-row path's way).
__attribute__((noinline)) void callFailed(CallSite* fc, GuestInstance* g, wasm::TrapKind trap) {
  Outcome out = trapOutcome(g, trap);
  char* detail = trapDetail(g);
  loseInstance(fc, g);
  reportCallFailure(fc->name, out, detail);
}

}  // namespace pgwasm
