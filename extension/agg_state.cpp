// PG zone. wasm.state values (udf-sdk/ABI.md, "Aggregate states").
//
// A function's wasm.state argument or result is an i32 handle, which the guest gives out
// and understands (the address of a state in its memory, typically). In PostgreSQL the
// value is an expanded object (utils/expandeddatum.h) naming the instance that holds the
// state and the handle: an aggregate's transition function updates it in place and
// returns it, so that nodeAgg keeps it without a copy, and the final and combine
// functions (other call sites) run in that instance. Where PostgreSQL needs the value as
// bytes (a parallel worker's partial state on its way to the leader, a value stored or
// printed) the object is flattened: the guest's export pgwasm_state_save(handle) -> i64
// (len << 32 | ptr) gives the bytes, kept as
//   varlena header | "PWS1" | the module's SHA-256 | the guest's bytes
// and a function given bytes loads them into its instance first with
// pgwasm_state_load(ptr, len) -> handle (0: the guest refuses them). Bytes of another
// module are refused. The handle is never interpreted here: a wrong one can only make the
// guest compute nonsense or trap, in its own memory.
//
// Lifetimes: an object holds a reference to its instance (call_site.h, GuestInstance);
// when PostgreSQL deletes the object the reference goes. So the instance holding an
// aggregate's states lives while any of them does, and no longer. Outside aggregates an
// object lives in a memory context of its own, a child of the caller's, as the expanded
// object protocol has it. In an aggregate, a context per group would make a hashed
// aggregate quadratic (nodeAgg measures the memory of its context's children at every
// new group), so the objects of one aggregate context share one child of it, the arena.
// nodeAgg deletes a transition value only when the function returns a different value,
// so a function given a read-write state object always returns that object: its result
// is written into it (instance and handle), and a NULL result leaves it in place, marked
// NULL. The arena goes with the aggregate's context.
//
// Batches: a transition function (a state and scalars in, a state out) whose module also
// exports pgwasm_batch__<export>(i32 state, i32 values, i32 nulls, i32 count) -> i32
// state is not called row by row in an aggregate: its rows wait in the state's instance
// (PendingRows: 8-byte slots and NULL bytes) and run kBatchRows to a call, when another
// state of the instance gets rows, and before anything else runs in the instance or
// reads the state (flushPendingRows). So the crossing into the guest is paid once per
// batch. A batch is that many calls for fuel (wasm.call_fuel_limit times the rows).
//
// Values: a read-write object is the caller's to give (nodeAgg's transition value, a
// PL/pgSQL variable assigned the result): it is changed in place. A read-only one (a
// final function's argument, a variable read) is changed by no one: a function that
// returns a state gets a copy of it (saved and loaded), as it does of a second
// occurrence of one object among its arguments. Functions that return no state (final
// functions) read states in place; they must not change them (udf-sdk/ABI.md).
#include "agg_state.h"

#include "call_site.h"
#include "error_report.h"

PGWASM_PG_HEADERS_BEGIN
#include "catalog/namespace.h"
#include "libpq/pqformat.h"
#include "utils/expandeddatum.h"
#include "utils/syscache.h"
PGWASM_PG_HEADERS_END

extern "C" {
PG_FUNCTION_INFO_V1(wasm_state_in);
PG_FUNCTION_INFO_V1(wasm_state_out);
PG_FUNCTION_INFO_V1(wasm_state_recv);
PG_FUNCTION_INFO_V1(wasm_state_send);
}

namespace pgwasm {

Oid stateTypeOid() {
  Oid nsp = get_namespace_oid("wasm", true);
  if (!OidIsValid(nsp)) return InvalidOid;
  return GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("state"), ObjectIdGetDatum(nsp));
}

