// PG zone. What lasts one statement: its generation number (instances and caches made in
// an earlier statement are reset before reuse), its fuel budget, and the guest output
// quota. Also the glue between PostgreSQL's interrupts and stack limit and the engine's.
#pragma once

#include <cstdint>

#include "wasm/engine.h"

namespace pgwasm {

void installStatementHooks();
struct StatementState {
  uint64_t generation;  // changes at the start of every top-level statement
  int outputLinesLeft;  // guest output lines left for this statement
  int nesting;          // executor and ProcessUtility levels entered
};
extern StatementState statementState;

void enterCallAtTopLevel();
// At every Wasm call, before its instance and fuel: a call outside the executor and
// ProcessUtility (the planner folding an IMMUTABLE call into a constant) begins its
// client command's statement there, so it is charged to that statement.
inline void enterCall() {
  if (statementState.nesting == 0) enterCallAtTopLevel();
}

inline uint64_t statementGeneration() { return statementState.generation; }
inline int* statementOutputLines() { return &statementState.outputLinesLeft; }

// The lowest stack address Wasm code may use: PostgreSQL's max_stack_depth below the
// backend's stack base.
uintptr_t wasmStackLimit();

// Interrupt handling for the engine: polled flag and the handler that processes
// PostgreSQL interrupts while Wasm code runs (see statement.cpp).
volatile sig_atomic_t* interruptFlag();
wasm::TrapKind handleInterrupt(void* env);
bool handleJobInterrupt(void* env);
// The ERROR a host-side guard caught while Wasm code was running (an ErrorData*), to be
// re-thrown once the engine has unwound. Taking it clears it.
void* takePendingError();
void setPendingError(void* errorData);

}  // namespace pgwasm
