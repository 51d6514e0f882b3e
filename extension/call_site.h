// PG zone. A call site of a LANGUAGE wasm function (one FmgrInfo) and the one way it calls
// its export.
//
// A CallSite in fn_extra holds what the per-row path needs: argument and result codecs,
// the module and export, and a Runtime (one instance in its own store). The first call of
// a statement checks that the function and its module are still what the cache was built
// from (pg_proc row version, module sha256), and the call site gets a fresh instance, so
// no guest state survives from one statement to the next (a set-returning function: from
// one set to the next). Rows after that do no catalog work: marshal, call, unmarshal
// (callExport). The kinds of function drive it: scalar (call_handler.cpp), set-returning
// (set_function.cpp).
//
// Regimes: everything here may ereport, so only plain data is live across those points;
// the engine is reached only through the bridge (noexcept).
#pragma once

#include "pg.h"

#include "bridge.h"
#include "fuel.h"
#include "host_imports.h"
#include "signature.h"
#include "statement.h"
#include "type_codec.h"

namespace pgwasm {

struct SetState;
bool setActive(const SetState* st);  // set_function.cpp
struct TriggerShape;                 // trigger_function.cpp

// An instance of a module with the state its host functions see (their env): a call
// site's own, made for each statement, or the one aggregate states live in
// (agg_state.cpp), which every call on those states uses. Counted references: a call
// site holds its own instance, each state value the one it lives in; made in
// TopMemoryContext, freed with the last reference.
struct PendingRows;  // agg_state.cpp
struct GuestInstance {
  Runtime* runtime;      // null after a trap (the instance may be in any state)
  uint32_t refs;
  bool fuel;             // its code meters fuel
  uint32_t pendingRows;  // rows a batched transition function left to run (agg_state.cpp)
  PendingRows* pending;  // and where they wait (made on first use)
  uint8_t sha256[32];    // the module's content
  bool prepared;         // call: the runtime's function, ready for the per-row path (callPlain)
  wasm::PreparedCall call;
  CallState state;       // (large: its output buffers last)
};
void retainInstance(GuestInstance* g);
void releaseInstance(GuestInstance* g);
// Runs the rows waiting in g (agg_state.cpp): before any other call in g, and before
// their state is read.
void flushPendingRows(GuestInstance* g);
// Lets go of rows waiting for a state that is going (agg_state.cpp).
void dropPendingRows(GuestInstance* g);

struct CallSite {
  Oid fnOid;
  TransactionId fnXmin;
  ItemPointerData fnTid;
  char* name;        // "f(integer)" style, for messages
  char* moduleName;
  char* exportName;
  char prokind;
  bool retset;
  int nargs;
  Oid argTypes[FUNC_MAX_ARGS];  // as declared
  Oid resultType;
  MemoryContext shapeCxt;  // the shape's codecs, made again when they are resolved again
  CallShape shape;
  bool shapeReady;         // shape was resolved to the end (an ERROR or a cancel can stop it)
  // Each call starts with pgwasm_alloc: arguments live in guest memory, or (ABI v2) the
  // result does, and the guest's arena starts afresh (udf-sdk/ABI.md).
  bool callsAlloc;
  // A plain scalar function: arguments by value (none in guest memory), a scalar or void
  // result, none of the other kinds (set-returning, trigger, window, on states). Its rows
  // take the handler's shortest path (callPlain).
  bool plain;

