// PG zone. The ABI's base types, one entry each (udf-sdk/ABI.md, "Types"): adding a type
// is adding an entry here. Everything that comes back from a guest is checked before it
// becomes a PostgreSQL value.
#include <bit>

#include "pg.h"

PGWASM_PG_HEADERS_BEGIN
#include "access/detoast.h"
#include "utils/date.h"
#include "utils/datum.h"
#include "utils/uuid.h"
PGWASM_PG_HEADERS_END

#include "type_codec.h"

namespace pgwasm {

namespace {

// --- dates and times, on the Unix epoch --------------------------------------------------
// PostgreSQL counts from 2000-01-01; the guest from 1970-01-01 (UTC for timestamptz).
constexpr int32 kEpochDays = POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE;  // 10957
constexpr int64 kEpochMicros = int64(kEpochDays) * USECS_PER_DAY;

[[noreturn]] void outOfRange(const char* fn, const char* type, const char* detailFmt, long long v) {
  ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                  errmsg("wasm function %s returned a %s out of range", fn, type),
                  errdetail(detailFmt, v),
                  errhint("See udf-sdk/ABI.md for the range of %s values.", type)));
}

uint64_t dateToBits(Datum d, ValuePath*) {
  DateADT v = DatumGetDateADT(d);
  if (DATE_IS_NOBEGIN(v)) return uint32_t(PG_INT32_MIN);
  if (DATE_IS_NOEND(v)) return uint32_t(PG_INT32_MAX);
  return uint32_t(v + kEpochDays);  // valid dates leave room: no wrap
}
Datum dateFromBits(uint64_t bits, const ValueCodec&, ValuePath* path) {
  int32 v = int32(uint32_t(bits));
  DateADT d;
  if (v == PG_INT32_MIN) DATE_NOBEGIN(d);
  else if (v == PG_INT32_MAX) DATE_NOEND(d);
  else {
    d = DateADT(int64(v) - kEpochDays);
    if (int64(v) - kEpochDays < PG_INT32_MIN || !IS_VALID_DATE(d))
      outOfRange(path->functionName, "date", "%lld days from 1970-01-01.", v);
  }
  return DateADTGetDatum(d);
}

uint64_t timeToBits(Datum d, ValuePath*) { return uint64_t(DatumGetTimeADT(d)); }
Datum timeFromBits(uint64_t bits, const ValueCodec&, ValuePath* path) {
  int64 v = int64(bits);
  if (v < 0 || v > USECS_PER_DAY) outOfRange(path->functionName, "time", "%lld microseconds after midnight.", v);
  return TimeADTGetDatum(v);
}

// Finite timestamps later than 294247-01-10 have no Unix-epoch value below INT64_MAX
// (which stands for infinity): they are an ERROR, never a wrapped value.
uint64_t timestampToBits(Datum d, ValuePath* path) {
  Timestamp t = DatumGetTimestamp(d);
  if (TIMESTAMP_IS_NOBEGIN(t)) return uint64_t(PG_INT64_MIN);
  if (TIMESTAMP_IS_NOEND(t)) return uint64_t(PG_INT64_MAX);
  if (t >= PG_INT64_MAX - kEpochMicros)
    ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                    errmsg("timestamp out of range for wasm function %s", path->functionName),
                    errdetail("The ABI carries timestamps up to 294247-01-10 04:00:54.775806 UTC."),
                    errhint("See udf-sdk/ABI.md.")));
  return uint64_t(t + kEpochMicros);
}
Datum timestampFromBits(uint64_t bits, const ValueCodec&, ValuePath* path) {
  int64 v = int64(bits);
  Timestamp t;
  if (v == PG_INT64_MIN) TIMESTAMP_NOBEGIN(t);
  else if (v == PG_INT64_MAX) TIMESTAMP_NOEND(t);
  else {
    if (v < PG_INT64_MIN + kEpochMicros)
      outOfRange(path->functionName, "timestamp", "%lld microseconds from 1970-01-01 00:00:00.", v);
    t = v - kEpochMicros;
    if (!IS_VALID_TIMESTAMP(t))
      outOfRange(path->functionName, "timestamp", "%lld microseconds from 1970-01-01 00:00:00.", v);
  }
  return TimestampGetDatum(t);
}

