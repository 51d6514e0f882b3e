-- ABI version 2: date, time, timestamp and timestamptz on the Unix epoch (ABI.md), with
-- infinities, BC dates, the ends of each range and time zones.
CREATE FUNCTION date_raw(date) RETURNS int LANGUAGE wasm AS 'types:date_raw';
CREATE FUNCTION date_echo(date) RETURNS date LANGUAGE wasm AS 'types:echo_i32';
CREATE FUNCTION date_ymd(date) RETURNS bigint LANGUAGE wasm STRICT AS 'types:date_ymd';
CREATE FUNCTION make_date_w(int, int, int) RETURNS date LANGUAGE wasm STRICT AS 'types:make_date_w';
SELECT d, date_raw(d), date_raw(d) = d - '1970-01-01'::date AS days_since_1970, date_echo(d) = d AS same
  FROM (VALUES ('1970-01-01'::date), ('2000-01-01'), ('1969-12-31'), ('2024-02-29'), ('0001-01-01'),
               ('0001-12-31 BC'), ('4713-11-24 BC'), ('5874897-12-31')) t(d);
SELECT d, date_raw(d), date_echo(d) FROM (VALUES ('infinity'::date), ('-infinity'), (NULL)) t(d);
-- the guest's calendar agrees with PostgreSQL's, BC years too (year 0 is 1 BC)
SELECT count(*) AS days,
       count(*) FILTER (WHERE date_ymd(d) = y * 10000 + (CASE WHEN y < 0 THEN -1 ELSE 1 END) * (m * 100 + dd)
                          AND make_date_w(y, m, dd) = d) AS agree
  FROM (SELECT d, extract(month FROM d)::int AS m, extract(day FROM d)::int AS dd,
               CASE WHEN extract(year FROM d) < 0 THEN extract(year FROM d)::int + 1
                    ELSE extract(year FROM d)::int END AS y
          FROM (SELECT '0401-01-01 BC'::date + i * 97 AS d FROM generate_series(0, 12000) i) s) t;
-- month starts and days of the week
CREATE FUNCTION month_start(date) RETURNS date LANGUAGE wasm STRICT AS 'timebucket:month_start';
CREATE FUNCTION iso_dow(date) RETURNS int LANGUAGE wasm STRICT AS 'timebucket:iso_dow';
SELECT count(*) FILTER (WHERE month_start(d) = date_trunc('month', d)::date) AS month_ok,
       count(*) FILTER (WHERE iso_dow(d) = extract(isodow FROM d)) AS dow_ok, count(*) AS total
  FROM (SELECT '1900-01-01'::date + i AS d FROM generate_series(0, 80000, 7) i
        UNION ALL SELECT '1200-03-01 BC'::date + i FROM generate_series(0, 400) i) t;
SELECT month_start('infinity'), month_start('-infinity');
-- results the range of date does not hold
CREATE FUNCTION raw_date(int) RETURNS date LANGUAGE wasm STRICT AS 'hostile_types:raw_i32';
SELECT raw_date(0), raw_date(-2147483648), raw_date(2147483647), raw_date(-2440588) AS first_day;
SELECT raw_date(-2440589);
SELECT raw_date(2147483646);

-- time: microseconds since midnight, 24:00:00 included
CREATE FUNCTION time_raw(time) RETURNS bigint LANGUAGE wasm STRICT AS 'types:ts_raw';
CREATE FUNCTION time_echo(time) RETURNS time LANGUAGE wasm STRICT AS 'types:echo_i64';
CREATE FUNCTION raw_time(bigint) RETURNS time LANGUAGE wasm STRICT AS 'hostile_types:raw_i64';
SELECT t, time_raw(t), time_echo(t) = t AS same
  FROM (VALUES ('00:00'::time), ('12:34:56.789012'), ('23:59:59.999999'), ('24:00:00')) v(t);
SELECT raw_time(86400000000), raw_time(1);
SELECT raw_time(86400000001);
SELECT raw_time(-1);

