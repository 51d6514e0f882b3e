-- Text and jsonb in a database whose encoding is not UTF-8 (LATIN1): arguments reach the
-- guest as UTF-8, results come back in the database's encoding, and a result that the
-- database cannot hold is an error. In a SQL_ASCII database (no encoding at all), text
-- reaches the guest as stored if it is UTF-8, and is an error if it is not. Export
-- names are UTF-8; wasm.exports converts them.
CREATE DATABASE wasm_latin1 TEMPLATE template0 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C';
\c wasm_latin1
SET client_encoding = 'UTF8';
CREATE EXTENSION wasm;
SELECT m, length(wasm.load_module(m, pg_read_binary_file(current_setting('pgwasm_test.examples') || '/' || m || '.wasm'))) > 0 AS loaded
  FROM unnest(ARRAY['text', 'json', 'unicode']) m;
CREATE FUNCTION reverse_text(text) RETURNS text LANGUAGE wasm STRICT AS 'text:reverse';
CREATE FUNCTION json_pick(jsonb, text) RETURNS jsonb LANGUAGE wasm STRICT AS 'json:json_pick';
CREATE FUNCTION euro() RETURNS text LANGUAGE wasm AS 'unicode:euro';
CREATE FUNCTION cafe() RETURNS text LANGUAGE wasm AS 'unicode:cafe';
-- é is one byte in LATIN1 and two in UTF-8: reversed by code point, it stays one character
-- (had the guest seen LATIN1 bytes, its result would not be UTF-8, and an ERROR).
SELECT reverse_text('café') = 'éfac' AS reversed, octet_length(reverse_text('café')) AS bytes;
SELECT reverse_text('xüüü') = 'üüüx' AS reversed;
SELECT json_pick('{"name": "José", "n": 1}', 'name') = '"José"'::jsonb AS picked;
-- jsonb in compact form is rebuilt with its strings in UTF-8, its keys in their UTF-8
-- order (in LATIN1 é is shorter than ab, in UTF-8 as long and after it).
SELECT length(wasm.load_module('jsonb_compact', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/jsonb_compact.wasm'))) > 0 AS loaded;
CREATE FUNCTION jb_canon(jsonb) RETURNS text LANGUAGE wasm STRICT AS 'jsonb_compact:jb_canon';
CREATE FUNCTION jb_get_text(jsonb, text) RETURNS text LANGUAGE wasm STRICT AS 'jsonb_compact:jb_get_text';
SELECT jb_canon('{"é": "José", "ab": 2}') AS utf8_order, '{"é": "José", "ab": 2}'::jsonb::text AS latin1_order,
       jb_canon('{"é": "José", "ab": 2}')::jsonb = '{"é": "José", "ab": 2}'::jsonb AS same_value,
       jb_get_text('{"é": "José", "ab": 2}', 'é') AS looked_up, jb_canon('"café"') AS scalar;
-- Its size is checked before it is rebuilt (UTF-8 takes at least 3/4 of the bytes of any
-- encoding): a million nulls are refused at 1 MB without building their tree.
CREATE TABLE million_nulls AS SELECT jsonb_agg(NULL::int) AS d FROM generate_series(1, 1000000);
SET wasm.memory_limit = '1MB';
SELECT jb_get_text(d, 'x') FROM million_nulls;
RESET wasm.memory_limit;
SELECT cafe() = 'café' AS converted, octet_length(cafe()) AS bytes;
SELECT euro();
CREATE DATABASE wasm_ascii TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C';
\c wasm_ascii
CREATE EXTENSION wasm;
SELECT length(wasm.load_module('text', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/text.wasm'))) > 0 AS loaded;
CREATE FUNCTION reverse_text(text) RETURNS text LANGUAGE wasm STRICT AS 'text:reverse';
SELECT reverse_text('café') = 'éfac' AS reversed, octet_length(reverse_text('café')) AS bytes;
SELECT reverse_text(E'caf\xe9');
-- In an EUC_JP database, wasm.exports shows export names the database can hold as they
-- are, and writes each character it cannot hold as \uXXXX.
CREATE DATABASE wasm_eucjp TEMPLATE template0 ENCODING 'EUC_JP' LC_COLLATE 'C' LC_CTYPE 'C';
\c wasm_eucjp
SET client_encoding = 'UTF8';
CREATE EXTENSION wasm;
SELECT length(wasm.load_module('names', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/names.wasm'))) > 0 AS loaded;
SELECT export_name, signature FROM wasm.exports('names') ORDER BY 1;
CREATE FUNCTION nihon() RETURNS int LANGUAGE wasm AS 'names:日本';
SELECT nihon();
-- So does a trap's backtrace (the trap's error used to be lost to an encoding error).
CREATE FUNCTION wana() RETURNS int LANGUAGE wasm AS 'names:罠';
SELECT wana();
-- Compact jsonb: two keys that EUC_JP tells apart but UTF-8 does not (both U+2235) would
-- be one key for the guest: an ERROR, never a lost key.
SELECT length(wasm.load_module('jsonb_compact', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/jsonb_compact.wasm'))) > 0 AS loaded;
CREATE FUNCTION jb_get_text(jsonb, text) RETURNS text LANGUAGE wasm STRICT AS 'jsonb_compact:jb_get_text';
SELECT convert_from('\xa2e8', 'EUC_JP') = convert_from('\xadfa', 'EUC_JP') AS same_in_db,
       convert_to(convert_from('\xa2e8', 'EUC_JP'), 'UTF8') = convert_to(convert_from('\xadfa', 'EUC_JP'), 'UTF8') AS same_in_utf8;
SELECT jb_get_text(jsonb_build_object(convert_from('\xa2e8', 'EUC_JP'), 'jis', convert_from('\xadfa', 'EUC_JP'), 'nec'), 'x');
SELECT jb_get_text(jsonb_build_object('a', jsonb_build_object(convert_from('\xa2e8', 'EUC_JP'), 1, convert_from('\xadfa', 'EUC_JP'), 2)), 'a');
SELECT jb_get_text(jsonb_build_object(convert_from('\xa2e8', 'EUC_JP'), 'jis', 'b', 'other'), convert_from('\xa2e8', 'EUC_JP')) AS one_is_fine;
\c wasm_regression
DROP DATABASE wasm_latin1;
DROP DATABASE wasm_ascii;
DROP DATABASE wasm_eucjp;
