/* SQLite as a pg-wasm module: a large module (over 1 MB of code) built from real C code,
 * for the code cache benchmark (cache_bench.sh). Compiled together with SQLite's
 * amalgamation (sqlite3.c) by build_sqlite_udf.sh. SQLite runs without an operating
 * system layer (SQLITE_OS_OTHER) on its in-memory "memdb" VFS. */
#include <pgwasm.h>

#include "sqlite3.h"

#include <time.h>
#include <unistd.h>

/* The operating system layer: a VFS that opens no files (databases live in SQLite's
 * in-memory "memdb" VFS, which needs a default VFS underneath for randomness and time). */
static int noOpen(sqlite3_vfs* v, const char* n, sqlite3_file* f, int fl, int* o) {
  (void)v, (void)n, (void)f, (void)fl, (void)o;
  return SQLITE_CANTOPEN;
}
static int noDelete(sqlite3_vfs* v, const char* n, int s) {
  (void)v, (void)n, (void)s;
  return SQLITE_IOERR_DELETE;
}
static int noAccess(sqlite3_vfs* v, const char* n, int f, int* r) {
  (void)v, (void)n, (void)f;
  *r = 0;
  return SQLITE_OK;
}
static int fullPathname(sqlite3_vfs* v, const char* in, int n, char* out) {
  (void)v;
  sqlite3_snprintf(n, out, "%s", in);
  return SQLITE_OK;
}
static int randomness(sqlite3_vfs* v, int n, char* out) {
  (void)v;
  for (int i = 0; i < n; i += 256) getentropy(out + i, (size_t)(n - i < 256 ? n - i : 256));
  return n;
}
static int sleepFor(sqlite3_vfs* v, int us) {
  (void)v;
  return us;
}
static int currentTime(sqlite3_vfs* v, double* t) {
  (void)v;
  *t = 2440587.5 + (double)time(0) / 86400.0;
  return SQLITE_OK;
}
static int lastError(sqlite3_vfs* v, int n, char* s) {
  (void)v, (void)n, (void)s;
  return 0;
}
static sqlite3_vfs noFiles = {1, (int)sizeof(sqlite3_file), 512, 0, "nofiles", 0, noOpen, noDelete,
                              noAccess, fullPathname, 0, 0, 0, 0, randomness, sleepFor, currentTime,
                              lastError};

int sqlite3_os_init(void) { return sqlite3_vfs_register(&noFiles, 1); }
int sqlite3_os_end(void) { return SQLITE_OK; }

/* sqlite_version() RETURNS integer */
PGWASM_EXPORT(sqlite_version) int32_t sqlite_version(void) { return sqlite3_libversion_number(); }

/* sqlite_eval(sql text) RETURNS text: the first column of the first row of the last
 * statement, run on a fresh in-memory database; NULL if there is none. */
PGWASM_EXPORT(sqlite_eval) pgwasm_result sqlite_eval(const char* sql, uint32_t len) {
  sqlite3* db = 0;
  if (sqlite3_open_v2("/pgwasm", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "memdb") != SQLITE_OK) {
    const char* e = db ? sqlite3_errmsg(db) : "cannot open an in-memory database";
    return pgwasm_return_cstring(e);
  }
  char* text = pgwasm_result_buffer(len + 1);
  memcpy(text, sql, len);
  text[len] = 0;
  const char* tail = text;
  pgwasm_result result = 0;
  int have = 0;
  while (tail && *tail) {
    sqlite3_stmt* st = 0;
    if (sqlite3_prepare_v2(db, tail, -1, &st, &tail) != SQLITE_OK) {
      result = pgwasm_return_cstring(sqlite3_errmsg(db));
      have = 1;
      break;
    }
    if (!st) break;
    have = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
      const unsigned char* v = sqlite3_column_text(st, 0);
      uint32_t n = (uint32_t)sqlite3_column_bytes(st, 0);
      char* out = pgwasm_result_buffer(n);
      memcpy(out, v, n);
      result = pgwasm_return_text(out, n);
      have = 1;
    }
    sqlite3_finalize(st);
  }
  sqlite3_close(db);
  if (!have) return pgwasm_return_null();
  return result;
}
