-- Aggregates whose transition state the guest keeps (wasm.state: udf-sdk/ABI.md,
-- "Aggregate states"), checked against the built-in aggregates: GROUP BY over 100k groups
-- (hashed and sorted), a parallel plan with partial aggregation in the workers, moving
-- aggregates in windows, states as values; and hostile states.
CREATE FUNCTION sum_step(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:sum_step';
CREATE FUNCTION sum_unstep(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:sum_unstep';
CREATE FUNCTION sum_final(wasm.state) RETURNS bigint LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:sum_final';
CREATE FUNCTION avg_final(wasm.state) RETURNS float8 LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:avg_final';
CREATE FUNCTION sum_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE
  AS 'aggregates:sum_combine';
CREATE FUNCTION values_step(wasm.state, float8) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE
  AS 'aggregates:values_step';
CREATE FUNCTION values_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE
  AS 'aggregates:values_combine';
CREATE FUNCTION median_final(wasm.state) RETURNS float8 LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:median_final';
CREATE FUNCTION p90_final(wasm.state) RETURNS float8 LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:p90_final';
CREATE FUNCTION hll_step(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:hll_step';
CREATE FUNCTION hll_text_step(wasm.state, text) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE
  AS 'aggregates:hll_text_step';
CREATE FUNCTION hll_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE
  AS 'aggregates:hll_combine';
CREATE FUNCTION hll_final(wasm.state) RETURNS bigint LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:hll_final';
CREATE FUNCTION sum_of(bigint) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:sum_of';
CREATE FUNCTION sum_show(wasm.state) RETURNS bigint LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:sum_show';
CREATE AGGREGATE wsum(bigint) (SFUNC = sum_step, STYPE = wasm.state, FINALFUNC = sum_final,
                               COMBINEFUNC = sum_combine, PARALLEL = SAFE);
-- STRICT, with INITCOND = 'new': PostgreSQL skips NULL inputs, the first call gets state 0
CREATE FUNCTION sum_add(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm STRICT IMMUTABLE PARALLEL SAFE
  AS 'aggregates:sum_add';
CREATE AGGREGATE wsum_strict(bigint) (SFUNC = sum_add, STYPE = wasm.state, INITCOND = 'new', FINALFUNC = sum_final,
                                      COMBINEFUNC = sum_combine, PARALLEL = SAFE);
CREATE AGGREGATE wavg(bigint) (SFUNC = sum_step, STYPE = wasm.state, FINALFUNC = avg_final, COMBINEFUNC = sum_combine,
                               MSFUNC = sum_step, MINVFUNC = sum_unstep, MSTYPE = wasm.state, MFINALFUNC = avg_final,
                               PARALLEL = SAFE);
CREATE AGGREGATE wmedian(float8) (SFUNC = values_step, STYPE = wasm.state, FINALFUNC = median_final,
                                  COMBINEFUNC = values_combine, PARALLEL = SAFE);
CREATE AGGREGATE wp90(float8) (SFUNC = values_step, STYPE = wasm.state, FINALFUNC = p90_final,
                               COMBINEFUNC = values_combine, PARALLEL = SAFE);
CREATE AGGREGATE whll(bigint) (SFUNC = hll_step, STYPE = wasm.state, FINALFUNC = hll_final,
                               COMBINEFUNC = hll_combine, PARALLEL = SAFE);
CREATE AGGREGATE whll(text) (SFUNC = hll_text_step, STYPE = wasm.state, FINALFUNC = hll_final,
                             COMBINEFUNC = hll_combine, PARALLEL = SAFE);

CREATE TABLE agg_t AS
  SELECT i, i % 100000 AS g, (i % 1000)::int AS m, (i * 7919) % 1000003 - 500000 AS v, ((i * 31) % 997) / 10.0::float8 AS x,
         CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 104729) % 50000 END AS k
    FROM generate_series(1::bigint, 300000) i;
ANALYZE agg_t;

-- whole table, and NULL inputs skipped as sum and avg skip them
SELECT wsum(v) = sum(v) AS sum_ok, wavg(v) = avg(v)::float8 AS avg_ok, wsum(k) = sum(k) AS nulls_ok,
       wsum(v) FILTER (WHERE false) IS NULL AS empty_null, wsum_strict(k) = sum(k) AS strict_ok,
       wsum_strict(k) FILTER (WHERE false) IS NULL AS strict_empty_null FROM agg_t;
SELECT 'new'::wasm.state::text = '\x50575331' || repeat('00', 32) AS new_is_zeros;
-- 100k groups, hashed and sorted
SELECT count(*) AS groups, count(*) FILTER (WHERE w IS DISTINCT FROM s) AS wrong
  FROM (SELECT g, wsum(v) w, sum(v) s FROM agg_t GROUP BY g) q;
SET enable_hashagg = off;
SELECT count(*) AS groups, count(*) FILTER (WHERE w IS DISTINCT FROM s) AS wrong
  FROM (SELECT g, wsum(v) w, sum(v) s FROM agg_t GROUP BY g) q;
RESET enable_hashagg;
-- every group a state, all in one hash table (a memory context per state made this
-- quadratic: nodeAgg measures its context's children at every new group)
SET work_mem = '1GB';
SET statement_timeout = '120s';
SELECT count(*) AS groups, count(*) FILTER (WHERE w IS DISTINCT FROM i) AS wrong
  FROM (SELECT i, wsum(i) w FROM agg_t GROUP BY i) q;
RESET statement_timeout;
RESET work_mem;
-- the median and the 90th percentile against percentile_cont, per group
SELECT count(*) AS groups,
       count(*) FILTER (WHERE abs(m - pm) > 1e-9 OR abs(p - pp) > 1e-9) AS wrong
  FROM (SELECT g % 500 AS gg, wmedian(x) m, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) pm,
               wp90(x) p, percentile_cont(0.9) WITHIN GROUP (ORDER BY x) pp
          FROM agg_t GROUP BY 1) q;
-- approximate distinct counts: within 3% of the exact ones
SELECT abs(whll(k) - count(DISTINCT k)) < 0.03 * count(DISTINCT k) AS bigint_close,
       abs(whll(k::text) - count(DISTINCT k)) < 0.03 * count(DISTINCT k) AS text_close,
       whll(k) FILTER (WHERE k < 10) AS few
  FROM agg_t;

-- a parallel plan: partial aggregation in the workers, their states (as bytes) combined in
-- the leader, the same results as the serial plan
CREATE TABLE agg_serial AS SELECT m, wsum(v) AS w, wmedian(x) AS md, whll(k) AS h FROM agg_t GROUP BY m;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
CREATE TEMP TABLE plan_lines (line text);
DO $$
DECLARE l text;
BEGIN
  FOR l IN EXPLAIN (COSTS OFF) SELECT m, wsum(v), wmedian(x), whll(k) FROM agg_t GROUP BY m LOOP
    INSERT INTO plan_lines VALUES (l);
  END LOOP;
END $$;
SELECT count(*) FILTER (WHERE line ~ 'Partial (Hash|Group)?Aggregate') > 0 AS partial_in_workers,
       count(*) FILTER (WHERE line ~ 'Gather') > 0 AS gathered
  FROM plan_lines;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE p.w IS DISTINCT FROM s.w OR p.md IS DISTINCT FROM s.md OR p.h IS DISTINCT FROM s.h) AS differ
  FROM (SELECT m, wsum(v) AS w, wmedian(x) AS md, whll(k) AS h FROM agg_t GROUP BY m) p
  JOIN agg_serial s USING (m);
SELECT wsum(v) = sum(v) AS whole_table_ok FROM agg_t;
-- an ERROR caught after a parallel plan (its subtransaction's abort rolls back the setting
-- that names the fuel budget to the workers): a later parallel plan still runs Wasm
CREATE FUNCTION parallel_after_error() RETURNS SETOF bigint LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    RETURN QUERY SELECT wsum(v) FROM agg_t;
    RAISE EXCEPTION 'caught';
  EXCEPTION WHEN raise_exception THEN NULL;
  END;
  RETURN QUERY SELECT wsum(v) FROM agg_t;
END $$;
SELECT count(*) AS results, bool_and(w = (SELECT sum(v) FROM agg_t)) AS all_ok FROM parallel_after_error() w;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;

-- moving aggregates in windows (MSFUNC, MINVFUNC) against avg
SELECT count(*) AS rows, count(*) FILTER (WHERE abs(w - a) > 1e-9) AS wrong
  FROM (SELECT wavg(v) OVER win AS w, avg(v) OVER win AS a
          FROM agg_t WHERE i <= 20000 WINDOW win AS (ORDER BY i ROWS BETWEEN 5 PRECEDING AND 2 FOLLOWING)) q;
SELECT i, wavg(i) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM generate_series(1, 4) i;

-- states as values: passed between functions, printed and read back as bytes, stored
SELECT sum_final(sum_step(sum_step(NULL, 40), 2)) AS direct;
SELECT left(sum_step(NULL, 5)::text, 10) AS starts_with;
CREATE TABLE stored_states AS SELECT g % 3 AS gg, sum_step(NULL, g) AS s FROM generate_series(1, 9) g;
SELECT gg, sum_final(s) FROM stored_states ORDER BY gg;
SELECT sum_final(sum_combine(a.s, b.s)) AS combined FROM stored_states a, stored_states b WHERE a.gg = 1 AND b.gg = 2 LIMIT 1;
SELECT sum_final(sum_step(NULL, 7)::text::wasm.state) AS text_round_trip;
-- a state is a value: a function that returns a state changes only the one it is given
-- to change (a PL/pgSQL variable assigned its result), and a state given twice is two
DO $$
DECLARE s wasm.state; t wasm.state; u wasm.state;
BEGIN
  s := sum_step(NULL, 5);
  t := sum_step(s, 10);
  RAISE NOTICE 's % t %', sum_final(s), sum_final(t);
  s := sum_step(s, 1);
  RAISE NOTICE 's % t %', sum_final(s), sum_final(t);
  u := sum_combine(s, s);
  RAISE NOTICE 's % u %', sum_final(s), sum_final(u);
  s := sum_combine(s, s);
  RAISE NOTICE 's %', sum_final(s);
END $$;
-- what the guest sees of a call in an instance another function made: its own arguments
-- (a NULL one), and its own name on its output
SELECT avg_final(sum_step(sum_of(3), NULL)) AS one_value;
\set SHOW_CONTEXT always
SELECT sum_show(sum_step(sum_of(3), 4)) AS count;
\set SHOW_CONTEXT errors

-- hostile states: each an ERROR with its SQLSTATE, never a crash
CREATE FUNCTION bad_state_step(wasm.state, int) RETURNS wasm.state LANGUAGE wasm AS 'aggregates:bad_state_step';
CREATE AGGREGATE bad_state(int) (SFUNC = bad_state_step, STYPE = wasm.state, FINALFUNC = sum_final);
-- more aggregate contexts than the arena table holds (a ROLLUP: 17 grouping sets, each
-- its own context), and a transition function returning NULL: no other state is lost
CREATE TEMP TABLE r17 AS SELECT 0 c1, 0 c2, 0 c3, 0 c4, 0 c5, 0 c6, 0 c7, 0 c8, 0 c9, 0 c10, 0 c11, 0 c12, 0 c13,
                                0 c14, 0 c15, i c16, i::bigint w FROM generate_series(1, 50) i;
SET enable_hashagg = off;
SELECT count(*) AS groups, count(*) FILTER (WHERE b IS DISTINCT FROM bb) AS wrong
  FROM (SELECT bad_state(2) a, wsum(w) b, sum(w) bb
          FROM (SELECT * FROM r17 ORDER BY c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16) s
         GROUP BY ROLLUP (c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16)) q;
RESET enable_hashagg;
SELECT sqlstate_of('SELECT bad_state(1) FROM generate_series(1, 3)') LIKE '38000: wasm function sum_final(wasm.state) trapped%' AS handle_out_of_bounds;
SELECT bad_state(2) FROM generate_series(1, 3);  -- a NULL state midway: the next row starts a new one
SET wasm.memory_limit = '16MB';
SELECT sqlstate_of('SELECT bad_state(3) FROM generate_series(1, 100)') LIKE '38000: wasm function bad_state_step(wasm.state,integer) trapped%' AS outgrows_memory;
RESET wasm.memory_limit;
SELECT sum_final('\x1234'::wasm.state);
SELECT sum_final(('\x50575331' || repeat('00', 32) || '01000000')::wasm.state);
SELECT sum_final(('\x50575331' || (SELECT sha256 FROM wasm.modules WHERE name = 'aggregates') || 'ffffffff')::wasm.state);
-- batches (pgwasm_batch__<export>): rows handed over many to a call, and batch exports
-- that misbehave
CREATE FUNCTION odd_step(wasm.state, int) RETURNS wasm.state LANGUAGE wasm AS 'aggregates:odd_step';
CREATE FUNCTION count_final(wasm.state) RETURNS bigint LANGUAGE wasm AS 'aggregates:count_final';
CREATE AGGREGATE odd(int) (SFUNC = odd_step, STYPE = wasm.state, FINALFUNC = count_final);
SELECT odd(0) AS rows, odd(3) AS heavy_rows FROM generate_series(1, 5000);
SELECT sqlstate_of('SELECT odd(1) FROM generate_series(1, 5000)') AS no_state;
SELECT sqlstate_of('SELECT odd(2) FROM generate_series(1, 5000)') LIKE '38000: wasm function odd_step(wasm.state,integer) trapped%' AS batch_trap;
SET wasm.call_fuel_limit = 10000;  -- a row's worth: a batch of n rows may use n times it
SELECT odd(3) AS heavy_rows_limited FROM generate_series(1, 5000);
RESET wasm.call_fuel_limit;
SET wasm.fuel_limit = 1000000;     -- the statement's budget still holds
SELECT sqlstate_of('SELECT odd(3) FROM generate_series(1, 50000)') AS statement_fuel;
RESET wasm.fuel_limit;
SET statement_timeout = '300ms';   -- and without fuel limits, statement_timeout
SET wasm.fuel_limit = 0;
SET wasm.call_fuel_limit = 0;
SELECT odd(3) FROM (SELECT generate_series(1, 1000000000)) s;
RESET wasm.call_fuel_limit;
RESET wasm.fuel_limit;
RESET statement_timeout;
-- a transition function with a SET clause is called row by row: its limits hold for
-- every row (a batch would run later, under the caller's settings)
CREATE FUNCTION odd_step_limited(wasm.state, int) RETURNS wasm.state LANGUAGE wasm
  SET wasm.call_fuel_limit = 1500 AS 'aggregates:odd_step';
CREATE AGGREGATE odd_limited(int) (SFUNC = odd_step_limited, STYPE = wasm.state, FINALFUNC = count_final);
SELECT odd_limited(0) AS light_rows FROM generate_series(1, 1100);
SELECT sqlstate_of('SELECT odd_limited(CASE WHEN i = 1050 THEN 3 ELSE 0 END) FROM generate_series(1, 1100) i') AS one_heavy_row;
-- memory stays flat over statements that batch (each one's buffers go with its instance)
CREATE TEMP TABLE batch_mem (n int, bytes bigint);
DO $$
BEGIN
  FOR n IN 1..200 LOOP
    PERFORM odd(0) FROM generate_series(1, 3000);
    IF n IN (20, 200) THEN
      INSERT INTO batch_mem SELECT n, total_bytes FROM pg_backend_memory_contexts WHERE name = 'TopMemoryContext';
    END IF;
  END LOOP;
END $$;
SELECT max(bytes) FILTER (WHERE n = 200) - max(bytes) FILTER (WHERE n = 20) < 1000000 AS flat FROM batch_mem;
-- groups that interleave (hashed) and in order (sorted), NULLs, against count and sum
SELECT count(*) AS groups, count(*) FILTER (WHERE w IS DISTINCT FROM s OR c <> n) AS wrong
  FROM (SELECT i % 7 AS g, wsum(CASE WHEN i % 5 = 0 THEN NULL ELSE i END) w,
               sum(CASE WHEN i % 5 = 0 THEN NULL ELSE i END) s, odd(0) c, count(*) n
          FROM generate_series(1, 100000) i GROUP BY 1) q;
CREATE FUNCTION wrong_batch_step(wasm.state, int) RETURNS wasm.state LANGUAGE wasm AS 'aggregates:wrong_batch_step';
CREATE AGGREGATE wrong_batch(int) (SFUNC = wrong_batch_step, STYPE = wasm.state, FINALFUNC = count_final);
SELECT wrong_batch(1) FROM generate_series(1, 3);
-- a state of another module
CREATE FUNCTION other_module(wasm.state, int) RETURNS int LANGUAGE wasm AS 'math:add';
SELECT other_module(sum_step(NULL, 1), 2);
-- a module without pgwasm_state_save: its states cannot leave their instance
CREATE FUNCTION nosave_step(wasm.state, int) RETURNS wasm.state LANGUAGE wasm AS 'math:add';
SELECT nosave_step(NULL, 5);
SELECT sum_final(sum_step(NULL, 3)) AS still_works;
