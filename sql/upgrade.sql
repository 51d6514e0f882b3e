-- The upgrade path: install 1.0, load modules and create functions, ALTER EXTENSION wasm
-- UPDATE (to 1.2, through 1.1), and everything still works; the updated objects are what
-- a fresh installation has.
CREATE DATABASE wasm_upgrade;
\c wasm_upgrade
CREATE EXTENSION wasm VERSION '1.0';
SELECT extversion FROM pg_extension WHERE extname = 'wasm';
SELECT wasm.load_module('math', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/math.wasm'));
SELECT wasm.load_module('v1text', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/abi_v1.wasm'));
SELECT wasm.load_module('vectors', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/vectors.wasm'));
CREATE FUNCTION add(int, int) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'math:add';
CREATE FUNCTION byte_count(text) RETURNS int LANGUAGE wasm STRICT AS 'v1text:byte_count';
-- the new library already carries ABI version 2 for a 1.0 installation
CREATE FUNCTION vec_sum(float8[]) RETURNS float8 LANGUAGE wasm STRICT AS 'vectors:vec_sum';
CREATE VIEW sums AS SELECT add(i, i) AS twice FROM generate_series(1, 3) i;
SELECT add(2, 3), byte_count('héllo'), vec_sum('{1,2,3}'), (SELECT sum(twice) FROM sums);
-- 1.0's wasm.exports has three columns
SELECT * FROM wasm.exports('v1text') ORDER BY 1;
ALTER EXTENSION wasm UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'wasm';
SELECT add(2, 3), byte_count('héllo'), vec_sum('{1,2,3}'), (SELECT sum(twice) FROM sums);
SELECT * FROM wasm.exports('v1text') ORDER BY 1;
SELECT export_name, abi_version FROM wasm.exports('vectors') WHERE export_name IN ('vec_sum', 'memory') ORDER BY 1;
-- 1.2's wasm.state, in the updated installation
SELECT wasm.load_module('aggregates', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/aggregates.wasm')) IS NOT NULL AS loaded;
CREATE FUNCTION sum_step(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm AS 'aggregates:sum_step';
CREATE FUNCTION sum_final(wasm.state) RETURNS bigint LANGUAGE wasm AS 'aggregates:sum_final';
CREATE AGGREGATE wsum(bigint) (SFUNC = sum_step, STYPE = wasm.state, FINALFUNC = sum_final);
SELECT wsum(i) FROM generate_series(1, 100) i;
-- the updated objects are the ones a fresh 1.1 installation has
\set objects_query 'SELECT count(*) AS objects, md5(string_agg(o, E''\n'' ORDER BY o)) AS digest FROM (   SELECT pg_describe_object(d.classid, d.objid, 0)          || coalesce('' '' || pg_get_function_arguments(p.oid) || '' -> '' || pg_get_function_result(p.oid), '''')          || coalesce('' '' || pg_get_viewdef(c.oid), '''') AS o     FROM pg_depend d JOIN pg_extension e ON d.refobjid = e.oid     LEFT JOIN pg_proc p ON d.classid = ''pg_proc''::regclass AND p.oid = d.objid     LEFT JOIN pg_class c ON d.classid = ''pg_class''::regclass AND c.oid = d.objid AND c.relkind = ''v''    WHERE e.extname = ''wasm'' AND d.deptype = ''e'') t;'
SELECT pg_get_function_arguments('wasm.exports(text)'::regprocedure);
:objects_query;
CREATE DATABASE wasm_fresh;
\c wasm_fresh
CREATE EXTENSION wasm;
SELECT extversion FROM pg_extension WHERE extname = 'wasm';
SELECT pg_get_function_arguments('wasm.exports(text)'::regprocedure);
:objects_query;
\c wasm_regression
DROP DATABASE wasm_upgrade;
DROP DATABASE wasm_fresh;
