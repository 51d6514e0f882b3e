// Spec harness. The texts of assert_trap, assert_exhaustion and assert_uninstantiable in the
// pinned suite (collected from its wast2json output), mapped to the engine's trap kinds.
// The spec compares texts by prefix ("uninitialized element 2" is "uninitialized element"),
// so a text not in the table falls back to the trap whose message is its longest prefix.
#include "trap_text.h"

#include <cstring>

namespace spec {

using wasm::TrapKind;

constexpr int kNumTrapKinds = 0
#define TRAP(name, text) +1
#include "wasm/traps.def"
#undef TRAP
    ;

TrapKind trapKindForText(const std::string& text) {
  static const struct { const char* text; TrapKind kind; } kTexts[] = {
      {"unreachable", TrapKind::Unreachable},
      {"integer divide by zero", TrapKind::IntegerDivideByZero},
      {"integer overflow", TrapKind::IntegerOverflow},
      {"invalid conversion to integer", TrapKind::InvalidConversion},
      {"out of bounds memory access", TrapKind::MemoryOutOfBounds},
      {"out of bounds table access", TrapKind::TableOutOfBounds},
      {"uninitialized element", TrapKind::UninitializedElement},
      {"undefined element", TrapKind::UndefinedElement},
      {"indirect call type mismatch", TrapKind::IndirectCallTypeMismatch},
      {"call stack exhausted", TrapKind::StackExhausted},
  };
  for (const auto& t : kTexts)
    if (text == t.text) return t.kind;

  TrapKind best = TrapKind::None;
  size_t bestLen = 0;
  for (const auto& t : kTexts) {
    size_t n = strlen(t.text);
    if (n > bestLen && text.compare(0, n, t.text) == 0) {
      best = t.kind;
      bestLen = n;
    }
  }
  for (int k = int(TrapKind::None) + 1; k < kNumTrapKinds; k++) {
    const char* msg = wasm::trapMessage(TrapKind(k));
    size_t n = strlen(msg);
    if (n > bestLen && text.compare(0, n, msg) == 0) {
      best = TrapKind(k);
      bestLen = n;
    }
  }
  return best;
}

}  // namespace spec
