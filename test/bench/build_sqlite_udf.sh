#!/usr/bin/env bash
# Builds test/bench/sqlite_udf.c with SQLite's amalgamation (from Debian's source package,
# via build_sqlite.sh) into a pg-wasm module of over 1 MB of code. Prints its path.
#   build_sqlite_udf.sh [WORK_DIR=/tmp/pgwasm-sqlite]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-/tmp/pgwasm-sqlite}
out=$work/sqlite_udf.wasm
if [[ -f $out && $out -nt $here/sqlite_udf.c ]]; then echo "$out"; exit 0; fi
"$here/build_sqlite.sh" "$work" >/dev/null
src=$(find "$work" -maxdepth 1 -type d -name 'sqlite3-*' | head -n1)
clang-14 --target=wasm32-wasi -O2 -mexec-model=reactor -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 \
  -DSQLITE_OMIT_LOAD_EXTENSION -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS \
  -DSQLITE_ENABLE_JSON1 -I"$here/../../udf-sdk/include" -I"$src/bld" \
  "$src/bld/sqlite3.c" "$here/sqlite_udf.c" -Wl,--export=sqlite3_libversion -Wl,--export-dynamic \
  -lm -o "$out"
echo "$out"
