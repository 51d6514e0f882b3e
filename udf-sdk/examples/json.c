/* jsonb in and out: the guest sees the JSON text of the value, and returns JSON text
 * that the host parses back into jsonb. */
#include <pgwasm.h>

static uint32_t skip_ws(const char* s, uint32_t i, uint32_t n) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
  return i;
}

/* End of the string starting at s[i] == '"'. */
static uint32_t skip_string(const char* s, uint32_t i, uint32_t n) {
  for (i++; i < n; i++) {
    if (s[i] == '\\') i++;
    else if (s[i] == '"') return i + 1;
  }
  return n;
}

/* End of the JSON value starting at s[i]. */
static uint32_t skip_value(const char* s, uint32_t i, uint32_t n) {
  if (i >= n) return n;
  if (s[i] == '"') return skip_string(s, i, n);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    for (; i < n; i++) {
      if (s[i] == '"') {
        i = skip_string(s, i, n) - 1;
      } else if (s[i] == '{' || s[i] == '[') {
        depth++;
      } else if (s[i] == '}' || s[i] == ']') {
        if (--depth == 0) return i + 1;
      }
    }
    return n;
  }
  while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ') i++;
  return i;
}

/* The value of top-level key `key` in JSON object `doc`, or NULL if there is none. Keys
 * are compared as written in the JSON text (escapes are not decoded). */
PGWASM_EXPORT(json_pick) pgwasm_result json_pick(const char* doc, uint32_t n, const char* key, uint32_t klen) {
  uint32_t i = skip_ws(doc, 0, n);
  if (i >= n || doc[i] != '{') return pgwasm_return_null();
  i++;
  while (1) {
    i = skip_ws(doc, i, n);
    if (i >= n || doc[i] != '"') return pgwasm_return_null();
    uint32_t kend = skip_string(doc, i, n);
    int match = kend - i - 2 == klen && memcmp(doc + i + 1, key, klen) == 0;
    i = skip_ws(doc, kend, n);
    if (i >= n || doc[i] != ':') return pgwasm_return_null();
    i = skip_ws(doc, i + 1, n);
    uint32_t vend = skip_value(doc, i, n);
    if (match) return pgwasm_return_text(doc + i, vend - i);
    i = skip_ws(doc, vend, n);
    if (i >= n || doc[i] != ',') return pgwasm_return_null();
    i++;
  }
}
