#!/usr/bin/env bash
# Runs the hold-model benchmarks fairly on a shared, noisy machine and prints medians.
#
# Every run is its own process and measures one implementation at one (N, cancel). For
# each round, for each N and cancel mode, it runs each implementation once, in an order
# that flips every round (running them back to back in a fixed order alone moved ratios
# by +-30 %). Printed: the CPU, core count and date; per (N, cancel) the median events/s
# of each implementation over the rounds and the ratios kernel/pq, kernel/ns-3 and
# kernel/v1 (the previous kernel: before/after in one session), with the range of the
# per-round ratios in brackets; and whether each target of the kernel holds:
#   cancel 0:    kernel >= 1.0 x std::priority_queue
#   cancel 1, 2: kernel >= 1.3 x std::priority_queue with cancellations, >= 3 x ns-3
#
# Build first (Release):
#   cmake -S . -B build-rel -G Ninja -DCMAKE_BUILD_TYPE=Release -DCPARK_WERROR=ON
#   cmake --build build-rel -j2 --target cpark_hold_bench cpark_ns3_hold_bench
# then:  bench/run-hold-bench.sh [--build DIR] [--rounds R] [--min-time S] [--n "1000 100000"]
#                                [--cancel "0 1 2"] [--raw FILE] [--check]
# ns-3 is included when build-rel/bench/cpark_ns3_hold_bench exists. --check exits 1
# when a target is missed. The defaults (6 rounds, 0.5 s per run) take about 10 minutes.
set -euo pipefail

build=build-rel
rounds=6
min_time=0.5
ns="1000 100000 1000000"
cancels="0 1 2"
raw=""
check=0
while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --min-time) min_time=$2; shift 2 ;;
    --n) ns=$2; shift 2 ;;
    --cancel) cancels=$2; shift 2 ;;
    --raw) raw=$2; shift 2 ;;
    --check) check=1; shift ;;
    -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
    *) echo "run-hold-bench.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

cpark_bench="$build/bench/cpark_hold_bench"
ns3_bench="$build/bench/cpark_ns3_hold_bench"
if [[ ! -x "$cpark_bench" ]]; then
  echo "run-hold-bench.sh: $cpark_bench not found; build the Release tree first (see --help)" >&2
  exit 2
fi
impls=(kernel v1 pq)
[[ -x "$ns3_bench" ]] && impls+=(ns3)

results=$(mktemp)
trap 'rm -f "$results"' EXIT

# One run: prints items_per_second of benchmark $2 at N=$3, cancel=$4 from binary $1,
# or nothing when the run fails twice (said on stderr; the table then lacks that run).
run_one() {
  local out attempt status
  for attempt in 1 2; do
    status=0
    out=$("$1" --benchmark_filter="^$2/N:$3/cancel:$4\$" --benchmark_min_time="$min_time" \
            --benchmark_format=csv 2>&1) || status=$?
    if ((status == 0)); then
      # CSV: name,iterations,real_time,cpu_time,time_unit,bytes_per_second,items_per_second,...
      awk -F, 'NR > 1 && $1 ~ /N:/ { print $7 }' <<<"$out"
      return
    fi
    echo "run-hold-bench.sh: $2 N=$3 cancel=$4 exited with $status (attempt $attempt):" >&2
    tail -n 3 <<<"$out" >&2
  done
}
bench_of() {
  case "$1" in
    kernel) echo "$cpark_bench BM_Hold_EventQueue" ;;
    v1) echo "$cpark_bench BM_Hold_EventQueueV1" ;;
    pq) echo "$cpark_bench BM_Hold_PriorityQueue" ;;
    ns3) echo "$ns3_bench BM_Hold_Ns3Default" ;;
  esac
}

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
l3=$(lscpu 2>/dev/null | awk -F': *' '/^L3 cache/ { print $2; exit }')
echo "# hold model, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# CPU: ${cpu:-unknown} (${l3:-L3 unknown}), $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo unknown)," \
     "build $build, $rounds rounds, --benchmark_min_time=$min_time, implementations: ${impls[*]}"
