#!/usr/bin/env bash
# Security checks that need several sessions at once (issue 9), on a throwaway cluster:
#   - ownership race: while role A's first load of a module is uncommitted, role B's
#     load of the same name waits, and then fails with "must be owner" (it used to
#     replace A's code while the catalog still named A as the owner);
#   - module owners: DROP ROLE refused from any database and session, DROP OWNED,
#     TRUNCATE of the catalog and DROP EXTENSION clean up without the library, REASSIGN
#     OWNED refused without it;
#   - a limit a user raised before the library loaded (a placeholder) is judged by the
#     session's user when it loads, even inside a superuser's SECURITY DEFINER function;
#   - a parallel query's workers share their leader's fuel budget: with half the fuel
#     a full scan needs, the query fails whether it runs serially or with workers (each
#     worker used to get a whole budget of its own), and with enough it succeeds in both;
#     the same for a parallel index build over a Wasm expression.
#   security_tests.sh [BUILD_DIR]     last line: "N passed, N failed"
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
source "$repo/test/pg/cluster.sh"

cluster_init "max_worker_processes = 8
max_parallel_workers = 4" || { echo "0 passed, 1 failed"; exit 1; }
cluster_copy_modules "$build"/test/pg-modules/spin.wasm "$build"/examples/math.wasm
cluster_start || { echo "0 passed, 1 failed"; exit 1; }
psql_pg -d postgres >/dev/null <<'SQL' || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
CREATE EXTENSION wasm;
CREATE ROLE racer_a LOGIN;
CREATE ROLE racer_b LOGIN;
GRANT EXECUTE ON FUNCTION wasm.load_module(text, bytea) TO racer_a, racer_b;
CREATE TABLE module_bytes AS
  SELECT pg_read_binary_file(current_setting('data_directory') || '/../examples/spin.wasm') AS spin,
         pg_read_binary_file(current_setting('data_directory') || '/../examples/math.wasm') AS math;
GRANT SELECT ON module_bytes TO PUBLIC;
SELECT wasm.load_module('spin', spin) FROM module_bytes;
CREATE FUNCTION spin(int) RETURNS int LANGUAGE wasm STRICT PARALLEL SAFE AS 'spin:spin';
CREATE TABLE rows AS SELECT i FROM generate_series(1, 200000) i;
ANALYZE rows;
SQL

# --- the ownership race ---------------------------------------------------------------
psql_as() {  # ROLE, then psql arguments
  local role=$1
  shift
  as_pg "$bindir/psql" -X -q -h "$tmp" -p "$port" -d postgres -U "$role" "$@"
}
# A: loads "race" in a transaction that stays open for 3 seconds.
psql_as racer_a -c "BEGIN" -c "SELECT wasm.load_module('race', spin) FROM module_bytes" \
  -c "SELECT pg_sleep(3)" -c "COMMIT" >"$tmp/race_a.out" 2>&1 &
a=$!
for _ in $(seq 1 50); do
  [[ $(sql_value "SELECT count(*) FROM pg_stat_activity WHERE usename = 'racer_a' AND query LIKE '%pg_sleep%'") == 1 ]] && break
  sleep 0.1
done
# B: loads other code under the same name; it must wait for A, then fail.
start=$(date +%s.%N)
psql_as racer_b -c "SELECT wasm.load_module('race', math) FROM module_bytes" >"$tmp/race_b.out" 2>&1
end=$(date +%s.%N)
wait "$a"
waited=$(awk -v s="$start" -v e="$end" 'BEGIN { print (e - s > 1.5) ? "yes" : "no" }')
check "B's load waits for A's transaction" "$waited" yes
if grep -q "must be owner of module race" "$tmp/race_b.out"; then
  pass "B's load then fails: must be owner of module race"
else
  fail "B's load said: $(cat "$tmp/race_b.out")"
fi
check "the module is A's code, owned by A" \
  "$(sql_value "SELECT owner || ' ' || (bytes = (SELECT spin FROM module_bytes)) FROM wasm.module_store WHERE name = 'race'")" \
  "racer_a true"

