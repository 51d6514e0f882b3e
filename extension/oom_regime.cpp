// PG zone. SAFETY-CRITICAL. The one out-of-memory regime of the C++ code in a backend
// (the engine and the bridge): operator new never throws. When the heap cannot grow, the
// new-handler ends the backend with a clean FATAL, as PostgreSQL's LLVM JIT does
// (llvm_enter_fatal_on_oom), so no std::bad_alloc ever travels through engine frames,
// JIT frames or a PostgreSQL longjmp. Everything a guest can make the backend hold is
// bounded before it is allocated (limits.h, wasm.memory_limit, wasm.backend_memory_limit),
// so this only happens when the machine itself is out of memory. An exception that
// reaches std::terminate (none is thrown on purpose: the extension is built without
// exceptions) is a FATAL too, never an abort that would restart the cluster.
#include "pg.h"

#include <exception>
#include <new>

#include "oom_regime.h"

namespace pgwasm {

namespace {
void outOfMemory() {
  ereport(FATAL, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory in the WebAssembly engine"),
                  errdetail("The engine could not allocate memory; the session ends so that nothing is left "
                            "half-done.")));
}

[[noreturn]] void terminated() {
  ereport(FATAL, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("internal error in the WebAssembly engine"),
                  errdetail("An unexpected C++ exception ended the session.")));
  pg_unreachable();
}
}  // namespace

void installOomRegime() {
  std::set_new_handler(outOfMemory);
  std::set_terminate(terminated);
}

}  // namespace pgwasm
