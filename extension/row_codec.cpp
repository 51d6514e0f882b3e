// PG zone. Composite values (a table's row type, named composite types, records of OUT
// parameters) in guest memory (udf-sdk/ABI.md, "Rows"):
//
//   struct pgwasm_row {          // 8 + 16 * nfields bytes, 8-aligned
//     uint32_t nfields;          // the type's columns, dropped ones left out
//     uint32_t flags;            // 0
//     struct pgwasm_field {
//       uint64_t value;          // a scalar's bits; else the address of its bytes or block
//       uint32_t len;            // bytes of a text-like value (16 for uuid, interval)
//       uint32_t isnull;         // 1: NULL (value and len are then ignored)
//     } fields[];
//   };
#include "codec_parts.h"

PGWASM_PG_HEADERS_BEGIN
#include "utils/typcache.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {
constexpr uint32_t kFieldSize = 16;

// A field (u64 value, u32 len, u32 isnull): a scalar's bits, or the address and length of
// a value written elsewhere in the buffer.
inline void writeField(ValueCodec* c, Datum d, bool isnull, Spot field, GuestWriter* w, ValuePath* path) {
  if (isnull) {
    storeU32(w->staged(field.staged + 12), 1);
    return;
  }
  if (!inMemory(c->form)) {
    storeU64(w->staged(field.staged), c->rule->toBits(d, path));
    return;
  }
  Encoded e = encodeValue(c, d, w, path);
  w->pointer(field, e.at);
  storeU32(w->staged(field.staged + 8), e.len);
}

// Reads a field, checked against its domain.
Datum readField(ValueCodec* c, const uint8_t* field, GuestReader* r, ValuePath* path, bool* isnull) {
  *isnull = loadU32(field + 12) != 0;
  if (*isnull) return conformValue(c, 0, true, r);
  uint64_t value = loadU64(field);
  Datum v;
  if (!inMemory(c->form))
    v = c->rule->fromBits(value, *c, path);
  else
    v = decodeValue(c, uint32_t(value), loadU32(field + 8), r, path);
  return conformValue(c, v, false, r);
}
}  // namespace

void resolveRow(ValueCodec* c, TupleDesc desc, const ResolveSite& site, int depth) {
  c->shape = Shape::Row;
  c->form = Form::Block;
  c->slot = 4;
  c->abi = 2;
  c->nested = true;
  if (c->base == RECORDOID && !desc) {
    // Only a result's columns can be unknown here (the validator's view of RETURNS
    // record); each call resolves them.
    if (site.argument || depth) {
      const char* where = site.chain ? psprintf("It is the type of %s, in %s of function %s.", site.chain,
                                                site.argument ? psprintf("argument %d", site.argument) : "the result",
                                                site.fname)
                                     : psprintf("Argument %d of function %s has that type.", site.argument, site.fname);
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                      errmsg(site.argument ? "wasm functions cannot take type record"
                                           : "wasm functions cannot return type record inside another type"),
                      errdetail_internal("%s", where),
                      errhint("Declare a composite type (CREATE TYPE ... AS) or use a table's row type.")));
    }
    c->nfields = -1;
    return;
  }
  MemoryContext old = MemoryContextSwitchTo(site.cxt);
  if (desc) {
    c->desc = CreateTupleDescCopy(desc);
    if (c->base == RECORDOID) BlessTupleDesc(c->desc);
  } else {
    c->desc = lookup_rowtype_tupdesc_copy(c->base, -1);
  }
  MemoryContextSwitchTo(old);
  TupleDesc d = c->desc;
  c->attIndex = static_cast<int*>(MemoryContextAlloc(site.cxt, sizeof(int) * (d->natts + 1)));
  c->fields = static_cast<ValueCodec*>(MemoryContextAllocZero(site.cxt, sizeof(ValueCodec) * (d->natts + 1)));
  c->scratchValues = static_cast<Datum*>(MemoryContextAlloc(site.cxt, sizeof(Datum) * (d->natts + 1)));
  c->scratchNulls = static_cast<bool*>(MemoryContextAlloc(site.cxt, sizeof(bool) * (d->natts + 1)));
  c->nfields = 0;
  for (int i = 0; i < d->natts; i++) {
    Form_pg_attribute a = TupleDescAttr(d, i);
    if (a->attisdropped) continue;
    ResolveSite inner = site;
    inner.chain = psprintf("field \"%s\" of type %s", NameStr(a->attname), c->typeName);
    ValueCodec* f = &c->fields[c->nfields];
    resolveAt(f, a->atttypid, a->atttypmod, nullptr, inner, depth + 1);
    if (f->form == Form::None) {
      ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("wasm functions cannot use type void")));
    }
    c->abi = f->abi > c->abi ? f->abi : c->abi;
    c->attIndex[c->nfields++] = i;
  }
}

