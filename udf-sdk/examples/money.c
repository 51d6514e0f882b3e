/* Exact arithmetic on numeric: decimal text in, scaled integers inside, decimal text out.
 * Every digit the guest is given is kept; what does not fit in int64 cents is NULL. */
#include <pgwasm.h>

/* price * quantity with tax_rate percent added, rounded to cents (half away from zero). */
PGWASM_EXPORT(line_total) pgwasm_result line_total(const char* price, uint32_t plen, int32_t quantity,
                                                   const char* rate, uint32_t rlen) {
  int64_t cents, basis; /* rate in 1/10000 percent */
  if (pgwasm_numeric_to_scaled(price, plen, 2, &cents) || pgwasm_numeric_to_scaled(rate, rlen, 4, &basis))
    return pgwasm_return_null();
  __int128 total = (__int128)cents * quantity;
  __int128 scaled = total * (1000000 + basis); /* cents * 10^6 */
  __int128 q = scaled / 1000000, rem = scaled % 1000000;
  if (rem >= 500000) q++;
  else if (rem <= -500000) q--;
  if (q > INT64_MAX || q < INT64_MIN) return pgwasm_return_null();
  char* out = (char*)pgwasm_palloc(32);
  if (!out) __builtin_trap();
  return pgwasm_return_text(out, pgwasm_scaled_to_numeric((int64_t)q, 2, out));
}

/* The numeric's text as the guest received it: NaN and Infinity included. */
PGWASM_EXPORT(numeric_echo) pgwasm_result numeric_echo(const char* s, uint32_t len) { return pgwasm_return_text(s, len); }

/* 1 if the numeric is NaN or infinite. */
PGWASM_EXPORT(numeric_special) int32_t numeric_special(const char* s, uint32_t len) {
  int64_t v;
  return pgwasm_numeric_to_scaled(s, len, 0, &v) == 1;
}
