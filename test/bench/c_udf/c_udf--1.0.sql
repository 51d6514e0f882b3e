-- c_udf 1.0: the LANGUAGE C baselines of test/bench/udf_bench.sh. Same declarations as the
-- Wasm functions they are compared with (STRICT IMMUTABLE, parallel-unsafe by default).
\echo Use "CREATE EXTENSION c_udf" to load this file. \quit

CREATE FUNCTION c_add_one(bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'c_add_one' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_collatz(bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'c_collatz' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_vowels(text) RETURNS integer
  AS 'MODULE_PATHNAME', 'c_vowels' LANGUAGE C STRICT IMMUTABLE;
