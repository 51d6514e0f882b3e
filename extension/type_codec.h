// PG zone. The type ABI (udf-sdk/ABI.md) as one table-driven codec: how each SQL type
// crosses into a guest and comes back. type_rules.cpp holds one entry per base type
// (its Wasm form, element size, encode and decode); this file resolves a declared type
// (domains, enums, arrays, composite rows, nested) into a ValueCodec tree once per call
// site, and encodes and decodes values along that tree on the per-row path with no
// catalog work.
#pragma once

#include <cstdint>

#include "guest_layout.h"
#include "pg.h"
#include "wasm/types.h"

namespace pgwasm {

// How a value is a Wasm function's parameter(s) or result.
enum class Form : uint8_t {
  None,   // void result
  I32,
  I64,
  F32,
  F64,
  Bytes,  // parameters (i32 ptr, i32 len); result i64 (len << 32 | ptr)
  Block,  // parameter i32 ptr; result i32 ptr: a layout in linear memory
};

struct ValueCodec;
struct ValuePath;

// Bytes of a value as the guest sees them (text as UTF-8, numeric as decimal text, ...);
// data points into PostgreSQL memory that lives until the call returns.
struct GuestBytes {
  const char* data;
  uint32_t len;
};

// One base type (or family: enums) of the ABI.
struct TypeRule {
  const char* name;  // as in messages and ABI.md
  Form form;
  uint8_t abi;       // first ABI version with this type
  uint8_t slot;      // bytes as an array element or (Block leaves) of the value
  uint8_t align;     // Bytes and Block: the alignment of the bytes in guest memory
  // Bytes arguments: the least number of guest bytes the value becomes, known before it is
  // converted or expanded (detoasted), so that one that cannot fit is refused first; null:
  // not known.
  uint64_t (*minBytes)(Datum d);
  bool rawIn;        // array elements as PostgreSQL stores them (one memcpy in)
  bool rawOut;       // any slot bits are a valid value (one memcpy out)
  bool datumBits;    // scalars: the Datum's low 32 (I32, F32) or 64 bits are the Wasm value
  // Scalars (I32..F64): the Wasm value's bits, and back (checked).
  uint64_t (*toBits)(Datum d, ValuePath* path);
  Datum (*fromBits)(uint64_t bits, const ValueCodec& c, ValuePath* path);
  // Bytes and Block leaves: the guest's bytes, and a value from them (checked).
  GuestBytes (*toBytes)(Datum d, const ValueCodec& c, ValuePath* path);
  Datum (*fromBytes)(const char* p, uint32_t len, const ValueCodec& c, ValuePath* path);
  // Block leaves small enough to be passed by value: as an argument of the function
  // itself (not inside an array or row) the value is `split` scalar parameters of these
  // types, which toSplit fills. Saves the argument buffer, and so the pgwasm_alloc call.
  uint8_t split;
  wasm::ValType splitTypes[3];
  void (*toSplit)(Datum d, uint64_t* params);
  // Bytes results: what making the value from len bytes may allocate at most, charged to
  // the result's budget before it is made (jsonb's parse tree); null: len.
  uint64_t (*buildCost)(const char* p, uint32_t len);
};

// The rule for base type `base` of type category `typtype`, or null.
const TypeRule* findTypeRule(Oid base, char typtype);
// jsonb arguments of an export that asks for them in compact form (udf-sdk/ABI.md,
// "jsonb in compact form"): the bytes of jsonb's binary container.
const TypeRule* compactJsonbRule();

enum class Shape : uint8_t { Leaf, Array, Row };

// A declared type resolved for the codec. Made in a call site's memory context; the
// per-row path only reads it (and domain_check's cache).
struct ValueCodec {
  Shape shape;
  Form form;
  uint8_t abi;   // highest ABI version the type needs (its elements and fields too)
  uint8_t slot;  // bytes as an array element: leaves their rule's; rows 4 (a pointer)
  uint8_t split; // an argument passed by value as this many scalars (TypeRule::split), or 0
  uint64_t bitsMask;  // TypeRule::datumBits: the Wasm value is Datum & bitsMask; else 0
  const TypeRule* rule;  // leaves
  Oid type;              // as declared (a domain, perhaps)
  Oid base;              // with domains looked through
  bool domain;           // values are checked against the domain's constraints
  int32 typmod;          // of a column, or a domain's base type; -1: none
  FmgrInfo* typmodFn;    // results: the base type's length coercion (22001 when too long)
  int typmodArgs;        // its arguments: 2 (value, typmod) or 3 (and isExplicit)
  bool nested;           // holds a row or enum: resolved again every statement
  bool state;            // wasm.state: an i32 handle to a state in guest memory (agg_state.cpp)
  const char* typeName;  // format_type_be(type), for messages
  void* domainExtra;
  MemoryContext cxt;
  // arrays
  ValueCodec* elem;
  Oid elemType;  // the array's element type as declared (a domain, perhaps)
  int16 elemLen;
  bool elemByVal;
  char elemAlign;
  // rows: the live (not dropped) attributes, in order
  TupleDesc desc;
  int nfields;
  int* attIndex;        // index in desc of each field
  ValueCodec* fields;
  Datum* scratchValues;  // a row argument's columns, reused row after row
  bool* scratchNulls;
};

// Whether values of this form live in guest memory (bytes, or a block: uuid, interval,
// arrays, rows) rather than in Wasm scalars.
inline bool inMemory(Form f) { return f == Form::Bytes || f == Form::Block; }

// Resolves `type`, argument `argument` (1-based; 0: the result) of function fname, in
// cxt. desc: a row result's columns when the call decides them (record with OUT
// parameters or a column list), else null; a record result without one resolves to a
// row of unknown columns (for the validator). ERRORs 0A000 for a type the ABI does not
// carry, saying where it is.
// jsonbCompact: jsonb values of an argument (wherever they are inside it) cross in
// compact form (compactJsonbRule). codecsLeft: what is left of kMaxCodecs for the whole
// declaration (every argument and the result draw on one count).
void resolveCodec(ValueCodec* c, Oid type, TupleDesc desc, int argument, const char* fname, MemoryContext cxt,
                  uint32_t* codecsLeft, bool jsonbCompact = false);
// The values one declaration's types may hold together (each scalar, array, row and
// field counts one): the bound on the work and memory of resolving it (udf-sdk/ABI.md,
// "Limits"). A 1600-column table's row is 1601.
constexpr uint32_t kMaxCodecs = 20000;
// The type wasm.state (extension version 1.2), or InvalidOid.
Oid stateTypeOid();
// The list of supported types, for hints.
const char* supportedTypesText();
// A scalar result's value from its Wasm bits (checked).
Datum scalarFromBits(ValueCodec* c, uint64_t bits, ValuePath* path);

// The guest's address and length of a value written by encode (Bytes: both; Block: at).
struct Encoded {
  uint32_t at;
  uint32_t len;
};
// Writes a non-NULL argument value to w (Bytes and Block forms).
Encoded encodeValue(ValueCodec* c, Datum d, GuestWriter* w, ValuePath* path);
// Reads a Bytes or Block result at (ptr, len) of guest memory.
Datum decodeValue(ValueCodec* c, uint32_t ptr, uint32_t len, GuestReader* r, ValuePath* path);

// The rows a set-returning function's call returned: an array of its row type (signature.h),
// read into the current memory context. count 0 ends the set.
struct SetBatch {
  uint32_t count;
  Datum* values;
  bool* nulls;
};
SetBatch decodeSetBatch(ValueCodec* row, uint32_t ptr, GuestReader* r, ValuePath* path);

// Where in a call a value is, for ERROR contexts: "element 3 of field "tags" of argument
// 1 of wasm function f(t)". One per call site; encode and decode keep it up to date.
struct ValuePath {
  enum Note : uint8_t { None, ToUtf8, FromUtf8, ReadAs };
  const char* functionName;
  int argument;  // 1-based; 0: the result
  int depth;     // levels below the argument or result (only the first 8 are named)
  Note note;
  const char* readAs;
  const uint8_t* mem;  // the guest memory a result is read from (for messages)
  struct Level {
    const char* field;  // null: an element
    uint32_t element;   // 1-based
  } levels[8];
  ErrorContextCallback cb;

