-- What a module loader and any role can and cannot make pg-wasm do (issue 9): the
-- catalog's SQL cannot be hijacked, fuel settings cannot be escaped, the statement's
-- budget is one budget, and modules follow their owners' roles.
SELECT current_user AS su \gset
CREATE ROLE wasm_loader LOGIN;
CREATE ROLE wasm_other LOGIN;
GRANT EXECUTE ON FUNCTION wasm.load_module(text, bytea), wasm.drop_module(text, boolean)
  TO wasm_loader, wasm_other;
GRANT CREATE ON SCHEMA public TO wasm_loader, wasm_other;
-- The module's bytes, for roles that may not read server files.
SELECT example('spin.wasm') AS spin_bytes \gset

-- 1. Nothing the caller controls takes part in loading or dropping a module: functions,
--    operators and a temporary table named like what SQL would resolve are never used.
CREATE TABLE evil_log (who text, what text);
GRANT INSERT, SELECT ON evil_log TO PUBLIC;
CREATE SCHEMA evil AUTHORIZATION wasm_loader;
SET ROLE wasm_loader;
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO public.evil_log VALUES (current_user, 'now'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION evil.texteq(text, text) RETURNS boolean LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO public.evil_log VALUES (current_user, '='); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$;
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.texteq);
CREATE FUNCTION evil.split_part(text, text, int) RETURNS text LANGUAGE plpgsql AS
  $$ BEGIN INSERT INTO public.evil_log VALUES (current_user, 'split_part'); RETURN pg_catalog.split_part($1, $2, $3); END $$;
CREATE TEMP TABLE regrole (x int);
SET search_path = evil, pg_temp, pg_catalog, public;
SELECT wasm.load_module('evilmod', :'spin_bytes'::bytea);
SELECT wasm.load_module('evilmod', :'spin_bytes'::bytea);
CREATE FUNCTION evil_spin(int) RETURNS int LANGUAGE wasm AS 'evilmod:spin';
SELECT wasm.drop_module('evilmod', cascade => true);
RESET search_path;
RESET ROLE;
SELECT count(*) AS hijacked FROM evil_log;

-- 2. Fuel is a whole number: a fraction rounds up (it used to truncate to 0, "no limit"),
--    and what is not a finite number is refused; in SET, in ALTER ROLE and in SET clauses.
SET ROLE wasm_other;
SET wasm.fuel_limit = 0.5;
SHOW wasm.fuel_limit;
SELECT spin(10);
SET wasm.fuel_limit = 'NaN';
SET wasm.fuel_limit = 'Infinity';
SET wasm.call_fuel_limit = 0.25;
SHOW wasm.call_fuel_limit;
SET wasm.call_fuel_limit = 0;
RESET wasm.fuel_limit;
RESET wasm.call_fuel_limit;
RESET ROLE;
ALTER ROLE wasm_other SET wasm.fuel_limit = 0.5;
\c - wasm_other
SELECT spin(10);
SHOW wasm.fuel_limit;
\c - :su
ALTER ROLE wasm_other RESET wasm.fuel_limit;
CREATE FUNCTION spin_fraction(int) RETURNS int LANGUAGE wasm STRICT SET wasm.fuel_limit = 0.5 AS 'spin:spin';
SELECT spin_fraction(10);

-- 3. One call may use wasm.call_fuel_limit: at the defaults an endless loop stops within
--    seconds, with an error that names the setting.
DO $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  PERFORM infinite_loop();
EXCEPTION WHEN program_limit_exceeded THEN
  RAISE NOTICE '%', SQLERRM;
  RAISE NOTICE 'stopped within 10 s: %', clock_timestamp() - t0 < interval '10s';
END $$;

-- 4. The statement's budget is one budget: EXPLAIN (ANALYZE) reports what a statement
--    used; a COMMIT inside a procedure does not renew it; a function's SET clause that
--    lowers it lowers it for the calls inside.
CREATE FUNCTION fuel_of(query text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) ' || query INTO plan;
  RETURN (plan -> 0 -> 'WebAssembly' ->> 'Fuel')::bigint;
