#!/usr/bin/env bash
# SQL-level benchmark of ABI version 2 types (issue 10): LANGUAGE wasm against LANGUAGE C
# (test/bench/c_udf) on the same queries, in one throwaway cluster, interleaved:
#   vec_sum  SELECT sum(f(a)) FROM vecs               100k rows of 1000-element float8[]
#   dot      SELECT sum(f(a, b)) FROM vecs            the same, two arrays per row
#   row10    SELECT sum(f(t)) FROM row10 t            1M rows of a 10-column table
#   tstz     SELECT max(f(ts)) FROM events            1M timestamptz: start of the hour
#   uuid     SELECT sum(f(u)) FROM events             1M uuid: its version nibble
#   jsonb    SELECT count(*) FROM docs WHERE f(doc, 'city') = 'City7'     100k 10-key jsonb:
#            f is doc ->> key; the C column is PostgreSQL's own ->> (an inlined SQL
#            function), wasm the compact form (jsonb_compact:jb_get_text)
#   jsonb_text  the same lookup returning jsonb, C is ->, wasm gets JSON text (json:json_pick)
# Columns: C; wasm metered (default wasm.fuel_limit, raised only if a query needs it, and
# said so); wasm fuel=0 (unmetered). Each cell is the median of RUNS runs (psql \timing)
# and its ratio to C, the runs of all columns interleaved. A benchmark, not a test: it
# fails only if two implementations disagree or a query errors.
#
#   types_bench.sh [BUILD_DIR] [RUNS]      BUILD_DIR defaults to build, RUNS to 5
#   VEC_ROWS=100000 ROWS=1000000           the table sizes
#
# Needs root (it installs test/bench/c_udf and runs PostgreSQL as the postgres user), the
# extension installed and the example modules built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
vec_rows=${VEC_ROWS:-100000}
rows=${ROWS:-1000000}
port=${PORT:-5498}
bindir=$(pg_config --bindir)
die() { echo "types_bench: $*" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"
for m in vectors rows timebucket types json jsonb_compact; do
  [[ -f $build/examples/$m.wasm ]] || die "$build/examples/$m.wasm is missing: run 'make -C $root engine'"
done
source "$here/sql_bench_lib.sh"
make -s -C "$here/c_udf" >/dev/null
make -s -C "$here/c_udf" install >/dev/null

bench_cluster types_bench "$port" 1GB "$build"/examples/{vectors,rows,timebucket,types,json,jsonb_compact}.wasm

sql <<EOF
CREATE EXTENSION wasm;
CREATE EXTENSION c_udf;
SELECT wasm.load_module('vectors', pg_read_binary_file('$work/vectors.wasm')) \g /dev/null
SELECT wasm.load_module('rows', pg_read_binary_file('$work/rows.wasm')) \g /dev/null
SELECT wasm.load_module('timebucket', pg_read_binary_file('$work/timebucket.wasm')) \g /dev/null
SELECT wasm.load_module('types', pg_read_binary_file('$work/types.wasm')) \g /dev/null
SELECT wasm.load_module('json', pg_read_binary_file('$work/json.wasm')) \g /dev/null
SELECT wasm.load_module('jsonb_compact', pg_read_binary_file('$work/jsonb_compact.wasm')) \g /dev/null
CREATE TABLE vecs AS
  SELECT i, ARRAY(SELECT random() + i * 0 FROM generate_series(1, 1000)) AS a,
            ARRAY(SELECT random() - 0.5 + i * 0 FROM generate_series(1, 1000)) AS b
    FROM generate_series(1, $vec_rows) i;
CREATE TABLE row10 (a int, b bigint, c float8, d int, e float8, f int, g bigint, h float8, i int, j float8);
INSERT INTO row10 SELECT i, i * 7, i / 3.0, -i, random(), i % 100, i * 1000, 0.5, 1, -1.25
  FROM generate_series(1, $rows) i;
CREATE TABLE events AS SELECT i, now() - i * interval '17 seconds 3 ms' AS ts, gen_random_uuid() AS u
  FROM generate_series(1, $rows) i;
CREATE TABLE docs AS SELECT jsonb_build_object('id', i, 'name', 'user' || i, 'email', 'u' || i || '@example.com',
    'age', i % 90, 'score', (i % 1000) / 10.0, 'active', i % 2 = 0, 'tags', jsonb_build_array('a', 'b', i % 7),
    'city', 'City' || (i % 100), 'zip', lpad((i % 99999)::text, 5, '0'), 'created', '2024-01-01') AS doc
  FROM generate_series(1, $vec_rows) i;
VACUUM (FREEZE, ANALYZE) vecs, row10, events, docs;
CREATE FUNCTION wasm_vec_sum(float8[]) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'vectors:vec_sum';
CREATE FUNCTION wasm_dot(float8[], float8[]) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'vectors:dot';
CREATE FUNCTION wasm_row10(row10) RETURNS float8 LANGUAGE wasm STRICT IMMUTABLE AS 'rows:row10_sum';
CREATE FUNCTION c_row10(row10) RETURNS float8 AS 'c_udf', 'c_row10_sum' LANGUAGE C STRICT IMMUTABLE;
CREATE FUNCTION wasm_tstz(timestamptz) RETURNS timestamptz LANGUAGE wasm STRICT IMMUTABLE AS 'timebucket:hour_start';
CREATE FUNCTION wasm_uuid(uuid) RETURNS int LANGUAGE wasm STRICT IMMUTABLE AS 'types:uuid_version';
CREATE FUNCTION wasm_jsonb(jsonb, text) RETURNS text LANGUAGE wasm STRICT IMMUTABLE AS 'jsonb_compact:jb_get_text';
CREATE FUNCTION c_jsonb(jsonb, text) RETURNS text LANGUAGE sql STRICT IMMUTABLE AS 'SELECT \$1 ->> \$2';
CREATE FUNCTION wasm_jsonb_text(jsonb, text) RETURNS jsonb LANGUAGE wasm STRICT IMMUTABLE AS 'json:json_pick';
CREATE FUNCTION c_jsonb_text(jsonb, text) RETURNS jsonb LANGUAGE sql STRICT IMMUTABLE AS 'SELECT \$1 -> \$2';
EOF

queries=(vec_sum dot row10 tstz uuid jsonb jsonb_text)
declare -A label=([vec_sum]="vec_sum ${vec_rows} x float8[1000]" [dot]="dot ${vec_rows} x 2 float8[1000]"
                  [row10]="row10 ${rows} rows of 10 columns" [tstz]="tstz hour_start ${rows}"
                  [uuid]="uuid version ${rows}" [jsonb]="jsonb ->> compact ${vec_rows}"
                  [jsonb_text]="jsonb -> as JSON text ${vec_rows}")
declare -A cname=([vec_sum]=c_vec_sum [dot]=c_dot [row10]=c_row10 [tstz]=c_hour_start [uuid]=c_uuid_version
                  [jsonb]=c_jsonb [jsonb_text]=c_jsonb_text)
query() {  # query NAME FUNCTION
  case $1 in
    vec_sum) echo "SELECT sum($2(a)) FROM vecs" ;;
    dot) echo "SELECT sum($2(a, b)) FROM vecs" ;;
    row10) echo "SELECT sum($2(t)) FROM row10 t" ;;
    tstz) echo "SELECT max($2(ts)) FROM events" ;;
    uuid) echo "SELECT sum($2(u)) FROM events" ;;
    jsonb) echo "SELECT count(*) FROM docs WHERE $2(doc, 'city') = 'City7'" ;;
    jsonb_text) echo "SELECT count(*) FROM docs WHERE $2(doc, 'city') = '\"City7\"'" ;;
  esac
}
impls=(c wasm wasm0)
fname() { if [[ $1 == c ]]; then echo "${cname[$2]}"; else echo "wasm_$2"; fi; }
fuel_default=$(sql -c "LOAD 'wasm'" -c "SHOW wasm.fuel_limit")
declare -A fuel_set
notes=()
for q in "${queries[@]}"; do
  fuel_set[$q]=""
  if ! err=$(sql -c "$(query "$q" "wasm_$q")" 2>&1 >/dev/null); then
    [[ $err == *"ran out of fuel"* ]] || die "the wasm version of '$q' failed: $err"
    fuel_set[$q]="SET wasm.fuel_limit = 1e15;"
    notes+=("$q does not fit in the default wasm.fuel_limit ($fuel_default): its metered column ran with 1e15")
  fi
