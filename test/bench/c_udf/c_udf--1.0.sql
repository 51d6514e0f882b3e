-- c_udf 1.0: the LANGUAGE C baselines of test/bench/udf_bench.sh. Same declarations as the
-- Wasm functions they are compared with (STRICT IMMUTABLE, parallel-unsafe by default).
\echo Use "CREATE EXTENSION c_udf" to load this file. \quit

CREATE FUNCTION c_add_one(bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'c_add_one' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_collatz(bigint) RETURNS integer
  AS 'MODULE_PATHNAME', 'c_collatz' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_vowels(text) RETURNS integer
  AS 'MODULE_PATHNAME', 'c_vowels' LANGUAGE C STRICT IMMUTABLE;

-- types_bench.sh (ABI version 2 types). c_row10_sum is declared by the benchmark, over its
-- table's row type.
CREATE FUNCTION c_vec_sum(float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'c_vec_sum' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_dot(float8[], float8[]) RETURNS float8
  AS 'MODULE_PATHNAME', 'c_dot' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_hour_start(timestamptz) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'c_hour_start' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_uuid_version(uuid) RETURNS integer
  AS 'MODULE_PATHNAME', 'c_uuid_version' LANGUAGE C STRICT IMMUTABLE;

-- kinds_bench.sh (issue 11): a set-returning function and a trigger.
CREATE FUNCTION c_series(bigint, bigint) RETURNS SETOF bigint
  AS 'MODULE_PATHNAME', 'c_series' LANGUAGE C STRICT IMMUTABLE;

CREATE FUNCTION c_normalize_email() RETURNS trigger
  AS 'MODULE_PATHNAME', 'c_normalize_email' LANGUAGE C;

-- kinds_bench.sh: an aggregate, parallel safe.
CREATE FUNCTION c_sum_step(bigint, bigint) RETURNS bigint
  AS 'MODULE_PATHNAME', 'c_sum_step' LANGUAGE C STRICT IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE c_sum(bigint) (SFUNC = c_sum_step, STYPE = bigint, INITCOND = '0',
                                COMBINEFUNC = c_sum_step, PARALLEL = SAFE);