END $$;
SELECT fuel_of('SELECT spin(100000)') BETWEEN 100000 AND 1000000 AS plausible,
       fuel_of('SELECT spin(200000)') - fuel_of('SELECT spin(100000)')
         = fuel_of('SELECT spin(100000)') - fuel_of('SELECT spin(0)') AS linear;
SELECT fuel_of('SELECT spin(100000)') AS one_spin \gset
CREATE PROCEDURE spin_twice(n int) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM spin(n);
  COMMIT;
  PERFORM spin(n);
END $$;
SELECT set_config('wasm.fuel_limit', (:one_spin * 3 / 2)::text, false) IS NOT NULL AS set;
CALL spin_twice(100000);
SELECT set_config('wasm.fuel_limit', (:one_spin * 3)::text, false) IS NOT NULL AS set;
CALL spin_twice(100000);
RESET wasm.fuel_limit;
CREATE FUNCTION spin_capped(int) RETURNS int LANGUAGE wasm STRICT SET wasm.fuel_limit = 5000 AS 'spin:spin';
SELECT spin_capped(10);
SELECT spin_capped(100000);
-- ... counting what the statement used before it.
SELECT spin(100000) + spin_capped(10);
-- Work that enters the executor at top level within one command is part of its
-- statement: queries of a function the planner folds into a constant, and deferred
-- triggers at the commit (each used to get a budget of its own).
CREATE FUNCTION spin_volatile(int) RETURNS int LANGUAGE wasm STRICT VOLATILE AS 'spin:spin';
CREATE FUNCTION folded_spins(n int) RETURNS bigint LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  s bigint := 0;
  r int;
BEGIN
  FOR i IN 1..n LOOP
    SELECT spin_volatile(100000) INTO r FROM (SELECT 1 OFFSET 0) one;
    s := s + r;
  END LOOP;
  RETURN s;
END $$;
CREATE TABLE deferred_work (n int);
CREATE FUNCTION spin_on_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM spin_volatile(100000) FROM (SELECT 1 OFFSET 0) one;
  RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER deferred_spin AFTER INSERT ON deferred_work
  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION spin_on_commit();
SELECT set_config('wasm.fuel_limit', (:one_spin * 3)::text, false) IS NOT NULL AS set;
SELECT folded_spins(2);
SELECT folded_spins(5);
INSERT INTO deferred_work SELECT generate_series(1, 2);
INSERT INTO deferred_work SELECT generate_series(1, 5);
SELECT count(*) FROM deferred_work;
-- So is a Wasm call the planner folds itself, before any executor starts: it was charged
-- to the statement before, and the new one got a whole budget.
CREATE FUNCTION spin_immutable(int) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'spin:spin';
SELECT set_config('wasm.fuel_limit', (:one_spin * 3 / 2)::text, false) IS NOT NULL AS set;
SELECT spin_immutable(100000) + spin_volatile(100000);
SELECT spin_immutable(100000);
BEGIN;
SELECT spin_volatile(100000);
SELECT spin_immutable(100000);
COMMIT;
RESET wasm.fuel_limit;

-- 5. A window function's export also takes its row (i64): one without it is refused.
CREATE FUNCTION spin_window(int) RETURNS int WINDOW LANGUAGE wasm AS 'spin:spin';

