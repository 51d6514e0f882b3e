/* Window functions (CREATE FUNCTION ... WINDOW, udf-sdk/ABI.md "Window functions"):
 * PostgreSQL's row_number, rank, percent_rank and lag, a moving average and a moving
 * median over the frame, and a partition's median, each called once per row.
 *
 *   CREATE FUNCTION w_rank() RETURNS bigint WINDOW LANGUAGE wasm AS 'windows:w_rank';
 *   SELECT w_rank() OVER (PARTITION BY g ORDER BY v) FROM t;
 *   CREATE FUNCTION w_moving_avg(float8) RETURNS float8 WINDOW LANGUAGE wasm AS 'windows:w_moving_avg';
 *   SELECT w_moving_avg(x) OVER (ORDER BY i ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) FROM t;
 */
#include <pgwasm.h>
#include <stdlib.h>

PGWASM_EXPORT(w_row_number) int64_t w_row_number(int64_t row) { return row + 1; }

/* rank: the position of the first of the current row's peers (rows are seen in order). */
static int64_t rank_of(int64_t row) {
  static int64_t rank;
  if (row == 0 || !pgwasm_win_peers(row - 1, row)) rank = row + 1;
  return rank;
}
PGWASM_EXPORT(w_rank) int64_t w_rank(int64_t row) { return rank_of(row); }

PGWASM_EXPORT(w_percent_rank) double w_percent_rank(int64_t row) {
  int64_t rank = rank_of(row), rows = pgwasm_win_rows();
  return rows > 1 ? (double)(rank - 1) / (double)(rows - 1) : 0.0;
}

/* lag(v, offset): the value offset rows before, NULL before the partition's start. */
PGWASM_EXPORT(w_lag) int64_t w_lag(int64_t v, int32_t offset, int64_t row) {
  (void)v;
  (void)row;
  pgwasm_slot s;
  if (pgwasm_arg_is_null(1) || pgwasm_win_arg(0, -(int64_t)offset, PGWASM_WIN_CURRENT, &s) != PGWASM_WIN_VALUE)
    return pgwasm_return_null();
  return s.i64;
}

/* The frame's non-NULL values, in a buffer kept for the partition (the frame is never
 * bigger than the partition). */
static pgwasm_slot* frame_buf;
static uint8_t* frame_nulls;
static int64_t frame_cap;
static uint32_t frame_values(int64_t row) {
  if (row == 0) {
    int64_t rows = pgwasm_win_rows();
    if (rows > frame_cap) {
      free(frame_buf);
      free(frame_nulls);
      frame_buf = (pgwasm_slot*)malloc((size_t)rows * sizeof(pgwasm_slot));
      frame_nulls = (uint8_t*)malloc((size_t)rows);
      if (!frame_buf || !frame_nulls) __builtin_trap();
      frame_cap = rows;
    }
  }
  uint32_t n = (uint32_t)pgwasm_win_frame(0, frame_buf, frame_nulls, (uint32_t)frame_cap), k = 0;
  for (uint32_t i = 0; i < n; i++)
    if (!frame_nulls[i]) frame_buf[k++] = frame_buf[i];
  return k;
}

PGWASM_EXPORT(w_moving_avg) double w_moving_avg(double x, int64_t row) {
  (void)x;
  uint32_t n = frame_values(row);
  if (n == 0) return pgwasm_return_null();
  double sum = 0;
  for (uint32_t i = 0; i < n; i++) sum += frame_buf[i].f64;
  return sum / n;
}

static int cmp_f64(const void* a, const void* b) {
  double x = ((const pgwasm_slot*)a)->f64, y = ((const pgwasm_slot*)b)->f64;
  return x < y ? -1 : x > y;
}
static double median_of(pgwasm_slot* v, uint32_t n) {
  qsort(v, n, sizeof *v, cmp_f64);
  return n % 2 ? v[n / 2].f64 : (v[n / 2 - 1].f64 + v[n / 2].f64) / 2;
}

PGWASM_EXPORT(w_moving_median) double w_moving_median(double x, int64_t row) {
  (void)x;
  uint32_t n = frame_values(row);
  if (n == 0) return pgwasm_return_null();
  return median_of(frame_buf, n);
}

/* The partition's median, whatever the frame: the whole partition is read once, at its
 * first row (one host call), and the result kept for its other rows. */
PGWASM_EXPORT(w_partition_median) double w_partition_median(double x, int64_t row) {
  (void)x;
  static double median;
  static int is_null;
  if (row == 0) {
    int64_t rows = pgwasm_win_rows();
    pgwasm_slot* v = (pgwasm_slot*)malloc((size_t)rows * sizeof(pgwasm_slot));
    uint8_t* nulls = (uint8_t*)malloc((size_t)rows);
    if (!v || !nulls) __builtin_trap();
    uint32_t n = (uint32_t)pgwasm_win_column(0, 0, (uint32_t)rows, v, nulls), k = 0;
    for (uint32_t i = 0; i < n; i++)
      if (!nulls[i]) v[k++] = v[i];
    is_null = k == 0;
    if (k) median = median_of(v, k);
    free(v);
    free(nulls);
  }
  if (is_null) return pgwasm_return_null();
  return median;
}
