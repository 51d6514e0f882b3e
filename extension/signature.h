// PG zone. What a SQL function's declaration means under the type ABI (udf-sdk/ABI.md):
// the codecs of its arguments and result, the Wasm signature they imply, the ABI version
// they need, and the checks of a module's export against them.
#pragma once

#include <cstdint>

#include "bridge.h"
#include "pg.h"
#include "type_codec.h"

namespace pgwasm {

// The ABI versions this build understands.
constexpr uint32_t kAbiNewest = 2;

// A function's declaration as the call handler and the validator see it.
struct CallShape {
  const char* fname;   // "f(integer)" style, for messages
  int nargs;
  Oid argTypes[FUNC_MAX_ARGS];  // as declared, for messages
  Oid resultType;
  bool retset;         // RETURNS SETOF: the Wasm function returns the set in batches (below)
  bool trigger;        // RETURNS trigger: (i32 event) -> i32 row (below)
  bool window;         // WINDOW: one more parameter, i64 row (below)
  bool states;         // an argument or the result is a wasm.state (agg_state.cpp)
  ValueCodec* args;    // nargs codecs
  ValueCodec result;   // with retset, of one row (an element of each batch)
  uint8_t abi;         // highest ABI version the types need
  bool memoryArgs;     // some argument lives in guest memory: the call needs pgwasm_alloc
  int nparams;         // Wasm parameters (at most 3 per argument)
  bool datumBits;      // every argument is a datumBits scalar: parameter i = Datum i & mask
  bool nested;         // rows or enums: resolved again every statement
  bool jsonbCompact;   // jsonb arguments cross in compact form (exportWantsCompactJsonb)
  WasmSig sig;
};

// Resolves a declaration in cxt. resultDesc: a record result's columns (OUT parameters,
// or the call's column list), else null. ERRORs 0A000 naming the first type the ABI does
// not carry.
// A set-returning function (retset; ABI version 2) has the Wasm parameters of its
// arguments and one more, i64 call: 0 for the first call of a set, then 1, 2, ...; each
// call returns (i32) the address of an array of the result type (udf-sdk/ABI.md, "Arrays"),
// the set's next rows, and an empty array ends the set.
// A window function (WINDOW; ABI version 2) has the Wasm parameters of its arguments (the
// current row's) and one more, i64 row: the current row's position in its partition, 0
// for the first row of each partition; it reads other rows through the pgwasm.win_*
// imports (window_imports.cpp).
// A trigger function (ABI version 2) is (i32 event) -> i32 row: the event is a row of
// the trigger's facts and the table's NEW and OLD rows, and the result the row for the
// operation (0: none); its codecs are the table's, set by trigger_function.cpp.
void resolveCallShape(CallShape* s, const char* fname, char prokind, bool retset, const Oid* argTypes, int nargs,
                      Oid resultType, TupleDesc resultDesc, MemoryContext cxt, bool jsonbCompact = false);

// The export that asks for export X's jsonb arguments in compact form (udf-sdk/ABI.md):
// a function () -> () of this name, with X appended.
constexpr const char kCompactJsonbMarker[] = "pgwasm_jsonb_compact__";
// Whether module f's export exportName asks for it. ERRORs (42P13) for a marker that is
// not a function () -> (), or in a module that targets ABI version 1.
bool exportWantsCompactJsonb(const ModuleFacts& f, const char* moduleName, const char* exportName);

// ERRORs (42P13) unless module `moduleName` (facts f) exports function `exportName` with
// the shape's Wasm signature and targets an ABI version that carries its types. (Its
// compact jsonb marker is checked by exportWantsCompactJsonb.)
void checkExportSignature(const ModuleFacts& f, const char* moduleName, const char* exportName,
                          const CallShape& s);

// "(bigint, bigint) -> bigint" (or "-> SETOF bigint") for messages (palloc'd).
char* sqlSignatureText(const Oid* argTypes, int nargs, Oid resultType, bool retset = false);

// Splits 'module:export'; ERRORs on bad syntax. Results are palloc'd; the export name is
// UTF-8 (as a module's names are), converted from the database encoding.
void parseFunctionBody(const char* fname, const char* src, char** module, char** exportName);

}  // namespace pgwasm
