/* Hostile set-returning functions: batches that lie about their layout, sets that never
 * end, and a call that never returns. The host must refuse each with an ERROR, stop each
 * at a limit or a cancel, and store nothing (sql/hostile_sets.sql). */
#include <pgwasm.h>

/* bad_set(how) RETURNS SETOF bigint: a good batch (1, 2) at call 0, then broken as `how`
 * says at call 1. */
PGWASM_EXPORT(bad_set) pgwasm_array* bad_set(int32_t how, int64_t call) {
  pgwasm_array* b = pgwasm_set_batch(2, sizeof(int64_t), 0);
  if (call == 0) {
    pgwasm_array_data(b, int64_t)[b->count++] = 1;
    pgwasm_array_data(b, int64_t)[b->count++] = 2;
    return b;
  }
  if (call > 1) return b;  /* the end (after how 0's second batch) */
  b->count = 2;
  pgwasm_array_data(b, int64_t)[0] = 3;
  pgwasm_array_data(b, int64_t)[1] = 4;
  switch (how) {
    case 1: return (pgwasm_array*)(uintptr_t)0xfffffff0u;        /* header outside memory */
    case 2: b->data = (void*)(uintptr_t)0xffffff00u; break;      /* rows outside memory */
    case 3: b->elem_size = 4; break;                            /* rows of the wrong size */
    case 4: b->count = 0xffffffffu; break;                      /* count past memory */
    case 5: b->nulls = (uint8_t*)(uintptr_t)0xfffffffeu; break; /* NULL flags outside memory */
    case 6: b->flags = 1; break;                                /* flags of a later ABI */
    case 7: __builtin_trap();                                   /* a trap in the middle of the set */
    default: break;                                             /* valid: 1, 2, 3, 4 */
  }
  return b;
}

/* bad_rows(how) RETURNS TABLE(a int, b text): rows broken as `how` says. */
PGWASM_EXPORT(bad_rows) pgwasm_array* bad_rows(int32_t how, int64_t call) {
  pgwasm_array* b = pgwasm_set_batch(2, sizeof(pgwasm_row*), 0);
  if (call > 0) return b;
  pgwasm_row* r = pgwasm_row_new(how == 1 ? 1 : how == 2 ? 3 : 2);
  if (!r) __builtin_trap();
  pgwasm_set_i32(r, 0, 7);
  if (r->nfields > 1) pgwasm_set_text(r, 1, "seven", 5);
  if (how == 3) pgwasm_set_text(r, 1, (const char*)(uintptr_t)0xfffffff0u, 64); /* text outside memory */
  if (how == 4) pgwasm_set_text(r, 1, "\xff\xfe", 2);                           /* not UTF-8 */
  pgwasm_row** rows = pgwasm_array_data(b, pgwasm_row*);
  rows[b->count++] = r;
  rows[b->count++] = how == 5 ? (pgwasm_row*)(uintptr_t)0xfffffff8u : r;         /* row outside memory */
  return b;
}

/* endless(per_call) RETURNS SETOF bigint: per_call rows at every call, forever. */
PGWASM_EXPORT(endless) pgwasm_array* endless(int32_t per_call, int64_t call) {
  uint32_t n = per_call > 0 ? (uint32_t)per_call : 1;
  pgwasm_array* b = pgwasm_set_batch(n, sizeof(int64_t), 0);
  for (uint32_t i = 0; i < n; i++) pgwasm_array_data(b, int64_t)[b->count++] = call;
  return b;
}

/* stuck() RETURNS SETOF int: one row, then a call that never returns. */
PGWASM_EXPORT(stuck) pgwasm_array* stuck(int64_t call) {
  pgwasm_array* b = pgwasm_set_batch(1, sizeof(int32_t), 0);
  if (call == 0) {
    pgwasm_array_data(b, int32_t)[b->count++] = 1;
    return b;
  }
  for (volatile int i = 0;; i++) {
  }
}

/* amplified_set(n) RETURNS SETOF text: one batch of n rows that all name the same 64 kB:
 * small in the guest, n * 64 kB in PostgreSQL. */
PGWASM_EXPORT(amplified_set) pgwasm_array* amplified_set(int32_t n, int64_t call) {
  static char block[65536];
  uint32_t count = call == 0 && n > 0 ? (uint32_t)n : 0;
  pgwasm_array* b = pgwasm_set_batch(count, sizeof(pgwasm_text), 0);
  memset(block, 'a', sizeof block);
  for (uint32_t i = 0; i < count; i++) pgwasm_array_data(b, pgwasm_text)[b->count++] = (pgwasm_text){block, sizeof block};
  return b;
}

/* grow_set() RETURNS SETOF int: at every call the guest's memory grows by 1 MB it keeps
 * (static), until wasm.memory_limit stops memory.grow and the guest traps. */
PGWASM_EXPORT(grow_set) pgwasm_array* grow_set(int64_t call) {
  if (__builtin_wasm_memory_grow(0, 16) == (size_t)-1) __builtin_trap();
  pgwasm_array* b = pgwasm_set_batch(1, sizeof(int32_t), 0);
  pgwasm_array_data(b, int32_t)[b->count++] = (int32_t)call;
  return b;
}
