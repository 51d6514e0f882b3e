/* pgwasm.h: write PostgreSQL functions in C for pg-wasm (LANGUAGE wasm).
 *
 *   #include <pgwasm.h>
 *   PGWASM_EXPORT(add) int32_t add(int32_t a, int32_t b) { return a + b; }
 *
 *   clang --target=wasm32-wasi -O2 -mexec-model=reactor -I udf-sdk/include f.c -o f.wasm
 *
 * Types (see ABI.md): smallint, integer and boolean are int32_t; bigint is int64_t; real is
 * float; double precision is double. text, varchar, bytea and jsonb arrive as two
 * parameters, a pointer and a length in bytes (pgwasm_text_arg names them), and are
 * returned as a pgwasm_result made by pgwasm_return_bytes / pgwasm_return_text. Text and
 * JSON are UTF-8 and not NUL-terminated.
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

/* The argument buffer: one allocation per call for all text/bytea/jsonb arguments. The
 * host calls it; guests do not need to. Weak, so several translation units may include
 * this header. */
__attribute__((weak, export_name("pgwasm_alloc"))) uint32_t pgwasm_alloc(uint32_t size) {
  static char* buf;
  static uint32_t cap;
  if (!buf || size > cap) {
    free(buf);
    cap = size < 256 ? 256 : size;
    buf = (char*)malloc(cap);
    if (!buf) {
      cap = 0;
      return 0; /* the host reports the memory limit */
    }
  }
  return (uint32_t)(uintptr_t)buf;
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

#ifdef __cplusplus
}
#endif

#endif /* PGWASM_H */