-- 6. Modules follow their owner's role: DROP ROLE refuses an owner of modules,
--    REASSIGN OWNED and DROP OWNED take them along.
SET ROLE wasm_loader;
SELECT wasm.load_module('owned_a', :'spin_bytes'::bytea);
SELECT wasm.load_module('owned_b', :'spin_bytes'::bytea);
CREATE FUNCTION owned_spin(int) RETURNS int LANGUAGE wasm AS 'owned_a:spin';
RESET ROLE;
DROP ROLE wasm_loader;
REASSIGN OWNED BY wasm_loader TO wasm_other;
SELECT name, owner FROM wasm.modules WHERE name LIKE 'owned%' ORDER BY name;
SET ROLE wasm_other;
SELECT wasm.load_module('owned_b', :'spin_bytes'::bytea);
RESET ROLE;
CREATE FUNCTION su_spin(int) RETURNS int LANGUAGE wasm AS 'owned_b:spin';
DROP OWNED BY wasm_other;
DROP OWNED BY wasm_other CASCADE;
SELECT count(*) AS left_behind FROM wasm.modules WHERE name LIKE 'owned%';
SELECT count(*) AS left_behind FROM pg_proc WHERE proname IN ('owned_spin', 'su_spin');
-- A role drops its own modules with DROP OWNED (the event trigger runs for it too).
CREATE ROLE wasm_dropper;
GRANT EXECUTE ON FUNCTION wasm.load_module(text, bytea) TO wasm_dropper;
SET ROLE wasm_dropper;
SELECT wasm.load_module('owned_c', :'spin_bytes'::bytea);
DROP OWNED BY wasm_dropper;
RESET ROLE;
SELECT count(*) AS left_behind FROM wasm.modules WHERE name = 'owned_c';
REVOKE EXECUTE ON FUNCTION wasm.load_module(text, bytea) FROM wasm_dropper;
DROP ROLE wasm_dropper;
-- The trigger that keeps the owners' records is the catalog's alone: on another table it
-- would let that table's owner forge or erase them (or crash, as a statement trigger).
SET ROLE wasm_loader;
CREATE TABLE forged (id oid, owner oid);
CREATE TRIGGER forge AFTER INSERT ON forged FOR EACH ROW EXECUTE FUNCTION wasm.module_store_owners();
RESET ROLE;
CREATE TRIGGER forge AFTER INSERT ON forged FOR EACH STATEMENT EXECUTE FUNCTION wasm.module_store_owners();
INSERT INTO forged VALUES (1, 1);
DROP TABLE forged;
-- A function another role made over a module cannot keep its owner from dropping it:
-- cascade drops it, and what depends on it, as DROP ... CASCADE does.
CREATE ROLE wasm_squatter;
GRANT CREATE ON SCHEMA public TO wasm_squatter;
SET ROLE wasm_loader;
SELECT wasm.load_module('squatted', :'spin_bytes'::bytea);
SET ROLE wasm_squatter;
CREATE FUNCTION squat(int) RETURNS int LANGUAGE wasm AS 'squatted:spin';
CREATE VIEW squat_view AS SELECT squat(1) AS v;
SET ROLE wasm_loader;
SELECT wasm.drop_module('squatted');
SELECT wasm.drop_module('squatted', cascade => true);
RESET ROLE;
SELECT count(*) AS left_behind FROM pg_class WHERE relname = 'squat_view';
REVOKE CREATE ON SCHEMA public FROM wasm_squatter;
DROP ROLE wasm_squatter;

-- 7. The extension refuses a schema "wasm" that another role owns (that role could
--    replace what the install makes in it).
CREATE DATABASE wasm_squat;
\c wasm_squat
CREATE SCHEMA wasm AUTHORIZATION wasm_other;
CREATE EXTENSION wasm;
DROP SCHEMA wasm;
CREATE EXTENSION wasm;
SELECT count(*) AS installed FROM pg_extension WHERE extname = 'wasm';
\c wasm_regression
DROP DATABASE wasm_squat;

-- 8. Loading and dropping modules change the catalog: refused in a read-only transaction.
BEGIN READ ONLY;
SELECT wasm.load_module('read_only', :'spin_bytes'::bytea);
ROLLBACK;
BEGIN READ ONLY;
SELECT wasm.drop_module('spin', cascade => true);
ROLLBACK;
SELECT count(*) AS still_there FROM wasm.modules WHERE name = 'spin';

DROP TABLE deferred_work;
DROP FUNCTION spin_on_commit();
DROP FUNCTION folded_spins(int);
DROP FUNCTION spin_volatile(int);
DROP FUNCTION spin_immutable(int);
DROP FUNCTION fuel_of(text);
DROP FUNCTION spin_capped(int);
DROP FUNCTION spin_fraction(int);
DROP PROCEDURE spin_twice(int);
DROP TABLE evil_log;
REVOKE CREATE ON SCHEMA public FROM wasm_loader, wasm_other;
REVOKE EXECUTE ON FUNCTION wasm.load_module(text, bytea), wasm.drop_module(text, boolean)
  FROM wasm_loader, wasm_other;
DROP OWNED BY wasm_loader;
DROP ROLE wasm_loader;
DROP ROLE wasm_other;
