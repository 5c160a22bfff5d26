# shellcheck shell=bash disable=SC2034  # T1_MS and friends are read by lib.sh
# End-to-end tests of registration, plain calls, digest authentication and bad input
# (S1, S7, S8, S10) against the real `cpark serve` with SIPp phones.

# S1: REGISTER binds the phone; a call to the user rings it, is answered and ends.
S1_RegisterAndPlainCall() {
  make_store
  start_server
  local alice bob
  alice=$(free_port) bob=$(free_port)
  register alice "$alice"
  register bob "$bob"
  expect_metric cpark_bindings == 2
  phone bob call_uas.xml "$bob" 1
  sipp_run alice call_uac.xml -s alice -key callee bob -d 200 -p "$alice" -m 1
  sipp_wait bob
  expect_sipp_log bob 'call from .*sip:alice@example.test'
  expect_metric cpark_answered_by_callee_total == 1
  expect_idle
  stop_server
}

# S10: a user with a password registers with digest (401, then MD5 credentials); a wrong
# password is refused 403 with a Warning.
S10_DigestAuthAcceptedAndRefused() {
  make_store
  cpark user set alice --password "$(password_of alice)" --realm "$DOMAIN" >/dev/null
  start_server
  local port
  port=$(free_port)
  register alice "$port" "$(password_of alice)"
  expect_sipp_log "register-alice-$port" 'registered alice@example.test'
  sipp_run wrong register_refused.xml -s alice -ap not-her-password -key expires 3600 -p "$(free_port)" -m 1
  expect_sipp_log wrong 'refused alice@example.test: .*credentials for alice are wrong'
  expect_metric cpark_auth_challenges_total == 2
  expect_metric cpark_auth_failures_total == 1
  expect_metric cpark_bindings == 1
  stop_server
}

# S10: a server started with --require-auth refuses a user without a password (403 at
# once) and still lets users with one in.
S10_RequireAuthRefusesUsersWithoutPassword() {
  make_store
  cpark user set alice --password "$(password_of alice)" --realm "$DOMAIN" >/dev/null
  start_server --require-auth
  sipp_run bob register_refused.xml -s bob -ap none -key expires 3600 -p "$(free_port)" -m 1
  expect_sipp_log bob 'refused bob@example.test: .*has no password and this server requires authentication'
  register alice "$(free_port)" "$(password_of alice)"
  [[ $(status_field require_auth) == true ]] || fail "cpark status does not say require_auth"
  expect_metric cpark_bindings == 1
  stop_server
}

# S7/S8/P4/G9: malformed, unknown method, unknown user, outsider, empty orbit, idle
# group: each gets its status with the diagnostic; then the server answers OPTIONS.
S7_BadRequestsGetStatusAndDiagnostic() {
  make_store
  T1_MS=500  # RFC 3261's own: a retransmitted answer below means a failure answer was not ACKed
  start_server
  sipp_run bad bad_requests_uac.xml -s alice -key callee bob -key empty_orbit 7009 -key group 7100 \
    -p "$(free_port)" -m 1
  expect_sipp_log bad 'refused as expected: Max-Forwards \| REFER \| nobody is reachable \| not a user'
  expect_metric cpark_sip_bad_requests_answered_total == 1
  expect_metric cpark_retrieve_rejected_total == 1
  expect_metric cpark_pickup_rejected_total == 1
  expect_metric cpark_sip_retransmissions_total == 0  # every failure answer was ACKed
  expect_idle
  stop_server
}

# S7: thousands of garbage datagrams (SIP-like and binary) do not crash or wedge the
# server: it counts them and then serves a normal call.
S7_MalformedStormThenServerStillServes() {
  make_store
  start_server
  local host=${SIP%:*} port=${SIP##*:} i
  # 6,000 broken SIP requests from SIPp (SIPp's own verdict does not matter: it counts
  # the server's 400s as answers to calls already over)…
  sipp_start storm malformed_storm_uac.xml -r 3000 -m 2000 -p "$(free_port)"
  wait "${SIPP_PID[storm]}" || true
  # …and 1,000 datagrams of binary noise.
  for i in $(seq 1000); do
    printf '\x00\xff%s\r\n\r\n\x01SIP/2.0\x7f%08d' "$RANDOM" "$i" >"/dev/udp/$host/$port"
  done
  kill -0 "$SERVER_PID" || fail "cpark serve died in the storm"
  expect_metric cpark_sip_parse_errors_total ">=" 6000
  local alice bob
  alice=$(free_port) bob=$(free_port)
  register alice "$alice"
  register bob "$bob"
  phone bob call_uas.xml "$bob" 1
  sipp_run alice call_uac.xml -s alice -key callee bob -d 100 -p "$alice" -m 1
  sipp_wait bob
  expect_idle
  stop_server
}
