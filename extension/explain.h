// PG zone. The WebAssembly summary in EXPLAIN (ANALYZE) output (explain.cpp).
#pragma once

namespace pgwasm {

void installExplainHooks();

}  // namespace pgwasm
