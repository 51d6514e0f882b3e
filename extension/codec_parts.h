// PG zone. The parts of the type codec (type_codec.cpp, array_codec.cpp, row_codec.cpp)
// as they call each other; nothing else includes this.
#pragma once

#include "type_codec.h"

namespace pgwasm {

// Where a type being resolved is, for the ERROR that refuses it.
struct ResolveSite {
  const char* fname;
  int argument;       // 1-based; 0: the result
  const char* chain;  // "field "x" of type t", for a type inside another; null at the top
  MemoryContext cxt;
  bool jsonbCompact;  // jsonb crosses in compact form (arguments only)
  uint32_t* codecsLeft;  // of kMaxCodecs, for the whole declaration
};

// typmod: the declared one (a column's), or -1.
void resolveAt(ValueCodec* c, Oid type, int32 typmod, TupleDesc desc, const ResolveSite& site, int depth);
void resolveArray(ValueCodec* c, Oid elemType, const ResolveSite& site, int depth);
void resolveRow(ValueCodec* c, TupleDesc desc, const ResolveSite& site, int depth);

Encoded encodeArray(ValueCodec* c, Datum d, GuestWriter* w, ValuePath* path);
Encoded encodeRow(ValueCodec* c, Datum d, GuestWriter* w, ValuePath* path);
Datum decodeArray(ValueCodec* c, uint32_t ptr, GuestReader* r, ValuePath* path);
Datum decodeRow(ValueCodec* c, uint32_t ptr, GuestReader* r, ValuePath* path);

// An array element in its slot (c->slot bytes). Reading checks the value against its
// domain. (Row fields: row_codec.cpp.)
void writeElement(ValueCodec* c, Datum d, Spot slot, GuestWriter* w, ValuePath* path);
Datum readElement(ValueCodec* c, const uint8_t* slot, GuestReader* r, ValuePath* path);

}  // namespace pgwasm
