// Fuzz harness. Binaryen's translate-to-fuzz: `wasm-opt -ttf` turns arbitrary bytes into
// a valid module that imports fuzzing-support logging functions, exports its functions
// and bounds its own running time with a hang limit (reset by an export). Run here as a
// subprocess (posix_spawn), restricted to WebAssembly 2.0 without SIMD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fuzz {

struct TtfOptions {
  // Binaryen 108's reference-types output is often not valid WebAssembly 2.0 (it treats
  // funcref as a subtype of externref and writes non-nullable reference types); such
  // modules are still useful to compare validators.
  bool referenceTypes = false;
  // Instrument every float-producing expression to turn NaN into 0 (binaryen's --denan), so
  // that NaN payloads, which the spec leaves nondeterministic, cannot reach memory or
  // integer results through reinterpretation.
  bool denan = true;
};

// The wasm-opt binary: $PGWASM_WASM_OPT, else the one found at configure time.
const char* wasmOptPath();

// Writes the module to *out. False (with a message) if wasm-opt failed.
bool translateToFuzz(const uint8_t* data, size_t size, const TtfOptions& options, std::vector<uint8_t>* out,
                     std::string* error);

}  // namespace fuzz
