-- Runs an endless guest loop (fuel metering off: no limits) until cancel_killer.sql, in parallel,
-- cancels it with pg_cancel_backend: PostgreSQL's own cancel error, and the session goes on.
SET application_name = 'wasm_cancel_victim';
SET wasm.fuel_limit = 0;
SET wasm.call_fuel_limit = 0;
SELECT infinite_loop();
SELECT add(2, 2) AS still_works;
-- and a set that never ends, in batches of 1000 rows
SELECT count(*) FROM endless(1000);
SELECT add(3, 3) AS still_works;
-- and a trigger that never returns
CREATE TABLE cancel_loop (id int);
CREATE TRIGGER loop BEFORE INSERT ON cancel_loop FOR EACH ROW EXECUTE FUNCTION bad_trigger('4');
INSERT INTO cancel_loop VALUES (1);
SELECT count(*) AS stored FROM cancel_loop;
-- and a window function whose host calls never end
SELECT w_hostile(4) OVER () FROM generate_series(1, 3);
SELECT add(4, 4) AS still_works;
-- and an aggregate over endless rows, its transition function in batches
SELECT odd(3) FROM (SELECT generate_series(1, 1000000000)) s;  -- streamed, not materialised
SELECT add(5, 5) AS still_works;
