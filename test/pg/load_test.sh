#!/usr/bin/env bash
# Load: pgbench with new connections per transaction (-C), many clients calling UDFs from
# several modules, while another client keeps replacing one of those modules; on a
# cluster with the shared code cache. Every transaction checks its results (a wrong one
# divides by zero, which aborts the client). Passes if no transaction failed, no client
# aborted, and the postmaster never restarted. Then a shorter second phase (a quarter of
# the time, at least 5 s, half the clients) under eviction pressure: the clients also call
# three generated modules of about 500 kB of artifact each, in a 1 MB cache. A third phase
# as long, half the clients, runs set-returning functions, a trigger and wasm.state
# aggregates (a median and an HLL count, in parallel plans where workers are free) while
# the modules behind them are replaced (each name alternates between the C and the Rust
# example, which agree on every result, and on HLL counts within 3%).
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
cluster_copy_modules "$build"/examples/{math,text,bytes,sets,triggers,aggregates,rust_kinds}.wasm "$build"/test/pg-modules/version{1,2}.wasm
for i in 3 4 5; do gen_big 3000 $i || { echo "cannot build the test modules"; echo "0 passed, 1 failed"; exit 1; }; done
cluster_start || { echo "0 passed, 1 failed"; exit 1; }
psql_pg -d postgres >/dev/null <<SQL || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
CREATE EXTENSION wasm;
SELECT wasm.load_module(m, pg_read_binary_file('$tmp/examples/' || m || '.wasm'))
  FROM unnest(ARRAY['math', 'text', 'bytes']) m;
