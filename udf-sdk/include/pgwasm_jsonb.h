/* pgwasm_jsonb.h: read jsonb arguments in compact form, without parsing JSON text.
 *
 *   #include <pgwasm_jsonb.h>
 *   PGWASM_JSONB_COMPACT(get_name)      // this export's jsonb arguments arrive compact
 *   PGWASM_EXPORT(get_name) pgwasm_result get_name(const uint8_t* doc, uint32_t len) {
 *     pgwasm_jsonb name = pgwasm_jsonb_get_cstr(pgwasm_jsonb_root(doc, len), "name");
 *     if (name.type != PGWASM_JSON_STRING) return pgwasm_return_null();
 *     return pgwasm_return_text((const char*)name.data, name.len);
 *   }
 *
 * A jsonb argument of an export marked with PGWASM_JSONB_COMPACT arrives, like any jsonb
 * argument, as a pointer and a length; the bytes are jsonb's own binary form (ABI.md,
 * "jsonb in compact form") instead of JSON text, so looking up a key is a binary search
 * and nothing is parsed. Values are read in place: strings are UTF-8 and not
 * NUL-terminated, numbers are read as exact decimal text, as double or as int64. A jsonb
 * result is still JSON text (pgwasm_return_text). Every read checks its range inside the
 * value, so a wrong index gives PGWASM_JSON_NONE, never a read outside it.
 */
#ifndef PGWASM_JSONB_H
#define PGWASM_JSONB_H

