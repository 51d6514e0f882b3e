// Engine zone. Binary-format decoder: bytes -> ModuleInfo. Checks well-formedness only
// (section order and sizes, LEB128 encodings, UTF-8 names, counts against the remaining
// bytes and the implementation limits). Function bodies are located, not decoded: the
// validator walks them. Every error carries the byte offset where decoding failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "wasm/module.h"
#include "wasm/result.h"

namespace wasm {

// Implementation limits, as in V8 (they pass the spec testsuite).
struct DecodeLimits {
  static constexpr uint32_t kMaxTypes = 1'000'000;
  static constexpr uint32_t kMaxFunctions = 1'000'000;
  static constexpr uint32_t kMaxImports = 100'000;
  static constexpr uint32_t kMaxExports = 100'000;
  static constexpr uint32_t kMaxGlobals = 1'000'000;
  static constexpr uint32_t kMaxTables = 100'000;
  static constexpr uint32_t kMaxDataSegments = 100'000;
  static constexpr uint32_t kMaxElemSegments = 10'000'000;
  static constexpr uint32_t kMaxElemSegmentSize = 10'000'000;
  static constexpr uint32_t kMaxTableSize = 10'000'000;
  static constexpr uint32_t kMaxFunctionSize = 7'654'321;
  static constexpr uint32_t kMaxFunctionLocals = 50'000;
  static constexpr uint32_t kMaxFunctionParams = 1'000;
  static constexpr uint32_t kMaxFunctionResults = 1'000;
  static constexpr uint32_t kMaxBrTableSize = 65'520;
  static constexpr uint32_t kMaxStringSize = 100'000;
};

// Decodes a module. The returned ModuleInfo owns a copy of the bytes. WithoutCode accepts
// a binary whose code section was removed (compiled-code artifacts carry the machine code
// instead): the module then has no bodies.
enum class DecodeMode : uint8_t { Full, WithoutCode };
Result<std::unique_ptr<ModuleInfo>> decodeModule(const uint8_t* bytes, size_t size,
                                                 DecodeMode mode = DecodeMode::Full);

}  // namespace wasm
