-- Set-returning functions (RETURNS SETOF, RETURNS TABLE) in the FROM clause, LATERAL, WITH
-- ORDINALITY and the SELECT list, with LIMIT; each set checked against the same set made
-- in SQL. The guest returns a set in batches (udf-sdk/ABI.md, "Sets").
CREATE FUNCTION tokens(text) RETURNS SETOF text LANGUAGE wasm STRICT IMMUTABLE AS 'sets:tokens';
CREATE FUNCTION words(text) RETURNS TABLE(pos int, word text, len int)
  LANGUAGE wasm STRICT IMMUTABLE AS 'sets:words';
CREATE FUNCTION series(bigint, bigint) RETURNS SETOF bigint LANGUAGE wasm STRICT IMMUTABLE AS 'sets:series';
CREATE FUNCTION maybe_nulls(int) RETURNS SETOF int LANGUAGE wasm STRICT AS 'sets:maybe_nulls';
CREATE FUNCTION instance_sets() RETURNS SETOF bigint LANGUAGE wasm AS 'sets:instance_sets';
-- The oracle of tokens: runs of [0-9A-Za-z_] and non-ASCII characters, in order, ASCII
-- lower-cased.
CREATE FUNCTION tokens_sql(s text) RETURNS SETOF text LANGUAGE sql IMMUTABLE AS $$
  SELECT translate(m[1], 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')
    FROM regexp_matches(s, '([^\x01-\x2f\x3a-\x40\x5b-\x5e\x60\x7b-\x7f]+)', 'g') m
$$;
CREATE TABLE docs (id int PRIMARY KEY, body text);
INSERT INTO docs VALUES
  (1, 'Hello, World!'), (2, ''), (3, '... ,,, !!!'), (4, 'one'), (5, 'Grüße aus Köln, naïve café'),
  (6, 'snake_case and CamelCase 42 times'), (7, NULL),
  -- past one batch (256 words): 1000 words
  (8, (SELECT string_agg('w' || i, CASE WHEN i % 7 = 0 THEN ', ' ELSE ' ' END) FROM generate_series(1, 1000) i));

-- FROM, with ORDINALITY: every document's words, in order, as the oracle has them
SELECT count(*) AS words FROM docs d, LATERAL tokens(d.body) WITH ORDINALITY t(w, n);
SELECT d.id, t.n, t.w FROM docs d, LATERAL tokens(d.body) WITH ORDINALITY t(w, n)
EXCEPT ALL
SELECT d.id, s.n, s.w FROM docs d, LATERAL tokens_sql(d.body) WITH ORDINALITY s(w, n);
SELECT d.id, s.n, s.w FROM docs d, LATERAL tokens_sql(d.body) WITH ORDINALITY s(w, n)
EXCEPT ALL
SELECT d.id, t.n, t.w FROM docs d, LATERAL tokens(d.body) WITH ORDINALITY t(w, n);
SELECT * FROM tokens('Hello, World! foo_bar 42') WITH ORDINALITY;
SELECT * FROM tokens('');
SELECT * FROM tokens(NULL);  -- STRICT: no rows

-- RETURNS TABLE: rows of three columns; positions against strpos over ASCII text
SELECT * FROM words('The quick brown fox, the lazy dog');
SELECT count(*) AS mismatches FROM docs d, LATERAL words(d.body) w
 WHERE d.id IN (1, 4, 6, 8) AND (substr(d.body, w.pos, w.len) <> w.word
    AND lower(substr(d.body, w.pos, w.len)) <> w.word OR w.len <> length(w.word));
SELECT (words('a bb ccc')).*;
SELECT w.word, octet_length(w.word) = w.len AS ok FROM words('Grüße aus Köln') w;  -- len counts bytes

-- the SELECT list: one set per row, and LIMIT stops the guest (the set would not end)
SELECT id, tokens(body) FROM docs WHERE id IN (1, 4, 6) ORDER BY 1, 2;
SELECT series(1, 9223372036854775807) LIMIT 5;
SELECT x, series(x, x + 2) FROM generate_series(1, 3) x;
SELECT tokens('a b c'), series(1, 5);  -- two sets side by side: the longer one sets the rows

-- NULL rows, empty sets, sets across batches
SELECT x, x IS NULL AS null_row FROM maybe_nulls(10) x;
SELECT count(*), count(x) FROM maybe_nulls(100) x;
SELECT * FROM series(5, 4);
SELECT count(*), sum(x), min(x), max(x) FROM series(-100000, 100000) x;
SELECT (SELECT sum(x) FROM series(1, i) x) = i * (i + 1) / 2 AS ok FROM generate_series(8190, 8194) i;
SELECT * FROM series(9223372036854775805, 9223372036854775807);

-- each set has an instance of its own: no guest state from an earlier set
SELECT instance_sets() FROM generate_series(1, 3);
SELECT i, s FROM generate_series(1, 3) i, LATERAL instance_sets() s;

-- a set abandoned by LIMIT, then the same call site's next set starts afresh
SELECT (SELECT array_agg(t) FROM (SELECT series(1, 1000000) t LIMIT 3) q) FROM generate_series(1, 2);

-- a cursor: the set goes on across FETCHes (each FETCH is a statement of its own)
BEGIN;
DECLARE c CURSOR FOR SELECT series(1, 20000) AS v;
FETCH 3 FROM c;
FETCH 2 FROM c;
MOVE 9000 FROM c;
FETCH 2 FROM c;
CLOSE c;
COMMIT;

-- the function dropped between FETCHes: the query's next set is an ERROR with its SQLSTATE
CREATE FUNCTION dropped_series(bigint, bigint) RETURNS SETOF bigint LANGUAGE wasm STRICT AS 'sets:series';
BEGIN;
DECLARE c2 CURSOR FOR SELECT x, dropped_series(1, x) AS v FROM generate_series(1, 4) x;
FETCH 2 FROM c2;
DROP FUNCTION dropped_series(bigint, bigint);
SAVEPOINT s;
FETCH ALL FROM c2;
ROLLBACK TO s;
ROLLBACK;
DROP FUNCTION dropped_series(bigint, bigint);

-- a set in a plpgsql loop, the loop body calling wasm in between
DO $$
DECLARE
  total bigint := 0;
  w text;
BEGIN
  FOR w IN SELECT tokens('alpha beta gamma delta') LOOP
    total := total + (SELECT count(*) FROM tokens(w || ' ' || w));
  END LOOP;
  RAISE NOTICE 'total %', total;
END $$;

-- domains over the row type are checked for every row
CREATE DOMAIN small_int AS bigint CHECK (VALUE < 5);
CREATE FUNCTION small_series(bigint, bigint) RETURNS SETOF small_int LANGUAGE wasm STRICT AS 'sets:series';
SELECT * FROM small_series(1, 4);
SELECT * FROM small_series(1, 6);

-- declarations the set protocol refuses, and its Wasm signature in the message; the row
-- type is not part of the signature, but every batch's element size is checked
CREATE FUNCTION tokens_wrong(text) RETURNS SETOF int LANGUAGE wasm STRICT AS 'sets:tokens';
SELECT * FROM tokens_wrong('a b');
CREATE FUNCTION tokens_scalar(text) RETURNS text LANGUAGE wasm STRICT AS 'sets:tokens';
CREATE FUNCTION nothing_set() RETURNS SETOF void LANGUAGE wasm AS 'sets:instance_sets';

-- EXPLAIN ANALYZE counts one call per batch
CREATE TEMP TABLE explain_out (line text);
DO $$
DECLARE l text;
BEGIN
  FOR l IN EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF, SUMMARY OFF) SELECT count(*) FROM series(1, 20000) LOOP
    INSERT INTO explain_out VALUES (l);
  END LOOP;
END $$;
SELECT trim(line) FROM explain_out WHERE line ~ 'Calls|Instances';
