// PG zone. LANGUAGE wasm window functions (CREATE FUNCTION ... WINDOW).
#pragma once

#include "pg.h"

namespace pgwasm {

struct CallSite;
// The fmgr call of a window function for the current row of its window (window_function.cpp).
Datum callWindowFunction(FunctionCallInfo fcinfo, CallSite* fc);
// Whether fcinfo is a window function's call past the first row of its partition.
bool windowInPartition(FunctionCallInfo fcinfo);

}  // namespace pgwasm
