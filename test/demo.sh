#!/usr/bin/env bash
# The demo: a throwaway PostgreSQL cluster with the extension, the example modules of
# udf-sdk/examples loaded, and example queries with their results: scalar math, text,
# bytea, jsonb, NULLs, and hostile guests stopped cleanly by traps and limits.
# Needs the extension installed (make install); run as root, the server runs as postgres.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
source "$repo/test/pg/cluster.sh"

cluster_init ""
cluster_copy_modules "$build"/examples/*.wasm
cluster_start
echo "== a throwaway PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') cluster is up (port $port)"

as_pg "$bindir/psql" -X -h "$tmp" -p "$port" -d postgres -v dir="$tmp/examples" -e <<'SQL'
CREATE EXTENSION wasm;
-- Modules live in the database: validated, then stored (and replicated, and dumped).
SELECT wasm.load_module('math',    pg_read_binary_file(:'dir' || '/math.wasm'));
SELECT wasm.load_module('text',    pg_read_binary_file(:'dir' || '/text.wasm'));
SELECT wasm.load_module('bytes',   pg_read_binary_file(:'dir' || '/bytes.wasm'));
SELECT wasm.load_module('json',    pg_read_binary_file(:'dir' || '/json.wasm'));
SELECT wasm.load_module('nulls',   pg_read_binary_file(:'dir' || '/nulls.wasm'));
SELECT wasm.load_module('hostile', pg_read_binary_file(:'dir' || '/hostile.wasm'));
SELECT name, owner, size, left(sha256, 16) AS sha256 FROM wasm.modules ORDER BY name;
SELECT * FROM wasm.exports('math') WHERE kind = 'function';

CREATE FUNCTION haversine(float8, float8, float8, float8) RETURNS float8
  LANGUAGE wasm IMMUTABLE STRICT AS 'math:haversine';
CREATE FUNCTION collatz(bigint) RETURNS int LANGUAGE wasm IMMUTABLE STRICT AS 'math:collatz';
CREATE FUNCTION slugify(text) RETURNS text LANGUAGE wasm IMMUTABLE STRICT AS 'text:slugify';
CREATE FUNCTION vowels(text) RETURNS int LANGUAGE wasm IMMUTABLE STRICT AS 'text:vowels';
CREATE FUNCTION crc32(bytea) RETURNS bigint LANGUAGE wasm IMMUTABLE STRICT AS 'bytes:crc32';
CREATE FUNCTION json_pick(jsonb, text) RETURNS jsonb LANGUAGE wasm IMMUTABLE STRICT AS 'json:json_pick';
CREATE FUNCTION greet(text) RETURNS text LANGUAGE wasm IMMUTABLE AS 'nulls:greet';

CREATE TABLE trips (city1 text, lat1 float8, lon1 float8, city2 text, lat2 float8, lon2 float8);
INSERT INTO trips VALUES ('Paris', 48.8566, 2.3522, 'London', 51.5074, -0.1278),
                         ('Berlin', 52.5200, 13.4050, 'Rome', 41.9028, 12.4964),
                         ('Tokyo', 35.6762, 139.6503, 'Sydney', -33.8688, 151.2093);
SELECT city1, city2, round(haversine(lat1, lon1, lat2, lon2)::numeric, 1) AS km FROM trips;
SELECT n, collatz(n) AS steps FROM (VALUES (27), (97), (837799)) v(n);
SELECT sum(collatz(i)) AS collatz_steps_1_to_300k FROM generate_series(1, 300000) i;
SELECT slugify('Hello, World! Wasm in PostgreSQL'), vowels('Hello, World!');
SELECT crc32('123456789'::bytea) AS crc32, to_hex(crc32('123456789'::bytea)) AS hex;
SELECT json_pick('{"user": {"name": "ada", "langs": ["c", "wasm"]}, "id": 7}', 'user');
SELECT x, greet(x) FROM (VALUES ('ada'), (NULL)) v(x);

-- Hostile guests: every one ends in an ERROR with a SQLSTATE; the session goes on.
\set ON_ERROR_STOP off
\set VERBOSITY default
CREATE FUNCTION infinite_loop() RETURNS int LANGUAGE wasm AS 'hostile:infinite_loop';
CREATE FUNCTION deep_recursion(int) RETURNS int LANGUAGE wasm AS 'hostile:deep_recursion';
CREATE FUNCTION memory_bomb() RETURNS int LANGUAGE wasm AS 'hostile:memory_bomb';
CREATE FUNCTION out_of_bounds() RETURNS int LANGUAGE wasm AS 'hostile:out_of_bounds';
SET wasm.fuel_limit = 100000000;
SELECT infinite_loop();
SET wasm.fuel_limit = 0;
SET statement_timeout = '500ms';
SELECT infinite_loop();
RESET statement_timeout;
RESET wasm.fuel_limit;
SELECT deep_recursion(0);
SET wasm.memory_limit = '16MB';
SELECT memory_bomb() AS pages_granted_under_16MB;
SELECT out_of_bounds();
CREATE FUNCTION wrong(bigint, bigint) RETURNS bigint LANGUAGE wasm AS 'math:add';
SELECT 'still here' AS session;
SQL
echo
echo "== demo done; the cluster is removed"
