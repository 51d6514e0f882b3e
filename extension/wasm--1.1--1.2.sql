-- pg-wasm 1.1 -> 1.2: wasm.state, the type of values that name a state in a guest's
-- memory, for aggregates whose transition state the guest keeps (udf-sdk/ABI.md,
-- "Aggregate states"). There is no wasm--1.2.sql: CREATE EXTENSION wasm runs
-- wasm--1.0.sql and the updates, so a fresh installation and an updated one are the same
-- by construction.
\echo Use "ALTER EXTENSION wasm UPDATE TO '1.2'" to load this file. \quit

CREATE TYPE wasm.state;
CREATE FUNCTION wasm.state_in(cstring) RETURNS wasm.state
  AS 'MODULE_PATHNAME', 'wasm_state_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION wasm.state_out(wasm.state) RETURNS cstring
  AS 'MODULE_PATHNAME', 'wasm_state_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION wasm.state_recv(internal) RETURNS wasm.state
  AS 'MODULE_PATHNAME', 'wasm_state_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION wasm.state_send(wasm.state) RETURNS bytea
  AS 'MODULE_PATHNAME', 'wasm_state_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE wasm.state (
  INPUT = wasm.state_in, OUTPUT = wasm.state_out, RECEIVE = wasm.state_recv, SEND = wasm.state_send,
  INTERNALLENGTH = VARIABLE, ALIGNMENT = int4, STORAGE = extended);
COMMENT ON TYPE wasm.state IS
  'A state kept in a wasm guest''s memory (an aggregate''s transition state); as bytes, its module''s serialised form';
