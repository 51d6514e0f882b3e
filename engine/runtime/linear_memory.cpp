// Engine zone. Linear memory: one contiguous reservation per memory, so the base never
// moves and JIT code can keep it in r14; growing commits more of it (mprotect).
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "runtime/internal.h"

namespace wasm {

namespace {
// Guard-page mode needs every i32 address plus u32 offset (plus access size) inside the
// reservation: 8 GiB and a page.
constexpr uint64_t kGuardReservation = (uint64_t(8) << 30) + kPageSize;

// Reservations of memories that ended, kept for the next ones, zeroed (MADV_DONTNEED: zero
// when touched again, exactly like a new mapping) with their first `accessible` bytes
// still read+write and the rest PROT_NONE. An embedder that makes a fresh instance per
// statement (the extension) so saves, each time, the mmap and munmap of 8 GiB of address
// space and the page tables under it, and, when the next memory has the same minimum as
// the last (the same module again), both mprotect calls. A spin lock, never held for more
// than a few instructions, so that nothing here can throw.
struct Reservation {
  uint8_t* base = nullptr;
  uint64_t accessible = 0;
};

class ReservationPool {
 public:
  Reservation take() {
    Guard g(busy_);
    return n_ ? slots_[--n_] : Reservation{};
  }
  bool give(Reservation r) {
    Guard g(busy_);
    if (n_ == kSlots) return false;
    slots_[n_++] = r;
    return true;
  }

 private:
  struct Guard {
    explicit Guard(std::atomic_flag& f) : flag(f) {
      while (flag.test_and_set(std::memory_order_acquire)) {
      }
    }
    ~Guard() { flag.clear(std::memory_order_release); }
    std::atomic_flag& flag;
  };
  static constexpr int kSlots = 4;
  std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
  Reservation slots_[kSlots];
  int n_ = 0;
};

ReservationPool& pool() {
  static ReservationPool p;
  return p;
}

// A reservation whose first `bytes` are read+write and the rest PROT_NONE: from the pool
// (adjusting only the difference), else a new mapping. nullptr with errno on failure.
uint8_t* reserve(uint64_t bytes) {
  Reservation r = pool().take();
  if (r.base) {
    int ok = r.accessible == bytes ? 0
             : r.accessible > bytes ? mprotect(r.base + bytes, r.accessible - bytes, PROT_NONE)
                                    : mprotect(r.base + r.accessible, bytes - r.accessible, PROT_READ | PROT_WRITE);
    if (ok == 0) return r.base;
    munmap(r.base, kGuardReservation);
  }
  void* p = mmap(nullptr, kGuardReservation, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  if (bytes && mprotect(p, bytes, PROT_READ | PROT_WRITE) != 0) {
    int e = errno;
    munmap(p, kGuardReservation);
    errno = e;
    return nullptr;
  }
  return static_cast<uint8_t*>(p);
}

// Returns a memory's reservation to the pool, its accessible bytes zeroed.
bool recycle(uint8_t* base, uint64_t accessible) {
  if (accessible && madvise(base, accessible, MADV_DONTNEED) != 0) return false;
  return pool().give(Reservation{base, accessible});
}
}  // namespace

Result<std::unique_ptr<Memory>> createMemory(const MemoryType& type, MemoryAccount* account) {
  uint64_t minBytes = type.limits.min * kPageSize;
  const char* which = nullptr;
  uint64_t limitBytes = account->limit;
  if (!account->take(minBytes, &which))
    return makeError(ErrorKind::Limit, kNoOffset,
                     "memory of %llu pages (%llu bytes) exceeds %s (%llu bytes left)",
                     (unsigned long long)type.limits.min, (unsigned long long)minBytes, which,
                     (unsigned long long)account->left());
  uint64_t maxPages = type.limits.hasMax ? type.limits.max : kMaxPages;
  uint64_t maxBytes = maxPages * kPageSize;
  if (maxBytes > limitBytes) maxBytes = limitBytes / kPageSize * kPageSize;
  // Reserve for the guard mode always: the code's bounds-check mode is a per-module option
  // and a memory may be shared by modules compiled either way.
  uint8_t* p = reserve(minBytes);
  if (!p) {
    account->give(minBytes);
    return makeError(ErrorKind::Resource, kNoOffset, "cannot map %llu bytes of linear memory: %s",
                     (unsigned long long)minBytes, strerror(errno));
  }
  std::unique_ptr<Memory> m(new Memory());
  m->base_ = p;
  m->size_ = minBytes;
  m->reserved_ = kGuardReservation;
  m->limitBytes_ = maxBytes;
  m->type_ = type;
  m->account_ = account;
  return m;
}

Memory::~Memory() {
  if (base_ && !recycle(base_, size_)) munmap(base_, reserved_);
  if (account_) account_->give(size_);
}

int64_t Memory::grow(uint64_t delta) {
  uint64_t oldPages = size_ / kPageSize;
  if (delta == 0) return int64_t(oldPages);
  if (delta > kMaxPages) return -1;
  uint64_t newBytes = size_ + delta * kPageSize;
  if (newBytes > limitBytes_) return -1;
  if (account_ && !account_->take(delta * kPageSize)) return -1;
  if (mprotect(base_ + size_, delta * kPageSize, PROT_READ | PROT_WRITE) != 0) {
    if (account_) account_->give(delta * kPageSize);
    return -1;
  }
  size_ = newBytes;
  for (VMContext* vm : users_) vm->memSize = newBytes;
  return int64_t(oldPages);
}

}  // namespace wasm
