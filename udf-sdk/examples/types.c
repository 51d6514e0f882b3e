/* ABI version 2 types: identity functions (the host's encoding and decoding must give
 * back exactly what went in, whatever the type) and small transforms of each type. */
#include <pgwasm.h>

/* --- the same value back, for every form of the ABI --- */
PGWASM_EXPORT(echo_i32) int32_t echo_i32(int32_t v) { return v; }
PGWASM_EXPORT(echo_i64) int64_t echo_i64(int64_t v) { return v; }
PGWASM_EXPORT(echo_f32) float echo_f32(float v) { return v; }
PGWASM_EXPORT(echo_f64) double echo_f64(double v) { return v; }
/* text, varchar, char(n), name, json, jsonb, numeric, enum, bytea */
PGWASM_EXPORT(echo_bytes) pgwasm_result echo_bytes(const char* p, uint32_t len) { return pgwasm_return_bytes(p, len); }
/* uuid, interval, arrays, rows: the argument's own block is a valid result */
PGWASM_EXPORT(echo_block) const void* echo_block(const void* p) { return p; }

/* --- dates and times --- */
/* The date's year, month and day as year * 10000 + month * 100 + day (negative years BC-1). */
PGWASM_EXPORT(date_ymd) int64_t date_ymd(int32_t days) {
  int32_t y, m, d;
  pgwasm_date_to_ymd(days, &y, &m, &d);
  return (int64_t)y * 10000 + (y < 0 ? -1 : 1) * (m * 100 + d);
}
PGWASM_EXPORT(make_date_w) int32_t make_date_w(int32_t y, int32_t m, int32_t d) { return pgwasm_date_from_ymd(y, m, d); }
/* Days since 1970-01-01 as given: the raw ABI value. */
PGWASM_EXPORT(date_raw) int32_t date_raw(int32_t days) { return days; }
PGWASM_EXPORT(ts_raw) int64_t ts_raw(int64_t micros) { return micros; }
PGWASM_EXPORT(ts_from_raw) int64_t ts_from_raw(int64_t micros) { return micros; }
PGWASM_EXPORT(date_from_raw) int32_t date_from_raw(int32_t days) { return days; }

/* --- uuid and interval: by value in, 16-byte blocks out --- */
/* The uuid's version nibble. */
PGWASM_EXPORT(uuid_version) int32_t uuid_version(PGWASM_UUID_ARG(u)) { return (int32_t)((u_hi >> 12) & 15); }
/* The uuid's text form, made by the guest. */
PGWASM_EXPORT(uuid_text) pgwasm_result uuid_text(PGWASM_UUID_ARG(u)) {
  char* out = (char*)pgwasm_palloc(36);
  if (!out) __builtin_trap();
  pgwasm_uuid v = PGWASM_UUID(u);
  pgwasm_uuid_format(&v, out);
  return pgwasm_return_text(out, 36);
}
/* The same uuid back, as a result block. */
PGWASM_EXPORT(uuid_copy) pgwasm_uuid* uuid_copy(PGWASM_UUID_ARG(u)) {
  pgwasm_uuid* r = (pgwasm_uuid*)pgwasm_palloc(sizeof *r);
  if (!r) __builtin_trap();
  *r = PGWASM_UUID(u);
  return r;
}
/* The interval with each part doubled. */
PGWASM_EXPORT(interval_double) pgwasm_interval* interval_double(PGWASM_INTERVAL_ARG(v)) {
  pgwasm_interval* r = (pgwasm_interval*)pgwasm_palloc(sizeof *r);
  if (!r) __builtin_trap();
  *r = pgwasm_interval_from(v_micros * 2, v_days * 2, v_months * 2);
  return r;
}
PGWASM_EXPORT(interval_copy) pgwasm_interval* interval_copy(PGWASM_INTERVAL_ARG(v)) {
  pgwasm_interval* r = (pgwasm_interval*)pgwasm_palloc(sizeof *r);
  if (!r) __builtin_trap();
  *r = PGWASM_INTERVAL(v);
  return r;
}
PGWASM_EXPORT(interval_micros) int64_t interval_micros(PGWASM_INTERVAL_ARG(v)) {
  (void)v_days, (void)v_months;
  return v_micros;
}

