-- ABI version 2: numeric, uuid, interval, json, char(n), name and enum types, in and out,
-- with NULLs and domains. Every Wasm result is compared with the same thing in SQL.

-- numeric crosses as its decimal text: every digit, NaN and the infinities.
CREATE FUNCTION num_echo(numeric) RETURNS numeric LANGUAGE wasm STRICT AS 'money:numeric_echo';
CREATE FUNCTION num_special(numeric) RETURNS boolean LANGUAGE wasm STRICT AS 'money:numeric_special';
CREATE FUNCTION line_total(numeric, int, numeric) RETURNS numeric LANGUAGE wasm STRICT AS 'money:line_total';
SELECT v, num_echo(v) AS echoed, num_echo(v) IS NOT DISTINCT FROM v AS same, num_special(v) AS special
  FROM (VALUES (0::numeric), (-0.000), ('NaN'), ('Infinity'), ('-Infinity'),
               (123456789012345678901234567890.123456789012345678901234567890),
               (1e-30), (-1e40), (NULL)) t(v);
-- exact arithmetic: the guest's scaled integers agree with numeric arithmetic
SELECT p, q, r, line_total(p, q, r) AS wasm, round(p * q * (1 + r / 100), 2) AS sql,
       line_total(p, q, r) = round(p * q * (1 + r / 100), 2) AS same
  FROM (VALUES (19.99, 3, 8.25), (0.005, 1, 0), (-0.005, 1, 0), (1234567.891, 7, 19.6),
               (0.01, 1, 0.0001), (99999999.99, 1000, 0)) t(p, q, r);
SELECT line_total('NaN', 1, 0) IS NULL AS nan_is_null, line_total(1e30, 1, 0) IS NULL AS too_big_is_null;
-- malformed numeric text from a guest is refused, naming the function
CREATE FUNCTION text_as_numeric(text) RETURNS numeric LANGUAGE wasm STRICT AS 'types:echo_bytes';
SELECT text_as_numeric('12.50'), text_as_numeric('  -7  '), text_as_numeric('Infinity');
SELECT text_as_numeric('12,50');
SELECT text_as_numeric('');
-- numeric as a domain with a constraint, both ways
CREATE DOMAIN price AS numeric(12, 2) CHECK (VALUE >= 0);
CREATE FUNCTION price_echo(price) RETURNS price LANGUAGE wasm STRICT AS 'money:numeric_echo';
CREATE FUNCTION text_as_price(text) RETURNS price LANGUAGE wasm STRICT AS 'types:echo_bytes';
SELECT price_echo(12.5), text_as_price('3.14');
SELECT text_as_price('-1');