// --- numbers -------------------------------------------------------------------------------
uint64_t int2ToBits(Datum d, ValuePath*) { return uint32_t(int32(DatumGetInt16(d))); }
Datum int2FromBits(uint64_t bits, const ValueCodec&, ValuePath* path) {
  int32 v = int32(uint32_t(bits));
  if (v < PG_INT16_MIN || v > PG_INT16_MAX)
    ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                    errmsg("wasm function %s returned %d, which is out of range for smallint", path->functionName,
                           v)));
  return Int16GetDatum(int16(v));
}
uint64_t int4ToBits(Datum d, ValuePath*) { return uint32_t(DatumGetInt32(d)); }
Datum int4FromBits(uint64_t bits, const ValueCodec&, ValuePath*) { return Int32GetDatum(int32(uint32_t(bits))); }
uint64_t boolToBits(Datum d, ValuePath*) { return uint32_t(DatumGetBool(d)); }
Datum boolFromBits(uint64_t bits, const ValueCodec&, ValuePath*) { return BoolGetDatum(uint32_t(bits) != 0); }
uint64_t int8ToBits(Datum d, ValuePath*) { return uint64_t(DatumGetInt64(d)); }
Datum int8FromBits(uint64_t bits, const ValueCodec&, ValuePath*) { return Int64GetDatum(int64(bits)); }
uint64_t float4ToBits(Datum d, ValuePath*) { return std::bit_cast<uint32_t>(DatumGetFloat4(d)); }
Datum float4FromBits(uint64_t bits, const ValueCodec&, ValuePath*) {
  return Float4GetDatum(std::bit_cast<float>(uint32_t(bits)));
}
uint64_t float8ToBits(Datum d, ValuePath*) { return std::bit_cast<uint64_t>(DatumGetFloat8(d)); }
Datum float8FromBits(uint64_t bits, const ValueCodec&, ValuePath*) { return Float8GetDatum(std::bit_cast<double>(bits)); }

// --- bytes and text ------------------------------------------------------------------------
GuestBytes varlenaBytes(Datum d) {
  struct varlena* v = PG_DETOAST_DATUM_PACKED(d);
  size_t n = VARSIZE_ANY_EXHDR(v);
  return GuestBytes{VARDATA_ANY(v), uint32_t(n)};
}
GuestBytes textToBytes(Datum d, const ValueCodec&, ValuePath* path) {
  GuestBytes b = varlenaBytes(d);
  if (GetDatabaseEncoding() != PG_UTF8) b.data = toUtf8(path, b.data, b.len, &b.len);
  return b;
}
GuestBytes cstringBytes(const char* s, ValuePath* path) {
  GuestBytes b;
  b.data = toUtf8(path, s, strlen(s), &b.len);
  return b;
}
GuestBytes byteaToBytes(Datum d, const ValueCodec&, ValuePath*) { return varlenaBytes(d); }
GuestBytes nameToBytes(Datum d, const ValueCodec&, ValuePath* path) {
  return cstringBytes(NameStr(*DatumGetName(d)), path);
}
// The exact length of what numeric_out prints for n (its digits, sign and point), read from
// its header: 9e131071 is a few bytes stored and 131072 printed.
uint64_t numericTextLength(const char* n) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(VARDATA_ANY(n));
  uint32_t body = VARSIZE_ANY_EXHDR(n);
  if (body < 2) return 1;
  uint16_t h;
  memcpy(&h, p, 2);
  if ((h & 0xC000) == 0xC000) return h == 0xC000 ? 3 : h == 0xD000 ? 8 : 9;  // NaN, Infinity, -Infinity
  bool neg;
  int weight, dscale;
  uint32_t first;
  if (h & 0x8000) {  // short form
    neg = (h & 0x2000) != 0;
    dscale = (h & 0x1F80) >> 7;
    weight = (h & 0x40) ? int(h & 0x3F) - 64 : int(h & 0x3F);
    first = 2;
  } else {
    if (body < 4) return 1;
    int16_t w;
    memcpy(&w, p + 2, 2);
    neg = (h & 0xC000) == 0x4000;
    dscale = h & 0x3FFF;
    weight = w;
    first = 4;
  }
  uint64_t len = neg ? 1 : 0;
  if (weight < 0) {
    len += 1;
  } else {
    uint16_t dig = 0;
    if (body >= first + 2) memcpy(&dig, p + first, 2);
    len += (dig >= 1000 ? 4 : dig >= 100 ? 3 : dig >= 10 ? 2 : 1) + 4 * uint64_t(weight);
  }
  if (dscale > 0) len += 1 + uint64_t(dscale);
  return len;
}