/* --- arrays --- */
/* Number of elements, NULL elements included, and the lower bound, as count * 1000 + lower. */
PGWASM_EXPORT(array_shape) int64_t array_shape(const pgwasm_array* a) { return (int64_t)a->count * 1000 + a->lower; }
/* Number of NULL elements. */
PGWASM_EXPORT(array_nulls) int32_t array_nulls(const pgwasm_array* a) {
  int32_t n = 0;
  for (uint32_t i = 0; i < a->count; i++) n += pgwasm_array_is_null(a, i);
  return n;
}
/* Sum of an int4[]'s non-NULL elements. */
PGWASM_EXPORT(int_array_sum) int64_t int_array_sum(const pgwasm_array* a) {
  int64_t s = 0;
  const int32_t* v = pgwasm_array_data(a, const int32_t);
  for (uint32_t i = 0; i < a->count; i++) s += v[i];
  return s;
}
/* The array of squares of an int8[], NULLs kept, lower bound kept. */
PGWASM_EXPORT(squares) pgwasm_array* squares(const pgwasm_array* a) {
  pgwasm_array* r = pgwasm_array_new(a->count, 8, a->nulls != NULL);
  if (!r) __builtin_trap();
  r->lower = a->lower;
  const int64_t* in = pgwasm_array_data(a, const int64_t);
  int64_t* out = pgwasm_array_data(r, int64_t);
  for (uint32_t i = 0; i < a->count; i++) {
    if (pgwasm_array_is_null(a, i)) r->nulls[i] = 1;
    else out[i] = in[i] * in[i];
  }
  return r;
}
/* 1..n as an int4[] whose every third element is NULL. */
PGWASM_EXPORT(series_with_nulls) pgwasm_array* series_with_nulls(int32_t n) {
  pgwasm_array* r = pgwasm_array_new((uint32_t)n, 4, 1);
  if (!r) __builtin_trap();
  for (int32_t i = 0; i < n; i++) {
    if (i % 3 == 2) r->nulls[i] = 1;
    else pgwasm_array_data(r, int32_t)[i] = i + 1;
  }
  return r;
}
/* The lengths in bytes of a text[]'s elements (NULL stays NULL). */
PGWASM_EXPORT(text_lengths) pgwasm_array* text_lengths(const pgwasm_array* a) {
  pgwasm_array* r = pgwasm_array_new(a->count, 4, a->nulls != NULL);
  if (!r) __builtin_trap();
  const pgwasm_text* t = pgwasm_array_data(a, const pgwasm_text);
  for (uint32_t i = 0; i < a->count; i++) {
    if (pgwasm_array_is_null(a, i)) r->nulls[i] = 1;
    else pgwasm_array_data(r, int32_t)[i] = (int32_t)t[i].len;
  }
  return r;
}

/* --- rows --- */
/* The number of fields and how many are NULL: nfields * 100 + nulls. */
PGWASM_EXPORT(row_shape) int32_t row_shape(const pgwasm_row* r) {
  if (pgwasm_arg_is_null(0)) return pgwasm_return_null(); /* r is 0 */
  int32_t nulls = 0;
  for (uint32_t i = 0; i < r->nfields; i++) nulls += pgwasm_is_null(r, i);
  return (int32_t)r->nfields * 100 + nulls;
}
/* (a int, b text) -> (sum int, label text, twice float8): OUT parameters (a, b, c). */
PGWASM_EXPORT(split_pair) pgwasm_row* split_pair(int32_t a, const char* b, uint32_t blen) {
  pgwasm_row* r = pgwasm_row_new(3);
  if (!r) __builtin_trap();
  pgwasm_set_i32(r, 0, a + 1);
  char* label = (char*)pgwasm_palloc(blen + 1);
  if (!label) __builtin_trap();
  memcpy(label, b, blen);
  label[blen] = '!';
  pgwasm_set_text(r, 1, label, blen + 1);
  if (a != 0) pgwasm_set_f64(r, 2, a * 2.5); /* else NULL */
  return r;
}

/* The byte length of any text-like value. */
PGWASM_EXPORT(byte_count) int32_t byte_count(const char* p, uint32_t len) {
  (void)p;
  return (int32_t)len;
}
