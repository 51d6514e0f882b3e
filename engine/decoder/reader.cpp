// Engine zone. LEB128 decoding and error recording for Reader.
#include "decoder/reader.h"

#include <cstdio>

namespace wasm {

namespace {
std::string vformat(const char* fmt, va_list ap) {
  char buf[512];
  vsnprintf(buf, sizeof buf, fmt, ap);
  return buf;
}
}  // namespace

void Reader::fail(ErrorKind kind, size_t offset, const char* fmt, ...) {
  if (failed_) return;
  failed_ = true;
  va_list ap;
  va_start(ap, fmt);
  error_.kind = kind;
  error_.offset = offset;
  error_.message = vformat(fmt, ap);
  va_end(ap);
  pos_ = end_;
}

void Reader::failHere(const char* fmt, ...) {
  if (failed_) return;
  failed_ = true;
  va_list ap;
  va_start(ap, fmt);
  error_.kind = ErrorKind::Malformed;
  error_.offset = pos_;
  error_.message = vformat(fmt, ap);
  va_end(ap);
  pos_ = end_;
}

uint64_t Reader::leb(unsigned bits, bool isSigned) {
  size_t start = pos_;
  uint64_t result = 0;
  unsigned shift = 0;
  const unsigned maxBytes = (bits + 6) / 7;
  for (unsigned i = 0;; i++) {
    if (pos_ >= end_) {
      fail(ErrorKind::Malformed, start, "unexpected end (truncated LEB128 integer)");
      return 0;
    }
    uint8_t b = base_[pos_++];
    if (i == maxBytes - 1) {
      // Last permitted byte: no continuation, and the bits beyond `bits` must be zero or,
      // for signed values, copies of the sign bit.
      if (b & 0x80) {
        fail(ErrorKind::Malformed, start, "integer representation too long");
        return 0;
      }
      unsigned used = bits - shift;  // value bits in this byte (1..7)
      if (used < 7) {
        uint8_t extra = uint8_t(b >> used);  // the unused high bits (without bit 7)
        uint8_t mask = uint8_t(0x7F >> used);
        bool ok;
        if (isSigned) {
          bool sign = (b >> (used - 1)) & 1;
          ok = extra == (sign ? mask : 0);
        } else {
          ok = extra == 0;
        }
        if (!ok) {
          fail(ErrorKind::Malformed, start, "integer too large");
          return 0;
        }
      }
      result |= uint64_t(b & 0x7F) << shift;
      shift += 7;
      break;
    }
    result |= uint64_t(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  if (isSigned && shift < 64) {
    // Sign-extend from the last byte read.
    if (result & (uint64_t(1) << (shift - 1))) result |= ~uint64_t(0) << shift;
  }
  if (bits < 64) {
    if (isSigned) {
      // Truncate to `bits`, keeping the sign (callers cast).
      return result;
    }
    return result & ((uint64_t(1) << bits) - 1);
  }
  return result;
}

}  // namespace wasm
