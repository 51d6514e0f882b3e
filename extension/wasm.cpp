// PG zone. The extension's entry point: settings and statement hooks.
#include "pg.h"

#include "bridge.h"
#include "code_cache.h"
#include "guc.h"
#include "statement.h"

extern "C" {
PG_MODULE_MAGIC;
void _PG_init(void);
}

void _PG_init(void) {
  pgwasm::defineGucs();
  pgwasm::defineCodeCacheGucs();
  MarkGUCPrefixReserved("wasm");  // after every wasm.* setting is defined
  pgwasm::installStatementHooks();
  if (process_shared_preload_libraries_in_progress) {
    pgwasm::requestSharedCodeCache();
    pgwasm::bridgeWarmUp();  // backends inherit the engine's trampolines
  }
}