# --- module owners, in sessions without the library and in other databases --------------
# A module's owner is recorded as PostgreSQL records the owners of its own objects: DROP
# ROLE refuses it from any database and any session, DROP OWNED (an event trigger) takes
# its modules along everywhere, and REASSIGN OWNED without the library is refused, not
# ignored. Each psql below is a new session, in which the library is not loaded.
psql_pg -d postgres -q <<'SQL'
CREATE ROLE mod_owner;
GRANT EXECUTE ON FUNCTION wasm.load_module(text, bytea) TO mod_owner;
SET ROLE mod_owner;
SELECT wasm.load_module('owned_here', spin) FROM module_bytes;
RESET ROLE;
CREATE DATABASE elsewhere;
SQL
refused() {  # refused DESCRIPTION DB SQL: the statement fails and mod_owner is still there
  local out
  out=$(psql_pg -d "$2" -At -c "$3" 2>&1)
  if grep -q ERROR <<<"$out" && [[ $(sql_value "SELECT count(*) FROM pg_roles WHERE rolname = 'mod_owner'") == 1 ]]; then
    pass "$1"
  else
    fail "$1: $out"
  fi
}
refused "DROP ROLE of a module's owner, from a session without the library" postgres "DROP ROLE mod_owner"
refused "... and from another database" elsewhere "DROP ROLE mod_owner"
out=$(psql_pg -d elsewhere -At -c "DROP ROLE mod_owner" 2>&1)
if grep -q "objects\? in database postgres" <<<"$out"; then pass "... which names the database"; else fail "... said: $out"; fi
refused "REASSIGN OWNED without the library" postgres "REASSIGN OWNED BY mod_owner TO postgres"
check "... left the module to its owner" "$(sql_value "SELECT owner FROM wasm.modules WHERE name = 'owned_here'")" mod_owner
out=$(psql_pg -d postgres -At -c "LOAD 'wasm'" -c "REASSIGN OWNED BY mod_owner TO racer_a" 2>&1)
check "REASSIGN OWNED with the library" "$(sql_value "SELECT owner FROM wasm.modules WHERE name = 'owned_here'")" racer_a
psql_pg -d postgres -At -c "LOAD 'wasm'" -c "REASSIGN OWNED BY racer_a TO mod_owner" >/dev/null 2>&1
out=$(psql_pg -d postgres -At -c "DROP OWNED BY mod_owner" -c "DROP ROLE mod_owner" 2>&1)
check "DROP OWNED without the library drops the modules, then DROP ROLE works" \
  "$(grep -c ERROR <<<"$out") $(sql_value "SELECT count(*) FROM wasm.modules WHERE name = 'owned_here'")" "0 0"
# Truncating the catalog, or dropping the extension, forgets every owner: their roles can
# be dropped afterwards.
gone_owner_module() {
  psql_pg -d elsewhere -q <<'SQL'
CREATE ROLE gone_owner;
SELECT wasm.load_module('spin', pg_read_binary_file(current_setting('data_directory') || '/../examples/spin.wasm'));
UPDATE wasm.module_store SET owner = 'gone_owner';
SQL
}
psql_pg -d elsewhere -q -c "CREATE EXTENSION wasm"
gone_owner_module
out=$(psql_pg -d elsewhere -At -c "TRUNCATE wasm.module_store" -c "DROP ROLE gone_owner" 2>&1)
check "TRUNCATE of the catalog forgets the owners" "$(grep -c ERROR <<<"$out")" 0
gone_owner_module
out=$(psql_pg -d elsewhere -At -c "DROP EXTENSION wasm" -c "DROP ROLE gone_owner" 2>&1)
check "DROP EXTENSION leaves no owner records behind" "$(grep -c ERROR <<<"$out")" 0
psql_pg -d postgres -q -c "DROP DATABASE elsewhere"

# --- limits set before the library loads ---------------------------------------------------
# Without preloading, a user's SET of a limit before the first Wasm call is applied again
# when the library loads, perhaps inside a superuser's SECURITY DEFINER function: it is
# judged by the session's user, not by whoever is current then.
psql_pg -d postgres -q <<'SQL'
CREATE ROLE limited LOGIN;
CREATE FUNCTION admin_spin() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT spin(1)';
GRANT EXECUTE ON FUNCTION admin_spin() TO limited;
SQL
out=$(psql_as limited -At -c "SET wasm.call_fuel_limit = 0" -c "SET wasm.fuel_limit = 0" \
      -c "SELECT admin_spin()" -c "SHOW wasm.call_fuel_limit" -c "SHOW wasm.fuel_limit" 2>&1)
