-- Hostile guests: every trap is an ERROR with a stable SQLSTATE and the trap kind, and
-- the session keeps working after each one.
-- (the hostile functions are created in setup.sql: tests running in parallel use them)
SELECT unreachable();
SELECT divide(7, 2);
SELECT divide(1, 0);
SELECT divide(-2147483648, -1);
SELECT out_of_bounds();
SELECT deep_recursion(0);
SELECT deep_recursion(0);  -- again: the first trap unwound completely
-- SQLSTATEs: 38000 for traps, 54001 for the stack
SELECT q, sqlstate_of(q) FROM (VALUES ('SELECT unreachable()'), ('SELECT divide(1, 0)'),
  ('SELECT divide(-2147483648, -1)'), ('SELECT out_of_bounds()'), ('SELECT deep_recursion(0)')) v(q);
-- The trap happens on a later row; the earlier rows' work is rolled back with the statement.
SELECT divide(10, d) FROM (VALUES (5), (2), (0), (1)) v(d);
-- In a transaction, a trap aborts only that statement's subtransaction when caught.
DO $$
BEGIN
  PERFORM divide(1, 0);
EXCEPTION WHEN external_routine_exception THEN
  RAISE NOTICE 'caught: %', SQLERRM;
END $$;
SELECT divide(9, 3) AS still_works;
-- memory.grow stops at wasm.memory_limit (128 MB = 2048 pages; the module starts with 2)
SELECT memory_bomb();
SELECT add(1, 1) AS still_works;
-- The other trap kinds, from a hand-written module.
SELECT wasm.load_module('traps', example('traps.wasm'));
CREATE FUNCTION to_int(float8) RETURNS int LANGUAGE wasm STRICT AS 'traps:to_int';
CREATE FUNCTION call_slot(int) RETURNS int LANGUAGE wasm STRICT AS 'traps:call_slot';
SELECT to_int(42.9), call_slot(0);
SELECT q, sqlstate_of(q) FROM (VALUES ('SELECT to_int(''NaN'')'), ('SELECT to_int(1e10)'),
  ('SELECT call_slot(1)'), ('SELECT call_slot(2)'), ('SELECT call_slot(3)')) v(q);
