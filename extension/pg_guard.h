// PG zone. SAFETY-CRITICAL. The one way PostgreSQL code runs where a longjmp must not
// escape: on the Wasm code's stack below JIT frames (host functions, the interrupt
// handler) and between engine frames (the compile job's interrupt handler). An ERROR is
// caught, copied and parked (setPendingError), and the guard returns false; the caller
// then unwinds the engine with a trap or an interrupted job, and the call handler
// re-throws the parked ERROR once no engine frame is left. FATAL still exits the
// process, as everywhere in PostgreSQL.
#pragma once

#include "pg.h"
#include "statement.h"

namespace pgwasm {

template <typename F>
bool guarded(F&& body) {
  MemoryContext cxt = CurrentMemoryContext;
  volatile bool ok = true;
  PG_TRY();
  {
    body();
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(cxt);
    setPendingError(CopyErrorData());
    FlushErrorState();
    ok = false;
  }
  PG_END_TRY();
  return ok;
}

}  // namespace pgwasm
