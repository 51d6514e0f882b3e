-- The codec's bounds against hostile shapes (each was once a way past wasm.memory_limit):
-- declarations whose types hold too many values, results whose parts name each other
-- (every array and row built from a result is charged, each level of nesting again),
-- arguments whose conversions or detoasting would outgrow the limit, staging buffers of
-- many call sites; and results that must fit their columns' typmods. Peak memory is read
-- from /proc/self/status (VmHWM) in a fresh session, before and after.
SELECT wasm.load_module('poke', example('poke.wasm'));
CREATE FUNCTION le32(v bigint) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS $$
  SELECT decode(substr(h, 7, 2) || substr(h, 5, 2) || substr(h, 3, 2) || substr(h, 1, 2), 'hex')
    FROM (SELECT lpad(to_hex(v & 4294967295), 8, '0') AS h) t $$;
CREATE FUNCTION le64(v bigint) RETURNS bytea LANGUAGE sql IMMUTABLE STRICT AS
  $$ SELECT le32(v & 4294967295) || le32(v >> 32) $$;
-- an array header (udf-sdk/ABI.md): count, lower 1, elem_size, flags 0, no NULLs, data
CREATE FUNCTION arr_hdr(count bigint, elem_size bigint, data bigint) RETURNS bytea LANGUAGE sql IMMUTABLE AS
  $$ SELECT le32(count) || le32(1) || le32(elem_size) || le32(0) || le32(0) || le32(data) $$;
-- a row field: value (or address), len, not NULL
CREATE FUNCTION fld(value bigint, len bigint) RETURNS bytea LANGUAGE sql IMMUTABLE AS
  $$ SELECT le64(value) || le32(len) || le32(0) $$;
CREATE FUNCTION peak_kb() RETURNS bigint LANGUAGE sql AS
  $$ SELECT substring(pg_read_file('/proc/self/status') from 'VmHWM:\s+(\d+) kB')::bigint $$;
CREATE TABLE peak (what text, kb bigint);

-- 1. A declaration's types hold at most 20000 values: a row of 200 rows of 200 columns is
-- refused at once (it used to be built, and again at every statement).
DO $$ BEGIN
  EXECUTE 'CREATE TYPE wide0 AS (' || (SELECT string_agg('f' || i || ' int', ', ') FROM generate_series(1, 200) i) || ')';
  EXECUTE 'CREATE TYPE wide1 AS (' || (SELECT string_agg('f' || i || ' wide0', ', ') FROM generate_series(1, 200) i) || ')';
  EXECUTE 'CREATE TABLE t1600 (' || (SELECT string_agg('c' || i || ' int', ', ') FROM generate_series(1, 1600) i) || ')';
END $$;
SET check_function_bodies = off;  -- the types are resolved anyway
CREATE FUNCTION too_wide(wide1) RETURNS int LANGUAGE wasm AS 'poke:ignore';
RESET check_function_bodies;
-- a table of 1600 columns is 1601 values
INSERT INTO t1600 (c1, c800, c1600) VALUES (1, 800, 1600);
CREATE FUNCTION row1600(t1600) RETURNS int LANGUAGE wasm AS 'poke:ignore';
SELECT row1600(t) FROM t1600 t;

-- 2. A DAG: g_k is an array of two g_(k-1), both the same 32 bytes of guest memory, 30
-- levels deep: 2^30 arrays if each were made, from a 1 kB result.
DO $$ BEGIN
  CREATE DOMAIN g0 AS int[];
  FOR k IN 1..30 LOOP EXECUTE format('CREATE DOMAIN g%s AS g%s[]', k, k - 1); END LOOP;
END $$;
CREATE FUNCTION dag(bytea, int) RETURNS g30 LANGUAGE wasm AS 'poke:block';
CREATE FUNCTION dag_blob(levels int) RETURNS bytea LANGUAGE sql AS $$
  SELECT arr_hdr(0, 4, 0) || le64(0) ||
         string_agg(arr_hdr(2, 4, 65536 + 32 * k + 24) || le32(65536 + 32 * (k - 1)) || le32(65536 + 32 * (k - 1)), ''
                    ORDER BY k)
    FROM generate_series(1, levels) k $$;
