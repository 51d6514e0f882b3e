# Sourced by the SQL benchmarks (udf_bench.sh, types_bench.sh): a throwaway cluster and the
# parsing of interleaved psql \timing runs. Expects: die(), $bindir, $root.

if [[ $EUID -eq 0 ]]; then as_pg() { runuser -u postgres -- "$@"; }; else as_pg() { "$@"; }; fi

# bench_cluster NAME PORT SHARED_BUFFERS FILE...: a cluster in its own temp directory ($work),
# no TCP, removed at exit, with FILEs copied where the postgres user can read them. JIT and
# parallel query off: every implementation then runs the same plan, one function call per
# row in one process (JIT could otherwise inline the C function from its bitcode). work_mem
# keeps generate_series's rows in memory rather than in a temp file. Defines sql().
bench_cluster() {
  local name=$1 port=$2 buffers=$3
  shift 3
  work=$(mktemp -d "/tmp/$name.XXXXXX")
  chmod 755 "$work"
  cp "$@" "$work/"
  chown -R postgres: "$work" 2>/dev/null || true
  trap 'as_pg "$bindir/pg_ctl" -D "$work/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  cd "$work"  # a directory the postgres user may enter (a clone under /root is not)
  as_pg "$bindir/initdb" -D "$work/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
  cat >>"$work/data/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$work'
jit = off
max_parallel_workers_per_gather = 0
work_mem = 256MB
shared_buffers = $buffers
fsync = off
EOF
  as_pg "$bindir/pg_ctl" -D "$work/data" -l "$work/server.log" -w start >/dev/null ||
    { cat "$work/server.log" >&2; die "the cluster did not start"; }
  sql() { as_pg "$bindir/psql" -h "$work" -p "$port" -X -q -At -v ON_ERROR_STOP=1 -d postgres "$@"; }
  [[ $(sql -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'wasm'") == 1 ]] ||
    die "extension wasm is not installed: run 'make -C $root -j2 && make -C $root install' (as root)"
  if ! cmp -s "$root/wasm.so" "$(pg_config --pkglibdir)/wasm.so"; then
    echo "note: the installed wasm.so differs from $root/wasm.so (run make install to update it)"
  fi
}

median() { sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }

# parse_runs < psql output: per run "@ impl", the result line, "Time: N ms" (later Time
# lines, of RESET, ignored). Prints "T impl seconds" per run and "R impl results..." (each
# result with its spaces as '_').
parse_runs() {
  awk '
    /^@ / {impl = $2; want = 1; next}
    want == 1 {v = $0; gsub(/ /, "_", v); result[impl] = result[impl] " " v; want = 2; next}
    want == 2 && /^Time: / {print "T", impl, $2 / 1000; want = 0; next}
    END {for (i in result) print "R", i, result[i]}'
}

# run_results PARSED: the distinct results of all runs, one per line.
run_results() { awk '$1 == "R" {for (k = 3; k <= NF; k++) print $k}' <<<"$1" | sort -u; }
# run_median PARSED IMPL: the median time of IMPL's runs.
run_median() { awk -v i="$2" '$1 == "T" && $2 == i {print $3}' <<<"$1" | median; }
