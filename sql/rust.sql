-- The Rust SDK (udf-sdk/rust): the examples of udf-sdk/rust/examples/showcase.rs, built
-- with Debian's rustc, each checked against the same computation in SQL.
SELECT wasm.load_module('rust', example('rust_showcase.wasm')) IS NOT NULL AS loaded;
SELECT export_name, abi_version FROM wasm.exports('rust') WHERE export_name IN ('pgwasm_abi_v2', 'vec_sum');
CREATE FUNCTION rs_cosine(float8[], float8[]) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'rust:cosine_similarity';
CREATE FUNCTION rs_vec_sum(float8[]) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'rust:vec_sum';
CREATE FUNCTION rs_normalize_tags(text[]) RETURNS text[] LANGUAGE wasm STRICT IMMUTABLE AS 'rust:normalize_tags';
CREATE TABLE rs_listings (id int, title text, junk int, price numeric, rating float8, reviews int,
                          tags text[], listed date);
ALTER TABLE rs_listings DROP COLUMN junk;
INSERT INTO rs_listings VALUES (1, 'loft', 120, 4.5, 10, '{a,b}', '2024-01-02'), (2, NULL, NULL, NULL, NULL, NULL, NULL),
                               (3, 'villa', 450.5, 4.9, 250, '{}', 'infinity');
CREATE FUNCTION rs_score(rs_listings) RETURNS float8 LANGUAGE wasm STRICT AS 'rust:score';
CREATE FUNCTION rs_uuid_v7() RETURNS uuid LANGUAGE wasm VOLATILE AS 'rust:uuid_v7';
CREATE FUNCTION rs_uuid_version(uuid) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'rust:uuid_version';
CREATE FUNCTION rs_time_bucket(interval, timestamptz, timestamptz) RETURNS timestamptz
  LANGUAGE wasm STRICT IMMUTABLE AS 'rust:time_bucket';
CREATE FUNCTION rs_line_total(numeric, int, numeric) RETURNS numeric LANGUAGE wasm STRICT AS 'rust:line_total';
CREATE FUNCTION rs_must_be_positive(int) RETURNS int LANGUAGE wasm STRICT AS 'rust:must_be_positive';
CREATE FUNCTION rs_split_pair(a int, b text, OUT sum int, OUT label text, OUT twice float8)
  LANGUAGE wasm STRICT AS 'rust:split_pair';

SELECT round(rs_cosine('{1,0}', '{1,1}')::numeric, 6), rs_cosine('{1}', '{1,2}') IS NULL AS mismatch_null,
       rs_cosine('{0,0}', '{1,1}') IS NULL AS zero_null, rs_vec_sum('{}'), rs_vec_sum('{1.5,2.5}');
SELECT count(*) FILTER (WHERE abs(rs_cosine(a, b) - (SELECT sum(x * y) / sqrt(sum(x * x) * sum(y * y))
                                                     FROM unnest(a, b) u(x, y))) < 1e-12) AS cosine_agree,
       count(*) FILTER (WHERE abs(rs_vec_sum(a) - (SELECT sum(x) FROM unnest(a) x)) < 1e-9) AS sum_agree
  FROM (SELECT i, array_agg(random()) a, array_agg(random() - 0.5) b
          FROM generate_series(1, 100) i, generate_series(1, 50) j GROUP BY i) t;
SELECT rs_normalize_tags('{" Postgres ","WASM",NULL,"",postgres,"wasm  ","Été"}'), rs_normalize_tags('{}');
SELECT id, round(rs_score(l)::numeric, 6) AS wasm,
       round((coalesce(rating, 0) * ln(1 + coalesce(reviews, 0)) + 0.1 * coalesce(cardinality(tags), 0))::numeric, 6)
         AS sql
  FROM rs_listings l ORDER BY id;
