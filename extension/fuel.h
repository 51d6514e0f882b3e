// PG zone. The one fuel model (fuel.cpp): a statement's Wasm calls together may use
// wasm.fuel_limit instructions, one call at most wasm.call_fuel_limit; a parallel query's
// workers draw on their leader's budget; a COMMIT inside a procedure does not renew it;
// a function's SET clause that lowers either limit lowers it for the calls inside.
#pragma once

#include <cstdint>

#include "guc.h"
#include "pg.h"

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
};
// The fuel for the next call; ERRORs (54000) if the statement has none left. A call of
// the export counts in the statement's calls; the allocator and start functions do not.
uint64_t fuelStartCall(CallFuel* c, const char* fname, bool countAsCall = true);
void fuelEndCall(CallFuel* c, uint64_t left);
// The ERROR for the last call, which ran out of fuel.
void reportOutOfFuel(const char* fname) __attribute__((noreturn));

// What the statement's Wasm did (EXPLAIN ANALYZE; workers included).
struct WasmStats {
  uint64_t calls;
  uint64_t fuel;
  uint64_t instances;
  double compileSeconds;
  double instantiateSeconds;
};
WasmStats statementStats();
void noteInstantiation(double seconds);
void noteCompilation(double seconds);

}  // namespace pgwasm
