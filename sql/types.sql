-- Every SQL type of the ABI, in and out.
CREATE FUNCTION add(int, int) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'math:add';
CREATE FUNCTION add_one(bigint) RETURNS bigint LANGUAGE wasm STRICT IMMUTABLE AS 'math:add_one';
CREATE FUNCTION haversine(float8, float8, float8, float8) RETURNS float8
  LANGUAGE wasm STRICT IMMUTABLE AS 'math:haversine';
CREATE FUNCTION collatz(bigint) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'math:collatz';
-- smallint and boolean travel as i32 too.
CREATE FUNCTION add_small(smallint, smallint) RETURNS smallint LANGUAGE wasm STRICT AS 'math:add';
CREATE FUNCTION add_bool(boolean, boolean) RETURNS boolean LANGUAGE wasm STRICT AS 'math:add';
-- a domain behaves as its base type
CREATE DOMAIN positive AS int CHECK (VALUE > 0);
CREATE FUNCTION add_pos(positive, positive) RETURNS int LANGUAGE wasm STRICT AS 'math:add';

SELECT add(2, 3), add(-7, 2), add(2147483647, 1) AS wraps;
SELECT add_one(41), add_one(9223372036854775806);
SELECT round(haversine(48.8566, 2.3522, 51.5074, -0.1278)::numeric, 3) AS paris_london_km;
SELECT collatz(27), collatz(1), collatz(837799);
SELECT sum(add_one(i)) FROM generate_series(1, 100000) i;
SELECT add_small(100::smallint, 200::smallint);
SELECT add_small(32767::smallint, 1::smallint);  -- result out of range for smallint
SELECT add_bool(true, false), add_bool(false, false), add_bool(true, true);
SELECT add_pos(1, 2);

-- text and varchar
CREATE FUNCTION vowels(text) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'text:vowels';
CREATE FUNCTION vowels_vc(varchar) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'text:vowels';
CREATE FUNCTION reverse_text(text) RETURNS text LANGUAGE wasm STRICT IMMUTABLE AS 'text:reverse';
CREATE FUNCTION slugify(text) RETURNS text LANGUAGE wasm STRICT IMMUTABLE AS 'text:slugify';
CREATE FUNCTION bad_utf8() RETURNS text LANGUAGE wasm AS 'text:bad_utf8';
SELECT vowels('Hello World'), vowels(''), vowels_vc('AEIOU xyz'::varchar);
SELECT reverse_text('hello'), reverse_text(''), reverse_text('añb€c😀');
SELECT slugify('  Hello, World! 2024 '), slugify('---'), slugify('Ünïcode ok');
SELECT bad_utf8();  -- never stored: not UTF-8
-- several text arguments share one guest allocation per call
SELECT sum(vowels(md5(i::text))) FROM generate_series(1, 20000) i;

-- bytea
CREATE FUNCTION crc32(bytea) RETURNS bigint LANGUAGE wasm STRICT IMMUTABLE AS 'bytes:crc32';
CREATE FUNCTION xor_bytes(bytea, int) RETURNS bytea LANGUAGE wasm STRICT IMMUTABLE AS 'bytes:xor_bytes';
CREATE FUNCTION byte_length(bytea) RETURNS bigint LANGUAGE wasm STRICT IMMUTABLE AS 'bytes:byte_length';
SELECT crc32('123456789'::bytea) = x'CBF43926'::bigint AS crc_check_value, crc32(''::bytea);
SELECT xor_bytes('\x00ff10'::bytea, 255), xor_bytes(''::bytea, 1);
-- large and toasted values
CREATE TABLE big (b bytea);
INSERT INTO big SELECT convert_to(repeat('pg-wasm ', 750000), 'UTF8');  -- 6 MB, toasted
SELECT byte_length(b), crc32(b) = crc32(b || ''::bytea) AS same FROM big;
SELECT vowels(repeat('abcde', 1000000));

-- jsonb, as JSON text
CREATE FUNCTION json_pick(jsonb, text) RETURNS jsonb LANGUAGE wasm STRICT IMMUTABLE AS 'json:json_pick';
SELECT json_pick('{"a": 1, "b": {"c": [1, 2, "x"]}, "d": "é"}', 'b');
SELECT json_pick('{"a": 1, "b": 2}', 'a'), json_pick('{"a": 1}', 'zz') IS NULL AS missing;
SELECT json_pick('{"d": "é\"q"}', 'd');
SELECT json_pick(jsonb_build_object('k', repeat('x', 100000)), 'k') = to_jsonb(repeat('x', 100000));
-- domain constraints hold for results too
CREATE FUNCTION add_to_positive(int, int) RETURNS positive LANGUAGE wasm STRICT AS 'math:add';
SELECT add_to_positive(2, 3);
SELECT add_to_positive(-7, 2);
