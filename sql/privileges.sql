-- The security model for a role that is not a superuser.
CREATE ROLE wasm_user LOGIN;
CREATE ROLE wasm_other LOGIN;
GRANT CREATE ON SCHEMA public TO wasm_user, wasm_other;
SET ROLE wasm_user;
-- LANGUAGE wasm is trusted: any role may create and call functions.
CREATE FUNCTION user_add(int, int) RETURNS int LANGUAGE wasm STRICT AS 'math:add';
SELECT user_add(20, 22);
-- Loading needs a grant; the catalog table is not readable directly; the view is.
SELECT wasm.load_module('mine', '\x0061736d01000000'::bytea);
SELECT count(*) FROM wasm.module_store;
SELECT count(*) > 0 AS sees_modules FROM wasm.modules;
-- Reading server files is for superusers and pg_read_server_files only.
SELECT wasm.load_module_file('mine', '/etc/passwd');
-- Limits can be lowered, not raised above the server's setting.
SET wasm.fuel_limit = 1000;
SELECT user_add(1, 1);
SET wasm.fuel_limit = 1e12;
SET wasm.fuel_limit = 0;
SET wasm.memory_limit = '1GB';
SET wasm.memory_limit = '64MB';
RESET ROLE;

GRANT EXECUTE ON FUNCTION wasm.load_module(text, bytea) TO wasm_user, wasm_other;
GRANT EXECUTE ON FUNCTION wasm.drop_module(text, boolean) TO wasm_user, wasm_other;
SET ROLE wasm_user;
SELECT wasm.load_module('mine', '\x0061736d01000000'::bytea);
SELECT name, owner FROM wasm.modules WHERE name = 'mine';
-- Modules of others cannot be replaced or dropped.
SELECT wasm.load_module('math', '\x0061736d01000000'::bytea);
SELECT wasm.drop_module('math');
RESET ROLE;
SET ROLE wasm_other;
SELECT wasm.load_module('mine', '\x0061736d01000000'::bytea);
SELECT wasm.drop_module('mine');
RESET ROLE;
-- Granting a role's membership passes the ownership rights on.
GRANT wasm_user TO wasm_other;
SET ROLE wasm_other;
SELECT wasm.drop_module('mine');
RESET ROLE;
-- A superuser may raise a limit, or grant SET on it.
GRANT SET ON PARAMETER wasm.fuel_limit TO wasm_user;
SET ROLE wasm_user;
SET wasm.fuel_limit = 1e12;
RESET wasm.fuel_limit;
RESET ROLE;
DROP FUNCTION user_add(int, int);
REVOKE SET ON PARAMETER wasm.fuel_limit FROM wasm_user;
REVOKE CREATE ON SCHEMA public FROM wasm_user, wasm_other;
REVOKE EXECUTE ON FUNCTION wasm.load_module(text, bytea) FROM wasm_user, wasm_other;
REVOKE EXECUTE ON FUNCTION wasm.drop_module(text, boolean) FROM wasm_user, wasm_other;
DROP ROLE wasm_other;
DROP ROLE wasm_user;
