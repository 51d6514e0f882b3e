// PG zone. One-dimensional arrays in guest memory (udf-sdk/ABI.md, "Arrays"):
//
//   struct pgwasm_array {      // 24 bytes, 8-aligned
//     uint32_t count;          // elements
//     int32_t  lower;          // subscript of the first element (1 unless declared otherwise)
//     uint32_t elem_size;      // bytes per element slot, fixed by the element type
//     uint32_t flags;          // 0
//     uint32_t nulls;          // address of count bytes (1 = NULL), or 0: no NULLs
//     uint32_t data;           // address of count slots, 8-aligned
//   };
//
// Fixed-width elements are stored as PostgreSQL stores them when their bits agree (a
// float8[] without NULLs is one copy); dates and timestamps are moved to the Unix epoch
// one by one; text-like elements are (u32 ptr, u32 len) pairs; rows are u32 pointers.
#include "codec_parts.h"

PGWASM_PG_HEADERS_BEGIN
#include "utils/array.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {
constexpr uint32_t kHeader = 24;

[[noreturn]] void malformed(ValuePath* path, const char* detailFmt, unsigned long long a, unsigned long long b) {
  ereport(ERROR, (errcode(ERRCODE_EXTERNAL_ROUTINE_EXCEPTION),
                  errmsg("wasm function %s returned a malformed array", path->functionName),
                  errdetail(detailFmt, a, b), errhint("See udf-sdk/ABI.md for the layout of arrays.")));
}
}  // namespace

void resolveArray(ValueCodec* c, Oid elemType, const ResolveSite& site, int depth) {
  c->shape = Shape::Array;
  c->form = Form::Block;
  c->slot = 4;
  c->elemType = elemType;
  get_typlenbyvalalign(elemType, &c->elemLen, &c->elemByVal, &c->elemAlign);
  c->elem = static_cast<ValueCodec*>(MemoryContextAllocZero(site.cxt, sizeof(ValueCodec)));
  ResolveSite inner = site;
  inner.chain = psprintf("the elements of %s", format_type_be(c->type));
  resolveAt(c->elem, elemType, c->typmod, nullptr, inner, depth + 1);  // varchar(3)[]: each element
  c->abi = 2;
  c->nested = c->elem->nested;
}

Encoded encodeArray(ValueCodec* c, Datum d, GuestWriter* w, ValuePath* path) {
  ArrayType* a = DatumGetArrayTypeP(d);
  int ndim = ARR_NDIM(a);
  if (ndim > 1)
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("wasm function %s cannot take a %d-dimensional array", path->functionName, ndim),
                    errdetail("Arrays cross into Wasm with one dimension (udf-sdk/ABI.md)."),
                    errhint("Pass each row of it, or flatten it in SQL: ARRAY(SELECT unnest(a)).")));
  ValueCodec* e = c->elem;
  uint32_t count = ndim ? uint32_t(ARR_DIMS(a)[0]) : 0;
  int32 lower = ndim ? ARR_LBOUND(a)[0] : 1;
  Spot h = w->reserve(kHeader, 8);
  storeU32(w->staged(h.staged), count);
  storeU32(w->staged(h.staged + 4), uint32_t(lower));
  storeU32(w->staged(h.staged + 8), e->slot);
  bits8* bitmap = ARR_NULLBITMAP(a);
  if (bitmap) {
    Spot n = w->reserve(count, 1);
    uint8_t* flags = w->staged(n.staged);
    for (uint32_t i = 0; i < count; i++) flags[i] = (bitmap[i / 8] & (1 << (i % 8))) ? 0 : 1;
    w->pointer(Spot{h.at + 16, h.staged + 16}, n.at);
  }
  uint64_t bytes = uint64_t(count) * e->slot;
  uint32_t dataAt;
  if (!bitmap && e->rule && e->rule->rawIn && c->elemLen == e->slot) {
    dataAt = w->external(ARR_DATA_PTR(a), bytes, 8);
  } else {
    Spot data = w->reserve(bytes, 8);
    dataAt = data.at;
    const char* p = ARR_DATA_PTR(a);
    for (uint32_t i = 0; i < count; i++) {
      w->tick();
      if (bitmap && !(bitmap[i / 8] & (1 << (i % 8)))) continue;
      Datum v = fetch_att(p, c->elemByVal, c->elemLen);
      p = att_addlength_pointer(p, c->elemLen, p);
      p = reinterpret_cast<const char*>(att_align_nominal(p, c->elemAlign));
      path->pushElement(i + 1);
      writeElement(e, v, Spot{data.at + i * e->slot, data.staged + i * e->slot}, w, path);
      path->pop();
    }
  }
  w->pointer(Spot{h.at + 20, h.staged + 20}, dataAt);
  return Encoded{h.at, kHeader};
}

