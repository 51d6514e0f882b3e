/* NULL handling in functions declared without STRICT: the guest asks which arguments
 * are NULL and may return NULL. */
#include <pgwasm.h>

/* "hello, NAME", or "hello, stranger" for NULL. */
PGWASM_EXPORT(greet) pgwasm_result greet(const char* name, uint32_t len) {
  static const char prefix[] = "hello, ";
  if (pgwasm_arg_is_null(0)) return pgwasm_return_cstring("hello, stranger");
  char* out = pgwasm_result_buffer(sizeof prefix - 1 + len);
  if (!out) __builtin_trap();
  memcpy(out, prefix, sizeof prefix - 1);
  memcpy(out + sizeof prefix - 1, name, len);
  return pgwasm_return_text(out, (uint32_t)(sizeof prefix - 1 + len));
}

/* NULL when the argument is NULL or zero, else the argument. */
PGWASM_EXPORT(null_if_zero) int32_t null_if_zero(int32_t x) {
  if (pgwasm_arg_is_null(0) || x == 0) return pgwasm_return_null();
  return x;
}

/* Sum of the non-NULL arguments; NULL if both are NULL. */
PGWASM_EXPORT(sum_nonnull) int64_t sum_nonnull(int64_t a, int64_t b) {
  int na = pgwasm_arg_is_null(0), nb = pgwasm_arg_is_null(1);
  if (na && nb) return pgwasm_return_null();
  return (na ? 0 : a) + (nb ? 0 : b);
}
