/* pgwasm.h: write PostgreSQL functions in C for pg-wasm (LANGUAGE wasm).
 *
 *   #include <pgwasm.h>
 *   PGWASM_EXPORT(add) int32_t add(int32_t a, int32_t b) { return a + b; }
 *
 *   clang-14 --target=wasm32-wasi -O2 -mexec-model=reactor -I /path/to/udf-sdk/include f.c -o f.wasm
 *
 * Types (see ABI.md; this header targets ABI version 2): smallint, integer, boolean and
 * date are int32_t; bigint, time and timestamps are int64_t; real is float; double
 * precision is double. Text-like types (text, varchar, char(n), name, json, jsonb,
 * numeric, enums) and bytea arrive as a pointer and a length in bytes and are returned as
 * a pgwasm_result made by pgwasm_return_bytes / pgwasm_return_text; text is UTF-8 and not
 * NUL-terminated. uuid and interval arrive by value (PGWASM_UUID_ARG, PGWASM_INTERVAL_ARG)
 * and return as pointers; arrays and rows arrive and return as pointers to pgwasm_array
 * and pgwasm_row.
 *
 * Memory: the host copies arguments into a buffer it gets from pgwasm_alloc (defined
 * here), valid until the function returns. Results are copied out by the host as soon as
 * the function returns, so a function may return a pointer into its arguments, a static
 * buffer, or pgwasm_result_buffer(n), which is reused by the next call. Nothing needs to
 * be freed.
 *
 * NULL: STRICT functions are never called with NULL. A non-strict function sees NULL
 * arguments as 0 (or pointer 0, length 0) and tells them apart with pgwasm_arg_is_null(i),
 * where i counts SQL arguments from 0. It returns NULL with `return pgwasm_return_null();`.
 */
#ifndef PGWASM_H
#define PGWASM_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Exports a function under the given name (the 'module:name' of CREATE FUNCTION). */
#define PGWASM_EXPORT(name) __attribute__((export_name(#name)))

/* A text, varchar, bytea or jsonb result: (length << 32) | pointer. */
typedef uint64_t pgwasm_result;

/* Host functions (module "pgwasm"). */
__attribute__((import_module("pgwasm"), import_name("arg_is_null"))) int32_t pgwasm_arg_is_null(int32_t index);
__attribute__((import_module("pgwasm"), import_name("return_null"))) void pgwasm__return_null(void);

static inline pgwasm_result pgwasm_return_bytes(const void* data, uint32_t len) {
  return ((uint64_t)len << 32) | (uint32_t)(uintptr_t)data;
}
static inline pgwasm_result pgwasm_return_text(const char* s, uint32_t len) {
  return pgwasm_return_bytes(s, len);
}
static inline pgwasm_result pgwasm_return_cstring(const char* s) {
  return pgwasm_return_bytes(s, (uint32_t)strlen(s));
}
/* Makes the SQL result NULL (whatever value the function then returns). Usable with any
 * result type: `return pgwasm_return_null();` converts to 0 of it. */
static inline int pgwasm_return_null(void) {
  pgwasm__return_null();
  return 0;
}

/* A buffer for results, reused by the next call (so never freed by the guest). Returns
 * NULL if memory runs out (wasm.memory_limit). */
__attribute__((weak)) char* pgwasm_result_buffer(uint32_t size) {
  static char* buf;
  static uint32_t cap;
  if (size > cap) {
    free(buf);
    buf = (char*)malloc(size);
    cap = buf ? size : 0;
  }
  return buf;
}

/* ===== ABI version 2 (ABI.md): numeric, dates and times, uuid, interval, json, arrays,
 * rows. Including this header makes the module say it targets version 2. ============= */
#define PGWASM_ABI_VERSION 2
__attribute__((weak, export_name("pgwasm_abi_v2"))) void pgwasm_abi_v2(void) {}

