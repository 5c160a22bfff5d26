# shellcheck shell=bash
# End-to-end test of park and retrieve with real SIP phones: three headless baresip
# instances (sine-wave microphone, no speaker, JSON commands over ctrl_tcp) registered
# with `cpark serve` (S1, S2, S3, C4).

# baresip_phone NAME ANSWERMODE: a phone registered as user NAME through the server
# (outbound proxy); its control port is BARESIP_CTRL[NAME], its log
# $WORK/baresip-NAME/log.
declare -A BARESIP_CTRL=()
baresip_phone() {
  local name=$1 answermode=$2 dir="$WORK/baresip-$1" sip ctrl
  # baresip also binds TLS on the SIP port + 1: both must be free.
  while :; do
    sip=$(free_port)
    port_bound $((sip + 1)) || break
  done
  ctrl=$(free_port)
  mkdir -p "$dir"
  cat >"$dir/config" <<EOF
poll_method		epoll
sip_listen		127.0.0.1:$sip
call_local_timeout	120
call_max_calls		4
audio_source		ausine,440
ausrc_srate		48000
ausrc_channels		2
audio_player		aubridge,nil
audio_alert		aubridge,nil
rtp_ports		10000-19999
rtcp_mux		no
jitter_buffer_delay	5-10
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aubridge.so
module_tmp		uuid.so
module_tmp		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		127.0.0.1:$ctrl
net_interface		127.0.0.1
EOF
  echo "<sip:$name@$DOMAIN>;outbound=\"sip:$SIP\";regint=600;answermode=$answermode;audio_codecs=PCMU" >"$dir/accounts"
  HOME="$dir" baresip -f "$dir" >"$dir/log" 2>&1 </dev/null &
  STARTED+=("$!")
  BARESIP_CTRL[$name]=$ctrl
  eventually 10 grep -q "$name@$DOMAIN: .* 200 OK" "$dir/log" || fail "baresip $name did not register: $(tail -5 "$dir/log")"
}

# ctl NAME SECONDS PATTERN COMMAND [PARAMS]: sends a ctrl_tcp command (a netstring of
# JSON) to phone NAME and waits up to SECONDS for a reply or event matching PATTERN;
# everything read goes to $WORK/baresip-NAME/ctrl.log.
ctl() {
  local name=$1 seconds=$2 pattern=$3 command=$4 params=${5:-} json found=0
  json="{\"command\":\"$command\",\"params\":\"$params\",\"token\":\"e2e\"}"
  exec 8<>"/dev/tcp/127.0.0.1/${BARESIP_CTRL[$name]}" || fail "cannot reach baresip $name's ctrl_tcp"
  printf '%d:%s,' "${#json}" "$json" >&8
  echo ">>> $json" >>"$WORK/baresip-$name/ctrl.log"
  # Replies and events are netstrings ("LEN:{json},"): read up to each comma and match.
  local deadline=$((SECONDS + seconds)) chunk
  while ((SECONDS < deadline)); do
    chunk=""
    IFS= read -r -d ',' -t 1 chunk <&8 || [[ -n $chunk ]] || continue
    echo "$chunk" >>"$WORK/baresip-$name/ctrl.log"
    if [[ $chunk =~ $pattern ]]; then
      found=1
      break
    fi
  done
  exec 8<&-
  [[ $found == 1 ]] || fail "baresip $name: no /$pattern/ within $seconds s after $command $params: $(tail -c 600 "$WORK/baresip-$name/ctrl.log")"
}

# S2/S3 with real phones: alice calls bob (auto-answer); bob blind-transfers her to
# park@DOMAIN (REFER); the server parks her (music on hold reaches her phone as RTP) and
# bob's phone closes the transferred call; carol dials the orbit with its park-id and
# is connected to alice.
S2_BaresipPhonesParkAndRetrieve() {
  command -v baresip >/dev/null || { echo "SKIP: baresip is not installed (apt-get install baresip-core)"; exit 77; }
  make_store
  start_server
  local rtp
  rtp=$(grep -m1 '"event":"started"' "$WORK/server.log" | sed -n 's/.*"rtp":"\([0-9.:]*\)".*/\1/p')
  baresip_phone alice manual
  baresip_phone bob auto
  baresip_phone carol manual
  expect_metric cpark_bindings == 3
  ctl alice 10 '"type":"CALL_ESTABLISHED"' dial "sip:bob@$DOMAIN"
  ctl bob 10 '"param":"Call transfered"' transfer "sip:park@$DOMAIN"
  eventually 5 status_is parked_calls 1 || fail "alice is not parked: $(cpark parked)"
  local parked orbit park_id
  parked=$(cpark --json parked)
  orbit=$(sed -n 's/.*"orbit": "\([0-9]*\)".*/\1/p' <<<"$parked")
  park_id=$(sed -n 's/.*"park_id": \([0-9]*\).*/\1/p' <<<"$parked")
  grep -q '"parker": "bob"' <<<"$parked" || fail "bob is not the parker: $parked"
  expect_event park "orbit=$orbit" parker=bob parked="sip:alice@$DOMAIN"
  # C4: the music reaches alice's phone from the server's RTP port.
  eventually 5 grep -aq "bytes from $rtp)" "$WORK/baresip-alice/log" ||
    fail "alice's phone got no RTP from the music-on-hold port $rtp"
  expect_metric cpark_moh_rtp_packets_sent_total ">" 0
  ctl carol 10 '"type":"CALL_ESTABLISHED"' dial "sip:$orbit@$DOMAIN;park-id=$park_id"
  expect_event retrieve "orbit=$orbit" "park_id=$park_id"
  expect_event park_ended "orbit=$orbit" reason=Retrieved by=carol
  # After the connect alice hears carol: RTP from a new source that is not the music.
  eventually 5 bash -c "grep -a 'SSRC changed' '$WORK/baresip-alice/log' | grep -av 'from $rtp)' | grep -q ." ||
    fail "alice's phone got no RTP from carol after the retrieval"
  ctl carol 10 '"type":"CALL_CLOSED"' hangup
  expect_idle
  stop_phones  # they unregister on their way out: the server must still be there
  expect_metric cpark_bindings == 0
  stop_server
}
