#!/usr/bin/env bash
# SQL-level benchmark of LANGUAGE wasm (issue 3): the same three queries with each available
# implementation of their function, on one throwaway cluster, in one run:
#   add_one  SELECT sum(f(i)) FROM generate_series(1, 3000000) i     bigint -> bigint
#   collatz  SELECT sum(f(i)) FROM generate_series(1, 300000) i      bigint -> integer (steps)
#   vowels   SELECT sum(f(w)) FROM words                             text -> integer, 1M rows
# Implementations: LANGUAGE C (test/bench/c_udf, the baseline), LANGUAGE wasm (the examples
# math.wasm and text.wasm) metered with the default wasm.fuel_limit and unmetered
# (fuel_limit = 0), PL/pgSQL, and PL/Python (plpython3u) and PL/Lua (pllua) when installed.
#
# Measure: the wall time psql's \timing reports for each SELECT, the one whose result is
# checked (parse, plan and the local round trip are included: well under 1 ms here). All
# implementations of a query run in one warmed-up session, interleaved, RUNS times; the table
# shows the median of each and its ratio to C. A benchmark, not a test: no thresholds, but it
# fails if any two results differ or if a query errors. Absolute times depend on the machine
# and its load; the ratios to C are the result.
#
#   udf_bench.sh [BUILD_DIR] [RUNS]      BUILD_DIR defaults to build, RUNS to 3
#
# Needs root (it installs test/bench/c_udf and runs PostgreSQL as the postgres user), the
# pg-wasm extension installed (make -j2 && make install) and the example modules built
# (make engine). PORT (default 5497) names the cluster's socket, in its own temp directory.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$(cd "${1:-build}" && pwd)
runs=${2:-3}
port=${PORT:-5497}
bindir=$(pg_config --bindir)

die() { echo "udf_bench: $*" >&2; exit 1; }
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive integer, not '$runs'"
for m in math text; do
  [[ -f $build/examples/$m.wasm ]] || die "$build/examples/$m.wasm is missing: run 'make -C $root engine'"
done
source "$here/sql_bench_lib.sh"

# The C baseline, built and installed with its PGXS Makefile.
make -s -C "$here/c_udf" >/dev/null
make -s -C "$here/c_udf" install >/dev/null

bench_cluster udf_bench "$port" 256MB "$build/examples/math.wasm" "$build/examples/text.wasm"
available() { [[ $(sql -c "SELECT count(*) FROM pg_available_extensions WHERE name = '$1'") == 1 ]]; }

# --- the functions ---------------------------------------------------------------------------
# impls: column names; each defines <prefix>_add_one, <prefix>_collatz, <prefix>_vowels.
impls=(c wasm wasm0 plpgsql)
declare -A prefix=([c]=c [wasm]=wasm [wasm0]=wasm [plpgsql]=plpgsql)
declare -A title=([c]="C" [wasm]="wasm" [wasm0]="wasm fuel=0" [plpgsql]="plpgsql"
                  [plpython]="plpython3u" [pllua]="pllua")
sql <<EOF
CREATE EXTENSION wasm;
CREATE EXTENSION c_udf;
SELECT wasm.load_module('math', pg_read_binary_file('$work/math.wasm')) \g /dev/null
SELECT wasm.load_module('text', pg_read_binary_file('$work/text.wasm')) \g /dev/null
CREATE FUNCTION wasm_add_one(bigint) RETURNS bigint LANGUAGE wasm STRICT IMMUTABLE AS 'math:add_one';
CREATE FUNCTION wasm_collatz(bigint) RETURNS integer LANGUAGE wasm STRICT IMMUTABLE AS 'math:collatz';
CREATE FUNCTION wasm_vowels(text) RETURNS integer LANGUAGE wasm STRICT IMMUTABLE AS 'text:vowels';

