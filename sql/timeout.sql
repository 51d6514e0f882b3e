-- statement_timeout stops an endless guest loop (fuel metering off), within 100 ms of
-- the deadline, with PostgreSQL's own error; the session goes on.
SET wasm.fuel_limit = 0;
SET wasm.call_fuel_limit = 0;
SET statement_timeout = '300ms';
SELECT infinite_loop();
DO $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  PERFORM infinite_loop();
EXCEPTION WHEN query_canceled THEN
  RAISE NOTICE 'stopped within 100 ms of the deadline: %', clock_timestamp() - t0 < interval '400ms';
END $$;
-- the same for sets that never end: batches from the FROM clause (into a tuplestore), rows
-- in the SELECT list, and a call of the set that never returns
SELECT count(*) FROM endless(1000);
SELECT count(*) FROM (SELECT endless(1) LIMIT 1000000000000) s;
SELECT count(*) FROM stuck();
-- and a trigger that never returns
CREATE TABLE loop_t (id int);
CREATE TRIGGER loop BEFORE INSERT ON loop_t FOR EACH ROW EXECUTE FUNCTION bad_trigger('4');
INSERT INTO loop_t VALUES (1);
RESET statement_timeout;
RESET wasm.fuel_limit;
RESET wasm.call_fuel_limit;
SELECT add(3, 4) AS still_works;
SELECT count(*) AS stored FROM loop_t;
