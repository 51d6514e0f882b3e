// PG zone. The one fuel model (fuel.cpp): a statement's Wasm calls together may use
// wasm.fuel_limit instructions, one call at most wasm.call_fuel_limit; a parallel query's
// workers draw on their leader's budget; a COMMIT inside a procedure does not renew it;
// a function's SET clause that lowers either limit lowers it for the calls inside.
#pragma once

#include <cstdint>

#include "guc.h"
#include "pg.h"

PGWASM_PG_HEADERS_BEGIN
#include "access/parallel.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

// Statement boundaries (statement.cpp). A worker joins its leader's budget at its first
// call. At a boundary (not at a transaction end) the leader also forgets the pool name
// it handed to the workers of the previous statement.
void fuelBeginStatement(bool atBoundary);
// At ExecutorStart of a plan that may run in parallel, and before a utility statement
// that may build an index with parallel workers (CREATE INDEX, REINDEX, CLUSTER, VACUUM
// FULL, ALTER TABLE, REFRESH MATERIALIZED VIEW): the statement's budget moves to shared
// memory, and the workers will find it (once per statement).
void fuelPrepareParallel(const QueryDesc* queryDesc);
void fuelPrepareUtility(const Node* stmt);
// When the library is loaded inside a transaction (a statement's first Wasm call in the
// session, while its plan or utility is being set up): the hooks above missed this
// statement's start, so its budget is shared now, in case it starts workers.
void fuelLoadedMidStatement();
// At transaction end: forget shared state that dies with the transaction.
void fuelEndTransaction();

// Whether code must be compiled with metering (either limit is set).
inline bool fuelMetered() { return fuelLimit() != 0 || callFuelLimit() != 0; }

// One engine call (the export, the guest allocator, a start function): what it may use,
// and afterwards what it left.
struct CallFuel {
  uint64_t given = 0;
  bool byCallLimit = false;  // given was cut to wasm.call_fuel_limit, not to the statement's budget
  bool pooled = false;       // given came from the process's reserve, and what is left goes back there
};

// What the statement's Wasm did (EXPLAIN ANALYZE; workers included).
struct WasmStats {
  uint64_t calls;
  uint64_t fuel;
  uint64_t instances;
  double compileSeconds;
  double instantiateSeconds;
};

constexpr uint64_t kFuelUnlimited = uint64_t(1) << 62;
struct FuelPool;
// This process's part of the statement's fuel (fuel.cpp keeps it; the calls below are
// inline because they run at every row).
struct StatementFuel {
  uint64_t used;  // claimed, less what was given back (without a pool)
  FuelPool* pool; // the statement's shared pool, once attached
  void* segment;  // its dsm_segment
  WasmStats stats;  // this process's own
  bool lastByCallLimit;
  // With a pool: fuel this process claimed and has not spent (its reserve, from which its
  // calls are given theirs), and the calls of a worker not yet added to the pool's count.
  // Both go to the pool at the end of the process's part of the statement
  // (fuelSettlePool), so that the pool's shared counters are written once per many calls.
  uint64_t reserve;
  uint64_t unpooledCalls;
};
extern StatementFuel statementFuel;
// The pool's side of a call (fuel.cpp) whose reserve cannot give it `per`
// (wasm.call_fuel_limit, or kFuelUnlimited): claims into the reserve. While the pool has
// plenty left the reserve is topped up for many calls (true: what the call leaves goes
// back to the reserve); near the end of the budget, or without a call limit, only what
// this call may use is claimed (false: what it leaves goes back to the pool at once, as
// other processes may need it).
bool refillReserve(uint64_t per);
void giveBackToPool(uint64_t n);
void attachPool(const char* fname);
// Gives the reserve and the worker's call count to the pool: at the end of the executor
// run of a process that used the pool, and before the pool is left.
void fuelSettlePool();

// Host code of a running call that lets PostgreSQL evaluate expressions (a window
// function's arguments at other rows) lends what the call has left (`left`) to the
// statement, for the Wasm calls those expressions make, and then takes back what it can,
// at most as much: the call's fuel from then on.
void fuelLend(uint64_t left);
uint64_t fuelTakeBack(uint64_t lent);

