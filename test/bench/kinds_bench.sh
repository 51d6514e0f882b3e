#!/usr/bin/env bash
# SQL-level benchmark of the kinds of LANGUAGE wasm functions beyond scalars (issue 11),
# against LANGUAGE C (test/bench/c_udf), the built-ins and PL/pgSQL, in one throwaway
# cluster, interleaved:
#   srf_from    SELECT count(*) FROM f(1, 10M)                 a set of 10M bigints, FROM
#               (into a tuplestore); C: c_series (value per call); built-in: generate_series
#   srf_select  SELECT sum(x) FROM (SELECT f(1, 10M) x) s      the same in the SELECT list
#   trigger     INSERT 1M rows through a BEFORE ROW trigger that normalises an email
#               column (triggers.c's normalize_email; C: c_normalize_email; PL/pgSQL: the
#               same in PL/pgSQL), into a table truncated before each run
#   agg         SELECT my_sum(v) FROM nums                     10M bigints; wasm: a wasm.state
#               aggregate (aggregates.c's sum_add, STRICT, INITCOND 'new'); C: c_sum (a
#               bigint state); built-in: sum
#   agg_par     the same with 2 parallel workers (partial aggregates combined in the leader)
# The speedup of agg_par over agg is printed for each implementation.
# Columns: C; built-in or PL/pgSQL where there is one; wasm metered (the default
# wasm.fuel_limit, raised only if a query needs it, and said so); wasm fuel=0. Each cell
# is the median of RUNS runs (psql \timing) and its ratio to C, all columns interleaved.
# A benchmark, not a test: it fails only if two implementations disagree or a query errors.
#
#   kinds_bench.sh [BUILD_DIR] [RUNS]      BUILD_DIR defaults to build, RUNS to 5
#   SET_ROWS=10000000 TRIGGER_ROWS=1000000 QUERIES="srf_from srf_select trigger agg agg_par"
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
runs=${2:-5}
set_rows=${SET_ROWS:-10000000}
trigger_rows=${TRIGGER_ROWS:-1000000}
port=${PORT:-5499}
bindir=$(pg_config --bindir)
die() { echo "kinds_bench: $*" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"
for m in sets triggers aggregates; do
  [[ -f $build/examples/$m.wasm ]] || die "$build/examples/$m.wasm is missing: run 'make -C $root engine'"
done
source "$here/sql_bench_lib.sh"
make -s -C "$here/c_udf" >/dev/null
make -s -C "$here/c_udf" install >/dev/null

bench_cluster kinds_bench "$port" 1GB "$build"/examples/{sets,triggers,aggregates}.wasm

sql <<EOF
CREATE EXTENSION wasm;
CREATE EXTENSION c_udf;
SELECT wasm.load_module('sets', pg_read_binary_file('$work/sets.wasm')) \g /dev/null
SELECT wasm.load_module('triggers', pg_read_binary_file('$work/triggers.wasm')) \g /dev/null
SELECT wasm.load_module('aggregates', pg_read_binary_file('$work/aggregates.wasm')) \g /dev/null
CREATE FUNCTION sum_add(wasm.state, bigint) RETURNS wasm.state LANGUAGE wasm STRICT IMMUTABLE PARALLEL SAFE
  AS 'aggregates:sum_add';
CREATE FUNCTION sum_combine(wasm.state, wasm.state) RETURNS wasm.state LANGUAGE wasm IMMUTABLE PARALLEL SAFE
  AS 'aggregates:sum_combine';
CREATE FUNCTION sum_final(wasm.state) RETURNS bigint LANGUAGE wasm IMMUTABLE PARALLEL SAFE AS 'aggregates:sum_final';
CREATE AGGREGATE wasm_sum(bigint) (SFUNC = sum_add, STYPE = wasm.state, INITCOND = 'new', FINALFUNC = sum_final,
                                   COMBINEFUNC = sum_combine, PARALLEL = SAFE);
CREATE TABLE nums AS SELECT i::bigint AS v FROM generate_series(1, $set_rows) i;
VACUUM ANALYZE nums;
CREATE FUNCTION wasm_series(bigint, bigint) RETURNS SETOF bigint LANGUAGE wasm STRICT IMMUTABLE AS 'sets:series';
CREATE FUNCTION wasm_normalize_email() RETURNS trigger LANGUAGE wasm AS 'triggers:normalize_email';
CREATE FUNCTION plpgsql_normalize_email() RETURNS trigger LANGUAGE plpgsql AS \$\$
DECLARE
  v text := btrim(translate(NEW.email, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), E' \t\r\n');
BEGIN
  IF NEW.email IS NULL THEN RETURN NEW; END IF;
  IF strpos(v, '@') <= 1 OR strpos(v, '@') = length(v) THEN RETURN NULL; END IF;
  NEW.email := v;
  RETURN NEW;
END \$\$;
CREATE TABLE src AS
  SELECT i AS id, CASE WHEN i % 10 = 0 THEN 'no-at-sign' ELSE '  User' || i || '@Example.COM ' END AS email
    FROM generate_series(1, $trigger_rows) i;
CREATE TABLE tgt_c (id int, email text);
CREATE TABLE tgt_wasm (id int, email text);
CREATE TABLE tgt_wasm0 (id int, email text);
CREATE TABLE tgt_plpgsql (id int, email text);
CREATE TRIGGER norm BEFORE INSERT ON tgt_c FOR EACH ROW EXECUTE FUNCTION c_normalize_email();
CREATE TRIGGER norm BEFORE INSERT ON tgt_wasm FOR EACH ROW EXECUTE FUNCTION wasm_normalize_email();
CREATE TRIGGER norm BEFORE INSERT ON tgt_wasm0 FOR EACH ROW EXECUTE FUNCTION wasm_normalize_email();
CREATE TRIGGER norm BEFORE INSERT ON tgt_plpgsql FOR EACH ROW EXECUTE FUNCTION plpgsql_normalize_email();
EOF

read -r -a queries <<<"${QUERIES:-srf_from srf_select trigger agg agg_par}"  # QUERIES="agg agg_par": a subset
declare -A label=([srf_from]="SETOF bigint, ${set_rows} rows, FROM" [srf_select]="SETOF bigint, ${set_rows} rows, SELECT list"
                  [trigger]="BEFORE ROW trigger, ${trigger_rows} rows" [agg]="aggregate, ${set_rows} rows"
                  [agg_par]="aggregate, ${set_rows} rows, 2 workers")
impls=(c other wasm wasm0)
declare -A other=([srf_from]="built-in generate_series" [srf_select]="built-in generate_series" [trigger]="PL/pgSQL"
                  [agg]="built-in sum" [agg_par]="built-in sum")
fname() {  # fname QUERY IMPL: the function (or table) of that implementation
  case $1 in
    trigger) echo "tgt_$([[ $2 == other ]] && echo plpgsql || echo "$2")" ;;
    agg | agg_par) case $2 in c) echo c_sum ;; other) echo sum ;; *) echo wasm_sum ;; esac ;;
    *) case $2 in c) echo c_series ;; other) echo generate_series ;; *) echo wasm_series ;; esac ;;
  esac
}
query() {  # query NAME FUNCTION
  case $1 in
    srf_from) echo "SELECT count(*), sum(x) FROM $2(1, $set_rows) x" ;;
    srf_select) echo "SELECT count(*), sum(x) FROM (SELECT $2(1, $set_rows) x) s" ;;
    trigger) echo "WITH ins AS (INSERT INTO $2 SELECT * FROM src RETURNING email) SELECT count(*), count(DISTINCT email) FROM ins" ;;
    agg) echo "SELECT $2(v) FROM nums" ;;
    agg_par) echo "SELECT $2(v) FROM nums" ;;
  esac
}
setup_run() {  # untimed, before each run
  case $1 in
    trigger) echo "TRUNCATE $2;" ;;
    agg) echo "SET max_parallel_workers_per_gather = 0;" ;;
    agg_par) echo "SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET min_parallel_table_scan_size = 0;" ;;
  esac
}
fuel_default=$(sql -c "LOAD 'wasm'" -c "SHOW wasm.fuel_limit")
declare -A fuel_set
notes=()
for q in "${queries[@]}"; do
  fuel_set[$q]=""
  f=$(fname "$q" wasm)
  if ! err=$(sql -c "LOAD 'wasm'" -c "$(setup_run "$q" "$f") SELECT 1" -c "$(query "$q" "$f")" 2>&1 >/dev/null); then
    [[ $err == *"ran out of fuel"* ]] || die "the wasm version of '$q' failed: $err"
    fuel_set[$q]="SET wasm.fuel_limit = 1e15;"
    notes+=("$q does not fit in the default wasm.fuel_limit ($fuel_default): its metered column ran with 1e15")
  fi
