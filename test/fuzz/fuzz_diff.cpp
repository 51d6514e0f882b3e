// libFuzzer target: differential testing against wabt's interpreter. The input's first
// byte picks the translate-to-fuzz features (reference types in a quarter of the inputs),
// the rest is turned into a module by `wasm-opt -ttf` (see ttf.h). An input that already
// starts with the Wasm magic is used as the module directly, so regression modules (and
// mutated modules, with a corpus of .wasm files) run through the same comparison. Both engines then run every export (see engine_harness.h
// and wabt_harness.h), and any difference in validation verdict, results, traps, host
// calls, or final exported memory and globals aborts with a report. The module of a
// mismatch is also written to $PGWASM_DIFF_ARTIFACTS (default: the current directory)
// as diff-HASH.wasm, for wasm-reduce and for test/fuzz/regressions/.
#include <cinttypes>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "engine_harness.h"
#include "ttf.h"
#include "wabt_harness.h"

namespace {

uint32_t fnv1a(const uint8_t* data, size_t size) {
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 16777619u;
  return h;
}

void saveModule(const std::vector<uint8_t>& module) {
  const char* dir = getenv("PGWASM_DIFF_ARTIFACTS");
  char name[64];
  snprintf(name, sizeof name, "diff-%08" PRIx32 ".wasm", fnv1a(module.data(), module.size()));
  std::string path = std::string(dir && *dir ? dir : ".") + "/" + name;
  if (FILE* f = fopen(path.c_str(), "wb")) {
    fwrite(module.data(), 1, module.size(), f);
    fclose(f);
    fprintf(stderr, "fuzz_diff: module written to %s\n", path.c_str());
  }
}

// wabt 1.0.32 accepts a typed select of references where its result type does not fit
// (`select (result funcref)` where an externref is expected). Finds the bytes of a typed
// select of one reference type; false positives only hide a verdict.
bool hasTypedRefSelect(const std::vector<uint8_t>& m) {
  for (size_t i = 0; i + 2 < m.size(); i++)
    if (m[i] == 0x1C && m[i + 1] == 1 && (m[i + 2] == 0x70 || m[i + 2] == 0x6F)) return true;
  return false;
}

// Verbose mode (PGWASM_DIFF_VERBOSE=1) prints both outcomes of every input.
bool verbose() {
  static const bool v = [] {
    const char* e = getenv("PGWASM_DIFF_VERBOSE");
    return e && *e && *e != '0';
  }();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> module;
  bool direct = size >= 4 && memcmp(data, "\0asm", 4) == 0;
  if (direct) {
    module.assign(data, data + size);
  } else {
    if (size == 0) return 0;
    fuzz::TtfOptions ttf;
    ttf.referenceTypes = (data[0] & 3) == 0;
    std::string error;
    if (!fuzz::translateToFuzz(data + 1, size - 1, ttf, &module, &error)) {
      // A binaryen failure is not ours to report; keep it visible but go on.
      fprintf(stderr, "fuzz_diff: %s\n", error.c_str());
      return -1;  // not added to the corpus
    }
  }

  auto engine = wasm::Engine::create();
  if (!engine.ok()) abort();
  fuzz::EngineRunOptions ours;
  // Code generation modes, picked from a hash of the module: bounds checks explicit or by
  // guard pages; fuel metering on, or (for translate-to-fuzz modules, which bound their own
  // running time) off, as embedders without a fuel budget run code.
  uint32_t h = fnv1a(module.data(), module.size());
  ours.compile.boundsChecks = (h & 1) ? wasm::BoundsChecks::Guard : wasm::BoundsChecks::Explicit;
  ours.compile.fuel = direct || (h & 2);
  // And code for the host CPU, or for one without LZCNT/BMI1/BMI2 (the fallback paths).
  setenv("PGWASM_CPU_BASELINE", (h & 4) ? "1" : "0", 1);
  // Budgets: translate-to-fuzz modules bound themselves (hang limit); other modules may
  // loop, so they get less.
  ours.fuel = direct ? 1'000'000 : 10'000'000;
  ours.maxMemoryBytes = 64u << 20;
  ours.maxTableElements = 1u << 20;
  ours.stackBudget = 1u << 20;
  ours.passes = 2;
  fuzz::Outcome a = fuzz::runOnEngine(*engine.value(), module.data(), module.size(), ours);

  fuzz::WabtRunOptions theirs;
  theirs.steps = ours.fuel;
  theirs.passes = ours.passes;
  theirs.maxMemoryBytes = ours.maxMemoryBytes;
  theirs.maxTableElements = ours.maxTableElements;
  // wabt runs the start function without a step budget: only where ours finished it.
  theirs.validateOnly = (a.stage != fuzz::Outcome::Stage::Instantiated &&
                         a.stage != fuzz::Outcome::Stage::StartTrapped) ||
                        a.start.status == fuzz::CallStatus::Exhausted;
  fuzz::Outcome b = fuzz::runOnWabt(module.data(), module.size(), theirs);

  std::string diff;
  // Only translate-to-fuzz modules make "ours rejects what wabt accepts" a finding: wabt
  // accepts some malformed modules (names that are not UTF-8, SIMD opcodes with SIMD
  // disabled, malformed custom sections), which mutated modules hit all the time, and
  // some invalid ones (see hasTypedRefSelect).
  if (a.stage == fuzz::Outcome::Stage::Rejected && b.stage != fuzz::Outcome::Stage::Rejected) {
    if (!direct && !hasTypedRefSelect(module)) diff = "validation: ours rejects (" + a.error + "), wabt accepts";
  } else {
    diff = fuzz::compareOutcomes(a, b);
  }
  if (verbose() || !diff.empty()) {
    fprintf(stderr, "--- pg-wasm: %s--- wabt: %s", fuzz::describeOutcome(a).c_str(),
            fuzz::describeOutcome(b).c_str());
  }
  if (!diff.empty()) {
    fprintf(stderr, "fuzz_diff: MISMATCH: %s\nfuzz_diff: pg-wasm modes: bounds %s, fuel %s, cpu %s\n", diff.c_str(),
            (h & 1) ? "guard" : "explicit", ours.compile.fuel ? "on" : "off", (h & 4) ? "baseline" : "host");
    saveModule(module);
    abort();
  }
  return 0;
}
