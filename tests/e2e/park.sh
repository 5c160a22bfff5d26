# shellcheck shell=bash
# End-to-end tests of call park by REFER, retrieval, abandonment and group pickup (S2,
# S3, S5, S6, S11, P1-P4, P7, G4, G5) against the real `cpark serve` with SIPp phones.
#
# The cast: alice is called and parked (parked_*_uas.xml on her registered port), bob
# calls her and parks her (park_*_uac.xml from a port of his own) and has a registered
# phone that gets the server's MESSAGE notifications, carol retrieves or picks up.

# Registers alice and bob's phone; sets ALICE, BOB_PHONE and BOB (bob's calling port).
cast() {
  ALICE=$(free_port) BOB_PHONE=$(free_port) BOB=$(free_port)
  register alice "$ALICE"
  register bob "$BOB_PHONE"
}

# S2 + S3: bob parks alice with REFER to park@DOMAIN; the 202 and the NOTIFYs come, the
# final sipfrag is "SIP/2.0 200 OK" with Contact <sip:ORBIT@DOMAIN;park-id=ID>; alice is
# put on hold with music (RTP from the server); carol retrieves with the captured orbit
# and park-id; bob's phone gets the MESSAGE "retrieved by carol".
S2_ParkByReferReturnsOrbitInSipfrag() {
  make_store
  start_server
  cast
  phone alice parked_uas.xml "$ALICE" 1 -d 300
  phone bob-phone call_uas.xml "$BOB_PHONE" 1
  sipp_run bob park_retrieve_uac.xml -s bob -key callee alice -key park_target park -key retriever carol \
    -d 600 -p "$BOB" -m 1
  sipp_wait alice
  sipp_wait bob-phone
  expect_sipp_log bob 'parked orbit=70[0-9][0-9] park-id=[0-9]+ \(SIP/2.0 200 OK Contact: <sip:70[0-9]+@example.test;park-id='
  expect_sipp_log bob 'retrieved by carol'
  expect_sipp_log alice 'on hold: music on hold from port [0-9]+ \(a=sendonly'
  expect_sipp_log alice 'reconnected to media port [0-9]+ \(a=sendrecv'
  expect_sipp_log bob-phone 'notification .*reason=Retrieved.*was retrieved by carol'
  local orbit
  orbit=$(sipp_log bob | sed -n 's/.*parked orbit=\([0-9]*\).*/\1/p')
  expect_event park "orbit=$orbit" parker=bob parked=sip:alice@example.test
  expect_event park_ended "orbit=$orbit" reason=Retrieved by=carol
  expect_metric cpark_parks_total == 1
  expect_metric cpark_retrievals_total == 1
  # C4: music on hold reached alice as RTP while she was parked (600 ms, 20 ms packets).
  expect_metric cpark_moh_rtp_packets_sent_total ">=" 10
  expect_idle
  stop_server
}

# S2 (O10 directed park) + S11 + S3 without park-id: bob parks alice on the orbit he
# chose; `cpark parked` lists her there with bob as parker; carol dials the bare orbit.
S2_DirectedParkThenRetrieveWithoutParkId() {
  make_store
  start_server
  cast
  phone alice parked_uas.xml "$ALICE" 1 -d 200
  phone bob-phone call_uas.xml "$BOB_PHONE" 1
  sipp_run bob park_uac.xml -s bob -key callee alice -key park_target 7005 -d 100 -p "$BOB" -m 1
  expect_sipp_log bob 'parked orbit=7005 park-id='
  eventually 5 status_is parked_calls 1 || fail "cpark status does not show the parked call"
  cpark parked | grep -E '^7005 +pool1 +sip:alice@example.test +bob ' >/dev/null ||
    fail "cpark parked does not list alice on 7005 parked by bob: $(cpark parked)"
  expect_metric cpark_orbits_busy == 1
  sipp_run carol retrieve_uac.xml -s carol -key orbit 7005 -key orbit_params "" -p "$(free_port)" -m 1
  sipp_wait alice
  sipp_wait bob-phone
  expect_event park_ended orbit=7005 reason=Retrieved by=carol
  expect_idle
  stop_server
}