namespace {

constexpr uint32_t kBatchRows = 1024;  // rows a batch call at most
constexpr uint32_t kBatchSlots = kBatchRows * 8;  // and slots (rows of up to 8 scalars)
constexpr char kBatchPrefix[] = "pgwasm_batch__";

constexpr char kMagic[4] = {'P', 'W', 'S', '1'};
constexpr uint32_t kFlatHeader = 4 + 32;  // magic, SHA-256

struct StateObject {
  ExpandedObjectHeader hdr;
  GuestInstance* g;
  uint32_t handle;
  bytea* flat;        // its bytes, made when PostgreSQL asks; dropped at every call on it
  const char* fname;  // the function that made it, for messages
  bool inArena;       // lives in an aggregate context's arena, which must never be deleted for it
  MemoryContextCallback cb;
};

Size stateFlatSize(ExpandedObjectHeader* eohptr);
void stateFlatten(ExpandedObjectHeader* eohptr, void* result, Size allocated);
const ExpandedObjectMethods kStateMethods = {stateFlatSize, stateFlatten};

StateObject* objectOf(Datum d) {
  varlena* v = reinterpret_cast<varlena*>(DatumGetPointer(d));
  if (!VARATT_IS_EXTERNAL_EXPANDED(v)) return nullptr;
  varatt_expanded ptr;  // DatumGetEOHP, inline: this runs for every row of an aggregate
  memcpy(&ptr, VARDATA_EXTERNAL(v), sizeof ptr);
  ExpandedObjectHeader* eoh = ptr.eohptr;
  return eoh->eoh_methods == &kStateMethods ? reinterpret_cast<StateObject*>(eoh) : nullptr;
}

}  // namespace

// Rows of a batched transition function waiting for their call (see above).
struct PendingRows {
  void* object;        // the StateObject they are for
  GuestFunc* func;     // its batch export in the instance
  const char* fname;   // the transition function, for messages (null once it is gone)
  uint32_t nslots;     // slots a row
  uint64_t values[kBatchSlots];
  uint8_t nulls[kBatchSlots];
};

namespace {

// The guest may change the state: its bytes are made again when they are needed.
void dropFlat(StateObject* o) {
  if (o->flat) {
    pfree(o->flat);
    o->flat = nullptr;
  }
}

void releaseObject(void* arg) {
  StateObject* o = static_cast<StateObject*>(arg);
  if (o->g->pendingRows && o->g->pending->object == o) dropPendingRows(o->g);  // nothing reads them now
  releaseInstance(o->g);
}

// The arenas of aggregate contexts, found again by the context (a few at a time are in
// use: one per grouping set, say); an arena leaves the table when its context goes. The
// table only finds arenas: an object knows by itself that it lives in one (inArena).
struct Arena {
  MemoryContext parent;
  MemoryContext cxt;
  MemoryContextCallback cb;
};
constexpr int kArenas = 16;
Arena* arenas[kArenas];
int nextArena;

void forgetArena(void* arg) {
  for (Arena*& a : arenas)
    if (a == arg) a = nullptr;
}

MemoryContext arenaOf(MemoryContext aggcxt) {
  for (Arena* a : arenas)
    if (a && a->parent == aggcxt) return a->cxt;
  MemoryContext cxt = AllocSetContextCreate(aggcxt, "wasm states", ALLOCSET_DEFAULT_SIZES);
  Arena* a = static_cast<Arena*>(MemoryContextAlloc(cxt, sizeof(Arena)));
  a->parent = aggcxt;
  a->cxt = cxt;
  a->cb.func = forgetArena;
  a->cb.arg = a;
  MemoryContextRegisterResetCallback(cxt, &a->cb);
  // A full table forgets one (it stays valid; a later state of its context gets a new
  // arena beside it).
  int slot = -1;
  for (int i = 0; i < kArenas && slot < 0; i++)
    if (!arenas[i]) slot = i;
  if (slot < 0) slot = nextArena++ % kArenas;
  arenas[slot] = a;
  return cxt;
}

Datum newObject(FunctionCallInfo fcinfo, GuestInstance* g, uint32_t handle, const char* fname) {
  MemoryContext aggcxt, cxt;
  bool inArena = AggCheckCallContext(fcinfo, &aggcxt);
  if (inArena) cxt = arenaOf(aggcxt);
  else cxt = AllocSetContextCreate(CurrentMemoryContext, "wasm state", ALLOCSET_START_SMALL_SIZES);
  StateObject* o = static_cast<StateObject*>(MemoryContextAllocZero(cxt, sizeof(StateObject)));
  o->inArena = inArena;
  EOH_init_header(&o->hdr, &kStateMethods, cxt);
  o->g = g;
  retainInstance(g);
  o->handle = handle;
  o->fname = MemoryContextStrdup(cxt, fname);
  o->cb.func = releaseObject;
  o->cb.arg = o;
  MemoryContextRegisterResetCallback(cxt, &o->cb);
  return EOHPGetRWDatum(&o->hdr);
}

[[noreturn]] void instanceLost(const char* fname) {
  ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                  errmsg("the instance holding the state of wasm function %s was lost after a trap", fname)));
}