Encoded encodeRow(ValueCodec* c, Datum d, GuestWriter* w, ValuePath* path) {
  check_stack_depth();
  HeapTupleHeader td = DatumGetHeapTupleHeader(d);
  HeapTupleData tuple;
  tuple.t_len = HeapTupleHeaderGetDatumLength(td);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = InvalidOid;
  tuple.t_data = td;
  Datum* values = c->scratchValues;
  bool* nulls = c->scratchNulls;
  heap_deform_tuple(&tuple, c->desc, values, nulls);
  uint32_t n = uint32_t(c->nfields);
  Spot s = w->reserve(8 + uint64_t(n) * kFieldSize, 8);
  storeU32(w->staged(s.staged), n);
  for (uint32_t i = 0; i < n; i++) {
    int att = c->attIndex[i];
    uint32_t off = 8 + i * kFieldSize;
    ValueCodec* f = &c->fields[i];
    w->tick();
    path->pushField(NameStr(TupleDescAttr(c->desc, att)->attname));
    writeField(f, values[att], nulls[att], Spot{s.at + off, s.staged + off}, w, path);
    path->pop();
  }
  return Encoded{s.at, 8 + n * kFieldSize};
}

Datum decodeRow(ValueCodec* c, uint32_t ptr, GuestReader* r, ValuePath* path) {
  check_stack_depth();
  if (!c->desc) elog(ERROR, "row type of wasm function %s was not resolved", path->functionName);
  const uint8_t* h = r->range(ptr, 8, "a row");
  uint32_t n = loadU32(h), flags = loadU32(h + 4);
  if (n != uint32_t(c->nfields) || flags != 0)
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("wasm function %s returned a row that does not match its type %s", path->functionName,
                           c->typeName),
                    flags ? errdetail("The row's flags are %u; ABI version 2 has 0.", flags)
                          : errdetail("The row says it has %u fields; the type has %d.", n, c->nfields),
                    errhint("Fields are the type's columns in order, dropped columns left out (udf-sdk/ABI.md).")));
  const uint8_t* f = r->range(uint64_t(ptr) + 8, uint64_t(n) * kFieldSize, "a row's fields");
  TupleDesc d = c->desc;
  r->charge(uint64_t(d->natts) * (sizeof(Datum) + 1));
  Datum* values = static_cast<Datum*>(palloc(sizeof(Datum) * (d->natts + 1)));
  bool* nulls = static_cast<bool*>(palloc(sizeof(bool) * (d->natts + 1)));
  for (int i = 0; i < d->natts; i++) {
    values[i] = 0;
    nulls[i] = true;  // dropped columns
  }
  for (uint32_t i = 0; i < n; i++) {
    int att = c->attIndex[i];
    r->tick();
    path->pushField(NameStr(TupleDescAttr(d, att)->attname));
    values[att] = readField(&c->fields[i], f + uint64_t(i) * kFieldSize, r, path, &nulls[att]);
    path->pop();
  }
  HeapTuple t = heap_form_tuple(d, values, nulls);
  r->charge(kValueOverhead + HEAPTUPLESIZE + uint64_t(t->t_len));  // a copy of every field
  pfree(values);
  pfree(nulls);
  return HeapTupleGetDatum(t);
}

}  // namespace pgwasm
