// libFuzzer target: arbitrary bytes through decode, validate, compile, instantiate (with
// stand-in imports) and calls of every exported function (with zeros, then with edge
// values), under fuel, memory and stack limits. Any crash, sanitizer report, leak or hang is an engine bug. The bounds-check
// mode (explicit or guard pages) is picked from a hash of the input, so that a crashing
// input reproduces on its own.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "engine_harness.h"

namespace {

uint32_t fnv1a(const uint8_t* data, size_t size) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
  return h;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // A fresh engine per input: no state (interned types, code memory) carries over.
  auto engine = wasm::Engine::create();
  if (!engine.ok()) abort();

  fuzz::EngineRunOptions options;
  uint32_t h = fnv1a(data, size);
  options.compile.boundsChecks = (h & 1) ? wasm::BoundsChecks::Guard : wasm::BoundsChecks::Explicit;
  setenv("PGWASM_CPU_BASELINE", (h & 2) ? "1" : "0", 1);  // fallbacks for CPUs without BMI
  options.fuel = 100000;
  options.maxMemoryBytes = 64u << 20;
  options.maxTableElements = 1u << 16;
  options.stackBudget = 512u << 10;
  options.passes = 2;  // zeros, then edge values
  options.resetHangLimit = false;
  options.captureState = false;
  fuzz::Outcome outcome = fuzz::runOnEngine(*engine.value(), data, size, options);
  (void)outcome;
  return 0;
}
