// Engine zone. mmap-based executable memory (see code_memory.h).
#include "runtime/code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wasm {

namespace {
void unmap(uint8_t* base, size_t mapped, CodeMemory::Release release, void* arg) {
  if (base) munmap(base, mapped);
  if (release) release(arg);
}
}  // namespace

CodeMemory::~CodeMemory() { unmap(base_, mapped_, release_, releaseArg_); }

CodeMemory& CodeMemory::operator=(CodeMemory&& o) noexcept {
  if (this != &o) {
    unmap(base_, mapped_, release_, releaseArg_);
    base_ = o.base_;
    size_ = o.size_;
    mapped_ = o.mapped_;
    sealed_ = o.sealed_;
    release_ = o.release_;
    releaseArg_ = o.releaseArg_;
    o.base_ = nullptr;
    o.size_ = o.mapped_ = 0;
    o.release_ = nullptr;
    o.releaseArg_ = nullptr;
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

Result<CodeMemory> CodeMemory::adopt(uint8_t* base, size_t size, size_t mapped, Release release,
                                     void* releaseArg) {
  size_t page = size_t(sysconf(_SC_PAGESIZE));
  if (uintptr_t(base) % page != 0 || mapped % page != 0 || size > mapped)
    return makeError(ErrorKind::Resource, kNoOffset, "mapped code is not page aligned");
  if (mprotect(base, mapped, PROT_READ | PROT_EXEC) != 0)
    return makeError(ErrorKind::Resource, kNoOffset, "cannot make mapped code executable: %s", strerror(errno));
  CodeMemory m;
  m.base_ = base;
  m.size_ = size;
  m.mapped_ = mapped;
  m.sealed_ = true;
  m.release_ = release;
  m.releaseArg_ = releaseArg;
  return m;
}

Result<CodeMemory> CodeMemory::create(const uint8_t* code, size_t size) {
  WASM_ASSIGN(CodeMemory m, allocate(size));
  memcpy(m.writable(), code, size);
  WASM_TRY(m.seal());
  return m;
}

}  // namespace wasm
