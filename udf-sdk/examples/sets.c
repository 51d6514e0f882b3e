/* Set-returning functions (RETURNS SETOF, RETURNS TABLE): each call returns the set's next
 * batch of rows, an empty batch ends it (pgwasm.h, "sets"; udf-sdk/ABI.md).
 *
 *   CREATE FUNCTION tokens(text) RETURNS SETOF text LANGUAGE wasm STRICT AS 'sets:tokens';
 *   CREATE FUNCTION words(text) RETURNS TABLE(pos int, word text, len int)
 *     LANGUAGE wasm STRICT AS 'sets:words';
 *   CREATE FUNCTION series(bigint, bigint) RETURNS SETOF bigint LANGUAGE wasm STRICT
 *     AS 'sets:series';
 */
#include <pgwasm.h>

static int is_word_byte(unsigned char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

/* The next word of s at or after *pos, lower-cased ASCII into the arena; 0 at the end. */
static int next_word(const char* s, uint32_t len, uint32_t* pos, pgwasm_text* out, uint32_t* start) {
  uint32_t i = *pos;
  while (i < len && !is_word_byte((unsigned char)s[i])) i++;
  if (i == len) {
    *pos = i;
    return 0;
  }
  uint32_t j = i;
  while (j < len && is_word_byte((unsigned char)s[j])) j++;
  char* w = (char*)pgwasm_palloc(j - i);
  if (!w) __builtin_trap();
  for (uint32_t k = i; k < j; k++) w[k - i] = (s[k] >= 'A' && s[k] <= 'Z') ? (char)(s[k] + 32) : s[k];
  out->ptr = w;
  out->len = j - i;
  *start = i;
  *pos = j;
  return 1;
}

/* tokens(text) RETURNS SETOF text: the words, lower-cased, 256 a batch. */
PGWASM_EXPORT(tokens) pgwasm_array* tokens(const char* s, uint32_t len, int64_t call) {
  static uint32_t pos;  /* where the set is in s (the same text at every call) */
  if (call == 0) pos = 0;
  pgwasm_array* b = pgwasm_set_batch(256, sizeof(pgwasm_text), 0);
  pgwasm_text w;
  uint32_t start;
  while (b->count < 256 && next_word(s, len, &pos, &w, &start)) pgwasm_array_data(b, pgwasm_text)[b->count++] = w;
  return b;
}

/* words(text) RETURNS TABLE(pos int, word text, len int): each word with its 1-based
 * character position (ASCII text: bytes), rows of three fields. */
PGWASM_EXPORT(words) pgwasm_array* words(const char* s, uint32_t len, int64_t call) {
  static uint32_t pos;
  if (call == 0) pos = 0;
  pgwasm_array* b = pgwasm_set_batch(128, sizeof(pgwasm_row*), 0);
  pgwasm_text w;
  uint32_t start;
  while (b->count < 128 && next_word(s, len, &pos, &w, &start)) {
    pgwasm_row* r = pgwasm_row_new(3);
    if (!r) __builtin_trap();
    pgwasm_set_i32(r, 0, (int32_t)start + 1);
    pgwasm_set_text(r, 1, w.ptr, w.len);
    pgwasm_set_i32(r, 2, (int32_t)w.len);
    pgwasm_array_data(b, pgwasm_row*)[b->count++] = r;
  }
  return b;
}

/* series(lo, hi) RETURNS SETOF bigint: lo..hi, 8192 a batch (as generate_series). */
PGWASM_EXPORT(series) pgwasm_array* series(int64_t lo, int64_t hi, int64_t call) {
  static int64_t next;
  static int done;
  if (call == 0) {
    next = lo;
    done = lo > hi;
  }
  pgwasm_array* b = pgwasm_set_batch(8192, sizeof(int64_t), 0);
  int64_t* out = pgwasm_array_data(b, int64_t);
  while (!done && b->count < 8192) {
    out[b->count++] = next;
    if (next == hi) done = 1;
    else next++;
  }
  return b;
}

/* maybe_nulls(n) RETURNS SETOF integer: 1..n with every third value NULL. */
PGWASM_EXPORT(maybe_nulls) pgwasm_array* maybe_nulls(int32_t n, int64_t call) {
  static int32_t next;
  if (call == 0) next = 1;
  pgwasm_array* b = pgwasm_set_batch(7, sizeof(int32_t), 1);
  while (next <= n && b->count < 7) {
    uint32_t i = b->count++;
    pgwasm_array_data(b, int32_t)[i] = next;
    b->nulls[i] = next % 3 == 0;
    next++;
  }
  return b;
}

/* instance_sets() RETURNS SETOF bigint: one row, how many sets this instance has seen
 * (always 1: each set has an instance of its own). */
PGWASM_EXPORT(instance_sets) pgwasm_array* instance_sets(int64_t call) {
  static int64_t sets;
  pgwasm_array* b = pgwasm_set_batch(1, sizeof(int64_t), 0);
  if (call == 0) {
    sets++;
    pgwasm_array_data(b, int64_t)[b->count++] = sets;
  }
  return b;
}