/* The per-call arena. The host calls pgwasm_alloc before every call whose arguments or
 * result live in linear memory; that starts a new arena, so whatever a call allocates with
 * pgwasm_palloc is reclaimed by the next call. Results may live in it: the host copies
 * them out as soon as the function returns. */
typedef struct pgwasm__chunk {
  struct pgwasm__chunk* prev;
  uint32_t cap, used;
} pgwasm__chunk;
__attribute__((weak)) pgwasm__chunk* pgwasm__arena;

/* n bytes, 8-aligned, valid until the next call; NULL when memory runs out. A new chunk
 * is as large as the request, at least 64 kB, and at most 1 MB beyond it. */
__attribute__((weak)) void* pgwasm_palloc(uint32_t n) {
  uint32_t need = (n + 7u) & ~7u;
  if (need < n) return NULL;
  pgwasm__chunk* c = pgwasm__arena;
  if (!c || c->cap - c->used < need) {
    uint32_t cap = c ? (c->cap < (1u << 20) ? c->cap * 2 : (1u << 20)) : 65536;
    if (cap < need) cap = need;
    if (cap > UINT32_MAX - sizeof(pgwasm__chunk)) return NULL;
    pgwasm__chunk* m = (pgwasm__chunk*)malloc(sizeof(pgwasm__chunk) + cap);
    if (!m) return NULL;
    m->prev = c;
    m->cap = cap;
    m->used = 0;
    pgwasm__arena = c = m;
  }
  void* p = (char*)(c + 1) + c->used;
  c->used += need;
  return p;
}

/* Starts a new arena, keeping its largest chunk for the next call. pgwasm_alloc does this. */
__attribute__((weak)) void pgwasm_arena_reset(void) {
  pgwasm__chunk *keep = NULL, *c = pgwasm__arena;
  while (c) {
    pgwasm__chunk* prev = c->prev;
    if (!keep || c->cap > keep->cap) {
      if (keep) free(keep);
      keep = c;
    } else {
      free(c);
    }
    c = prev;
  }
  if (keep) {
    keep->prev = NULL;
    keep->used = 0;
  }
  pgwasm__arena = keep;
}

/* Text-like values inside arrays and rows: UTF-8 (bytes for bytea), not NUL-terminated. */
typedef struct {
  const char* ptr;
  uint32_t len;
} pgwasm_text;

/* uuid: its 16 bytes in network order, as printed. */
typedef struct {
  uint8_t bytes[16];
} pgwasm_uuid;

/* interval: PostgreSQL's three parts, each with its own sign. */
typedef struct {
  int64_t micros;
  int32_t days;
  int32_t months;
} pgwasm_interval;

/* A one-dimensional array. data holds count slots of elem_size bytes: int16_t, int32_t,
 * int64_t, float, double, uint8_t (boolean), int32_t (date), int64_t (time, timestamp,
 * timestamptz), pgwasm_uuid, pgwasm_interval, pgwasm_text (text-like types), or
 * pgwasm_row* (composite types). A NULL element's slot holds zeros. */
typedef struct {
  uint32_t count;
  int32_t lower;        /* subscript of the first element */
  uint32_t elem_size;
  uint32_t flags;       /* 0 */
  uint8_t* nulls;       /* count bytes, 1 = NULL; or NULL: no element is NULL */
  void* data;
} pgwasm_array;

/* A field of a row: value holds a scalar (integers and booleans as int32 or int64, floats'
 * bits, dates and times as for arrays), or a pointer: to the bytes of a text-like value
 * (len bytes), to a pgwasm_uuid or pgwasm_interval, to a nested pgwasm_row or a
 * pgwasm_array. */
typedef struct {
  uint64_t value;
  uint32_t len;
  uint32_t isnull;
} pgwasm_field;

/* A composite value: its type's columns in order, dropped columns left out. */
typedef struct {
  uint32_t nfields;
  uint32_t flags; /* 0 */
  pgwasm_field fields[];
} pgwasm_row;

