#!/usr/bin/env bash
# Compiles an AssemblyScript entry file into a pg-wasm module with the pgwasm library
# (assembly/pgwasm.ts), using the compiler that setup.sh installs here from
# package.json / package-lock.json (npm ci):
#
#   udf-sdk/assemblyscript/build.sh FILE.ts [OUT.wasm]     # works from any directory
#
# --runtime stub: a bump allocator without GC, reset by pgwasm_alloc before every call.
# --use abort=...: failed assertions and aborts print their message to stderr (the
# ERROR's DETAIL) and trap, instead of importing env.abort (which pg-wasm does not provide).
# Optimized with -O3; no SIMD (pg-wasm runs WebAssembly 2.0 without it).
set -euo pipefail
(($# == 1 || $# == 2)) || { echo "usage: $0 FILE.ts [OUT.wasm]" >&2; exit 2; }
src=$1
out=${2:-${src%.ts}.wasm}
[[ -f $src ]] || { echo "$0: no such file: $src" >&2; exit 1; }
sdk=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
asc=$sdk/node_modules/.bin/asc
[[ -x $asc ]] || { echo "$0: $asc is missing: run 'npm ci' in $sdk (setup.sh does)" >&2; exit 1; }
src=$(cd "$(dirname "$src")" && pwd)/$(basename "$src")
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
cd "$sdk"  # the abort handler is named by its path from here
"$asc" "$src" --path packages --runtime stub --use abort=assembly/pgwasm/pgwasm_abort -O3 --disable simd \
  --outFile "$out"
echo "$out"
