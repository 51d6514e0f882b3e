/* text[] tag lists: normalise (trim, lower-case ASCII, drop empty and NULL tags and
 * duplicates, keep first-seen order). */
#include <pgwasm.h>

static int same(pgwasm_text a, pgwasm_text b) { return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0; }

PGWASM_EXPORT(normalize_tags) pgwasm_array* normalize_tags(const pgwasm_array* a) {
  pgwasm_array* r = pgwasm_array_new(a->count, sizeof(pgwasm_text), 0);
  if (!r) __builtin_trap();
  const pgwasm_text* in = pgwasm_array_data(a, const pgwasm_text);
  pgwasm_text* out = pgwasm_array_data(r, pgwasm_text);
  uint32_t n = 0;
  for (uint32_t i = 0; i < a->count; i++) {
    if (pgwasm_array_is_null(a, i)) continue;
    const char* s = in[i].ptr;
    uint32_t len = in[i].len;
    while (len && (*s == ' ' || *s == '\t')) s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t')) len--;
    if (!len) continue;
    char* t = (char*)pgwasm_palloc(len);
    if (!t) __builtin_trap();
    for (uint32_t j = 0; j < len; j++) t[j] = (s[j] >= 'A' && s[j] <= 'Z') ? (char)(s[j] + 32) : s[j];
    pgwasm_text tag = {t, len};
    int dup = 0;
    for (uint32_t k = 0; k < n && !dup; k++) dup = same(out[k], tag);
    if (!dup) out[n++] = tag;
  }
  r->count = n;
  return r;
}