/* --- arrays --- */
static inline int pgwasm_array_is_null(const pgwasm_array* a, uint32_t i) { return a->nulls && a->nulls[i]; }
#define pgwasm_array_data(a, type) ((type*)(a)->data)
/* A new array of count elements of elem_size bytes (zeroed), lower bound 1, with room for
 * NULL flags if with_nulls; NULL when memory runs out. */
static inline pgwasm_array* pgwasm_array_new(uint32_t count, uint32_t elem_size, int with_nulls) {
  pgwasm_array* a = (pgwasm_array*)pgwasm_palloc(sizeof(pgwasm_array));
  uint64_t bytes = (uint64_t)count * elem_size;
  if (!a || bytes > UINT32_MAX) return NULL;
  void* data = pgwasm_palloc((uint32_t)bytes);
  uint8_t* nulls = with_nulls ? (uint8_t*)pgwasm_palloc(count) : NULL;
  if ((!data && bytes) || (with_nulls && !nulls && count)) return NULL;
  memset(data, 0, (size_t)bytes);
  if (nulls) memset(nulls, 0, count);
  a->count = count;
  a->lower = 1;
  a->elem_size = elem_size;
  a->flags = 0;
  a->nulls = nulls;
  a->data = data;
  return a;
}

/* --- sets (RETURNS SETOF t, RETURNS TABLE) ---
 * A set-returning function's export takes the SQL arguments and then int64_t call: 0 for
 * the first call of a set, then 1, 2, ...; each call returns the set's next rows as an
 * array of the row type (a batch), and an empty batch ends the set:
 *
 *   PGWASM_EXPORT(evens) pgwasm_array* evens(int32_t n, int64_t call) {  // SETOF integer
 *     static int32_t next;                        // state: static memory, not the arena
 *     if (call == 0) next = 0;
 *     pgwasm_array* b = pgwasm_set_batch(1024, sizeof(int32_t), 0);
 *     while (next < n && b->count < 1024) pgwasm_array_data(b, int32_t)[b->count++] = 2 * next++;
 *     return b;                                   // count 0: the end
 *   }
 *
 * The arguments come again at every call (the same values). A set runs in an instance of
 * its own: static variables start from their initial values at call 0 of each set. A
 * batch lives in the arena, which the next call reclaims. A TABLE or composite row type's
 * batch holds pgwasm_row* (pgwasm_row_new). */
/* An empty batch with room for cap rows of elem_size bytes (and NULL flags if with_nulls,
 * all 0); traps when memory runs out. Fill data[count++] while count < cap. */
static inline pgwasm_array* pgwasm_set_batch(uint32_t cap, uint32_t elem_size, int with_nulls) {
  pgwasm_array* b = pgwasm_array_new(cap, elem_size, with_nulls);
  if (!b) __builtin_trap();
  b->count = 0;
  return b;
}

/* --- window functions (CREATE FUNCTION ... WINDOW) ---
 * PostgreSQL calls a window function once for each row of each partition, in order. Its
 * export takes the current row's SQL arguments and then int64_t row, the row's position in
 * its partition: 0 starts a partition (reset what you keep per partition, in static
 * memory). It reads other rows through these host functions; values of other rows come in
 * 8-byte slots (pgwasm_slot), for arguments passed by value (integers, floats, bool,
 * dates and times):
 *
 *   PGWASM_EXPORT(w_rank) int64_t w_rank(int64_t row) {     // rank() OVER (... ORDER BY ...)
 *     static int64_t rank;
 *     if (row == 0 || !pgwasm_win_peers(row - 1, row)) rank = row + 1;
 *     return rank;
 *   }
 *
 * pgwasm_win_column and pgwasm_win_frame read many rows in one host call: take the whole
 * partition (at row 0) or the frame, then work in your own memory. */