// The exact length of the text JsonbToCString makes of container c (", " and ": " between
// items, escape_json's escapes, numeric_out's digits), without making it: a jsonb of a few
// kilobytes can print a gigabyte (huge exponents, control characters), so its size is
// checked first.
uint64_t jsonbTextLength(const JsonbContainer* c, uint64_t* visited) {
  check_stack_depth();
  uint32 n = JsonContainerSize(c);
  bool object = JsonContainerIsObject(c);
  uint32 kids = object ? 2 * n : n;
  const char* base = reinterpret_cast<const char*>(&c->children[kids]);
  uint64_t total = JsonContainerIsScalar(c) ? 0 : 2 + (n ? 2 * uint64_t(n - 1) : 0) + (object ? 2 * uint64_t(n) : 0);
  uint32 offset = 0;
  for (uint32 i = 0; i < kids; i++) {
    if (++*visited % kPollEvery == 0) pollInterrupts();
    JEntry e = c->children[i];
    uint32 len = JBE_HAS_OFF(e) ? JBE_OFFLENFLD(e) - offset : JBE_OFFLENFLD(e);
    const char* v = base + offset;
    if (JBE_ISSTRING(e)) {
      total += 2 + len;
      for (uint32 k = 0; k < len; k++) {
        unsigned char ch = static_cast<unsigned char>(v[k]);
        if (ch == '"' || ch == '\\' || ch == '\b' || ch == '\f' || ch == '\n' || ch == '\r' || ch == '\t') total += 1;
        else if (ch < ' ') total += 5;  // \u00XX
      }
    } else if (JBE_ISNUMERIC(e)) {
      total += numericTextLength(base + INTALIGN(offset));
    } else if (JBE_ISBOOL_TRUE(e) || JBE_ISNULL(e)) {
      total += 4;
    } else if (JBE_ISBOOL_FALSE(e)) {
      total += 5;
    } else {
      total += jsonbTextLength(reinterpret_cast<const JsonbContainer*>(base + INTALIGN(offset)), visited);
    }
    offset += len;
  }
  return total;
}
uint64_t jsonbTextBytes(Datum d) {
  Jsonb* j = DatumGetJsonbP(d);
  uint64_t visited = 0;
  uint64_t n = jsonbTextLength(&j->root, &visited);
  if (reinterpret_cast<Pointer>(j) != DatumGetPointer(d)) pfree(j);
  return n;
}

// What n bytes in the database encoding take at least in UTF-8: as many, or 3/4 of them
// (a 4-byte character of EUC_TW or GB18030 may be 3 bytes in UTF-8).
uint64_t utf8Floor(uint64_t n) {
  int enc = GetDatabaseEncoding();
  return enc == PG_UTF8 || enc == PG_SQL_ASCII ? n : n / 4 * 3;
}
// A varlena whose data the guest gets (converted to UTF-8 if text): its stored size,
// known without expanding a compressed value.
uint64_t storedMinBytes(Datum d) { return utf8Floor(toast_raw_datum_size(d) - VARHDRSZ); }
uint64_t jsonbTextMinBytes(Datum d) { return utf8Floor(jsonbTextBytes(d)); }

