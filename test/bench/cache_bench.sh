#!/usr/bin/env bash
# Benchmark of the shared code cache (a benchmark, not a test: it prints numbers).
#   1. First call in a fresh backend of a function from a large module (SQLite built as a
#      pg-wasm module, over 1 MB of code): on a cache miss (the backend compiles) and on a
#      cache hit (it loads another backend's code from shared memory).
#   2. Connection-to-first-result latency of a small UDF, with and without
#      shared_preload_libraries, next to a plain SELECT 1.
#   3. Steady-state per-row cost with and without the shared cache: the add-one query of
#      udf_bench.sh, as a ratio to LANGUAGE C measured in the same session.
#   4. Steady-state per-statement cost: one session (pgbench, one client) running
#      SELECT add_one(1) again and again, next to SELECT c_add_one(1) in LANGUAGE C. Every
#      statement gets a fresh instance, so this is the cost of making one.
# Medians of N runs (default 7), in one run, on one throwaway cluster.
#   cache_bench.sh [BUILD_DIR] [N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
runs=${2:-7}
source "$repo/test/pg/cluster.sh"

sqlite_wasm=$("$here/build_sqlite_udf.sh")
make -s -C "$here/c_udf" >/dev/null && make -s -C "$here/c_udf" install >/dev/null
cluster_init "shared_preload_libraries = 'wasm'
jit = off
work_mem = '256MB'"
cluster_copy_modules "$sqlite_wasm" "$build/examples/math.wasm"
cluster_start
psql_pg -d postgres >/dev/null <<SQL
CREATE EXTENSION wasm;
CREATE EXTENSION c_udf;
SELECT wasm.load_module('math', pg_read_binary_file('$tmp/examples/math.wasm'));
SELECT wasm.load_module('sqlite', pg_read_binary_file('$tmp/examples/sqlite_udf.wasm'));
CREATE FUNCTION add(int, int) RETURNS int LANGUAGE wasm STRICT AS 'math:add';
CREATE FUNCTION add_one(bigint) RETURNS bigint LANGUAGE wasm STRICT AS 'math:add_one';
CREATE FUNCTION sqlite_version() RETURNS int LANGUAGE wasm AS 'sqlite:sqlite_version';
CREATE FUNCTION sqlite_eval(text) RETURNS text LANGUAGE wasm STRICT AS 'sqlite:sqlite_eval';
SQL

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Milliseconds of a statement as the first one of a new session (psql's \timing).
first_call_ms() {
  as_pg "$bindir/psql" -X -q -h "$tmp" -p "$port" -d postgres -c '\timing on' -c "$1" |
    sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -n1
}
code_kb=$(wasm-objdump -h "$sqlite_wasm" | sed -n 's/.*Code .*size=\(0x[0-9a-f]*\).*/\1/p')
echo "== first call of sqlite_version() in a fresh backend (module: $(( $(stat -c %s "$sqlite_wasm") / 1024 )) kB, code section $(( code_kb / 1024 )) kB)"
misses=() hits=() plain=() small=()
for i in $(seq 1 "$runs"); do
  plain+=("$(first_call_ms "SELECT 1")")
  small+=("$(first_call_ms "SELECT add(1, 2)")")
  # A new content hash every round (a custom section with a nonce): nothing cached.
  sql_value "SELECT wasm.load_module('sqlite', pg_read_binary_file('$tmp/examples/sqlite_udf.wasm')
               || '\\x000a056e6f6e6365'::bytea || int4send($i))" >/dev/null
  misses+=("$(first_call_ms "SELECT sqlite_version()")")
  hits+=("$(first_call_ms "SELECT sqlite_version()")")
done
miss=$(printf '%s\n' "${misses[@]}" | median)
hit=$(printf '%s\n' "${hits[@]}" | median)
awk -v m="$miss" -v h="$hit" 'BEGIN { printf "cache miss (compile + publish):        %8.2f ms\ncache hit  (load from shared memory):  %8.2f ms = %.1f%% of the miss\n", m, h, 100 * h / m }'
printf "for scale, first statement of a session: SELECT 1 %.2f ms, SELECT add(1, 2) (small module, hit) %.2f ms\n" \
  "$(printf '%s\n' "${plain[@]}" | median)" "$(printf '%s\n' "${small[@]}" | median)"
