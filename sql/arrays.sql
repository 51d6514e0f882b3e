-- ABI version 2: one-dimensional arrays of every supported element type, with NULL
-- elements, any lower bound, empty arrays, VARIADIC, and results built by the guest.
CREATE FUNCTION vec_sum(float8[]) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'vectors:vec_sum';
CREATE FUNCTION dot(float8[], float8[]) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'vectors:dot';
CREATE FUNCTION cosine_similarity(float8[], float8[]) RETURNS float8
  LANGUAGE wasm STRICT IMMUTABLE AS 'vectors:cosine_similarity';
CREATE FUNCTION unit_vector(float8[]) RETURNS float8[] LANGUAGE wasm STRICT IMMUTABLE AS 'vectors:unit_vector';
SELECT vec_sum('{1,2,3.5}'), vec_sum('{}'), vec_sum('{42}'), vec_sum('[-3:-1]={1,2,3}');
SELECT dot('{1,2,3}', '{4,5,6}'), dot('{1}', '{1,2}') IS NULL AS length_mismatch_null;
SELECT round(cosine_similarity('{1,0}', '{1,1}')::numeric, 6), cosine_similarity('{0,0}', '{1,1}') IS NULL,
       cosine_similarity('{1,NULL}', '{1,1}') IS NULL AS with_null;
SELECT unit_vector('{3,4}'), unit_vector('{}'), unit_vector('{0,0}');
-- against SQL over random vectors
CREATE TABLE vecs AS SELECT i, array_agg(random()) FILTER (WHERE true) AS a, array_agg(random() - 0.5) AS b
  FROM generate_series(1, 200) i, generate_series(1, 300) j GROUP BY i;
SELECT count(*) AS rows,
       count(*) FILTER (WHERE abs(vec_sum(a) - (SELECT sum(x) FROM unnest(a) x)) < 1e-9) AS sum_ok,
       count(*) FILTER (WHERE abs(dot(a, b) - (SELECT sum(x * y) FROM unnest(a, b) u(x, y))) < 1e-9) AS dot_ok,
       count(*) FILTER (WHERE abs(cosine_similarity(a, b) - (SELECT sum(x * y) / sqrt(sum(x * x) * sum(y * y))
                                                            FROM unnest(a, b) u(x, y))) < 1e-9) AS cos_ok
  FROM vecs;

-- shape: count, lower bound, NULL elements
CREATE FUNCTION array_shape(anyelement) RETURNS bigint LANGUAGE wasm AS 'types:array_shape';
CREATE FUNCTION int_shape(int[]) RETURNS bigint LANGUAGE wasm STRICT AS 'types:array_shape';
CREATE FUNCTION text_shape(text[]) RETURNS bigint LANGUAGE wasm STRICT AS 'types:array_shape';
CREATE FUNCTION int_nulls(int[]) RETURNS int LANGUAGE wasm STRICT AS 'types:array_nulls';
CREATE FUNCTION int_sum(int[]) RETURNS bigint LANGUAGE wasm STRICT AS 'types:int_array_sum';
SELECT int_shape('{}'), int_shape('{7}'), int_shape('[0:2]={1,2,3}'), int_shape('[-2147483648:-2147483647]={1,2}'),
       text_shape('[5:5]={x}');
SELECT int_nulls('{NULL,1,NULL}'), int_sum('{NULL,1,NULL,2147483647,2147483647}'), int_nulls('{1,2}');
SELECT int_shape(ARRAY(SELECT generate_series(1, 100000))), int_sum(ARRAY(SELECT generate_series(1, 100000)));
-- multi-dimensional arrays are refused, never flattened
SELECT int_sum('{{1,2},{3,4}}');
SELECT int_sum('[1:1][1:1][1:1]={{{1}}}');
-- VARIADIC
CREATE FUNCTION int_sum_v(VARIADIC int[]) RETURNS bigint LANGUAGE wasm STRICT AS 'types:int_array_sum';
SELECT int_sum_v(1, 2, 3), int_sum_v(VARIADIC ARRAY[10, 20]), int_sum_v(VARIADIC '{}'::int[]);

-- results: NULLs and the lower bound kept, the same as SQL
CREATE FUNCTION squares(bigint[]) RETURNS bigint[] LANGUAGE wasm STRICT AS 'types:squares';
CREATE FUNCTION series_with_nulls(int) RETURNS int[] LANGUAGE wasm STRICT AS 'types:series_with_nulls';
SELECT squares('{1,NULL,-3}'), squares('[0:1]={4000000000,5}'), squares('{}'), squares('{NULL}');
SELECT series_with_nulls(7), series_with_nulls(0), array_length(series_with_nulls(100000), 1),
       series_with_nulls(100000) = ARRAY(SELECT CASE WHEN i % 3 = 0 THEN NULL ELSE i END
                                        FROM generate_series(1, 100000) i) AS same;

-- text[]: (ptr, len) per element, UTF-8
CREATE FUNCTION normalize_tags(text[]) RETURNS text[] LANGUAGE wasm STRICT IMMUTABLE AS 'tags:normalize_tags';
CREATE FUNCTION text_lengths(text[]) RETURNS int[] LANGUAGE wasm STRICT AS 'types:text_lengths';
SELECT normalize_tags('{" Postgres ","WASM",NULL,"",postgres,"wasm  ","Été"}'), normalize_tags('{}');
SELECT text_lengths('{"",a,NULL,é,"😀"}'), text_lengths(ARRAY[repeat('x', 1000000)]);
SELECT t, normalize_tags(t) = ARRAY(SELECT tag FROM (SELECT lower(trim(x)) AS tag, min(n) AS n
                                                     FROM unnest(t) WITH ORDINALITY u(x, n)
                                                    WHERE trim(x) <> '' GROUP BY 1) s ORDER BY n) AS same
  FROM (VALUES ('{b,a,B,c}'::text[]), ('{x}'), ('{" A ",a,NULL,b,"","B",c,A}')) v(t);