CREATE FUNCTION plpgsql_add_one(x bigint) RETURNS bigint LANGUAGE plpgsql STRICT IMMUTABLE AS
\$\$ BEGIN RETURN x + 1; END \$\$;
CREATE FUNCTION plpgsql_collatz(x bigint) RETURNS integer LANGUAGE plpgsql STRICT IMMUTABLE AS \$\$
DECLARE
  n bigint := x;
  steps integer := 0;
BEGIN
  WHILE n > 1 LOOP
    IF n % 2 = 0 THEN n := n / 2; ELSE n := 3 * n + 1; END IF;
    steps := steps + 1;
  END LOOP;
  RETURN steps;
END \$\$;
-- The idiomatic PL/pgSQL: a built-in string function, not a loop over characters.
CREATE FUNCTION plpgsql_vowels(w text) RETURNS integer LANGUAGE plpgsql STRICT IMMUTABLE AS
\$\$ BEGIN RETURN octet_length(w) - octet_length(translate(w, 'aeiouAEIOU', '')); END \$\$;

CREATE TABLE words AS
  SELECT md5(i::text) || 'Hello World AEIOU' AS w FROM generate_series(1, 1000000) i;
VACUUM (FREEZE, ANALYZE) words;
EOF

skipped=()
if available plpython3u; then
  impls+=(plpython) prefix[plpython]=plpython
  sql <<'EOF'
CREATE EXTENSION plpython3u;
CREATE FUNCTION plpython_add_one(x bigint) RETURNS bigint LANGUAGE plpython3u STRICT IMMUTABLE AS
$$ return x + 1 $$;
CREATE FUNCTION plpython_collatz(x bigint) RETURNS integer LANGUAGE plpython3u STRICT IMMUTABLE AS $$
n, steps = x, 0
while n > 1:
    n = n // 2 if n % 2 == 0 else 3 * n + 1
    steps += 1
return steps
$$;
CREATE FUNCTION plpython_vowels(w text) RETURNS integer LANGUAGE plpython3u STRICT IMMUTABLE AS
$$ return sum(1 for ch in w if ch in 'aeiouAEIOU') $$;
EOF
else
  skipped+=(plpython3u)
fi
if available pllua; then
  impls+=(pllua) prefix[pllua]=pllua
  sql <<'EOF'
CREATE EXTENSION pllua;
CREATE FUNCTION pllua_add_one(x bigint) RETURNS bigint LANGUAGE pllua STRICT IMMUTABLE AS
$$ return x + 1 $$;
CREATE FUNCTION pllua_collatz(x bigint) RETURNS integer LANGUAGE pllua STRICT IMMUTABLE AS $$
local n, steps = x, 0
while n > 1 do
  if n % 2 == 0 then n = math.floor(n / 2) else n = 3 * n + 1 end
  steps = steps + 1
end
return steps
$$;
CREATE FUNCTION pllua_vowels(w text) RETURNS integer LANGUAGE pllua STRICT IMMUTABLE AS
$$ local _, n = string.gsub(w, '[aeiouAEIOU]', '') return n $$;
EOF
else
  skipped+=(pllua)
fi

# --- fuel: the metered column runs under the default wasm.fuel_limit if the query fits -------
queries=(add_one collatz vowels)
declare -A label=([add_one]="add_one 3M bigint" [collatz]="collatz 300k" [vowels]="vowels 1M text")
query() {  # query NAME FUNCTION
  case $1 in
    add_one) echo "SELECT sum($2(i)) FROM generate_series(1, 3000000) i" ;;
    collatz) echo "SELECT sum($2(i)) FROM generate_series(1, 300000) i" ;;
    vowels) echo "SELECT sum($2(w)) FROM words" ;;
  esac
}
fuel_default=$(sql -c "LOAD 'wasm'" -c "SHOW wasm.fuel_limit")
declare -A fuel_set  # the SET that precedes a metered run: empty, or a raise (reported)
notes=()
for q in "${queries[@]}"; do
  fuel_set[$q]=""
  if ! err=$(sql -c "$(query "$q" wasm_"$q")" 2>&1 >/dev/null); then
    if [[ $err == *"ran out of fuel"* ]]; then
      fuel_set[$q]="SET wasm.fuel_limit = 1e15;"
      notes+=("$q does not fit in the default wasm.fuel_limit ($fuel_default): its metered wasm column ran with SET wasm.fuel_limit = 1e15")
    else
      echo "udf_bench: the wasm version of '$q' failed:" >&2
      echo "  $(query "$q" wasm_"$q")" >&2
      echo "$err" | sed 's/^/  /' >&2
      exit 1
    fi
  fi
