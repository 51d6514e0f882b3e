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
