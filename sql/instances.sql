-- An instance lives for one statement: its rows share guest state, the next statement
-- (or another role, or the next statement of a PL/pgSQL function in the same
-- transaction) starts from a fresh one. next() returns 1001, 2002, ... for the 1st, 2nd,
-- ... call on one instance (a global and a memory cell, both counted).
SELECT wasm.load_module('counter', example('counter.wasm'));
CREATE FUNCTION counter_next() RETURNS int LANGUAGE wasm VOLATILE AS 'counter:next';
SELECT counter_next() FROM generate_series(1, 3);
SELECT counter_next();
-- each call site has its own instance
SELECT counter_next() AS a, counter_next() AS b;
CREATE FUNCTION counter_via_plpgsql() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN counter_next(); END $$;
BEGIN;
SELECT counter_via_plpgsql();
SELECT counter_via_plpgsql();
COMMIT;
-- a loop inside one statement keeps its instance
DO $$
DECLARE
  r int;
BEGIN
  FOR i IN 1..3 LOOP
    r := counter_next();
  END LOOP;
  RAISE NOTICE 'third call in one DO statement: %', r;
END $$;
CREATE ROLE wasm_counter_role;
GRANT EXECUTE ON FUNCTION counter_next() TO wasm_counter_role;
SET ROLE wasm_counter_role;
SELECT counter_next();
RESET ROLE;
DROP FUNCTION counter_via_plpgsql();
SELECT wasm.drop_module('counter', cascade => true);
DROP ROLE wasm_counter_role;
