// Fuzz harness. Runs a module on wabt's reference interpreter (libwabt) exactly as
// engine_harness.h runs it on pg-wasm: same stand-in imports, same calls, same outcome
// record. Only WebAssembly 2.0 without SIMD is enabled. This is the one translation unit
// that includes wabt headers.
#pragma once

#include <cstddef>
#include <cstdint>

#include "outcome.h"

namespace fuzz {

struct WabtRunOptions {
  // Budget of interpreted instructions per call (counted in slices of 1000); a call that
  // runs out is Exhausted. The start function runs without a budget.
  uint64_t steps = 10'000'000;
  // Modules whose memories could grow beyond this (no maximum, or a larger one) are
  // reported Unlinkable, so that memory.grow cannot disagree with pg-wasm's limit.
  uint64_t maxMemoryBytes = 64u << 20;
  uint32_t maxTableElements = 1u << 20;
  uint32_t passes = 1;  // as EngineRunOptions::passes
  bool resetHangLimit = true;
  bool captureState = true;
  bool validateOnly = false;  // stop after decoding and validation
};

Outcome runOnWabt(const uint8_t* data, size_t size, const WabtRunOptions& options);

}  // namespace fuzz
