// Engine zone. UTF-8 well-formedness check (RFC 3629, table 3-7 of the Unicode standard).
#include "decoder/utf8.h"

namespace wasm {

bool isValidUtf8(const uint8_t* p, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t b = p[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b == 0xE0) {
      len = 3;
      lo = 0xA0;  // no overlongs
    } else if (b >= 0xE1 && b <= 0xEC) {
      len = 3;
    } else if (b == 0xED) {
      len = 3;
      hi = 0x9F;  // no surrogates
    } else if (b >= 0xEE && b <= 0xEF) {
      len = 3;
    } else if (b == 0xF0) {
      len = 4;
      lo = 0x90;  // no overlongs
    } else if (b >= 0xF1 && b <= 0xF3) {
      len = 4;
    } else if (b == 0xF4) {
      len = 4;
      hi = 0x8F;  // nothing above U+10FFFF
    } else {
      return false;  // continuation byte, overlong lead (C0, C1) or F5..FF
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; k++) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

}  // namespace wasm
