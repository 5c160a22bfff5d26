# shellcheck shell=bash
# What every end-to-end test needs (sourced by run_test.sh): a throw-away store in the
# build tree, the real `cpark serve` on a free loopback port, SIPp phones, checks on the
# server's state (control endpoint, `cpark parked`, `cpark status`, the JSON event log),
# and the end of every process the test started, by PID, whether it passed or not.

DOMAIN=example.test
STORE="$WORK/store.db"
SERVER_PID=""
SIP=""           # 127.0.0.1:PORT the server listens on (UDP)
CONTROL=""       # 127.0.0.1:PORT of its control endpoint
declare -a STARTED=()     # every PID this test started
declare -A SIPP_PID=()    # SIPp runs by name
# Generous: the suite also runs against an AddressSanitizer build of cpark.
SIPP_TIMEOUT=${SIPP_TIMEOUT:-60}
T1_MS=50  # RFC 3261 T1 of the server: short, so lost-message recovery is quick

note() { echo "-- $*"; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# --- cleanup -------------------------------------------------------------------------------

# Stops what is still running (phones first, so that a phone that unregisters on its
# way out still finds the server; then the server: TERM, KILL if it lingers) and, on
# failure, shows what the server and SIPp said.
finish() {
  local rc=$?
  trap - EXIT
  stop_phones
  if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    stop_within 5 "$SERVER_PID"
  fi
  local pid
  for pid in "${STARTED[@]}"; do wait "$pid" 2>/dev/null || true; done
  release_ports
  if [[ $rc -ne 0 && $rc -ne 77 ]]; then
    echo "=== server log (last 30 lines): $WORK/server.log" >&2
    tail -n 30 "$WORK/server.log" >&2 2>/dev/null || true
    for d in "$WORK"/sipp-*/; do
      [[ -d $d ]] || continue
      echo "=== $(basename "$d"): $(sipp_summary "$d")" >&2
      tail -n 5 "$d"/*_errors.log 2>/dev/null | cut -c1-300 >&2 || true
    done
  fi
  exit "$rc"
}

# TERM to every process this test started except the server, KILL after 5 s.
stop_phones() {
  local pid left=()
  for pid in "${STARTED[@]}"; do
    [[ $pid == "$SERVER_PID" ]] && continue
    kill -0 "$pid" 2>/dev/null || continue
    kill -TERM "$pid" 2>/dev/null || true
    left+=("$pid")
  done
  [[ ${#left[@]} -eq 0 ]] || stop_within 5 "${left[@]}"
}

# Waits up to `seconds` for the PIDs to exit; KILLs those still there.
stop_within() {
  local seconds=$1 pid alive
  shift
  for _ in $(seq $((seconds * 20))); do
    alive=0
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [[ $alive == 0 ]] && return 0
    sleep 0.05
  done
  for pid in "$@"; do kill -KILL "$pid" 2>/dev/null || true; done
}
trap finish EXIT

# --- the store -----------------------------------------------------------------------------

cpark() { "$CPARK" --store "$STORE" "$@"; }

# The deployment every test starts from: pool1 with CallPark orbits 7000-7009 and
# GroupPickup numbers 7100-7109, call park on, the users of sipp/users/users.csv
# (without passwords; tests that need one set it), bob in group 7100, and a park
# timeout of 10 s (C1's minimum) so that ringbacks come quickly.
make_store() {
  cpark orbit new park --start 7000 --end 7009 --service pool1 >/dev/null
  cpark orbit new groups --start 7100 --end 7109 --service pool1 --type GroupPickup >/dev/null
  cpark policy set global --call-park on >/dev/null
  local user password extension
  while IFS=';' read -r user password extension; do
    [[ -z $user || $user == \#* || $user == SEQUENTIAL ]] && continue
    cpark user add "$user" --extension "$extension" >/dev/null
  done <"$USERS_CSV"
  cpark pickup enable bob 7100 >/dev/null
  cpark cps set --timeout 10 --ring-time 5 --max-attempts 1 >/dev/null
}

# The password of USER in sipp/users/users.csv.
password_of() { awk -F';' -v u="$1" '$1 == u { print $2 }' "$USERS_CSV"; }

# --- the server ----------------------------------------------------------------------------

# Starts `cpark serve` on a free UDP port (the kernel picks it) with short SIP timers
# and a JSON event log, and waits until it says where it listens.
start_server() {
  "$CPARK" --store "$STORE" serve --listen udp:127.0.0.1:0 --domain "$DOMAIN" --t1 "$T1_MS" \
    --log-format json --digest-algorithms MD5 --drain-seconds 3 "$@" \
    >"$WORK/server.out" 2>"$WORK/server.log" &
  SERVER_PID=$!
  STARTED+=("$SERVER_PID")
  local started=""
  for _ in $(seq 200); do
    started=$(grep -m1 '"event":"started"' "$WORK/server.log" 2>/dev/null || true)
    [[ -n $started ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "cpark serve exited at start: $(cat "$WORK/server.log")"
    sleep 0.05
  done
  [[ -n $started ]] || fail "cpark serve did not start within 10 s"
  SIP=$(sed -n 's/.*"udp":"\([0-9.:]*\)".*/\1/p' <<<"$started")
  CONTROL=$(sed -n 's/.*"control":"\([0-9.:]*\)".*/\1/p' <<<"$started")
  [[ -n $SIP && -n $CONTROL ]] || fail "cannot read the addresses in: $started"
  note "cpark serve pid $SERVER_PID on udp $SIP, control $CONTROL"
}

# SIGTERM, then the exit status of the server (it must stop within `seconds`).
stop_server() {
  local seconds=${1:-20} rc=0
  kill -TERM "$SERVER_PID"
  for _ in $(seq $((seconds * 10))); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$SERVER_PID" 2>/dev/null && fail "cpark serve still runs $seconds s after SIGTERM"
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  return "$rc"
}

# One value from /metrics (summed over its labels), read with bash's /dev/tcp.
metric() {
  local name=$1 host=${CONTROL%:*} port=${CONTROL##*:} body
  exec 9<>"/dev/tcp/$host/$port" || fail "cannot reach the control endpoint $CONTROL"
  printf 'GET /metrics HTTP/1.0\r\nHost: %s\r\n\r\n' "$CONTROL" >&9
  body=$(cat <&9)
  exec 9<&-
  awk -v n="$name" '$1 == n || index($1, n "{") == 1 { s += $2; found = 1 } END { if (found) print s; else print "missing" }' \
    <<<"$body"
}

expect_metric() {
  local name=$1 op=$2 want=$3 got
  got=$(metric "$name")
  [[ $got == missing ]] && fail "/metrics has no $name"
  awk -v g="$got" -v w="$want" -v op="$op" \
    'BEGIN { exit !((op == "==" && g == w) || (op == ">=" && g >= w) || (op == ">" && g > w)) }' ||
    fail "$name is $got, expected $op $want"
  note "$name = $got"
}

# `cpark --json status` field (a number or true/false).
status_field() { cpark --json status | sed -n "s/^ *\"$1\": \([^,]*\),\{0,1\}$/\1/p"; }

# Waits up to `seconds` until `cmd…` succeeds.
eventually() {
  local seconds=$1
  shift
  for _ in $(seq $((seconds * 20))); do
    "$@" && return 0
    sleep 0.05
  done
  "$@"
}

status_is() { [[ $(status_field "$1") == "$2" ]]; }

# Nothing parked, no orbit busy, no call left on the server (S11, L2: no leaked orbit).
expect_idle() {
  eventually 5 status_is active_calls 0 || fail "calls left on the server: $(cpark --json status)"
  [[ $(cpark --json parked | tr -d ' \n') == "[]" ]] || fail "parked calls left: $(cpark parked)"
  status_is parked_calls 0 || fail "status shows parked calls: $(cpark --json status)"
  expect_metric cpark_orbits_busy == 0
}

# The JSON event log has a line for `event` containing every `"key":"value"` given.
expect_event() {
  local event=$1 line
  shift
  line=$(grep "\"event\":\"$event\"" "$WORK/server.log" || true)
  local field
  for field in "$@"; do line=$(grep -F "\"${field%%=*}\":\"${field#*=}\"" <<<"$line" || true); done
  [[ -n $line ]] || fail "no \"$event\" event with $* in the server log"
}

# --- SIPp ----------------------------------------------------------------------------------

# A free UDP port on 127.0.0.1 for a phone: not bound now, below the kernel's ephemeral
# range (where the server's own port comes from), and reserved for this test (a phone's
# port is free for a moment between its REGISTER and its start, and tests run in
# parallel).
PORT_LOCKS="$WORK/../.ports"
mkdir -p "$PORT_LOCKS"
find "$PORT_LOCKS" -mindepth 1 -maxdepth 1 -mmin +10 -exec rmdir {} + 2>/dev/null || true  # left by killed runs
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 12000))
    port_bound "$port" && continue
    mkdir "$PORT_LOCKS/$port" 2>/dev/null || continue
    echo "$port" >>"$WORK/ports"
    echo "$port"
    return
  done
}

