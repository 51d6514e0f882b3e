-- Hostile guests under ABI version 2: results that lie about their layout. Each one is an
-- ERROR with its SQLSTATE that names the function (and the element or field), never a
-- crash, never a wrong stored value.
CREATE FUNCTION bad_array(int) RETURNS bigint[] LANGUAGE wasm STRICT AS 'hostile_types:bad_array';
SELECT bad_array(0);
SELECT sqlstate_of(format('SELECT bad_array(%s)', i)) AS error FROM generate_series(1, 8) i;
SELECT bad_array(2);
SELECT bad_array(4);
-- 134,217,727 int8 elements in a guest of 1.1 GB: more than one PostgreSQL value holds
SET wasm.memory_limit = '2GB';
SET wasm.backend_memory_limit = '3GB';
SELECT sqlstate_of('SELECT bad_array(9)') AS error;
RESET wasm.memory_limit;
RESET wasm.backend_memory_limit;
CREATE FUNCTION amplified_text(int) RETURNS text[] LANGUAGE wasm STRICT AS 'hostile_types:amplified_text';
SELECT cardinality(amplified_text(10));
SET wasm.memory_limit = '16MB';
SELECT amplified_text(1000);
-- arguments past the limit are refused before the guest is called
CREATE FUNCTION text_lengths_h(text[]) RETURNS int[] LANGUAGE wasm STRICT AS 'types:text_lengths';
SELECT cardinality(text_lengths_h(array_fill(repeat('x', 1000), ARRAY[5000])));
SELECT text_lengths_h(array_fill(''::text, ARRAY[3000000]));
RESET wasm.memory_limit;
CREATE FUNCTION bad_text_array(int) RETURNS text[] LANGUAGE wasm STRICT AS 'hostile_types:bad_text_array';
SELECT bad_text_array(0);
SELECT bad_text_array(1);
SELECT bad_text_array(2);
SELECT bad_text_array(3);
CREATE TYPE abc AS (a int, b text, c float8);
CREATE FUNCTION bad_row(int) RETURNS abc LANGUAGE wasm STRICT AS 'hostile_types:bad_row';
SELECT bad_row(0);
SELECT sqlstate_of(format('SELECT bad_row(%s)', i)) AS error FROM generate_series(1, 5) i;
SELECT bad_row(1);
SELECT bad_row(3);
CREATE DOMAIN not_null_int AS int NOT NULL;
CREATE TYPE abc_strict AS (a not_null_int, b text, c float8);
CREATE FUNCTION bad_row_strict(int) RETURNS abc_strict LANGUAGE wasm STRICT AS 'hostile_types:bad_row';
SELECT bad_row_strict(0);
SELECT bad_row_strict(6);
CREATE FUNCTION bad_row_out(int, OUT a int, OUT b text, OUT c float8) LANGUAGE wasm STRICT AS 'hostile_types:bad_row';
SELECT * FROM bad_row_out(2);
CREATE FUNCTION bad_row_array(int) RETURNS abc[] LANGUAGE wasm STRICT AS 'hostile_types:bad_row_array';
SELECT bad_row_array(0);
SELECT bad_row_array(1);
SELECT bad_row_array(2);
-- the wrong Wasm type for a v2 declaration is refused at CREATE FUNCTION
CREATE FUNCTION wrong_sig(int[]) RETURNS int[] LANGUAGE wasm AS 'hostile_types:raw_i64';
-- the session goes on
SELECT bad_array(0) AS still_fine;