\c
INSERT INTO peak SELECT 'before dag', peak_kb();
SET wasm.memory_limit = '16MB';
SELECT sqlstate_of($$SELECT cardinality(dag(dag_blob(30), 32 * 30))$$);
RESET wasm.memory_limit;
INSERT INTO peak SELECT 'after dag', peak_kb();
-- a shallow one is a value like any other
SELECT dag(dag_blob(3), 32 * 3)::text AS three_levels;

-- 3. A chain of rows around one array of text: each row copies what it holds.
DO $$ BEGIN
  CREATE TYPE lv0 AS (t text[]);
  FOR k IN 1..20 LOOP EXECUTE format('CREATE TYPE lv%s AS (x lv%s)', k, k - 1); END LOOP;
END $$;
CREATE FUNCTION chain20(bytea, int) RETURNS lv20 LANGUAGE wasm AS 'poke:block';
-- 64 kB of 'a' at 65536; a text[] of n elements naming it at 131072; rows after it
CREATE FUNCTION chain_blob(levels int, n int) RETURNS bytea LANGUAGE sql AS $$
  SELECT decode(repeat('61', 65536), 'hex') || arr_hdr(n, 8, 131072 + 24) ||
         decode(repeat(encode(le32(65536) || le32(65536), 'hex'), n), 'hex') ||
         le32(1) || le32(0) || fld(131072, 0) ||
         string_agg(le32(1) || le32(0) || fld(131072 + 24 + 8 * n + 24 * (k - 1), 0), '' ORDER BY k)
    FROM generate_series(1, levels) k $$;
-- the top row's offset from 65536 (poke returns 65536 + off)
CREATE FUNCTION chain_top(levels int, n int) RETURNS int LANGUAGE sql AS $$ SELECT 65536 + 24 + 8 * n + 24 * levels $$;
\c
INSERT INTO peak SELECT 'before chain', peak_kb();
SET wasm.memory_limit = '16MB';
SELECT sqlstate_of($$SELECT chain20(chain_blob(20, 200), chain_top(20, 200)) IS NULL$$);
RESET wasm.memory_limit;
INSERT INTO peak SELECT 'after chain', peak_kb();

-- 4. Arguments: a numeric[] of 120 kB whose text is 1.3 GB, a jsonb[] alike, and a row of
-- compressed fields (8 x 20 MB, stored in kilobytes): refused as the conversions reach
-- the limit (the message names a size just past it), not once all are made.
CREATE FUNCTION take_numerics(numeric[]) RETURNS int LANGUAGE wasm AS 'poke:ignore';
CREATE FUNCTION take_jsonbs(jsonb[]) RETURNS int LANGUAGE wasm AS 'poke:ignore';
CREATE TABLE squeezed (a text, b text, c text, d text, e text, f text, g text, h text);
INSERT INTO squeezed SELECT r, r, r, r, r, r, r, r FROM (SELECT repeat('z', 20000000) AS r) t;
SELECT pg_column_size(a) < 1000000 AS compressed FROM squeezed;
CREATE FUNCTION take_squeezed(squeezed) RETURNS int LANGUAGE wasm AS 'poke:ignore';
SET wasm.memory_limit = '16MB';
SELECT sqlstate_of($$SELECT take_numerics(array_fill('1e131071'::numeric, ARRAY[10000]))$$);
SELECT sqlstate_of($$SELECT take_jsonbs(array_fill(('[' || repeat('1e131071, ', 9) || '1]')::jsonb, ARRAY[1000]))$$);
SELECT sqlstate_of($$SELECT take_squeezed(s) FROM squeezed s$$);
RESET wasm.memory_limit;
-- One jsonb of 7000 huge exponents is 2 kB stored and 917 MB as text: its text's length
-- is computed from its binary form, and it is refused before the text is made (it used to
-- take 1.8 GB, and a cancel waited for it).
CREATE FUNCTION take_json_text(jsonb) RETURNS int LANGUAGE wasm AS 'poke:ignore_bytes';
CREATE TABLE exponents AS SELECT ('[' || repeat('9e131071, ', 6999) || '9e131071]')::jsonb AS d;
SELECT pg_column_size(d) < 100000 AS small_stored FROM exponents;
\c
INSERT INTO peak SELECT 'before exponents', peak_kb();
SET wasm.memory_limit = '16MB';
SELECT sqlstate_of($$SELECT take_json_text(d) FROM exponents$$);
RESET wasm.memory_limit;
INSERT INTO peak SELECT 'after exponents', peak_kb();