release_ports() {
  local port
  [[ -f $WORK/ports ]] || return 0
  while read -r port; do rmdir "$PORT_LOCKS/$port" 2>/dev/null || true; done <"$WORK/ports"
}

port_bound() {
  local hex
  hex=$(printf ':%04X ' "$1")
  grep -q "$hex" /proc/net/udp /proc/net/udp6 2>/dev/null
}

# sipp_start NAME SCENARIO ARGS…: SIPp against the server in the background, in its own
# folder $WORK/sipp-NAME (logs, screen, errors), stopped after $SIPP_TIMEOUT at most.
sipp_start() {
  local name=$1 scenario=$2
  shift 2
  local dir="$WORK/sipp-$name"
  mkdir -p "$dir"
  (cd "$dir" && exec timeout -k 5 "$SIPP_TIMEOUT" sipp "$SIP" -sf "$SCENARIOS/$scenario" -i 127.0.0.1 \
    -nostdin -key domain "$DOMAIN" -auth_uri "$DOMAIN" -trace_err -trace_logs -trace_screen "$@" >stdout.txt 2>stderr.txt) &
  SIPP_PID[$name]=$!
  STARTED+=("$!")
}

# Waits for SIPp run NAME; fails the test unless it exited 0 (all calls successful).
sipp_wait() {
  local name=$1 rc=0
  wait "${SIPP_PID[$name]}" || rc=$?
  [[ $rc -eq 0 ]] || fail "sipp $name exited $rc ($(sipp_summary "$WORK/sipp-$name"))"
  note "sipp $name: $(sipp_summary "$WORK/sipp-$name")"
}

