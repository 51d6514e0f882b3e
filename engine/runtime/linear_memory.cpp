// Engine zone. Linear memory: one contiguous reservation per memory, so the base never
// moves and JIT code can keep it in r14; growing commits more of it (mprotect).
#include <sys/mman.h>

#include <cerrno>
#include <cstring>

#include "runtime/internal.h"

namespace wasm {

namespace {
// Guard-page mode needs every i32 address plus u32 offset (plus access size) inside the
// reservation: 8 GiB and a page.
constexpr uint64_t kGuardReservation = (uint64_t(8) << 30) + kPageSize;
}  // namespace

Result<std::unique_ptr<Memory>> createMemory(const MemoryType& type, uint64_t limitBytes) {
  uint64_t minBytes = type.limits.min * kPageSize;
  if (minBytes > limitBytes)
    return makeError(ErrorKind::Limit, kNoOffset,
                     "memory of %llu pages (%llu bytes) exceeds the memory limit of %llu bytes",
                     (unsigned long long)type.limits.min, (unsigned long long)minBytes,
                     (unsigned long long)limitBytes);
  uint64_t maxPages = type.limits.hasMax ? type.limits.max : kMaxPages;
  uint64_t maxBytes = maxPages * kPageSize;
  if (maxBytes > limitBytes) maxBytes = limitBytes / kPageSize * kPageSize;
  // Reserve for the guard mode always: the code's bounds-check mode is a per-module option
  // and a memory may be shared by modules compiled either way.
  uint64_t reserve = kGuardReservation;
  void* p = mmap(nullptr, reserve, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED)
    return makeError(ErrorKind::Resource, kNoOffset, "cannot reserve address space for linear memory: %s",
                     strerror(errno));
  if (minBytes && mprotect(p, minBytes, PROT_READ | PROT_WRITE) != 0) {
    int e = errno;
    munmap(p, reserve);
    return makeError(ErrorKind::Resource, kNoOffset, "cannot commit %llu bytes of linear memory: %s",
                     (unsigned long long)minBytes, strerror(e));
  }
  std::unique_ptr<Memory> m(new Memory());
  m->base_ = static_cast<uint8_t*>(p);
  m->size_ = minBytes;
  m->reserved_ = reserve;
  m->limitBytes_ = maxBytes;
  m->type_ = type;
  return m;
}

Memory::~Memory() {
  if (base_) munmap(base_, reserved_);
}

int64_t Memory::grow(uint64_t delta) {
  uint64_t oldPages = size_ / kPageSize;
  if (delta == 0) return int64_t(oldPages);
  if (delta > kMaxPages) return -1;
  uint64_t newBytes = size_ + delta * kPageSize;
  if (newBytes > limitBytes_) return -1;
  if (mprotect(base_ + size_, delta * kPageSize, PROT_READ | PROT_WRITE) != 0) return -1;
  size_ = newBytes;
  for (VMContext* vm : users_) vm->memSize = newBytes;
  return int64_t(oldPages);
}

}  // namespace wasm
