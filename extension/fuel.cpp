// PG zone. SAFETY-CRITICAL. The fuel of a statement's Wasm calls (see fuel.h).
//
// A call is given, up front, the least of wasm.call_fuel_limit and what the statement has
// left under wasm.fuel_limit (both read at the call, so a function's SET clause that
// lowers them counts); what it leaves is given back. The statement's use is counted in
// the backend, or, once a plan that may run in parallel starts (or a utility statement
// that may build an index in parallel), in a small dynamic shared memory segment (the
// pool) that its workers attach to: the leader names it in
// a hidden setting (wasm.fuel_pool, "handle:nonce"), which PostgreSQL hands to the
// workers with the other settings. Every process claims fuel from the pool with a
// compare-and-swap, so that leader and workers together never use more than the budget.
// While the pool has plenty left (8 calls' worth a claim), a process claims twice
// wasm.call_fuel_limit into a reserve of its own, gives its calls theirs from it, and
// gives the reserve back when its part of the statement ends (fuelSettlePool): the
// shared counters are written about once per call_fuel_limit of work, not once per call
// (a contended cache line per call made parallel plans slower than serial ones). Near the
// end of the budget, or without a call limit, each call claims its own and gives back
// what it leaves at once. The segment's mapping is the process's (pinned), not
// a resource owner's: the leader detaches at the next statement or at transaction end,
// a worker (which attaches at its first call) at its transaction end. Fuel a process
// holds (a running call's, a reserve) counts as used until it is given back: near the
// end of the budget, a call can find none left while other processes still hold some, so
// a parallel query may stop up to (processes x 2 x wasm.call_fuel_limit) short of its
// budget.
#include "fuel.h"

#include <cinttypes>
#include <cmath>
#include <cstring>

#include "guc.h"

PGWASM_PG_HEADERS_BEGIN
#include "access/parallel.h"
#include "port/atomics.h"
#include "storage/dsm.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {

constexpr uint64_t kPoolMagic = 0x7067776173666c31ull;  // "pgwasfl1"

}  // namespace

struct FuelPool {
  uint64_t magic;
  uint64_t nonce;
  uint64_t limit;           // the leader's wasm.fuel_limit (0: none)
  pg_atomic_uint64 used;    // claimed, less what was given back
  pg_atomic_uint64 calls;   // of the workers (the leader counts its own)
  pg_atomic_uint64 instances;
};

StatementFuel statementFuel{};

namespace {

StatementFuel& sf = statementFuel;

void detachPool() {
  if (!sf.segment) return;
  fuelSettlePool();
  sf.used = pg_atomic_read_u64(&sf.pool->used);  // the count carries on in the backend
  dsm_segment* seg = static_cast<dsm_segment*>(sf.segment);
  sf.pool = nullptr;
  sf.segment = nullptr;
  dsm_detach(seg);
}

// The statement's limit now: wasm.fuel_limit (as a SET clause may have lowered it),
// and the pool's (the leader's) in a parallel query.
uint64_t statementLimit() {
  uint64_t limit = fuelLimit() ? fuelLimit() : kFuelUnlimited;
  if (sf.pool && sf.pool->limit && sf.pool->limit < limit) limit = sf.pool->limit;
  return limit;
}

// A pooled call's cap: at most half of what is left (all of it once that is under a
// million), so that one call cannot hold the budget while the other processes' calls
// find none.
uint64_t pooledCap(uint64_t left) { return left / 2 > 1000000 ? left / 2 : left; }

}  // namespace

// Takes up to `want` (wasm.call_fuel_limit, or unlimited) from the pool; the cap applies
// to what is left at the moment of taking.
static uint64_t claimFromPool(uint64_t want) {
  uint64_t limit = statementLimit();
  uint64_t cur = pg_atomic_read_u64(&sf.pool->used);
  for (;;) {
    uint64_t left = cur >= limit ? 0 : limit - cur;
    uint64_t cap = pooledCap(left);
    uint64_t take = want < cap ? want : cap;
    if (take == 0) return 0;
    if (pg_atomic_compare_exchange_u64(&sf.pool->used, &cur, cur + take)) return take;
  }
}