if grep -q 'permission denied to raise "wasm.call_fuel_limit"' <<<"$out" &&
   [[ $(tail -n2 <<<"$out" | tr '\n' ' ') == "1e+09 1e+11 " ]]; then
  pass "a limit raised before the library loaded is refused when it loads"
else
  fail "a limit raised before the library loaded: $out"
fi

# --- a role without modules makes no loader wait ----------------------------------------------
# Any role may run REASSIGN OWNED (or DROP OWNED) of itself and keep its transaction
# open; owning no module, it takes no lock on the catalog.
psql_as limited -c "SELECT spin(1)" -c "BEGIN" -c "REASSIGN OWNED BY CURRENT_USER TO CURRENT_USER" \
  -c "SELECT pg_sleep(4)" -c "COMMIT" >/dev/null 2>&1 &
holder=$!
sleep 1
out=$(psql_pg -d postgres -At -c "SET statement_timeout = '2s'" \
      -c "SELECT wasm.load_module('not_waiting', spin) IS NOT NULL FROM module_bytes" -c "SELECT wasm.drop_module('not_waiting')" 2>&1)
wait "$holder"
check "loading is not blocked by another role's open REASSIGN OWNED" "$(grep -c ERROR <<<"$out")" 0

# --- the ceiling is the server's setting now -------------------------------------------------
# A session whose own SET hides the server's value still learns of a lower value at a
# reload (PostgreSQL checks it there without assigning it), and cannot raise above it.
out=$(psql_as limited -At <<SQL 2>&1
SELECT spin(1);
SET wasm.fuel_limit = 5;
\\! $bindir/psql -X -q -h $tmp -p $port -d postgres -c "LOAD 'wasm'" -c "ALTER SYSTEM SET wasm.fuel_limit = 1000000" -c "SELECT pg_reload_conf()" >/dev/null
SELECT pg_sleep(1);
SET wasm.fuel_limit = 1e11;
SHOW wasm.fuel_limit;
SQL
)
psql_pg -d postgres -q -c "LOAD 'wasm'" -c "ALTER SYSTEM RESET wasm.fuel_limit" -c "SELECT pg_reload_conf()" >/dev/null
if grep -q 'permission denied to raise "wasm.fuel_limit"' <<<"$out" && grep -q "at most 1000000 instructions" <<<"$out" &&
   [[ $(tail -n1 <<<"$out") == 5 ]]; then
  pass "a lower server setting read at a reload holds a session with its own SET"
else
  fail "the ceiling after a reload: $out"
fi

# --- parallel workers share the statement's fuel ---------------------------------------
parallel=(-c "SET max_parallel_workers_per_gather = 2" -c "SET parallel_setup_cost = 0"
          -c "SET parallel_tuple_cost = 0" -c "SET min_parallel_table_scan_size = 0"
          -c "SET parallel_leader_participation = on")
serial=(-c "SET max_parallel_workers_per_gather = 0")
query="SELECT sum(spin(200)) FROM rows"
plan=$(psql_pg -d postgres -At "${parallel[@]}" -c "EXPLAIN (COSTS OFF) $query")
if grep -q "Workers Planned: 2" <<<"$plan"; then pass "the query runs with two workers"; else fail "no parallel plan: $plan"; fi
# What the whole scan uses, serially (EXPLAIN ANALYZE's WebAssembly group, which needs the
# library loaded before the EXPLAIN starts: here by a first call).
warm=(-c "SELECT spin(1)")
full=$(psql_pg -d postgres -At "${serial[@]}" "${warm[@]}" -c "EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) $query" |
       sed -n 's/.*"Fuel": \([0-9]*\).*/\1/p')
if [[ -n $full && $full -gt 1000000 ]]; then pass "a serial scan uses $full units of fuel"; else fail "no fuel reported: '$full'"; fi
parallel_fuel=$(psql_pg -d postgres -At "${parallel[@]}" "${warm[@]}" -c "EXPLAIN (ANALYZE, FORMAT JSON, TIMING OFF) $query" |
                sed -n 's/.*"Fuel": \([0-9]*\).*/\1/p')
