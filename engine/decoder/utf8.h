// Engine zone. UTF-8 well-formedness, as the binary format requires of every name.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasm {

// True if [p, p + n) is well-formed UTF-8: no overlong forms, no surrogates (U+D800..DFFF),
// nothing above U+10FFFF, no truncated or stray continuation bytes.
bool isValidUtf8(const uint8_t* p, size_t n);

}  // namespace wasm
