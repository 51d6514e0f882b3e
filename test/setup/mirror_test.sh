#!/usr/bin/env bash
# setup.sh takes the Debian mirror from the machine's apt configuration and from nowhere
# else: with no apt sources at all (hidden in a private mount namespace), fetching a
# source package fails at once with a clear message instead of falling back to a host
# name of its own; with a one-line or a deb822 source, that mirror is the one used.
# Needs root (unshare). Last line: "N passed, N failed".
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
passed=0 failed=0
pass() { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Runs setup.sh's mirror lookup with /etc/apt/sources.list and sources.list.d replaced by
# the given file and directory.
with_sources() {  # LIST_FILE PARTS_DIR COMMAND...
  local list=$1 parts=$2
  shift 2
  unshare --mount bash -c 'mount --bind "$1" /etc/apt/sources.list.d && { [[ ! -e /etc/apt/sources.list ]] || mount --bind "$0" /etc/apt/sources.list; } && shift && exec "$@"' \
    "$list" "$parts" "$@"
}
: >"$work/empty.list"
mkdir -p "$work/none" "$work/deb822"
out=$(with_sources "$work/empty.list" "$work/none" "$repo/setup.sh" --fetch-source asmjit "$work/src" 2>&1)
rc=$?
if [[ $rc -ne 0 ]] && grep -q "no Debian mirror found in the machine's apt sources" <<<"$out" &&
   ! grep -q "fetching" <<<"$out"; then
  pass "no apt sources: a clear error, nothing fetched"
else
  fail "no apt sources: exit $rc, said: $out"
fi
# The lookup alone (setup.sh --print-mirror), for each kind of source.
mkdir -p "$work/oneline"
echo "deb http://mirror.example.invalid/debian bookworm main" >"$work/oneline/x.list"
got=$(with_sources "$work/empty.list" "$work/oneline" "$repo/setup.sh" --print-mirror 2>/dev/null)
[[ $got == http://mirror.example.invalid/debian ]] && pass "one-line source: its mirror" || fail "one-line source: got '$got'"
printf 'Types: deb\nURIs: http://other.example.invalid/debian\nSuites: bookworm\nComponents: main\n' >"$work/deb822/x.sources"
got=$(with_sources "$work/empty.list" "$work/deb822" "$repo/setup.sh" --print-mirror 2>/dev/null)
[[ $got == http://other.example.invalid/debian ]] && pass "deb822 source: its mirror" || fail "deb822 source: got '$got'"
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