-- uuid: by value as two big-endian halves in, 16 bytes out (in arrays and rows: 16 bytes)
CREATE FUNCTION uuid_version(uuid) RETURNS int LANGUAGE wasm STRICT AS 'types:uuid_version';
CREATE FUNCTION uuid_text(uuid) RETURNS text LANGUAGE wasm STRICT AS 'types:uuid_text';
CREATE FUNCTION uuid_echo(uuid) RETURNS uuid LANGUAGE wasm STRICT AS 'types:uuid_copy';
SELECT u, uuid_version(u), uuid_text(u) = u::text AS text_same, uuid_echo(u) = u AS echo_same
  FROM (VALUES ('00000000-0000-0000-0000-000000000000'::uuid), ('ffffffff-ffff-ffff-ffff-ffffffffffff'),
               ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'), ('017f22e2-79b0-7cc3-98c4-dc0c0c07398f')) t(u);
SELECT uuid_echo(NULL) IS NULL AS null_stays_null;
SELECT count(*) AS all_same FROM (SELECT gen_random_uuid() u FROM generate_series(1, 10000)) t
  WHERE uuid_text(u) = u::text AND uuid_echo(u) = u AND uuid_version(u) = 4;
-- uuid v7 from the WASI clock and random source
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE wasm VOLATILE AS 'uuid7:uuid_v7';
CREATE FUNCTION uuid_v7_millis(uuid) RETURNS bigint LANGUAGE wasm STRICT AS 'uuid7:uuid_v7_millis';
SELECT count(DISTINCT u) AS distinct_uuids, bool_and(uuid_version(u) = 7) AS all_v7,
       bool_and(substr(u::text, 20, 1) IN ('8', '9', 'a', 'b')) AS all_variant_10,
       bool_and(abs(uuid_v7_millis(u) - (extract(epoch FROM clock_timestamp()) * 1000)::bigint) < 60000) AS clock_now
  FROM (SELECT uuid_v7() u FROM generate_series(1, 5000)) t;

-- interval: (microseconds, days, months), each with its own sign
CREATE FUNCTION interval_double(interval) RETURNS interval LANGUAGE wasm STRICT AS 'types:interval_double';
CREATE FUNCTION interval_micros(interval) RETURNS bigint LANGUAGE wasm STRICT AS 'types:interval_micros';
CREATE FUNCTION interval_echo(interval) RETURNS interval LANGUAGE wasm STRICT AS 'types:interval_copy';
SELECT i, interval_double(i), interval_double(i) = i * 2 AS same, interval_micros(i),
       interval_echo(i) = i AS echo_same
  FROM (VALUES ('0'::interval), ('1 year 2 months 3 days 04:05:06.789'), ('-1 month +1 day -00:00:01'),
               ('80000000 years'), ('-80000000 years 1 day'), ('1 microsecond')) t(i);

-- json crosses as its text, exactly as stored; results are checked as JSON
CREATE FUNCTION json_echo(json) RETURNS json LANGUAGE wasm STRICT AS 'types:echo_bytes';
CREATE FUNCTION text_as_json(text) RETURNS json LANGUAGE wasm STRICT AS 'types:echo_bytes';
SELECT json_echo('{"b": 1,   "a": [1, 2.50], "b": 2}'), json_echo('"é"'), json_echo('null');
SELECT text_as_json('{"ok": true}'), text_as_json('[1, 2');

-- char(n) keeps its padding; name is cut at 63 bytes as PostgreSQL's name input does
CREATE FUNCTION bpchar_echo(char(8)) RETURNS char(8) LANGUAGE wasm STRICT AS 'types:echo_bytes';
CREATE FUNCTION bpchar_len(char(8)) RETURNS int LANGUAGE wasm STRICT AS 'types:byte_count';
CREATE FUNCTION name_echo(name) RETURNS name LANGUAGE wasm STRICT AS 'types:echo_bytes';
CREATE FUNCTION text_as_name(text) RETURNS name LANGUAGE wasm STRICT AS 'types:echo_bytes';
SELECT '[' || bpchar_echo('ab') || ']' AS trimmed_on_output, bpchar_echo('ab') = 'ab'::char(8) AS same,
       bpchar_len('ab'::char(8)) AS guest_sees_padding;
SELECT name_echo('pg_class'), name_echo(repeat('é', 40)::name) = repeat('é', 40)::name AS same,
       octet_length(text_as_name(repeat('x', 100))::text) AS cut_to;

-- enum types cross as their labels
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'très bien');
CREATE FUNCTION mood_echo(mood) RETURNS mood LANGUAGE wasm STRICT AS 'types:echo_bytes';
CREATE FUNCTION text_as_mood(text) RETURNS mood LANGUAGE wasm STRICT AS 'types:echo_bytes';
SELECT m, mood_echo(m), mood_echo(m) = m AS same FROM unnest(enum_range(NULL::mood)) m;
SELECT text_as_mood('happy'), text_as_mood('happy') > 'ok'::mood AS ordered;
SELECT text_as_mood('ecstatic');
-- a label added later is seen by the next statement
ALTER TYPE mood ADD VALUE 'ecstatic' AFTER 'happy';
SELECT text_as_mood('ecstatic'), text_as_mood('ecstatic') < 'très bien'::mood AS ordered;

-- Modules built for ABI version 1 keep version 1's types and refuse the new ones; a
-- module that targets an unknown version, or says it unclearly, is refused.
CREATE FUNCTION v1_text(text) RETURNS int LANGUAGE wasm STRICT AS 'v1text:byte_count';
SELECT v1_text('héllo');
CREATE FUNCTION v1_numeric(numeric) RETURNS int LANGUAGE wasm AS 'v1text:byte_count';
CREATE FUNCTION v1_array(int[]) RETURNS int[] LANGUAGE wasm AS 'v1text:echo_block';
CREATE FUNCTION v3_text(text) RETURNS int LANGUAGE wasm AS 'v3:byte_count';
CREATE FUNCTION twice_text(text) RETURNS int LANGUAGE wasm AS 'abi_twice:byte_count';
-- the same checks at the first call when the function was created without them
SET check_function_bodies = off;
CREATE FUNCTION v1_numeric(numeric) RETURNS int LANGUAGE wasm AS 'v1text:byte_count';
RESET check_function_bodies;
SELECT v1_numeric(1.5);
DROP FUNCTION v1_numeric(numeric);
SELECT export_name, kind, signature FROM wasm.exports('types') WHERE export_name LIKE 'pgwasm_%' ORDER BY 1;