echo "# command: $0 --build $build --rounds $rounds --min-time $min_time --n \"$ns\" --cancel \"$cancels\""

for ((r = 1; r <= rounds; r++)); do
  order=("${impls[@]}")
  if ((r % 2 == 0)); then  # flip the order every round
    order=()
    for ((i = ${#impls[@]} - 1; i >= 0; i--)); do order+=("${impls[i]}"); done
  fi
  for n in $ns; do
    for c in $cancels; do
      for impl in "${order[@]}"; do
        read -r bin name <<<"$(bench_of "$impl")"
        v=$(run_one "$bin" "$name" "$n" "$c")
        [[ -n "$v" ]] && echo "$r $n $c $impl $v" >>"$results"
      done
    done
  done
  echo "# round $r of $rounds done" >&2
done
[[ -n "$raw" ]] && cp "$results" "$raw"

# Medians per (N, cancel, implementation); per-round ratios kernel/x for their ranges.
awk -v impls="${impls[*]}" -v check="$check" '
  function median(list,   a, k, i, j, x) {
    k = split(list, a, " ")
    for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
  }
  { key = $2 " " $3; v[key, $4] = v[key, $4] " " $5; per[key, $4, $1] = $5
    if (!(key in seen)) { seen[key] = 1; keys[++nk] = key } ; if ($1 > rounds) rounds = $1 }
  function ratio_cell(key, x,   lo, hi, r, rr) {
    if (v[key, x] == "" || v[key, "kernel"] == "") return sprintf("%-20s", "-")
    lo = 1e30; hi = 0
    for (r = 1; r <= rounds; r++) if ((key, x, r) in per && (key, "kernel", r) in per) {
      rr = per[key, "kernel", r] / per[key, x, r]; if (rr < lo) lo = rr; if (rr > hi) hi = rr }
    return sprintf("%5.2f [%4.2f-%4.2f]   ", median(v[key, "kernel"]) / median(v[key, x]), lo, hi)
  }
  END {
    n = split(impls, im, " ")
    printf "\n%-8s %-6s", "N", "cancel"
    for (i = 1; i <= n; i++) printf " %10s", im[i] " M/s"
    printf "   %-20s %-20s %-20s %s\n", "kernel/pq", "kernel/ns-3", "kernel/v1", "targets"
    missed = 0
    for (q = 1; q <= nk; q++) {
      key = keys[q]; split(key, kc, " ")
      printf "%-8s %-6s", kc[1], kc[2]
      for (i = 1; i <= n; i++) printf " %10.2f", v[key, im[i]] == "" ? 0 : median(v[key, im[i]]) / 1e6
      printf "   %s %s %s", ratio_cell(key, "pq"), ratio_cell(key, "ns3"), ratio_cell(key, "v1")
      verdict = ""
      if (v[key, "kernel"] == "" || v[key, "pq"] == "") { missed = 1; printf "no data\n"; continue }
      kp = median(v[key, "kernel"]) / median(v[key, "pq"])
      if (kc[2] == 0) { ok = kp >= 1.0; verdict = (ok ? "met" : "MISSED") " (pq >= 1.0)" }
      else {
        ok = kp >= 1.3; verdict = (ok ? "met" : "MISSED") " (pq >= 1.3)"
        if (v[key, "ns3"] != "") { k3 = median(v[key, "kernel"]) / median(v[key, "ns3"]); ok3 = k3 >= 3
          verdict = verdict ", " (ok3 ? "met" : "MISSED") " (ns-3 >= 3)"; ok = ok && ok3 }
      }
      if (!ok) missed = 1
      printf "%s\n", verdict
    }
    printf "\nmedians of %d rounds; ratios are ratios of medians, [per-round min-max]\n", rounds
    exit (check && missed) ? 1 : 0
  }' "$results"
