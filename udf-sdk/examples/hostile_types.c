/* Hostile guests for ABI version 2: results that lie about their layout. Each function
 * takes a case number and returns a broken array, row or value; the host must refuse
 * every one with an ERROR and store nothing (sql/hostile_types.sql). */
#include <pgwasm.h>

static uint8_t scratch[256];

/* An int8[] result, broken in the way `how` says. */
PGWASM_EXPORT(bad_array) pgwasm_array* bad_array(int32_t how) {
  pgwasm_array* a = pgwasm_array_new(4, 8, 0);
  if (!a) __builtin_trap();
  switch (how) {
    case 1: return (pgwasm_array*)(uintptr_t)0xfffffff0u;            /* header outside memory */
    case 2: a->data = (void*)(uintptr_t)0xffffff00u; break;          /* data outside memory */
    case 3: a->count = 0xffffffffu; break;                          /* count * 8 past memory */
    case 4: a->elem_size = 4; break;                                /* wrong element size */
    case 5: a->nulls = (uint8_t*)(uintptr_t)0xfffffffeu; break;     /* NULL flags outside memory */
    case 6: a->lower = INT32_MAX - 1; break;                        /* subscripts past INT32_MAX */
    case 7: a->flags = 1; break;                                    /* flags of a later ABI */
    case 8: a->count = 0x20000000u; a->data = (void*)16; break;     /* more than an array holds */
    case 9:                                                         /* 1 GB of int8: too big a value */
      if (__builtin_wasm_memory_grow(0, 16400) == (size_t)-1) __builtin_trap();
      a->count = 134217727;
      a->data = (void*)16;
      break;
    default: break;                                                 /* a valid array: 0 0 0 0 */
  }
  return a;
}

/* A text[] result of n elements that all name the same 64 kB of memory: small in the
 * guest, n * 64 kB in PostgreSQL (past wasm.memory_limit for n large enough). */
PGWASM_EXPORT(amplified_text) pgwasm_array* amplified_text(int32_t n) {
  static char block[65536];
  memset(block, 'a', sizeof block);
  pgwasm_array* a = pgwasm_array_new((uint32_t)n, sizeof(pgwasm_text), 0);
  if (!a) __builtin_trap();
  pgwasm_text* t = pgwasm_array_data(a, pgwasm_text);
  for (int32_t i = 0; i < n; i++) t[i] = (pgwasm_text){block, sizeof block};
  return a;
}

/* A text[] result whose second element is not UTF-8 (how 1) or has a NUL (how 2), or
 * whose element points outside memory (how 3). */
PGWASM_EXPORT(bad_text_array) pgwasm_array* bad_text_array(int32_t how) {
  pgwasm_array* a = pgwasm_array_new(2, sizeof(pgwasm_text), 0);
  if (!a) __builtin_trap();
  pgwasm_text* t = pgwasm_array_data(a, pgwasm_text);
  memcpy(scratch, "ok\xff\xfe" "a\0b", 7);
  t[0] = (pgwasm_text){(const char*)scratch, 2};
  if (how == 1) t[1] = (pgwasm_text){(const char*)scratch + 2, 2};
  else if (how == 2) t[1] = (pgwasm_text){(const char*)scratch + 4, 3};
  else if (how == 3) t[1] = (pgwasm_text){(const char*)(uintptr_t)0xfffffff0u, 100};
  else t[1] = (pgwasm_text){(const char*)scratch, 1};
  return a;
}

/* A (a int, b text, c float8) row result, broken as `how` says. */
PGWASM_EXPORT(bad_row) pgwasm_row* bad_row(int32_t how) {
  pgwasm_row* r = pgwasm_row_new(how == 1 ? 2 : how == 2 ? 4 : 3);
  if (!r) __builtin_trap();
  pgwasm_set_i32(r, 0, 1);
  pgwasm_set_text(r, 1, "x", 1);
  if (r->nfields > 2) pgwasm_set_f64(r, 2, 2.5);
  if (how == 3) pgwasm_set_text(r, 1, (const char*)(uintptr_t)0xfffffff0u, 64);  /* text outside memory */
  if (how == 4) return (pgwasm_row*)(uintptr_t)0xfffffffcu;                     /* row outside memory */
  if (how == 5) r->flags = 7;
  if (how == 6) r->fields[0].isnull = 1;                                      /* NULL into a NOT NULL domain */
  return r;
}

/* An array of rows (a int, b text, c float8) whose second element points outside memory
 * (how 1) or at a row of the wrong size (how 2). */
PGWASM_EXPORT(bad_row_array) pgwasm_array* bad_row_array(int32_t how) {
  pgwasm_array* a = pgwasm_array_new(2, 4, 0);
  pgwasm_row* r = pgwasm_row_new(3);
  if (!a || !r) __builtin_trap();
  pgwasm_set_i32(r, 0, 1);
  pgwasm_row** rows = pgwasm_array_data(a, pgwasm_row*);
  rows[0] = r;
  rows[1] = how == 1 ? (pgwasm_row*)(uintptr_t)0xfffffff8u : how == 2 ? pgwasm_row_new(1) : r;
  return a;
}

/* A date or timestamp bit pattern as given (out of range ones must be refused). */
PGWASM_EXPORT(raw_i32) int32_t raw_i32(int32_t v) { return v; }
PGWASM_EXPORT(raw_i64) int64_t raw_i64(int64_t v) { return v; }