typedef union {
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  uint64_t bits;
} pgwasm_slot;
enum { PGWASM_WIN_PARTITION = 0, PGWASM_WIN_CURRENT = 1, PGWASM_WIN_FRAME_HEAD = 2, PGWASM_WIN_FRAME_TAIL = 3 };
enum { PGWASM_WIN_VALUE = 0, PGWASM_WIN_NULL = 1, PGWASM_WIN_NONE = 2 };
/* Rows in the partition. */
__attribute__((import_module("pgwasm"), import_name("win_rows"))) int64_t pgwasm_win_rows(void);
/* Whether rows a and b of the partition are ORDER BY peers (both must be in it). */
__attribute__((import_module("pgwasm"), import_name("win_peers"))) int32_t pgwasm_win_peers(int64_t a, int64_t b);
/* Argument arg of one row: row pos of the partition (from PGWASM_WIN_PARTITION), the
 * current row + pos (PGWASM_WIN_CURRENT: -1 is the row before), the frame's first row +
 * pos or its last row + pos (pos <= 0). PGWASM_WIN_VALUE (in *out), PGWASM_WIN_NULL, or
 * PGWASM_WIN_NONE for a row outside the partition or frame. */
__attribute__((import_module("pgwasm"), import_name("win_arg"))) int32_t pgwasm_win_arg(int32_t arg, int64_t pos,
                                                                                      int32_t from, pgwasm_slot* out);
/* Argument arg of count rows from row `from` of the partition into values (and a byte a
 * row into nulls, 1 for NULL, unless nulls is 0): the number read (fewer at its end). */
__attribute__((import_module("pgwasm"), import_name("win_column"))) int32_t pgwasm_win_column(
    int32_t arg, int64_t from, uint32_t count, pgwasm_slot* values, uint8_t* nulls);
/* Argument arg of the frame's rows in order (rows EXCLUDE leaves out skipped), at most
 * cap: the number read (cap: there may be more; pgwasm_win_rows() is always enough). */
__attribute__((import_module("pgwasm"), import_name("win_frame"))) int32_t pgwasm_win_frame(int32_t arg,
                                                                                          pgwasm_slot* values,
                                                                                          uint8_t* nulls,
                                                                                          uint32_t cap);

/* --- triggers (RETURNS trigger) ---
 * A trigger function's export is pgwasm_row* f(const pgwasm_row* tg): tg holds the event
 * (pgwasm_tg_*), and the result is the row for the operation of a BEFORE or INSTEAD OF row
 * trigger (NEW, changed or not; for DELETE, any row), or NULL to skip the operation for
 * this row. Other triggers' results are ignored (return NULL). NEW's and OLD's fields are
 * the table's columns in order (pgwasm_tg_column finds one by name); a returned row must
 * have them all, so change NEW's fields (pgwasm_set_*) and return it. */
