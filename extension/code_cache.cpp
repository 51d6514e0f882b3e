// PG zone. The code cache: compile a module once per cluster, reuse it in every backend.
//
// Two levels. Each backend keeps its compiled modules (the bridge's module cache, keyed by
// content hash and fuel metering). With shared_preload_libraries = 'wasm', a backend that
// misses there looks in the shared cache: a fixed table of entries in the main shared
// memory segment, whose artifacts (Module::serialize: the module's binary, its machine
// code, code offsets; position independent, no pointers) live in a DSA area created in
// place in the same segment, with a size limit of wasm.code_cache_size. On a miss the
// backend compiles, serializes and publishes the artifact; other backends copy it into
// their own executable memory (W^X) and load it without compiling.
//
// Keys: the module's SHA-256 and a hash of the engine's code tag (build id, CPU features,
//   fuel metering, bounds-check mode), so entries of another build or option never match.
// Publication is atomic: an entry is Compiling (a placeholder, with the compiler's pid)
//   until its artifact is completely written; only then, under the exclusive lock, it
//   becomes Ready. Readers use Ready entries only. A compiler that fails or is cancelled
//   removes its placeholder (PG_CATCH, and a shmem-exit callback for FATAL); one that
//   died without doing so (a crash) is detected by its pid and replaced.
// Integrity: each entry carries a checksum of its artifact (CRC-32C of each quarter),
//   checked before use; a mismatch drops the entry and compiles.
// Concurrency: a backend that finds a live Compiling placeholder waits (condition
//   variable, bounded) for it instead of compiling the same module again.
// Eviction: least recently used Ready entries go when space or table slots run out. A
//   replaced or dropped module's entry is never looked up again (its hash is gone from
//   the catalog) and ages out the same way.
// Without preloading only the backend's own cache exists. wasm.cache_stats says which.
#include "pg.h"

#include <sys/mman.h>
#include <unistd.h>

#include <csignal>

#include "code_cache.h"
#include "error_report.h"
#include "module_store.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wregister"
extern "C" {
#include "port/atomics.h"
#include "port/pg_crc32c.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/dsa.h"
#include "utils/wait_event.h"
PG_FUNCTION_INFO_V1(wasm_cache_stats);
}
#pragma GCC diagnostic pop