check "EXPLAIN ANALYZE counts the workers' fuel too" "$parallel_fuel" "$full"
half=$((full / 2))
for mode in serial parallel; do
  if [[ $mode == serial ]]; then opts=("${serial[@]}"); else opts=("${parallel[@]}"); fi
  out=$(psql_pg -d postgres -At "${opts[@]}" -c "SET wasm.fuel_limit = $half" -c "$query" 2>&1)
  if grep -q "ran out of fuel" <<<"$out"; then pass "$mode, half the fuel: out of fuel"; else fail "$mode, half the fuel: $out"; fi
  out=$(psql_pg -d postgres -At "${opts[@]}" -c "SET wasm.fuel_limit = $((full * 2))" -c "$query" 2>&1)
  check "$mode, twice the fuel: the sum" "$out" "40000000"
done

# --- so do a parallel index build's workers ----------------------------------------------
psql_pg -d postgres -q -c "CREATE FUNCTION spin_imm(int) RETURNS int LANGUAGE wasm IMMUTABLE STRICT PARALLEL SAFE AS 'spin:spin'"
build=(-c "SET max_parallel_maintenance_workers = 2" -c "SET maintenance_work_mem = '256MB'"
       -c "SET min_parallel_table_scan_size = 0")
serial_build=(-c "SET max_parallel_maintenance_workers = 0")
index="CREATE INDEX rows_spin ON rows (spin_imm(i % 200 + 100))"
out=$(psql_pg -d postgres -At "${build[@]}" "${warm[@]}" -c "SET trace_sort = on" -c "SET client_min_messages = log" \
      -c "$index" -c "DROP INDEX rows_spin" 2>&1)
workers=$(grep -c "performsort of worker [0-9][0-9]* starting" <<<"$out")
if [[ $workers -ge 2 ]]; then pass "the index build sorts in $workers processes"; else fail "no parallel build: $out"; fi
for mode in serial parallel; do
  if [[ $mode == serial ]]; then opts=("${serial_build[@]}"); else opts=("${build[@]}"); fi
  out=$(psql_pg -d postgres -At "${opts[@]}" "${warm[@]}" -c "SET wasm.fuel_limit = $half" -c "$index" 2>&1)
  if grep -q "ran out of fuel" <<<"$out"; then pass "$mode index build, half the fuel: out of fuel"
  else fail "$mode index build, half the fuel: $out"; fi
  out=$(psql_pg -d postgres -At "${opts[@]}" "${warm[@]}" -c "SET wasm.fuel_limit = $((full * 2))" -c "$index" \
        -c "DROP INDEX rows_spin" 2>&1)
  check "$mode index build, twice the fuel: built" "$(grep -c ERROR <<<"$out")" 0
done
# A parallel query's pool does not outlive it: an index build after it in the session
# shares a pool of its own.
out=$(psql_pg -d postgres -At "${parallel[@]}" "${build[@]}" "${warm[@]}" -c "$query" -c "$index" \
      -c "DROP INDEX rows_spin" 2>&1)
check "a parallel query, then a parallel index build" "$(grep -c ERROR <<<"$out")" 0
# Without the library loaded in the leader before the workers start (first use in the
# session, no preloading), the workers refuse to run Wasm rather than each take a budget.
# (The leader reports the worker's error, or, when the worker is gone before the leader
# reads it, PostgreSQL's "lost connection to parallel worker"; the worker's error is in
# the server log either way.)
out=$(psql_pg -d postgres -At "${build[@]}" -c "$index" 2>&1)
if grep -q "ERROR" <<<"$out" && grep -q "cannot run in this parallel worker" "$tmp/postmaster.log" &&
   grep -q "HINT:  Run LOAD 'wasm' first" "$tmp/postmaster.log"; then
  pass "an index build in a fresh session: the workers refuse, and say what to do"
else
  fail "an index build in a fresh session: $out"
fi
out=$(psql_pg -d postgres -At "${build[@]}" -c "LOAD 'wasm'" -c "$index" -c "DROP INDEX rows_spin" 2>&1)
check "... and after LOAD 'wasm' it builds" "$(grep -c ERROR <<<"$out")" 0

no_crash
summary
