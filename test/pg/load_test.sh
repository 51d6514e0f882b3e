#!/usr/bin/env bash
# Load: pgbench with new connections per transaction (-C), many clients calling UDFs from
# several modules, while another client keeps replacing one of those modules; on a
# cluster with the shared code cache. Every transaction checks its results (a wrong one
# divides by zero, which aborts the client). Passes if no transaction failed, no client
# aborted, and the postmaster never restarted.
#   load_test.sh [BUILD_DIR] [SECONDS=60] [CLIENTS=16]   last line: "N passed, N failed"
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
seconds=${2:-60}
clients=${3:-16}
source "$repo/test/pg/cluster.sh"
pgbench=$bindir/pgbench

cluster_init "shared_preload_libraries = 'wasm'
max_connections = $((clients + 20))" || { echo "0 passed, 1 failed"; exit 1; }
cluster_copy_modules "$build"/examples/{math,text,bytes}.wasm "$build"/test/pg-modules/version{1,2}.wasm
cluster_start || { echo "0 passed, 1 failed"; exit 1; }
psql_pg -d postgres >/dev/null <<SQL || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
CREATE EXTENSION wasm;
SELECT wasm.load_module(m, pg_read_binary_file('$tmp/examples/' || m || '.wasm'))
  FROM unnest(ARRAY['math', 'text', 'bytes']) m;
SELECT wasm.load_module('versioned', pg_read_binary_file('$tmp/examples/version1.wasm'));
CREATE FUNCTION add(int, int) RETURNS int LANGUAGE wasm STRICT AS 'math:add';
CREATE FUNCTION vowels(text) RETURNS int LANGUAGE wasm STRICT AS 'text:vowels';
CREATE FUNCTION crc32(bytea) RETURNS bigint LANGUAGE wasm STRICT AS 'bytes:crc32';
CREATE FUNCTION module_version() RETURNS int LANGUAGE wasm AS 'versioned:version';
SQL
started=$(sql_value "SELECT pg_postmaster_start_time()")

cat >"$tmp/clients.sql" <<'SQL'
\set n random(1, 1000000)
SELECT CASE WHEN add(:n, 1) = :n + 1 AND vowels('pg-wasm load test') = 4
             AND crc32('123456789') = 3421780262 AND module_version() IN (1, 2)
       THEN 1 ELSE 1 / (0 * random())::int END;  -- not folded: fails only when reached
SQL
cat >"$tmp/replacer.sql" <<SQL
\set v random(1, 2)
SELECT wasm.load_module('versioned', pg_read_binary_file('$tmp/examples/version' || :v || '.wasm'));
SELECT pg_sleep(0.05);
SQL
chmod a+r "$tmp"/*.sql
echo "=== pgbench: $clients clients, a new connection per transaction, ${seconds}s; one more client replaces a module"
as_pg "$pgbench" -n -h "$tmp" -p "$port" -T "$seconds" -f "$tmp/replacer.sql" postgres >"$tmp/replacer.out" 2>&1 &
replacer=$!
as_pg "$pgbench" -n -C -h "$tmp" -p "$port" -c "$clients" -j 2 -T "$seconds" -f "$tmp/clients.sql" postgres \
  >"$tmp/clients.out" 2>&1
clients_rc=$?
wait "$replacer"
replacer_rc=$?
grep -E "transactions actually processed|failed transactions|tps|latency average|aborted" "$tmp/clients.out"
echo "replacer:"
grep -E "transactions actually processed|failed transactions|aborted" "$tmp/replacer.out"
processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/clients.out")
replaced=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/replacer.out")
failures=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$tmp/clients.out")
check "clients: pgbench exit status" "$clients_rc" 0
check "replacer: pgbench exit status" "$replacer_rc" 0
if [[ ${processed:-0} -gt 0 && ${replaced:-0} -gt 0 ]]; then pass "$processed transactions, the module replaced $replaced times"
else fail "nothing ran (processed '${processed:-}', replaced '${replaced:-}')"; cat "$tmp/clients.out"; fi
check "failed transactions" "${failures:-missing}" 0
check "no client aborted" "$(grep -c aborted "$tmp/clients.out")" 0
check "postmaster not restarted" "$(sql_value "SELECT pg_postmaster_start_time()")" "$started"
psql_pg -d postgres -c "SELECT mode, entries, hits, misses, evictions, round(compile_seconds::numeric, 3) AS compile_s,
  round(compile_seconds_saved::numeric, 3) AS saved_s FROM wasm.cache_stats"
no_crash
summary