namespace pgwasm {

namespace {

int codeCacheSizeKb = 128 * 1024;

enum EntryState : uint32_t { Free = 0, Compiling = 1, Ready = 2 };

// An artifact's checksum: the CRC-32C of each quarter. Four independent streams keep the
// CPU's CRC unit busy (one stream waits on each step's latency), so checking a hit costs
// a quarter of one CRC over the whole artifact.
struct Checksum {
  pg_crc32c part[4];
  bool operator==(const Checksum& o) const { return memcmp(part, o.part, sizeof part) == 0; }
  bool operator!=(const Checksum& o) const { return !(*this == o); }
};

// Parts 0-2 are size / 4 bytes long; part 3 takes the rest.
#if defined(__x86_64__)
__attribute__((target("sse4.2"))) void crc4Sse42(const uint8_t* p, size_t size, Checksum* c) {
  size_t quarter = size / 4;
  uint64_t crc[4] = {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF};
  size_t i = 0;
  for (; i + 8 <= quarter; i += 8) {  // the four streams in lockstep
    for (int k = 0; k < 4; k++) {
      uint64_t w;
      memcpy(&w, p + k * quarter + i, 8);
      crc[k] = __builtin_ia32_crc32di(crc[k], w);
    }
  }
  for (int k = 0; k < 4; k++) {
    size_t end = k < 3 ? quarter : size - 3 * quarter;
    for (size_t j = i; j < end; j++) crc[k] = __builtin_ia32_crc32qi(uint32_t(crc[k]), p[k * quarter + j]);
    c->part[k] = ~uint32_t(crc[k]);
  }
}
#endif

Checksum artifactChecksum(const uint8_t* p, size_t size) {
  Checksum c;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("sse4.2")) {
    crc4Sse42(p, size, &c);
    return c;
  }
#endif
  size_t quarter = size / 4;
  for (int k = 0; k < 4; k++) {
    INIT_CRC32C(c.part[k]);
    COMP_CRC32C(c.part[k], p + k * quarter, k < 3 ? quarter : size - 3 * quarter);
    FIN_CRC32C(c.part[k]);
  }
  return c;
}

struct SharedEntry {
  uint8_t key[40];  // see cacheKey
  uint32_t state;
  int32_t compilerPid;     // Compiling: who
  TimestampTz since;       // Compiling: since when
  dsa_pointer artifact;    // Ready
  uint64_t size;           // Ready: bytes of the artifact
  Checksum crc;            // Ready: checksum of the artifact (artifactChecksum)
  pg_atomic_uint64 lastUse;  // LRU clock value of the last hit
  double compileSeconds;   // what compiling it took (a hit saves that)
};

struct SharedCache {
  LWLock* lock;
  int dsaTranche;
  ConditionVariable published;
  pg_atomic_uint64 clock;
  // statistics (under lock)
  uint64_t hits, misses, evictions;
  double compileSeconds, savedSeconds;
  uint64_t bytesUsed;
  uint64_t bytesTotal;
  int nslots;
  SharedEntry entries[FLEXIBLE_ARRAY_MEMBER];
};

SharedCache* shared = nullptr;
dsa_area* area = nullptr;
void* areaPlace = nullptr;
size_t areaSize = 0;
shmem_request_hook_type prevShmemRequest = nullptr;
shmem_startup_hook_type prevShmemStartup = nullptr;

// This backend's view.
struct LocalStats {
  uint64_t ownHits;            // found in the backend's own cache
  uint64_t hits, misses;       // shared cache
  uint64_t compiles;
  double compileSeconds, savedSeconds;
} local = {0, 0, 0, 0, 0, 0};

// A placeholder this backend owns while it compiles (removed on ERROR or exit).
int claimedSlot = -1;

int slotsFor(size_t bytes) {
  size_t n = bytes / (32 * 1024);
  return int(n < 16 ? 16 : n > 4096 ? 4096 : n);
}

size_t sharedStructSize() {
  return MAXALIGN(offsetof(SharedCache, entries) + sizeof(SharedEntry) * slotsFor(size_t(codeCacheSizeKb) * 1024));
}

size_t areaBytes() {
  size_t want = size_t(codeCacheSizeKb) * 1024;
  size_t min = dsa_minimum_size();
  return want < min ? min : want;
}

void onShmemRequest() {
  if (prevShmemRequest) prevShmemRequest();
  RequestAddinShmemSpace(add_size(sharedStructSize(), areaBytes()));
  RequestNamedLWLockTranche("pg_wasm code cache", 1);
}

void onShmemStartup() {
  if (prevShmemStartup) prevShmemStartup();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found;
  shared = static_cast<SharedCache*>(ShmemInitStruct("pg_wasm code cache", sharedStructSize(), &found));
  areaPlace = ShmemInitStruct("pg_wasm code cache area", areaBytes(), &found);
  areaSize = areaBytes();
  if (!found) {
    // First start, or a restart after a crash: the shared memory is new, so is the cache.
    memset(shared, 0, offsetof(SharedCache, entries));
    shared->lock = &(GetNamedLWLockTranche("pg_wasm code cache"))->lock;
    shared->dsaTranche = LWLockNewTrancheId();
    ConditionVariableInit(&shared->published);
    pg_atomic_init_u64(&shared->clock, 0);
    shared->nslots = slotsFor(size_t(codeCacheSizeKb) * 1024);
    for (int i = 0; i < shared->nslots; i++) {
      memset(&shared->entries[i], 0, sizeof(SharedEntry));
      pg_atomic_init_u64(&shared->entries[i].lastUse, 0);
    }
    dsa_area* a = dsa_create_in_place(areaPlace, areaSize, shared->dsaTranche, nullptr);
    dsa_set_size_limit(a, areaSize);
    shared->bytesTotal = areaSize;
    dsa_detach(a);
  }
  LWLockRelease(AddinShmemInitLock);
}

// Attaches this backend to the artifact area (once).
dsa_area* artifactArea() {
  if (!area) {
    LWLockRegisterTranche(shared->dsaTranche, "pg_wasm code cache area");
    // The dsa_area handle lives as long as the backend (it is palloc'd).
    MemoryContext old = MemoryContextSwitchTo(TopMemoryContext);
    area = dsa_attach_in_place(areaPlace, nullptr);
    MemoryContextSwitchTo(old);
  }
  return area;
}

// The module's SHA-256, then a 64-bit FNV-1a hash of the code tag. (Artifacts of another
// engine build are refused by the engine anyway; the tag separates the options.)
void cacheKey(const uint8_t sha256[32], bool fuel, uint8_t out[40]) {
  char tag[128];
  bridgeCodeTag(fuel, tag, sizeof tag);
  uint64_t h = 1469598103934665603ull;
  for (const char* p = tag; *p; p++) h = (h ^ uint8_t(*p)) * 1099511628211ull;
  memcpy(out, sha256, 32);
  memcpy(out + 32, &h, 8);
}

int findSlot(const uint8_t key[40]) {
  for (int i = 0; i < shared->nslots; i++)
    if (shared->entries[i].state != Free && memcmp(shared->entries[i].key, key, 40) == 0) return i;
  return -1;
}

bool compilerAlive(const SharedEntry& e) {
  if (e.compilerPid == MyProcPid) return true;
  return kill(e.compilerPid, 0) == 0 || errno != ESRCH;
}

// Frees a Ready entry (exclusive lock held).
void freeEntry(SharedEntry& e) {
  if (e.state == Ready) {
    dsa_free(artifactArea(), e.artifact);
    shared->bytesUsed -= e.size;
  }
  e.state = Free;
}

// The least recently used Ready entry, or -1 (exclusive lock held).
int lruVictim() {
  int victim = -1;
  uint64_t oldest = PG_UINT64_MAX;
  for (int i = 0; i < shared->nslots; i++) {
    SharedEntry& e = shared->entries[i];
    uint64_t t = pg_atomic_read_u64(&e.lastUse);
    if (e.state == Ready && t < oldest) {
      oldest = t;
      victim = i;
    }
  }
  return victim;
}

void releaseClaim() {
  if (claimedSlot < 0 || !shared) return;
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  SharedEntry& e = shared->entries[claimedSlot];
  if (e.state == Compiling && e.compilerPid == MyProcPid) e.state = Free;
  LWLockRelease(shared->lock);
  claimedSlot = -1;
  ConditionVariableBroadcast(&shared->published);
}

void onShmemExit(int, Datum) { releaseClaim(); }

// A backend reads an artifact's pages of the shared segment for the first time: map them
// with one call rather than a page fault each (Linux 5.14+; elsewhere a no-op).
void prefault(const void* p, size_t size) {
#ifdef MADV_POPULATE_READ
  uintptr_t page = uintptr_t(sysconf(_SC_PAGESIZE));
  uintptr_t begin = uintptr_t(p) & ~(page - 1);
  uintptr_t end = (uintptr_t(p) + size + page - 1) & ~(page - 1);
  (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_READ);
#else
  (void)p;
  (void)size;
#endif
}

// Checks and loads a Ready artifact where it lies in shared memory (the shared lock keeps
// it from being freed meanwhile; loading copies what the module keeps). Returns nullptr
// if there is none, it is damaged, or it does not load.
CompiledModule* loadShared(const uint8_t key[40], const ModuleKey& mkey) {
  LWLockAcquire(shared->lock, LW_SHARED);
  int slot = findSlot(key);
  if (slot < 0 || shared->entries[slot].state != Ready) {
    LWLockRelease(shared->lock);
    return nullptr;
  }
  SharedEntry& e = shared->entries[slot];
  pg_atomic_write_u64(&e.lastUse, pg_atomic_add_fetch_u64(&shared->clock, 1));
  size_t size = e.size;
  Checksum want = e.crc;
  double saved = e.compileSeconds;
  const uint8_t* art = static_cast<const uint8_t*>(dsa_get_address(artifactArea(), e.artifact));
  prefault(art, size);
  Checksum crc = artifactChecksum(art, size);
  Outcome out;
  CompiledModule* m = crc == want ? bridgeLoadArtifact(mkey, art, size, &out) : nullptr;
  LWLockRelease(shared->lock);

  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  if (m) {
    shared->hits++;
    shared->savedSeconds += saved;
  } else {
    // Damaged or unloadable: nobody may use it again.
    int again = findSlot(key);
    if (again >= 0 && shared->entries[again].state == Ready && shared->entries[again].crc == want)
      freeEntry(shared->entries[again]);
  }
  LWLockRelease(shared->lock);
  if (m) {
    local.hits++;
    local.savedSeconds += saved;
  } else {
    ereport(WARNING, (errcode(ERRCODE_DATA_CORRUPTED),
                      errmsg("discarded a damaged entry of the wasm code cache"),
                      errdetail("%s", crc != want ? "Its checksum does not match." : out.message)));
  }
  return m;
}

// Publishes m's artifact into the claimed slot, evicting as needed; gives up quietly if
// it cannot get the space (the module is still compiled for this backend).
void publish(int slot, const CompiledModule* m, double compileSeconds) {
  size_t size = 0;
  uint8_t* art = bridgeSerialize(m, &size);
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  SharedEntry& e = shared->entries[slot];
  bool mine = e.state == Compiling && e.compilerPid == MyProcPid;
  dsa_pointer dp = InvalidDsaPointer;
  if (mine && art) {
    dsa_area* a = artifactArea();
    while (!DsaPointerIsValid(dp = dsa_allocate_extended(a, size, DSA_ALLOC_HUGE | DSA_ALLOC_NO_OOM))) {
      int victim = lruVictim();
      if (victim < 0) break;
      freeEntry(shared->entries[victim]);
      shared->evictions++;
    }
  }
  if (mine && DsaPointerIsValid(dp)) {
    memcpy(dsa_get_address(artifactArea(), dp), art, size);
    Checksum crc = artifactChecksum(art, size);
    e.artifact = dp;
    e.size = size;
    e.crc = crc;
    e.compileSeconds = compileSeconds;
    pg_atomic_write_u64(&e.lastUse, pg_atomic_add_fetch_u64(&shared->clock, 1));
    shared->bytesUsed += size;
    e.state = Ready;  // the entry is complete: now readers may use it
  } else if (mine) {
    e.state = Free;
  }
  shared->misses++;
  shared->compileSeconds += compileSeconds;
  LWLockRelease(shared->lock);
  claimedSlot = -1;
  free(art);
  ConditionVariableBroadcast(&shared->published);
}

// Claims a slot for compiling key, or says to wait for another backend's compilation.
// Returns the claimed slot, -1 to wait, or -2 if the cache cannot take it (no slot).
int claimOrWait(const uint8_t key[40]) {
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  int slot = findSlot(key);
  if (slot >= 0) {
    SharedEntry& e = shared->entries[slot];
    if (e.state == Ready || (e.state == Compiling && compilerAlive(e) &&
                             !TimestampDifferenceExceeds(e.since, GetCurrentTimestamp(), 60000))) {
      LWLockRelease(shared->lock);
      return -1;  // published meanwhile, or being compiled: wait and look again
    }
    e.state = Free;  // its compiler died or gave up
  }
  slot = -1;
  for (int i = 0; i < shared->nslots && slot < 0; i++)
    if (shared->entries[i].state == Free) slot = i;
  if (slot < 0) {
    int victim = lruVictim();
    if (victim >= 0) {
      freeEntry(shared->entries[victim]);
      shared->evictions++;
      slot = victim;
    }
  }
  if (slot >= 0) {
    SharedEntry& e = shared->entries[slot];
    memcpy(e.key, key, 40);
    e.state = Compiling;
    e.compilerPid = MyProcPid;
    e.since = GetCurrentTimestamp();
    claimedSlot = slot;
  }
  LWLockRelease(shared->lock);
  return slot >= 0 ? slot : -2;
}

// Compiles the module from the catalog's bytes (into the backend's cache).
CompiledModule* compileFromCatalog(const char* moduleName, const ModuleKey& mkey, double* seconds) {
  ModuleRow row;
  if (!lookupModule(moduleName, true, &row) || memcmp(row.sha256, mkey.sha256, 32) != 0)
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT),
                    errmsg("module \"%s\" changed or disappeared while it was being loaded", moduleName),
                    errhint("Run the statement again.")));
  Outcome out;
  TimestampTz t0 = GetCurrentTimestamp();
  CompiledModule* m = bridgeCompile(mkey, reinterpret_cast<const uint8_t*>(VARDATA_ANY(row.bytes)),
                                    VARSIZE_ANY_EXHDR(row.bytes), &out);
  pfree(row.bytes);
  if (!m) reportNamedModuleError(moduleName, out);
  long secs;
  int usecs;
  TimestampDifference(t0, GetCurrentTimestamp(), &secs, &usecs);
  *seconds = double(secs) + usecs / 1e6;
  if (shared) local.misses++;
  local.compiles++;
  local.compileSeconds += *seconds;
  return m;
}

