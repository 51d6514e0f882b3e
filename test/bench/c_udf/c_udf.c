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
