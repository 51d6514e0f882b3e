/* Text in and out: text arrives as (pointer, length) of UTF-8 bytes, not NUL-terminated,
 * and goes back as a pgwasm_result. */
#include <pgwasm.h>

/* Number of ASCII vowels (either case). */
PGWASM_EXPORT(vowels) int32_t vowels(const char* s, uint32_t len) {
  int32_t n = 0;
  for (uint32_t i = 0; i < len; i++) {
    switch (s[i] | 0x20) {
      case 'a': case 'e': case 'i': case 'o': case 'u': n++;
    }
  }
  return n;
}

/* Reverses by code point, so multi-byte UTF-8 characters stay intact. */
PGWASM_EXPORT(reverse) pgwasm_result reverse(const char* s, uint32_t len) {
  char* out = pgwasm_result_buffer(len);
  if (!out && len) __builtin_trap();
  uint32_t o = len;
  for (uint32_t i = 0; i < len;) {
    uint32_t n = 1;
    while (i + n < len && ((unsigned char)s[i + n] & 0xC0) == 0x80) n++;
    o -= n;
    memcpy(out + o, s + i, n);
    i += n;
  }
  return pgwasm_return_text(out, len);
}

/* "Hello, World!" -> "hello-world": ASCII letters and digits lowercased, every other run
 * of characters one '-', none at either end. */
PGWASM_EXPORT(slugify) pgwasm_result slugify(const char* s, uint32_t len) {
  char* out = pgwasm_result_buffer(len);
  if (!out && len) __builtin_trap();
  uint32_t o = 0;
  int dash = 0;
  for (uint32_t i = 0; i < len; i++) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (dash && o) out[o++] = '-';
      out[o++] = c;
      dash = 0;
    } else {
      dash = 1;
    }
  }
  return pgwasm_return_text(out, o);
}

/* Deliberately returns bytes that are not UTF-8, to show the host refuses them. */
PGWASM_EXPORT(bad_utf8) pgwasm_result bad_utf8(void) {
  static const char bad[] = {'o', 'k', (char)0xC3, (char)0x28};
  return pgwasm_return_text(bad, sizeof bad);
}

/* Prints to stdout and stderr (WASI fd_write): they become NOTICE and LOG messages. */
#include <stdio.h>
PGWASM_EXPORT(shout) int32_t shout(const char* s, uint32_t len) {
  printf("guest says: %.*s\n", (int)len, s);
  fflush(stdout);
  return (int32_t)len;
}