// Compiles for a claimed slot and publishes; an ERROR on the way gives the slot up.
__attribute__((noinline)) CompiledModule* compileAndPublish(int slot, const char* moduleName,
                                                            const ModuleKey& mkey) {
  double seconds = 0;
  CompiledModule* m = nullptr;
  PG_TRY();
  {
    m = compileFromCatalog(moduleName, mkey, &seconds);
  }
  PG_CATCH();
  {
    releaseClaim();
    PG_RE_THROW();
  }
  PG_END_TRY();
  publish(slot, m, seconds);
  return m;
}

}  // namespace

void defineCodeCacheGucs() {
  // A postmaster setting can only be defined while preloading (later it is FATAL). Loaded
  // later, the library defines it as a reloadable setting it does not use, so that a
  // configuration file naming it stays valid.
  bool preloading = process_shared_preload_libraries_in_progress;
  DefineCustomIntVariable(
      "wasm.code_cache_size", "Size of the shared cache of compiled WebAssembly code.",
      "Used with shared_preload_libraries = 'wasm'; least recently used code is evicted when it is full.",
      &codeCacheSizeKb, 128 * 1024, 1024, INT_MAX / 2, preloading ? PGC_POSTMASTER : PGC_SIGHUP,
      GUC_UNIT_KB, nullptr, nullptr, nullptr);
}

