// Engine zone. *** Signal handling for guard-page bounds checks. ***
//
// With BoundsChecks::Guard, generated code accesses linear memory without a compare: every
// 32-bit address plus offset falls inside the memory's 8 GiB reservation, whose pages past
// the current size are PROT_NONE. The SIGSEGV/SIGBUS handler turns such a fault into the
// "out of bounds memory access" trap, but only when the faulting PC lies in registered
// module code AND the faulting address lies in the reservation of the memory of the
// VMContext in r15 (which module code always keeps there). Any other fault is passed to
// the handler that was installed before ours (or the default action), so a genuine crash
// stays a crash.
#pragma once

#include <cstdint>

namespace wasm {

// Installs the handler once per process (idempotent).
void installTrapHandler();

// Module code ranges. trapExit is the module's trap exit (eax = TrapKind).
void registerCodeRange(uintptr_t start, uintptr_t end, uintptr_t trapExit);
void unregisterCodeRange(uintptr_t start);

}  // namespace wasm