SELECT count(DISTINCT u) AS distinct_uuids, bool_and(rs_uuid_version(u) = 7) AS all_v7,
       bool_and(rs_uuid_version(u) = uuid_version_sql) AS version_agrees,
       bool_and(abs(('x' || substr(replace(u::text, '-', ''), 1, 12))::bit(48)::bigint
                    - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 60000) AS clock_now
  FROM (SELECT u, ('x' || substr(u::text, 15, 1))::bit(4)::int AS uuid_version_sql
          FROM (SELECT rs_uuid_v7() u FROM generate_series(1, 2000)) g) t;
SELECT w, count(*) FILTER (WHERE rs_time_bucket(w, t, o) = date_bin(w, t, o)) AS agree, count(*) AS rows
  FROM (VALUES ('15 minutes'::interval), ('1 day 00:00:01')) ws(w), (VALUES ('2001-01-01 00:00+00'::timestamptz)) os(o),
       (SELECT '1960-06-01 UTC'::timestamptz + i * interval '3 hours 7 minutes 11.013 seconds' AS t
          FROM generate_series(0, 2000) i) ts
 GROUP BY w ORDER BY w;
SELECT p, q, r, rs_line_total(p, q, r) AS wasm, round(p * q * (1 + r / 100), 2) AS sql
  FROM (VALUES (19.99, 3, 8.25), (0.005, 1, 0), (-0.005, 1, 0), (1234567.891, 7, 19.6), (99999999.99, 1000, 0)) t(p, q, r);
SELECT rs_line_total('NaN', 1, 0) IS NULL AS nan_null, rs_line_total(1e40, 1, 0) IS NULL AS too_big_null;
SELECT * FROM rs_split_pair(41, 'hey');
SELECT (rs_split_pair(0, '')).*;
-- a panic: its message is in the DETAIL
SELECT rs_must_be_positive(5);
SELECT rs_must_be_positive(-1);
SELECT rs_must_be_positive(2) AS next_call_works;
-- jsonb in compact form, read by the Rust SDK's Jsonb: agrees with ->> for every scalar
-- field and with SQL for the sum of all numbers.
CREATE FUNCTION rs_jsonb_get_text(jsonb, text) RETURNS text LANGUAGE wasm STRICT IMMUTABLE AS 'rust:jsonb_get_text';
CREATE FUNCTION rs_jsonb_sum(jsonb) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'rust:jsonb_sum';
SELECT count(*) AS fields, count(*) FILTER (WHERE rs_jsonb_get_text(d, k) IS NOT DISTINCT FROM d ->> k) AS same
  FROM sdk_docs, LATERAL jsonb_object_keys(d) k
  WHERE jsonb_typeof(d -> k) IN ('string', 'number', 'boolean');
SELECT rs_jsonb_get_text('{"a": [1]}', 'a') IS NULL AS container_null, rs_jsonb_get_text('{"a": 1}', 'b') IS NULL AS missing,
       rs_jsonb_get_text('"scalar"', 'a') IS NULL AS not_object, rs_jsonb_get_text('{"n": -0.000100}', 'n') AS small;
SELECT count(*) AS docs,
       count(*) FILTER (WHERE rs_jsonb_sum(d) = (SELECT coalesce(sum(v::text::numeric), 0)::float8
                                                FROM jsonb_path_query(d, 'strict $.**') v
                                                WHERE jsonb_typeof(v) = 'number')) AS same_sum
  FROM (SELECT jsonb_build_object('a', i * 0.25, 'b', jsonb_build_array(-i, i * 1.5, jsonb_build_object('c', i))) AS d
          FROM generate_series(1, 200) i) t;
-- Arrays of rows and nested rows built by RowOut: a text's words as rows, against SQL
-- (word_summary_sql of setup.sql).
CREATE FUNCTION rs_word_summary(text) RETURNS word_summary LANGUAGE wasm STRICT AS 'rust:word_summary';
SELECT rs_word_summary('Hello wide World é'), rs_word_summary('');
SELECT left(s, 20) AS s, rs_word_summary(s) IS NOT DISTINCT FROM word_summary_sql(s) AS same
  FROM (VALUES ('Hello wide World é'), (''), ('  one  '), ('A b C d'), (repeat('Ab ', 1000))) v(s) ORDER BY 1;

-- Beyond scalar functions (udf-sdk/rust/examples/kinds.rs): a set, a trigger, aggregates and a window
-- function, checked against the C
-- examples (sets.c, triggers.c) on the same inputs.
SELECT wasm.load_module('rust_kinds', example('rust_kinds.wasm')) IS NOT NULL AS loaded;
CREATE FUNCTION rs_tokens(text) RETURNS SETOF text LANGUAGE wasm STRICT AS 'rust_kinds:tokens';
CREATE FUNCTION rs_c_tokens(text) RETURNS SETOF text LANGUAGE wasm STRICT AS 'sets:tokens';
CREATE FUNCTION rs_normalize_email() RETURNS trigger LANGUAGE wasm AS 'rust_kinds:normalize_email';
CREATE FUNCTION rs_c_normalize_email() RETURNS trigger LANGUAGE wasm AS 'triggers:normalize_email';
CREATE TABLE rs_docs AS
  SELECT i AS id, CASE i % 4 WHEN 0 THEN '' WHEN 1 THEN 'Hello, World! x_y 42 Grüße'
                  ELSE (SELECT string_agg('W' || j, ' . ') FROM generate_series(1, i) j) END AS body
    FROM generate_series(1, 400) i;
SELECT count(*) AS words, (SELECT count(*) FROM rs_docs, LATERAL rs_c_tokens(body)) AS c_words
  FROM rs_docs, LATERAL rs_tokens(body);
(SELECT d.id, t.n, t.w FROM rs_docs d, LATERAL rs_tokens(d.body) WITH ORDINALITY t(w, n)
 EXCEPT ALL SELECT d.id, t.n, t.w FROM rs_docs d, LATERAL rs_c_tokens(d.body) WITH ORDINALITY t(w, n))
UNION ALL
(SELECT d.id, t.n, t.w FROM rs_docs d, LATERAL rs_c_tokens(d.body) WITH ORDINALITY t(w, n)
 EXCEPT ALL SELECT d.id, t.n, t.w FROM rs_docs d, LATERAL rs_tokens(d.body) WITH ORDINALITY t(w, n));
SELECT rs_tokens('Alpha beta') LIMIT 1;
CREATE TABLE rs_users (id int, email text);
CREATE TABLE rs_users_c (id int, email text);
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON rs_users FOR EACH ROW EXECUTE FUNCTION rs_normalize_email();
CREATE TRIGGER norm BEFORE INSERT OR UPDATE ON rs_users_c FOR EACH ROW EXECUTE FUNCTION rs_c_normalize_email();
INSERT INTO rs_users SELECT i, CASE i % 5 WHEN 0 THEN 'nope' WHEN 1 THEN ' A' || i || '@B.C ' WHEN 2 THEN NULL
                                       WHEN 3 THEN '@x' ELSE 'y@' END FROM generate_series(1, 500) i;
INSERT INTO rs_users_c SELECT i, CASE i % 5 WHEN 0 THEN 'nope' WHEN 1 THEN ' A' || i || '@B.C ' WHEN 2 THEN NULL
                                         WHEN 3 THEN '@x' ELSE 'y@' END FROM generate_series(1, 500) i;
SELECT count(*) AS kept, count(email) AS with_email, min(email) AS first FROM rs_users;
(SELECT * FROM rs_users EXCEPT SELECT * FROM rs_users_c) UNION ALL (SELECT * FROM rs_users_c EXCEPT SELECT * FROM rs_users);
UPDATE rs_users SET email = upper(email) || '  ';
UPDATE rs_users_c SET email = upper(email) || '  ';
(SELECT * FROM rs_users EXCEPT SELECT * FROM rs_users_c) UNION ALL (SELECT * FROM rs_users_c EXCEPT SELECT * FROM rs_users);
-- a table without the column: the statement fails
CREATE TABLE rs_no_email (id int);
CREATE TRIGGER norm BEFORE INSERT ON rs_no_email FOR EACH ROW EXECUTE FUNCTION rs_normalize_email();
SELECT sqlstate_of('INSERT INTO rs_no_email VALUES (1)') LIKE '38000: wasm function rs_normalize_email() trapped%' AS refused;
-- aggregates whose states the guest keeps (wasm.state): a median and an HLL distinct
-- count, serial and with a parallel plan (states saved in the workers, combined in the
-- leader), against percentile_cont and count(DISTINCT)
CREATE FUNCTION rs_values_step(wasm.state, float8) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'rust_kinds:values_step';
CREATE FUNCTION rs_values_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE
  AS 'rust_kinds:values_combine';
CREATE FUNCTION rs_median_final(wasm.state) RETURNS float8 LANGUAGE wasm PARALLEL SAFE AS 'rust_kinds:median_final';
CREATE FUNCTION rs_hll_step(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'rust_kinds:hll_step';
CREATE FUNCTION rs_hll_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE
  AS 'rust_kinds:hll_combine';
CREATE FUNCTION rs_hll_final(wasm.state) RETURNS bigint LANGUAGE wasm PARALLEL SAFE AS 'rust_kinds:hll_final';
CREATE AGGREGATE rs_median(float8) (SFUNC = rs_values_step, STYPE = wasm.state, FINALFUNC = rs_median_final,
                                    COMBINEFUNC = rs_values_combine, PARALLEL = SAFE);
CREATE AGGREGATE rs_hll(bigint) (SFUNC = rs_hll_step, STYPE = wasm.state, FINALFUNC = rs_hll_final,
                                 COMBINEFUNC = rs_hll_combine, PARALLEL = SAFE);
CREATE TABLE rs_agg AS SELECT i % 50 AS g, ((i * 31) % 997) / 10.0::float8 AS x, (i * 104729) % 40000 AS k
  FROM generate_series(1::bigint, 200000) i;
ANALYZE rs_agg;
CREATE TEMP TABLE rs_serial AS SELECT g, rs_median(x) AS m, rs_hll(k) AS h FROM rs_agg GROUP BY g;
SELECT count(*) AS groups,
       count(*) FILTER (WHERE m <> (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM rs_agg a WHERE a.g = s.g)) AS median_wrong,
       count(*) FILTER (WHERE abs(h - (SELECT count(DISTINCT k) FROM rs_agg a WHERE a.g = s.g)) > 0.03 * h) AS hll_off
  FROM rs_serial s;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET min_parallel_table_scan_size = 0;
SET parallel_leader_participation = off;
CREATE TEMP TABLE rs_plan (line text);
DO $$
DECLARE l text;
BEGIN
  FOR l IN EXPLAIN (COSTS OFF) SELECT g, rs_median(x), rs_hll(k) FROM rs_agg GROUP BY g LOOP
    INSERT INTO rs_plan VALUES (l);
  END LOOP;
END $$;
SELECT count(*) FILTER (WHERE line ~ 'Partial') > 0 AS partial_in_workers FROM rs_plan;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.m IS DISTINCT FROM s.m OR p.h IS DISTINCT FROM s.h) AS differ
  FROM (SELECT g, rs_median(x) AS m, rs_hll(k) AS h FROM rs_agg GROUP BY g) p JOIN rs_serial s USING (g);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
SELECT rs_median_final(('\x50575331' || (SELECT sha256 FROM wasm.modules WHERE name = 'rust_kinds') || '0907')::wasm.state);
-- a window function: the moving average of the frame, against avg
CREATE FUNCTION rs_moving_avg(float8) RETURNS float8 WINDOW LANGUAGE wasm AS 'rust_kinds:w_moving_avg';
SELECT count(*) AS rows, count(*) FILTER (WHERE m IS DISTINCT FROM a AND abs(m - a) > 1e-9) AS wrong
  FROM (SELECT rs_moving_avg(x) OVER w AS m, avg(x) OVER w AS a
          FROM rs_agg WHERE g < 3 WINDOW w AS (PARTITION BY g ORDER BY k ROWS BETWEEN 4 PRECEDING AND 1 FOLLOWING)) q;
