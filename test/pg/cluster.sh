# Sourced by the SQL test scripts: a throwaway PostgreSQL cluster in a temporary directory,
# on a Unix socket only. PostgreSQL refuses to run as root, so as root the server and the
# clients run as the postgres user (from a directory it may enter).
#
#   source test/pg/cluster.sh
#   cluster_init "shared_preload_libraries = 'wasm'"   # extra postgresql.conf lines
#   cluster_start
#   psql_pg -d postgres -c 'SELECT 1'
#   cluster_restart / cluster_stop; the directory is removed at exit unless keep=1
bindir=$(pg_config --bindir)

as_pg() {
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cluster_init() {
  tmp=$(mktemp -d /tmp/pgwasm-test.XXXXXX)
  chmod 755 "$tmp"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$tmp"
  cd "$tmp" || return 1
  port=$((20000 + RANDOM % 20000))
  trap cluster_cleanup EXIT
  as_pg "$bindir/initdb" -D "$tmp/data" -A trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null || return 1
  cat >>"$tmp/data/postgresql.conf" <<CONF
port = $port
listen_addresses = ''
unix_socket_directories = '$tmp'
fsync = off
max_connections = 60
$1
CONF
}

cluster_start() {
  as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/postmaster.log" -w start >/dev/null || {
    tail -20 "$tmp/postmaster.log"
    return 1
  }
}

cluster_restart() {
  as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/postmaster.log" -m fast -w restart >/dev/null
}

cluster_stop() {
  as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1
}

cluster_cleanup() {
  cluster_stop
  if [[ ${keep:-0} -eq 0 ]]; then rm -rf "$tmp"; else echo "kept $tmp for inspection"; fi
}

# Copies .wasm files where the server can read them: $tmp/examples.
cluster_copy_modules() {
  mkdir -p "$tmp/examples"
  cp "$@" "$tmp/examples/"
  chmod -R a+rX "$tmp/examples"
}

psql_pg() { as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" "$@"; }

# A value from a one-row, one-column query.
sql_value() { psql_pg -At -d "${db:-postgres}" -c "$1"; }

# A generated module with N functions with loops and an export "answer" that calls a few
# of them; SALT makes its code (and hash) differ. 24000 functions: about 1 MB of Wasm code,
# compiled in a noticeable time; 3000: an artifact of about 500 kB.
#   gen_big N SALT     writes $tmp/examples/bigSALT.wasm
gen_big() {
  awk -v n="$1" -v salt="$2" 'BEGIN {
    print "(module"
    for (k = 0; k < n; k++) {
      printf "(func $f%d (param i32) (result i32) (local i32 i32)\n", k
      printf "  (local.set 1 (i32.const %d))\n", k + salt
      print  "  (loop $l"
      print  "    (local.set 1 (i32.add (local.get 1) (i32.mul (local.get 0) (i32.const 3))))"
      print  "    (local.set 2 (i32.xor (local.get 2) (i32.rotl (local.get 1) (i32.const 5))))"
      print  "    (local.set 0 (i32.sub (local.get 0) (i32.const 1)))"
      print  "    (br_if $l (i32.gt_s (local.get 0) (i32.const 0))))"
      print  "  (i32.add (local.get 1) (local.get 2)))"
    }
    printf "(func (export \"answer\") (param i32) (result i32)\n"
    printf "  (i32.add (call $f0 (local.get 0)) (i32.add (call $f%d (local.get 0)) (call $f%d (local.get 0)))))\n", n / 2, n - 1
    print ")"
  }' >"$tmp/examples/big$2.wat"
  wat2wasm "$tmp/examples/big$2.wat" -o "$tmp/examples/big$2.wasm" && chmod a+r "$tmp/examples/big$2.wasm"
}

# The engine CLI's result ($build/wasm-run) of bigSALT's "answer" for ARG: the reference
# that SQL calls of it are checked against.
#   big_answer SALT ARG
big_answer() { "$build/wasm-run" "$tmp/examples/big$1.wasm" --invoke answer "$2" | sed 's/^i32://'; }

# Checks for the end of a test script.
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); keep=1; echo "FAILED: $*"; }
check() {  # check "description" actual expected
  if [[ $2 == "$3" ]]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}
no_crash() {  # [FIRST_LINE]: only the log from that line on
  # No log, or one that never says the server was ready, proves nothing.
  if ! grep -q "database system is ready to accept connections" "$tmp/postmaster.log" 2>/dev/null; then
    fail "no server log to look for crashes in ($tmp/postmaster.log)"
  elif tail -n +"${1:-1}" "$tmp/postmaster.log" | grep -q "terminated by signal"; then
    tail -n +"${1:-1}" "$tmp/postmaster.log" | grep "terminated by signal"
    fail "a backend crashed"
  else
    pass "no backend terminated by a signal"
  fi
}
summary() {
  echo "$passed passed, $failed failed"
  [[ $failed -eq 0 ]]
}