// The ERROR for the last call, which ran out of fuel.
void reportOutOfFuel(const char* fname) __attribute__((noreturn));

// The fuel for the next call; ERRORs (54000) if the statement has none left. A call of
// the export counts in the statement's calls; the allocator and start functions do not.
// A call is given the least of wasm.call_fuel_limit and what the statement has left.
// A batch of `calls` rows (agg_state.cpp) is that many calls: it counts as many, and may
// use that many times wasm.call_fuel_limit.
inline uint64_t fuelStartCall(CallFuel* c, const char* fname, bool countAsCall = true, uint64_t calls = 1) {
  StatementFuel& sf = statementFuel;
  c->given = 0;
  c->byCallLimit = false;
  if (countAsCall) {
    sf.stats.calls += calls;
    sf.unpooledCalls += calls;
  }
  uint64_t callLimit = callFuelLimit();
  if (callLimit == 0 && fuelLimit() == 0) return 0;
  if (IsParallelWorker() && !sf.pool) attachPool(fname);
  uint64_t per = kFuelUnlimited;
  if (callLimit && (__builtin_mul_overflow(callLimit, calls, &per) || per > kFuelUnlimited)) per = kFuelUnlimited;
  if (sf.pool) {
    c->pooled = sf.reserve >= per || refillReserve(per);
    c->given = per < sf.reserve ? per : sf.reserve;
    sf.reserve -= c->given;
  } else {
    uint64_t limit = fuelLimit() ? fuelLimit() : kFuelUnlimited;
    uint64_t left = sf.used >= limit ? 0 : limit - sf.used;
    c->given = per < left ? per : left;
    sf.used += c->given;
  }
  c->byCallLimit = c->given == per && callLimit != 0;
  sf.lastByCallLimit = c->byCallLimit;
  if (c->given == 0) reportOutOfFuel(fname);
  return c->given;
}


inline void fuelEndCall(CallFuel* c, uint64_t left) {
  if (c->given == 0) return;
  if (left > c->given) left = c->given;
  if (left) {
    if (c->pooled) statementFuel.reserve += left;  // the pool's count keeps it claimed
    else if (statementFuel.pool) giveBackToPool(left);
    else statementFuel.used -= left;
  }
  statementFuel.stats.fuel += c->given - left;
  c->given = 0;
}

// The host's work for a call (laying out its arguments, reading its result: a unit per
// value and per 16 bytes, as for bulk memory instructions) comes out of the call's fuel
// (*fuel, what is left); ERRORs (54000) when not enough is left. Nothing when unmetered.
inline void fuelChargeWork(CallFuel* c, uint64_t* fuel, uint64_t units, const char* fname) {
  if (c->given == 0) return;
  if (units > *fuel) {
    fuelEndCall(c, 0);
    reportOutOfFuel(fname);
  }
  *fuel -= units;
}

// Work for a call after its fuel was given back (reading its result): within what the
// call had left (*left: wasm.call_fuel_limit still holds; byCallLimit as the call's), and
// taken from the statement's budget as it is done. The call's own claim is given back
// first, so that what the reading runs (a domain's CHECK calling Wasm) has the statement's
// fuel, and an ERROR while reading loses none of it.
inline void fuelChargeAfterCall(uint64_t* left, bool byCallLimit, uint64_t units, const char* fname) {
  if (units == 0 || !fuelMetered()) return;
  if (units > *left) {
    statementFuel.lastByCallLimit = byCallLimit;
    reportOutOfFuel(fname);
  }
  CallFuel c;
  uint64_t f = fuelStartCall(&c, fname, false);
  fuelChargeWork(&c, &f, units, fname);
  fuelEndCall(&c, f);
  *left -= units;
}

WasmStats statementStats();
void noteInstantiation(double seconds);
void noteCompilation(double seconds);

}  // namespace pgwasm