void requestSharedCodeCache() {
  prevShmemRequest = shmem_request_hook;
  shmem_request_hook = onShmemRequest;
  prevShmemStartup = shmem_startup_hook;
  shmem_startup_hook = onShmemStartup;
}

CompiledModule* obtainModule(const char* moduleName, const uint8_t sha256[32], bool fuel) {
  ModuleKey mkey;
  memcpy(mkey.sha256, sha256, 32);
  mkey.fuel = fuel;
  if (CompiledModule* m = bridgeCachedModule(mkey)) {
    local.ownHits++;
    return m;
  }

  double seconds = 0;
  if (!shared) {
    CompiledModule* m = compileFromCatalog(moduleName, mkey, &seconds);
    bridgeTrimModuleCache(32);
    return m;
  }

  static bool exitCallback = false;
  if (!exitCallback) {
    before_shmem_exit(onShmemExit, 0);
    exitCallback = true;
  }
  uint8_t key[40];
  cacheKey(sha256, fuel, key);
  CompiledModule* m = nullptr;
  for (int attempt = 0; !m; attempt++) {
    if ((m = loadShared(key, mkey))) break;
    int slot = claimOrWait(key);
    if (slot >= 0) {
      m = compileAndPublish(slot, moduleName, mkey);
    } else if (slot == -2 || attempt >= 600) {
      // No room in the table, or another backend took too long: compile for ourselves.
      m = compileFromCatalog(moduleName, mkey, &seconds);
    } else {
      // Another backend is compiling it: wait for its publication (or its failure).
      ConditionVariablePrepareToSleep(&shared->published);
      ConditionVariableTimedSleep(&shared->published, 100, PG_WAIT_EXTENSION);
      ConditionVariableCancelSleep();
    }
  }
  bridgeTrimModuleCache(32);
  return m;
}

}  // namespace pgwasm

