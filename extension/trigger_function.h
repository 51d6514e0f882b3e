// PG zone. LANGUAGE wasm trigger functions (RETURNS trigger): row and statement level,
// BEFORE, AFTER and INSTEAD OF, INSERT, UPDATE, DELETE and TRUNCATE.
#pragma once

#include "pg.h"

namespace pgwasm {

// The fmgr call of a trigger function (CALLED_AS_TRIGGER).
Datum callTrigger(FunctionCallInfo fcinfo);

}  // namespace pgwasm
