// Engine zone. mmap-based executable memory (see code_memory.h).
#include "runtime/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wasm {

CodeMemory::~CodeMemory() {
  if (base_) munmap(base_, mapped_);
}

CodeMemory& CodeMemory::operator=(CodeMemory&& o) noexcept {
  if (this != &o) {
    if (base_) munmap(base_, mapped_);
    base_ = o.base_;
    size_ = o.size_;
    mapped_ = o.mapped_;
    sealed_ = o.sealed_;
    o.base_ = nullptr;
    o.size_ = o.mapped_ = 0;
  }
  return *this;
}

Result<CodeMemory> CodeMemory::allocate(size_t size) {
  size_t page = size_t(sysconf(_SC_PAGESIZE));
  size_t mapped = (size + page - 1) / page * page;
  if (mapped == 0) mapped = page;
  // Populated up front: every page is written right away, and one call is much cheaper
  // than a page fault per page.
  void* p = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
  if (p == MAP_FAILED)
    return makeError(ErrorKind::Resource, kNoOffset, "cannot map %zu bytes for code: %s", mapped,
                     strerror(errno));
  CodeMemory m;
  m.base_ = static_cast<uint8_t*>(p);
  m.size_ = size;
  m.mapped_ = mapped;
  return m;
}

Status CodeMemory::seal() {
  if (sealed_) return okStatus();
  if (mprotect(base_, mapped_, PROT_READ | PROT_EXEC) != 0)
    return makeError(ErrorKind::Resource, kNoOffset, "cannot make code executable: %s", strerror(errno));
  sealed_ = true;
  return okStatus();
}

Result<CodeMemory> CodeMemory::create(const uint8_t* code, size_t size) {
  WASM_ASSIGN(CodeMemory m, allocate(size));
  memcpy(m.writable(), code, size);
  WASM_TRY(m.seal());
  return m;
}

}  // namespace wasm
