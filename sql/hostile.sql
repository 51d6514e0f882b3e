-- Hostile modules (built by test/hostile: at and past the implementation limits, and the
-- shapes of the security review's findings) and hostile guests: each ends in a correct
-- result or a clean error with the right SQLSTATE, within bounded time, and the session
-- goes on (issue 9).
CREATE FUNCTION hostile_module(name text) RETURNS bytea LANGUAGE sql STABLE
  AS $$ SELECT example('hostile_' || name || '.wasm') $$;

-- 1. Refused when loaded, with the limit they exceed.
SELECT sqlstate_of($$SELECT wasm.load_module('smash', hostile_module('f1_stack_smash'))$$);
SELECT sqlstate_of($$SELECT wasm.load_module('bomb', hostile_module('f2_code_bomb'))$$);
SELECT sqlstate_of($$SELECT wasm.load_module('locals', hostile_module('locals_bomb'))$$);
SELECT sqlstate_of($$SELECT wasm.load_module('nest', hostile_module('nesting_past'))$$);
SELECT sqlstate_of($$SELECT wasm.load_module('brt', hostile_module('br_table_past'))$$);
SELECT count(*) AS stored FROM wasm.modules WHERE name IN ('smash', 'bomb', 'locals', 'nest', 'brt');
-- At the limit: 50,000 values on the operand stack compile and run.
SELECT wasm.load_module('tall', hostile_module('stack_height_at'));
CREATE FUNCTION tall() RETURNS int LANGUAGE wasm AS 'tall:f';
SELECT tall();

-- 2. Compiling is cancellable: 1M functions take about half a second to compile;
--    statement_timeout stops it within 100 ms, and the next statement compiles it all.
SELECT wasm.load_module('many', hostile_module('functions_at'));
CREATE FUNCTION many_f() RETURNS int LANGUAGE wasm AS 'many:f';
SET statement_timeout = '100ms';
DO $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  PERFORM many_f();
  RAISE NOTICE 'compiled before the timeout';
EXCEPTION WHEN query_canceled THEN
  RAISE NOTICE 'stopped within 100 ms of the deadline: %', clock_timestamp() - t0 < interval '200ms';
END $$;
RESET statement_timeout;
SELECT many_f();
-- Compiled modules count against wasm.backend_memory_limit with the instances: in a new
-- session with less than this one's machine code and decoded form, it is refused (a
-- shared code cache entry stays), and the session goes on.
\c
SET wasm.backend_memory_limit = '8MB';
SELECT regexp_replace(sqlstate_of('SELECT many_f()'), '[0-9]+ bytes', 'N bytes', 'g') AS refused;
RESET wasm.backend_memory_limit;
SELECT many_f();
SELECT wasm.drop_module('many', cascade => true);

-- 3. Tables count against wasm.memory_limit (80 MB of elements), and all instances of a
--    session together against wasm.backend_memory_limit.
SELECT wasm.load_module('bigtable', example('bigtable.wasm'));
CREATE FUNCTION bigtable_size() RETURNS int LANGUAGE wasm AS 'bigtable:size';
SET wasm.memory_limit = '64MB';
SELECT sqlstate_of('SELECT bigtable_size()');
RESET wasm.memory_limit;
SELECT bigtable_size();
SET wasm.backend_memory_limit = '2MB';
SELECT spin(1);
SELECT regexp_replace(sqlstate_of('SELECT spin(1) + spin(2)'), '[0-9]+ bytes left', 'N bytes left') AS refused;
RESET wasm.backend_memory_limit;
SELECT spin(1) + spin(2) AS both;

-- 4. Host functions are bounded like guest code: an endless stream of fd_write calls of
--    10,240 iovecs of 896 kB, and of random_get calls of 1 MB, stop at the fuel limit,
--    or within 100 ms of a timeout with metering off.
SELECT wasm.load_module('hostio', example('hostio.wasm'));
CREATE FUNCTION spam(int) RETURNS int LANGUAGE wasm AS 'hostio:spam';
CREATE FUNCTION entropy(int) RETURNS int LANGUAGE wasm AS 'hostio:entropy';
SET wasm.output_lines = 0;
SET client_min_messages = warning;
SELECT sqlstate_of('SELECT spam(10240)');
SELECT sqlstate_of('SELECT entropy(1048576)');
SET wasm.fuel_limit = 0;
SET wasm.call_fuel_limit = 0;
SET statement_timeout = '300ms';
DO $$
DECLARE
  t0 timestamptz;
BEGIN
  BEGIN
    t0 := clock_timestamp();
    PERFORM spam(10240);
  EXCEPTION WHEN query_canceled THEN
    RAISE WARNING 'fd_write stopped within 100 ms of the deadline: %', clock_timestamp() - t0 < interval '400ms';
  END;
END $$;
DO $$
DECLARE
  t0 timestamptz;
BEGIN
  t0 := clock_timestamp();
  PERFORM entropy(1048576);
EXCEPTION WHEN query_canceled THEN
  RAISE WARNING 'random_get stopped within 100 ms of the deadline: %', clock_timestamp() - t0 < interval '400ms';
END $$;
RESET statement_timeout;
RESET wasm.fuel_limit;
RESET wasm.call_fuel_limit;
RESET client_min_messages;
RESET wasm.output_lines;

-- 5. A trap says where it happened, and what the guest wrote to stderr just before (an
--    assertion's or a panic's message); a jsonb result that is not JSON names the function.
CREATE FUNCTION panic() RETURNS int LANGUAGE wasm AS 'hostio:panic';
CREATE FUNCTION badjson() RETURNS jsonb LANGUAGE wasm AS 'hostio:badjson';
CREATE FUNCTION garble() RETURNS int LANGUAGE wasm AS 'hostio:garble';
SELECT panic();
SELECT badjson();
-- Guest output that is not UTF-8 reaches the client and the log as valid text: each
-- stray byte (and NUL) is shown as '?'.
SELECT garble();
SELECT divide(1, 0);

-- 6. EXPLAIN (ANALYZE) of a statement that ran Wasm says what it cost.
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT spin(1000);
SELECT add(2, 3) AS still_works;