#define PGWASM_TG_INSERT 1
#define PGWASM_TG_UPDATE 2
#define PGWASM_TG_DELETE 4
#define PGWASM_TG_TRUNCATE 8
#define PGWASM_TG_BEFORE 16
#define PGWASM_TG_AFTER 32
#define PGWASM_TG_INSTEAD 64
#define PGWASM_TG_ROW 128
static inline int32_t pgwasm_tg_event(const pgwasm_row* tg) { return (int32_t)tg->fields[0].value; }
static inline pgwasm_text pgwasm_tg_name(const pgwasm_row* tg) {
  pgwasm_text t = {(const char*)(uintptr_t)(uint32_t)tg->fields[1].value, tg->fields[1].len};
  return t;
}
static inline pgwasm_text pgwasm_tg_table(const pgwasm_row* tg) {
  pgwasm_text t = {(const char*)(uintptr_t)(uint32_t)tg->fields[2].value, tg->fields[2].len};
  return t;
}
static inline pgwasm_text pgwasm_tg_schema(const pgwasm_row* tg) {
  pgwasm_text t = {(const char*)(uintptr_t)(uint32_t)tg->fields[3].value, tg->fields[3].len};
  return t;
}
/* TG_ARGV: a text[] (pgwasm_array of pgwasm_text). */
static inline const pgwasm_array* pgwasm_tg_args(const pgwasm_row* tg) {
  return (const pgwasm_array*)(uintptr_t)(uint32_t)tg->fields[4].value;
}
/* NEW (INSERT, UPDATE) and OLD (UPDATE, DELETE) of a row trigger, or NULL. */
static inline pgwasm_row* pgwasm_tg_new(const pgwasm_row* tg) {
  return tg->fields[5].isnull ? 0 : (pgwasm_row*)(uintptr_t)(uint32_t)tg->fields[5].value;
}
static inline pgwasm_row* pgwasm_tg_old(const pgwasm_row* tg) {
  return tg->fields[6].isnull ? 0 : (pgwasm_row*)(uintptr_t)(uint32_t)tg->fields[6].value;
}
/* The table's column names, in the order of NEW's and OLD's fields. */
static inline const pgwasm_array* pgwasm_tg_columns(const pgwasm_row* tg) {
  return (const pgwasm_array*)(uintptr_t)(uint32_t)tg->fields[7].value;
}
/* The field index of column `name` (NUL-terminated), or -1. */
static inline int pgwasm_tg_column(const pgwasm_row* tg, const char* name) {
  const pgwasm_array* c = pgwasm_tg_columns(tg);
  uint32_t n = (uint32_t)strlen(name);
  for (uint32_t i = 0; i < c->count; i++) {
    pgwasm_text t = pgwasm_array_data(c, pgwasm_text)[i];
    if (t.len == n && memcmp(t.ptr, name, n) == 0) return (int)i;
  }
  return -1;
}

/* --- aggregate states (wasm.state; ABI.md, "Aggregate states") ---
 * A wasm.state argument or result is a handle the module gives out: 0 is NULL (the first
 * call of an aggregate), anything else is the module's own, e.g. the address of a malloc'd
 * struct (never the arena: a state outlives the call). States that leave their instance
 * (parallel plans) need two exports, one pair for every state of the module:
 *   PGWASM_EXPORT(pgwasm_state_save) pgwasm_result pgwasm_state_save(pgwasm_state s);
 *   PGWASM_EXPORT(pgwasm_state_load) pgwasm_state pgwasm_state_load(const uint8_t* p, uint32_t len);
 * (examples/aggregates.c). */
typedef uint32_t pgwasm_state;
#define pgwasm_state_of(ptr) ((pgwasm_state)(uintptr_t)(ptr))
#define pgwasm_state_ptr(state, type) ((type*)(uintptr_t)(state))

