#!/usr/bin/env bash
# The extension's SQL tests on a throwaway cluster:
#   1. pg_regress over sql/ and expected/ (schedule: test/pg/schedule);
#   2. pg_dump and pg_restore of modules and functions into a fresh database;
#   3. pg_terminate_backend of a session inside an endless Wasm loop;
#   4. the server log must never say "terminated by signal" (a backend crash).
# The extension must be installed (make install). With --preload the cluster runs with
# shared_preload_libraries = 'wasm' (the shared code cache); the results must not differ.
#   run_regress.sh [--preload] [BUILD_DIR]     last line: "N passed, N failed"
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
preload=""
if [[ ${1:-} == --preload ]]; then preload="shared_preload_libraries = 'wasm'"; shift; fi
build=$(cd "${1:-$repo/build}" && pwd)
source "$repo/test/pg/cluster.sh"
pg_regress=$(dirname "$(pg_config --pgxs)")/../test/regress/pg_regress

cluster_init "$preload" || { echo "initdb failed"; echo "0 passed, 1 failed"; exit 1; }
echo "pgwasm_test.examples = '$tmp/examples'" >>"$tmp/data/postgresql.conf"
# The tests and the modules they load, where the postgres user can read them (a clone
# under /root is not).
cluster_copy_modules "$build"/examples/*.wasm "$build"/test/pg-modules/*.wasm
mkdir -p "$tmp/input"
cp -r "$repo/sql" "$repo/expected" "$repo/test/pg/schedule" "$tmp/input/"
chmod -R a+rX "$tmp/input"
cluster_start || { echo "0 passed, 1 failed"; exit 1; }
echo "=== SQL tests${preload:+ with $preload}"

# 1. pg_regress
out=$tmp/regress
as_pg mkdir -p "$out"
as_pg "$bindir/createdb" -h "$tmp" -p "$port" wasm_regression
as_pg "$pg_regress" --use-existing --host="$tmp" --port="$port" --dbname=wasm_regression \
  --inputdir="$tmp/input" --outputdir="$out" --bindir="$bindir" \
  --schedule="$tmp/input/schedule" 2>&1 | tee "$tmp/regress.log"
rc=${PIPESTATUS[0]}
r_ok=$(grep -cE '^(test|    ) .* \.\.\. ok' "$tmp/regress.log")
r_bad=$(grep -cE '\.\.\. FAILED' "$tmp/regress.log")
# Every scheduled test must have run and passed (pg_regress may fail before running any).
scheduled=$(sed -n 's/^test: *//p' "$tmp/input/schedule" | wc -w)
if [[ $((r_ok + r_bad)) -ne $scheduled || ($rc -ne 0 && $r_bad -eq 0) ]]; then
  r_bad=$((scheduled - r_ok))
  echo "pg_regress exited with status $rc after $r_ok of $scheduled tests passed"
fi
passed=$((passed + r_ok))
failed=$((failed + r_bad))
if [[ $r_bad -gt 0 ]]; then
  keep=1
  [[ -f $out/regression.diffs ]] && cat "$out/regression.diffs"
fi

# 2. pg_dump / pg_restore of modules and functions
dump_check() {
  psql_pg -d postgres -c "CREATE DATABASE dump_src" -c "CREATE DATABASE dump_dst" || return 1
  psql_pg -d dump_src <<'SQL' || return 1
CREATE EXTENSION wasm;
SELECT wasm.load_module('math', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/math.wasm'));
SELECT wasm.load_module('text', pg_read_binary_file(current_setting('pgwasm_test.examples') || '/text.wasm'));
CREATE FUNCTION add(int, int) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'math:add';
CREATE FUNCTION slugify(text) RETURNS text LANGUAGE wasm STRICT IMMUTABLE AS 'text:slugify';
CREATE TABLE posts (title text);
INSERT INTO posts (title) VALUES ('Hello, World!'), ('pg-wasm: Dump & Restore');
-- an expression index is rebuilt after the data (modules included) is restored
CREATE UNIQUE INDEX posts_slug ON posts (slugify(title));
-- a module of another role: its owner is restored, and recorded (DROP ROLE refuses it)
CREATE ROLE dump_owner;
UPDATE wasm.module_store SET owner = 'dump_owner' WHERE name = 'text';
SQL
  as_pg "$bindir/pg_dump" -h "$tmp" -p "$port" -Fc -f "$tmp/dump_src.dump" dump_src || return 1
  as_pg "$bindir/pg_restore" -h "$tmp" -p "$port" --exit-on-error -d dump_dst "$tmp/dump_src.dump" || return 1
  local got want
  want=$'hello-world|42|2\npg-wasm-dump-restore|42|2'
  got=$(psql_pg -d dump_dst -At -c "SET enable_seqscan = off" -c \
    "SELECT slugify(title), add(40, 2), (SELECT count(*) FROM wasm.modules) FROM posts WHERE slugify(title) > '' ORDER BY 1") || return 1
  if [[ $got != "$want" ]]; then
    echo "restored database answered:"; echo "$got"; echo "expected:"; echo "$want"
    return 1
  fi
  got=$(psql_pg -d dump_dst -At -c "SELECT owner FROM wasm.modules WHERE name = 'text'" \
    -c "SELECT count(*) FROM pg_shdepend WHERE classid = 'wasm.module_store'::regclass AND refobjid = 'dump_owner'::regrole") || return 1
  if [[ $got != $'dump_owner\n1' ]]; then echo "restored owner: $got"; return 1; fi
  psql_pg -d dump_src -q -c "DROP OWNED BY dump_owner CASCADE" || return 1
  if psql_pg -d postgres -q -c "DROP ROLE dump_owner" 2>/dev/null; then echo "dropped the owner of a restored module"; return 1; fi
  psql_pg -d dump_dst -q -c "DROP OWNED BY dump_owner CASCADE" -c "DROP ROLE dump_owner" || return 1
}
if dump_check; then pass "pg_dump/pg_restore of modules and functions"; else fail "pg_dump/pg_restore"; fi

# 3. pg_terminate_backend on a session inside an endless Wasm loop: a clean FATAL for that
#    session only; the postmaster does not restart.
terminate_check() {
  local started victim out
  started=$(db=wasm_regression sql_value "SELECT pg_postmaster_start_time()") || return 1
  as_pg "$bindir/psql" -X -h "$tmp" -p "$port" -d wasm_regression \
    -c "SET application_name = 'wasm_terminate_victim'" -c "SET wasm.fuel_limit = 0" -c "SET wasm.call_fuel_limit = 0" \
    -c "SELECT infinite_loop()" >"$tmp/victim.out" 2>&1 &
  victim=$!
  for _ in $(seq 1 100); do
    out=$(db=wasm_regression sql_value "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
      WHERE application_name = 'wasm_terminate_victim' AND query = 'SELECT infinite_loop()' AND state = 'active'")
    [[ $out == t ]] && break
    sleep 0.1
  done
  wait "$victim"
  if ! grep -q "FATAL:  terminating connection due to administrator command" "$tmp/victim.out"; then
    echo "the victim session said:"; cat "$tmp/victim.out"
    return 1
  fi
  [[ $(db=wasm_regression sql_value "SELECT pg_postmaster_start_time()") == "$started" ]]
}
if terminate_check; then pass "pg_terminate_backend ends an endless Wasm loop cleanly"; else fail "pg_terminate_backend"; fi

# 4. no backend died of a signal
no_crash
summary