namespace {
// A guest array's header, checked against elements of codec e, and where its elements
// and NULL flags are.
struct GuestArray {
  uint32_t count;
  int32 lower;
  const uint8_t* data;
  const uint8_t* nulls;  // null: none
};
GuestArray readArrayHeader(ValueCodec* e, uint32_t ptr, GuestReader* r, ValuePath* path) {
  const uint8_t* h = r->range(ptr, kHeader, "an array");
  GuestArray a;
  a.count = loadU32(h);
  a.lower = int32(loadU32(h + 4));
  uint32_t elemSize = loadU32(h + 8), flags = loadU32(h + 12);
  uint32_t nullsAt = loadU32(h + 16), dataAt = loadU32(h + 20);
  if (elemSize != e->slot)
    malformed(path, "Its header says elements of %llu bytes; elements of its type take %llu.", elemSize, e->slot);
  if (flags != 0) malformed(path, "Its flags are %llu; ABI version 2 has %llu.", flags, 0);
  if (a.count > MaxArraySize)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("wasm function %s returned an array of %u elements, more than an array can hold",
                           path->functionName, a.count),
                    errdetail("An array holds at most %d elements.", int(MaxArraySize))));
  a.data = r->range(dataAt, uint64_t(a.count) * e->slot, "array elements");
  a.nulls = nullsAt ? r->range(nullsAt, a.count, "an array's NULL flags") : nullptr;
  return a;
}

// Element i of a (not NULL), or NULL checked against the element's domain.
Datum readArrayElement(ValueCodec* e, const GuestArray& a, uint32_t i, bool* isnull, GuestReader* r,
                       ValuePath* path) {
  r->tick();
  path->pushElement(i + 1);
  *isnull = a.nulls && a.nulls[i];
  Datum v = *isnull ? conformValue(e, 0, true, r) : readElement(e, a.data + uint64_t(i) * e->slot, r, path);
  path->pop();
  return v;
}
}  // namespace

Datum decodeArray(ValueCodec* c, uint32_t ptr, GuestReader* r, ValuePath* path) {
  check_stack_depth();
  ValueCodec* e = c->elem;
  GuestArray ga = readArrayHeader(e, ptr, r, path);
  uint32_t count = ga.count;
  int32 lower = ga.lower;
  const uint8_t* data = ga.data;
  const uint8_t* nulls = ga.nulls;
  if (count && int64(lower) + count - 1 > PG_INT32_MAX)
    ereport(ERROR, (errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
                    errmsg("wasm function %s returned an array whose subscripts pass %d", path->functionName,
                           PG_INT32_MAX),
                    errdetail("Lower bound %d with %u elements.", lower, count)));
  if (count == 0) return PointerGetDatum(construct_empty_array(c->elemType));
  int dims[1] = {int(count)}, lbs[1] = {lower};
  bool anyNull = false;
  for (uint32_t i = 0; nulls && i < count && !anyNull; i++) anyNull = nulls[i] != 0;
  if (!anyNull && e->rule && e->rule->rawOut && !e->domain && !e->typmodFn && c->elemLen == e->slot) {
    // Bits PostgreSQL stores as they are: one copy.
    size_t nbytes = ARR_OVERHEAD_NONULLS(1) + size_t(count) * e->slot;
    r->charge(kValueOverhead + nbytes);
    if (nbytes > MaxAllocSize)
      ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                      errmsg("wasm function %s returned an array of %zu bytes, more than a value can hold",
                             path->functionName, nbytes)));
    ArrayType* a = static_cast<ArrayType*>(palloc0(nbytes));
    SET_VARSIZE(a, nbytes);
    a->ndim = 1;
    a->dataoffset = 0;
    a->elemtype = c->elemType;
    ARR_DIMS(a)[0] = int(count);
    ARR_LBOUND(a)[0] = lower;
    memcpy(ARR_DATA_PTR(a), data, size_t(count) * e->slot);
    return PointerGetDatum(a);
  }
  r->charge(uint64_t(count) * (sizeof(Datum) + 1 + (c->elemLen > 0 ? c->elemLen : 0)));
  Datum* values = static_cast<Datum*>(palloc_extended(size_t(count) * sizeof(Datum), MCXT_ALLOC_HUGE));
  bool* isnull = static_cast<bool*>(palloc_extended(count, MCXT_ALLOC_HUGE));
  for (uint32_t i = 0; i < count; i++) values[i] = readArrayElement(e, ga, i, &isnull[i], r, path);
  ArrayType* a = construct_md_array(values, isnull, 1, dims, lbs, c->elemType, c->elemLen, c->elemByVal, c->elemAlign);
  r->charge(kValueOverhead + VARSIZE(a));  // a copy of every element
  pfree(values);
  pfree(isnull);
  return PointerGetDatum(a);
}

SetBatch decodeSetBatch(ValueCodec* row, uint32_t ptr, GuestReader* r, ValuePath* path) {
  GuestArray ga = readArrayHeader(row, ptr, r, path);
  SetBatch b{ga.count, nullptr, nullptr};
  if (ga.count == 0) return b;
  r->charge(uint64_t(ga.count) * (sizeof(Datum) + 1));
  b.values = static_cast<Datum*>(palloc_extended(size_t(ga.count) * sizeof(Datum), MCXT_ALLOC_HUGE));
  b.nulls = static_cast<bool*>(palloc_extended(ga.count, MCXT_ALLOC_HUGE));
  for (uint32_t i = 0; i < ga.count; i++) b.values[i] = readArrayElement(row, ga, i, &b.nulls[i], r, path);
  return b;
}

}  // namespace pgwasm