done

declare -A med
for q in "${queries[@]}"; do
  script="LOAD 'wasm';"$'\n'
  for i in "${impls[@]}"; do script+="$(query "$q" "$(fname "$i" "$q")") \\g /dev/null"$'\n'; done  # warm-up
  script+="\\timing on"$'\n'
  for ((r = 0; r < runs; r++)); do
    for i in "${impls[@]}"; do
      case $i in
        wasm) script+="${fuel_set[$q]}"$'\n' ;;
        wasm0) script+="SET wasm.fuel_limit = 0;"$'\n' ;;
      esac
      script+="\\echo @ $i"$'\n'"$(query "$q" "$(fname "$i" "$q")");"$'\n'"RESET wasm.fuel_limit;"$'\n'
    done
  done
  out=$(sql <<<"$script" 2>&1) || die "query '$q' failed: $out"
  parsed=$(parse_runs <<<"$out")
  results=$(run_results "$parsed")
  [[ $(wc -l <<<"$results") == 1 ]] ||
    die "the implementations of '$q' disagree: $(awk '$1 == "R"' <<<"$parsed" | tr '\n' ';')"
  for i in "${impls[@]}"; do
    med[$q,$i]=$(run_median "$parsed" "$i")
  done
done

printf '%s\n' "pg-wasm types benchmark on PostgreSQL $(sql -c 'SHOW server_version'): seconds per query" \
  "(median of $runs interleaved runs, psql \\timing) and (ratio to C). jit = off, no parallel workers."
echo "jsonb rows: the C column is PostgreSQL's own ->> and -> operators."
for n in "${notes[@]}"; do echo "note: $n"; done
printf '%-34s %12s %18s %18s\n' "query" "C" "wasm" "wasm fuel=0"
for q in "${queries[@]}"; do
  c=${med[$q,c]}
  printf '%-34s %12.3f' "${label[$q]}" "$c"
  for i in wasm wasm0; do
    printf ' %18s' "$(awk -v t="${med[$q,$i]}" -v c="$c" 'BEGIN {printf "%.3f (%.2fx)", t, t / c}')"
  done
  echo
done
