// Engine zone. Readers for value types, reference types, block types, limits and names.
#include "decoder/binary_types.h"

#include <cstring>

#include "decoder/decoder.h"
#include "decoder/utf8.h"

namespace wasm {

const char* featureOfValType(uint8_t byte) {
  switch (byte) {
    case 0x7B: return "simd";
    case 0x69: return "exception-handling";  // exnref
    case 0x63:
    case 0x64: return "function-references";  // (ref null ht), (ref ht)
    case 0x6A:
    case 0x6B:
    case 0x6C:
    case 0x6D:
    case 0x6E:  // array/struct/i31/eq/any
    case 0x71:
    case 0x72:
    case 0x73:  // none/noextern/nofunc
      return "gc";
    default: return nullptr;
  }
}

void failValType(Reader& r, size_t offset, uint8_t byte) {
  if (const char* feature = featureOfValType(byte)) {
    if (byte == 0x7B) {
      r.fail(ErrorKind::Unsupported, offset, "simd: value type v128 (0x7b) is not supported");
    } else {
      r.fail(ErrorKind::Unsupported, offset, "%s: value type 0x%02x is not supported", feature,
             byte);
    }
    return;
  }
  if (byte & 0x80) {
    // The type is a one-byte signed LEB128; a continuation bit makes it too long.
    r.fail(ErrorKind::Malformed, offset, "integer representation too long (value type 0x%02x)",
           byte);
    return;
  }
  r.fail(ErrorKind::Malformed, offset, "malformed value type 0x%02x", byte);
}

bool readRefType(Reader& r, ValType* out) {
  size_t off = r.offset();
  uint8_t b = r.u8();
  if (!r.ok()) return false;
  if (b == 0x70 || b == 0x6F) {
    *out = ValType(b);
    return true;
  }
  if (const char* feature = featureOfValType(b)) {
    r.fail(ErrorKind::Unsupported, off, "%s: reference type 0x%02x is not supported", feature, b);
    return false;
  }
  r.fail(ErrorKind::Malformed, off, "malformed reference type 0x%02x", b);
  return false;
}

// Called by readBlockType when the next byte is neither 0x40 nor a value type.
bool readBlockTypeSlow(Reader& r, BlockType* out) {
  size_t off = r.offset();
  if (r.atEnd()) {
    r.u8();  // records "unexpected end"
    return false;
  }
  uint8_t b = r.peekU8();
  if (b >= 0x40 && b < 0x80) {
    // A one-byte negative s33 that is no value type we know.
    r.u8();
    failValType(r, off, b);
    return false;
  }
  int64_t v = r.s33();
  if (!r.ok()) return false;
  if (v < 0) {
    r.fail(ErrorKind::Malformed, off, "malformed block type");
    return false;
  }
  if (v > int64_t(UINT32_MAX)) {
    r.fail(ErrorKind::Malformed, off, "integer too large (block type index)");
    return false;
  }
  out->kind = BlockType::Kind::Index;
  out->index = uint32_t(v);
  return true;
}

bool readLimits(Reader& r, Limits* out, bool isMemory) {
  size_t off = r.offset();
  uint8_t flags = r.u8();
  if (!r.ok()) return false;
  if (flags & 0x80) {
    // The flags are a one-byte LEB128 value.
    r.fail(ErrorKind::Malformed, off, "integer representation too long (limits flags)");
    return false;
  }
  if (flags > 1) {
    if (isMemory && flags == 0x03) {
      r.fail(ErrorKind::Unsupported, off,
             "threads: shared memory (limits flags 0x03) is not supported");
    } else if (flags >= 0x04 && flags <= 0x07) {
      r.fail(ErrorKind::Unsupported, off,
             "memory64: 64-bit %s limits (flags 0x%02x) are not supported",
             isMemory ? "memory" : "table", flags);
    } else {
      r.fail(ErrorKind::Malformed, off, "integer too large: malformed limits flags 0x%02x", flags);
    }
    return false;
  }
  out->min = r.u32();
  out->hasMax = flags == 1;
  out->max = out->hasMax ? r.u32() : 0;
  return r.ok();
}

bool readNameBytes(Reader& r, const uint8_t** data, uint32_t* size) {
  size_t lenOff = r.offset();
  uint32_t len = r.u32();
  if (!r.ok()) return false;
  if (len > r.remaining()) {
    r.fail(ErrorKind::Malformed, lenOff, "length out of bounds (name of %u bytes, %zu remain)", len,
           r.remaining());
    return false;
  }
  if (len > limits::kMaxStringSize) {
    r.fail(ErrorKind::Limit, lenOff, "name of %u bytes exceeds the limit of %u", len,
           limits::kMaxStringSize);
    return false;
  }
  size_t off = r.offset();
  if (!isValidUtf8(r.cursor(), len)) {
    r.fail(ErrorKind::Malformed, off, "malformed UTF-8 encoding");
    return false;
  }
  *data = r.cursor();
  *size = len;
  r.skip(len);
  return true;
}

bool readName(Reader& r, std::string* out) {
  const uint8_t* data;
  uint32_t size;
  if (!readNameBytes(r, &data, &size)) return false;
  out->assign(reinterpret_cast<const char*>(data), size);
  return true;
}

void refineUnexpectedEnd(Error* e) {
  static const char kPrefix[] = "unexpected end";
  const size_t n = sizeof kPrefix - 1;
  if (e->kind != ErrorKind::Malformed) return;
  if (e->message.compare(0, n, kPrefix) != 0) return;
  if (e->message.compare(n, 3, " of") == 0) return;
  e->message.insert(n, " of section or function");
}

}  // namespace wasm