// wasm.cache_stats(): one row about the code cache and this backend's use of it.
extern "C" Datum wasm_cache_stats(PG_FUNCTION_ARGS) {
  using namespace pgwasm;
  TupleDesc desc;
  if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("wasm.cache_stats must return a row")));
  Datum v[14];
  bool n[14] = {};
  // Without preloading: the backend's own cache, its hits and compilations.
  uint64_t entries = 0, used = 0, total = 0, hits = local.ownHits, misses = local.compiles, evictions = 0;
  double spent = local.compileSeconds, saved = local.savedSeconds;
  size_t ownEntries = 0, ownBytes = 0;
  bridgeModuleCacheStats(&ownEntries, &ownBytes);
  entries = ownEntries;
  used = ownBytes;
  if (shared) {
    LWLockAcquire(shared->lock, LW_SHARED);
    for (int i = 0; i < shared->nslots; i++) entries += shared->entries[i].state == Ready;
    used = shared->bytesUsed;
    total = shared->bytesTotal;
    hits = shared->hits;
    misses = shared->misses;
    evictions = shared->evictions;
    spent = shared->compileSeconds;
    saved = shared->savedSeconds;
    LWLockRelease(shared->lock);
  }
  int i = 0;
  v[i++] = CStringGetTextDatum(shared ? "shared" : "backend");
  v[i++] = Int64GetDatum(int64(entries));
  v[i++] = Int64GetDatum(int64(used));
  v[i++] = Int64GetDatum(int64(total));
  v[i++] = Int64GetDatum(int64(hits));
  v[i++] = Int64GetDatum(int64(misses));
  v[i++] = Int64GetDatum(int64(evictions));
  v[i++] = Float8GetDatum(spent);
  v[i++] = Float8GetDatum(saved);
  // This backend: lookups of the level it shares (the shared cache, or its own cache).
  uint64_t bh = shared ? local.hits : local.ownHits, bm = shared ? local.misses : local.compiles;
  v[i++] = Int64GetDatum(int64(bh));
  v[i++] = Int64GetDatum(int64(bm));
  if (bh + bm > 0) v[i++] = Float8GetDatum(double(bh) / double(bh + bm));
  else n[i++] = true;
  v[i++] = Int64GetDatum(int64(local.compiles));
  v[i++] = Float8GetDatum(local.compileSeconds);
  PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, n)));
}
