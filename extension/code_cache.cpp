// PG zone. The code cache: compile a module once per cluster, reuse it in every backend.
//
// Two levels. Each backend keeps its compiled modules (the bridge's module cache, keyed by
// content hash and fuel metering). With shared_preload_libraries = 'wasm', a backend that
// misses there looks in the shared cache: a fixed table of entries in the main shared
// memory segment, whose artifacts (Module::serialize: the module's binary, code offsets
// and its machine code on a page boundary; position independent, no pointers) lie in the
// code file, a memfd of wasm.code_cache_size bytes that the postmaster creates and every
// backend inherits. On a miss the backend compiles, serializes and writes the artifact
// into a free page range of the file (pwrite: no process ever maps the file writable).
// On a hit a backend maps the artifact's range read-only and shared, checks it, and runs
// the machine code where it lies (the engine makes those pages read+execute): no copy, no
// compilation, and the pages are the same physical memory in every backend (W^X holds:
// nothing maps them writable). If the system refuses executable pages there, the engine
// copies the code into the backend's own executable memory instead.
//
// Keys: the module's SHA-256 and a hash of the engine's code tag (build id, CPU features,
//   fuel metering, bounds-check mode), so entries of another build or option never match.
// Publication is atomic: an entry is Compiling (a placeholder, with the compiler's pid),
//   then Writing while its artifact goes into the range reserved for it; only when that is
//   complete, under the exclusive lock, it becomes Ready. Readers use Ready entries only.
//   A compiler that fails or is cancelled removes its placeholder (PG_CATCH, and a
//   shmem-exit callback for FATAL); one that died without doing so (a crash) is detected
//   by its pid and replaced.
// Integrity: each entry carries a checksum of its artifact (CRC-32C of each quarter),
//   checked on the mapping before use; a mismatch drops the entry and compiles.
// Lifetime: a backend that maps an entry pins it (an atomic count in the entry) until its
//   module goes (the engine's release callback: the backend's cache dropped it, or its
//   module was replaced) or the backend exits. Eviction skips pinned entries; when a
//   publication finds no room because of them, the pressure count goes up, and every
//   backend drops the modules it keeps but does not run at its next statement. A damaged
//   one that is pinned is Retired: never found again, but its range is not reused (so
//   code that runs can never change under it) until the last pin goes. A crash restart
//   makes a new code file and a new table.
// Concurrency: a backend that finds a live Compiling placeholder waits (condition
//   variable, bounded) for it instead of compiling the same module again.
// Eviction: least recently used Ready entries that nobody maps go when space or table
//   slots run out. A replaced or dropped module's entry is never looked up again (its
//   hash is gone from the catalog) and ages out the same way. Freed ranges are given back
//   to the system.
// Without preloading only the backend's own cache exists. wasm.cache_stats says which.
#include "pg.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>

#include "code_cache.h"
#include "error_report.h"
#include "fuel.h"
#include "module_store.h"

PGWASM_PG_HEADERS_BEGIN
#include "port/atomics.h"
#include "port/pg_crc32c.h"
#include "storage/condition_variable.h"
#include "storage/ipc.h"
#include "storage/lwlock.h"
#include "storage/shmem.h"
#include "utils/wait_event.h"
PG_FUNCTION_INFO_V1(wasm_cache_stats);
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {

int codeCacheSizeKb = 128 * 1024;

enum EntryState : uint32_t { Free = 0, Compiling = 1, Writing = 2, Ready = 3, Retired = 4 };

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
  int32_t compilerPid;       // Compiling, Writing: who
  TimestampTz since;         // Compiling: since when
  uint64_t offset;           // Writing, Ready, Retired: where the artifact lies in the code file
  uint64_t size;             // Writing, Ready, Retired: its bytes
  Checksum crc;              // Ready: its checksum (artifactChecksum)
  pg_atomic_uint64 lastUse;  // LRU clock value of the last hit
  pg_atomic_uint32 pins;     // backends that map it
  double compileSeconds;     // what compiling it took (a hit saves that)
};

struct SharedCache {
  LWLock* lock;
  ConditionVariable published;
  pg_atomic_uint64 clock;
  // Bumped when a publication finds no room because every candidate is mapped: backends
  // then let go of the modules they keep but are not running (see obtainModule).
  pg_atomic_uint64 pressure;
  // statistics (under lock)
  uint64_t hits, misses, evictions;
  double compileSeconds, savedSeconds;
  uint64_t bytesUsed;   // of the code file, by Writing, Ready and Retired entries (whole pages)
  uint64_t bytesTotal;  // the code file's size
  int nslots;
  SharedEntry entries[FLEXIBLE_ARRAY_MEMBER];
};