-- timestamp and timestamptz: microseconds since 1970-01-01 00:00:00 (UTC)
CREATE FUNCTION ts_raw(timestamp) RETURNS bigint LANGUAGE wasm AS 'types:ts_raw';
CREATE FUNCTION ts_echo(timestamp) RETURNS timestamp LANGUAGE wasm AS 'types:echo_i64';
CREATE FUNCTION tstz_raw(timestamptz) RETURNS bigint LANGUAGE wasm AS 'types:ts_raw';
CREATE FUNCTION tstz_echo(timestamptz) RETURNS timestamptz LANGUAGE wasm AS 'types:echo_i64';
CREATE FUNCTION raw_ts(bigint) RETURNS timestamp LANGUAGE wasm STRICT AS 'hostile_types:raw_i64';
CREATE FUNCTION raw_tstz(bigint) RETURNS timestamptz LANGUAGE wasm STRICT AS 'hostile_types:raw_i64';
SELECT t, ts_raw(t), ts_raw(t) = (extract(epoch FROM t) * 1000000)::bigint AS unix_micros, ts_echo(t) = t AS same
  FROM (VALUES ('1970-01-01 00:00'::timestamp), ('2000-01-01'), ('1969-12-31 23:59:59.999999'),
               ('2038-01-19 03:14:08'), ('4713-11-24 00:00 BC'), ('0001-01-01 BC'),
               ('294246-12-31 23:59:59.999999')) v(t);
SELECT t, ts_raw(t), ts_echo(t) FROM (VALUES ('infinity'::timestamp), ('-infinity'), (NULL)) v(t);
-- the last 30 years PostgreSQL holds have no Unix-epoch value below INT64_MAX (infinity)
SELECT ts_raw('294276-12-31 23:59:59');
-- timestamptz is UTC inside the guest, whatever the session's time zone
SET timezone = 'America/New_York';
SELECT tstz_raw('2024-03-10 01:59:59-05'), tstz_raw('2024-03-10 03:00:00-04'),
       tstz_echo('2024-11-03 01:30:00-04') = '2024-11-03 01:30:00-04'::timestamptz AS same,
       raw_tstz(0), raw_ts(0);
SET timezone = 'Asia/Kolkata';
SELECT tstz_raw('1970-01-01 05:30:00'), raw_tstz(1718000000000000);
RESET timezone;
SELECT count(*) FILTER (WHERE tstz_echo(t) = t AND tstz_raw(t) = (extract(epoch FROM t) * 1000000)::bigint) AS agree
  FROM (SELECT '1900-01-01 UTC'::timestamptz + i * interval '1 day 17:13:11.000017' AS t
        FROM generate_series(0, 50000) i) v;
SELECT raw_ts(-9223372036854775808), raw_ts(9223372036854775807),
       raw_ts(-210866803200000000) AS first_micro;
SELECT raw_ts(-210866803200000001);
SELECT raw_ts(9223372036854775806);
SELECT raw_ts(-9223372036854775807);

-- bucketing timestamps, as date_bin does
CREATE FUNCTION time_bucket(interval, timestamptz, timestamptz) RETURNS timestamptz
  LANGUAGE wasm STRICT IMMUTABLE AS 'timebucket:time_bucket';
SELECT w, count(*) AS rows, count(*) FILTER (WHERE time_bucket(w, t, o) = date_bin(w, t, o)) AS agree
  FROM (VALUES ('15 minutes'::interval), ('1 day'), ('7 days 00:00:01'), ('1 microsecond')) ws(w),
       (VALUES ('2001-01-01 00:00+00'::timestamptz), ('1999-12-31 13:37:01.5+00')) os(o),
       (SELECT '1960-06-01 UTC'::timestamptz + i * interval '3 hours 7 minutes 11.013 seconds' AS t
          FROM generate_series(0, 3000) i) ts
 GROUP BY w ORDER BY w;
SELECT time_bucket('1 hour', 'infinity', '2000-01-01'), time_bucket('1 month', now(), '2000-01-01') IS NULL AS months_null;