GuestBytes jsonbToBytes(Datum d, const ValueCodec&, ValuePath* path) {
  Jsonb* j = DatumGetJsonbP(d);
  return cstringBytes(JsonbToCString(nullptr, &j->root, VARSIZE(j)), path);
}
// Compact form: jsonb's binary container (the value without its varlena header), copied
// once; the SDKs read it in place. Its strings are in the database encoding, so outside
// UTF-8 databases the value is rebuilt with its strings in UTF-8 (keys re-sorted).
// Two keys that differ in the database encoding may be one in UTF-8 (EUC_JP maps some
// pairs of characters to one code point): the rebuilt object would silently lose a key,
// so that is an ERROR.
Jsonb* jsonbInUtf8(Jsonb* j, ValuePath* path) {
  JsonbIterator* it = JsonbIteratorInit(&j->root);
  JsonbParseState* state = nullptr;
  JsonbValue v, *res = nullptr;
  JsonbIteratorToken tok;
  int* pairs = nullptr;  // keys of each open object, to compare with what it keeps
  int depth = 0, cap = 0;
  while ((tok = JsonbIteratorNext(&it, &v, false)) != WJB_DONE) {
    if ((tok == WJB_KEY || tok == WJB_VALUE || tok == WJB_ELEM) && v.type == jbvString) {
      uint32_t n;
      v.val.string.val = const_cast<char*>(toUtf8(path, v.val.string.val, v.val.string.len, &n));
      v.val.string.len = int(n);
    }
    if (tok == WJB_BEGIN_OBJECT || tok == WJB_BEGIN_ARRAY) {
      if (depth == cap) {
        cap = cap ? cap * 2 : 16;
        pairs = static_cast<int*>(pairs ? repalloc(pairs, sizeof(int) * cap) : palloc(sizeof(int) * cap));
      }
      pairs[depth++] = 0;
    }
    if (tok == WJB_KEY) pairs[depth - 1]++;
    // BEGIN_ARRAY's value says whether the array is a raw scalar's wrapper.
    res = pushJsonbValue(&state, tok, tok < WJB_END_ARRAY ? &v : nullptr);
    if (tok == WJB_END_OBJECT || tok == WJB_END_ARRAY) {
      depth--;
      const JsonbValue* done = res;  // the container just finished (its keys made unique)
      if (tok == WJB_END_OBJECT && done->val.object.nPairs != pairs[depth])
        ereport(ERROR, (errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
                        errmsg("a jsonb argument of wasm function %s has keys that are one key in UTF-8",
                               path->functionName),
                        errdetail("An object of %d keys has %d once its keys are converted from %s.", pairs[depth],
                                  done->val.object.nPairs, GetDatabaseEncodingName()),
                        errhint("Pass it as JSON text (an export without the compact jsonb marker), or use a "
                                "UTF-8 database.")));
    }
  }
  return JsonbValueToJsonb(res);
}
GuestBytes compactJsonbToBytes(Datum d, const ValueCodec&, ValuePath* path) {
  if (GetDatabaseEncoding() != PG_UTF8) {
    Jsonb* j = jsonbInUtf8(DatumGetJsonbP(d), path);
    return GuestBytes{reinterpret_cast<const char*>(&j->root), uint32_t(VARSIZE(j) - VARHDRSZ)};
  }
  return varlenaBytes(d);  // a short header too: the guest's copy is aligned, not this one
}
GuestBytes numericToBytes(Datum d, const ValueCodec&, ValuePath*) {
  const char* s = DatumGetCString(DirectFunctionCall1(numeric_out, d));  // ASCII
  return GuestBytes{s, uint32_t(strlen(s))};
}
GuestBytes enumToBytes(Datum d, const ValueCodec&, ValuePath* path) {
  return cstringBytes(DatumGetCString(DirectFunctionCall1(enum_out, d)), path);
}