-- 5. Many call sites, each with a 40 MB argument the guest cannot take: their staging
-- buffers go with each call, not with the statement.
CREATE FUNCTION take_dates(date[]) RETURNS int LANGUAGE wasm AS 'poke:ignore';
\c
INSERT INTO peak SELECT 'before call sites', peak_kb();
-- (twenty call sites of one DO block, written out by an outer one)
DO $outer$ BEGIN
  EXECUTE format($f$DO $$
    DECLARE a date[] := array_fill(date '2020-01-01', ARRAY[10000000]); x int; failed int := 0;
    BEGIN %s RAISE NOTICE '%% of 20 calls failed', failed; END $$$f$,
    repeat('BEGIN x := take_dates(a); EXCEPTION WHEN program_limit_exceeded THEN failed := failed + 1; END; ', 20));
END $outer$;
INSERT INTO peak SELECT 'after call sites', peak_kb();

-- Each case stayed within a few times wasm.memory_limit (without the bounds the DAG took
-- 8 GB, the chain 3 GB, the call sites 0.8 GB).
SELECT a.what AS "case", (b.kb - a.kb) < 300 * 1024 AS bounded
  FROM peak a JOIN peak b ON b.what = replace(a.what, 'before', 'after')
  WHERE a.what LIKE 'before%' ORDER BY a.what;

-- 6. Results take their columns' typmods, as an assignment does (char(n), varchar(n),
-- numeric(p, s), also through domains and in array elements), and PL/pgSQL agrees.
CREATE DOMAIN v3 AS varchar(3);
CREATE TYPE tm AS (c char(2), v varchar(3), n numeric(4, 1), d v3, a varchar(2)[]);
CREATE FUNCTION tm_make(bytea, int) RETURNS tm LANGUAGE wasm AS 'poke:block';
CREATE FUNCTION v3_make(bytea, int, int) RETURNS v3 LANGUAGE wasm AS 'poke:bytes';
-- five texts of up to 64 bytes at 65536 + 64 i; a varchar(2)[] of the last one at 65856;
-- the row at 65888
CREATE FUNCTION pad64(t text) RETURNS bytea LANGUAGE sql IMMUTABLE AS
  $$ SELECT convert_to(t, 'UTF8') || decode(repeat('00', 64 - octet_length(convert_to(t, 'UTF8'))), 'hex') $$;
CREATE FUNCTION tm_blob(c text, v text, n text, d text, e text) RETURNS bytea LANGUAGE sql AS $$
  SELECT pad64(c) || pad64(v) || pad64(n) || pad64(d) || pad64(e) ||
         arr_hdr(1, 8, 65536 + 344) || le32(65536 + 256) || le32(octet_length(convert_to(e, 'UTF8'))) ||
         le32(5) || le32(0) || fld(65536, octet_length(convert_to(c, 'UTF8'))) ||
         fld(65536 + 64, octet_length(convert_to(v, 'UTF8'))) || fld(65536 + 128, octet_length(convert_to(n, 'UTF8'))) ||
         fld(65536 + 192, octet_length(convert_to(d, 'UTF8'))) || fld(65536 + 320, 0) $$;
CREATE FUNCTION tm_plpgsql(c text, v text, n text, d text, e text) RETURNS tm LANGUAGE plpgsql AS $$
DECLARE r tm;
BEGIN
  r.c := c; r.v := v; r.n := n::numeric; r.d := d; r.a := ARRAY[e];
  RETURN r;
END $$;
SELECT c, v, n, d, e, sqlstate_of(format('SELECT tm_make(tm_blob(%L, %L, %L, %L, %L), 352)', c, v, n, d, e)) AS wasm,
       sqlstate_of(format('SELECT tm_plpgsql(%L, %L, %L, %L, %L)', c, v, n, d, e)) AS plpgsql
  FROM (VALUES ('ab', 'abc', '123.4', 'xyz', 'ok'), ('abcde', 'abc', '1', 'x', 'x'), ('ab   ', 'abc', '1', 'x', 'x'),
               ('a', 'abcd', '1', 'x', 'x'), ('a', 'a', '123456.78', 'x', 'x'), ('a', 'a', '1', 'wxyz', 'x'),
               ('a', 'a', '1', 'x', 'xyz'), ('é', 'éé', '-0.05', 'ééé', 'é')) t(c, v, n, d, e);
