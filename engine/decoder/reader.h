// Engine zone. A bounds-checked cursor over module bytes with the LEB128 readers of the
// binary format. Every read either succeeds or records the first error (with its byte
// offset) and returns 0; callers check ok() at convenient points, so a truncated or
// hostile input can never read past the end.
#pragma once

#include <cstdarg>
#include <cstdint>
#include <cstring>
#include <string>

#include "wasm/result.h"

namespace wasm {

class Reader {
 public:
  // base is the start of the whole module, so offsets are module offsets.
  Reader(const uint8_t* base, size_t begin, size_t end)
      : base_(base), pos_(begin), end_(end) {}

  size_t offset() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool atEnd() const { return pos_ >= end_; }
  bool ok() const { return !failed_; }
  const uint8_t* base() const { return base_; }
  const uint8_t* cursor() const { return base_ + pos_; }

  const Error& error() const { return error_; }
  Error takeError() { return std::move(error_); }

  // Records an error at `offset` (first error wins) and moves to the end so that every
  // later read fails fast.
  void fail(ErrorKind kind, size_t offset, const char* fmt, ...) __attribute__((format(printf, 4, 5)));
  void failHere(const char* fmt, ...) __attribute__((format(printf, 2, 3)));

  void skip(size_t n) {
    if (n > remaining()) {
      failHere("unexpected end");
      return;
    }
    pos_ += n;
  }
  void seek(size_t pos) { pos_ = pos; }

  uint8_t u8() {
    if (pos_ >= end_) {
      failHere("unexpected end");
      return 0;
    }
    return base_[pos_++];
  }
  uint8_t peekU8() const { return pos_ < end_ ? base_[pos_] : 0; }

  uint32_t u32() {
    // Fast path: one byte.
    if (pos_ < end_ && base_[pos_] < 0x80) return base_[pos_++];
    return uint32_t(leb(32, false));
  }
  int32_t s32() { return int32_t(leb(32, true)); }
  int64_t s33() { return int64_t(leb(33, true)); }
  int64_t s64() { return int64_t(leb(64, true)); }
  uint64_t u64() { return leb(64, false); }

  uint32_t fixed32() {
    if (remaining() < 4) {
      failHere("unexpected end");
      pos_ = end_;
      return 0;
    }
    uint32_t v;
    std::memcpy(&v, base_ + pos_, 4);
    pos_ += 4;
    return v;
  }
  uint64_t fixed64() {
    if (remaining() < 8) {
      failHere("unexpected end");
      pos_ = end_;
      return 0;
    }
    uint64_t v;
    std::memcpy(&v, base_ + pos_, 8);
    pos_ += 8;
    return v;
  }

 private:
  // Generic LEB128: at most ceil(bits/7) bytes; the unused bits of the last byte must be
  // zero (unsigned) or a sign extension (signed).
  uint64_t leb(unsigned bits, bool isSigned);

  const uint8_t* base_;
  size_t pos_;
  size_t end_;
  bool failed_ = false;
  Error error_;
};

}  // namespace wasm
