#!/usr/bin/env bash
# The code cache, across sessions, on a throwaway cluster with shared_preload_libraries:
#   - a second session's first call is a cache hit;
#   - replacing a module makes every session (one already running included) use the new code;
#   - concurrent first calls of one module from several sessions all get correct results,
#     and the module is compiled at most twice;
#   - a hit runs the code where it lies in the shared code file, mapped executable and
#     never writable (W^X);
#   - eviction under a tiny wasm.code_cache_size keeps results correct, also for a session
#     that keeps running a mapped entry's code while other sessions cycle the cache;
#   - without preloading, everything works with the backend's own cache;
#   - a backend killed with SIGKILL while compiling leaves no entry that others would use;
#   - an entry damaged in the code file is detected by its checksum, dropped with a
#     WARNING, and compiled again; its code never runs;
#   - where memfd_create fails (an old kernel, a sandbox), the server says so and works
#     with per-backend caches;
#   - a single-user backend (postgres --single, where PostgreSQL keeps no stack base) runs
#     wasm functions, and deep recursion still ends in the stack ERROR.
# Reference results come from the engine's CLI (build/wasm-run) on the same modules.
#   cache_tests.sh [BUILD_DIR]     last line: "N passed, N failed"
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
source "$repo/test/pg/cluster.sh"