// The ERROR of a trap in g, which states share: its runtime goes, so that no call on
// them runs in it again (the next one is instanceLost's ERROR).
[[noreturn]] void trappedIn(GuestInstance* g, const char* fname, wasm::TrapKind trap) {
  Outcome out = trapOutcome(g, trap);
  bridgeFreeRuntime(g->runtime);
  g->runtime = nullptr;
  reportCallFailure(fname, out, nullptr);
}

// One call of a state export (save or load) of g: fuel of its own call from the
// statement, a trap an ERROR (the instance is then lost to every state in it).
uint64_t callStateExport(GuestInstance* g, const char* fname, const char* exportName, const WasmSig& sig,
                         const uint64_t* args, uint64_t* fuelLeft, bool* byCallLimit) {
  if (g->pendingRows) flushPendingRows(g);
  if (!g->runtime) instanceLost(fname);
  GuestFunc* f = bridgeFindFunc(g->runtime, exportName, sig);
  if (!f) {
    char want[256];
    bridgeSignatureText(sig.params, sig.nparams, sig.results, sig.nresults, want, sizeof want);
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("the module of wasm function %s does not export %s %s, which its states need here",
                           fname, exportName, want),
                    errdetail("A wasm.state leaves its instance as bytes (to a parallel query's leader, into a "
                              "table, to the client) through pgwasm_state_save, and comes back through "
                              "pgwasm_state_load."),
                    errhint("Export both from the module (udf-sdk/ABI.md, \"Aggregate states\").")));
  }
  CallFuel cf;
  uint64_t fuel = fuelStartCall(&cf, fname, false);
  uint64_t results[2] = {0, 0};
  enterInstance(g, fname, nullptr, 0);
  g->state.returnNull = false;
  wasm::TrapKind trap = bridgeCallFunc(g->runtime, f, args, results, &fuel);
  *byCallLimit = cf.byCallLimit;
  *fuelLeft = fuel;
  fuelEndCall(&cf, fuel);
  if (g->state.lineLen[0] | g->state.lineLen[1]) flushGuestOutput(&g->state);
  if (trap != wasm::TrapKind::None) trappedIn(g, fname, trap);
  return results[0];
}

// The object's bytes, from the guest.
bytea* saveState(StateObject* o) {
  GuestInstance* g = o->g;
  WasmSig sig;
  sig.params[sig.nparams++] = wasm::ValType::I32;
  sig.results[sig.nresults++] = wasm::ValType::I64;
  uint64_t arg = o->handle, fuelLeft;
  bool byCallLimit;
  uint64_t bits = callStateExport(g, o->fname, "pgwasm_state_save", sig, &arg, &fuelLeft, &byCallLimit);
  uint32_t ptr = uint32_t(bits), len = uint32_t(bits >> 32);
  uint64_t size;
  const uint8_t* mem = bridgeMemory(g->runtime, &size);
  GuestReader r;
  r.init(mem, size, o->fname, fuelLeft, byCallLimit);
  const uint8_t* p = r.range(ptr, len, "a state's bytes");
  r.charge(uint64_t(len) + kFlatHeader);
  if (uint64_t(len) + kFlatHeader + VARHDRSZ > MaxAllocSize)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("wasm function %s has a state of %u bytes, more than a value can hold", o->fname, len)));
  bytea* flat = static_cast<bytea*>(MemoryContextAlloc(o->hdr.eoh_context, VARHDRSZ + kFlatHeader + len));
  SET_VARSIZE(flat, VARHDRSZ + kFlatHeader + len);
  char* d = VARDATA(flat);
  memcpy(d, kMagic, 4);
  memcpy(d + 4, g->sha256, 32);
  memcpy(d + kFlatHeader, p, len);
  r.finish();
  return flat;
}

