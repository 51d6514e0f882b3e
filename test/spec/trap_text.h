// Spec harness. Which TrapKind a spec failure text ("out of bounds memory access", ...)
// stands for.
#pragma once

#include <string>

#include "wasm/types.h"

namespace spec {

// The trap kind the text names, or TrapKind::None if we know no such text.
wasm::TrapKind trapKindForText(const std::string& text);

}  // namespace spec