done

declare -A med
for q in "${queries[@]}"; do
  script="LOAD 'wasm';"$'\n'
  for i in "${impls[@]}"; do
    f=$(fname "$q" "$i")
    script+="$(setup_run "$q" "$f")"$'\n'"$(query "$q" "$f") \\g /dev/null"$'\n'  # warm-up
  done
  for ((r = 0; r < runs; r++)); do
    for i in "${impls[@]}"; do
      f=$(fname "$q" "$i")
      case $i in
        wasm) script+="${fuel_set[$q]}"$'\n' ;;
        wasm0) script+="SET wasm.fuel_limit = 0;"$'\n' ;;
      esac
      script+="$(setup_run "$q" "$f")"$'\n'"\\timing on"$'\n'"\\echo @ $i"$'\n'"$(query "$q" "$f");"$'\n'
      script+="\\timing off"$'\n'"RESET wasm.fuel_limit;"$'\n'
    done
  done
  out=$(sql <<<"$script" 2>&1) || die "query '$q' failed: $out"
  parsed=$(parse_runs <<<"$out")
  results=$(run_results "$parsed")
  [[ $(wc -l <<<"$results") == 1 ]] ||
    die "the implementations of '$q' disagree: $(awk '$1 == "R"' <<<"$parsed" | tr '\n' ';')"
  for i in "${impls[@]}"; do med[$q,$i]=$(run_median "$parsed" "$i"); done
done

printf '%s\n' "pg-wasm kinds benchmark on PostgreSQL $(sql -c 'SHOW server_version'): seconds per query" \
  "(median of $runs interleaved runs, psql \\timing) and (ratio to C). jit = off, no parallel workers."
for n in "${notes[@]}"; do echo "note: $n"; done
printf '%-38s %8s %24s %18s %18s\n' "query" "C" "built-in / PL/pgSQL" "wasm" "wasm fuel=0"
for q in "${queries[@]}"; do
  c=${med[$q,c]}
  printf '%-38s %8.3f' "${label[$q]}" "$c"
  printf ' %24s' "$(awk -v t="${med[$q,other]}" -v c="$c" 'BEGIN {printf "%.3f (%.2fx)", t, t / c}')"
  for i in wasm wasm0; do
    printf ' %18s' "$(awk -v t="${med[$q,$i]}" -v c="$c" 'BEGIN {printf "%.3f (%.2fx)", t, t / c}')"
  done
  echo "  (${other[$q]})"
done
for i in c other wasm wasm0; do
  printf 'parallel speedup (agg / agg_par), %-6s %s\n' "$i" \
    "$(awk -v a="${med[agg,$i]}" -v b="${med[agg_par,$i]}" 'BEGIN {printf "%.2fx", a / b}')"
done