Size stateFlatSize(ExpandedObjectHeader* eohptr) {
  StateObject* o = reinterpret_cast<StateObject*>(eohptr);
  if (!o->flat) o->flat = saveState(o);
  return VARSIZE(o->flat);
}

void stateFlatten(ExpandedObjectHeader* eohptr, void* result, Size allocated) {
  StateObject* o = reinterpret_cast<StateObject*>(eohptr);
  Assert(o->flat && VARSIZE(o->flat) == allocated);
  memcpy(result, o->flat, allocated);
}

}  // namespace

// Whether bytes can be a state's: its header (the guest judges the rest).
bool wellFormed(const bytea* flat) {
  return VARSIZE_ANY_EXHDR(flat) >= kFlatHeader && memcmp(VARDATA_ANY(flat), kMagic, 4) == 0;
}

namespace {

// The value 'new' (an INITCOND): the state a function starts, handle 0. Its bytes are the
// header with a SHA-256 of zeros and nothing after it.
bool isNewState(const bytea* flat) {
  static const uint8_t zeros[32] = {};
  return VARSIZE_ANY_EXHDR(flat) == kFlatHeader && memcmp(VARDATA_ANY(flat), kMagic, 4) == 0 &&
         memcmp(VARDATA_ANY(flat) + 4, zeros, 32) == 0;
}

// Checks a state's bytes against the module of the function given them.
void checkFlat(const bytea* flat, const char* fname, const uint8_t* sha256) {
  const char* d = VARDATA_ANY(flat);
  if (!wellFormed(flat))
    ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
                    errmsg("wasm function %s was given a malformed wasm.state", fname),
                    errdetail("A wasm.state's bytes start with \"PWS1\" and the SHA-256 of its module.")));
  if (memcmp(d + 4, sha256, 32) != 0)
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("wasm function %s was given a wasm.state of another module", fname),
                    errdetail("States are bytes only their own module understands.")));
}

// A state's bytes loaded into g: the new handle.
uint32_t loadState(CallSite* fc, GuestInstance* g, Datum value) {
  StateObject* o = objectOf(value);
  const bytea* flat;
  if (o) {
    if (!o->flat) o->flat = saveState(o);
    flat = o->flat;
  } else {
    flat = reinterpret_cast<bytea*>(PG_DETOAST_DATUM_PACKED(value));
  }
  if (isNewState(flat)) return 0;  // 'new': the guest starts a state, as for NULL
  checkFlat(flat, fc->name, g->sha256);
  uint32_t len = VARSIZE_ANY_EXHDR(flat) - kFlatHeader;
  if (g->pendingRows) flushPendingRows(g);
  if (!g->runtime) instanceLost(fc->name);
  Outcome out;
  CallFuel cf;
  uint64_t fuel = fuelStartCall(&cf, fc->name, false);
  fuelChargeWork(&cf, &fuel, 1 + len / 16, fc->name);
  enterInstance(g, fc->name, nullptr, 0);
  uint32_t at = bridgeGuestAlloc(g->runtime, len, &fuel, &out);
  fuelEndCall(&cf, fuel);
  if (!out.ok()) {
    if (out.status == Outcome::Trap) loseInstance(fc, g);  // pgwasm_alloc trapped: g may be in any state
    reportCallFailure(fc->name, out);
  }
  uint64_t size;
  uint8_t* mem = bridgeMemory(g->runtime, &size);
  if (at == 0 || !mem || uint64_t(at) + len > size)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("wasm function %s cannot load a state of %u bytes: the guest allocator failed", fc->name,
                           len)));
  memcpy(mem + at, VARDATA_ANY(flat) + kFlatHeader, len);
  WasmSig sig;
  sig.params[sig.nparams++] = wasm::ValType::I32;
  sig.params[sig.nparams++] = wasm::ValType::I32;
  sig.results[sig.nresults++] = wasm::ValType::I32;
  uint64_t args[2] = {at, len}, fuelLeft;
  bool byCallLimit;
  uint32_t handle = uint32_t(callStateExport(g, fc->name, "pgwasm_state_load", sig, args, &fuelLeft, &byCallLimit));
  if (handle == 0 || g->state.returnNull)
    ereport(ERROR, (errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
                    errmsg("wasm function %s was given a wasm.state its module refuses", fc->name),
                    errdetail("pgwasm_state_load returned 0 for its %u bytes.", len)));
  return handle;
}

