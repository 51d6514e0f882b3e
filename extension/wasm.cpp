// PG zone. The extension's entry point: settings and statement hooks.
#include "pg.h"

#include "bridge.h"
#include "code_cache.h"
#include "explain.h"
#include "guc.h"
#include "oom_regime.h"
#include "statement.h"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

void _PG_init(void) {
  pgwasm::installOomRegime();
  pgwasm::defineGucs();
  pgwasm::defineCodeCacheGucs();
  MarkGUCPrefixReserved("wasm");  // after every wasm.* setting is defined
  pgwasm::installStatementHooks();
  pgwasm::installExplainHooks();
  // Compile jobs stop for cancels and timeouts; all instances of the backend share a
  // memory ceiling.
  pgwasm::bridgeConfigure(pgwasm::interruptFlag(), pgwasm::handleJobInterrupt, pgwasm::backendMemoryLimitBytes());
  if (process_shared_preload_libraries_in_progress) {
    pgwasm::requestSharedCodeCache();
    pgwasm::bridgeWarmUp();  // backends inherit the engine's trampolines
  }
}
