-- jsonb in compact form (udf-sdk/ABI.md): an export marked pgwasm_jsonb_compact__<name>
-- gets its jsonb arguments as jsonb's binary form, read in place by pgwasm_jsonb.h. The
-- guest rebuilds each document's text from it (jb_canon), which must be exactly what
-- jsonb's output function prints; its lookups must agree with ->>.
SELECT wasm.load_module('jsonb_compact', example('jsonb_compact.wasm'));
CREATE FUNCTION jb_canon(jsonb) RETURNS text LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_canon';
CREATE FUNCTION jb_get_text(jsonb, text) RETURNS text LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_get_text';
CREATE FUNCTION jb_get_int(jsonb, text) RETURNS bigint LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_get_int';
CREATE FUNCTION jb_sum(jsonb) RETURNS float8 LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_sum';
CREATE FUNCTION jb_keys_total(jsonb[]) RETURNS int LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_keys_total';
CREATE FUNCTION jb_not_compact(jsonb) RETURNS int LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_not_compact';
CREATE TYPE keyed_doc AS (key text, doc jsonb);
CREATE FUNCTION jb_row_get(keyed_doc) RETURNS text LANGUAGE wasm IMMUTABLE STRICT AS 'jsonb_compact:jb_row_get';

-- Every kind of value, and the shapes where the binary form changes: a scalar document
-- (stored as a one-element array), containers of more than 32 children (every 32nd
-- entry holds an offset instead of a length), numbers of every scale and sign, strings
-- with escapes, control characters and characters of 1 to 4 bytes, deep nesting.
CREATE TABLE jdocs (id serial, d jsonb);
INSERT INTO jdocs (d) VALUES ('{}'), ('[]'), ('null'), ('true'), ('false'), ('0'), ('-0.0'), ('""'), ('"x"'),
  ('1e-20'), ('-1.5e300'), ('123456789012345678901234567890.123456789012345678901234567890'),
  ('0.000000000000000000000000000001'), ('100000000'), ('99999999.99990000'), ('-7'), ('12.5'),
  (E'"\\u0001\\t\\n\\"\\\\ é € 😀 \\u001f"'), ('{"a": {"b": {"c": [1, [2, [3, {}]]]}}}'),
  ('{"": 1, "a": 2, "aa": 3, "b": 4, "é": 5, "€": 6, "😀": 7}'), ('[null, true, false, 0, "", [], {}]'),
  ('{"k": [1, 2.50, -0.001, 1e20, "x\ny\"", null, true, false, {}]}');
INSERT INTO jdocs (d) SELECT jsonb_agg(i * 1.25) FROM generate_series(1, 100) i;
INSERT INTO jdocs (d) SELECT jsonb_object_agg('k' || i, i) FROM generate_series(1, 1000) i;
INSERT INTO jdocs (d) SELECT jsonb_object_agg(repeat('x', i % 40) || i, repeat('v', i)) FROM generate_series(1, 70) i;
INSERT INTO jdocs (d) SELECT jsonb_agg(jsonb_build_object('n', i, 's', repeat('é', i), 'a', jsonb_build_array(i, -i)))
  FROM generate_series(1, 40) i;
INSERT INTO jdocs (d) SELECT (repeat('[', 500) || '1' || repeat(']', 500))::jsonb;
INSERT INTO jdocs (d) SELECT (repeat('{"a": ', 300) || '"deep"' || repeat('}', 300))::jsonb;
-- and 2000 pseudo-random documents
SELECT setseed(0.42);
INSERT INTO jdocs (d)
  SELECT jsonb_build_object(
           'id', i, 'name', 'user' || i, 'score', round((random() * 2000 - 1000)::numeric, (i % 7)),
           'ratio', random(), 'flag', random() < 0.5, 'none', NULL,
           'tags', (SELECT jsonb_agg(md5((i * 100 + j)::text)) FROM generate_series(1, 1 + i % 40) j),
           'nested', jsonb_build_object('deep', jsonb_build_array(i, 'x' || i, jsonb_build_object('z', i % 3 = 0))),
           chr(65 + i % 26) || i, i % 17)
    FROM generate_series(1, 2000) i;