// The export to call in g: the call site's own (made for it), or the same export found in
// g (one instance remembered).
GuestFunc* exportIn(CallSite* fc, GuestInstance* g) {
  if (g == fc->own) return nullptr;
  if (fc->otherInstance == g && fc->otherFunc) return fc->otherFunc;
  GuestFunc* f = bridgeFindFunc(g->runtime, fc->exportName, fc->shape.sig);
  if (!f)
    ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                    errmsg("module \"%s\" has no export \"%s\" of the type wasm function %s needs", fc->moduleName,
                           fc->exportName, fc->name)));
  forgetOtherInstance(fc);
  retainInstance(g);  // held while remembered: an address is never taken for another instance
  fc->otherInstance = g;
  fc->otherFunc = f;
  return f;
}

// The batch export in g for the call site (remembered for one instance at a time: the
// caller looks there first), or null if g does not have it.
__attribute__((noinline)) GuestFunc* findBatchFunc(CallSite* fc, GuestInstance* g) {
  if (memcmp(g->sha256, fc->sha256, 32) != 0) return nullptr;
  char name[NAMEDATALEN * 4];
  snprintf(name, sizeof name, "%s%s", kBatchPrefix, fc->exportName);
  WasmSig sig;
  for (int i = 0; i < 4; i++) sig.params[sig.nparams++] = wasm::ValType::I32;
  sig.results[sig.nresults++] = wasm::ValType::I32;
  GuestFunc* f = bridgeFindFunc(g->runtime, name, sig);
  if (!f) return nullptr;
  forgetBatchInstance(fc);
  retainInstance(g);
  fc->batchInstance = g;
  fc->batchFunc = f;
  return f;
}

// A row for the batch of state o in its instance: true if it waits there (the caller
// returns o, as the function would have), false if the call must run as it is.
bool batchRow(FunctionCallInfo fcinfo, CallSite* fc) {
  Datum d = fcinfo->args[0].value;
  if (!VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(d))) return false;
  StateObject* o = objectOf(d);
  if (!o || !o->g->runtime) return false;
  GuestInstance* g = o->g;
  GuestFunc* f = fc->batchInstance == g ? fc->batchFunc : findBatchFunc(fc, g);
  if (!f) return false;
  const CallShape& s = fc->shape;
  uint32_t nslots = uint32_t(s.nargs - 1);
  if (g->pendingRows && g->pending->object != o) {
    // Rows of another state: hashed groups that interleave make batches of a row or two,
    // which cost more than calls; after many such, the statement calls row by row.
    bool small = g->pendingRows < 4;
    flushPendingRows(g);
    if (small && ++fc->batchMisses > 64) {
      fc->batchable = false;
      return false;
    }
  }
  if (!g->pending)
    g->pending = static_cast<PendingRows*>(MemoryContextAlloc(TopMemoryContext, sizeof(PendingRows)));
  PendingRows* p = g->pending;
  if (g->pendingRows == 0) {
    p->object = o;
    p->func = f;
    p->fname = fc->name;
    p->nslots = nslots;
    dropFlat(o);
  }
  uint32_t at = g->pendingRows * nslots;
  for (uint32_t i = 0; i < nslots; i++) {
    const NullableDatum& a = fcinfo->args[i + 1];
    const ValueCodec& c = s.args[i + 1];
    p->nulls[at + i] = a.isnull;
    p->values[at + i] = a.isnull ? 0 : c.bitsMask ? uint64_t(a.value) & c.bitsMask : c.rule->toBits(a.value, &fc->path);
  }
  if (++g->pendingRows == kBatchRows) flushPendingRows(g);
  return true;
}

}  // namespace