  // Makes this path the error context from here until end(); an ERROR in between leaves
  // it to PostgreSQL's catcher, which restores the context stack. No destructor: nothing
  // here may sit between a longjmp and its catcher.
  void begin(int arg);
  void end();
  void pushField(const char* name) {
    if (depth < 8) levels[depth] = Level{name, 0};
    depth++;
  }
  void pushElement(uint32_t index) {
    if (depth < 8) levels[depth] = Level{nullptr, index};
    depth++;
  }
  void pop() { depth--; }
};

// Converts between the database encoding and UTF-8 with the path's note set.
const char* toUtf8(ValuePath* path, const char* s, size_t n, uint32_t* outLen);
char* fromUtf8(ValuePath* path, const char* s, size_t n);

// A result value as its declared type has it: coerced to its typmod (char(n), varchar(n),
// numeric(p, s), time and timestamps with a precision, as an assignment would), then
// checked against its domain. r: the reader the value came from, which is charged for
// what the coercion makes (char(n) pads: one byte can become n), or null at the top.
Datum conformTypmod(ValueCodec* c, Datum d, GuestReader* r);
inline Datum conformValue(ValueCodec* c, Datum d, bool isnull, GuestReader* r) {
  if (c->typmodFn && !isnull) d = conformTypmod(c, d, r);
  if (c->domain) domain_check(d, isnull, c->type, &c->domainExtra, c->cxt);
  return d;
}

}  // namespace pgwasm