/* --- rows --- */
static inline int pgwasm_is_null(const pgwasm_row* r, uint32_t i) { return r->fields[i].isnull != 0; }
static inline int32_t pgwasm_get_i32(const pgwasm_row* r, uint32_t i) { return (int32_t)r->fields[i].value; }
static inline int64_t pgwasm_get_i64(const pgwasm_row* r, uint32_t i) { return (int64_t)r->fields[i].value; }
static inline double pgwasm_get_f64(const pgwasm_row* r, uint32_t i) {
  double d;
  memcpy(&d, &r->fields[i].value, 8);
  return d;
}
static inline float pgwasm_get_f32(const pgwasm_row* r, uint32_t i) {
  float f;
  uint32_t b = (uint32_t)r->fields[i].value;
  memcpy(&f, &b, 4);
  return f;
}
static inline pgwasm_text pgwasm_get_text(const pgwasm_row* r, uint32_t i) {
  pgwasm_text t = {(const char*)(uintptr_t)(uint32_t)r->fields[i].value, r->fields[i].len};
  return t;
}
#define pgwasm_get_ptr(r, i, type) ((type*)(uintptr_t)(uint32_t)(r)->fields[i].value)
/* A new row of nfields fields, all NULL until set; NULL when memory runs out. */
static inline pgwasm_row* pgwasm_row_new(uint32_t nfields) {
  pgwasm_row* r = (pgwasm_row*)pgwasm_palloc(8 + 16 * nfields);
  if (!r) return NULL;
  r->nfields = nfields;
  r->flags = 0;
  for (uint32_t i = 0; i < nfields; i++) {
    r->fields[i].value = 0;
    r->fields[i].len = 0;
    r->fields[i].isnull = 1;
  }
  return r;
}
static inline void pgwasm_set_bits(pgwasm_row* r, uint32_t i, uint64_t bits, uint32_t len) {
  r->fields[i].value = bits;
  r->fields[i].len = len;
  r->fields[i].isnull = 0;
}
static inline void pgwasm_set_i32(pgwasm_row* r, uint32_t i, int32_t v) { pgwasm_set_bits(r, i, (uint32_t)v, 0); }
static inline void pgwasm_set_i64(pgwasm_row* r, uint32_t i, int64_t v) { pgwasm_set_bits(r, i, (uint64_t)v, 0); }
static inline void pgwasm_set_f64(pgwasm_row* r, uint32_t i, double v) {
  uint64_t b;
  memcpy(&b, &v, 8);
  pgwasm_set_bits(r, i, b, 0);
}
static inline void pgwasm_set_f32(pgwasm_row* r, uint32_t i, float v) {
  uint32_t b;
  memcpy(&b, &v, 4);
  pgwasm_set_bits(r, i, b, 0);
}
static inline void pgwasm_set_text(pgwasm_row* r, uint32_t i, const char* p, uint32_t len) {
  pgwasm_set_bits(r, i, (uint32_t)(uintptr_t)p, len);
}
/* A pgwasm_uuid*, pgwasm_interval*, pgwasm_row* or pgwasm_array* field. */
static inline void pgwasm_set_ptr(pgwasm_row* r, uint32_t i, const void* p) {
  pgwasm_set_bits(r, i, (uint32_t)(uintptr_t)p, 0);
}

/* --- dates and times: on the Unix epoch, UTC for timestamptz --- */
#define PGWASM_DATE_NEG_INFINITY INT32_MIN
#define PGWASM_DATE_INFINITY INT32_MAX
#define PGWASM_TIMESTAMP_NEG_INFINITY INT64_MIN
#define PGWASM_TIMESTAMP_INFINITY INT64_MAX
#define PGWASM_USECS_PER_SEC INT64_C(1000000)
#define PGWASM_USECS_PER_DAY INT64_C(86400000000)

/* Days since 1970-01-01 of a proleptic Gregorian date (year 0 is 1 BC, -1 is 2 BC). */
static inline int32_t pgwasm_date_from_ymd(int32_t y, int32_t m, int32_t d) {
  int64_t yy = (int64_t)y - (m <= 2);
  int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
  int64_t yoe = yy - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + doe - 719468);
}
static inline void pgwasm_date_to_ymd(int32_t days, int32_t* y, int32_t* m, int32_t* d) {
  int64_t z = (int64_t)days + 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *d = (int32_t)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int32_t)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int32_t)(yoe + era * 400 + (*m <= 2));
}
/* floor(a / b) for b > 0 (C's / truncates toward zero). */
static inline int64_t pgwasm_floor_div(int64_t a, int64_t b) { return a / b - (a % b != 0 && a < 0); }

/* --- uuid and interval arguments: passed by value --- */
/* A uuid argument is two uint64_t parameters, its bytes 0-7 and 8-15 read big-endian (so
 * (hi >> 12) & 15 is its version); an interval argument is three: micros, days, months.
 * Inside arrays and rows, and as results, they are the 16-byte structs above. */