cluster_init "shared_preload_libraries = 'wasm'" || { echo "0 passed, 1 failed"; exit 1; }
cluster_copy_modules "$build"/examples/*.wasm "$build"/test/pg-modules/version*.wasm

# A module big enough (about 1 MB of code) for compilation to take a while: gen_big in
# cluster.sh.
gen_big 24000 1 && gen_big 24000 2 || { echo "cannot build the big test modules"; echo "0 passed, 1 failed"; exit 1; }
# Middle-sized ones (about 500 kB of artifact each): two fit in a 1 MB cache, three do not.
for i in 3 4 5; do gen_big 3000 $i || { echo "cannot build the test modules"; echo "0 passed, 1 failed"; exit 1; }; done
big1_ref=$(big_answer 1 10)
big2_ref=$(big_answer 2 10)
mid_refs=$(for i in 3 4 5; do big_answer $i 10; done | paste -sd'|')

cluster_start || { echo "0 passed, 1 failed"; exit 1; }
psql_pg -d postgres >/dev/null <<'SQL' || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
CREATE EXTENSION wasm;
CREATE FUNCTION example(file text) RETURNS bytea LANGUAGE sql STABLE
  AS $$ SELECT pg_read_binary_file(current_setting('data_directory') || '/../examples/' || file) $$;
SELECT wasm.load_module(m, example(m || '.wasm'))
  FROM unnest(ARRAY['math', 'text', 'bytes', 'json', 'nulls', 'hostile']) m;
SELECT wasm.load_module('versioned', example('version1.wasm'));
SELECT wasm.load_module('big1', example('big1.wasm'));
SELECT wasm.load_module('big2', example('big2.wasm'));
SELECT wasm.load_module('mid' || i, example('big' || i + 2 || '.wasm')) FROM generate_series(1, 3) i;
CREATE FUNCTION add(int, int) RETURNS int LANGUAGE wasm STRICT AS 'math:add';
CREATE FUNCTION collatz(bigint) RETURNS int LANGUAGE wasm STRICT AS 'math:collatz';
CREATE FUNCTION vowels(text) RETURNS int LANGUAGE wasm STRICT AS 'text:vowels';
CREATE FUNCTION crc32(bytea) RETURNS bigint LANGUAGE wasm STRICT AS 'bytes:crc32';
CREATE FUNCTION json_pick(jsonb, text) RETURNS jsonb LANGUAGE wasm STRICT AS 'json:json_pick';
CREATE FUNCTION greet(text) RETURNS text LANGUAGE wasm AS 'nulls:greet';
CREATE FUNCTION divide(int, int) RETURNS int LANGUAGE wasm STRICT AS 'hostile:divide';
CREATE FUNCTION deep_recursion(int) RETURNS int LANGUAGE wasm STRICT AS 'hostile:deep_recursion';
CREATE FUNCTION module_version() RETURNS int LANGUAGE wasm AS 'versioned:version';
CREATE FUNCTION big1(int) RETURNS int LANGUAGE wasm STRICT AS 'big1:answer';
CREATE FUNCTION big2(int) RETURNS int LANGUAGE wasm STRICT AS 'big2:answer';
CREATE FUNCTION mid1(int) RETURNS int LANGUAGE wasm STRICT AS 'mid1:answer';
CREATE FUNCTION mid2(int) RETURNS int LANGUAGE wasm STRICT AS 'mid2:answer';
CREATE FUNCTION mid3(int) RETURNS int LANGUAGE wasm STRICT AS 'mid3:answer';
SQL

# 1. A second session's first call is a hit.
check "mode is shared with preloading" "$(sql_value "SELECT mode FROM wasm.cache_stats")" shared
# (a call, then the statistics: in one statement they would be read before the call)
call_then_stats() {
  psql_pg -At -d postgres -c "$1" -c "SELECT ${2:-backend_hits, backend_misses} FROM wasm.cache_stats" | tr '\n' ' '
}
check "first session compiles" "$(call_then_stats "SELECT add(1, 2)")" "3 0|1 "
check "second session's first call is a hit" "$(call_then_stats "SELECT add(2, 3)")" "5 1|0 "

# A session that hit: while it sleeps, its maps show the code file mapped read+execute and
# shared, and no mapping of the file is writable (in it or in any other backend).
as_pg "$bindir/psql" -X -At -h "$tmp" -p "$port" -d postgres \
  -c "SELECT pg_backend_pid(), add(3, 4)" -c "SELECT pg_sleep(1.5)" >"$tmp/mapped.out" 2>&1 &
mapped=$!
for _ in $(seq 1 100); do [[ -s $tmp/mapped.out ]] && break; sleep 0.02; done
hit_pid=$(sed -n 's/^\([0-9]*\)|7$/\1/p' "$tmp/mapped.out")
if [[ -n $hit_pid ]]; then
  check "a hit runs its code from the shared code file (r-xs)" \
    "$(grep -c ' r-xs .*memfd:pg_wasm code cache' "/proc/$hit_pid/maps")" 1
  writable=0
  for pid in $(pgrep -f "postgres: .*postgres" ) $hit_pid; do
    [[ -r /proc/$pid/maps ]] && writable=$((writable + $(grep -c ' .w.. .*memfd:pg_wasm code cache' "/proc/$pid/maps")))
  done
  check "no backend maps the code file writable" "$writable" 0
else
  fail "the session that hits gave: $(cat "$tmp/mapped.out")"
fi
wait "$mapped"

# 2. Replacing a module: a session that is already running and new sessions run the new code.
as_pg "$bindir/psql" -X -At -h "$tmp" -p "$port" -d postgres \
  -c "SELECT module_version()" -c "SELECT pg_sleep(2)" -c "SELECT module_version()" >"$tmp/long.out" 2>&1 &
long=$!
sleep 0.7
check "before the replacement" "$(sql_value "SELECT module_version()")" 1
sql_value "SELECT wasm.load_module('versioned', example('version2.wasm'))" >/dev/null
check "a new session after the replacement" "$(sql_value "SELECT module_version()")" 2
wait "$long"
check "a running session after the replacement" "$(tr '\n' ' ' <"$tmp/long.out")" "1  2 "

# 3. Concurrent first calls of one module (about 1 MB of code) from 8 sessions.
before=$(sql_value "SELECT misses FROM wasm.cache_stats")
for i in $(seq 1 8); do
  as_pg "$bindir/psql" -X -At -h "$tmp" -p "$port" -d postgres -c "SELECT big1(10)" >"$tmp/conc$i.out" 2>&1 &
done
wait
good=0
for i in $(seq 1 8); do [[ $(cat "$tmp/conc$i.out") == "$big1_ref" ]] && good=$((good + 1)); done
check "8 concurrent first calls, correct results" "$good" 8
compiled=$(($(sql_value "SELECT misses FROM wasm.cache_stats") - before))
if [[ $compiled -ge 1 && $compiled -le 2 ]]; then pass "compiled $compiled time(s) for 8 concurrent sessions"
else fail "compiled $compiled times for 8 concurrent sessions"; fi
check "a ninth session hits" "$(call_then_stats "SELECT big1(10)" backend_hits)" "$big1_ref 1 "
no_crash

# 4. Eviction under a tiny cache: results stay correct, entries are evicted. (big1's
#    artifact does not fit at all: it is compiled by every backend that needs it.) A
#    session that mapped mid1 keeps running its code while other sessions evict entries
#    and write other artifacts: a mapped entry is not evicted, its range not reused.
echo "wasm.code_cache_size = '1MB'" >>"$tmp/data/postgresql.conf"
cluster_restart
check "tiny cache configured" "$(sql_value "SHOW wasm.code_cache_size")" 1MB
sql_value "SELECT mid1(10)" >/dev/null  # compiled and published
as_pg "$bindir/psql" -X -At -h "$tmp" -p "$port" -d postgres \
  -c "SELECT mid1(10)" -c "SELECT pg_sleep(4)" -c "SELECT mid1(10), mid1(20) - mid1(20)" >"$tmp/pinned.out" 2>&1 &
pinned=$!
sleep 0.5
want="3|3|3142|3421780262|1|hello, ada|5|$big1_ref|$mid_refs"
bad=0
for round in 1 2 3; do
  got=$(sql_value "SELECT add(1, 2), vowels('aei'), sum(collatz(i)) FROM generate_series(1, 100) i")
  got="$got|$(sql_value "SELECT crc32('123456789')")"
  got="$got|$(sql_value "SELECT json_pick('{\"a\": 1}', 'a')")"
  got="$got|$(sql_value "SELECT greet('ada')")"
  got="$got|$(sql_value "SELECT divide(10, 2)")"
  got="$got|$(sql_value "SELECT big1(10)")"
  for i in 1 2 3; do got="$got|$(sql_value "SELECT mid$i(10)")"; done
  [[ $got == "$want" ]] || { bad=$((bad + 1)); echo "round $round: $got"; }
done
check "results under a tiny cache, 3 rounds of 11 modules" "$bad" 0
ev=$(sql_value "SELECT evictions >= 6 AND bytes_used <= bytes_total FROM wasm.cache_stats")
check "entries were evicted, and the cache stayed within its size" "$ev" t
wait "$pinned"
mid1_ref=${mid_refs%%|*}
check "a session ran a mapped entry's code while others cycled the cache" "$(tr '\n' ' ' <"$tmp/pinned.out")" "$mid1_ref  $mid1_ref|0 "
no_crash

# Pressure: session A maps mid1 and mid2, which fill the 1 MB cache; B cannot publish mid3
# (nothing it could evict is unmapped) and compiles it for itself; at its next statement A
# lets go of the modules it keeps but does not run; then C publishes mid3 (evicting them)
# and D hits it.
cluster_restart
sql_value "SELECT mid1(10)" >/dev/null && sql_value "SELECT mid2(10)" >/dev/null
mkfifo "$tmp/a.fifo" && chmod a+rw "$tmp/a.fifo"
as_pg "$bindir/psql" -X -At -h "$tmp" -p "$port" -d postgres <"$tmp/a.fifo" >"$tmp/a.out" 2>&1 &
session_a=$!
exec 3>"$tmp/a.fifo"
a_run() {  # runs a statement in session A and waits for its one line of output
  local before
  before=$(wc -l <"$tmp/a.out")
  echo "$1" >&3
  for _ in $(seq 1 500); do
    [[ $(wc -l <"$tmp/a.out") -gt $before ]] && { tail -n1 "$tmp/a.out"; return 0; }
    sleep 0.02
  done
  echo "session A gave no answer to: $1"
}
mid_sum=$(echo "$mid_refs" | awk -F'|' '{ print $1 + $2 }')
check "session A runs mid1 and mid2 from the cache" "$(a_run "SELECT mid1(10) + mid2(10), (SELECT backend_hits FROM wasm.cache_stats);")" "$mid_sum|2"
mid3_ref=${mid_refs##*|}
check "B cannot publish mid3: the cache is full of mapped entries" \
  "$(call_then_stats "SELECT mid3(10)" "backend_misses, misses, entries")" "$mid3_ref 1|3|2 "
check "session A's next statement" "$(a_run "SELECT add(1, 2);")" 3
check "C publishes mid3 now, evicting what A let go" "$(call_then_stats "SELECT mid3(10)" "backend_misses, evictions > 0")" "$mid3_ref 1|t "
check "and D hits it" "$(call_then_stats "SELECT mid3(10)" backend_hits)" "$mid3_ref 1 "
exec 3>&-
wait "$session_a"
no_crash

# 5. Without preloading: the backend's own cache.
sed -i "s/^shared_preload_libraries = 'wasm'$/shared_preload_libraries = ''/" "$tmp/data/postgresql.conf"
cluster_restart
check "mode is backend without preloading" \
  "$(psql_pg -At -d postgres -c "SELECT add(1, 1)" -c "SELECT add(2, 2)" -c "SELECT mode, backend_hits, backend_misses FROM wasm.cache_stats" | tr '\n' ' ')" \
  "2 4 backend|1|1 "
check "big module without preloading" "$(sql_value "SELECT big2(10)")" "$big2_ref"
no_crash

# 6. SIGKILL of a backend while it compiles big2 (about 1 MB, cache empty): the postmaster
#    reinitializes shared memory, the cache comes back empty and consistent, and the next
#    session compiles again and gets the right result.
sed -i -e "s/^shared_preload_libraries = ''$/shared_preload_libraries = 'wasm'/" \
  -e "/^wasm.code_cache_size/d" "$tmp/data/postgresql.conf"
cluster_restart
as_pg "$bindir/psql" -X -At -h "$tmp" -p "$port" -d postgres -c "SET application_name = 'victim'" \
  -c "SELECT big2(10)" >"$tmp/victim.out" 2>&1 &
victim=""
for _ in $(seq 1 200); do
  victim=$(sql_value "SELECT pid FROM pg_stat_activity WHERE application_name = 'victim' AND state = 'active'")
  [[ -n $victim ]] && break
  sleep 0.005
done
if [[ -n $victim ]]; then
  kill -9 "$victim"
  wait
  for _ in $(seq 1 100); do as_pg "$bindir/pg_isready" -q -h "$tmp" -p "$port" && break; sleep 0.1; done
  sleep 0.5
  check "after SIGKILL: the cache was reinitialized, empty" "$(sql_value "SELECT entries, hits, misses FROM wasm.cache_stats")" "0|0|0"
  check "after SIGKILL: the next session compiles and gets the right result" \
    "$(call_then_stats "SELECT big2(10)")" "$big2_ref 0|1 "
  check "and the session after that hits it" "$(call_then_stats "SELECT big2(10)" backend_hits)" "$big2_ref 1 "
else
  fail "the victim session never became active"
fi

# 7. Damage: overwrite the code of the first entry of the code file (math, alone in a
#    cache restarted empty) with int3 instructions, through the postmaster's descriptor of
#    the memfd. The next session's hit must see the checksum fail, drop the entry and
#    compile; had the code run, the backend would have died of SIGTRAP.
cluster_restart
log_from=$(($(wc -l <"$tmp/postmaster.log") + 1))  # after section 6's deliberate SIGKILL
check "math compiled and published into an empty cache" "$(call_then_stats "SELECT add(1, 2)")" "3 0|1 "
pm=$(head -1 "$tmp/data/postmaster.pid")
memfd=$(find "/proc/$pm/fd" -lname '/memfd:pg_wasm code cache*' | head -1)
if [[ -n $memfd ]]; then
  # The artifact's code starts on its second page (the header, binary and offsets of a
  # small module fill less than one).
  printf '\xcc%.0s' $(seq 1 256) | dd of="$memfd" bs=256 seek=16 conv=notrunc status=none
  out=$(psql_pg -At -d postgres -c "SELECT add(1, 2)" -c "SELECT backend_hits, backend_misses FROM wasm.cache_stats" 2>&1 | tr '\n' ' ')
  check "a damaged entry: WARNING, compiled again, right result" "$out" \
    "WARNING:  discarded a damaged entry of the wasm code cache DETAIL:  Its checksum does not match. 3 0|1 "
  check "the entry compiled again is used by the next session" "$(call_then_stats "SELECT add(1, 2)")" "3 1|0 "
else
  fail "no memfd of the code cache among the postmaster's descriptors"
fi
no_crash "$log_from"

# 8. No memfd_create (a seccomp filter around the postmaster, inherited by every backend):
#    a WARNING at startup, the per-backend mode, correct results.
cluster_stop
log_from=$(($(wc -l <"$tmp/postmaster.log") + 1))
cp "$build/test/without_memfd" "$tmp/" && chmod a+rx "$tmp/without_memfd"
if as_pg "$tmp/without_memfd" "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/postmaster.log" -w start >/dev/null; then
  check "without memfd_create: a WARNING at startup" \
    "$(tail -n +"$log_from" "$tmp/postmaster.log" | grep -c 'WARNING:  cannot create the wasm code cache: Function not implemented')" 1
  check "without memfd_create: per-backend mode, right results" \
    "$(psql_pg -At -d postgres -c "SELECT add(1, 2), big2(10)" -c "SELECT mode, backend_misses FROM wasm.cache_stats" | tr '\n' ' ')" \
    "3|$big2_ref backend|2 "
  no_crash "$log_from"
else
  fail "the postmaster did not start without memfd_create"
fi

# 9. A single-user backend (what a DBA runs to recover a cluster): PostgreSQL 15 sets no
#    stack base there, and the Wasm stack limit must still be max_stack_depth below the
#    stack's top (once it wrapped, and every call failed with "exhausted the stack").
cluster_stop
single=$(printf '%s\n' "SELECT add(1, 2) AS r;" "SELECT collatz(27) AS r;" "SELECT divide(1, 0);" \
           "SELECT deep_recursion(0);" "SELECT add(2, 3) AS r;" |
         as_pg "$bindir/postgres" --single -D "$tmp/data" postgres 2>&1)
check "single-user backend: results" "$(grep -o 'r = "[0-9]*"' <<<"$single" | tr '\n' ' ')" \
  'r = "3" r = "111" r = "5" '
check "single-user backend: a trap and deep recursion are ERRORs" \
  "$(grep -o 'ERROR:  wasm function [a-z_]*([a-z,]*) [a-z ]*' <<<"$single" | tr '\n' '|')" \
  "ERROR:  wasm function divide(integer,integer) trapped|ERROR:  wasm function deep_recursion(integer) exhausted the stack|"
check "single-user backend: no crash" "$(grep -c -i 'terminated by signal\|server process.*was terminated\|PANIC' <<<"$single")" 0

summary