# S3/P4: a park-id names one park: once the orbit holds another park, retrieving with
# the old id is refused 410 with 35010 (never the wrong caller); the new park is still
# retrievable with its own id.
S3_StaleParkIdIsRefused410() {
  make_store
  start_server
  cast
  phone alice parked_uas.xml "$ALICE" 2 -d 100
  phone bob-phone call_uas.xml "$BOB_PHONE" 2
  sipp_run bob-1 park_uac.xml -s bob -key callee alice -key park_target 7005 -d 100 -p "$BOB" -m 1
  local first second
  first=$(sipp_log bob-1 | sed -n 's/.*park-id=\([0-9]*\) .*/\1/p')
  sipp_run carol-1 retrieve_uac.xml -s carol -key orbit 7005 -key orbit_params ";park-id=$first" -p "$(free_port)" -m 1
  sipp_run bob-2 park_uac.xml -s bob -key callee alice -key park_target 7005 -d 100 -p "$BOB" -m 1
  second=$(sipp_log bob-2 | sed -n 's/.*park-id=\([0-9]*\) .*/\1/p')
  [[ -n $first && -n $second && $first != "$second" ]] || fail "park-ids: first '$first', second '$second'"
  sipp_run stale retrieve_stale_uac.xml -s carol -key orbit 7005 -key park_id "$first" -p "$(free_port)" -m 1
  expect_event retrieve_refused diagnostic=35010
  status_is parked_calls 1 || fail "the second park must still be parked"
  sipp_run carol-2 retrieve_uac.xml -s carol -key orbit 7005 -key orbit_params ";park-id=$second" -p "$(free_port)" -m 1
  sipp_wait alice
  sipp_wait bob-phone
  expect_metric cpark_retrievals_total == 2
  expect_metric cpark_retrieve_rejected_total == 1
  expect_idle
  stop_server
}

# P7: alice hangs up while parked; the orbit is freed and bob's phone is told
# ("abandoned", S5/P8).
P7_ParkedPartyHangsUpWhileParked() {
  make_store
  start_server
  cast
  phone alice parked_abandons_uas.xml "$ALICE" 1 -d 500
  phone bob-phone call_uas.xml "$BOB_PHONE" 1
  sipp_run bob park_uac.xml -s bob -key callee alice -key park_target park -d 100 -p "$BOB" -m 1
  sipp_wait alice
  sipp_wait bob-phone
  expect_sipp_log bob-phone 'notification .*reason=Abandoned.*hung up while parked'
  expect_event park_ended reason=Abandoned
  expect_metric cpark_parks_abandoned_total == 1
  expect_idle
  stop_server
}

# S6/G4/G5: alice calls bob (group 7100); while bob's phone rings, carol dials 7100:
# bob's phone gets CANCEL with a Reason naming carol, alice and carol are connected,
# and bob's phone gets a MESSAGE saying carol took the call.
S6_GroupPickupCancelsTheMemberWithReason() {
  make_store
  start_server
  local alice bob
  alice=$(free_port) bob=$(free_port)
  register bob "$bob"
  phone bob ring_no_answer_uas.xml "$bob" 2
  sipp_start alice call_uac.xml -s alice -key callee bob -d 300 -p "$alice" -m 1
  eventually 10 status_is ringing_calls 2 || fail "bob's phone does not ring: $(cpark --json status)"
  sipp_run carol pickup_uac.xml -s carol -key group 7100 -p "$(free_port)" -m 1
  sipp_wait alice
  sipp_wait bob
  expect_sipp_log bob 'cancelled by the server: Reason: +SIP;cause=200;text="Picked up by carol"'
  expect_sipp_log bob 'notification +picked-up;by="carol": Your call from alice was picked up by carol'
  expect_event picked_up caller=sip:alice@example.test callee=bob by=carol
  expect_metric cpark_pickups_total == 1
  expect_idle
  stop_server
}