SELECT wasm.load_module('versioned', pg_read_binary_file('$tmp/examples/version1.wasm'));
SELECT wasm.load_module('mid' || i, pg_read_binary_file('$tmp/examples/big' || i + 2 || '.wasm')) FROM generate_series(1, 3) i;
CREATE FUNCTION add(int, int) RETURNS int LANGUAGE wasm STRICT AS 'math:add';
CREATE FUNCTION vowels(text) RETURNS int LANGUAGE wasm STRICT AS 'text:vowels';
CREATE FUNCTION crc32(bytea) RETURNS bigint LANGUAGE wasm STRICT AS 'bytes:crc32';
CREATE FUNCTION module_version() RETURNS int LANGUAGE wasm AS 'versioned:version';
CREATE FUNCTION mid1(int) RETURNS int LANGUAGE wasm STRICT AS 'mid1:answer';
CREATE FUNCTION mid2(int) RETURNS int LANGUAGE wasm STRICT AS 'mid2:answer';
CREATE FUNCTION mid3(int) RETURNS int LANGUAGE wasm STRICT AS 'mid3:answer';
SELECT wasm.load_module('sets', pg_read_binary_file('$tmp/examples/sets.wasm'));
SELECT wasm.load_module('tok', pg_read_binary_file('$tmp/examples/sets.wasm'));
SELECT wasm.load_module('norm', pg_read_binary_file('$tmp/examples/triggers.wasm'));
CREATE FUNCTION series(bigint, bigint) RETURNS SETOF bigint LANGUAGE wasm STRICT AS 'sets:series';
CREATE FUNCTION tokens(text) RETURNS SETOF text LANGUAGE wasm STRICT AS 'tok:tokens';
CREATE FUNCTION normalize_email() RETURNS trigger LANGUAGE wasm AS 'norm:normalize_email';
SELECT wasm.load_module('agg', pg_read_binary_file('$tmp/examples/aggregates.wasm'));
CREATE FUNCTION values_step(wasm.state, float8) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'agg:values_step';
CREATE FUNCTION values_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'agg:values_combine';
CREATE FUNCTION median_final(wasm.state) RETURNS float8 LANGUAGE wasm PARALLEL SAFE AS 'agg:median_final';
CREATE FUNCTION hll_step(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'agg:hll_step';
CREATE FUNCTION hll_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm PARALLEL SAFE AS 'agg:hll_combine';
CREATE FUNCTION hll_final(wasm.state) RETURNS bigint LANGUAGE wasm PARALLEL SAFE AS 'agg:hll_final';
CREATE AGGREGATE wmedian(float8) (SFUNC = values_step, STYPE = wasm.state, FINALFUNC = median_final,
                                  COMBINEFUNC = values_combine, PARALLEL = SAFE);
CREATE AGGREGATE whll(bigint) (SFUNC = hll_step, STYPE = wasm.state, FINALFUNC = hll_final,
                               COMBINEFUNC = hll_combine, PARALLEL = SAFE);
CREATE TABLE facts AS SELECT i % 20 AS g, (i % 1000)::float8 AS x, i % 5000 AS k FROM generate_series(1, 100000) i;
ANALYZE facts;
CREATE TABLE sink (n int, email text);
CREATE TRIGGER norm BEFORE INSERT ON sink FOR EACH ROW EXECUTE FUNCTION normalize_email();
SQL
cat >"$tmp/clients.sql" <<'SQL'
\set n random(1, 1000000)
SELECT CASE WHEN add(:n, 1) = :n + 1 AND vowels('pg-wasm load test') = 4
             AND crc32('123456789') = 3421780262 AND module_version() IN (1, 2)
       THEN 1 ELSE 1 / (0 * random())::int END;  -- not folded: fails only when reached
SQL
cat >"$tmp/pressure.sql" <<SQL
\set n random(1, 1000000)
SELECT CASE WHEN add(:n, 1) = :n + 1 AND mid1(10) = $(big_answer 3 10) AND mid2(10) = $(big_answer 4 10)
             AND mid3(10) = $(big_answer 5 10) AND module_version() IN (1, 2)
       THEN 1 ELSE 1 / (0 * random())::int END;
SQL
cat >"$tmp/kinds.sql" <<'SQL'
\set n random(1, 5000)
SELECT CASE WHEN (SELECT count(*) FROM tokens('Alpha beta, gamma ' || :n)) = 4
             AND (SELECT string_agg(t, ',') FROM tokens('A b_C d' || :n) t) = 'a,b_c,d' || :n
             AND (SELECT sum(x) FROM series(1, :n) x) = :n * (:n + 1) / 2
             AND (SELECT count(*) FROM (SELECT tokens(repeat('w ', 600)) LIMIT 300) l) = 300
       THEN 1 ELSE 1 / (0 * random())::int END;
SET parallel_setup_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT CASE WHEN bool_and(m = 490 + g) AND bool_and(abs(h - 250) < 0.03 * 250) AND count(*) = 20
                 AND (SELECT wmedian(x) FROM facts WHERE g = :n % 20) = 490 + :n % 20
       THEN 1 ELSE 1 / (0 * random())::int END
  FROM (SELECT g, wmedian(x) AS m, whll(k) AS h FROM facts GROUP BY g) q;
WITH i AS (INSERT INTO sink VALUES (:n, ' X' || :n || '@Y.Z ') RETURNING email)
SELECT CASE WHEN email = 'x' || :n || '@y.z' THEN 1 ELSE 1 / (0 * random())::int END FROM i;
SQL
cat >"$tmp/kinds_replacer.sql" <<SQL
\set v random(0, 1)
SELECT wasm.load_module('tok', pg_read_binary_file('$tmp/examples/' || CASE :v WHEN 0 THEN 'sets' ELSE 'rust_kinds' END || '.wasm'));
SELECT wasm.load_module('norm', pg_read_binary_file('$tmp/examples/' || CASE :v WHEN 0 THEN 'triggers' ELSE 'rust_kinds' END || '.wasm'));
SELECT wasm.load_module('agg', pg_read_binary_file('$tmp/examples/' || CASE :v WHEN 0 THEN 'aggregates' ELSE 'rust_kinds' END || '.wasm'));
SELECT pg_sleep(0.05);
SQL
cat >"$tmp/replacer.sql" <<SQL
\set v random(1, 2)
SELECT wasm.load_module('versioned', pg_read_binary_file('$tmp/examples/version' || :v || '.wasm'));
SELECT pg_sleep(0.05);
SQL
chmod a+r "$tmp"/*.sql

run_phase() {  # label seconds clients script [replacer script]
  local started processed replaced failures clients_rc replacer_rc replacer
  started=$(sql_value "SELECT pg_postmaster_start_time()")
  echo "=== $1: pgbench, $3 clients, a new connection per transaction, $2 s; one more client replaces modules"
  as_pg "$pgbench" -n -h "$tmp" -p "$port" -T "$2" -f "$tmp/${5:-replacer.sql}" postgres >"$tmp/replacer.out" 2>&1 &
  replacer=$!
  as_pg "$pgbench" -n -C -h "$tmp" -p "$port" -c "$3" -j 2 -T "$2" -f "$tmp/$4" postgres >"$tmp/clients.out" 2>&1
  clients_rc=$?
  wait "$replacer"
  replacer_rc=$?
  grep -E "transactions actually processed|failed transactions|tps|latency average|aborted" "$tmp/clients.out"
  echo "replacer:"
  grep -E "transactions actually processed|failed transactions|aborted" "$tmp/replacer.out"
  processed=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/clients.out")
  replaced=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$tmp/replacer.out")
  failures=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$tmp/clients.out")
  check "$1: clients: pgbench exit status" "$clients_rc" 0
  check "$1: replacer: pgbench exit status" "$replacer_rc" 0
  if [[ ${processed:-0} -gt 0 && ${replaced:-0} -gt 0 ]]; then pass "$1: $processed transactions, the module replaced $replaced times"
  else fail "$1: nothing ran (processed '${processed:-}', replaced '${replaced:-}')"; cat "$tmp/clients.out"; fi
  check "$1: failed transactions" "${failures:-missing}" 0
  check "$1: no client aborted" "$(grep -c aborted "$tmp/clients.out")" 0
  check "$1: postmaster not restarted" "$(sql_value "SELECT pg_postmaster_start_time()")" "$started"
  psql_pg -d postgres -c "SELECT mode, entries, bytes_used, hits, misses, evictions, round(compile_seconds::numeric, 3) AS compile_s,
    round(compile_seconds_saved::numeric, 3) AS saved_s FROM wasm.cache_stats"
}

run_phase "load" "$seconds" "$clients" clients.sql
echo "wasm.code_cache_size = '1MB'" >>"$tmp/data/postgresql.conf"
cluster_restart
run_phase "eviction pressure" "$(( seconds / 4 < 5 ? 5 : seconds / 4 ))" "$(( clients / 2 < 1 ? 1 : clients / 2 ))" pressure.sql
check "eviction pressure: entries were evicted, the cache within its size" \
  "$(sql_value "SELECT evictions > 0 AND bytes_used <= bytes_total FROM wasm.cache_stats")" t
sed -i '/^wasm.code_cache_size/d' "$tmp/data/postgresql.conf"
cluster_restart
run_phase "sets, triggers and aggregates" "$(( seconds / 4 < 5 ? 5 : seconds / 4 ))" "$(( clients / 2 < 1 ? 1 : clients / 2 ))" \
  kinds.sql kinds_replacer.sql
check "sets, triggers and aggregates: every row through the trigger normalised" \
  "$(sql_value "SELECT count(*) > 0 AND bool_and(email = 'x' || n || '@y.z') FROM sink")" t
no_crash
summary
