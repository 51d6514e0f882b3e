// PG zone. Module and guest text in the database encoding (server_text.h).
#include "pg.h"

#include "server_text.h"

PGWASM_PG_HEADERS_BEGIN
#include "mb/pg_wchar.h"
PGWASM_PG_HEADERS_END

namespace pgwasm {

namespace {
// One UTF-8 character in the database encoding, or null if the encoding lacks it.
char* convertOne(const char* one, int len) {
  MemoryContext cxt = CurrentMemoryContext;
  char* volatile conv = nullptr;
  PG_TRY();
  {
    conv = pg_any_to_server(one, len, PG_UTF8);
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(cxt);
    FlushErrorState();
    conv = nullptr;
  }
  PG_END_TRY();
  return conv;
}

}  // namespace

char* serverText(const char* utf8) {
  bool ascii = true;
  for (const char* p = utf8; *p && ascii; p++) ascii = (unsigned char)*p < 0x80;
  int enc = GetDatabaseEncoding();
  if (ascii || enc == PG_UTF8 || enc == PG_SQL_ASCII) return pstrdup(utf8);
  StringInfoData s;
  initStringInfo(&s);
  const unsigned char* p = reinterpret_cast<const unsigned char*>(utf8);
  while (*p) {
    int len = pg_utf_mblen(p);
    char one[8];
    memcpy(one, p, len);
    one[len] = '\0';
    char* conv = convertOne(one, len);
    if (conv) {
      appendStringInfoString(&s, conv);
    } else {
      pg_wchar c = utf8_to_unicode(p);
      if (c > 0xFFFF) appendStringInfo(&s, "\\U%08X", unsigned(c));
      else appendStringInfo(&s, "\\u%04X", unsigned(c));
    }
    p += len;
  }
  return s.data;
}

char* guestText(const char* bytes, size_t len) {
  char* clean = static_cast<char*>(palloc(len + 1));
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes);
  size_t i = 0;
  while (i < len) {
    if (p[i] != 0 && p[i] < 0x80) {
      clean[i] = char(p[i]);
      i++;
      continue;
    }
    int n = p[i] ? pg_utf_mblen(p + i) : 1;
    if (p[i] != 0 && size_t(n) <= len - i && pg_utf8_islegal(p + i, n)) {
      memcpy(clean + i, p + i, size_t(n));
      i += size_t(n);
    } else {
      clean[i++] = '?';
    }
  }
  clean[len] = '\0';
  return serverText(clean);
}

}  // namespace pgwasm