done

# --- the runs --------------------------------------------------------------------------------
declare -A med
for q in "${queries[@]}"; do
  arg=1; [[ $q == vowels ]] && arg="'x'"
  script="LOAD 'wasm';"$'\n'"\\timing on"$'\n'
  for i in "${impls[@]}"; do  # warm-up: caches, compiled functions, Wasm instances
    script+="SELECT ${prefix[$i]}_$q($arg) \\g /dev/null"$'\n'
  done
  for ((r = 0; r < runs; r++)); do
    for i in "${impls[@]}"; do
      case $i in
        wasm) script+="${fuel_set[$q]}"$'\n' ;;
        wasm0) script+="SET wasm.fuel_limit = 0;"$'\n' ;;
      esac
      script+="\\echo @ $i"$'\n'
      script+="$(query "$q" "${prefix[$i]}_$q");"$'\n'
      script+="RESET wasm.fuel_limit;"$'\n'
    done
  done
  if ! out=$(sql <<<"$script" 2>&1); then
    echo "udf_bench: query '$q' failed:" >&2
    echo "$out" | sed 's/^/  /' >&2
    exit 1
  fi
  parsed=$(parse_runs <<<"$out")
  results=$(run_results "$parsed")
  if [[ $(wc -l <<<"$results") != 1 ]]; then
    echo "udf_bench: the implementations of '$q' disagree (results of each run):" >&2
    awk '$1 == "R"' <<<"$parsed" | sed 's/^R /  /' >&2
    exit 1
  fi
  label[$q]+=" = $results"
  for i in "${impls[@]}"; do
    [[ $(awk -v i="$i" '$1 == "T" && $2 == i' <<<"$parsed" | wc -l) == "$runs" ]] ||
      { echo "$out" >&2; die "could not read the $runs times of $i for '$q' from psql's output"; }
  done
  for i in "${impls[@]}"; do
    med[$q,$i]=$(run_median "$parsed" "$i")
  done
done

# --- the table -------------------------------------------------------------------------------
printf '%s\n' "pg-wasm SQL benchmark on PostgreSQL $(sql -c 'SHOW server_version'): seconds per query" \
  "(median of $runs runs, psql \\timing) and (ratio to C). jit = off, max_parallel_workers_per_gather = 0," \
  "work_mem = 256MB. Column wasm: metered, wasm.fuel_limit = $fuel_default; wasm fuel=0: unmetered." \
  "plpgsql vowels is octet_length(w) - octet_length(translate(w, 'aeiouAEIOU', '')), not a loop."
for n in "${notes[@]}"; do echo "note: $n"; done
for s in "${skipped[@]}"; do echo "note: $s is not installed: its column is left out"; done
printf '%-34s' "query = sum of results"
for i in "${impls[@]}"; do printf ' %18s' "${title[$i]}"; done
echo
for q in "${queries[@]}"; do
  printf '%-34s' "${label[$q]}"
  c=${med[$q,c]}
  for i in "${impls[@]}"; do
    if [[ $i == c ]]; then
      printf ' %18.3f' "$c"
    else
      printf ' %18s' "$(awk -v t="${med[$q,$i]}" -v c="$c" 'BEGIN {printf "%.3f (%.2fx)", t, t / c}')"
    fi
  done
  echo
done
