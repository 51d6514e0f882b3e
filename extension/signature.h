// PG zone. The type ABI between SQL and Wasm: how each SQL type crosses into a guest, and
// the Wasm signature a SQL function's declaration implies.
#pragma once

#include <cstdint>

#include "bridge.h"
#include "pg.h"

namespace pgwasm {

enum class TypeKind : uint8_t {
  Unsupported,
  Void,    // result only: no Wasm result
  Int2,    // i32
  Int4,    // i32
  Bool,    // i32 (0 or 1; any non-zero result is true)
  Int8,    // i64
  Float4,  // f32
  Float8,  // f64
  Text,    // (i32 ptr, i32 len) in; i64 (len << 32 | ptr) out; UTF-8
  Bytea,   // as Text, raw bytes
  Jsonb,   // as Text, the JSON text
};

TypeKind typeKindOf(Oid type, bool isResult);
inline bool isVarlenaKind(TypeKind k) {
  return k == TypeKind::Text || k == TypeKind::Bytea || k == TypeKind::Jsonb;
}

// The Wasm signature of a SQL function with these argument and result kinds.
WasmSig wasmSignatureOf(const TypeKind* args, int nargs, TypeKind result);

// ERRORs unless module `moduleName` (facts f) exports function `exportName` with the
// signature the SQL declaration implies.
void checkExportSignature(const ModuleFacts& f, const char* moduleName, const char* exportName,
                          const TypeKind* argKinds, const Oid* argTypes, int nargs, TypeKind resultKind,
                          Oid resultType);

// "(bigint, bigint) -> bigint" for messages (palloc'd).
char* sqlSignatureText(const Oid* argTypes, int nargs, Oid resultType);

// Checks a function's kind and declared types; ERRORs naming the first unsupported one.
void checkSupportedTypes(const char* fname, char prokind, const Oid* argTypes, int nargs, Oid resultType,
                         bool retset, TypeKind* argKinds, TypeKind* resultKind);

// Splits 'module:export'; ERRORs on bad syntax. Results are palloc'd; the export name is
// UTF-8 (as a module's names are), converted from the database encoding.
void parseFunctionBody(const char* fname, const char* src, char** module, char** exportName);

}  // namespace pgwasm
