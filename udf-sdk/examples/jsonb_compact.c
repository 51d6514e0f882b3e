/* jsonb in compact form (pgwasm_jsonb.h): the guest reads jsonb's binary form in place,
 * looking keys up by binary search, instead of parsing JSON text.
 *
 *   CREATE FUNCTION jb_get_text(jsonb, text) RETURNS text
 *     LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_get_text';    -- doc ->> key
 *   CREATE FUNCTION jb_canon(jsonb) RETURNS text
 *     LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_canon';       -- doc::text
 */
#include <pgwasm_jsonb.h>

/* --- a growing output buffer in the per-call arena ------------------------------------ */
typedef struct {
  char* p;
  uint32_t len, cap;
  int failed;
} out_buf;

static void put(out_buf* o, const char* s, uint32_t n) {
  if (o->failed) return;
  if (n > o->cap - o->len) {
    uint32_t cap = o->cap ? o->cap : 256;
    while (cap - o->len < n) {
      if (cap > UINT32_MAX / 2) {
        o->failed = 1;
        return;
      }
      cap *= 2;
    }
    char* q = (char*)pgwasm_palloc(cap);
    if (!q) {
      o->failed = 1;
      return;
    }
    if (o->len) memcpy(q, o->p, o->len);
    o->p = q;
    o->cap = cap;
  }
  memcpy(o->p + o->len, s, n);
  o->len += n;
}
static void puts_(out_buf* o, const char* s) { put(o, s, (uint32_t)strlen(s)); }

/* A string as jsonb::text writes it (PostgreSQL's escape_json). Not inlined into the
 * recursion below, which then keeps small frames on the guest's stack (64 kB by default:
 * 500 levels of nesting must fit). */
__attribute__((noinline)) static void put_string(out_buf* o, const uint8_t* s, uint32_t n) {
  put(o, "\"", 1);
  uint32_t run = 0;
  for (uint32_t i = 0; i < n; i++) {
    uint8_t c = s[i];
    const char* esc = 0;
    char u[7];
    switch (c) {
      case '\b': esc = "\\b"; break;
      case '\f': esc = "\\f"; break;
      case '\n': esc = "\\n"; break;
      case '\r': esc = "\\r"; break;
      case '\t': esc = "\\t"; break;
      case '"': esc = "\\\""; break;
      case '\\': esc = "\\\\"; break;
      default:
        if (c < ' ') {
          static const char hex[] = "0123456789abcdef";
          memcpy(u, "\\u00", 4);
          u[4] = hex[c >> 4];
          u[5] = hex[c & 15];
          u[6] = 0;
          esc = u;
        }
    }
    if (esc) {
      put(o, (const char*)s + run, i - run);
      puts_(o, esc);
      run = i + 1;
    }
  }
  put(o, (const char*)s + run, n - run);
  put(o, "\"", 1);
}

static void put_value(out_buf* o, pgwasm_jsonb v, int depth);

__attribute__((noinline)) static void put_number(out_buf* o, pgwasm_jsonb v) {
  char small[64];
  uint32_t n = pgwasm_jsonb_number_text(v, small, sizeof small);
  if (n <= sizeof small) {
    put(o, small, n);
    return;
  }
  char* big = (char*)pgwasm_palloc(n);
  if (!big) {
    o->failed = 1;
    return;
  }
  pgwasm_jsonb_number_text(v, big, n);
  put(o, big, n);
}

/* The value as jsonb's output function prints it: ", " and ": " between items. */
static void put_value(out_buf* o, pgwasm_jsonb v, int depth) {
  if (depth > 10000) { /* deeper than jsonb allows: not reached */
    o->failed = 1;
    return;
  }
  switch (v.type) {
    case PGWASM_JSON_NULL: puts_(o, "null"); break;
    case PGWASM_JSON_BOOL: puts_(o, v.boolean ? "true" : "false"); break;
    case PGWASM_JSON_STRING: put_string(o, v.data, v.len); break;
    case PGWASM_JSON_NUMBER: put_number(o, v); break;
    case PGWASM_JSON_ARRAY: {
      uint32_t n = pgwasm_jsonb_size(v);
      put(o, "[", 1);
      for (uint32_t i = 0; i < n; i++) {
        if (i) put(o, ", ", 2);
        put_value(o, pgwasm_jsonb_element(v, i), depth + 1);
      }
      put(o, "]", 1);
      break;
    }
    case PGWASM_JSON_OBJECT: {
      uint32_t n = pgwasm_jsonb_size(v);
      put(o, "{", 1);
      for (uint32_t i = 0; i < n; i++) {
        if (i) put(o, ", ", 2);
        pgwasm_jsonb k = pgwasm_jsonb_key(v, i);
        put_string(o, k.data, k.len);
        put(o, ": ", 2);
        put_value(o, pgwasm_jsonb_value(v, i), depth + 1);
      }
      put(o, "}", 1);
      break;
    }
    default: o->failed = 1; break; /* PGWASM_JSON_NONE: a damaged value */
  }
}