// Guest text: valid UTF-8 without NUL bytes before anything else sees it, then in the
// database encoding as a C string.
char* guestString(const char* p, uint32_t len, const char* what, ValuePath* path) {
  if (!pg_verify_mbstr(PG_UTF8, p, int(len), true)) {
    long long at = path->mem ? (long long)(reinterpret_cast<const uint8_t*>(p) - path->mem) : -1;
    ereport(ERROR, (errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
                    errmsg("wasm function %s returned %s that is not valid UTF-8", path->functionName, what),
                    errdetail("%u bytes at address %lld of its memory.", len, at),
                    errhint("Return text results as UTF-8 without NUL bytes; use bytea for binary data.")));
  }
  char* copy = static_cast<char*>(palloc(size_t(len) + 1));
  memcpy(copy, p, len);
  copy[len] = '\0';
  char* converted = fromUtf8(path, copy, len);
  if (converted != copy) pfree(copy);
  return converted;
}
// A value made by a type's input function from guest text, with the path's note. Input
// functions that build a tree of the whole value (jsonb's, a hundred times its text) run in
// a context of their own under the call's, deleted once the value is copied out, or with
// the call's context when the input is refused: nothing of it outlives the call.
Datum readAs(const char* p, uint32_t len, const char* what, const char* typeName, PGFunction in, Datum arg1,
             Datum arg2, ValuePath* path, bool isolate = false, int16 typlen = -1) {
  MemoryContext caller = CurrentMemoryContext, own = nullptr;
  if (isolate) {
    own = AllocSetContextCreate(caller, "wasm result parse", ALLOCSET_DEFAULT_SIZES);
    MemoryContextSwitchTo(own);
  }
  char* s = guestString(p, len, what, path);
  path->note = ValuePath::ReadAs;
  path->readAs = typeName;
  Datum v = DirectFunctionCall3(in, CStringGetDatum(s), arg1, arg2);
  path->note = ValuePath::None;
  MemoryContextSwitchTo(caller);
  if (own) {
    v = datumCopy(v, false, typlen);
    MemoryContextDelete(own);
  } else {
    pfree(s);  // the value is a copy: a large result is not held twice
  }
  return v;
}

// What jsonb_in may allocate for JSON text: its tree holds a value of about 64 bytes for
// each scalar and up to 640 for each array or object (an empty object's pair array and
// parse state: "[{},{},...]" costs two hundred times its length); counted outside strings.
uint64_t jsonbBuildCost(const char* p, uint32_t len) {
  uint64_t containers = 0, items = 0;
  bool inString = false;
  for (uint32_t i = 0; i < len; i++) {
    char ch = p[i];
    if (inString) {
      if (ch == '\\') i++;
      else if (ch == '"') inString = false;
      continue;
    }
    switch (ch) {
      case '"': inString = true; items++; break;
      case '[':
      case '{': containers++; break;
      case ',':
      case ':': items++; break;
      default: break;
    }
  }
  return 4 * uint64_t(len) + 640 * containers + 128 * items;
}

