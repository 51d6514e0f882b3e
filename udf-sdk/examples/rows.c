/* Table rows in the guest: score(t) over a table's row type (ABI.md, "Rows").
 *
 *   CREATE TABLE listings (id int, title text, price numeric, rating float8,
 *                          reviews int, tags text[], listed date);
 *   CREATE FUNCTION score(listings) RETURNS float8 LANGUAGE wasm AS 'rows:score';
 *
 * Fields come in column order (dropped columns left out): here 0 id, 1 title, 2 price,
 * 3 rating, 4 reviews, 5 tags, 6 listed. */
#include <math.h>

#include <pgwasm.h>

/* rating weighted by the number of reviews, plus 0.1 per tag; NULL rating scores 0. */
PGWASM_EXPORT(score) double score(const pgwasm_row* r) {
  if (r->nfields != 7) __builtin_trap();
  double rating = pgwasm_is_null(r, 3) ? 0 : pgwasm_get_f64(r, 3);
  int32_t reviews = pgwasm_is_null(r, 4) ? 0 : pgwasm_get_i32(r, 4);
  double s = rating * log1p((double)reviews);
  if (!pgwasm_is_null(r, 5)) s += 0.1 * pgwasm_get_ptr(r, 5, const pgwasm_array)->count;
  return s;
}

/* A function of a ten-column row: the sum of its fields, NULLs counting 0 (benchmark).
 * Columns: a int, b bigint, c float8, d int, e float8, f int, g bigint, h float8, i int,
 * j float8. */
#define I32(i) (pgwasm_is_null(r, i) ? 0 : pgwasm_get_i32(r, i))
#define I64(i) (pgwasm_is_null(r, i) ? 0 : (double)pgwasm_get_i64(r, i))
#define F64(i) (pgwasm_is_null(r, i) ? 0 : pgwasm_get_f64(r, i))
PGWASM_EXPORT(row10_sum) double row10_sum(const pgwasm_row* r) {
  if (r->nfields != 10) __builtin_trap();
  return I32(0) + I64(1) + F64(2) + I32(3) + F64(4) + I32(5) + I64(6) + F64(7) + I32(8) + F64(9);
}
