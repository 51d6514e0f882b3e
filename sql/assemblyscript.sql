-- The AssemblyScript SDK (udf-sdk/assemblyscript): the examples of
-- udf-sdk/assemblyscript/examples/showcase.ts, built with the pinned asc, each checked
-- against the same computation in SQL.
SELECT wasm.load_module('asc', example('as_showcase.wasm')) IS NOT NULL AS loaded;
SELECT export_name, abi_version FROM wasm.exports('asc') WHERE export_name IN ('pgwasm_abi_v2', 'score');
CREATE FUNCTION as_cosine(float8[], float8[]) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'asc:cosine_similarity';
CREATE FUNCTION as_normalize_tags(text[]) RETURNS text[] LANGUAGE wasm STRICT IMMUTABLE AS 'asc:normalize_tags';
CREATE TABLE as_listings (id int, title text, junk int, price numeric, rating float8, reviews int,
                          tags text[], listed date);
ALTER TABLE as_listings DROP COLUMN junk;
INSERT INTO as_listings VALUES (1, 'loft', 120, 4.5, 10, '{a,b}', '2024-01-02'), (2, NULL, NULL, NULL, NULL, NULL, NULL),
                               (3, 'villa', 450.5, 4.9, 250, '{}', 'infinity');
CREATE FUNCTION as_score(as_listings) RETURNS float8 LANGUAGE wasm STRICT AS 'asc:score';
CREATE FUNCTION as_uuid_v7() RETURNS uuid LANGUAGE wasm VOLATILE AS 'asc:uuid_v7';
CREATE FUNCTION as_uuid_version(uuid) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'asc:uuid_version';
CREATE FUNCTION as_time_bucket(interval, timestamptz, timestamptz) RETURNS timestamptz
  LANGUAGE wasm STRICT IMMUTABLE AS 'asc:time_bucket';
CREATE FUNCTION as_line_total(numeric, int, numeric) RETURNS numeric LANGUAGE wasm STRICT AS 'asc:line_total';
CREATE FUNCTION as_must_be_positive(int) RETURNS int LANGUAGE wasm STRICT AS 'asc:must_be_positive';
CREATE FUNCTION as_split_pair(a int, b text, OUT sum int, OUT label text, OUT twice float8)
  LANGUAGE wasm STRICT AS 'asc:split_pair';

SELECT round(as_cosine('{1,0}', '{1,1}')::numeric, 6), as_cosine('{1}', '{1,2}') IS NULL AS mismatch_null,
       as_cosine('{0,0}', '{1,1}') IS NULL AS zero_null;
SELECT count(*) FILTER (WHERE abs(as_cosine(a, b) - (SELECT sum(x * y) / sqrt(sum(x * x) * sum(y * y))
                                                     FROM unnest(a, b) u(x, y))) < 1e-12) AS cosine_agree
  FROM (SELECT i, array_agg(random()) a, array_agg(random() - 0.5) b
          FROM generate_series(1, 100) i, generate_series(1, 50) j GROUP BY i) t;
SELECT as_normalize_tags('{" Postgres ","WASM",NULL,"",postgres,"wasm  ","Été"}'), as_normalize_tags('{}');
SELECT id, round(as_score(l)::numeric, 6) AS wasm,
       round((coalesce(rating, 0) * ln(1 + coalesce(reviews, 0)) + 0.1 * coalesce(cardinality(tags), 0))::numeric, 6)
         AS sql
  FROM as_listings l ORDER BY id;
