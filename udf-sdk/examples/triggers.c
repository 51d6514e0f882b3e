/* Trigger functions (RETURNS trigger; pgwasm.h, "triggers"; udf-sdk/ABI.md).
 *
 *   CREATE FUNCTION normalize_email() RETURNS trigger LANGUAGE wasm AS 'triggers:normalize_email';
 *   CREATE TRIGGER t BEFORE INSERT OR UPDATE ON users
 *     FOR EACH ROW EXECUTE FUNCTION normalize_email('email');
 */
#include <pgwasm.h>
#include <stdio.h>

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* BEFORE INSERT OR UPDATE, FOR EACH ROW: the column TG_ARGV[0] (default "email") of NEW
 * trimmed and lower-cased (ASCII); a row whose address has no '@' in the middle is
 * skipped (NULL). A NULL address stays NULL. */
PGWASM_EXPORT(normalize_email) pgwasm_row* normalize_email(const pgwasm_row* tg) {
  pgwasm_row* row = pgwasm_tg_new(tg);
  if (!row) return 0;
  const pgwasm_array* args = pgwasm_tg_args(tg);
  char name[64] = "email";
  if (args->count > 0) {
    pgwasm_text a = pgwasm_array_data(args, pgwasm_text)[0];
    uint32_t n = a.len < sizeof name - 1 ? a.len : sizeof name - 1;
    memcpy(name, a.ptr, n);
    name[n] = 0;
  }
  int col = pgwasm_tg_column(tg, name);
  if (col < 0) __builtin_trap(); /* no such column: the statement fails */
  if (pgwasm_is_null(row, (uint32_t)col)) return row;
  pgwasm_text t = pgwasm_get_text(row, (uint32_t)col);
  const char* s = t.ptr;
  uint32_t len = t.len;
  while (len && is_space(*s)) s++, len--;
  while (len && is_space(s[len - 1])) len--;
  char* out = (char*)pgwasm_palloc(len ? len : 1);
  if (!out) __builtin_trap();
  uint32_t at = 0;
  for (uint32_t i = 0; i < len; i++) {
    out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    if (out[i] == '@' && !at) at = i;
  }
  if (at == 0 || at == len - 1) return 0; /* skip the row */
  pgwasm_set_text(row, (uint32_t)col, out, len);
  return row;
}

/* BEFORE UPDATE, FOR EACH ROW: NEW.version = OLD.version + 1 (an integer column). */
PGWASM_EXPORT(bump_version) pgwasm_row* bump_version(const pgwasm_row* tg) {
  pgwasm_row* row = pgwasm_tg_new(tg);
  const pgwasm_row* old = pgwasm_tg_old(tg);
  int col = pgwasm_tg_column(tg, "version");
  if (!row || !old || col < 0) __builtin_trap();
  int32_t v = pgwasm_is_null(old, (uint32_t)col) ? 0 : pgwasm_get_i32(old, (uint32_t)col);
  pgwasm_set_i32(row, (uint32_t)col, v + 1);
  return row;
}

/* Any event: prints what it got (a NOTICE), and lets the operation go on unchanged: NEW for
 * INSERT and UPDATE, OLD for DELETE. */
PGWASM_EXPORT(tg_echo) pgwasm_row* tg_echo(const pgwasm_row* tg) {
  int32_t e = pgwasm_tg_event(tg);
  pgwasm_text name = pgwasm_tg_name(tg), table = pgwasm_tg_table(tg), schema = pgwasm_tg_schema(tg);
  const char* op = e & PGWASM_TG_INSERT ? "INSERT" : e & PGWASM_TG_UPDATE ? "UPDATE" : e & PGWASM_TG_DELETE ? "DELETE" : "TRUNCATE";
  const char* when = e & PGWASM_TG_BEFORE ? "BEFORE" : e & PGWASM_TG_AFTER ? "AFTER" : "INSTEAD OF";
  printf("%.*s: %s %s %s on %.*s.%.*s, new %s, old %s, args", (int)name.len, name.ptr, when, op,
         e & PGWASM_TG_ROW ? "ROW" : "STATEMENT", (int)schema.len, schema.ptr, (int)table.len, table.ptr,
         pgwasm_tg_new(tg) ? "set" : "NULL", pgwasm_tg_old(tg) ? "set" : "NULL");
  const pgwasm_array* args = pgwasm_tg_args(tg);
  for (uint32_t i = 0; i < args->count; i++) {
    pgwasm_text a = pgwasm_array_data(args, pgwasm_text)[i];
    printf(" '%.*s'", (int)a.len, a.ptr);
  }
  printf("\n");
  return pgwasm_tg_new(tg) ? pgwasm_tg_new(tg) : pgwasm_tg_old(tg);
}

/* BEFORE ROW: skips every row (NULL). */
PGWASM_EXPORT(skip_all) pgwasm_row* skip_all(const pgwasm_row* tg) {
  (void)tg;
  return 0;
}

/* Hostile triggers: a row of the wrong shape (how 1: one field too few), a pointer outside
 * memory (how 2), a trap (how 3), an endless loop (how 4); how is TG_ARGV[0]. */
PGWASM_EXPORT(bad_trigger) pgwasm_row* bad_trigger(const pgwasm_row* tg) {
  const pgwasm_array* args = pgwasm_tg_args(tg);
  int how = args->count ? pgwasm_array_data(args, pgwasm_text)[0].ptr[0] - '0' : 0;
  pgwasm_row* row = pgwasm_tg_new(tg);
  if (how == 1 && row) {
    pgwasm_row* r = pgwasm_row_new(row->nfields - 1);
    if (!r) __builtin_trap();
    for (uint32_t i = 0; i + 1 < row->nfields; i++) r->fields[i] = row->fields[i];
    return r;
  }
  if (how == 2) return (pgwasm_row*)(uintptr_t)0xfffffff0u;
  if (how == 3) __builtin_trap();
  if (how == 4)
    for (volatile int i = 0;; i++) {
    }
  return row;
}
