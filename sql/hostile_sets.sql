-- Hostile set-returning functions: each malformed batch or row is an ERROR with its
-- SQLSTATE naming the function, never a crash and never a stored row; an endless set
-- stops at the statement's fuel, at wasm.memory_limit, at statement_timeout and on
-- cancel (sql/timeout.sql, sql/cancel_*.sql); the session goes on after each.
CREATE FUNCTION bad_set(int) RETURNS SETOF bigint LANGUAGE wasm STRICT AS 'hostile_sets:bad_set';
CREATE FUNCTION bad_rows(int) RETURNS TABLE(a int, b text) LANGUAGE wasm STRICT AS 'hostile_sets:bad_rows';
CREATE FUNCTION endless(int) RETURNS SETOF bigint LANGUAGE wasm STRICT AS 'hostile_sets:endless';
CREATE FUNCTION stuck() RETURNS SETOF int LANGUAGE wasm AS 'hostile_sets:stuck';
CREATE FUNCTION amplified_set(int) RETURNS SETOF text LANGUAGE wasm STRICT AS 'hostile_sets:amplified_set';
CREATE FUNCTION grow_set() RETURNS SETOF int LANGUAGE wasm AS 'hostile_sets:grow_set';
SELECT * FROM bad_set(0);
SELECT i, sqlstate_of(format('SELECT * FROM bad_set(%s)', i)) AS error FROM generate_series(1, 7) i;
SELECT bad_set(3);
SELECT bad_set(7);
-- nothing of a failed set is stored
CREATE TABLE set_sink (v bigint);
INSERT INTO set_sink SELECT * FROM bad_set(2);
INSERT INTO set_sink SELECT bad_set(4);
SELECT count(*) AS stored FROM set_sink;
SELECT * FROM bad_rows(0);
SELECT i, sqlstate_of(format('SELECT * FROM bad_rows(%s)', i)) AS error FROM generate_series(1, 5) i;
SELECT * FROM bad_rows(1);
-- a set that never ends: the statement's fuel stops it (rows cost fuel as they are read)
SET wasm.fuel_limit = 1000000;
SELECT sqlstate_of('SELECT count(*) FROM endless(1)') AS one_row_a_call;
SELECT sqlstate_of('SELECT count(*) FROM endless(50000)') AS big_batches;
SELECT sqlstate_of('SELECT endless(1000) LIMIT 10000000') AS select_list;
-- a call that never returns: wasm.call_fuel_limit stops it
SET wasm.call_fuel_limit = 100000;
SELECT sqlstate_of('SELECT count(*) FROM stuck()') AS stuck;
RESET wasm.call_fuel_limit;
RESET wasm.fuel_limit;
-- LIMIT in the SELECT list stops an endless set
SELECT endless(3) LIMIT 4;
-- a batch whose rows would take more than wasm.memory_limit allows in PostgreSQL
SET wasm.memory_limit = '16MB';
SELECT count(*) FROM amplified_set(10);
SELECT sqlstate_of('SELECT count(*) FROM amplified_set(2000)') AS amplified;
-- guest memory that grows with every batch: wasm.memory_limit stops memory.grow
SELECT sqlstate_of('SELECT count(*) FROM grow_set()') AS growing;
RESET wasm.memory_limit;
SELECT count(*) FROM bad_set(0) AS still_works;