-- identity over every element type: what goes in comes back, NULLs and bounds included
CREATE FUNCTION echo_int2s(int2[]) RETURNS int2[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_int4s(int4[]) RETURNS int4[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_int8s(int8[]) RETURNS int8[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_float4s(float4[]) RETURNS float4[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_float8s(float8[]) RETURNS float8[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_bools(bool[]) RETURNS bool[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_texts(text[]) RETURNS text[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_varchars(varchar[]) RETURNS varchar[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_bpchars(char(3)[]) RETURNS char(3)[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_names(name[]) RETURNS name[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_byteas(bytea[]) RETURNS bytea[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_jsons(json[]) RETURNS json[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_jsonbs(jsonb[]) RETURNS jsonb[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_numerics(numeric[]) RETURNS numeric[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_uuids(uuid[]) RETURNS uuid[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_dates(date[]) RETURNS date[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_times(time[]) RETURNS time[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_timestamps(timestamp[]) RETURNS timestamp[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_timestamptzs(timestamptz[]) RETURNS timestamptz[] LANGUAGE wasm AS 'types:echo_block';
CREATE FUNCTION echo_intervals(interval[]) RETURNS interval[] LANGUAGE wasm AS 'types:echo_block';
CREATE TYPE color AS ENUM ('red', 'green', 'blue');
CREATE FUNCTION echo_colors(color[]) RETURNS color[] LANGUAGE wasm AS 'types:echo_block';
SELECT echo_int2s('{-32768,NULL,32767}'), echo_int4s('[-1:1]={-2147483648,0,2147483647}'),
       echo_int8s('{-9223372036854775808,NULL,9223372036854775807}'), echo_float4s('{1.5,NaN,-Infinity,NULL}'),
       echo_float8s('{-0,1e308,5e-324,Infinity}'), echo_bools('{t,f,NULL}');
SELECT echo_texts('{"",NULL,"a,b","é😀"}'), echo_varchars('{x,NULL}'), echo_bpchars('{a,abc,NULL}'),
       echo_names('{pg_class,NULL}'), echo_byteas('{"\\x00ff",NULL,"\\x"}');
SELECT echo_jsons('{"{\"b\":1,  \"a\":2}",null,"[]"}'), echo_jsonbs('{"{\"b\":1,  \"a\":2}",null}'),
       echo_numerics('{NaN,-Infinity,0.000,123456789.123456789,NULL}');
SELECT echo_uuids('{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11,NULL}'),
       echo_dates('{infinity,-infinity,2000-01-01,4714-11-24 BC,NULL}'), echo_times('{00:00,24:00,NULL}'),
       echo_timestamps('{infinity,"1970-01-01 00:00:00.000001",NULL}'),
       echo_timestamptzs('{"2000-01-01 00:00+00",-infinity}'), echo_intervals('{"1 mon -2 days 3 sec",NULL}'),
       echo_colors('{blue,NULL,red}');
SELECT echo_int4s(NULL) IS NULL, echo_texts('{}'), echo_uuids('{}');
-- big arrays of each kind round-trip exactly
SELECT (SELECT echo_float8s(a) = a FROM (SELECT array_agg(random()) a FROM generate_series(1, 200000)) t) AS float8s,
       (SELECT echo_texts(a) = a FROM (SELECT array_agg(CASE WHEN i % 10 = 0 THEN NULL ELSE md5(i::text) END) a
                                        FROM generate_series(1, 50000) i) t) AS texts,
       (SELECT echo_timestamptzs(a) = a FROM (SELECT array_agg(now() - i * interval '1 minute') a
                                              FROM generate_series(1, 50000) i) t) AS timestamptzs,
       (SELECT echo_numerics(a) = a FROM (SELECT array_agg(i::numeric / 7) a FROM generate_series(1, 20000) i) t)
         AS numerics;
-- domains over arrays and arrays over domains keep their constraints
CREATE DOMAIN small_pos AS int CHECK (VALUE BETWEEN 1 AND 100);
CREATE DOMAIN pair AS int[] CHECK (cardinality(VALUE) = 2);
CREATE FUNCTION echo_small_pos(small_pos[]) RETURNS small_pos[] LANGUAGE wasm STRICT AS 'types:echo_block';
CREATE FUNCTION int4s_as_small_pos(int[]) RETURNS small_pos[] LANGUAGE wasm STRICT AS 'types:echo_block';
CREATE FUNCTION echo_pair(pair) RETURNS pair LANGUAGE wasm STRICT AS 'types:echo_block';
CREATE FUNCTION int4s_as_pair(int[]) RETURNS pair LANGUAGE wasm STRICT AS 'types:echo_block';
SELECT echo_small_pos('{1,100}'), echo_pair('{1,2}'), int4s_as_small_pos('{5,NULL}');
SELECT int4s_as_small_pos('{5,101}');
SELECT int4s_as_pair('{1,2,3}');
-- array types the ABI does not carry are refused at CREATE FUNCTION
CREATE FUNCTION bad_elem(point[]) RETURNS int LANGUAGE wasm AS 'types:array_shape';
CREATE FUNCTION bad_elem2(int4range[]) RETURNS int LANGUAGE wasm AS 'types:array_shape';
