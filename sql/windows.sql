-- Window functions (CREATE FUNCTION ... WINDOW LANGUAGE wasm: udf-sdk/ABI.md, "Window
-- functions"), checked against PostgreSQL's own: row_number, rank, percent_rank, lag, a
-- moving average and a moving median over frames (ROWS, RANGE, GROUPS, EXCLUDE), a
-- partition's median; then hostile ones.
CREATE FUNCTION w_row_number() RETURNS bigint WINDOW LANGUAGE wasm IMMUTABLE AS 'windows:w_row_number';
CREATE FUNCTION w_rank() RETURNS bigint WINDOW LANGUAGE wasm IMMUTABLE AS 'windows:w_rank';
CREATE FUNCTION w_percent_rank() RETURNS float8 WINDOW LANGUAGE wasm IMMUTABLE AS 'windows:w_percent_rank';
CREATE FUNCTION w_lag(bigint, int) RETURNS bigint WINDOW LANGUAGE wasm IMMUTABLE AS 'windows:w_lag';
CREATE FUNCTION w_moving_avg(float8) RETURNS float8 WINDOW LANGUAGE wasm IMMUTABLE AS 'windows:w_moving_avg';
CREATE FUNCTION w_moving_median(float8) RETURNS float8 WINDOW LANGUAGE wasm IMMUTABLE AS 'windows:w_moving_median';
CREATE FUNCTION w_partition_median(float8) RETURNS float8 WINDOW LANGUAGE wasm IMMUTABLE
  AS 'windows:w_partition_median';

CREATE TABLE win_t AS
  SELECT i, i % 37 AS g, (i * 7919) % 101 AS v, CASE WHEN i % 11 = 0 THEN NULL ELSE ((i * 31) % 997) / 10.0::float8 END AS x
    FROM generate_series(1, 20000) i;
ANALYZE win_t;

SELECT g, i, v, w_row_number() OVER w, w_rank() OVER w, w_percent_rank() OVER w, w_lag(v, 1) OVER w
  FROM win_t WHERE g = 3 AND i < 400 WINDOW w AS (PARTITION BY g ORDER BY v) ORDER BY v, i LIMIT 6;

-- row_number, rank (with ties), percent_rank and lag against the built-ins, every row
SELECT count(*) AS rows,
       count(*) FILTER (WHERE rn <> brn) AS row_number_wrong,
       count(*) FILTER (WHERE rk <> brk) AS rank_wrong,
       count(*) FILTER (WHERE pr <> bpr) AS percent_rank_wrong,
       count(*) FILTER (WHERE lg IS DISTINCT FROM blg OR lg3 IS DISTINCT FROM blg3) AS lag_wrong
  FROM (SELECT w_row_number() OVER w AS rn, row_number() OVER w AS brn,
               w_rank() OVER w AS rk, rank() OVER w AS brk,
               w_percent_rank() OVER w AS pr, percent_rank() OVER w AS bpr,
               w_lag(v, 1) OVER w AS lg, lag(v, 1) OVER w AS blg,
               w_lag(v, 3) OVER w AS lg3, lag(v, 3) OVER w AS blg3
          FROM win_t WINDOW w AS (PARTITION BY g ORDER BY v)) q;
-- one partition, and no ORDER BY (every row a peer of every other)
SELECT count(*) FILTER (WHERE rk <> 1) AS not_one, max(pr) AS pr
  FROM (SELECT w_rank() OVER () AS rk, w_percent_rank() OVER () AS pr FROM win_t) q;
SELECT bool_and(a = b) AS one_partition_ok
  FROM (SELECT w_row_number() OVER (ORDER BY i) a, row_number() OVER (ORDER BY i) b FROM win_t) q;

-- a moving average over frames of every kind against avg
SELECT count(*) AS rows,
       count(*) FILTER (WHERE m1 IS DISTINCT FROM a1 AND abs(m1 - a1) > 1e-9) AS rows_wrong,
       count(*) FILTER (WHERE m2 IS DISTINCT FROM a2 AND abs(m2 - a2) > 1e-9) AS range_wrong,
       count(*) FILTER (WHERE m3 IS DISTINCT FROM a3 AND abs(m3 - a3) > 1e-9) AS groups_wrong,
       count(*) FILTER (WHERE m4 IS DISTINCT FROM a4 AND abs(m4 - a4) > 1e-9) AS exclude_wrong
  FROM (SELECT w_moving_avg(x) OVER (PARTITION BY g ORDER BY i ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING) m1,
               avg(x) OVER (PARTITION BY g ORDER BY i ROWS BETWEEN 3 PRECEDING AND 1 FOLLOWING) a1,
               w_moving_avg(x) OVER (PARTITION BY g ORDER BY v RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) m2,
               avg(x) OVER (PARTITION BY g ORDER BY v RANGE BETWEEN 5 PRECEDING AND CURRENT ROW) a2,
               w_moving_avg(x) OVER (PARTITION BY g ORDER BY v GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) m3,
               avg(x) OVER (PARTITION BY g ORDER BY v GROUPS BETWEEN 1 PRECEDING AND 1 FOLLOWING) a3,
               w_moving_avg(x) OVER (PARTITION BY g ORDER BY v ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING
                                     EXCLUDE TIES) m4,
               avg(x) OVER (PARTITION BY g ORDER BY v ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING EXCLUDE TIES) a4
          FROM win_t) q;
-- a moving median against percentile_cont over the same rows
WITH numbered AS (SELECT *, row_number() OVER (PARTITION BY g ORDER BY i) AS n FROM win_t WHERE g < 5)
SELECT count(*) AS rows, count(*) FILTER (WHERE md IS DISTINCT FROM pm) AS wrong
  FROM (SELECT w_moving_median(x) OVER (PARTITION BY g ORDER BY n ROWS BETWEEN 4 PRECEDING AND 2 FOLLOWING) md,
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY b.x) FROM numbered b
                 WHERE b.g = a.g AND b.n BETWEEN a.n - 4 AND a.n + 2) pm
          FROM numbered a) q;