bool batchExportOf(const ModuleFacts& f, const char* moduleName, const char* exportName, const CallShape& s) {
  // A transition: a state first, then scalars passed by value, and a state back.
  if (!s.result.state || s.nargs < 1 || s.nargs > 9 || !s.args[0].state) return false;
  for (int i = 1; i < s.nargs; i++)
    if (s.args[i].state || s.args[i].split || inMemory(s.args[i].form)) return false;
  size_t prefix = sizeof kBatchPrefix - 1;
  for (uint32_t i = 0; i < f.nexports; i++) {
    const ExternEntry& e = f.exports[i];
    if (strncmp(e.name, kBatchPrefix, prefix) != 0 || strcmp(e.name + prefix, exportName) != 0) continue;
    bool i32s = e.kind == wasm::ExternKind::Func && e.nparams == 4 && e.nresults == 1 &&
                e.results[0] == wasm::ValType::I32;
    for (uint32_t k = 0; i32s && k < 4; k++) i32s = e.params[k] == wasm::ValType::I32;
    if (!i32s)
      ereport(ERROR, (errcode(ERRCODE_INVALID_FUNCTION_DEFINITION),
                      errmsg("export \"%s\" of module \"%s\" is not a function (i32, i32, i32, i32) -> i32",
                             e.name, moduleName),
                      errdetail("An export named %s<export> takes the rows of transition function <export> in "
                                "batches: (state, values, nulls, count) -> state (udf-sdk/ABI.md).",
                                kBatchPrefix)));
    return true;
  }
  return false;
}

void forgetBatchInstance(CallSite* fc) {
  if (GuestInstance* g = fc->batchInstance) {
    // Rows may still wait there for a state nodeAgg reads later; their messages lose the
    // name of a function that is going.
    if (g->pending && g->pending->fname == fc->name) g->pending->fname = nullptr;
    fc->batchInstance = nullptr;
    fc->batchFunc = nullptr;
    releaseInstance(g);
  }
}

void dropPendingRows(GuestInstance* g) {
  g->pendingRows = 0;
  if (g->pending) g->pending->object = nullptr;
}

void flushPendingRows(GuestInstance* g) {
  PendingRows* p = g->pending;
  uint32_t n = g->pendingRows;
  StateObject* o = static_cast<StateObject*>(p->object);
  g->pendingRows = 0;  // first: whatever happens below, the rows are not run twice
  p->object = nullptr;
  const char* fname = p->fname ? p->fname : o->fname;
  if (!g->runtime) instanceLost(fname);
  uint64_t valueBytes = uint64_t(n) * p->nslots * 8, nullBytes = uint64_t(n) * p->nslots;
  CallFuel cf;
  uint64_t fuel = fuelStartCall(&cf, fname, true, n);  // n rows: n calls' worth
  fuelChargeWork(&cf, &fuel, 1 + (valueBytes + nullBytes) / 16, fname);
  enterInstance(g, fname, nullptr, 0);
  Outcome out;
  uint32_t at = bridgeGuestAlloc(g->runtime, uint32_t(valueBytes + nullBytes), &fuel, &out);
  if (!out.ok()) {
    fuelEndCall(&cf, fuel);
    if (out.status == Outcome::Trap) {
      bridgeFreeRuntime(g->runtime);
      g->runtime = nullptr;
    }
    reportCallFailure(fname, out);
  }
  uint64_t size;
  uint8_t* mem = bridgeMemory(g->runtime, &size);
  if (at == 0 || !mem || uint64_t(at) + valueBytes + nullBytes > size) {
    fuelEndCall(&cf, fuel);
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("wasm function %s cannot take a batch of %u rows: the guest allocator failed", fname, n)));
  }
  memcpy(mem + at, p->values, valueBytes);
  memcpy(mem + at + valueBytes, p->nulls, nullBytes);
  uint64_t args[4] = {o->handle, at, at + valueBytes, n};
  uint64_t results[2] = {0, 0};
  g->state.returnNull = false;
  wasm::TrapKind trap = bridgeCallFunc(g->runtime, p->func, args, results, &fuel);
  fuelEndCall(&cf, fuel);
  if (g->state.lineLen[0] | g->state.lineLen[1]) flushGuestOutput(&g->state);
  if (trap != wasm::TrapKind::None) trappedIn(g, fname, trap);
  uint32_t handle = uint32_t(results[0]);
  if (handle == 0 || g->state.returnNull)
    ereport(ERROR, (errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
                    errmsg("the batch export of wasm function %s returned no state for %u rows", fname, n),
                    errhint("%s<export> must return the state (changed, or another handle), never 0.",
                            kBatchPrefix)));
  o->handle = handle;
}

