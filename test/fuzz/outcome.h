// Fuzz harness. What running a module did, in a form both executors (pg-wasm and wabt's
// interpreter) fill in the same way, so that the differential target can compare them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasm/types.h"

namespace fuzz {

// A call the module made to one of its imported functions.
struct HostCallRecord {
  uint32_t import = 0;  // index among the module's imports
  std::vector<wasm::Value> args;
};

enum class CallStatus : uint8_t {
  Returned,   // results are valid
  Trapped,    // trap says which
  Exhausted,  // ran out of fuel, steps or stack: not comparable, and neither is what follows
};

struct CallOutcome {
  std::string name;  // the export, with "#pass" after the first pass
  CallStatus status = CallStatus::Returned;
  wasm::TrapKind trap = wasm::TrapKind::None;  // None for a trap the executor did not classify
  std::string trapText;                        // the executor's own words
  std::vector<wasm::Value> results;
  std::vector<HostCallRecord> hostCalls;
};

struct Outcome {
  enum class Stage : uint8_t {
    Rejected,      // decoding or validation failed
    Unlinkable,    // imports could not be provided, or a limit refused the module
    StartTrapped,  // instantiation trapped (segments or start function)
    Instantiated,
  };
  Stage stage = Stage::Rejected;
  std::string error;
  CallOutcome start;  // host calls and trap of instantiation (status Trapped if it trapped)
  std::vector<CallOutcome> calls;
  // State after the last call: every exported memory's bytes and every exported global.
  std::vector<std::string> memoryNames;
  std::vector<std::vector<uint8_t>> memories;
  std::vector<std::string> globalNames;
  std::vector<wasm::Value> globals;
};

// Arguments of export calls: pass 0 passes zeros; later passes cycle through edge values,
// never NaN (nor integers whose bits are a NaN), since NaN payloads may legitimately differ
// between engines. References are null.
wasm::Value argument(wasm::ValType type, uint32_t pass, size_t index);

// The export that resets binaryen's translate-to-fuzz hang limit; run before each call.
inline constexpr const char* kHangLimitInitializer = "hangLimitInitializer";

// Compares what two executors did. Returns "" if they agree, else a description of the
// first difference. Floats compare bit for bit except that any NaN equals any NaN;
// references compare by nullness. Calls after one that exhausted a budget on either side,
// and the final state in that case, are not compared.
std::string compareOutcomes(const Outcome& ours, const Outcome& theirs);

// Text for people: every call with its results, trap and host calls.
std::string describeOutcome(const Outcome& o);

}  // namespace fuzz
