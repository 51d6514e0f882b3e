/* Aggregates whose transition state the guest keeps (a wasm.state: udf-sdk/ABI.md,
 * "Aggregate states"): a state is a handle, here the address of a malloc'd struct, updated
 * in place row after row, with no copy or serialisation per row. pgwasm_state_save and
 * pgwasm_state_load turn states into bytes and back, for parallel plans (each worker's
 * partial state goes to the leader, which combines them) and wherever else a state leaves
 * its instance. Each state starts with its kind, so that one pair of save and load serves
 * every aggregate of the module.
 *
 *   CREATE FUNCTION sum_step(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm AS 'aggregates:sum_step';
 *   CREATE FUNCTION sum_final(wasm.state) RETURNS bigint LANGUAGE wasm AS 'aggregates:sum_final';
 *   CREATE FUNCTION sum_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm AS 'aggregates:sum_combine';
 *   CREATE AGGREGATE wsum(bigint) (SFUNC = sum_step, STYPE = wasm.state, FINALFUNC = sum_final,
 *                                  COMBINEFUNC = sum_combine, PARALLEL = SAFE);
 */
#include <pgwasm.h>
#include <stdio.h>
#include <stdlib.h>

enum { KIND_SUM = 1, KIND_VALUES = 2, KIND_HLL = 3 };

/* --- sum and count (and a moving average, with an inverse) --- */
typedef struct {
  uint32_t kind;
  int64_t sum, count;
} sum_state;

static sum_state* new_sum(void) {
  sum_state* s = (sum_state*)calloc(1, sizeof(sum_state));
  if (!s) __builtin_trap();
  s->kind = KIND_SUM;
  return s;
}

/* sum_step(state, bigint): NULL inputs are skipped (declared without STRICT: the first
 * call gets state 0). */
PGWASM_EXPORT(sum_step) uint32_t sum_step(uint32_t state, int64_t v) {
  sum_state* s = state ? (sum_state*)(uintptr_t)state : new_sum();
  if (!pgwasm_arg_is_null(1)) {
    s->sum += v;
    s->count++;
  }
  return (uint32_t)(uintptr_t)s;
}
/* sum_add(state, bigint), for a STRICT transition function of an aggregate declared with
 * INITCOND = 'new': PostgreSQL skips NULL inputs itself, and the first call gets state 0
 * (no pgwasm_arg_is_null call per row). */
PGWASM_EXPORT(sum_add) uint32_t sum_add(uint32_t state, int64_t v) {
  sum_state* s = state ? (sum_state*)(uintptr_t)state : new_sum();
  s->sum += v;
  s->count++;
  return (uint32_t)(uintptr_t)s;
}
/* Batches (udf-sdk/ABI.md, "Aggregate states"): in an aggregate, the host hands a
 * transition function's rows over many at a time to pgwasm_batch__<export>(state, values,
 * nulls, count), which must do what count calls would: one 8-byte slot and one NULL byte
 * per argument after the state, row after row. */
PGWASM_EXPORT(pgwasm_batch__sum_step)
uint32_t sum_step_batch(uint32_t state, const int64_t* values, const uint8_t* nulls, uint32_t count) {
  sum_state* s = (sum_state*)(uintptr_t)state;
  for (uint32_t i = 0; i < count; i++)
    if (!nulls[i]) {
      s->sum += values[i];
      s->count++;
    }
  return state;
}
PGWASM_EXPORT(pgwasm_batch__sum_add)
uint32_t sum_add_batch(uint32_t state, const int64_t* values, const uint8_t* nulls, uint32_t count) {
  (void)nulls; /* STRICT: PostgreSQL passes no NULL */
  sum_state* s = (sum_state*)(uintptr_t)state;
  int64_t sum = 0;
  for (uint32_t i = 0; i < count; i++) sum += values[i];
  s->sum += sum;
  s->count += count;
  return state;
}

