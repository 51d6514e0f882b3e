#!/usr/bin/env bash
# Cost of fuel metering: each peers.sh kernel run with and without a fuel budget,
# alternately, REPS times; prints medians and their ratio, and the geometric mean.
#   fuel_overhead.sh CLI [REPS]
set -euo pipefail
cli=$1 reps=${2:-5}
K=${KERNEL_DIR:-$(cd "$(dirname "$0")/../../../shared/bench/kernels" && pwd)}
work=$(mktemp -d)
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
printf '%-8s %10s %10s %8s\n' kernel no-fuel fuel ratio
logsum=0 count=0
for c in "$K"/*.c; do
  k=$(basename "$c" .c)
  n=$(sed -n 's/.*bench-n: *\([0-9]*\).*/\1/p' "$c" | head -n1)
  clang --target=wasm32-wasi -O2 -nostartfiles -Wl,--no-entry -I"$K" "$c" -o "$work/$k.wasm"
  a=() b=()
  for ((r = 0; r < reps; r++)); do
    a+=("$("$cli" --bench "$work/$k.wasm" --invoke run "$n" | cut -d' ' -f2)")
    b+=("$("$cli" --bench "$work/$k.wasm" --invoke run "$n" --fuel 9000000000000000000 2>/dev/null | cut -d' ' -f2)")
  done
  ma=$(printf '%s\n' "${a[@]}" | median) mb=$(printf '%s\n' "${b[@]}" | median)
  ratio=$(awk -v a="$ma" -v b="$mb" 'BEGIN{printf "%.3f", b/a}')
  logsum=$(awk -v s="$logsum" -v r="$ratio" 'BEGIN{print s + log(r)}')
  count=$((count + 1))
  printf '%-8s %10s %10s %7sx\n' "$k" "$ma" "$mb" "$ratio"
done
awk -v s="$logsum" -v n="$count" 'BEGIN{printf "geomean %29.3fx\n", exp(s/n)}'
rm -rf "$work"