Datum textFromBytes(const char* p, uint32_t len, const ValueCodec&, ValuePath* path) {
  char* s = guestString(p, len, "text", path);
  Datum v = PointerGetDatum(cstring_to_text(s));
  pfree(s);
  return v;
}
Datum byteaFromBytes(const char* p, uint32_t len, const ValueCodec&, ValuePath*) {
  bytea* out = static_cast<bytea*>(palloc(VARHDRSZ + size_t(len)));
  SET_VARSIZE(out, VARHDRSZ + len);
  memcpy(VARDATA(out), p, len);
  return PointerGetDatum(out);
}
Datum nameFromBytes(const char* p, uint32_t len, const ValueCodec&, ValuePath* path) {
  // namein: cut at NAMEDATALEN - 1 bytes on a character boundary, as PostgreSQL does.
  return readAs(p, len, "text", "name", namein, 0, 0, path);
}
Datum jsonbFromBytes(const char* p, uint32_t len, const ValueCodec&, ValuePath* path) {
  return readAs(p, len, "JSON", "jsonb", jsonb_in, 0, 0, path, true);
}
Datum jsonFromBytes(const char* p, uint32_t len, const ValueCodec&, ValuePath* path) {
  return readAs(p, len, "JSON", "json", json_in, 0, 0, path);
}
Datum numericFromBytes(const char* p, uint32_t len, const ValueCodec&, ValuePath* path) {
  return readAs(p, len, "numeric text", "numeric", numeric_in, ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1),
                path);
}
Datum enumFromBytes(const char* p, uint32_t len, const ValueCodec& c, ValuePath* path) {
  return readAs(p, len, "an enum label", c.typeName, enum_in, ObjectIdGetDatum(c.base), 0, path);
}

// --- fixed-size blocks ---------------------------------------------------------------------
GuestBytes uuidToBytes(Datum d, const ValueCodec&, ValuePath*) {
  return GuestBytes{reinterpret_cast<const char*>(DatumGetUUIDP(d)->data), UUID_LEN};
}
// By value: the 16 bytes as two big-endian halves (hi: bytes 0-7), so (hi >> 12) & 15 is
// the version.
void uuidToSplit(Datum d, uint64_t* params) {
  const uint8_t* b = DatumGetUUIDP(d)->data;
  uint64_t hi, lo;
  memcpy(&hi, b, 8);
  memcpy(&lo, b + 8, 8);
  params[0] = __builtin_bswap64(hi);  // x86-64 is little-endian: the halves read big-endian
  params[1] = __builtin_bswap64(lo);
}
Datum uuidFromBytes(const char* p, uint32_t, const ValueCodec&, ValuePath*) {
  pg_uuid_t* u = static_cast<pg_uuid_t*>(palloc(sizeof(pg_uuid_t)));
  memcpy(u->data, p, UUID_LEN);
  return UUIDPGetDatum(u);
}
// Interval {int64 time (microseconds); int32 day; int32 month}: PostgreSQL's own layout.
static_assert(sizeof(Interval) == 16 && offsetof(Interval, time) == 0 && offsetof(Interval, day) == 8 &&
                  offsetof(Interval, month) == 12,
              "Interval is the ABI's layout");
GuestBytes intervalToBytes(Datum d, const ValueCodec&, ValuePath*) {
  return GuestBytes{reinterpret_cast<const char*>(DatumGetIntervalP(d)), 16};
}
void intervalToSplit(Datum d, uint64_t* params) {
  const Interval* v = DatumGetIntervalP(d);
  params[0] = uint64_t(v->time);
  params[1] = uint32_t(v->day);
  params[2] = uint32_t(v->month);
}
Datum intervalFromBytes(const char* p, uint32_t, const ValueCodec&, ValuePath*) {
  Interval* v = static_cast<Interval*>(palloc(sizeof(Interval)));
  memcpy(v, p, 16);
  return IntervalPGetDatum(v);
}

// The Datums of the datumBits types hold the Wasm value as it is (float8 by value).
static_assert(FLOAT8PASSBYVAL, "float8 Datums are its bits");

struct Entry {
  Oid type;
  TypeRule rule;
};

#define SCALAR(oid, name, form, abi, slot, rawIn, rawOut, bits, fn)                                              \
  {oid,                                                                                                          \
   {name, Form::form, abi, slot, 0, nullptr, rawIn, rawOut, bits, fn##ToBits, fn##FromBits, nullptr, nullptr, 0, {}, \
    nullptr, nullptr}}
#define BYTES(oid, name, abi, minBytes, to, from, cost) \
  {oid, {name, Form::Bytes, abi, 8, 1, minBytes, false, false, false, nullptr, nullptr, to, from, 0, {}, nullptr, cost}}
