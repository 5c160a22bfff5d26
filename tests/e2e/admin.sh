# shellcheck shell=bash
# End-to-end tests of operating a running server (S11, O8): admin changes that would
# strand a live park, and the SIGTERM drain.

# Parks alice (who waits for the server's BYE) on orbit 7005; bob's phone takes the
# MESSAGE that ends the park.
park_alice_until_disconnected() {
  local alice bob_phone
  alice=$(free_port) bob_phone=$(free_port)
  register alice "$alice"
  register bob "$bob_phone"
  phone alice parked_disconnected_uas.xml "$alice" 1
  phone bob-phone call_uas.xml "$bob_phone" 1
  sipp_run bob park_uac.xml -s bob -key callee alice -key park_target 7005 -d 100 -p "$(free_port)" -m 1
  eventually 5 status_is parked_calls 1 || fail "alice is not parked: $(cpark --json status)"
}

# S11/O8: removing the range that holds a live park is refused, naming the park; with
# --force the server ends the park (no fallback: disconnect) and frees the orbit.
S11_RemovingARangeWithALiveParkNeedsForce() {
  make_store
  start_server
  park_alice_until_disconnected
  local out rc=0
  out=$(cpark orbit remove park 2>&1) || rc=$?
  [[ $rc -ne 0 ]] || fail "cpark orbit remove succeeded with a call parked on 7005"
  grep -q 'orbit 7005 (parked by bob' <<<"$out" || fail "the refusal does not name the parked call: $out"
  grep -q -- '--force' <<<"$out" || fail "the refusal does not mention --force: $out"
  note "refused: $out"
  status_is parked_calls 1 || fail "the refused change touched the park"
  cpark orbit get park >/dev/null || fail "the range is gone after a refused removal"
  cpark orbit remove park --force >/dev/null 2>&1 || fail "cpark orbit remove --force failed"
  sipp_wait alice
  sipp_wait bob-phone
  expect_sipp_log alice 'disconnected by the server; Reason: '
  expect_sipp_log bob-phone 'notification .*reason=Disconnected'
  expect_event park_ended orbit=7005 reason=Disconnected
  expect_metric cpark_orbits == 0
  expect_metric cpark_admin_changes_applied_total ">=" 2
  expect_idle
  stop_server
}

# S11: SIGTERM drains: the parked call ends (no fallback configured: disconnect), new
# requests would get 503, and the server exits 0 and removes its discovery file.
S11_SigtermDrainEndsParkedCallsAndExitsZero() {
  make_store
  start_server
  park_alice_until_disconnected
  local rc=0
  stop_server 20 || rc=$?
  [[ $rc -eq 0 ]] || fail "cpark serve exited $rc after SIGTERM"
  sipp_wait alice
  sipp_wait bob-phone
  expect_sipp_log alice 'disconnected by the server; Reason: '
  expect_event drain parked=1
  expect_event park_ended orbit=7005 reason=Disconnected
  expect_event stopped calls_left=0
  [[ ! -e "$STORE.serve.json" ]] || fail "the discovery file $STORE.serve.json is left behind"
}