bool refillReserve(uint64_t per) {
  uint64_t limit = statementLimit(), cur = pg_atomic_read_u64(&sf.pool->used);
  uint64_t cap = pooledCap(cur >= limit ? 0 : limit - cur);
  if (per != kFuelUnlimited && per <= kFuelUnlimited / 8 && cap >= 8 * per) {
    // Plenty left: twice a call's fuel, so that the calls that follow find theirs in the
    // reserve until they have spent a call's worth, and the pool is written about once
    // per call_fuel_limit of work.
    sf.reserve += claimFromPool(2 * per - sf.reserve);
    return true;
  }
  sf.reserve += claimFromPool(per - sf.reserve);
  return false;
}

void giveBackToPool(uint64_t n) { pg_atomic_fetch_sub_u64(&sf.pool->used, n); }

void fuelLend(uint64_t left) {
  if (sf.pool) sf.reserve += left;  // the pool's count keeps it claimed, for this process
  else sf.used -= left < sf.used ? left : sf.used;
}

uint64_t fuelTakeBack(uint64_t lent) {
  uint64_t take;
  if (sf.pool) {
    take = lent < sf.reserve ? lent : sf.reserve;
    sf.reserve -= take;
    if (take < lent) take += claimFromPool(lent - take);
  } else {
    uint64_t limit = fuelLimit() ? fuelLimit() : kFuelUnlimited;
    uint64_t avail = sf.used >= limit ? 0 : limit - sf.used;
    take = lent < avail ? lent : avail;
    sf.used += take;
  }
  // The call will count what it was given, less what it leaves; what it lent and did not
  // get back was not its own use (the calls it went to counted theirs).
  sf.stats.fuel -= lent - take;
  return take;
}

void fuelSettlePool() {
  if (!sf.pool) return;
  if (sf.reserve) {
    pg_atomic_fetch_sub_u64(&sf.pool->used, sf.reserve);
    sf.reserve = 0;
  }
  if (IsParallelWorker() && sf.unpooledCalls) pg_atomic_fetch_add_u64(&sf.pool->calls, sf.unpooledCalls);
  sf.unpooledCalls = 0;
}

// A parallel worker's first metered call: the leader's pool, which every parallel
// context that can run Wasm shares (fuelPrepareParallel, fuelPrepareUtility). A worker
// without one would have a whole budget of its own, so it refuses to run Wasm instead.
void attachPool(const char* fname) {
  const char* name = fuelPoolSetting();
  unsigned handle;
  uint64_t nonce;
  if (!name || sscanf(name, "%u:%" SCNx64, &handle, &nonce) != 2)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm function %s cannot run in this parallel worker", fname),
                    errdetail("Its leader shared no wasm fuel budget with its workers: the leader had "
                              "not loaded the wasm library when the workers started."),
                    errhint("Run LOAD 'wasm' first in the session (or preload it with "
                            "shared_preload_libraries), or declare the function PARALLEL RESTRICTED.")));
  dsm_segment* seg = dsm_attach(dsm_handle(handle));
  FuelPool* pool = seg ? static_cast<FuelPool*>(dsm_segment_address(seg)) : nullptr;
  if (!pool || pool->magic != kPoolMagic || pool->nonce != nonce) {
    if (seg) dsm_detach(seg);
    ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                    errmsg("parallel worker cannot find its leader's wasm fuel budget")));
  }
  dsm_pin_mapping(seg);
  sf.pool = pool;
  sf.segment = seg;
}


