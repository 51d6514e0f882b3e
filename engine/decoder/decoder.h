// Engine zone. Binary-format decoder: bytes -> ModuleInfo. Checks well-formedness only
// (section order and sizes, LEB128 encodings, UTF-8 names, counts against the remaining
// bytes and the implementation limits). Function bodies are located, not decoded: the
// validator walks them. Every error carries the byte offset where decoding failed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "wasm/limits.h"
#include "wasm/module.h"
#include "wasm/result.h"

namespace wasm {

// Decodes a module. The returned ModuleInfo owns a copy of the bytes. WithoutCode accepts
// a binary whose code section was removed (compiled-code artifacts carry the machine code
// instead): the module then has no bodies.
enum class DecodeMode : uint8_t { Full, WithoutCode };
// The job, if given, is polled between sections and entries.
class Job;
Result<std::unique_ptr<ModuleInfo>> decodeModule(const uint8_t* bytes, size_t size,
                                                 DecodeMode mode = DecodeMode::Full, Job* job = nullptr);

}  // namespace wasm
