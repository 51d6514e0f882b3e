/* Timestamps on the Unix epoch (ABI.md, "Dates and times"): bucketing, as
 * date_bin(width, ts, origin) does, and a few date computations. */
#include <pgwasm.h>

/* The start of the width-wide bucket holding ts, buckets aligned to origin. Infinite
 * timestamps stay infinite; a width <= 0 is NULL. */
PGWASM_EXPORT(time_bucket) int64_t time_bucket(PGWASM_INTERVAL_ARG(width), int64_t ts, int64_t origin) {
  if (ts == PGWASM_TIMESTAMP_INFINITY || ts == PGWASM_TIMESTAMP_NEG_INFINITY) return ts;
  if (width_months) return pgwasm_return_null();
  int64_t w = width_micros + (int64_t)width_days * PGWASM_USECS_PER_DAY;
  if (w <= 0) return pgwasm_return_null();
  return origin + pgwasm_floor_div(ts - origin, w) * w;
}

/* The first day of the date's month. */
PGWASM_EXPORT(month_start) int32_t month_start(int32_t days) {
  if (days == PGWASM_DATE_INFINITY || days == PGWASM_DATE_NEG_INFINITY) return days;
  int32_t y, m, d;
  pgwasm_date_to_ymd(days, &y, &m, &d);
  return pgwasm_date_from_ymd(y, m, 1);
}

/* ISO day of the week, 1 (Monday) to 7. 1970-01-01 was a Thursday. */
PGWASM_EXPORT(iso_dow) int32_t iso_dow(int32_t days) { return (int32_t)(pgwasm_floor_div((int64_t)days + 3, 7) * -7 + days + 3) + 1; }

/* The start of the timestamp's hour (infinities stay). */
PGWASM_EXPORT(hour_start) int64_t hour_start(int64_t ts) {
  if (ts == PGWASM_TIMESTAMP_INFINITY || ts == PGWASM_TIMESTAMP_NEG_INFINITY) return ts;
  const int64_t hour = 3600 * PGWASM_USECS_PER_SEC;
  return pgwasm_floor_div(ts, hour) * hour;
}
