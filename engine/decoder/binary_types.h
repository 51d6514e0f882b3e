// Engine zone. Readers for the small typed items of the binary format that both the
// decoder and the validator need: value types, reference types, block types, limits and
// names. Each records a Malformed or Unsupported error (with its byte offset) in the
// Reader and returns false when the bytes are not acceptable.
#pragma once

#include <cstdint>
#include <string>

#include "decoder/reader.h"
#include "wasm/types.h"

namespace wasm {

// The proposal a value-type byte belongs to when it is not a WebAssembly 2.0 type we
// implement ("simd" for v128, "gc", ...), or nullptr.
const char* featureOfValType(uint8_t byte);

// Slow path of readValType: records the error for a byte that is not i32/i64/f32/f64/
// funcref/externref.
void failValType(Reader& r, size_t offset, uint8_t byte);

inline bool readValType(Reader& r, ValType* out) {
  size_t off = r.offset();
  uint8_t b = r.u8();
  if (!r.ok()) return false;
  if (isNumOrRef(b)) {
    *out = ValType(b);
    return true;
  }
  failValType(r, off, b);
  return false;
}

// funcref or externref ("malformed reference type" otherwise).
bool readRefType(Reader& r, ValType* out);

struct BlockType {
  enum class Kind : uint8_t { Empty, Value, Index };
  Kind kind = Kind::Empty;
  ValType type = ValType::I32;  // Kind::Value
  uint32_t index = 0;           // Kind::Index: a type index (not checked here)
};

bool readBlockTypeSlow(Reader& r, BlockType* out);

inline bool readBlockType(Reader& r, BlockType* out) {
  uint8_t b = r.peekU8();  // 0 at the end, which the slow path reports
  if (b == 0x40) {
    r.u8();
    out->kind = BlockType::Kind::Empty;
    return true;
  }
  if (isNumOrRef(b)) {
    r.u8();
    out->kind = BlockType::Kind::Value;
    out->type = ValType(b);
    return true;
  }
  return readBlockTypeSlow(r, out);
}

// Limits of a table (isMemory false) or memory: flags, min, optional max, all u32.
bool readLimits(Reader& r, Limits* out, bool isMemory);

// A name: u32 length, then that many bytes of well-formed UTF-8. readNameBytes points
// into the Reader's bytes instead of copying them.
bool readName(Reader& r, std::string* out);
bool readNameBytes(Reader& r, const uint8_t** data, uint32_t* size);

// Turns the Reader's bare "unexpected end..." (a read ran past the end of the range it
// was given) into the binary format's "unexpected end of section or function".
void refineUnexpectedEnd(Error* e);

}  // namespace wasm
