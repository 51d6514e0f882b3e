-- pg-wasm 1.0 -> 1.1: the type ABI version 2 (udf-sdk/ABI.md). The library of 1.1 runs
-- 1.0's objects unchanged; this adds the ABI version to wasm.exports. There is no
-- wasm--1.1.sql: CREATE EXTENSION wasm runs wasm--1.0.sql and then this file, so a fresh
-- installation and an updated one are the same by construction.
\echo Use "ALTER EXTENSION wasm UPDATE TO '1.1'" to load this file. \quit

-- A view of yours over wasm.exports stops this update (DROP FUNCTION ... its dependents):
-- drop the view, update, and create it again.
DROP FUNCTION wasm.exports(text);
CREATE FUNCTION wasm.exports(name text,
                             OUT export_name text, OUT kind text, OUT signature text,
                             OUT abi_version integer)
  RETURNS SETOF record
  AS 'MODULE_PATHNAME', 'wasm_exports' LANGUAGE C STRICT STABLE;
COMMENT ON FUNCTION wasm.exports(text) IS
  'Exports of a loaded module, with their Wasm types and, for functions, the type ABI version they are called under';
