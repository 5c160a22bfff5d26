#!/usr/bin/env bash
# Runs the SIP parser comparison interleaved (one implementation at a time, alternating,
# ROUNDS rounds) so that a busy shared machine disturbs every implementation alike, then
# prints per-benchmark medians of CPU time and cpark's speed-up over libosip2 and
# sofia-sip. The headline is the receive path (parse + full validation + serialize, what
# TransactionLayer::receive runs) against their parse + serialize.
# Usage: bench/sip/run-parser-bench.sh [ROUNDS] [BUILD_DIR]
set -euo pipefail
rounds=${1:-5}
build=${2:-build}
bin="$build/bench/sip/cpark_sip_parser_bench"
[[ -x $bin ]] || { echo "build $bin first: cmake --build $build --target cpark_sip_parser_bench" >&2; exit 1; }
benches=(BM_CrlfScan BM_Cpark_Parse BM_Cpark_ParseSerialize BM_Cpark_ParseValidate BM_Cpark_ParseValidateSerialize
         BM_Cpark_ReceiveEditSerialize BM_Osip_Parse BM_Osip_ParseSerialize BM_Sofia_Parse BM_Sofia_ParseSerialize)
results=$(mktemp)
trap 'rm -f "$results"' EXIT
cpu=$("$bin" --benchmark_filter="^BM_CrlfScan$" --benchmark_min_time=0.01 2>/dev/null | sed -n 's/^CPU model: //p')
"$bin" --benchmark_filter="^BM_CrlfScan$" --benchmark_min_time=0.01 2>/dev/null | grep -E '^(CPU model|Message)'
for ((r = 1; r <= rounds; r++)); do
  for b in "${benches[@]}"; do
    "$bin" --benchmark_filter="^${b}\$" --benchmark_min_time=0.3 --benchmark_format=csv 2>/dev/null |
      awk -F, -v b="$b" '$1 == "\""b"\"" { print b, $4 }' >>"$results"
  done
done
python3 - "$results" "$cpu" "$rounds" <<'PY'
import collections, statistics, sys
times = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, cpu = line.split()
    times[name].append(float(cpu))
med = {k: statistics.median(v) for k, v in times.items()}
print(f"{'benchmark':34} {'median CPU ns':>14} {'runs':>5}")
for k, v in med.items():
    print(f"{k:34} {v:14.0f} {len(times[k]):5d}")
def ratio(a, b): return med[b] / med[a]
cpu, rounds = sys.argv[2], sys.argv[3]
rx = 'BM_Cpark_ParseValidateSerialize'
print()
print(f"RECEIVE PATH (parse + validate + serialize): cpark {med[rx]:.0f} ns = "
      f"{ratio(rx,'BM_Osip_ParseSerialize'):.1f}x libosip2, {ratio(rx,'BM_Sofia_ParseSerialize'):.1f}x sofia-sip "
      f"(targets 10x, 3x; medians of {rounds} interleaved rounds on {cpu})")
print(f"  relay (receive path + new Via, Max-Forwards - 1, serialize): {ratio('BM_Cpark_ReceiveEditSerialize','BM_Osip_ParseSerialize'):5.1f}x libosip2, {ratio('BM_Cpark_ReceiveEditSerialize','BM_Sofia_ParseSerialize'):4.1f}x sofia-sip")
print(f"  parse only (first tier):                  {ratio('BM_Cpark_Parse','BM_Osip_Parse'):5.1f}x libosip2, {ratio('BM_Cpark_Parse','BM_Sofia_Parse'):4.1f}x sofia-sip")
print(f"  parse (first tier) + serialize:           {ratio('BM_Cpark_ParseSerialize','BM_Osip_ParseSerialize'):5.1f}x libosip2, {ratio('BM_Cpark_ParseSerialize','BM_Sofia_ParseSerialize'):4.1f}x sofia-sip")
print(f"  floor (CRLF scan):                        {med['BM_CrlfScan']:.0f} ns")
PY
