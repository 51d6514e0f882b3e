#!/usr/bin/env bash
# The demo: runs the engine's CLI on the example guest modules (udf-sdk/examples), showing
# results, fuel accounting and how hostile code ends in a clean trap. (With the PostgreSQL
# extension this becomes a throwaway cluster running SQL.)
set -euo pipefail
build=${1:-build}
run=$build/wasm-run
ex=$build/examples
step() { printf '\n$ %s\n' "wasm-run $*"; "$run" "$@" || true; }

echo "== pg-wasm engine demo: compile once, run with limits =="
step "$ex/math.wasm"
step "$ex/math.wasm" --invoke add 40 2
step "$ex/math.wasm" --invoke haversine 52.5200 13.4050 48.8566 2.3522
step "$ex/math.wasm" --invoke collatz 27 --fuel 1000000
echo
echo "== hostile guests: each one is stopped by a trap or a limit, never a crash =="
step "$ex/hostile.wasm" --invoke infinite_loop --fuel 50000000
step "$ex/hostile.wasm" --invoke deep_recursion 0
step "$ex/hostile.wasm" --invoke memory_bomb --max-memory 67108864
step "$ex/hostile.wasm" --invoke out_of_bounds
step "$ex/hostile.wasm" --invoke unreachable
step "$ex/hostile.wasm" --invoke divide 7 0
echo
echo "== --bench prints: result, run seconds, compile seconds =="
step "$ex/math.wasm" --bench --invoke collatz 837799
