// PG zone. wasm.state: values that name a state in a guest's memory (aggregate transition
// states above all), so that a state of any shape crosses no serialisation per row.
#pragma once

#include "pg.h"

#include "bridge.h"

namespace pgwasm {

struct CallSite;
struct CallShape;
// The call of a function with wasm.state arguments or result (signature.h, states).
Datum callWithStates(FunctionCallInfo fcinfo, CallSite* fc);
// Whether the export of a transition function (a state and scalars in, a state out) has
// a batch export, pgwasm_batch__<export>(i32 state, i32 values, i32 nulls, i32 count) ->
// i32 state, of module facts f; ERRORs (42P13) for one of another type.
bool batchExportOf(const ModuleFacts& f, const char* moduleName, const char* exportName, const CallShape& s);
// Lets go of the instance whose batch export a call site remembers.
void forgetBatchInstance(CallSite* fc);
// Whether bytes can be a state's (the type's input and receive functions).
bool wellFormed(const bytea* flat);

}  // namespace pgwasm