#define PGWASM_UUID_ARG(name) uint64_t name##_hi, uint64_t name##_lo
#define PGWASM_INTERVAL_ARG(name) int64_t name##_micros, int32_t name##_days, int32_t name##_months
static inline pgwasm_uuid pgwasm_uuid_from(uint64_t hi, uint64_t lo) {
  pgwasm_uuid u;
  for (int i = 0; i < 8; i++) {
    u.bytes[i] = (uint8_t)(hi >> (56 - 8 * i));
    u.bytes[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
  }
  return u;
}
static inline pgwasm_interval pgwasm_interval_from(int64_t micros, int32_t days, int32_t months) {
  pgwasm_interval v = {micros, days, months};
  return v;
}
#define PGWASM_UUID(name) pgwasm_uuid_from(name##_hi, name##_lo)
#define PGWASM_INTERVAL(name) pgwasm_interval_from(name##_micros, name##_days, name##_months)

/* --- uuid --- */
/* Writes the 36 characters of u's text form (no NUL). */
static inline void pgwasm_uuid_format(const pgwasm_uuid* u, char out[36]) {
  static const char hex[] = "0123456789abcdef";
  int o = 0;
  for (int i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out[o++] = '-';
    out[o++] = hex[u->bytes[i] >> 4];
    out[o++] = hex[u->bytes[i] & 15];
  }
}

/* --- numeric: decimal text, every digit kept ("NaN", "Infinity", "-Infinity" too) --- */
/* Parses a numeric's text as a whole number of 10^-scale units: "12.345" with scale 2 is
 * 1235 (half away from zero). Returns 0 on success; 1 if it is NaN or infinite; 2 if it
 * does not fit in int64_t; 3 if it is not a number. */
static inline int pgwasm_numeric_to_scaled(const char* s, uint32_t len, int scale, int64_t* out) {
  uint32_t i = 0;
  int neg = 0;
  if (len && (s[0] == '-' || s[0] == '+')) neg = s[i++] == '-';
  if (i < len && (s[i] == 'N' || s[i] == 'I')) return 1;
  uint64_t v = 0;
  int frac = -1, digits = 0, round = 0; /* frac: digits after the point so far */
  for (; i < len; i++) {
    char c = s[i];
    if (c == '.' && frac < 0) {
      frac = 0;
      continue;
    }
    if (c < '0' || c > '9') return 3;
    digits++;
    if (frac >= scale) { /* past the scale: the first such digit rounds */
      if (frac == scale) round = c >= '5';
      frac++;
      continue;
    }
    if (v > (UINT64_MAX - 9) / 10) return 2;
    v = v * 10 + (uint64_t)(c - '0');
    if (frac >= 0) frac++;
  }
  if (!digits) return 3;
  for (int f = frac < 0 ? 0 : (frac > scale ? scale : frac); f < scale; f++) {
    if (v > UINT64_MAX / 10) return 2;
    v *= 10;
  }
  if (round) v++;
  if (v > (uint64_t)INT64_MAX + (uint64_t)neg) return 2;
  *out = neg ? (int64_t)(0 - v) : (int64_t)v;
  return 0;
}
/* Writes v / 10^scale as decimal text into out (at least 22 + scale bytes); returns its
 * length. */
static inline uint32_t pgwasm_scaled_to_numeric(int64_t v, int scale, char* out) {
  char tmp[48];
  int n = 0;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u || n <= scale);
  uint32_t o = 0;
  if (v < 0) out[o++] = '-';
  while (n > 0) {
    if (n == scale) out[o++] = '.';
    out[o++] = tmp[--n];
  }
  return o;
}

/* The argument buffer, from a new arena: the host calls it once before each call that
 * has arguments or (ABI v2) a result in linear memory. Guests do not need to. Returns 0
 * when memory runs out: the host reports wasm.memory_limit. */
__attribute__((weak, export_name("pgwasm_alloc"))) uint32_t pgwasm_alloc(uint32_t size) {
  pgwasm_arena_reset();
  void* p = pgwasm_palloc(size ? size : 1);
  return (uint32_t)(uintptr_t)p;
}

#ifdef __cplusplus
}
#endif

#endif /* PGWASM_H */
