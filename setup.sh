#!/usr/bin/env bash
# Installs everything pg-wasm needs on a Debian 12 (bookworm) machine, as root.
#
#   ./setup.sh            # packages + asmjit; idempotent, a few seconds when all is there
#   ./setup.sh --fetch-source PACKAGE DIR   # (after setup) unpack a Debian source package
#   ./setup.sh --print-mirror               # the Debian mirror the machine's apt uses
#
# 1. Debian packages: compilers, cmake, PostgreSQL 15 and its server headers, GoogleTest,
#    RapidJSON, wabt, binaryen, clang/lld 14 with wasi-libc for guest code, and the clang
#    runtimes for sanitizers and libFuzzer.
# 2. asmjit, built from Debian's *source* package with -fPIC (Debian's libasmjit.a is not
#    position independent and cannot be linked into the extension's shared object). It is
#    installed under $ASMJIT_PREFIX (default /opt/pgwasm/asmjit), with a stamp naming the
#    source version, so a second run does nothing.
set -euo pipefail

ASMJIT_PREFIX=${ASMJIT_PREFIX:-/opt/pgwasm/asmjit}
PACKAGES=(
  build-essential cmake ninja-build git ca-certificates xz-utils dpkg-dev
  postgresql-15 postgresql-server-dev-15 libgtest-dev rapidjson-dev
  wabt binaryen clang-14 lld-14 wasi-libc libclang-rt-14-dev libclang-rt-14-dev-wasm32
  rustc libstd-rust-dev-wasm32  # the Rust guest SDK (udf-sdk/rust)
  tcl  # benchmarks only: SQLite's amalgamation scripts (test/bench/build_sqlite.sh)
)

log() { printf 'setup: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  log "run me as root (I install Debian packages)"; exit 1
fi

# --- 1. Debian packages -------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# clang-14 does not install the unversioned names that guest builds and peers.sh use
for t in clang clang++ wasm-ld; do
  src=/usr/bin/$t-14; [[ $t == wasm-ld ]] && src=/usr/bin/wasm-ld-14
  [[ -e /usr/bin/$t || ! -e $src ]] || ln -s "$src" "/usr/bin/$t"
done

# node and npm for the AssemblyScript compiler: Debian's, unless the machine has its own.
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  log "installing: nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

# --- 2. asmjit from the Debian source package, with -fPIC ---------------------------------
# apt-get source needs a deb-src line. It goes into a private apt configuration so that
# the machine's own sources (one-line or deb822, signed-by or not) are left untouched. The
# mirror is the one the machine's apt configuration names: none is written here.
debian_mirror() {
  # (Each grep may find no file or no line: that is not an error here.)
  { { grep -hE '^[[:space:]]*URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null || true; } | awk '{print $2}'
    { grep -hE '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } |
      awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}'
  } | { grep debian || true; } | { grep -v security || true; } | head -n1
}
# fetch_source PACKAGE DIR: downloads and unpacks Debian's source package into DIR.
fetch_source() {
  local pkg=$1 dir=$2 mirror
  mirror=$(debian_mirror || true)
  if [[ -z $mirror ]]; then
    log "no Debian mirror found in the machine's apt sources (/etc/apt/sources.list and"
    log "/etc/apt/sources.list.d/*.list or *.sources); configure apt with one, then run me again"
    exit 1
  fi
  mkdir -p "$dir/apt/lists/partial" "$dir/apt/archives/partial"
  echo "deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror bookworm main" \
    >"$dir/apt/sources.list"
  local opts=(-o "Dir::Etc::SourceList=$dir/apt/sources.list" -o "Dir::Etc::SourceParts=$dir/apt/none"
    -o "Dir::State::Lists=$dir/apt/lists" -o "Dir::Cache::Archives=$dir/apt/archives"
    -o "APT::Sandbox::User=root")
  log "fetching the $pkg source package from $mirror"
  apt-get "${opts[@]}" -o APT::Update::Error-Mode=any update -qq
  (cd "$dir" && apt-get "${opts[@]}" source -qq "$pkg" >/dev/null)
}
if [[ ${1:-} == --print-mirror ]]; then  # for test/setup/mirror_test.sh
  debian_mirror
  exit 0
fi
if [[ ${1:-} == --fetch-source ]]; then
  fetch_source "$2" "$3"
  exit 0
fi

asmjit_installed() { [[ -f $ASMJIT_PREFIX/lib/libasmjit.a && -f $ASMJIT_PREFIX/.pgwasm-stamp ]]; }
if ! asmjit_installed; then
  work=$(mktemp -d /tmp/pgwasm-asmjit.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  fetch_source asmjit "$work"
  srcdir=$(find "$work" -maxdepth 1 -type d -name 'asmjit-*' | head -n1)
  version=$(cd "$srcdir" && dpkg-parsechangelog -S Version)
  log "building asmjit $version with -fPIC into $ASMJIT_PREFIX"
  {
    cmake -S "$srcdir" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DASMJIT_STATIC=ON \
      -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_INSTALL_PREFIX="$ASMJIT_PREFIX" &&
      cmake --build "$work/build" -j"$(nproc)" &&
      rm -rf "$ASMJIT_PREFIX" && cmake --install "$work/build"
  } >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; log "asmjit build failed"; exit 1; }
  echo "asmjit $version static PIC" >"$ASMJIT_PREFIX/.pgwasm-stamp"
fi
# --- 3. the AssemblyScript compiler, the version udf-sdk/assemblyscript pins -------------
# From the registry the machine's npm configuration names (none is written here).
as_dir=$(cd "$(dirname "$0")" && pwd)/udf-sdk/assemblyscript
if ! cmp -s "$as_dir/package-lock.json" "$as_dir/node_modules/.package-lock.json.pgwasm" 2>/dev/null; then
  log "installing the AssemblyScript compiler (npm ci in udf-sdk/assemblyscript)"
  (cd "$as_dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) ||
    { log "npm ci failed in $as_dir"; exit 1; }
  cp "$as_dir/package-lock.json" "$as_dir/node_modules/.package-lock.json.pgwasm"
fi
log "ready (asmjit: $(cat "$ASMJIT_PREFIX/.pgwasm-stamp"); $("$as_dir/node_modules/.bin/asc" --version))"
