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

/* A function of a ten-column row: the sum of its numeric fields (benchmark). Columns:
 * int, bigint, float8, int, float8, int, bigint, float8, int, float8. */
PGWASM_EXPORT(row10_sum) double row10_sum(const pgwasm_row* r) {
  double s = 0;
  for (uint32_t i = 0; i < r->nfields; i++) {
    if (pgwasm_is_null(r, i)) continue;
    switch (i) {
      case 0: case 3: case 5: case 8: s += pgwasm_get_i32(r, i); break;
      case 1: case 6: s += (double)pgwasm_get_i64(r, i); break;
      default: s += pgwasm_get_f64(r, i); break;
    }
  }
  return s;
}