/* sum_of(bigint): a state of one value, made by a function of one argument. */
PGWASM_EXPORT(sum_of) uint32_t sum_of(int64_t v) {
  sum_state* s = new_sum();
  if (!pgwasm_arg_is_null(0)) {
    s->sum = v;
    s->count = 1;
  }
  return (uint32_t)(uintptr_t)s;
}
/* sum_show(state): prints the state (a NOTICE naming the function) and returns its count. */
PGWASM_EXPORT(sum_show) int64_t sum_show(uint32_t state) {
  sum_state* s = (sum_state*)(uintptr_t)state;
  if (!s) return pgwasm_return_null();
  printf("sum %lld of %lld\n", (long long)s->sum, (long long)s->count);
  return s->count;
}
/* The inverse, for moving aggregates in windows: a row leaves the frame. */
PGWASM_EXPORT(sum_unstep) uint32_t sum_unstep(uint32_t state, int64_t v) {
  sum_state* s = (sum_state*)(uintptr_t)state;
  if (!s) __builtin_trap();
  if (!pgwasm_arg_is_null(1)) {
    s->sum -= v;
    s->count--;
  }
  return state;
}
PGWASM_EXPORT(sum_final) int64_t sum_final(uint32_t state) {
  sum_state* s = (sum_state*)(uintptr_t)state;
  if (!s || s->count == 0) return pgwasm_return_null();
  return s->sum;
}
PGWASM_EXPORT(avg_final) double avg_final(uint32_t state) {
  sum_state* s = (sum_state*)(uintptr_t)state;
  if (!s || s->count == 0) return pgwasm_return_null();
  return (double)s->sum / (double)s->count;
}
PGWASM_EXPORT(sum_combine) uint32_t sum_combine(uint32_t a, uint32_t b) {
  if (!a) return b;
  if (!b) return a;
  sum_state *x = (sum_state*)(uintptr_t)a, *y = (sum_state*)(uintptr_t)b;
  x->sum += y->sum;
  x->count += y->count;
  return a;
}

/* --- the values themselves: a median and percentiles (exact) --- */
typedef struct {
  uint32_t kind, pad;
  uint32_t count, cap;
  double* v;
} values_state;

static values_state* new_values(void) {
  values_state* s = (values_state*)calloc(1, sizeof(values_state));
  if (!s) __builtin_trap();
  s->kind = KIND_VALUES;
  return s;
}
static void push_value(values_state* s, double x) {
  if (s->count == s->cap) {
    uint32_t cap = s->cap ? s->cap * 2 : 64;
    double* v = (double*)realloc(s->v, (size_t)cap * sizeof(double));
    if (!v || cap < s->cap) __builtin_trap(); /* past wasm.memory_limit: the statement fails */
    s->v = v;
    s->cap = cap;
  }
  s->v[s->count++] = x;
}
PGWASM_EXPORT(values_step) uint32_t values_step(uint32_t state, double x) {
  values_state* s = state ? (values_state*)(uintptr_t)state : new_values();
  if (!pgwasm_arg_is_null(1)) push_value(s, x);
  return (uint32_t)(uintptr_t)s;
}
PGWASM_EXPORT(pgwasm_batch__values_step)
uint32_t values_step_batch(uint32_t state, const double* values, const uint8_t* nulls, uint32_t count) {
  values_state* s = (values_state*)(uintptr_t)state;
  for (uint32_t i = 0; i < count; i++)
    if (!nulls[i]) push_value(s, values[i]);
  return state;
}
PGWASM_EXPORT(values_combine) uint32_t values_combine(uint32_t a, uint32_t b) {
  if (!a) return b;
  if (!b) return a;
  values_state *x = (values_state*)(uintptr_t)a, *y = (values_state*)(uintptr_t)b;
  for (uint32_t i = 0; i < y->count; i++) push_value(x, y->v[i]);
  return a;
}
static int cmp_double(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}
/* percentile_cont semantics: linear interpolation between the two nearest ranks. */
static double percentile(values_state* s, double p) {
  qsort(s->v, s->count, sizeof(double), cmp_double);
  double pos = p * (double)(s->count - 1);
  uint32_t lo = (uint32_t)pos;
  double frac = pos - (double)lo;
  if (lo + 1 >= s->count) return s->v[lo];
  return s->v[lo] + frac * (s->v[lo + 1] - s->v[lo]);
}
PGWASM_EXPORT(median_final) double median_final(uint32_t state) {
  values_state* s = (values_state*)(uintptr_t)state;
  if (!s || s->count == 0) return pgwasm_return_null();
  return percentile(s, 0.5);
}
/* p90_final: the 90th percentile. */
PGWASM_EXPORT(p90_final) double p90_final(uint32_t state) {
  values_state* s = (values_state*)(uintptr_t)state;
  if (!s || s->count == 0) return pgwasm_return_null();
  return percentile(s, 0.9);
}

