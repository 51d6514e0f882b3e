// Engine zone. Executable memory with W^X: pages are mapped writable, filled, then made
// read+execute before any code in them runs; they are never writable and executable at
// the same time. Or pages an embedder mapped from a file (a shared code cache), made
// read+execute where they lie and handed back through a release callback at the end.
#pragma once

#include <cstddef>
#include <cstdint>

#include "wasm/result.h"

namespace wasm {

class CodeMemory {
 public:
  CodeMemory() = default;
  ~CodeMemory();
  CodeMemory(const CodeMemory&) = delete;
  CodeMemory& operator=(const CodeMemory&) = delete;
  CodeMemory(CodeMemory&& o) noexcept { *this = static_cast<CodeMemory&&>(o); }
  CodeMemory& operator=(CodeMemory&& o) noexcept;

  // Maps size bytes, copies code into them and seals them read+execute.
  static Result<CodeMemory> create(const uint8_t* code, size_t size);
  // Maps size writable bytes; fill them through writable(), then seal().
  static Result<CodeMemory> allocate(size_t size);
  uint8_t* writable() { return sealed_ ? nullptr : base_; }
  Status seal();
  // Takes over mapped bytes [base, base + mapped) (page aligned, from mmap) whose first
  // size bytes are code: makes them read+execute; they are never writable here. On
  // success the destructor unmaps them, then calls release(releaseArg). On failure (the
  // system refuses executable pages there, e.g. a noexec mount) nothing is taken over.
  using Release = void (*)(void*);
  static Result<CodeMemory> adopt(uint8_t* base, size_t size, size_t mapped, Release release, void* releaseArg);

  const uint8_t* base() const { return base_; }
  size_t size() const { return size_; }
  bool contains(uintptr_t pc) const {
    return pc >= uintptr_t(base_) && pc < uintptr_t(base_) + size_;
  }

 private:
  uint8_t* base_ = nullptr;
  size_t size_ = 0;     // bytes of code
  size_t mapped_ = 0;   // bytes mapped (page multiple)
  bool sealed_ = false;
  Release release_ = nullptr;
  void* releaseArg_ = nullptr;
};

}  // namespace wasm