-- a partition's median: the whole partition read at its first row
SELECT count(*) AS partitions, count(*) FILTER (WHERE pm IS DISTINCT FROM m) AS wrong
  FROM (SELECT DISTINCT g, w_partition_median(x) OVER (PARTITION BY g) AS pm FROM win_t) w
  JOIN (SELECT g, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS m FROM win_t GROUP BY g) p USING (g);
-- a partition bigger than work_mem (PostgreSQL spools it to disk), read whole at row 0
SET work_mem = '64kB';
SELECT count(DISTINCT pm) AS medians, min(pm) = (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM win_t) AS ok
  FROM (SELECT w_partition_median(x) OVER () AS pm FROM win_t) q;
RESET work_mem;
-- arguments that are expressions, and a wasm function among them
SELECT bool_and(a IS NOT DISTINCT FROM b) AS expressions_ok
  FROM (SELECT w_lag(v * 2 + 1, 2) OVER (ORDER BY i) a, lag(v * 2 + 1, 2) OVER (ORDER BY i) b FROM win_t) q;
CREATE FUNCTION w_add_one(bigint) RETURNS bigint LANGUAGE wasm IMMUTABLE STRICT AS 'math:add_one';
SELECT bool_and(a IS NOT DISTINCT FROM b) AS nested_wasm_ok
  FROM (SELECT w_lag(w_add_one(v), 1) OVER (ORDER BY i) a, lag(v + 1, 1) OVER (ORDER BY i) b FROM win_t) q;
-- NULL offsets and values: NULL results, as lag gives
SELECT i, w_lag(NULL::bigint, 1) OVER (ORDER BY i), w_lag(i, NULL) OVER (ORDER BY i) FROM generate_series(1, 3) i;

-- a cursor: the instance (and what the guest keeps for the partition) lasts across FETCHes
BEGIN;
DECLARE wc CURSOR FOR SELECT i, w_partition_median(i::float8) OVER (), w_rank() OVER (ORDER BY i / 2) FROM generate_series(1, 6) i;
FETCH 2 FROM wc;
FETCH 2 FROM wc;
FETCH 2 FROM wc;
COMMIT;
-- wasm functions in the arguments read at other rows have fuel of their own, even when the
-- statement's budget is below a call's
SET wasm.fuel_limit = 5000000;
SELECT i, w_lag(w_add_one(i), 1) OVER (ORDER BY i) FROM generate_series(1, 3) i;
RESET wasm.fuel_limit;