SELECT count(DISTINCT u) AS distinct_uuids, bool_and(as_uuid_version(u) = 7) AS all_v7,
       bool_and(as_uuid_version(u) = uuid_version_sql) AS version_agrees,
       bool_and(abs(('x' || substr(replace(u::text, '-', ''), 1, 12))::bit(48)::bigint
                    - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 60000) AS clock_now
  FROM (SELECT u, ('x' || substr(u::text, 15, 1))::bit(4)::int AS uuid_version_sql
          FROM (SELECT as_uuid_v7() u FROM generate_series(1, 2000)) g) t;
SELECT w, count(*) FILTER (WHERE as_time_bucket(w, t, o) = date_bin(w, t, o)) AS agree, count(*) AS rows
  FROM (VALUES ('15 minutes'::interval), ('1 day 00:00:01')) ws(w), (VALUES ('2001-01-01 00:00+00'::timestamptz)) os(o),
       (SELECT '1960-06-01 UTC'::timestamptz + i * interval '3 hours 7 minutes 11.013 seconds' AS t
          FROM generate_series(0, 2000) i) ts
 GROUP BY w ORDER BY w;
SELECT p, q, r, as_line_total(p, q, r) AS wasm, round(p * q * (1 + r / 100), 2) AS sql
  FROM (VALUES (19.99, 3, 8.25), (0.005, 1, 0), (-0.005, 1, 0), (1234567.891, 7, 19.6), (99999999.99, 1000, 0)) t(p, q, r);
SELECT as_line_total('NaN', 1, 0) IS NULL AS nan_null, as_line_total(1e40, 1, 0) IS NULL AS too_big_null;
SELECT * FROM as_split_pair(41, 'hey');
SELECT (as_split_pair(0, '')).*;
-- a failed assert: its message is in the DETAIL (--use abort=...)
SELECT as_must_be_positive(5);
SELECT as_must_be_positive(-1);
SELECT as_must_be_positive(2) AS next_call_works;
-- jsonb in compact form, read by the AssemblyScript SDK's Jsonb: agrees with ->> for every
-- scalar field (numbers of every scale, non-ASCII strings, more than 32 keys).
CREATE FUNCTION as_jsonb_get_text(jsonb, text) RETURNS text LANGUAGE wasm STRICT IMMUTABLE AS 'asc:jsonb_get_text';
SELECT count(*) AS fields, count(*) FILTER (WHERE as_jsonb_get_text(d, k) IS NOT DISTINCT FROM d ->> k) AS same
  FROM sdk_docs, LATERAL jsonb_object_keys(d) k
  WHERE jsonb_typeof(d -> k) IN ('string', 'number', 'boolean');
SELECT as_jsonb_get_text('{"a": [1]}', 'a') IS NULL AS container_null, as_jsonb_get_text('"s"', 'a') IS NULL AS not_object,
       as_jsonb_get_text('{"n": -0.000100, "z": 0}', 'n') AS small, as_jsonb_get_text('{"z": 0}', 'z') AS zero;
-- Arrays of rows and nested rows built by RowOut: a text's words as rows, against SQL
-- (word_summary_sql of setup.sql).
CREATE FUNCTION as_word_summary(text) RETURNS word_summary LANGUAGE wasm STRICT AS 'asc:word_summary';
SELECT as_word_summary('Hello wide World é'), as_word_summary('');
SELECT left(s, 20) AS s, as_word_summary(s) IS NOT DISTINCT FROM word_summary_sql(s) AS same
  FROM (VALUES ('Hello wide World é'), (''), ('  one  '), ('A b C d'), (repeat('Ab ', 1000))) v(s) ORDER BY 1;
CREATE FUNCTION as_date_parts(date, OUT y int, OUT m int, OUT d int) LANGUAGE wasm STRICT AS 'asc:date_parts';
CREATE FUNCTION as_make_date(int, int, int) RETURNS date LANGUAGE wasm STRICT AS 'asc:make_date';
-- every 997th day from 4713 BC to 9999 AD (year 0 is 1 BC, as extract(year) - 1 for BC)
SELECT count(*) AS days,
       count(*) FILTER (WHERE as_date_parts(d) = ROW(CASE WHEN extract(year FROM d) < 0 THEN extract(year FROM d) + 1
                                                         ELSE extract(year FROM d) END::int,
                                                    extract(month FROM d)::int, extract(day FROM d)::int)) AS parts_agree,
       count(*) FILTER (WHERE as_make_date((as_date_parts(d)).y, (as_date_parts(d)).m, (as_date_parts(d)).d) = d) AS round_trip
  FROM generate_series(date '4713-01-01 BC', date '9999-12-31', interval '997 days') g(t), LATERAL (SELECT t::date AS d) x;
SELECT as_date_parts('2000-02-29'), as_date_parts('0001-01-01 BC'), as_make_date(1970, 1, 1), as_make_date(2024, 2, 29);

-- Beyond scalar functions (udf-sdk/assemblyscript/examples/kinds.ts): a set, a trigger, aggregates and a
-- window function, checked against the C
-- examples (sets.c, triggers.c) on the same inputs.
SELECT wasm.load_module('as_kinds', example('as_kinds.wasm')) IS NOT NULL AS loaded;
CREATE FUNCTION as_tokens(text) RETURNS SETOF text LANGUAGE wasm STRICT AS 'as_kinds:tokens';
CREATE FUNCTION as_c_tokens(text) RETURNS SETOF text LANGUAGE wasm STRICT AS 'sets:tokens';
CREATE FUNCTION as_normalize_email() RETURNS trigger LANGUAGE wasm AS 'as_kinds:normalize_email';
CREATE FUNCTION as_c_normalize_email() RETURNS trigger LANGUAGE wasm AS 'triggers:normalize_email';
CREATE TABLE as_docs AS
  SELECT i AS id, CASE i % 4 WHEN 0 THEN '' WHEN 1 THEN 'Hello, World! x_y 42 Grüße'
                  ELSE (SELECT string_agg('W' || j, ' . ') FROM generate_series(1, i) j) END AS body
    FROM generate_series(1, 400) i;
SELECT count(*) AS words, (SELECT count(*) FROM as_docs, LATERAL as_c_tokens(body)) AS c_words
  FROM as_docs, LATERAL as_tokens(body);
(SELECT d.id, t.n, t.w FROM as_docs d, LATERAL as_tokens(d.body) WITH ORDINALITY t(w, n)
 EXCEPT ALL SELECT d.id, t.n, t.w FROM as_docs d, LATERAL as_c_tokens(d.body) WITH ORDINALITY t(w, n))
UNION ALL
(SELECT d.id, t.n, t.w FROM as_docs d, LATERAL as_c_tokens(d.body) WITH ORDINALITY t(w, n)
 EXCEPT ALL SELECT d.id, t.n, t.w FROM as_docs d, LATERAL as_tokens(d.body) WITH ORDINALITY t(w, n));
SELECT as_tokens('Alpha beta') LIMIT 1;
CREATE TABLE as_users (id int, email text);
CREATE TABLE as_users_c (id int, email text);
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON as_users FOR EACH ROW EXECUTE FUNCTION as_normalize_email();
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON as_users_c FOR EACH ROW EXECUTE FUNCTION as_c_normalize_email();
INSERT INTO as_users SELECT i, CASE i % 5 WHEN 0 THEN 'nope' WHEN 1 THEN ' A' || i || '@B.C ' WHEN 2 THEN NULL
                                       WHEN 3 THEN '@x' ELSE 'y@' END FROM generate_series(1, 500) i;
INSERT INTO as_users_c SELECT i, CASE i % 5 WHEN 0 THEN 'nope' WHEN 1 THEN ' A' || i || '@B.C ' WHEN 2 THEN NULL
                                         WHEN 3 THEN '@x' ELSE 'y@' END FROM generate_series(1, 500) i;
SELECT count(*) AS kept, count(email) AS with_email, min(email) AS first FROM as_users;
(SELECT * FROM as_users EXCEPT SELECT * FROM as_users_c) UNION ALL (SELECT * FROM as_users_c EXCEPT SELECT * FROM as_users);
UPDATE as_users SET email = upper(email) || '  ';
UPDATE as_users_c SET email = upper(email) || '  ';
(SELECT * FROM as_users EXCEPT SELECT * FROM as_users_c) UNION ALL (SELECT * FROM as_users_c EXCEPT SELECT * FROM as_users);
-- a table without the column: the statement fails
CREATE TABLE as_no_email (id int);
CREATE TRIGGER norm BEFORE INSERT ON as_no_email FOR EACH ROW EXECUTE FUNCTION as_normalize_email();
SELECT sqlstate_of('INSERT INTO as_no_email VALUES (1)') LIKE '38000: wasm function as_normalize_email() trapped%' AS refused;
-- aggregates whose states the guest keeps (wasm.state): a median and an HLL distinct
-- count, serial and with a parallel plan (states saved in the workers, combined in the
-- leader), against percentile_cont and count(DISTINCT)
CREATE FUNCTION as_values_step(wasm.state, float8) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'as_kinds:values_step';
CREATE FUNCTION as_values_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE
  AS 'as_kinds:values_combine';
CREATE FUNCTION as_median_final(wasm.state) RETURNS float8 LANGUAGE wasm PARALLEL SAFE AS 'as_kinds:median_final';
CREATE FUNCTION as_hll_step(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'as_kinds:hll_step';
CREATE FUNCTION as_hll_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE
  AS 'as_kinds:hll_combine';
CREATE FUNCTION as_hll_final(wasm.state) RETURNS bigint LANGUAGE wasm PARALLEL SAFE AS 'as_kinds:hll_final';
CREATE AGGREGATE as_median(float8) (SFUNC = as_values_step, STYPE = wasm.state, FINALFUNC = as_median_final,
                                    COMBINEFUNC = as_values_combine, PARALLEL = SAFE);
CREATE AGGREGATE as_hll(bigint) (SFUNC = as_hll_step, STYPE = wasm.state, FINALFUNC = as_hll_final,
                                 COMBINEFUNC = as_hll_combine, PARALLEL = SAFE);
CREATE TABLE as_agg AS SELECT i % 50 AS g, ((i * 31) % 997) / 10.0::float8 AS x, (i * 104729) % 40000 AS k
  FROM generate_series(1::bigint, 200000) i;
ANALYZE as_agg;
CREATE TEMP TABLE as_serial AS SELECT g, as_median(x) AS m, as_hll(k) AS h FROM as_agg GROUP BY g;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE m <> (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM as_agg a WHERE a.g = s.g)) AS median_wrong,
       count(*) FILTER (WHERE abs(h - (SELECT count(DISTINCT k) FROM as_agg a WHERE a.g = s.g)) > 0.03 * h) AS hll_off
  FROM as_serial s;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
CREATE TEMP TABLE as_plan (line text);
DO $$
DECLARE l text;
BEGIN
  FOR l IN EXPLAIN (COSTS OFF) SELECT g, as_median(x), as_hll(k) FROM as_agg GROUP BY g LOOP
    INSERT INTO as_plan VALUES (l);
  END LOOP;
END $$;
SELECT count(*) FILTER (WHERE line ~ 'Partial') > 0 AS partial_in_workers FROM as_plan;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.m IS DISTINCT FROM s.m OR p.h IS DISTINCT FROM s.h) AS differ
  FROM (SELECT g, as_median(x) AS m, as_hll(k) AS h FROM as_agg GROUP BY g) p JOIN as_serial s USING (g);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SELECT as_median_final(('\x50575331' || (SELECT sha256 FROM wasm.modules WHERE name = 'as_kinds') || '0907')::wasm.state);
-- a window function: the moving average of the frame, against avg
CREATE FUNCTION as_moving_avg(float8) RETURNS float8 WINDOW LANGUAGE wasm AS 'as_kinds:w_moving_avg';
SELECT count(*) AS rows, count(*) FILTER (WHERE m IS DISTINCT FROM a AND abs(m - a) > 1e-9) AS wrong
  FROM (SELECT as_moving_avg(x) OVER w AS m, avg(x) OVER w AS a
          FROM as_agg WHERE g < 3 WINDOW w AS (PARTITION BY g ORDER BY k ROWS BETWEEN 4 PRECEDING AND 1 FOLLOWING)) q;