SharedCache* shared = nullptr;
int codeFile = -1;  // the memfd; made by the postmaster, inherited by every backend
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
// Pins this backend holds, per slot (TopMemoryContext; given back at exit).
uint32_t* localPins = nullptr;
// The pressure count this backend last acted on.
uint64_t seenPressure = 0;

int slotsFor(size_t bytes) {
  size_t n = bytes / (32 * 1024);
  return int(n < 16 ? 16 : n > 4096 ? 4096 : n);
}

size_t sharedStructSize() {
  return MAXALIGN(offsetof(SharedCache, entries) + sizeof(SharedEntry) * slotsFor(size_t(codeCacheSizeKb) * 1024));
}

uint64_t pageSize() {
  static uint64_t page = uint64_t(sysconf(_SC_PAGESIZE));
  return page;
}

uint64_t pageRound(uint64_t n) { return (n + pageSize() - 1) / pageSize() * pageSize(); }

void onShmemRequest() {
  if (prevShmemRequest) prevShmemRequest();
  RequestAddinShmemSpace(sharedStructSize());
  RequestNamedLWLockTranche("pg_wasm code cache", 1);
}

// The code file: a memfd (anonymous, in memory, sized but not filled: pages exist only
// where artifacts were written). Close-on-exec, so programs that backends run (COPY ...
// PROGRAM, archive_command) do not inherit it.
int makeCodeFile(uint64_t size) {
  int fd = int(syscall(SYS_memfd_create, "pg_wasm code cache", MFD_CLOEXEC));
  if (fd < 0) return -1;
  if (ftruncate(fd, off_t(size)) != 0) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

void onShmemStartup() {
  if (prevShmemStartup) prevShmemStartup();
  LWLockAcquire(AddinShmemInitLock, LW_EXCLUSIVE);
  bool found;
  shared = static_cast<SharedCache*>(ShmemInitStruct("pg_wasm code cache", sharedStructSize(), &found));
  if (!found) {
    // First start, or a restart after a crash: the shared memory is new, so is the cache.
    memset(shared, 0, offsetof(SharedCache, entries));
    shared->lock = &(GetNamedLWLockTranche("pg_wasm code cache"))->lock;
    ConditionVariableInit(&shared->published);
    pg_atomic_init_u64(&shared->clock, 0);
    pg_atomic_init_u64(&shared->pressure, 0);
    shared->nslots = slotsFor(size_t(codeCacheSizeKb) * 1024);
    for (int i = 0; i < shared->nslots; i++) {
      memset(&shared->entries[i], 0, sizeof(SharedEntry));
      pg_atomic_init_u64(&shared->entries[i].lastUse, 0);
      pg_atomic_init_u32(&shared->entries[i].pins, 0);
    }
    shared->bytesTotal = uint64_t(codeCacheSizeKb) * 1024;
    // A new file too (the old one's pages go with the last process that maps them).
    if (codeFile >= 0) close(codeFile);
    codeFile = makeCodeFile(shared->bytesTotal);
    if (codeFile < 0)
      ereport(WARNING, (errcode_for_file_access(), errmsg("cannot create the wasm code cache: %m"),
                        errdetail("Each backend compiles and caches WebAssembly code for itself."),
                        errhint("The shared code cache needs memfd_create (Linux 3.17 or later).")));
  }
  LWLockRelease(AddinShmemInitLock);
  if (codeFile < 0) shared = nullptr;  // backends inherit the per-backend mode
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

// The entry of key, if it is being compiled, written or ready (a Retired one is gone).
int findSlot(const uint8_t key[40]) {
  for (int i = 0; i < shared->nslots; i++) {
    const SharedEntry& e = shared->entries[i];
    if (e.state != Free && e.state != Retired && memcmp(e.key, key, 40) == 0) return i;
  }
  return -1;
}

bool compilerAlive(const SharedEntry& e) {
  if (e.compilerPid == MyProcPid) return true;
  return kill(e.compilerPid, 0) == 0 || errno != ESRCH;
}

// Gives an entry's range of the code file back (exclusive lock held).
void freeRange(SharedEntry& e) {
  // The pages go back to the system at once (tmpfs hole punching).
  (void)fallocate(codeFile, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off_t(e.offset), off_t(pageRound(e.size)));
  shared->bytesUsed -= pageRound(e.size);
  e.state = Free;
}

// Removes a Ready entry (exclusive lock held): its range is freed, or, while backends
// still map it, it is Retired until they are done.
void retireOrFree(SharedEntry& e) {
  if (pg_atomic_read_u32(&e.pins) == 0) freeRange(e);
  else e.state = Retired;
}

// Frees the ranges of Retired entries nobody maps any more (exclusive lock held).
void sweepRetired() {
  for (int i = 0; i < shared->nslots; i++) {
    SharedEntry& e = shared->entries[i];
    if (e.state == Retired && pg_atomic_read_u32(&e.pins) == 0) freeRange(e);
  }
}

// Evicts the least recently used Ready entry that no backend maps; false if there is none
// (exclusive lock held, so nobody can pin one meanwhile). Entries in use are never
// evicted: that would give back no space (their range stays reserved while they are
// mapped) and only make backends that start later compile them again.
bool evictOne() {
  int victim = -1;
  uint64_t oldest = PG_UINT64_MAX;
  for (int i = 0; i < shared->nslots; i++) {
    SharedEntry& e = shared->entries[i];
    uint64_t t = pg_atomic_read_u64(&e.lastUse);
    if (e.state == Ready && pg_atomic_read_u32(&e.pins) == 0 && t < oldest) {
      oldest = t;
      victim = i;
    }
  }
  if (victim < 0) return false;
  freeRange(shared->entries[victim]);
  shared->evictions++;
  return true;
}

// Evicts one entry to make room; when only mapped entries are left, bumps the pressure
// count instead and returns false (exclusive lock held).
bool makeRoom() {
  if (evictOne()) return true;
  pg_atomic_fetch_add_u64(&shared->pressure, 1);
  return false;
}

// A free table slot, evicting least recently used entries for one if needed; -1 if every
// slot is taken by entries being compiled, written or mapped (exclusive lock held).
int freeSlot() {
  sweepRetired();
  for (;;) {
    for (int i = 0; i < shared->nslots; i++)
      if (shared->entries[i].state == Free) return i;
    if (!makeRoom()) return -1;
  }
}

struct Range {
  uint64_t offset, end;
};

// First fit: the lowest range of `need` bytes (whole pages) of the code file that no
// entry occupies. `scratch` has room for nslots ranges (exclusive lock held).
bool findGap(uint64_t need, Range* scratch, uint64_t* at) {
  int n = 0;
  for (int i = 0; i < shared->nslots; i++) {
    const SharedEntry& e = shared->entries[i];
    if (e.state == Writing || e.state == Ready || e.state == Retired)
      scratch[n++] = Range{e.offset, e.offset + pageRound(e.size)};
  }
  std::sort(scratch, scratch + n, [](const Range& a, const Range& b) { return a.offset < b.offset; });
  uint64_t pos = 0;
  for (int i = 0; i < n; i++) {
    if (scratch[i].offset >= pos + need) break;
    pos = std::max(pos, scratch[i].end);
  }
  if (pos + need > shared->bytesTotal) return false;
  *at = pos;
  return true;
}

// Reserves `need` bytes of the code file, evicting least recently used entries until
// there is a gap; false if there cannot be one (exclusive lock held).
bool reserveRange(uint64_t need, Range* scratch, uint64_t* at) {
  if (need > shared->bytesTotal) return false;  // it never fits: evict nothing for it
  sweepRetired();
  for (;;) {
    if (findGap(need, scratch, at)) return true;
    if (!makeRoom()) return false;
  }
}

// Ends the Compiling or Writing placeholder this backend owns, if any.
void releaseClaim() {
  if (claimedSlot < 0 || !shared) return;
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  SharedEntry& e = shared->entries[claimedSlot];
  if (e.compilerPid == MyProcPid) {
    if (e.state == Writing) freeRange(e);
    else if (e.state == Compiling) e.state = Free;
  }
  LWLockRelease(shared->lock);
  claimedSlot = -1;
  ConditionVariableBroadcast(&shared->published);
}

// The engine's release callback: this backend no longer maps the entry in slot `arg`.
// Runs from a C++ destructor, so it only touches atomics (no lock, no ereport).
void releasePin(void* arg) {
  int slot = int(reinterpret_cast<intptr_t>(arg));
  if (!shared || !localPins || localPins[slot] == 0) return;  // given back at exit already
  localPins[slot]--;
  pg_atomic_fetch_sub_u32(&shared->entries[slot].pins, 1);
}

void onShmemExit(int, Datum) {
  releaseClaim();
  if (shared && localPins) {
    for (int i = 0; i < shared->nslots; i++) {
      if (localPins[i]) pg_atomic_fetch_sub_u32(&shared->entries[i].pins, localPins[i]);
      localPins[i] = 0;
    }
  }
}

// Drops a damaged or unloadable entry so that nobody uses it again (unless it was
// replaced meanwhile: then its checksum differs).
void dropEntry(const uint8_t key[40], const Checksum& crc) {
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  int slot = findSlot(key);
  if (slot >= 0 && shared->entries[slot].state == Ready && shared->entries[slot].crc == crc)
    retireOrFree(shared->entries[slot]);
  LWLockRelease(shared->lock);
}

enum class Lookup { Loaded, Absent, Unusable };

// Loads a Ready entry's artifact, mapped from the code file: pinned under the shared lock
// (so it cannot be freed), then mapped, checked and loaded without the lock. Absent: no
// such entry, or it was damaged and is dropped now. Unusable: it cannot be mapped here
// (out of address space or map count): compile for this backend only. An entry that is
// fine but cannot be loaded now (past wasm.backend_memory_limit, or cancelled) is the
// statement's ERROR, and stays.
Lookup loadShared(const char* moduleName, const uint8_t key[40], const ModuleKey& mkey, CompiledModule** result) {
  if (!localPins)
    localPins = static_cast<uint32_t*>(MemoryContextAllocZero(TopMemoryContext, sizeof(uint32_t) * shared->nslots));
  LWLockAcquire(shared->lock, LW_SHARED);
  int slot = findSlot(key);
  if (slot < 0 || shared->entries[slot].state != Ready) {
    LWLockRelease(shared->lock);
    return Lookup::Absent;
  }
  SharedEntry& e = shared->entries[slot];
  pg_atomic_fetch_add_u32(&e.pins, 1);
  localPins[slot]++;
  pg_atomic_write_u64(&e.lastUse, pg_atomic_add_fetch_u64(&shared->clock, 1));
  uint64_t offset = e.offset, size = e.size;
  Checksum want = e.crc;
  double saved = e.compileSeconds;
  LWLockRelease(shared->lock);

  void* arg = reinterpret_cast<void*>(intptr_t(slot));
  // Populated at once: the checksum reads every page next.
  void* p = mmap(nullptr, size, PROT_READ, MAP_SHARED | MAP_POPULATE, codeFile, off_t(offset));
  if (p == MAP_FAILED) {
    int e = errno;
    releasePin(arg);
    ereport(LOG, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("cannot map an entry of the wasm code cache: %s", strerror(e)),
                  errdetail("This backend compiles the module itself.")));
    return Lookup::Unusable;
  }
  uint8_t* mapping = static_cast<uint8_t*>(p);
  Checksum crc = artifactChecksum(mapping, size);
  Outcome out;
  CompiledModule* m = nullptr;
  if (crc == want) {
    m = bridgeLoadMappedArtifact(mkey, mapping, size, releasePin, arg, &out);  // takes the mapping
  } else {
    munmap(mapping, size);
    releasePin(arg);
  }
  if (!m && crc == want && out.status == Outcome::EngineError &&
      (out.errorKind == wasm::ErrorKind::Limit || out.errorKind == wasm::ErrorKind::Interrupted))
    reportNamedModuleError(moduleName, out);
  if (!m) {
    dropEntry(key, want);
    ereport(WARNING, (errcode(ERRCODE_DATA_CORRUPTED), errmsg("discarded a damaged entry of the wasm code cache"),
                      errdetail("%s", crc != want ? "Its checksum does not match." : out.message)));
    return Lookup::Absent;
  }
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  shared->hits++;
  shared->savedSeconds += saved;
  LWLockRelease(shared->lock);
  local.hits++;
  local.savedSeconds += saved;
  *result = m;
  return Lookup::Loaded;
}

// Writes all of data at offset of the code file.
bool writeCodeFile(const uint8_t* data, size_t size, uint64_t offset) {
  while (size > 0) {
    ssize_t n = pwrite(codeFile, data, size, off_t(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= size_t(n);
    offset += uint64_t(n);
  }
  return true;
}

// Publishes m's artifact into the claimed slot: reserves a range of the code file
// (evicting as needed), writes the artifact there, and only then makes the entry Ready.
// Gives up quietly if it cannot get the space (the module is still compiled for this
// backend).
void publish(int slot, const CompiledModule* m, double compileSeconds) {
  size_t size = 0;
  uint8_t* art = bridgeSerialize(m, &size);
  Range* scratch = static_cast<Range*>(palloc(sizeof(Range) * shared->nslots));
  uint64_t offset = 0;
  LWLockAcquire(shared->lock, LW_EXCLUSIVE);
  SharedEntry& e = shared->entries[slot];
  bool mine = e.state == Compiling && e.compilerPid == MyProcPid;
  bool reserved = mine && art && reserveRange(pageRound(size), scratch, &offset);
  if (reserved) {
    e.state = Writing;
    e.offset = offset;
    e.size = size;
    shared->bytesUsed += pageRound(size);
  } else if (mine) {
    e.state = Free;
  }
  shared->misses++;
  shared->compileSeconds += compileSeconds;
  LWLockRelease(shared->lock);
  pfree(scratch);

  if (reserved) {
    bool written = writeCodeFile(art, size, offset);
    Checksum crc = artifactChecksum(art, size);
    LWLockAcquire(shared->lock, LW_EXCLUSIVE);
    if (e.state == Writing && e.compilerPid == MyProcPid) {
      if (written) {
        e.crc = crc;
        e.compileSeconds = compileSeconds;
        pg_atomic_write_u64(&e.lastUse, pg_atomic_add_fetch_u64(&shared->clock, 1));
        e.state = Ready;  // the entry is complete: now readers may use it
      } else {
        freeRange(e);
      }
    }
    LWLockRelease(shared->lock);
  }
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
    bool alive = compilerAlive(e);
    if (e.state == Ready || (e.state == Writing && alive) ||
        (e.state == Compiling && alive && !TimestampDifferenceExceeds(e.since, GetCurrentTimestamp(), 60000))) {
      LWLockRelease(shared->lock);
      return -1;  // published meanwhile, or being compiled or written: wait and look again
    }
    // Its compiler died or gave up (a live writer is always waited for: its range is
    // reserved, and it goes on writing it).
    if (e.state == Writing) freeRange(e);
    else e.state = Free;
  }
  slot = freeSlot();
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
  noteCompilation(*seconds);
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
  if (shared) {
    // The shared cache is full of entries that backends map: let go of every module this
    // backend keeps but does not run now (their pins go; what it needs again is a hit).
    uint64_t pressure = pg_atomic_read_u64(&shared->pressure);
    if (pressure != seenPressure) {
      seenPressure = pressure;
      bridgeTrimModuleCache(0);
    }
  }
  if (CompiledModule* m = bridgeCachedModule(mkey)) {
    local.ownHits++;
    return m;
  }

  double seconds = 0;
  if (!shared) {
    CompiledModule* m = compileFromCatalog(moduleName, mkey, &seconds);
    bridgeTrimModuleCache(32, m);
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
    Lookup found = loadShared(moduleName, key, mkey, &m);
    if (found == Lookup::Loaded) break;
    int slot = found == Lookup::Unusable ? -2 : claimOrWait(key);
    if (slot >= 0) {
      m = compileAndPublish(slot, moduleName, mkey);
    } else if (slot == -2 || attempt >= 600) {
      // Not mappable here, no room in the table, or another backend took too long:
      // compile for ourselves.
      m = compileFromCatalog(moduleName, mkey, &seconds);
    } else {
      // Another backend is compiling it: wait for its publication (or its failure).
      ConditionVariablePrepareToSleep(&shared->published);
      ConditionVariableTimedSleep(&shared->published, 100, PG_WAIT_EXTENSION);
      ConditionVariableCancelSleep();
    }
  }
  bridgeTrimModuleCache(32, m);
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
  size_t entries = 0, used = 0;
  uint64_t total = 0, hits = local.ownHits, misses = local.compiles, evictions = 0;
  double spent = local.compileSeconds, saved = local.savedSeconds;
  if (!shared) {
    bridgeModuleCacheStats(&entries, &used);
  } else {
    // The shared cache's own figures (not this backend's modules).
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
