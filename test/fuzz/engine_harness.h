// Fuzz harness. Runs a module on pg-wasm: compile, instantiate with stand-in imports (host
// functions that record their arguments and return zeros; memories, tables and globals
// built from the import's declared type), then call every exported function (with zero
// arguments, then with edge values) under fuel, memory and stack limits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "outcome.h"
#include "wasm/engine.h"

namespace fuzz {

struct EngineRunOptions {
  // Compile without fuel only for modules known to terminate (translate-to-fuzz ones).
  wasm::CompileOptions compile{.fuel = true};
  uint64_t fuel = 100000;  // per call, and for instantiation (when compiled with fuel)
  uint64_t maxMemoryBytes = 64u << 20;
  uint32_t maxTableElements = 1u << 20;
  size_t stackBudget = 1u << 20;  // bytes of native stack below the harness's frame
  // Every exported function is called once per pass (see fuzz::argument).
  uint32_t passes = 1;
  // Call the hang-limit reset export (see outcome.h) before each other export.
  bool resetHangLimit = true;
  // Record exported memories and globals after the calls.
  bool captureState = true;
};

Outcome runOnEngine(wasm::Engine& engine, const uint8_t* data, size_t size, const EngineRunOptions& options);

}  // namespace fuzz