sipp_run() {
  sipp_start "$@"
  sipp_wait "$1"
}

# A phone: SIPp in server mode on PORT (already registered from there), taking CALLS
# calls (MESSAGEs count), ready when its socket is bound.
phone() {
  local name=$1 scenario=$2 port=$3 calls=$4
  shift 4
  sipp_start "$name" "$scenario" -p "$port" -m "$calls" "$@"
  eventually 10 port_bound "$port" || fail "phone $name did not bind port $port"
}

# Registers USER from PORT (register.xml; the password from users.csv when given "auth").
register() {
  local user=$1 port=$2 password=${3:-none}
  sipp_run "register-$user-$port" register.xml -s "$user" -ap "$password" -key expires 3600 -p "$port" -m 1
}

# "Successful N, Failed M" from a SIPp run's final screen.
sipp_summary() {
  local dir=$1 ok bad
  ok=$(grep -h 'Successful call' "$dir"/*_screen.log 2>/dev/null | tail -n1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')
  bad=$(grep -h 'Failed call' "$dir"/*_screen.log 2>/dev/null | tail -n1 | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')
  echo "successful ${ok:-?}, failed ${bad:-?}"
}

# The <log> lines SIPp run NAME wrote.
sipp_log() { cat "$WORK/sipp-$1"/*_logs.log 2>/dev/null || true; }

expect_sipp_log() {
  local name=$1 pattern=$2
  sipp_log "$name" | grep -qE -- "$pattern" || fail "sipp $name did not log /$pattern/; it logged: $(sipp_log "$name")"
}

# The number of successful calls of SIPp run NAME.
expect_successful() {
  local name=$1 want=$2 got
  got=$(sipp_summary "$WORK/sipp-$name" | sed -n 's/successful \([0-9]*\),.*/\1/p')
  [[ $got == "$want" ]] || fail "sipp $name: $got successful calls, expected $want"
}
