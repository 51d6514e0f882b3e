// PG zone. Set-returning LANGUAGE wasm functions, value per call.
//
// The export returns the set in batches (signature.h: its last parameter is the call's
// number in the set, its result an array of rows; an empty array ends the set). PostgreSQL
// asks for one row per fmgr call, in the FROM clause (which puts them in a tuplestore) and
// in the SELECT list alike; this file hands out the current batch's rows and calls the
// export again when they are gone. So the guest is called once per batch, not per row, it
// never has to hold the whole set, and a LIMIT that stops asking stops the guest. The
// batch's values live in the set's memory context until the next batch: each row stays
// valid until the next fmgr call, as value-per-call requires.
//
// Each set runs in a fresh instance of the statement's module, made at the set's first
// row and freed at its end, or when PostgreSQL abandons the set (LIMIT, a rescan: the
// ExprContext's shutdown callback). Fuel, wasm.memory_limit and cancel apply to every
// call of the set as to any call; an interrupt is also checked at every row handed out.
#include "set_function.h"

#include "call_site.h"

namespace pgwasm {

struct SetState {
  bool active;         // a set is being returned
  bool ended;          // the guest returned its last batch
  uint64_t calls;      // export calls made for the set
  MemoryContext cxt;   // the current batch
  SetBatch batch;
  uint32_t next;       // the batch's next row
  ExprContext* econtext;  // the set's, whose shutdown abandons it
};

bool setActive(const SetState* st) { return st->active; }

namespace {

// Ends the set: its instance and its rows go.
void endSet(CallSite* fc) {
  SetState* st = fc->set;
  st->active = false;
  st->batch = SetBatch{0, nullptr, nullptr};
  st->next = 0;
  MemoryContextReset(st->cxt);
  releaseRuntime(fc);
}

// PostgreSQL stopped asking for the set's rows (ExprContext shutdown: LIMIT, rescan, end
// of the query).
void abandonSet(Datum arg) {
  CallSite* fc = reinterpret_cast<CallSite*>(DatumGetPointer(arg));
  if (fc->set->active) endSet(fc);
  fc->set->econtext = nullptr;
}

SetState* setStateOf(CallSite* fc, FmgrInfo* flinfo) {
  if (!fc->set) {
    SetState* st = static_cast<SetState*>(MemoryContextAllocZero(flinfo->fn_mcxt, sizeof(SetState)));
    st->cxt = AllocSetContextCreate(flinfo->fn_mcxt, "wasm set rows", ALLOCSET_DEFAULT_SIZES);
    fc->set = st;
  }
  return fc->set;
}

void beginSet(CallSite* fc, ReturnSetInfo* rsi) {
  SetState* st = fc->set;
  if (st->econtext != rsi->econtext) {
    if (st->econtext) UnregisterExprContextCallback(st->econtext, abandonSet, PointerGetDatum(fc));
    RegisterExprContextCallback(rsi->econtext, abandonSet, PointerGetDatum(fc));
    st->econtext = rsi->econtext;
  }
  instantiateRuntime(fc);  // no guest state from an earlier set
  st->active = true;
  st->ended = false;
  st->calls = 0;
  st->next = 0;
  st->batch = SetBatch{0, nullptr, nullptr};
}

// The set's next batch, from one call of the export.
void nextBatch(CallSite* fc, FunctionCallInfo fcinfo) {
  SetState* st = fc->set;
  MemoryContextReset(st->cxt);
  st->batch = SetBatch{0, nullptr, nullptr};
  st->next = 0;
  ExportResult res = callExport(fc, fcinfo->args, st->calls++);
  if (fc->own->state.returnNull) {  // a NULL batch ends the set as an empty one does
    st->ended = true;
    return;
  }
  GuestReader r;
  uint64_t size;
  const uint8_t* mem = bridgeMemory(fc->own->runtime, &size);
  r.init(mem, size, fc->name, res.fuelLeft, res.byCallLimit);
  fc->path.mem = r.mem;
  fc->path.begin(0);
  MemoryContext old = MemoryContextSwitchTo(st->cxt);
  st->batch = decodeSetBatch(&fc->shape.result, uint32_t(res.bits), &r, &fc->path);
  MemoryContextSwitchTo(old);
  fc->path.end();
  r.finish();
  if (st->batch.count == 0) st->ended = true;
}

}  // namespace

Datum callSetFunction(FunctionCallInfo fcinfo) {
  ReturnSetInfo* rsi = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
  if (!rsi || !IsA(rsi, ReturnSetInfo) || !(rsi->allowedModes & SFRM_ValuePerCall))
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("set-valued function called in context that cannot accept a set")));
  CallSite* fc = getCallSite(fcinfo);
  SetState* st = setStateOf(fc, fcinfo->flinfo);
  if (!st->active) beginSet(fc, rsi);
  if (!fc->own) {  // a trap ended the instance, and its ERROR did not end the query
    endSet(fc);
    ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                    errmsg("wasm function %s cannot go on with a set an error interrupted", fc->name)));
  }
  while (st->next == st->batch.count) {
    if (st->ended) {
      endSet(fc);
      rsi->isDone = ExprEndResult;
      fcinfo->isnull = true;
      return (Datum)0;
    }
    nextBatch(fc, fcinfo);
  }
  CHECK_FOR_INTERRUPTS();
  uint32_t i = st->next++;
  rsi->returnMode = SFRM_ValuePerCall;
  rsi->isDone = ExprMultipleResult;
  fcinfo->isnull = st->batch.nulls[i];
  return st->batch.values[i];
}

}  // namespace pgwasm