SELECT tm_make(tm_blob('ab   ', 'abc', '123.45', 'xyz', 'ok'), 352) AS rounded_and_trimmed,
       tm_plpgsql('ab   ', 'abc', '123.45', 'xyz', 'ok') AS plpgsql;
SELECT sqlstate_of($$SELECT v3_make(convert_to('abcd', 'UTF8'), 0, 4)$$) AS domain_typmod, v3_make(convert_to('abc', 'UTF8'), 0, 3);

-- 7. int2vector and oidvector are not arrays of the ABI (they have invariants of their
-- own), and record inside a result is refused with a message about results.
SELECT sqlstate_of($$CREATE FUNCTION iv() RETURNS int2vector LANGUAGE wasm AS 'poke:ignore'$$);
SELECT sqlstate_of($$CREATE FUNCTION ov(oidvector) RETURNS int LANGUAGE wasm AS 'poke:ignore'$$);
CREATE FUNCTION rr() RETURNS record[] LANGUAGE wasm AS 'poke:ignore';

-- 8. Moving values is work of the call: a unit of fuel per value and per 16 bytes, like
-- memory.copy. A 24-byte result naming 100000 empty strings in zeroed memory (one
-- instruction of guest work) and an argument of a million integers run out of a small
-- wasm.call_fuel_limit; with a larger one they work.
CREATE FUNCTION many_empty(bytea, int) RETURNS text[] LANGUAGE wasm AS 'poke:block';
CREATE FUNCTION take_ints(int[]) RETURNS int LANGUAGE wasm AS 'poke:ignore';
SET wasm.call_fuel_limit = 50000;
SELECT sqlstate_of($$SELECT cardinality(many_empty(arr_hdr(100000, 8, 1048576), 0))$$);
SELECT sqlstate_of($$SELECT take_ints(array_fill(7, ARRAY[1000000]))$$);
SET wasm.call_fuel_limit = 10000000;
SELECT cardinality(many_empty(arr_hdr(100000, 8, 1048576), 0)) AS empties, take_ints(array_fill(7, ARRAY[1000000])) AS ints;
RESET wasm.call_fuel_limit;

-- 9. What a result's typmod and input function make counts too: char(10485760) pads each
-- one-letter element to 10 MB, and jsonb's parse tree of "[[],[],...]" is a hundred times
-- its text. Both stop at the budget (they used to take 1 GB for 50 elements, and 5 GB).
CREATE DOMAIN bigchars AS char(10485760)[];
CREATE FUNCTION padded(bytea, int) RETURNS bigchars LANGUAGE wasm AS 'poke:block';
CREATE FUNCTION letters_blob(n int) RETURNS bytea LANGUAGE sql AS $$
  SELECT 'a'::bytea || decode(repeat('00', 7), 'hex') || arr_hdr(n, 8, 65536 + 32) ||
         decode(repeat(encode(le32(65536) || le32(1), 'hex'), n), 'hex') $$;
CREATE FUNCTION parsed(bytea, int, int) RETURNS jsonb LANGUAGE wasm AS 'poke:bytes';
\c
INSERT INTO peak SELECT 'before padding', peak_kb();
SET wasm.memory_limit = '16MB';
SELECT sqlstate_of($$SELECT cardinality(padded(letters_blob(50), 8))$$);
SELECT sqlstate_of($$SELECT parsed(convert_to('[' || repeat('[],', 1000000) || '[]]', 'UTF8'), 0, 3000004) IS NULL$$);
RESET wasm.memory_limit;
INSERT INTO peak SELECT 'after padding', peak_kb();
SELECT a.what AS "case", (b.kb - a.kb) < 300 * 1024 AS bounded
  FROM peak a JOIN peak b ON b.what = replace(a.what, 'before', 'after') WHERE a.what = 'before padding';
-- A parse that fails at the end of its text (after building nearly all of its tree) keeps
-- none of it: twenty call sites that catch the error hold no tree each (they used to hold
-- 2.4 GB together at the default limit).
\c
INSERT INTO peak SELECT 'before failed parses', peak_kb();
CREATE TEMP TABLE nearly_json AS SELECT convert_to('[' || repeat('[],', 200000) || '[] x', 'UTF8') AS b;
DO $outer$ BEGIN
  EXECUTE format($f$DO $$
    DECLARE b bytea := (SELECT b FROM nearly_json); x jsonb; failed int := 0;
    BEGIN %s RAISE NOTICE '%% of 20 parses failed', failed; END $$$f$,
    repeat('BEGIN x := parsed(b, 0, octet_length(b)); EXCEPTION WHEN invalid_text_representation THEN failed := failed + 1; END; ', 20));