namespace {

__attribute__((noinline)) Datum callOnStates(FunctionCallInfo fcinfo, CallSite* fc);

}  // namespace

Datum callWithStates(FunctionCallInfo fcinfo, CallSite* fc) {
  // In an aggregate, a row of a transition function with a batch export waits for the
  // batch (nodeAgg keeps the state it was given). A small function: every row comes here.
  if (fc->batchable && !fcinfo->args[0].isnull && fcinfo->context && IsA(fcinfo->context, AggState) &&
      batchRow(fcinfo, fc)) {
    fcinfo->isnull = false;
    return fcinfo->args[0].value;
  }
  return callOnStates(fcinfo, fc);
}

namespace {

// A call on states as it is: in the states' instance, read-only ones copied, the result
// written into the read-write one (see the head of the file).
Datum callOnStates(FunctionCallInfo fcinfo, CallSite* fc) {
  const CallShape& s = fc->shape;
  // The instance: the one the first state argument lives in (of this function's module),
  // else the call site's own.
  GuestInstance* g = nullptr;
  for (int i = 0; i < s.nargs && !g; i++) {
    if (!s.args[i].state || fcinfo->args[i].isnull) continue;
    StateObject* o = objectOf(fcinfo->args[i].value);
    if (o && (o->g == fc->own || memcmp(o->g->sha256, fc->sha256, 32) == 0)) g = o->g;
  }
  if (!g) {
    if (!fc->own || !fc->own->runtime) instantiateRuntime(fc);
    g = fc->own;
  }
  if (!g->runtime) instanceLost(fc->name);
  for (int i = 0; i < s.nargs; i++) {  // rows waiting for an argument run first
    if (!s.args[i].state || fcinfo->args[i].isnull) continue;
    StateObject* o = objectOf(fcinfo->args[i].value);
    if (o && o->g->pendingRows && o->g->pending->object == o) flushPendingRows(o->g);  // a trap there is an ERROR
  }
  // Which states the guest gets in place (the rest as copies), and the argument a state
  // result is written into (owner: the first read-write object).
  NullableDatum argv[FUNC_MAX_ARGS];
  StateObject* inPlace[FUNC_MAX_ARGS];
  int ninPlace = 0, owner = -1;
  for (int i = 0; i < s.nargs; i++) {
    argv[i] = fcinfo->args[i];
    if (!s.args[i].state || argv[i].isnull) continue;
    StateObject* o = objectOf(argv[i].value);
    bool rw = o && VARATT_IS_EXTERNAL_EXPANDED_RW(DatumGetPointer(argv[i].value));
    if (rw && owner < 0) owner = i;
    bool mine = o && o->g == g && (rw || !s.result.state);
    for (int k = 0; k < ninPlace && mine && s.result.state; k++) mine = inPlace[k] != o;
    uint32_t handle;
    if (mine) {
      handle = o->handle;
      dropFlat(o);
      inPlace[ninPlace++] = o;
    } else {
      handle = loadState(fc, g, argv[i].value);
    }
    argv[i].value = Int32GetDatum(int32(handle));
  }
  ExportResult r = callExportIn(fc, g, exportIn(fc, g), argv);
  if (!s.result.state) return sqlResult(fcinfo, fc, g, r);
  fcinfo->isnull = g->state.returnNull;
  uint32_t handle = uint32_t(r.bits);
  if (owner < 0) {
    if (fcinfo->isnull || handle == 0) {
      fcinfo->isnull = true;
      return (Datum)0;
    }
    return newObject(fcinfo, g, handle, fc->name);
  }
  // The result goes into the read-write argument: nodeAgg keeps it as it is.
  Datum value = fcinfo->args[owner].value;
  StateObject* o = objectOf(value);
  if (fcinfo->isnull || handle == 0) {
    fcinfo->isnull = true;
    // An arena's object stays (deleting it would delete the arena); a NULL it is.
    return o->inArena ? value : (Datum)0;
  }
  if (o->g != g) {  // given as a copy (another instance's): it names the result's now
    retainInstance(g);
    GuestInstance* old = o->g;
    o->g = g;
    releaseInstance(old);
  }
  dropFlat(o);
  o->handle = handle;
  return value;
}

}  // namespace

}  // namespace pgwasm