/* doc::text, rebuilt from the compact form: the test's oracle for every kind of value. */
PGWASM_JSONB_COMPACT(jb_canon)
PGWASM_EXPORT(jb_canon) pgwasm_result jb_canon(const uint8_t* doc, uint32_t len) {
  out_buf o = {0, 0, 0, 0};
  put_value(&o, pgwasm_jsonb_root(doc, len), 0);
  if (o.failed) __builtin_trap();
  return pgwasm_return_text(o.p, o.len);
}

/* doc ->> key: a string's text, a number's or boolean's text, NULL for JSON null or a
 * missing key, an array or object as JSON text. */
PGWASM_JSONB_COMPACT(jb_get_text)
PGWASM_EXPORT(jb_get_text)
pgwasm_result jb_get_text(const uint8_t* doc, uint32_t len, const char* key, uint32_t klen) {
  pgwasm_jsonb v = pgwasm_jsonb_get(pgwasm_jsonb_root(doc, len), key, klen);
  if (v.type == PGWASM_JSON_STRING) return pgwasm_return_text((const char*)v.data, v.len);
  if (v.type == PGWASM_JSON_NONE || v.type == PGWASM_JSON_NULL) return pgwasm_return_null();
  out_buf o = {0, 0, 0, 0};
  put_value(&o, v, 0);
  if (o.failed) __builtin_trap();
  return pgwasm_return_text(o.p, o.len);
}

/* (doc ->> key)::bigint when the value is an integer number that fits, else NULL. */
PGWASM_JSONB_COMPACT(jb_get_int)
PGWASM_EXPORT(jb_get_int) int64_t jb_get_int(const uint8_t* doc, uint32_t len, const char* key, uint32_t klen) {
  int64_t v;
  if (!pgwasm_jsonb_number_int64(pgwasm_jsonb_get(pgwasm_jsonb_root(doc, len), key, klen), &v))
    return pgwasm_return_null();
  return v;
}

static double sum_numbers(pgwasm_jsonb v) {
  switch (v.type) {
    case PGWASM_JSON_NUMBER: return pgwasm_jsonb_number_double(v);
    case PGWASM_JSON_ARRAY: {
      double s = 0;
      uint32_t n = pgwasm_jsonb_size(v);
      for (uint32_t i = 0; i < n; i++) s += sum_numbers(pgwasm_jsonb_element(v, i));
      return s;
    }
    case PGWASM_JSON_OBJECT: {
      double s = 0;
      uint32_t n = pgwasm_jsonb_size(v);
      for (uint32_t i = 0; i < n; i++) s += sum_numbers(pgwasm_jsonb_value(v, i));
      return s;
    }
    default: return 0;
  }
}

/* The sum of every number in the document, as double. */
PGWASM_JSONB_COMPACT(jb_sum)
PGWASM_EXPORT(jb_sum) double jb_sum(const uint8_t* doc, uint32_t len) {
  return sum_numbers(pgwasm_jsonb_root(doc, len));
}

/* Compact form inside an array argument: the total number of keys of its objects. */
PGWASM_JSONB_COMPACT(jb_keys_total)
PGWASM_EXPORT(jb_keys_total) int32_t jb_keys_total(const pgwasm_array* a) {
  int32_t total = 0;
  for (uint32_t i = 0; i < a->count; i++) {
    if (pgwasm_array_is_null(a, i)) continue;
    const pgwasm_text* e = &pgwasm_array_data(a, pgwasm_text)[i];
    pgwasm_jsonb v = pgwasm_jsonb_root(e->ptr, e->len);
    if (v.type == PGWASM_JSON_OBJECT) total += (int32_t)pgwasm_jsonb_size(v);
  }
  return total;
}

/* The same lookup as jb_get_text without the marker: this export gets JSON text, so the
 * compact reader must find no object in it (a check that the marker is per export). */
PGWASM_EXPORT(jb_not_compact) int32_t jb_not_compact(const uint8_t* doc, uint32_t len) {
  return len > 0 && doc[0] == '{';  /* JSON text of an object starts with '{' */
}

/* Compact form inside a row argument: row(key text, doc jsonb) -> doc ->> key. */
PGWASM_JSONB_COMPACT(jb_row_get)
PGWASM_EXPORT(jb_row_get) pgwasm_result jb_row_get(const pgwasm_row* r) {
  if (r->nfields != 2 || pgwasm_is_null(r, 0) || pgwasm_is_null(r, 1)) return pgwasm_return_null();
  pgwasm_text key = pgwasm_get_text(r, 0), doc = pgwasm_get_text(r, 1);
  return jb_get_text((const uint8_t*)doc.ptr, doc.len, key.ptr, key.len);
}
