# shellcheck shell=bash
# End-to-end tests of what happens when nobody retrieves a parked call (S4, S5, P5, P6,
# C1, C6). The park timeout is 10 s, the smallest C1 allows (`cpark cps set --timeout`),
# and the ring time 5 s, C6's smallest (`--ring-time`): these tests take 11-17 s.

# S4/P5: nobody retrieves; after the timeout the server rings bob's phone back, showing
# alice (the parked party) as the caller; bob answers and is reconnected with her.
S4_RingbackAnsweredReconnectsTheParker() {
  make_store
  start_server
  local alice bob_phone
  alice=$(free_port) bob_phone=$(free_port)
  register alice "$alice"
  register bob "$bob_phone"
  phone alice parked_uas.xml "$alice" 1 -d 300
  phone bob-phone call_uas.xml "$bob_phone" 2  # the ringback and the MESSAGE
  sipp_run bob park_uac.xml -s bob -key callee alice -key park_target park -d 100 -p "$(free_port)" -m 1
  sipp_wait alice
  sipp_wait bob-phone
  expect_sipp_log bob-phone 'call from +"Parked: alice" <sip:alice@example.test>'
  expect_sipp_log bob-phone 'notification .*reason=Ringback'
  expect_event ringback parker=bob attempt=1
  expect_event park_ended reason=Ringback
  expect_metric cpark_ringbacks_total == 1
  expect_metric cpark_ringbacks_answered_total == 1
  expect_idle
  stop_server
}

# S4/P6: the ringback rings bob's phone for the ring time and is CANCELled; it was the
# last attempt (MaxCallPickupAttempts 1), so the server calls the fallback (OnTimeoutURI
# sip:carol@DOMAIN), who answers and is connected with alice; bob is told.
P6_UnansweredRingbackFallsBackToTheFallbackUri() {
  make_store
  cpark cps set --fallback "sip:carol@$DOMAIN" >/dev/null
  start_server
  local alice bob_phone carol
  alice=$(free_port) bob_phone=$(free_port) carol=$(free_port)
  register alice "$alice"
  register bob "$bob_phone"
  register carol "$carol"
  phone alice parked_uas.xml "$alice" 1 -d 300
  phone bob-phone ring_no_answer_uas.xml "$bob_phone" 2  # the ringback and the MESSAGE
  phone carol call_uas.xml "$carol" 1
  sipp_run bob park_uac.xml -s bob -key callee alice -key park_target park -d 100 -p "$(free_port)" -m 1
  sipp_wait alice
  sipp_wait bob-phone
  sipp_wait carol
  expect_sipp_log bob-phone 'cancelled by the server: Reason: +SIP;cause=487'
  expect_sipp_log bob-phone 'notification .*reason=Fallback'
  expect_sipp_log carol 'call from +"Parked: alice" <sip:alice@example.test>'
  expect_event fallback "to=sip:carol@$DOMAIN"
  expect_metric cpark_ringbacks_total == 1
  expect_metric cpark_fallbacks_total == 1
  expect_metric cpark_fallbacks_answered_total == 1
  expect_idle
  stop_server
}
