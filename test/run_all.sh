#!/usr/bin/env bash
# Runs CTest in each build directory given (every test suite of the project: GoogleTest
# units, the spec suite in each code-generation mode, short fuzz runs), and with
# --sql=BUILD_DIR the extension's SQL, cache and load tests (test/pg/), and ends with one
# line "N passed, N failed" over all of them. Exit status 0 only if nothing failed.
set -uo pipefail
passed=0 failed=0
here=$(cd "$(dirname "$0")" && pwd)
# Adds a suite's passed and failed counts; a suite that printed no summary counts as failed.
tally() {  # tally NAME PASSED FAILED
  if [[ -z ${3:-} ]]; then
    echo "run_all: no summary from $1" >&2
    failed=$((failed + 1))
  else
    passed=$((passed + $2))
    failed=$((failed + $3))
  fi
}
for dir in "$@"; do
  if [[ $dir == --sql=* ]]; then
    # The extension on throwaway clusters: the pg_regress suite without and with the
    # shared code cache, the cache across sessions, and a short pgbench load run.
    sqlbuild=${dir#--sql=}
    for suite in "setup/mirror_test.sh" "pg/run_regress.sh $sqlbuild" "pg/run_regress.sh --preload $sqlbuild" \
                 "pg/cache_tests.sh $sqlbuild" "pg/security_tests.sh $sqlbuild" "pg/load_test.sh $sqlbuild 10 16"; do
      echo "=== $suite"
      log=$(mktemp)
      # shellcheck disable=SC2086
      "$here"/$suite 2>&1 | tee "$log"
      read -r p f < <(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$log" | tail -n1)
      rm -f "$log"
      tally "$suite" "${p:-}" "${f:-}"
      unset p f
    done
    continue
  fi
  echo "=== tests in $dir"
  log=$(mktemp)
  (cd "$dir" && ctest --output-on-failure -j"$(nproc)") 2>&1 | tee "$log"
  # CTest's summary: "NN% tests passed, F tests failed out of T"
  read -r f t < <(sed -n 's/.* \([0-9][0-9]*\) tests\{0,1\} failed out of \([0-9][0-9]*\).*/\1 \2/p' "$log" | tail -n1)
  rm -f "$log"
  tally "CTest in $dir" "$(( ${t:-0} - ${f:-0} ))" "${t:+$f}"
  unset f t
done
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