-- hostile window functions: each an ERROR with its SQLSTATE naming the function
CREATE FUNCTION w_hostile(int) RETURNS bigint WINDOW LANGUAGE wasm AS 'hostile_windows:w_hostile';
CREATE FUNCTION w_text_lag(text) RETURNS bigint WINDOW LANGUAGE wasm AS 'hostile_windows:w_text_lag';
CREATE FUNCTION not_a_window() RETURNS bigint LANGUAGE wasm AS 'hostile_windows:not_a_window';
SELECT sqlstate_of('SELECT w_hostile(1) OVER () FROM generate_series(1, 3)') AS peers_outside;
SELECT sqlstate_of('SELECT w_hostile(2) OVER () FROM generate_series(1, 3)') LIKE '38000: wasm function w_hostile(integer) trapped%' AS column_out_of_memory;
SELECT sqlstate_of('SELECT w_hostile(3) OVER () FROM generate_series(1, 3)') AS no_such_argument;
SELECT sqlstate_of('SELECT w_hostile(6) OVER () FROM generate_series(1, 3)') LIKE '38000: wasm function w_hostile(integer) trapped%' AS frame_out_of_memory;
SELECT sqlstate_of('SELECT w_hostile(7) OVER () FROM generate_series(1, 3)') AS bad_from;
SELECT sqlstate_of('SELECT w_text_lag(i::text) OVER () FROM generate_series(1, 3) i') AS text_at_other_rows;
SELECT sqlstate_of('SELECT not_a_window()') AS not_a_window;
-- positions past PostgreSQL's int: no such row, never a row nearer by
CREATE FUNCTION w_far(bigint, bigint, int) RETURNS bigint WINDOW LANGUAGE wasm AS 'hostile_windows:w_far';
SELECT p, h, array_agg(w_far ORDER BY i) AS statuses
  FROM (SELECT p, h, i, w_far(i, p, h) OVER (PARTITION BY p, h ORDER BY i)
          FROM generate_series(1, 3) i, unnest('{4294967297, 4294967295, 2147483648, -2147483649, -9223372036854775808, 9223372036854775807}'::bigint[]) p,
               generate_series(0, 4) h) q
 GROUP BY p, h ORDER BY p, h;
SELECT sqlstate_of('SELECT w_rank()') AS without_over;
-- endless: a loop of host calls, and the whole partition read at every row
SET wasm.call_fuel_limit = 1000000;
SELECT sqlstate_of('SELECT w_hostile(4) OVER () FROM generate_series(1, 3)') AS endless_call;
SELECT sqlstate_of('SELECT w_hostile(5) OVER () FROM generate_series(1, 70000)') AS quadratic_call;
RESET wasm.call_fuel_limit;
SET wasm.fuel_limit = 5000000;
SELECT sqlstate_of('SELECT count(m) FROM (SELECT w_partition_median(i::float8) OVER (ORDER BY i) m FROM generate_series(1, 1000000) i) q') AS huge_partition;
RESET wasm.fuel_limit;
SET statement_timeout = '300ms';
SET wasm.call_fuel_limit = 0;
SET wasm.fuel_limit = 0;
SELECT w_hostile(4) OVER () FROM generate_series(1, 3);
RESET wasm.fuel_limit;
RESET wasm.call_fuel_limit;
RESET statement_timeout;
-- memory that grows every row: wasm.memory_limit stops it
SET wasm.memory_limit = '16MB';
SELECT sqlstate_of('SELECT w_hostile(8) OVER () FROM generate_series(1, 100)') LIKE '38000: wasm function w_hostile(integer) trapped%' AS memory_limit;
RESET wasm.memory_limit;
-- declarations the protocol cannot carry
CREATE FUNCTION w_set() RETURNS SETOF bigint WINDOW LANGUAGE wasm AS 'windows:w_rank';
CREATE FUNCTION w_state(wasm.state) RETURNS bigint WINDOW LANGUAGE wasm AS 'windows:w_rank';
CREATE FUNCTION w_wrong_sig(int) RETURNS int WINDOW LANGUAGE wasm AS 'math:add';
-- still works after all that
SELECT w_row_number() OVER (), w_rank() OVER (ORDER BY i % 2) FROM generate_series(1, 4) i ORDER BY 1;
