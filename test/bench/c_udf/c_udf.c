/* c_udf: LANGUAGE C versions of the functions udf_bench.sh times, written the ordinary
 * PostgreSQL way (version-1 calling convention, text detoasted with PG_GETARG_TEXT_PP).
 * Their semantics match the Wasm examples in udf-sdk/examples (math.c, text.c). */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;

/* x + 1, wrapping on overflow like the Wasm i64.add of math.wasm's add_one. */
PG_FUNCTION_INFO_V1(c_add_one);
Datum c_add_one(PG_FUNCTION_ARGS) {
  int64 x = PG_GETARG_INT64(0);
  PG_RETURN_INT64((int64)((uint64)x + 1));
}

/* Number of Collatz steps from n down to 1 (n even -> n/2, odd -> 3n+1); 0 for n <= 1. */
PG_FUNCTION_INFO_V1(c_collatz);
Datum c_collatz(PG_FUNCTION_ARGS) {
  int64 n = PG_GETARG_INT64(0);
  int32 steps = 0;
  while (n > 1) {
    n = (n & 1) ? (int64)(3 * (uint64)n + 1) : n / 2;
    steps++;
  }
  PG_RETURN_INT32(steps);
}

/* Number of ASCII vowels (a, e, i, o, u in either case) in the text's bytes. */
PG_FUNCTION_INFO_V1(c_vowels);
Datum c_vowels(PG_FUNCTION_ARGS) {
  text* t = PG_GETARG_TEXT_PP(0);
  const char* s = VARDATA_ANY(t);
  int len = VARSIZE_ANY_EXHDR(t);
  int32 n = 0;
  for (int i = 0; i < len; i++) {
    switch (s[i] | 0x20) {
      case 'a': case 'e': case 'i': case 'o': case 'u': n++;
    }
  }
  PG_FREE_IF_COPY(t, 0);
  PG_RETURN_INT32(n);
}

/* --- the baselines of types_bench.sh (ABI version 2 types) ------------------------------- */
#include "access/htup_details.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
#include "utils/uuid.h"

/* The elements of a float8[] without NULLs (ERROR otherwise), and their count. */
static const double* float8_elements(ArrayType* a, int* n) {
  if (ARR_NDIM(a) > 1 || ARR_HASNULL(a) || ARR_ELEMTYPE(a) != FLOAT8OID)
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("expected a float8[] without NULLs")));
  *n = ARR_NDIM(a) ? ARR_DIMS(a)[0] : 0;
  return (const double*)ARR_DATA_PTR(a);
}

/* Sum of a float8[]'s elements (vectors.c vec_sum). */
PG_FUNCTION_INFO_V1(c_vec_sum);
Datum c_vec_sum(PG_FUNCTION_ARGS) {
  ArrayType* a = PG_GETARG_ARRAYTYPE_P(0);
  int n;
  const double* x = float8_elements(a, &n);
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i];
  PG_RETURN_FLOAT8(s);
}

/* Dot product of two float8[] of the same length, else NULL (vectors.c dot). */
PG_FUNCTION_INFO_V1(c_dot);
Datum c_dot(PG_FUNCTION_ARGS) {
  ArrayType *a = PG_GETARG_ARRAYTYPE_P(0), *b = PG_GETARG_ARRAYTYPE_P(1);
  int na, nb;
  const double *x = float8_elements(a, &na), *y = float8_elements(b, &nb);
  double s = 0;
  if (na != nb) PG_RETURN_NULL();
  for (int i = 0; i < na; i++) s += x[i] * y[i];
  PG_RETURN_FLOAT8(s);
}

/* The sum of a ten-column row's fields (rows.c row10_sum): int, bigint, float8, int,
 * float8, int, bigint, float8, int, float8; NULL fields count 0. */
PG_FUNCTION_INFO_V1(c_row10_sum);
Datum c_row10_sum(PG_FUNCTION_ARGS) {
  HeapTupleHeader t = PG_GETARG_HEAPTUPLEHEADER(0);
  TupleDesc desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(t), HeapTupleHeaderGetTypMod(t));
  HeapTupleData tuple;
  Datum values[10];
  bool nulls[10];
  double s;
  if (desc->natts != 10) elog(ERROR, "expected a row of 10 columns");
  tuple.t_len = HeapTupleHeaderGetDatumLength(t);
  ItemPointerSetInvalid(&tuple.t_self);
  tuple.t_tableOid = InvalidOid;
  tuple.t_data = t;
  heap_deform_tuple(&tuple, desc, values, nulls);
  ReleaseTupleDesc(desc);
#define I32(i) (nulls[i] ? 0 : DatumGetInt32(values[i]))
#define I64(i) (nulls[i] ? 0 : (double)DatumGetInt64(values[i]))
#define F64(i) (nulls[i] ? 0 : DatumGetFloat8(values[i]))
  s = I32(0) + I64(1) + F64(2) + I32(3) + F64(4) + I32(5) + I64(6) + F64(7) + I32(8) + F64(9);
  PG_RETURN_FLOAT8(s);
}

