#!/usr/bin/env bash
# Before/after on a shared, noisy machine: runs one Google Benchmark program from two
# builds alternately (old, new, new, old, ...: the order flips every round), each run its
# own process, and prints per benchmark the median time of each build over the rounds
# and the ratio old/new (above 1: the new build is faster), with the CPU model.
#
#   bench/compare-builds.sh OLD_BUILD NEW_BUILD [PROGRAM] [ROUNDS] [-- BENCHMARK ARGS]
#   bench/compare-builds.sh /work/baseline/build build-rel cpark_engine_bench 6
# PROGRAM is a path under bench/ in both builds (default cpark_engine_bench).
set -euo pipefail
old=${1:?old build folder}; new=${2:?new build folder}
program=${3:-cpark_engine_bench}; rounds=${4:-6}
shift $(( $# < 4 ? $# : 4 ))
[[ ${1:-} == -- ]] && shift
extra=("$@")
for b in "$old" "$new"; do
  [[ -x $b/bench/$program ]] || { echo "compare-builds.sh: $b/bench/$program is not built" >&2; exit 2; }
done
raw=$(mktemp); trap 'rm -f "$raw"' EXIT
run() {  # build label
  "$1/bench/$program" --benchmark_format=csv "${extra[@]}" 2>/dev/null |
    awk -F, -v label="$2" '/^"?BM_/ { gsub(/"/, "", $1); print label "," $1 "," $3 "," $5 }' >> "$raw"
}
for ((r = 1; r <= rounds; ++r)); do
  if ((r % 2)); then run "$old" old; run "$new" new; else run "$new" new; run "$old" old; fi
  echo "# round $r of $rounds done" >&2
done
echo "# $program: $old (old) vs $new (new), $rounds rounds alternating, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# CPU: $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s %14s %14s %10s\n' benchmark "old median" "new median" "old/new"
sort -t, -k2,2 -k1,1 "$raw" | awk -F, '
  function median(a, n,   i, j, t) { for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                       return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  function flush() { if (name == "") return; mo = median(o, no); mn = median(w, nw)
                     printf "%-44s %11.1f %s %11.1f %s %10.2f\n", name, mo, unit, mn, unit, mo / mn }
  $2 != name { flush(); name = $2; no = 0; nw = 0; delete o; delete w }
  { unit = $4; if ($1 == "old") o[++no] = $3; else w[++nw] = $3 }
  END { flush() }'