END $outer$;
INSERT INTO peak SELECT 'after failed parses', peak_kb();
SELECT a.what AS "case", (b.kb - a.kb) < 300 * 1024 AS bounded
  FROM peak a JOIN peak b ON b.what = replace(a.what, 'before', 'after') WHERE a.what = 'before failed parses';
-- and legitimate ones still work
SELECT cardinality(padded(letters_blob(3), 8)) AS padded, octet_length(padded(letters_blob(1), 8)::text) AS chars,
       jsonb_array_length(parsed(convert_to('[' || repeat('[],', 1000) || '[]]', 'UTF8'), 0, 3004)) AS parsed;

-- 10. A resolution that fails is never half kept. A range type's subtype_diff is a call
-- site PostgreSQL keeps for the session (in its type cache), not per statement: here
-- ANALYZE calls it for every range. When the subtype grows past 20000 values its
-- resolution fails; once it shrinks again, the next ANALYZE must resolve it afresh (it used
-- to run on the half-made shape: the second argument's codec was still zeroes).
CREATE TYPE sub_t AS (a int, b int);
CREATE FUNCTION sub_diff(sub_t, sub_t) RETURNS float8 LANGUAGE wasm IMMUTABLE STRICT AS 'poke:row_diff';
CREATE TYPE sub_range AS RANGE (subtype = sub_t, subtype_diff = sub_diff);
CREATE TABLE ranges AS SELECT sub_range(ROW(i, 0)::sub_t, ROW(i + 1 + i % 7, 0)::sub_t) AS r FROM generate_series(1, 200) i;
ANALYZE ranges;
SELECT (CASE 6 WHEN stakind1 THEN stavalues1 WHEN stakind2 THEN stavalues2 WHEN stakind3 THEN stavalues3
                 WHEN stakind4 THEN stavalues4 WHEN stakind5 THEN stavalues5 END)::text AS lengths
  FROM pg_statistic WHERE starelid = 'ranges'::regclass;
ALTER TYPE sub_t ADD ATTRIBUTE w wide1;
ANALYZE ranges;  -- the resolution of sub_diff's types fails
ALTER TYPE sub_t DROP ATTRIBUTE w;
ANALYZE ranges;
SELECT (CASE 6 WHEN stakind1 THEN stavalues1 WHEN stakind2 THEN stavalues2 WHEN stakind3 THEN stavalues3
                 WHEN stakind4 THEN stavalues4 WHEN stakind5 THEN stavalues5 END)::text AS lengths
  FROM pg_statistic WHERE starelid = 'ranges'::regclass;

-- 11. Reading a result runs on the statement's fuel, not on the call's claim: a domain
-- CHECK that calls Wasm works under wasm.fuel_limit alone (the call used to hold all the
-- statement had left), and a result that fails its domain gives the call's fuel back
-- (caught failures used to drain the budget, a whole claim each).
CREATE DOMAIN checked_int AS int CHECK (spin(1) >= 0);
CREATE FUNCTION checked_zero(int) RETURNS checked_int LANGUAGE wasm AS 'poke:ignore';
CREATE FUNCTION checked_zeros(bytea, int) RETURNS checked_int[] LANGUAGE wasm AS 'poke:block';
SET wasm.fuel_limit = 1000000;
SET wasm.call_fuel_limit = 0;
SELECT checked_zero(1) AS checked, checked_zeros(arr_hdr(3, 4, 1048576), 0) AS checked_elements;
RESET wasm.call_fuel_limit;
RESET wasm.fuel_limit;
CREATE DOMAIN never_null AS int NOT NULL;
CREATE FUNCTION null_into_never_null(int) RETURNS never_null LANGUAGE wasm AS 'nulls:null_if_zero';
SET wasm.fuel_limit = 100000;
SET wasm.call_fuel_limit = 1000;
DO $$
DECLARE refused int := 0; x int;
BEGIN
  FOR i IN 1..300 LOOP
    BEGIN x := null_into_never_null(0); EXCEPTION WHEN not_null_violation THEN refused := refused + 1; END;
  END LOOP;
  RAISE NOTICE '% of 300 results refused by the domain', refused;
END $$;
RESET wasm.call_fuel_limit;
RESET wasm.fuel_limit;
