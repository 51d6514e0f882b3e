#!/usr/bin/env bash
# Compiles a Rust source file into a pg-wasm module with the pgwasm SDK (pgwasm.rs), using
# Debian's rustc and its wasm32-wasi standard library (no cargo, no crates):
#
#   udf-sdk/rust/build.sh FILE.rs [OUT.wasm]     # works from any directory
#
# Needs (Debian 12): apt-get install rustc libstd-rust-dev-wasm32. RUSTC overrides the
# compiler (default: /usr/bin/rustc, Debian's, even when a rustup toolchain is on PATH).
# The module is stripped of debug info and symbol names (-C strip=symbols): a few kB
# instead of hundreds. A panic aborts, which is a trap; std writes the panic message to
# stderr first, and the host shows it in the ERROR's DETAIL.
set -euo pipefail
(($# == 1 || $# == 2)) || { echo "usage: $0 FILE.rs [OUT.wasm]" >&2; exit 2; }
src=$1
out=${2:-${src%.rs}.wasm}
[[ -f $src ]] || { echo "$0: no such file: $src" >&2; exit 1; }
sdk=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rustc=${RUSTC:-/usr/bin/rustc}
[[ -x $rustc ]] || { echo "$0: $rustc not found (Debian 12: apt-get install rustc libstd-rust-dev-wasm32)" >&2; exit 1; }
lib=$(mktemp -d)
trap 'rm -rf "$lib"' EXIT
srcdir=$(cd "$(dirname "$src")" && pwd)
# Panic messages name the source file relative to its folder, not where it was built.
flags=(--edition 2021 --target wasm32-wasi -C opt-level=2 -C panic=abort
       --remap-path-prefix "$srcdir=." --remap-path-prefix "$sdk=pgwasm")
"$rustc" "${flags[@]}" --crate-type rlib --crate-name pgwasm "$sdk/pgwasm.rs" -o "$lib/libpgwasm.rlib"
"$rustc" "${flags[@]}" --crate-type cdylib -C strip=symbols --extern pgwasm="$lib/libpgwasm.rlib" -L "$lib" \
  "$src" -o "$out"
echo "$out"