#include <pgwasm.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Marks export `name`: its jsonb arguments (also inside arrays and rows) arrive compact. */
#define PGWASM_JSONB_COMPACT(name) \
  __attribute__((export_name("pgwasm_jsonb_compact__" #name))) void pgwasm__jsonb_compact_##name(void) {}

typedef enum {
  PGWASM_JSON_NONE = 0, /* no value: a missing key, an index past the end */
  PGWASM_JSON_NULL,
  PGWASM_JSON_STRING,
  PGWASM_JSON_NUMBER,
  PGWASM_JSON_BOOL,
  PGWASM_JSON_ARRAY,
  PGWASM_JSON_OBJECT
} pgwasm_json_type;

/* A value inside a compact jsonb. STRING: data/len are its UTF-8 bytes; BOOL: boolean;
 * NUMBER, ARRAY, OBJECT: data/len are its encoded form, read with the functions below. */
typedef struct {
  uint8_t type; /* pgwasm_json_type */
  uint8_t boolean;
  const uint8_t* data;
  uint32_t len;
} pgwasm_jsonb;

static inline uint32_t pgwasm__jb_u32(const uint8_t* p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* Container header and entry bits (PostgreSQL's jsonb.h). */
#define PGWASM__JB_CMASK 0x0FFFFFFFu
#define PGWASM__JB_FSCALAR 0x10000000u
#define PGWASM__JB_FOBJECT 0x20000000u
#define PGWASM__JB_FARRAY 0x40000000u
#define PGWASM__JE_OFFLEN 0x0FFFFFFFu
#define PGWASM__JE_TYPE 0x70000000u
#define PGWASM__JE_HAS_OFF 0x80000000u

/* Children of a container: 0 if it is not one or does not fit in its bytes. */
static inline uint32_t pgwasm__jb_children(pgwasm_jsonb c, uint32_t* count) {
  *count = 0;
  if ((c.type != PGWASM_JSON_ARRAY && c.type != PGWASM_JSON_OBJECT) || c.len < 4) return 0;
  uint32_t h = pgwasm__jb_u32(c.data);
  uint32_t n = h & PGWASM__JB_CMASK;
  uint32_t kids = (h & PGWASM__JB_FOBJECT) ? 2 * n : n;
  if (kids > (c.len - 4) / 4) return 0;
  *count = n;
  return kids;
}

/* Child i (of `kids` entries) of container c. */
static inline pgwasm_jsonb pgwasm__jb_child(pgwasm_jsonb c, uint32_t kids, uint32_t i) {
  pgwasm_jsonb v = {PGWASM_JSON_NONE, 0, 0, 0};
  const uint8_t* entries = c.data + 4;
  uint32_t dataLen = c.len - 4 - 4 * kids;
  const uint8_t* base = entries + 4 * kids;
  /* The start is the sum of the lengths before i, back to an entry that holds an end offset. */
  uint32_t start = 0;
  for (uint32_t k = i; k-- > 0;) {
    uint32_t e = pgwasm__jb_u32(entries + 4 * k);
    start += e & PGWASM__JE_OFFLEN;
    if (e & PGWASM__JE_HAS_OFF) break;
  }
  uint32_t e = pgwasm__jb_u32(entries + 4 * i);
  uint32_t len = (e & PGWASM__JE_HAS_OFF) ? (e & PGWASM__JE_OFFLEN) - start : (e & PGWASM__JE_OFFLEN);
  if (start > dataLen || len > dataLen - start) return v;
  uint32_t t = e & PGWASM__JE_TYPE;
  if (t == 0x10000000u || t == 0x50000000u) { /* numeric, container: aligned to 4 */
    uint32_t pad = (4 - (start & 3)) & 3;
    if (pad > len) return v;
    start += pad;
    len -= pad;
  }
  v.data = base + start;
  v.len = len;
  switch (t) {
    case 0x00000000u: v.type = PGWASM_JSON_STRING; break;
    case 0x10000000u: v.type = PGWASM_JSON_NUMBER; break;
    case 0x20000000u: v.type = PGWASM_JSON_BOOL; v.boolean = 0; break;
    case 0x30000000u: v.type = PGWASM_JSON_BOOL; v.boolean = 1; break;
    case 0x40000000u: v.type = PGWASM_JSON_NULL; break;
    case 0x50000000u:
      if (len < 4) return v;
      v.type = (pgwasm__jb_u32(v.data) & PGWASM__JB_FOBJECT) ? PGWASM_JSON_OBJECT : PGWASM_JSON_ARRAY;
      break;
    default: v.data = 0; v.len = 0; break;
  }
  return v;
}

/* The document: a jsonb argument's (pointer, length). */
static inline pgwasm_jsonb pgwasm_jsonb_root(const void* p, uint32_t len) {
  pgwasm_jsonb v = {PGWASM_JSON_NONE, 0, (const uint8_t*)p, len};
  if (len < 4) return v;
  uint32_t h = pgwasm__jb_u32(v.data);
  v.type = (h & PGWASM__JB_FOBJECT) ? PGWASM_JSON_OBJECT : PGWASM_JSON_ARRAY;
  if (h & PGWASM__JB_FSCALAR) { /* a scalar is stored as an array of one */
    uint32_t n, kids = pgwasm__jb_children(v, &n);
    return kids == 1 ? pgwasm__jb_child(v, 1, 0) : (pgwasm_jsonb){PGWASM_JSON_NONE, 0, 0, 0};
  }
  return v;
}

/* Elements of an array, or key/value pairs of an object; 0 for anything else. */
static inline uint32_t pgwasm_jsonb_size(pgwasm_jsonb v) {
  uint32_t n;
  pgwasm__jb_children(v, &n);
  return n;
}

/* Element i of an array. */
static inline pgwasm_jsonb pgwasm_jsonb_element(pgwasm_jsonb a, uint32_t i) {
  uint32_t n, kids = pgwasm__jb_children(a, &n);
  if (a.type != PGWASM_JSON_ARRAY || i >= n) return (pgwasm_jsonb){PGWASM_JSON_NONE, 0, 0, 0};
  return pgwasm__jb_child(a, kids, i);
}

/* Key i and value i of an object, in jsonb's order (shorter keys first, then bytewise). */
static inline pgwasm_jsonb pgwasm_jsonb_key(pgwasm_jsonb o, uint32_t i) {
  uint32_t n, kids = pgwasm__jb_children(o, &n);
  if (o.type != PGWASM_JSON_OBJECT || i >= n) return (pgwasm_jsonb){PGWASM_JSON_NONE, 0, 0, 0};
  return pgwasm__jb_child(o, kids, i);
}
static inline pgwasm_jsonb pgwasm_jsonb_value(pgwasm_jsonb o, uint32_t i) {
  uint32_t n, kids = pgwasm__jb_children(o, &n);
  if (o.type != PGWASM_JSON_OBJECT || i >= n) return (pgwasm_jsonb){PGWASM_JSON_NONE, 0, 0, 0};
  return pgwasm__jb_child(o, kids, n + i);
}

/* The value of key (UTF-8, klen bytes) in an object: a binary search. */
static inline pgwasm_jsonb pgwasm_jsonb_get(pgwasm_jsonb o, const char* key, uint32_t klen) {
  uint32_t n, kids = pgwasm__jb_children(o, &n);
  pgwasm_jsonb none = {PGWASM_JSON_NONE, 0, 0, 0};
  if (o.type != PGWASM_JSON_OBJECT) return none;
  uint32_t lo = 0, hi = n;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    pgwasm_jsonb k = pgwasm__jb_child(o, kids, mid);
    int cmp = k.len != klen ? (k.len < klen ? -1 : 1) : memcmp(k.data, key, klen);
    if (cmp == 0) return pgwasm__jb_child(o, kids, n + mid);
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return none;
}
static inline pgwasm_jsonb pgwasm_jsonb_get_cstr(pgwasm_jsonb o, const char* key) {
  return pgwasm_jsonb_get(o, key, (uint32_t)strlen(key));
}

/* A number as exact decimal text, as PostgreSQL prints it ("-12.50", "0.001", "1e3" is
 * "1000"). Writes at most cap bytes (no NUL) and returns the full length; 0 if v is not a
 * number. */
static inline uint32_t pgwasm_jsonb_number_text(pgwasm_jsonb v, char* buf, uint32_t cap) {
  if (v.type != PGWASM_JSON_NUMBER || v.len < 1) return 0;
  const uint8_t* p = v.data;
  uint32_t size, hdr;
  if (p[0] & 1) { /* one-byte varlena header */
    size = p[0] >> 1;
    hdr = 1;
  } else {
    if (v.len < 4) return 0;
    size = pgwasm__jb_u32(p) >> 2;
    hdr = 4;
  }
  if (size > v.len || size < hdr + 2) return 0;
  uint16_t h;
  memcpy(&h, p + hdr, 2);
  uint32_t out = 0;
#define PGWASM__PUT(c)             \
  do {                             \
    if (out < cap) buf[out] = (c); \
    out++;                         \
  } while (0)
  if ((h & 0xC000) == 0xC000) { /* NaN and infinities (not in JSON, but numerics can be) */
    const char* s = h == 0xC000 ? "NaN" : h == 0xD000 ? "Infinity" : "-Infinity";
    while (*s) PGWASM__PUT(*s++);
    return out;
  }
  int neg, weight;
  uint32_t dscale, first;
  if ((h & 0xC000) == 0x8000) { /* short form */
    neg = (h & 0x2000) != 0;
    dscale = (h & 0x1F80) >> 7;
    weight = (h & 0x0040) ? (int)(h & 0x3F) - 64 : (int)(h & 0x3F);
    first = hdr + 2;
  } else {
    if (size < hdr + 4) return 0;
    int16_t w;
    memcpy(&w, p + hdr + 2, 2);
    neg = (h & 0xC000) == 0x4000;
    dscale = h & 0x3FFF;
    weight = w;
    first = hdr + 4;
  }
  int ndigits = (int)((size - first) / 2);
  const uint8_t* digits = p + first;
#define PGWASM__DIGIT(i) \
  ((i) >= 0 && (i) < ndigits ? (int)(((uint16_t)digits[2 * (i)]) | ((uint16_t)digits[2 * (i) + 1] << 8)) : 0)
  if (neg) PGWASM__PUT('-');
  int d;
  if (weight < 0) {
    d = weight + 1;
    PGWASM__PUT('0');
  } else {
    for (d = 0; d <= weight; d++) {
      int dig = PGWASM__DIGIT(d);
      int started = d > 0;
      for (int div = 1000; div > 0; div /= 10) {
        int q = (dig / div) % 10;
        if (started || q || div == 1) {
          PGWASM__PUT((char)('0' + q));
          started = 1;
        }
      }
    }
  }
  if (dscale > 0) {
    PGWASM__PUT('.');
    for (uint32_t i = 0; i < dscale; d++) {
      int dig = PGWASM__DIGIT(d);
      for (int div = 1000; div > 0 && i < dscale; div /= 10, i++) PGWASM__PUT((char)('0' + (dig / div) % 10));
    }
  }
#undef PGWASM__DIGIT
#undef PGWASM__PUT
  return out;
}

/* A number as the nearest double (strtod of its exact text); 0 if v is not a number. */
static inline double pgwasm_jsonb_number_double(pgwasm_jsonb v) {
  char small[64];
  uint32_t n = pgwasm_jsonb_number_text(v, small, sizeof small - 1);
  if (n < sizeof small) {
    small[n] = '\0';
    return strtod(small, NULL);
  }
  char* big = (char*)pgwasm_palloc(n + 1);
  if (!big) return 0;
  pgwasm_jsonb_number_text(v, big, n);
  big[n] = '\0';
  return strtod(big, NULL);
}

/* A number that is an integer within int64: 1 and *out set; else 0. */
static inline int pgwasm_jsonb_number_int64(pgwasm_jsonb v, int64_t* out) {
  char t[32];
  uint32_t n = pgwasm_jsonb_number_text(v, t, sizeof t);
  if (n == 0 || n > 20) return 0;
  uint32_t i = t[0] == '-';
  if (i == n) return 0;
  uint64_t acc = 0, limit = i ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
  for (; i < n; i++) {
    if (t[i] < '0' || t[i] > '9') return 0; /* a fraction, NaN, ... */
    uint64_t dig = (uint64_t)(t[i] - '0');
    if (acc > (limit - dig) / 10) return 0;
    acc = acc * 10 + dig;
  }
  *out = t[0] == '-' ? (int64_t)(0 - acc) : (int64_t)acc;
  return 1;
}

#ifdef __cplusplus
}
#endif

#endif /* PGWASM_JSONB_H */
