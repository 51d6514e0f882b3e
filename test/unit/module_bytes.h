// A tiny assembler for hand-made module bytes in unit tests: LEB128, names, vectors,
// sections. Tests build malformed and edge-case binaries with it.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace wasm::test {

using Bytes = std::vector<uint8_t>;

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
// Unsigned LEB128, shortest form.
inline Bytes u32(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
  return out;
}
inline Bytes str(const std::string& s) { return cat({u32(s.size()), Bytes(s.begin(), s.end())}); }
inline Bytes vec(const std::vector<Bytes>& items) {
  Bytes out = u32(items.size());
  for (const Bytes& i : items) out.insert(out.end(), i.begin(), i.end());
  return out;
}
inline Bytes section(uint8_t id, const Bytes& payload) { return cat({{id}, u32(payload.size()), payload}); }
inline const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

}  // namespace wasm::test
