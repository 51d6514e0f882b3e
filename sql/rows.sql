-- ABI version 2: composite values. A table's row type (with dropped columns), named
-- composite types, nested rows, arrays of rows, and record results through OUT
-- parameters.
CREATE TABLE listings (id int, title text, junk int, price numeric, rating float8, reviews int,
                       tags text[], listed date);
ALTER TABLE listings DROP COLUMN junk;
INSERT INTO listings VALUES
  (1, 'loft', 120.00, 4.5, 10, '{quiet,central}', '2024-01-02'),
  (2, 'cabin', 80, NULL, 3, NULL, '2023-12-31'),
  (3, NULL, NULL, 3.9, NULL, '{}', NULL),
  (4, 'villa', 450.5, 4.9, 250, '{pool,sea,view}', 'infinity');
CREATE FUNCTION score(listings) RETURNS float8 LANGUAGE wasm STRICT AS 'rows:score';
SELECT id, round(score(l)::numeric, 6) AS wasm,
       round((coalesce(rating, 0) * ln(1 + coalesce(reviews, 0)) + 0.1 * coalesce(cardinality(tags), 0))::numeric, 6)
         AS sql
  FROM listings l ORDER BY id;
CREATE FUNCTION row_shape(listings) RETURNS int LANGUAGE wasm AS 'types:row_shape';
SELECT id, row_shape(l) FROM listings l ORDER BY id;
-- not STRICT: the guest sees a NULL row as address 0 and asks pgwasm_arg_is_null
SELECT row_shape(NULL::listings) IS NULL AS null_row;
-- the row's type changes between statements: the next statement sees the new columns
ALTER TABLE listings ADD COLUMN extra int;
SELECT id, row_shape(l) FROM listings l WHERE id = 1;
SELECT score(l) FROM listings l WHERE id = 1;
ALTER TABLE listings DROP COLUMN extra;
SELECT round(score(l)::numeric, 6) FROM listings l WHERE id = 1;

-- identity over composite types: rows come back exactly
CREATE FUNCTION echo_listing(listings) RETURNS listings LANGUAGE wasm AS 'types:echo_block';
SELECT (echo_listing(l)).*, echo_listing(l) IS NOT DISTINCT FROM l AS same FROM listings l ORDER BY id;
CREATE TYPE shape_kind AS ENUM ('happy', 'ok', 'sad', 'très bien');
CREATE TYPE point3 AS (x float8, y float8, z float8);
CREATE TYPE shape AS (name text, corners point3[], center point3, tags text[], id uuid, made timestamptz,
                      size interval, kind shape_kind);
CREATE FUNCTION echo_shape(shape) RETURNS shape LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_shapes(shape[]) RETURNS shape[] LANGUAGE wasm AS 'types:echo_block';
SELECT echo_shape(s), echo_shape(s) IS NOT DISTINCT FROM s AS same
  FROM (VALUES (ROW('tri', ARRAY[ROW(0,0,0), ROW(1,0,0), NULL, ROW(0,1,NULL)]::point3[], ROW(0.3,0.3,0),
                    '{a,NULL}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2000-01-01 00:00+00', '1 day', 'happy')::shape),
               (ROW(NULL, '{}', NULL, NULL, NULL, 'infinity', NULL, NULL)::shape),
               (ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::shape)) v(s);
SELECT echo_shapes(ARRAY[ROW('a', NULL, ROW(1,2,3), NULL, NULL, NULL, NULL, 'ok')::shape, NULL,
                         ROW('b', '{"(4,5,6)"}', NULL, '{x}', NULL, NULL, '-1 mon', NULL)::shape]);
SELECT count(*) FILTER (WHERE echo_shape(s) IS NOT DISTINCT FROM s) AS same, count(*) AS total
  FROM (SELECT ROW(md5(i::text), ARRAY[ROW(i, -i, i / 3.0)::point3], ROW(i, i, i)::point3,
                   ARRAY[i::text, NULL], gen_random_uuid(), now() - i * interval '1 hour', i * interval '1 sec',
                   (enum_range(NULL::shape_kind))[1 + i % 4])::shape AS s
          FROM generate_series(1, 5000) i) t;
-- a domain with NOT NULL inside a row type holds for the guest's rows too
CREATE DOMAIN required_text AS text NOT NULL;
CREATE TYPE labelled AS (a int, b required_text, c float8);
CREATE FUNCTION echo_labelled(labelled) RETURNS labelled LANGUAGE wasm AS 'types:echo_block';
SELECT echo_labelled(ROW(1, 'x', 2)::labelled);

-- record results through OUT parameters: several of them, one of them NULL
CREATE FUNCTION split_pair(a int, b text, OUT sum int, OUT label text, OUT twice float8)
  LANGUAGE wasm STRICT AS 'types:split_pair';
SELECT * FROM split_pair(41, 'hey');
SELECT (split_pair(0, '')).*;
SELECT s.* FROM generate_series(1, 3) i, split_pair(i, i::text) s;
-- a named composite result built by the guest
CREATE TYPE pair_result AS (sum int, label text, twice float8);
CREATE FUNCTION split_pair_t(int, text) RETURNS pair_result LANGUAGE wasm STRICT AS 'types:split_pair';
SELECT split_pair_t(1, 'a'), (split_pair_t(2, 'b')).label;
-- RETURNS record without OUT parameters: the call gives the columns
CREATE FUNCTION split_pair_r(int, text) RETURNS record LANGUAGE wasm STRICT AS 'types:split_pair';
SELECT * FROM split_pair_r(5, 'z') AS t(s int, l text, w float8);
SELECT split_pair_r(5, 'z');
SELECT * FROM split_pair_r(5, 'z') AS t(s int, l text);
-- record arguments are refused: a composite type says what the guest gets
CREATE FUNCTION takes_record(record) RETURNS int LANGUAGE wasm AS 'types:row_shape';