SELECT count(*) AS docs, count(*) FILTER (WHERE jb_canon(d) = d::text) AS same_text FROM jdocs;
SELECT d::text, jb_canon(d) FROM jdocs WHERE id <= 22 AND jb_canon(d) <> d::text;  -- none
SELECT jb_canon(d) FROM jdocs WHERE id IN (1, 3, 7, 10, 12, 18, 20);

-- Lookups agree with ->> for every key of every object document, and a missing key, a
-- key of a non-object document and JSON null are NULL, as with ->>.
SELECT count(*) AS lookups, count(*) FILTER (WHERE jb_get_text(d, k) IS NOT DISTINCT FROM d ->> k) AS same
  FROM jdocs, LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(d) = 'object' THEN d END) k;
SELECT count(*) AS misses, count(*) FILTER (WHERE jb_get_text(d, 'no such key') IS NULL) AS null_results FROM jdocs;
SELECT jb_get_text('{"a": null}', 'a') IS NULL AS json_null, jb_get_text('[1, 2]', 'a') IS NULL AS not_object,
       jb_get_text('{"é": "accent"}', 'é') AS accent, jb_get_text('{"o": {"x": [1, "y"]}}', 'o') AS object_text;

-- Integers: exactly the numbers written without a fraction that fit in bigint.
SELECT k, jb_get_int(d, k) AS wasm,
       CASE WHEN jsonb_typeof(d -> k) = 'number' AND (d ->> k) ~ '^-?[0-9]+$'
                 AND (d ->> k)::numeric BETWEEN -9223372036854775808 AND 9223372036854775807
            THEN (d ->> k)::bigint END AS sql
  FROM (SELECT '{"max": 9223372036854775807, "min": -9223372036854775808, "over": 9223372036854775808,
                 "under": -9223372036854775809, "zero": 0, "frac": 1.5, "point": 2.0, "big": 1e30,
                 "str": "12", "neg": -42}'::jsonb AS d) t, LATERAL jsonb_object_keys(d) k
  ORDER BY k;

-- Numbers as double: the sum of every number, against the same sum in SQL (values that
-- are exact in binary, so the order of the additions does not matter).
SELECT count(*) AS docs,
       count(*) FILTER (WHERE jb_sum(d) = (SELECT coalesce(sum(v::text::float8), 0)
                                           FROM jsonb_path_query(d, 'strict $.**') v
                                           WHERE jsonb_typeof(v) = 'number')) AS same_sum
  FROM (SELECT jsonb_build_object('a', i * 0.25, 'b', jsonb_build_array(-i, i * 1.5, jsonb_build_object('c', i)),
                                  's', 'text', 'n', NULL) AS d
          FROM generate_series(1, 500) i) t;
SELECT jb_sum('[1e300, 1e300, -2e300]') AS huge, jb_sum('0.1') AS tenth, jb_sum('"12"') AS string_is_no_number;

-- Compact form inside arrays and rows, NULL elements and fields included.
SELECT jb_keys_total(array_agg(d)) AS wasm,
       (SELECT count(*) FROM jdocs, LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(d) = 'object' THEN d END)) AS sql
  FROM jdocs;
SELECT jb_keys_total(ARRAY['{"a": 1, "b": 2}', NULL, '[1, 2, 3]', '{"c": {"d": 1}}']::jsonb[]) AS keys;
SELECT jb_row_get(ROW(k, d)::keyed_doc) IS NOT DISTINCT FROM d ->> k AS same, count(*)
  FROM jdocs, LATERAL jsonb_object_keys(CASE WHEN jsonb_typeof(d) = 'object' THEN d END) k
  WHERE id > 22 GROUP BY 1;
SELECT jb_row_get(ROW('a', NULL)::keyed_doc) IS NULL AS null_field;

