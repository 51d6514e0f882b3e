-- Installs the extension, loads the example modules, and notes when the postmaster
-- started, so that finish.sql can prove no backend crashed on the way.
CREATE EXTENSION wasm;
CREATE TABLE regress_start AS SELECT pg_postmaster_start_time() AS started;
GRANT SELECT ON regress_start TO PUBLIC;
CREATE FUNCTION example(file text) RETURNS bytea LANGUAGE sql STABLE
  AS $$ SELECT pg_read_binary_file(current_setting('pgwasm_test.examples') || '/' || file) $$;
-- SQLSTATE and message of a statement's error, for tests that pin both.
CREATE FUNCTION sqlstate_of(query text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE query;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
SELECT wasm.load_module('math', example('math.wasm'));
SELECT wasm.load_module('text', example('text.wasm'));
SELECT wasm.load_module('bytes', example('bytes.wasm'));
SELECT wasm.load_module('json', example('json.wasm'));
SELECT wasm.load_module('nulls', example('nulls.wasm'));
SELECT wasm.load_module('hostile', example('hostile.wasm'));
SELECT wasm.load_module('spin', example('spin.wasm'));
-- ABI version 2 examples (udf-sdk/examples).
SELECT wasm.load_module('types', example('types.wasm'));
SELECT wasm.load_module('vectors', example('vectors.wasm'));
SELECT wasm.load_module('tags', example('tags.wasm'));
SELECT wasm.load_module('rows', example('rows.wasm'));
SELECT wasm.load_module('uuid7', example('uuid7.wasm'));
SELECT wasm.load_module('timebucket', example('timebucket.wasm'));
SELECT wasm.load_module('money', example('money.wasm'));
SELECT wasm.load_module('hostile_types', example('hostile_types.wasm'));
SELECT wasm.load_module('sets', example('sets.wasm'));
SELECT wasm.load_module('hostile_sets', example('hostile_sets.wasm'));
SELECT wasm.load_module('triggers', example('triggers.wasm'));
SELECT wasm.load_module('aggregates', example('aggregates.wasm'));
SELECT wasm.load_module('windows', example('windows.wasm'));
SELECT wasm.load_module('hostile_windows', example('hostile_windows.wasm'));
SELECT wasm.load_module('v1text', example('abi_v1.wasm'));
SELECT wasm.load_module('v3', example('abi_v3.wasm'));
SELECT wasm.load_module('abi_twice', example('abi_twice.wasm'));
-- The SQL oracle of the SDKs' word_summary examples (sql/rust.sql, sql/assemblyscript.sql):
-- a text's space-separated words as rows, the first one, their count, and whether each
-- starts with an ASCII capital.
CREATE TYPE word_info AS (w text, n int);
CREATE TYPE word_summary AS (first word_info, words word_info[], count int, upper boolean[]);
CREATE FUNCTION word_summary_sql(s text) RETURNS word_summary LANGUAGE sql IMMUTABLE AS $$
  SELECT ROW((array_agg(ROW(w, char_length(w))::word_info ORDER BY o))[1],
             coalesce(array_agg(ROW(w, char_length(w))::word_info ORDER BY o), '{}'), count(w)::int,
             coalesce(array_agg(left(w, 1) BETWEEN 'A' AND 'Z' ORDER BY o), '{}'))::word_summary
    FROM regexp_split_to_table(s, ' ') WITH ORDINALITY t(w, o) WHERE w <> '' $$;
-- Documents for the SDKs' compact jsonb readers (sql/rust.sql, sql/assemblyscript.sql):
-- numbers of every scale (huge and tiny), non-ASCII strings, arrays, JSON null, and
-- objects of more than 32 keys.
CREATE TABLE sdk_docs AS
  SELECT jsonb_build_object('id', i, 'name', 'user ' || i || ' é€', 'score', round((i * 7.31 - 300)::numeric, i % 5),
                            'ok', i % 3 = 0, 'none', NULL, 'tags', jsonb_build_array(i, i * 0.5),
                            'big', (i::numeric ^ 9) * 1000000.5, 'tiny', 1 / (i::numeric * 1000000),
                            'k' || i, repeat('x', i % 50)) ||
         (SELECT jsonb_object_agg('f' || j, j * 0.25) FROM generate_series(1, i % 40) j) AS d
    FROM generate_series(1, 300) i;
-- spin(n) loops n times: a known amount of fuel.
CREATE FUNCTION spin(int) RETURNS int LANGUAGE wasm STRICT AS 'spin:spin';
-- Hostile guests, used by several tests.
CREATE FUNCTION unreachable() RETURNS int LANGUAGE wasm AS 'hostile:unreachable';
CREATE FUNCTION divide(int, int) RETURNS int LANGUAGE wasm STRICT AS 'hostile:divide';
CREATE FUNCTION out_of_bounds() RETURNS int LANGUAGE wasm AS 'hostile:out_of_bounds';
CREATE FUNCTION deep_recursion(int) RETURNS int LANGUAGE wasm STRICT AS 'hostile:deep_recursion';
CREATE FUNCTION infinite_loop() RETURNS int LANGUAGE wasm AS 'hostile:infinite_loop';
CREATE FUNCTION memory_bomb() RETURNS int LANGUAGE wasm AS 'hostile:memory_bomb';
SELECT name, owner, size > 0 AS has_bytes, length(sha256) AS sha256_hex_length FROM wasm.modules ORDER BY name;