/* --- approximate count distinct: HyperLogLog with 2^12 registers --- */
#define HLL_P 12
#define HLL_M (1u << HLL_P)
typedef struct {
  uint32_t kind;
  uint8_t reg[HLL_M];
} hll_state;

static uint64_t mix64(uint64_t x) { /* splitmix64's finaliser */
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
static hll_state* new_hll(void) {
  hll_state* s = (hll_state*)calloc(1, sizeof(hll_state));
  if (!s) __builtin_trap();
  s->kind = KIND_HLL;
  return s;
}
static void hll_add(hll_state* s, uint64_t h) {
  uint32_t idx = (uint32_t)(h >> (64 - HLL_P));
  uint64_t rest = (h << HLL_P) | (1ull << (HLL_P - 1));
  uint8_t rank = (uint8_t)(__builtin_clzll(rest) + 1);
  if (rank > s->reg[idx]) s->reg[idx] = rank;
}
PGWASM_EXPORT(hll_step) uint32_t hll_step(uint32_t state, int64_t v) {
  hll_state* s = state ? (hll_state*)(uintptr_t)state : new_hll();
  if (!pgwasm_arg_is_null(1)) hll_add(s, mix64((uint64_t)v));
  return (uint32_t)(uintptr_t)s;
}
PGWASM_EXPORT(hll_text_step) uint32_t hll_text_step(uint32_t state, const char* p, uint32_t len) {
  hll_state* s = state ? (hll_state*)(uintptr_t)state : new_hll();
  if (!pgwasm_arg_is_null(1)) {
    uint64_t h = 1469598103934665603ull; /* FNV-1a, then mixed */
    for (uint32_t i = 0; i < len; i++) h = (h ^ (uint8_t)p[i]) * 1099511628211ull;
    hll_add(s, mix64(h));
  }
  return (uint32_t)(uintptr_t)s;
}
PGWASM_EXPORT(hll_combine) uint32_t hll_combine(uint32_t a, uint32_t b) {
  if (!a) return b;
  if (!b) return a;
  hll_state *x = (hll_state*)(uintptr_t)a, *y = (hll_state*)(uintptr_t)b;
  for (uint32_t i = 0; i < HLL_M; i++)
    if (y->reg[i] > x->reg[i]) x->reg[i] = y->reg[i];
  return a;
}
PGWASM_EXPORT(hll_final) int64_t hll_final(uint32_t state) {
  hll_state* s = (hll_state*)(uintptr_t)state;
  if (!s) return 0;
  double sum = 0;
  uint32_t zeros = 0;
  for (uint32_t i = 0; i < HLL_M; i++) {
    sum += 1.0 / (double)(1ull << s->reg[i]);
    zeros += s->reg[i] == 0;
  }
  double m = HLL_M, alpha = 0.7213 / (1 + 1.079 / m);
  double e = alpha * m * m / sum;
  if (e <= 2.5 * m && zeros) e = m * __builtin_log(m / zeros); /* small ranges: linear counting */
  return (int64_t)(e + 0.5);
}

/* --- states as bytes: [kind][payload] --- */
PGWASM_EXPORT(pgwasm_state_save) pgwasm_result pgwasm_state_save(uint32_t state) {
  uint32_t kind = *(uint32_t*)(uintptr_t)state;
  switch (kind) {
    case KIND_SUM: return pgwasm_return_bytes((const void*)(uintptr_t)state, sizeof(sum_state));
    case KIND_HLL: return pgwasm_return_bytes((const void*)(uintptr_t)state, sizeof(hll_state));
    case KIND_VALUES: {
      values_state* s = (values_state*)(uintptr_t)state;
      uint64_t n = 8 + (uint64_t)s->count * 8;
      uint8_t* b = (uint8_t*)pgwasm_palloc((uint32_t)n);
      if (!b || n > UINT32_MAX) __builtin_trap();
      memcpy(b, &s->kind, 4);
      memcpy(b + 4, &s->count, 4);
      memcpy(b + 8, s->v, (size_t)s->count * 8);
      return pgwasm_return_bytes(b, (uint32_t)n);
    }
    default: __builtin_trap(); /* not a state of this module */
  }
}
/* Bytes from pgwasm_state_save (maybe of another instance, maybe hostile): a new state, or
 * 0 for bytes that are not one. */
PGWASM_EXPORT(pgwasm_state_load) uint32_t pgwasm_state_load(const uint8_t* p, uint32_t len) {
  uint32_t kind;
  if (len < 4) return 0;
  memcpy(&kind, p, 4);
  if (kind == KIND_SUM && len == sizeof(sum_state)) {
    sum_state* s = new_sum();
    memcpy(s, p, sizeof *s);
    return (uint32_t)(uintptr_t)s;
  }
  if (kind == KIND_HLL && len == sizeof(hll_state)) {
    hll_state* s = new_hll();
    memcpy(s, p, sizeof *s);
    for (uint32_t i = 0; i < HLL_M; i++)
      if (s->reg[i] > 64 - HLL_P + 1) return 0;
    return (uint32_t)(uintptr_t)s;
  }
  if (kind == KIND_VALUES && len >= 8) {
    uint32_t count;
    memcpy(&count, p + 4, 4);
    if ((uint64_t)count * 8 != (uint64_t)len - 8) return 0;
    values_state* s = new_values();
    for (uint32_t i = 0; i < count; i++) {
      double x;
      memcpy(&x, p + 8 + (size_t)i * 8, 8);
      push_value(s, x);
    }
    return (uint32_t)(uintptr_t)s;
  }
  return 0;
}

/* bad_state_step(state, int): returns a handle the module never gave out (how 1), 0 at the
 * second call (how 2: a NULL state), or a state that grows by 1 MB a row (how 3). */
PGWASM_EXPORT(bad_state_step) uint32_t bad_state_step(uint32_t state, int32_t how) {
  if (how == 1) return 0xfffffff0u;
  if (how == 2) return state ? 0 : (uint32_t)(uintptr_t)new_sum();
  if (how == 3) {
    values_state* s = state ? (values_state*)(uintptr_t)state : new_values();
    for (int i = 0; i < 131072; i++) push_value(s, i);
    return (uint32_t)(uintptr_t)s;
  }
  return state ? state : (uint32_t)(uintptr_t)new_sum();
}

/* Batches that misbehave (sql/aggregates.sql): odd_step counts its rows, and its batch
 * export returns no state (how 1), traps (how 2), or works about 2000 instructions a row
 * (how 3: a batch is as many calls for wasm.call_fuel_limit as it has rows). */
static void burn(void) {
  for (volatile int i = 0; i < 500; i++) {
  }
}
PGWASM_EXPORT(odd_step) uint32_t odd_step(uint32_t state, int32_t how) {
  sum_state* s = state ? (sum_state*)(uintptr_t)state : new_sum();
  if (how == 3) burn();
  s->count++;
  return (uint32_t)(uintptr_t)s;
}
PGWASM_EXPORT(pgwasm_batch__odd_step)
uint32_t odd_step_batch(uint32_t state, const int64_t* values, const uint8_t* nulls, uint32_t count) {
  (void)nulls;
  sum_state* s = (sum_state*)(uintptr_t)state;
  for (uint32_t i = 0; i < count; i++) {
    int32_t how = (int32_t)values[i];
    if (how == 1) return 0;
    if (how == 2) __builtin_trap();
    if (how == 3) burn();
    s->count++;
  }
  return state;
}
PGWASM_EXPORT(count_final) int64_t count_final(uint32_t state) {
  sum_state* s = (sum_state*)(uintptr_t)state;
  return s ? s->count : 0;
}
/* A batch export of the wrong type: refused when the function is first called. */
PGWASM_EXPORT(wrong_batch_step) uint32_t wrong_batch_step(uint32_t state, int32_t how) { return odd_step(state, how); }
PGWASM_EXPORT(pgwasm_batch__wrong_batch_step) uint32_t wrong_batch(uint32_t state, int64_t x) {
  (void)x;
  return state;
}
