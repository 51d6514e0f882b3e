#!/usr/bin/env bash
# Builds a large real-world module for compile-speed measurements: SQLite 3.40 from Debian's
# source package (fetched by setup.sh --fetch-source, as it fetches asmjit),
# amalgamated with its own tclsh scripts and compiled with clang --target=wasm32-wasi.
# Nothing of SQLite is kept in the repository. Prints the path of the .wasm.
#   build_sqlite.sh [WORKDIR]     (default /tmp/pgwasm-sqlite)
set -euo pipefail
work=${1:-/tmp/pgwasm-sqlite}
out=$work/sqlite3.wasm
if [[ -f $out ]]; then echo "$out"; exit 0; fi
command -v tclsh >/dev/null || { echo "build_sqlite: needs tclsh (Debian package tcl)" >&2; exit 1; }
"$(dirname "$0")/../../setup.sh" --fetch-source sqlite3 "$work" >&2
src=$(find "$work" -maxdepth 1 -type d -name 'sqlite3-*' | head -n1)
mkdir -p "$src/bld"
(cd "$src/bld" && ../configure --disable-tcl >/dev/null && make sqlite3.c >/dev/null)
clang --target=wasm32-wasi -O2 -DSQLITE_OS_OTHER=1 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION \
  -DSQLITE_ENABLE_FTS5 -DSQLITE_ENABLE_RTREE -DSQLITE_ENABLE_MATH_FUNCTIONS -D_WASI_EMULATED_MMAN \
  -nostartfiles -Wl,--no-entry -Wl,--export-all -Wl,--allow-undefined "$src/bld/sqlite3.c" -o "$out"
echo "$out"
