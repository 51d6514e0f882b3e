-- CREATE FUNCTION checks the module, the export and the signature.
CREATE FUNCTION v_wrong(bigint, bigint) RETURNS bigint LANGUAGE wasm AS 'math:add';
CREATE FUNCTION v_wrong2(int) RETURNS int LANGUAGE wasm AS 'math:add';
CREATE FUNCTION v_wrong3(text) RETURNS text LANGUAGE wasm AS 'math:add';
CREATE FUNCTION v_noexport(int) RETURNS int LANGUAGE wasm AS 'math:nosuch';
CREATE FUNCTION v_memory() RETURNS int LANGUAGE wasm AS 'math:memory';
CREATE FUNCTION v_nomodule(int) RETURNS int LANGUAGE wasm AS 'nosuch:add';
CREATE FUNCTION v_body(int) RETURNS int LANGUAGE wasm AS 'no colon here';
CREATE FUNCTION v_body2(int) RETURNS int LANGUAGE wasm AS ':add';
CREATE FUNCTION v_type(point) RETURNS int LANGUAGE wasm AS 'math:add';
CREATE FUNCTION v_rettype(int, int) RETURNS int4range LANGUAGE wasm AS 'math:add';
CREATE FUNCTION v_setof(int, int) RETURNS SETOF int LANGUAGE wasm AS 'math:add';
CREATE FUNCTION v_trigger() RETURNS trigger LANGUAGE wasm AS 'math:add';
-- With check_function_bodies off (as pg_dump's output does) the module need not exist
-- yet; the check then happens at the first call.
SET check_function_bodies = off;
CREATE FUNCTION v_later(int, int) RETURNS int LANGUAGE wasm AS 'later:add';
CREATE FUNCTION v_mismatch_later(bigint) RETURNS bigint LANGUAGE wasm AS 'math:add';
RESET check_function_bodies;
SELECT v_later(1, 2);
SELECT wasm.load_module('later', example('math.wasm'));
SELECT v_later(1, 2);
SELECT v_mismatch_later(1);
DROP FUNCTION v_mismatch_later(bigint);
SELECT wasm.drop_module('later', cascade => true);
-- The handler itself is not a function to call.
SELECT wasm.call_handler();
