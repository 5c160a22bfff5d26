#!/usr/bin/env bash
# Plain calls through cpark serve (B2BUA) and through Kamailio 5.6 as a transaction-
# stateful proxy (kamailio-tm.cfg), with the same SIPp load (sipp/load/call_uac.xml ->
# server -> sipp/load/phone_uas.xml), interleaved, 3 trials each: for each server the
# highest rate of a ladder with 0 failed calls and p99 INVITE->200 under 10 ms; prints the
# medians, the ratio cpark / Kamailio and the CPU model. Everything started here is
# stopped by PID (also on Ctrl-C).
#
#   bench/sip/compare-kamailio.sh [CPARK_BINARY]      (default build-rel/cli/cpark)
#   RATES="1000 2000 3000" STEP_SECONDS=10 TRIALS=3 bench/sip/compare-kamailio.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cpark=${1:-$root/build-rel/cli/cpark}
rates=${RATES:-"1000 2000 3000 4000 5000 6000 7000 8000"}
step_seconds=${STEP_SECONDS:-10}
trials=${TRIALS:-3}
limit_ms=${P99_LIMIT_MS:-10}
for tool in sipp kamailio python3; do
  command -v "$tool" >/dev/null || { echo "compare-kamailio: $tool is not installed (scripts/install-deps.sh)" >&2; exit 3; }
done
[ -x "$cpark" ] || { echo "compare-kamailio: no cpark at $cpark (build it: cmake --build build-rel --target cpark)" >&2; exit 3; }

work=$(mktemp -d /tmp/cpark-vs-kamailio-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# p99 of the "invite" timer in a SIPp -trace_rtt file (nearest rank).
p99_invite() {
  awk -F';' 'NR>1 && $3=="invite" {print $2}' "$1" | sort -n | awk '{v[NR]=$1} END {if (NR==0) {print 1e9; exit} r=int((NR*99+99)/100); if (r<1) r=1; print v[r]}'
}

# One Kamailio ladder: prints the highest clean rate (0 if none).
kamailio_max() {
  local dir=$work/kam.$1; mkdir -p "$dir"
  local kport phones best=0
  kport=$(free_port); phones=$(free_port)
  (cd "$dir" && exec sipp -sf "$root/sipp/load/phone_uas.xml" -i 127.0.0.1 -p "$phones" -key domain load.example \
      -nostdin -buff_size 4194304 >/dev/null 2>&1) & pids+=($!); local uas=$!
  kamailio -f "$here/kamailio-tm.cfg" -DD -E -m 4096 -M 32 -b 4194304 -l "udp:127.0.0.1:$kport" \
      -A "PHONES=\"sip:127.0.0.1:$phones\"" >"$dir/kamailio.log" 2>&1 & pids+=($!); local kam=$!
  sleep 1
  for rate in $rates; do
    local calls=$((rate * step_seconds)) cdir=$dir/r$rate; mkdir -p "$cdir"
    printf 'SEQUENTIAL\n' >"$cdir/users.csv"; for i in $(seq 1000 1999); do printf 'u%d;u%d\n' "$i" $((i+1)) >>"$cdir/users.csv"; done
    local rc=0
    (cd "$cdir" && sipp 127.0.0.1:"$kport" -sf "$root/sipp/load/call_uac.xml" -i 127.0.0.1 -p "$(free_port)" \
        -key domain load.example -inf users.csv -r "$rate" -m "$calls" -d 0 -nostdin -buff_size 4194304 \
        -trace_stat -stf stat.csv -fd 1 -trace_rtt -rtt_freq 200 -timeout $((step_seconds + 60)) -timeout_error \
        >/dev/null 2>&1) || rc=$?
    local p99; p99=$(p99_invite "$(ls "$cdir"/*_rtt.csv | head -1)")
    echo "  kamailio trial $1: $rate calls/s -> SIPp exit $rc, p99 INVITE ${p99} ms" >&2
    if [ "$rc" -eq 0 ] && awk -v p="$p99" -v l="$limit_ms" 'BEGIN{exit !(p < l)}'; then best=$rate; else break; fi
    sleep 1
  done
  kill -TERM "$kam" 2>/dev/null || true; wait "$kam" 2>/dev/null || true
  kill -KILL "$uas" 2>/dev/null || true; wait "$uas" 2>/dev/null || true
  echo "$best"
}

# One cpark ladder, by `cpark loadtest` on a generated calls-max profile.
cpark_max() {
  local dir=$work/cpark.$1; mkdir -p "$dir"
  local first last step
  first=$(echo $rates | awk '{print $1}'); last=$(echo $rates | awk '{print $NF}'); step=$(echo $rates | awk '{print ($2 ? $2-$1 : 1)}')
  cat >"$dir/calls.toml" <<TOML
name = "calls-compare"
max_transactions = 1000000
timeout = 3600
[deployment]
file = "$root/sipp/profiles/load-deployment.toml"
users = 1000
[search]
flow = "call"
start = $first
step = $step
max = $last
step_duration = $step_seconds
p99_invite_limit = $limit_ms
TOML
  (cd "$root" && "$cpark" loadtest "$dir/calls.toml" --out "$dir/out" --scenarios "$root/sipp/load" 2>&1 >/dev/null |
     grep -E '^rate' | sed "s/^/  cpark trial $1: /" >&2) || true
  python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(int(s["rate_search"]["max_rate_per_second"] or 0))' "$dir/out/summary.json"
}

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

echo "CPU: $(lscpu | sed -n 's/^Model name: *//p') ($(nproc) CPUs); SIPp, the server and the phones share them"
echo "ladder: $rates calls/s, $step_seconds s each; pass = 0 failed calls and p99 INVITE < $limit_ms ms"
kam=(); cp=()
for t in $(seq 1 "$trials"); do
  k=$(kamailio_max "$t"); kam+=("$k"); echo "trial $t: Kamailio tm $k calls/s"
  c=$(cpark_max "$t"); cp+=("$c"); echo "trial $t: cpark serve $c calls/s"
done
km=$(median "${kam[@]}"); cm=$(median "${cp[@]}")
echo "median of $trials: Kamailio tm ${km} calls/s, cpark serve ${cm} calls/s"
python3 -c "import sys; k,c=float(sys.argv[1]),float(sys.argv[2]); print('ratio cpark / Kamailio: %s' % ('%.2f' % (c/k) if k else 'n/a'))" "$km" "$cm"
