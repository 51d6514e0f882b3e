#!/usr/bin/env bash
# Every benchmark of the engine, each as a ratio to a peer measured in the same run:
#  1. ../shared/bench/peers.sh with our column (run time against native, wasm2c, V8);
#  2. the cost of fuel metering (fuel_overhead.sh);
#  3. compile speed on SQLite (build_sqlite.sh) against V8 Liftoff on the same module;
#  4. Wasm UDFs in SQL against LANGUAGE C and PL/pgSQL (udf_bench.sh), and the types of
#     ABI version 2 against LANGUAGE C (types_bench.sh), set-returning functions and
#     triggers (kinds_bench.sh);
#  5. the code cache: first calls on a hit and a miss, connection latency (cache_bench.sh).
#   run_bench.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-build}" && pwd)
peers=$here/../../../shared/bench/peers.sh
echo "== run time (peers.sh, median of 3)"
ENGINE="$build/wasm-run --bench {wasm} --invoke run {n}" "$peers" 3
echo
echo "== fuel metering overhead"
"$here/fuel_overhead.sh" "$build/wasm-run" 5
echo
echo "== compile speed"
wasm=$("$here/build_sqlite.sh")
"$build/test/bench/compile_speed" "$wasm" 10
if command -v node >/dev/null; then
  best=9
  for _ in 1 2 3; do
    t=$(node --liftoff --no-wasm-tier-up --no-wasm-lazy-compilation --single-threaded "$here/v8_compile.js" "$wasm")
    best=$(awk -v a="$best" -v b="$t" 'BEGIN{print (b < a) ? b : a}')
  done
  code=$(wasm-objdump -h "$wasm" | sed -n 's/.*Code .*size=\(0x[0-9a-f]*\).*/\1/p')
  awk -v t="$best" -v c="$((code))" 'BEGIN{printf "V8 Liftoff (single-threaded, eager): %.6f s = %.1f MB/s\n", t, c/t/1e6}'
fi
echo
echo "== SQL: Wasm UDFs against LANGUAGE C and PL/pgSQL (udf_bench.sh)"
"$here/udf_bench.sh" "$build"
echo
echo "== SQL: ABI version 2 types against LANGUAGE C (types_bench.sh)"
"$here/types_bench.sh" "$build"
echo
echo "== SQL: set-returning functions and triggers against LANGUAGE C (kinds_bench.sh)"
"$here/kinds_bench.sh" "$build"
echo
echo "== the code cache (cache_bench.sh)"
"$here/cache_bench.sh" "$build"