namespace {

// The setting's value that names a pool: "handle:nonce" (attachPool reads it).
void poolName(dsm_segment* seg, const FuelPool* pool, char* buf, size_t cap) {
  snprintf(buf, cap, "%u:%" PRIx64, unsigned(dsm_segment_handle(seg)), pool->nonce);
}

// Moves the statement's count into a new pool and names it for the workers. Too late
// once in parallel mode: the workers' settings are fixed (and settings cannot change).
//
// The setting is set at session level, yet a subtransaction's abort (an exception block
// that caught an ERROR) rolls it back while the pool lives on: a plan that starts after
// that names the pool again, or its workers would find none and refuse to run Wasm.
void sharePool() {
  if (IsParallelWorker() || IsInParallelMode()) return;
  char name[64];
  if (sf.pool) {
    poolName(static_cast<dsm_segment*>(sf.segment), sf.pool, name, sizeof name);
    const char* now = fuelPoolSetting();
    if (!now || strcmp(now, name) != 0) SetConfigOption("wasm.fuel_pool", name, PGC_SUSET, PGC_S_SESSION);
    return;
  }
  if (!fuelMetered()) return;
  dsm_segment* seg = dsm_create(sizeof(FuelPool), 0);
  auto* pool = static_cast<FuelPool*>(dsm_segment_address(seg));
  pool->magic = kPoolMagic;
  if (!pg_strong_random(&pool->nonce, sizeof pool->nonce)) pool->nonce = uint64_t(MyProcPid) * 2654435761u;
  pool->limit = fuelLimit();
  pg_atomic_init_u64(&pool->used, sf.used);
  pg_atomic_init_u64(&pool->calls, 0);
  pg_atomic_init_u64(&pool->instances, 0);
  poolName(seg, pool, name, sizeof name);
  SetConfigOption("wasm.fuel_pool", name, PGC_SUSET, PGC_S_SESSION);
  dsm_pin_mapping(seg);
  sf.pool = pool;
  sf.segment = seg;
}

}  // namespace

void fuelBeginStatement(bool atBoundary) {
  detachPool();
  // The name of a pool that is gone must not reach the workers of a later statement.
  if (atBoundary && !IsParallelWorker()) {
    const char* name = fuelPoolSetting();
    if (name && name[0]) SetConfigOption("wasm.fuel_pool", "", PGC_SUSET, PGC_S_SESSION);
  }
  sf.lastByCallLimit = false;
  sf.used = 0;
  sf.reserve = 0;
  sf.unpooledCalls = 0;
  sf.stats = WasmStats{};
}

void fuelEndTransaction() {
  // The count carries on in the backend (a COMMIT inside a procedure keeps the
  // statement's budget; no parallel query runs across it).
  detachPool();
}

void fuelPrepareParallel(const QueryDesc* queryDesc) {
  if (queryDesc->plannedstmt->parallelModeNeeded) sharePool();
}

void fuelLoadedMidStatement() {
  if (IsTransactionState()) sharePool();
}

void fuelPrepareUtility(const Node* stmt) {
  switch (nodeTag(stmt)) {
    case T_IndexStmt:
    case T_ReindexStmt:
    case T_ClusterStmt:
    case T_VacuumStmt:
    case T_AlterTableStmt:
    case T_RefreshMatViewStmt: sharePool(); break;
    default: break;
  }
}

void reportOutOfFuel(const char* fname) {
  if (sf.lastByCallLimit)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("wasm function %s ran out of fuel: one call used all of wasm.call_fuel_limit", fname),
                    errdetail("wasm.call_fuel_limit allows %" PRIu64 " instructions per call.", callFuelLimit()),
                    errhint("Raise wasm.call_fuel_limit for longer calls, or check the function for an "
                            "endless loop.")));
  ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("wasm function %s ran out of fuel", fname),
                  errdetail("The statement's Wasm calls used all of wasm.fuel_limit (%" PRIu64 " instructions).",
                            statementLimit() == kFuelUnlimited ? 0 : statementLimit()),
                  errhint("Raise wasm.fuel_limit for this work, or check the function for an endless loop.")));
}

WasmStats statementStats() {
  WasmStats s = sf.stats;
  if (sf.pool) {
    s.calls += pg_atomic_read_u64(&sf.pool->calls);
    s.instances += pg_atomic_read_u64(&sf.pool->instances);
    // Everything claimed, less what this process holds unspent (the workers have given
    // theirs back when they finished).
    s.fuel = pg_atomic_read_u64(&sf.pool->used) - sf.reserve;
  }
  return s;
}

void noteInstantiation(double seconds) {
  sf.stats.instances++;
  sf.stats.instantiateSeconds += seconds;
  if (sf.pool && IsParallelWorker()) pg_atomic_fetch_add_u64(&sf.pool->instances, 1);
}

void noteCompilation(double seconds) { sf.stats.compileSeconds += seconds; }

}  // namespace pgwasm