// --- the type's I/O: its bytes as hex ("\x5057..."), as bytea's ------------------------------
static bytea* wellFormedOrError(bytea* b, int sqlstate, const char* message) {
  if (!pgwasm::wellFormed(b))
    ereport(ERROR, (errcode(sqlstate), errmsg("%s", message),
                    errdetail("A wasm.state's bytes start with \"PWS1\" and the SHA-256 of its module.")));
  return b;
}

extern "C" Datum wasm_state_in(PG_FUNCTION_ARGS) {
  const char* s = PG_GETARG_CSTRING(0);
  if (strcmp(s, "new") == 0) {  // INITCOND = 'new'
    bytea* b = static_cast<bytea*>(palloc0(VARHDRSZ + 36));
    SET_VARSIZE(b, VARHDRSZ + 36);
    memcpy(VARDATA(b), "PWS1", 4);
    PG_RETURN_BYTEA_P(b);
  }
  if (s[0] != '\\' || s[1] != 'x')
    ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                    errmsg("invalid input syntax for type wasm.state: \"%s\"", s),
                    errhint("A wasm.state's text form is its bytes in hex (\\x followed by hex digits), or 'new' "
                            "for the state a function starts.")));
  size_t n = strlen(s + 2);
  if (n % 2 != 0 || n / 2 > MaxAllocSize - VARHDRSZ)
    ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                    errmsg("invalid input syntax for type wasm.state: an odd number of hex digits")));
  bytea* b = static_cast<bytea*>(palloc(VARHDRSZ + n / 2));
  uint64 len = hex_decode(s + 2, n, VARDATA(b));
  SET_VARSIZE(b, VARHDRSZ + len);
  PG_RETURN_BYTEA_P(wellFormedOrError(b, ERRCODE_INVALID_TEXT_REPRESENTATION, "invalid input syntax for type wasm.state"));
}

extern "C" Datum wasm_state_out(PG_FUNCTION_ARGS) {
  bytea* b = PG_GETARG_BYTEA_PP(0);
  uint32 n = VARSIZE_ANY_EXHDR(b);
  char* out = static_cast<char*>(palloc(size_t(n) * 2 + 3));
  out[0] = '\\';
  out[1] = 'x';
  uint64 len = hex_encode(VARDATA_ANY(b), n, out + 2);
  out[2 + len] = '\0';
  PG_RETURN_CSTRING(out);
}

extern "C" Datum wasm_state_recv(PG_FUNCTION_ARGS) {
  StringInfo buf = reinterpret_cast<StringInfo>(PG_GETARG_POINTER(0));
  int n = buf->len - buf->cursor;
  bytea* b = static_cast<bytea*>(palloc(VARHDRSZ + n));
  SET_VARSIZE(b, VARHDRSZ + n);
  pq_copymsgbytes(buf, VARDATA(b), n);
  PG_RETURN_BYTEA_P(wellFormedOrError(b, ERRCODE_INVALID_BINARY_REPRESENTATION, "invalid external wasm.state"));
}

extern "C" Datum wasm_state_send(PG_FUNCTION_ARGS) {
  bytea* b = PG_GETARG_BYTEA_PP(0);
  StringInfoData buf;
  pq_begintypsend(&buf);
  pq_sendbytes(&buf, VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b));
  PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}
