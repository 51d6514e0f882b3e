// PG zone. Set-returning LANGUAGE wasm functions (RETURNS SETOF, RETURNS TABLE).
#pragma once

#include "pg.h"

namespace pgwasm {

// The fmgr call of a set-returning function: its set's next row, value per call
// (set_function.cpp).
Datum callSetFunction(FunctionCallInfo fcinfo);

}  // namespace pgwasm