#define BLOCK(oid, name, slot, fn, split, ...)                                                                     \
  {oid,                                                                                                            \
   {name, Form::Block, 2, slot, 8, nullptr, true, true, false, nullptr, nullptr, fn##ToBytes, fn##FromBytes, split, \
    {__VA_ARGS__}, fn##ToSplit, nullptr}}
using wasm::ValType;

const Entry kRules[] = {
    SCALAR(INT2OID, "smallint", I32, 1, 2, true, true, true, int2),
    SCALAR(INT4OID, "integer", I32, 1, 4, true, true, true, int4),
    SCALAR(BOOLOID, "boolean", I32, 1, 1, true, false, true, bool),
    SCALAR(INT8OID, "bigint", I64, 1, 8, true, true, true, int8),
    SCALAR(FLOAT4OID, "real", F32, 1, 4, true, true, true, float4),
    SCALAR(FLOAT8OID, "double precision", F64, 1, 8, true, true, true, float8),
    SCALAR(DATEOID, "date", I32, 2, 4, false, false, false, date),
    SCALAR(TIMEOID, "time", I64, 2, 8, true, false, true, time),
    SCALAR(TIMESTAMPOID, "timestamp", I64, 2, 8, false, false, false, timestamp),
    SCALAR(TIMESTAMPTZOID, "timestamptz", I64, 2, 8, false, false, false, timestamp),
    BYTES(TEXTOID, "text", 1, storedMinBytes, textToBytes, textFromBytes, nullptr),
    BYTES(VARCHAROID, "varchar", 1, storedMinBytes, textToBytes, textFromBytes, nullptr),
    BYTES(BPCHAROID, "char(n)", 2, storedMinBytes, textToBytes, textFromBytes, nullptr),
    BYTES(NAMEOID, "name", 2, nullptr, nameToBytes, nameFromBytes, nullptr),
    BYTES(BYTEAOID, "bytea", 1, storedMinBytes, byteaToBytes, byteaFromBytes, nullptr),
    BYTES(JSONBOID, "jsonb", 1, jsonbTextMinBytes, jsonbToBytes, jsonbFromBytes, jsonbBuildCost),
    BYTES(JSONOID, "json", 2, storedMinBytes, textToBytes, jsonFromBytes, nullptr),
    BYTES(NUMERICOID, "numeric", 2, nullptr, numericToBytes, numericFromBytes, nullptr),
    BLOCK(UUIDOID, "uuid", 16, uuid, 2, ValType::I64, ValType::I64),
    BLOCK(INTERVALOID, "interval", 16, interval, 3, ValType::I64, ValType::I32, ValType::I32),
};
const TypeRule kEnumRule = {"enum", Form::Bytes, 2, 8, 1, nullptr, false, false, false, nullptr, nullptr,
                             enumToBytes, enumFromBytes, 0, {}, nullptr, nullptr};
// Aligned like the container's own uint32 words; results stay JSON text.
const TypeRule kCompactJsonbRule = {"jsonb", Form::Bytes, 2, 8, 4, storedMinBytes, false, false, false, nullptr, nullptr,
                                    compactJsonbToBytes, jsonbFromBytes, 0, {}, nullptr, jsonbBuildCost};

}  // namespace

const TypeRule* findTypeRule(Oid base, char typtype) {
  if (typtype == TYPTYPE_ENUM) return &kEnumRule;
  for (const Entry& e : kRules)
    if (e.type == base) return &e.rule;
  return nullptr;
}

const TypeRule* compactJsonbRule() { return &kCompactJsonbRule; }

const char* supportedTypesText() {
  return "smallint, integer, bigint, boolean, real, double precision, numeric, text, varchar, char(n), name, "
         "bytea, json, jsonb, uuid, date, time, timestamp, timestamptz, interval, enum types, one-dimensional "
         "arrays of these, and composite types";
}

}  // namespace pgwasm