  uint64_t generation;   // statement the runtime belongs to
  uint8_t sha256[32];    // module content the runtime runs
  bool fuel;             // the runtime's code meters fuel
  GuestInstance* own;    // nullptr until first use in a statement (set functions: in a set)
  CompiledModule* held;  // the statement's module, held (bridgeHoldModule) for new instances
  GuestWriter writer;    // the arguments in guest memory, call after call
  ValuePath path;        // which value an ERROR is about
  MemoryContextCallback cleanup;
  SetState* set;         // set-returning functions: the set being returned (set_function.cpp)
  GuestInstance* otherInstance;  // functions on states: the last other instance called in
  GuestFunc* otherFunc;          // and the export there (agg_state.cpp)
  TriggerShape* trigger; // trigger functions: the table's codecs (trigger_function.cpp)
  // Transition functions with a batch export (agg_state.cpp): rows wait in the states'
  // instance and run many to a call; the export in the instance last seen.
  bool batchable;
  bool ownSettings;      // SET clauses or SECURITY DEFINER: never batched
  uint32_t batchMisses;  // batches of few rows this statement (agg_state.cpp)
  GuestInstance* batchInstance;
  GuestFunc* batchFunc;
};

// Whether the call site lacks the instance it calls in: every kind of function but
// set-returning ones and functions on states has one (set_function.cpp makes one per set,
// agg_state.cpp when a call needs it), made again after a trap lost its runtime.
inline bool needsOwnInstance(const CallSite* fc) {
  return (!fc->own || !fc->own->runtime) && !fc->retset && !fc->shape.states;
}
// The call site of fcinfo, made ready for this statement (made on first use).
__attribute__((noinline)) CallSite* readyCallSite(FunctionCallInfo fcinfo);
// The call site of fcinfo, ready for this statement (made on first use), with its
// instance (needsOwnInstance). The rows after a statement's first find it ready here,
// with nothing else to do.
inline CallSite* getCallSite(FunctionCallInfo fcinfo) {
  enterCall();  // first: a call the planner folds begins its command's statement
  CallSite* fc = static_cast<CallSite*>(fcinfo->flinfo->fn_extra);
  if (__builtin_expect(fc && fc->generation == statementGeneration() && !needsOwnInstance(fc), 1))
    return fc;
  return readyCallSite(fcinfo);
}
// A fresh instance of the statement's module (fc->held) for the call site.
void instantiateRuntime(CallSite* fc);
void releaseRuntime(CallSite* fc);
// After a trap in g, which may be in any state: the call site's own instance goes (the
// next call makes a new one); one that states live in keeps its references but loses its
// runtime, so that no call runs in it again.
void loseInstance(CallSite* fc, GuestInstance* g);
// Lets go of the other instance a call site remembers (agg_state.cpp).
void forgetOtherInstance(CallSite* fc);

// A new instance of the statement's module (fc->held) with fc's export, one reference.
GuestInstance* newInstance(CallSite* fc);

// The Wasm parameters of the call's arguments (the shape's nargs), for a call site with
// arguments in guest memory (encodeArguments, into g's memory, which also starts the
// call's fuel: cf, fuel) or without.
void encodeArguments(CallSite* fc, GuestInstance* g, const NullableDatum* args, uint64_t* params, CallFuel* cf,
                     uint64_t* fuel);
// The Wasm parameters of an argument passed by value (1, or its rule's split); returns
// how many.
inline int argumentBits(const ValueCodec* c, Datum d, bool null, uint64_t* params, ValuePath* path) {
  if (!c->split) {
    params[0] = null ? 0 : c->rule->toBits(d, path);
    return 1;
  }
  if (null) memset(params, 0, c->split * sizeof(uint64_t));
  else c->rule->toSplit(d, params);
  return c->split;
}
__attribute__((always_inline)) inline void scalarArguments(CallSite* fc, const NullableDatum* args,
                                                            uint64_t* params) {
  const CallShape& s = fc->shape;
  int p = 0;
  for (int i = 0; i < s.nargs; i++) p += argumentBits(&s.args[i], args[i].value, args[i].isnull, &params[p], &fc->path);
}
// What a trap in g was, for its ERROR (a host function's message with it); a cancel that
// stopped the guest is PostgreSQL's own ERROR, raised here.
Outcome trapOutcome(GuestInstance* g, wasm::TrapKind trap);
// The ERROR of a call that trapped in g; g's runtime goes (the call site's own instance
// goes, and the next call makes a new one).
[[noreturn]] void callFailed(CallSite* fc, GuestInstance* g, wasm::TrapKind trap);
// The SQL result from a scalar function's Wasm result: checked, copied out of guest
// memory at once, and made to fit its declared type (typmod, domain). The work of
// reading it counts in the call's fuel (what it had left: fuelLeft, byCallLimit), taken
// from the statement's.
Datum resultDatum(CallSite* fc, GuestInstance* g, uint64_t bits, uint64_t fuelLeft, bool byCallLimit);

// What g's host functions see of the call about to start in it (every entry into the
// guest sets it: an instance outlives the call sites that use it, and serves several).
inline void enterInstance(GuestInstance* g, const char* fname, const NullableDatum* argv, int nargs) {
  g->state.functionName = fname;
  g->state.args = argv;
  g->state.nargs = nargs;
}

// What a call of the export returned: its Wasm result, and the fuel it had left (for
// reading the result; see resultDatum).
struct ExportResult {
  uint64_t bits;
  uint64_t fuelLeft;
  bool byCallLimit;
};

// Calls the export with these arguments (the shape's: fcinfo->args, or a trigger's event)
// and, for a set-returning function, the set's call number (a window function: the row; signature.h): in the call
// site's own instance, or (callExportIn) in g, the export func of g's (null: the one g was
// made for). The call's fuel goes back at once, guest output is flushed, and a trap is an
// ERROR. g->state.returnNull says whether the guest returned NULL.
inline ExportResult callExportIn(CallSite* fc, GuestInstance* g, GuestFunc* func, const NullableDatum* argv,
                                 uint64_t setCall = 0) {
  const CallShape& s = fc->shape;
  uint64_t args[3 * FUNC_MAX_ARGS + 1];
  uint64_t results[2] = {0, 0};
  CallFuel cf;
  uint64_t fuel;
  if (__builtin_expect(g->pendingRows != 0, 0)) flushPendingRows(g);
  enterInstance(g, fc->name, argv, s.nargs);
  if (fc->callsAlloc) {
    encodeArguments(fc, g, argv, args, &cf, &fuel);  // starts the call's fuel
  } else {
    if (s.datumBits) {  // the common scalars: their Datums are the values
      for (int i = 0; i < s.nargs; i++) args[i] = argv[i].isnull ? 0 : uint64_t(argv[i].value) & s.args[i].bitsMask;
    } else {
      scalarArguments(fc, argv, args);
    }
    fuel = fuelStartCall(&cf, fc->name);
  }
  if (s.retset | s.window) args[s.nparams] = setCall;  // a set's call number, a window's row

  g->state.returnNull = false;
  wasm::TrapKind trap = func ? bridgeCallFunc(g->runtime, func, args, results, &fuel)
                             : bridgeCall(g->runtime, args, results, &fuel);
  // The call's fuel goes back at once: reading the result takes what it needs from the
  // statement (within what the call had left), and an ERROR from here on loses none.
  ExportResult r{results[0], fuel, cf.byCallLimit};
  fuelEndCall(&cf, fuel);
  if (g->state.lineLen[0] | g->state.lineLen[1]) flushGuestOutput(&g->state);
  if (__builtin_expect(trap != wasm::TrapKind::None, 0)) callFailed(fc, g, trap);
  CHECK_FOR_INTERRUPTS();
  return r;
}
// callExportIn and sqlResult for a plain call site (CallSite::plain), ready for this
// statement, with its own instance: the same steps without those it cannot need (its own
// instance never has rows waiting; nothing lives in guest memory; no set or row number),
// inlined into the handler, as this is the per-row path of most functions.
__attribute__((always_inline)) inline Datum callPlain(FunctionCallInfo fcinfo, CallSite* fc) {
  const CallShape& s = fc->shape;
  GuestInstance* g = fc->own;
  const NullableDatum* argv = fcinfo->args;
  uint64_t args[3 * FUNC_MAX_ARGS];
  uint64_t results[2] = {0, 0};
  CallFuel cf;
  enterInstance(g, fc->name, argv, s.nargs);
  if (s.datumBits) {
    for (int i = 0; i < s.nargs; i++) args[i] = argv[i].isnull ? 0 : uint64_t(argv[i].value) & s.args[i].bitsMask;
  } else {
    scalarArguments(fc, argv, args);
  }
  uint64_t fuel = fuelStartCall(&cf, fc->name);
  g->state.returnNull = false;
  wasm::TrapKind trap = __builtin_expect(g->prepared, 1)
                            ? wasm::callPrepared(g->call, args, results, g->call.metered ? &fuel : nullptr)
                            : bridgeCall(g->runtime, args, results, &fuel);
  fuelEndCall(&cf, fuel);
  if (g->state.lineLen[0] | g->state.lineLen[1]) flushGuestOutput(&g->state);
  if (__builtin_expect(trap != wasm::TrapKind::None, 0)) callFailed(fc, g, trap);
  CHECK_FOR_INTERRUPTS();
  fcinfo->isnull = g->state.returnNull;
  ValueCodec* c = &fc->shape.result;
  if (__builtin_expect(fcinfo->isnull | c->domain | (c->typmodFn != nullptr) | (c->form == Form::None), 0)) {
    if (fcinfo->isnull) {
      conformValue(c, 0, true, nullptr);
      return (Datum)0;
    }
    if (c->form == Form::None) return (Datum)0;
    return conformValue(c, c->rule->fromBits(results[0], *c, &fc->path), false, nullptr);
  }
  return c->rule->fromBits(results[0], *c, &fc->path);
}

inline ExportResult callExport(CallSite* fc, const NullableDatum* argv, uint64_t setCall = 0) {
  return callExportIn(fc, fc->own, nullptr, argv, setCall);
}

// The SQL result of a call that returned r in g: NULL if the guest said so (checked
// against a domain), else resultDatum's.
inline Datum sqlResult(FunctionCallInfo fcinfo, CallSite* fc, GuestInstance* g, const ExportResult& r) {
  fcinfo->isnull = g->state.returnNull;
  if (fcinfo->isnull) {
    conformValue(&fc->shape.result, 0, true, nullptr);
    return (Datum)0;
  }
  return resultDatum(fc, g, r.bits, r.fuelLeft, r.byCallLimit);
}

}  // namespace pgwasm