-- The marker is per export: jb_not_compact, in the same module, gets JSON text.
SELECT jb_not_compact('{"a": 1}') AS sees_text;

-- A large document: 100000 keys, about 2 MB, looked up at both ends; past
-- wasm.memory_limit its arguments are refused before the guest runs.
CREATE TABLE big_doc AS SELECT jsonb_object_agg('key' || i, repeat('x', 10) || i) AS d FROM generate_series(1, 100000) i;
SELECT jb_get_text(d, 'key1') AS first, jb_get_text(d, 'key100000') AS last, jb_get_text(d, 'key100001') AS missing,
       octet_length(d::text) > 2000000 AS over_2mb FROM big_doc;
SET wasm.memory_limit = '1MB';
SELECT sqlstate_of('SELECT jb_get_text(d, ''key1'') FROM big_doc');
RESET wasm.memory_limit;

-- The markers of a test module: probe sees the binary form (a one-pair object's header
-- begins with byte 1), plain (no marker) the text ('{' is 123); the compact value is
-- 4-aligned after a text argument of any length.
SELECT wasm.load_module('jsonb_markers', example('jsonb_markers.wasm'));
CREATE FUNCTION jm_probe(jsonb) RETURNS int LANGUAGE wasm STRICT AS 'jsonb_markers:probe';
CREATE FUNCTION jm_plain(jsonb) RETURNS int LANGUAGE wasm STRICT AS 'jsonb_markers:plain';
CREATE FUNCTION jm_misalign(text, jsonb) RETURNS int LANGUAGE wasm STRICT AS 'jsonb_markers:misalign';
SELECT jm_probe('{"a": 1}') AS compact, jm_plain('{"a": 1}') AS text_form;
SELECT s, jm_misalign(s, '{"a": 1}') AS misaligned FROM unnest(ARRAY['', 'a', 'ab', 'abc', 'abcd']) s;
-- A marker that is not a function () -> () is refused at CREATE FUNCTION, and at the call
-- when the function was made without checking.
SELECT sqlstate_of($$CREATE FUNCTION jm_bad(jsonb) RETURNS int LANGUAGE wasm AS 'jsonb_markers:bad_params'$$);
SELECT sqlstate_of($$CREATE FUNCTION jm_bad(jsonb) RETURNS int LANGUAGE wasm AS 'jsonb_markers:bad_global'$$);
SET check_function_bodies = off;
CREATE FUNCTION jm_bad(jsonb) RETURNS int LANGUAGE wasm AS 'jsonb_markers:bad_params';
RESET check_function_bodies;
SELECT sqlstate_of($$SELECT jm_bad('{}')$$);
DROP FUNCTION jm_bad(jsonb);
-- A module of ABI version 1 cannot ask for it.
SELECT wasm.load_module('jsonb_v1', example('jsonb_markers_v1.wasm'));
SELECT sqlstate_of($$CREATE FUNCTION jm_v1(jsonb) RETURNS int LANGUAGE wasm AS 'jsonb_v1:v1_probe'$$);
-- Replacing the module changes the form from the next statement on: jsonb_swap's probe
-- has a marker, its replacement's does not.
SELECT wasm.load_module('jsonb_swap', example('jsonb_markers.wasm'));
CREATE FUNCTION jm_swap(jsonb) RETURNS int LANGUAGE wasm STRICT AS 'jsonb_swap:probe';
SELECT jm_swap('{"a": 1}') AS before_swap;
SELECT wasm.load_module('jsonb_swap', example('jsonb_markers_v1.wasm'));
SELECT jm_swap('{"a": 1}') AS after_swap;
SELECT wasm.load_module('jsonb_swap', example('jsonb_markers.wasm'));
SELECT jm_swap('{"a": 1}') AS swapped_back;
DROP FUNCTION jm_swap(jsonb);
SELECT wasm.drop_module('jsonb_swap');
SELECT wasm.drop_module('jsonb_v1');