/* The start of the hour of a timestamptz, on the Unix epoch as the Wasm version computes it
 * (types_bench.wasm hour_start); infinities stay. */
PG_FUNCTION_INFO_V1(c_hour_start);
Datum c_hour_start(PG_FUNCTION_ARGS) {
  TimestampTz t = PG_GETARG_TIMESTAMPTZ(0);
  const int64 hour = INT64CONST(3600000000);
  int64 u, q;
  if (TIMESTAMP_NOT_FINITE(t)) PG_RETURN_TIMESTAMPTZ(t);
  u = t + (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY;
  q = u / hour - (u % hour != 0 && u < 0);
  PG_RETURN_TIMESTAMPTZ(q * hour - (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * USECS_PER_DAY);
}

/* A uuid's version nibble (types.c uuid_version). */
PG_FUNCTION_INFO_V1(c_uuid_version);
Datum c_uuid_version(PG_FUNCTION_ARGS) {
  pg_uuid_t* u = PG_GETARG_UUID_P(0);
  PG_RETURN_INT32(u->data[6] >> 4);
}

/* --- kinds_bench.sh (issue 11): a set-returning function and a trigger ------------------ */
#include "funcapi.h"
#include "commands/trigger.h"
#include "executor/spi.h"
#include "utils/builtins.h"

/* c_series(lo, hi) RETURNS SETOF bigint: lo..hi, value per call (as sets.c's series). */
PG_FUNCTION_INFO_V1(c_series);
Datum c_series(PG_FUNCTION_ARGS) {
  FuncCallContext* fctx;
  int64* state;
  if (SRF_IS_FIRSTCALL()) {
    MemoryContext old;
    fctx = SRF_FIRSTCALL_INIT();
    old = MemoryContextSwitchTo(fctx->multi_call_memory_ctx);
    state = (int64*)palloc(3 * sizeof(int64));
    state[0] = PG_GETARG_INT64(0);
    state[1] = PG_GETARG_INT64(1);
    state[2] = state[0] > state[1];  /* done */
    fctx->user_fctx = state;
    MemoryContextSwitchTo(old);
  }
  fctx = SRF_PERCALL_SETUP();
  state = (int64*)fctx->user_fctx;
  if (!state[2]) {
    int64 v = state[0];
    if (v == state[1]) state[2] = 1;
    else state[0]++;
    SRF_RETURN_NEXT(fctx, Int64GetDatum(v));
  }
  SRF_RETURN_DONE(fctx);
}

/* c_normalize_email(): the BEFORE ROW trigger of triggers.c's normalize_email, over the
 * column named by TG_ARGV[0] (default "email"): trimmed, ASCII lower-cased, the row
 * skipped when the address has no '@' in the middle. */
PG_FUNCTION_INFO_V1(c_normalize_email);
Datum c_normalize_email(PG_FUNCTION_ARGS) {
  TriggerData* td = (TriggerData*)fcinfo->context;
  HeapTuple row;
  TupleDesc desc;
  const char* colname;
  int col;
  bool isnull;
  Datum d;
  text* t;
  const char* s;
  int len, at = 0;
  char* out;
  if (!CALLED_AS_TRIGGER(fcinfo)) elog(ERROR, "c_normalize_email: not called as a trigger");
  row = TRIGGER_FIRED_BY_UPDATE(td->tg_event) ? td->tg_newtuple : td->tg_trigtuple;
  desc = RelationGetDescr(td->tg_relation);
  colname = td->tg_trigger->tgnargs > 0 ? td->tg_trigger->tgargs[0] : "email";
  col = SPI_fnumber(desc, colname);
  if (col <= 0) elog(ERROR, "c_normalize_email: no column %s", colname);
  d = heap_getattr(row, col, desc, &isnull);
  if (isnull) return PointerGetDatum(row);
  t = DatumGetTextPP(d);
  s = VARDATA_ANY(t);
  len = VARSIZE_ANY_EXHDR(t);
  while (len && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')) s++, len--;
  while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r')) len--;
  out = palloc(len + 1);
  for (int i = 0; i < len; i++) {
    out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    if (out[i] == '@' && !at) at = i;
  }
  if (at == 0 || at == len - 1) return PointerGetDatum(NULL);
  {
    int cols[1] = {col};
    Datum vals[1];
    bool nulls[1] = {false};
    vals[0] = PointerGetDatum(cstring_to_text_with_len(out, len));
    return PointerGetDatum(heap_modify_tuple_by_cols(row, desc, 1, cols, vals, nulls));
  }
}

/* c_sum_step(bigint state, bigint v): the transition (and combine) function of c_sum, a
 * bigint sum with a bigint state (as sum(integer) has), wrapping like aggregates.c's. */
PG_FUNCTION_INFO_V1(c_sum_step);
Datum c_sum_step(PG_FUNCTION_ARGS) {
  PG_RETURN_INT64((int64)((uint64)PG_GETARG_INT64(0) + (uint64)PG_GETARG_INT64(1)));
}