echo "check: $(sql_value "SELECT sqlite_version(), sqlite_eval('select sqlite_version() || '' '' || (select count(*) from json_each(''[1,2,3]''))')")"
sql_value "SELECT 'cache: ' || entries || ' entries, ' || hits || ' hits, ' || misses || ' misses, ' ||
  round(compile_seconds::numeric, 3) || ' s compiling, ' || round(compile_seconds_saved::numeric, 3) || ' s saved'
  FROM wasm.cache_stats"

# Wall-clock milliseconds from starting psql to its result.
connect_ms() {
  local t0 t1
  t0=$(date +%s%N)
  as_pg "$bindir/psql" -X -At -h "$tmp" -p "$port" -d postgres -c "$1" >/dev/null
  t1=$(date +%s%N)
  echo "$(( (t1 - t0) / 1000 ))" | awk '{ printf "%.3f\n", $1 / 1000 }'
}
latency() {  # label
  local base=() udf=()
  for _ in $(seq 1 $((runs * 3))); do
    base+=("$(connect_ms "SELECT 1")")
    udf+=("$(connect_ms "SELECT add(1, 2)")")
  done
  printf "%-26s SELECT 1: %7.2f ms   SELECT add(1, 2): %7.2f ms\n" "$1" \
    "$(printf '%s\n' "${base[@]}" | median)" "$(printf '%s\n' "${udf[@]}" | median)"
}
per_row() {  # label: add-one over 3M rows, C and wasm alternating in one session
  local out w c f=$tmp/per_row.sql
  {
    echo '\timing on'
    for _ in 1 2 3; do
      echo "SELECT sum(c_add_one(i)) FROM generate_series(1, 3000000) i;"
      echo "SELECT sum(add_one(i)) FROM generate_series(1, 3000000) i;"
    done
  } >"$f"
  chmod a+r "$f"
  out=$(psql_pg -d postgres -f "$f" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p')
  c=$(echo "$out" | awk 'NR % 2 == 1' | median)
  w=$(echo "$out" | awk 'NR % 2 == 0' | median)
  awk -v l="$1" -v c="$c" -v w="$w" 'BEGIN { printf "%-26s C %7.1f ms   wasm %7.1f ms = %.2fx C\n", l, c, w, w / c }'
}
per_statement() {  # label: pgbench latency of one-call statements, C and wasm alternating
  local c=() w=() f
  for fn in c_add_one add_one; do echo "SELECT $fn(1);" >"$tmp/$fn.sql"; done
  chmod a+r "$tmp"/*add_one.sql
  for _ in 1 2 3; do
    for fn in c_add_one add_one; do
      f=$(as_pg "$bindir/pgbench" -n -h "$tmp" -p "$port" -T 2 -f "$tmp/$fn.sql" postgres 2>&1 |
        sed -n 's/^latency average = \([0-9.]*\) ms/\1/p')
      if [[ $fn == c_add_one ]]; then c+=("$f"); else w+=("$f"); fi
    done
  done
  awk -v l="$1" -v c="$(printf '%s\n' "${c[@]}" | median)" -v w="$(printf '%s\n' "${w[@]}" | median)" \
    'BEGIN { printf "%-26s C %7.1f us   wasm %7.1f us = %.2fx C (+%.1f us)\n", l, 1000 * c, 1000 * w, w / c, 1000 * (w - c) }'
}
echo
echo "== connection to first result (median of $((runs * 3)))"
latency "with preload:"
r_pre=$(per_row "with preload:")
s_pre=$(per_statement "with preload:")
sed -i "s/^shared_preload_libraries = 'wasm'$/shared_preload_libraries = ''/" "$tmp/data/postgresql.conf"
cluster_restart
latency "without preload:"
r_nopre=$(per_row "without preload:")
s_nopre=$(per_statement "without preload:")
echo
echo "== steady state: SELECT sum(add_one(i)) FROM generate_series(1, 3000000) i (median of 3)"
echo "$r_pre"
echo "$r_nopre"
echo
echo "== steady state: SELECT add_one(1) per statement, one session (pgbench, median of 3 x 2 s)"
echo "$s_pre"
echo "$s_nopre"
