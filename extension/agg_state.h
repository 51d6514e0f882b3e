// PG zone. wasm.state: values that name a state in a guest's memory (aggregate transition
// states above all), so that a state of any shape crosses no serialisation per row.
#pragma once

#include "pg.h"

namespace pgwasm {

struct CallSite;
// The call of a function with wasm.state arguments or result (signature.h, states).
Datum callWithStates(FunctionCallInfo fcinfo, CallSite* fc);
// Whether bytes can be a state's (the type's input and receive functions).
bool wellFormed(const bytea* flat);

}  // namespace pgwasm
