#!/usr/bin/env bash
# Compiles one C or C++ source file into a pg-wasm module (WASI reactor, no SIMD).
#
#   udf-sdk/build.sh FILE.c [OUT.wasm]       # OUT defaults to FILE.wasm
#   udf-sdk/build.sh FILE.cpp [OUT.wasm]     # C++: -fno-exceptions
#
# It runs the same command as the repository's own build of udf-sdk/examples:
#
#   clang-14 --target=wasm32-wasi -O2 -mexec-model=reactor -I udf-sdk/include FILE.c -lm -o OUT.wasm
#
# Needs (Debian 12): clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32; for the C++
# standard library also libc++-14-dev-wasm32 libc++abi-14-dev-wasm32 (without them C++
# files build with -nostdlib++: the language, but no std::string and friends).
# Extra compiler flags can be given in PGWASM_CFLAGS (for example "-O3 -g0").
set -euo pipefail

usage() {
  echo "usage: $0 FILE.c|FILE.cpp [OUT.wasm]" >&2
  exit 2
}
(($# == 1 || $# == 2)) || usage
src=$1
[[ -f $src ]] || { echo "$0: no such file: $src" >&2; exit 1; }
out=${2:-${src%.*}.wasm}
sdk=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# First of the given names that is on PATH.
find_tool() {
  local t
  for t in "$@"; do
    if command -v "$t" >/dev/null 2>&1; then
      echo "$t"
      return 0
    fi
  done
  echo "$0: none of $* found (Debian 12: apt-get install clang-14 lld-14 wasi-libc libclang-rt-14-dev-wasm32)" >&2
  return 1
}

flags=(--target=wasm32-wasi -O2 -mexec-model=reactor -I "$sdk/include")
case $src in
  *.c)
    cc=$(find_tool clang-14 clang)
    ;;
  *.cc | *.cpp | *.cxx | *.C)
    cc=$(find_tool clang++-14 clang++)
    # No exception support in pg-wasm guests (the exception-handling proposal is not part
    # of WebAssembly 2.0): -fno-exceptions makes a `throw` a compile error, not a link one.
    flags+=(-fno-exceptions)
    lib=$("$cc" --target=wasm32-wasi -print-file-name=libc++.a)
    [[ $lib == /* ]] || flags+=(-nostdlib++)
    ;;
  *)
    echo "$0: $src: expected a .c, .cc, .cpp or .cxx file" >&2
    exit 2
    ;;
esac

# shellcheck disable=SC2086 # PGWASM_CFLAGS is a list of flags
"$cc" "${flags[@]}" ${PGWASM_CFLAGS:-} "$src" -lm -o "$out"
echo "$out"
