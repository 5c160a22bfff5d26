// The park lifecycle through the engine: P1-P9, O7/O8 at runtime, O10, C1-C4, V1.
#include "tests/engine_fixture.h"

namespace cpark {
namespace {

using test::EngineTest;
using test::num;

TEST_F(EngineTest, P1_ParkAssignsOrbitStartsMusicAndTimer) {
  ParkId p = park(11, alice);
  ASSERT_NE(p, 0u);
  auto a = only<OrbitAssigned>();
  EXPECT_EQ(a.orbit.to_string(), "*7000");
  EXPECT_EQ(a.parker, alice);
  EXPECT_EQ(a.pool, pool1);
  EXPECT_EQ(only<StartMusicOnHold>().call, 11u);
  EXPECT_EQ(engine.next_deadline(), seconds(90));  // C1
  EXPECT_EQ(engine.busy_orbits(pool1), 1u);
  check();
}

TEST_F(EngineTest, P2_NoFreeOrbitRejects35002AndLeavesCallUntouched) {
  park(11, alice);
  park(12, alice);
  park(13, alice);
  clear();
  engine.park(now, {14, alice, std::nullopt});
  auto r = only<ParkRejected>();
  EXPECT_EQ(r.diagnostic.code, 35002);
  EXPECT_EQ(outputs().size(), 1u);  // no music, no disconnect: untouched
  EXPECT_EQ(engine.active_parks(), 3u);
  check();
}

TEST_F(EngineTest, P2_ParkingAParkedCallIsDoublePark35006) {
  park(11, alice);
  clear();
  engine.park(now, {11, bob, std::nullopt});
  EXPECT_EQ(only<ParkRejected>().diagnostic.code, 35006);
  EXPECT_EQ(engine.active_parks(), 1u);
}

TEST_F(EngineTest, P3_RetrieveConnectsFreesOrbitAndNotifiesParker) {
  ParkId p = park(11, alice);
  OrbitNumber o = orbit_of(p);
  retrieve(21, carol, o, pool1);
  auto c = only<Connect>();
  EXPECT_EQ(c.call, 11u);
  EXPECT_EQ(c.peer_call, 21u);
  auto e = only<ParkEnded>();
  EXPECT_EQ(e.reason, EndReason::Retrieved);
  EXPECT_EQ(e.by, carol);
  EXPECT_EQ(e.parker, alice);
  EXPECT_EQ(count<StopMusicOnHold>(), 1u);
  EXPECT_EQ(engine.busy_orbits(pool1), 0u);
  EXPECT_FALSE(engine.next_deadline());  // timer cancelled
  check();
}

TEST_F(EngineTest, P4_RetrievingEmptyOrbitFails35000) {
  retrieve(21, carol, num("*7001"), pool1);
  EXPECT_EQ(only<RetrieveRejected>().diagnostic.code, 35000);
  retrieve(22, carol, num("*7500"), pool1);  // not in any range
  EXPECT_EQ(only<RetrieveRejected>().diagnostic.code, 35000);
}

TEST_F(EngineTest, P4_SafeRetrieveWithStaleParkIdFails35010) {
  ParkId first = park(11, alice);
  OrbitNumber o = orbit_of(first);
  retrieve(21, carol, o, pool1);
  // The orbit is reused by another park; a retrieval carrying the old id must not connect.
  Deployment d = test::small_deployment();
  d.find_pool("pool1")->orbit_choice = OrbitChoice::First;
  load(d);
  ParkId second = park(12, bob);
  ASSERT_EQ(orbit_of(second), o);
  retrieve(22, carol, o, pool1, first);
  EXPECT_EQ(only<RetrieveRejected>().diagnostic.code, 35010);
  EXPECT_EQ(engine.active_parks(), 1u);
  retrieve(23, carol, o, pool1, second);
  EXPECT_EQ(only<Connect>().call, 12u);
}

TEST_F(EngineTest, P5_TimeoutRingsParkerBackAndAnsweredConnects) {
  ParkId p = park(11, alice);
  clear();
  advance_to(seconds(90));
  auto ring = only<RingParker>();
  EXPECT_EQ(ring.park, p);
  EXPECT_EQ(ring.parker, alice);
  EXPECT_EQ(ring.attempt, 1);
  EXPECT_EQ(ring.ring_until, seconds(120));  // C6 30 s
  clear();
  engine.handle(now, RingbackAnswered{p});
  auto c = only<Connect>();
  EXPECT_EQ(c.peer_user, alice);
  EXPECT_EQ(only<ParkEnded>().reason, EndReason::Ringback);
  EXPECT_EQ(engine.busy_orbits(pool1), 0u);
  check();
}

TEST_F(EngineTest, P5_UnansweredRingbackStaysParkedAndRetrievableThenRestartsC1) {
  ParkId p = park(11, alice);
  OrbitNumber o = orbit_of(p);
  advance_to(seconds(90));
  clear();
  advance_to(seconds(120));  // ring time ran out: attempt 1 of 2 failed
  EXPECT_EQ(count<StopRingback>(), 1u);
  EXPECT_EQ(count<ParkEnded>(), 0u);
  EXPECT_EQ(engine.busy_orbits(pool1), 1u);
  EXPECT_EQ(engine.next_deadline(), seconds(210));  // C1 restarts
  advance_to(seconds(210));
  EXPECT_EQ(only<RingParker>().attempt, 2);
  retrieve(21, carol, o, pool1);  // still retrievable while ringing back
  EXPECT_EQ(count<StopRingback>(), 1u);
  EXPECT_EQ(only<ParkEnded>().reason, EndReason::Retrieved);
  check();
}

TEST_F(EngineTest, P6_AfterLastRingbackTransfersToFallbackAndFreesOrbit) {
  ParkId p = park(11, alice);
  engine.handle(now, RingbackUnanswered{p});  // stale: not ringing yet
  EXPECT_EQ(engine.counters().stale_inputs, 1u);
  advance_to(seconds(90));
  engine.handle(now, RingbackUnanswered{p});  // declined: attempt 1
  advance_to(seconds(180));
  clear();
  engine.handle(now, RingbackUnanswered{p});  // declined: attempt 2 = max
  auto f = only<RingFallback>();
  EXPECT_EQ(f.uri, "sip:operator@contoso.com");
  EXPECT_EQ(only<ParkEnded>().reason, EndReason::Fallback);
  EXPECT_EQ(engine.busy_orbits(pool1), 0u);
  clear();
  engine.handle(now, FallbackAnswered{p});
  EXPECT_EQ(only<Connect>().peer_uri, "sip:operator@contoso.com");
  EXPECT_EQ(engine.counters().fallback_answered, 1u);
  check();
}

TEST_F(EngineTest, P6_FallbackUnansweredWithinRingTimeDisconnects) {
  ParkId p = park(11, alice);
  advance_to(seconds(90));
  advance_to(seconds(120));
  advance_to(seconds(210));
  advance_to(seconds(240));  // second ringback unanswered -> fallback rings until 270
  EXPECT_EQ(engine.next_deadline(), seconds(270));
  clear();
  advance_to(seconds(270));
  EXPECT_EQ(count<StopFallback>(), 1u);
  EXPECT_EQ(only<Disconnect>().diagnostic.code, diag::kFallbackUnanswered.code);
  EXPECT_EQ(engine.counters().fallback_unanswered, 1u);
  engine.handle(now, FallbackAnswered{p});  // too late
  EXPECT_EQ(count<Connect>(), 0u);
  check();
}

TEST_F(EngineTest, P6_WithoutFallbackDisconnects35014) {
  Deployment d = test::small_deployment();
  d.settings[0].fallback_uri = "";
  d.settings[0].max_attempts = 1;
  load(d);
  park(11, alice);
  advance_to(seconds(90));
  clear();
  advance_to(seconds(120));
  EXPECT_EQ(only<Disconnect>().diagnostic.code, 35014);
  EXPECT_EQ(only<ParkEnded>().reason, EndReason::Disconnected);
  EXPECT_EQ(engine.busy_orbits(pool1), 0u);
  EXPECT_FALSE(engine.next_deadline());
  check();
}

TEST_F(EngineTest, P7_ParkedPartyHangsUpFreesOrbitCancelsTimerNotifiesAbandoned) {
  park(11, alice);
  clear();
  engine.handle(now, PartyHungUp{11});
  EXPECT_EQ(only<ParkEnded>().reason, EndReason::Abandoned);
  EXPECT_EQ(engine.busy_orbits(pool1), 0u);
  EXPECT_FALSE(engine.next_deadline());
  clear();
  advance_to(seconds(1000));
  EXPECT_TRUE(outputs().empty());  // no timer fires for an ended park
  check();
}

TEST_F(EngineTest, P7_HangUpDuringRingbackStopsTheRingback) {
  park(11, alice);
  advance_to(seconds(90));
  clear();
  engine.handle(now, PartyHungUp{11});
  EXPECT_EQ(count<StopRingback>(), 1u);
  EXPECT_EQ(only<ParkEnded>().reason, EndReason::Abandoned);
}

TEST_F(EngineTest, P8_EveryEndingCarriesItsReason) {
  EXPECT_STREQ(to_string(EndReason::Retrieved), "Retrieved");
  EXPECT_STREQ(to_string(EndReason::Ringback), "Ringback");
  EXPECT_STREQ(to_string(EndReason::Fallback), "Fallback");
  EXPECT_STREQ(to_string(EndReason::Abandoned), "Abandoned");
  EXPECT_STREQ(to_string(EndReason::Disconnected), "Disconnected");
  ParkId p = park(11, alice);
  engine.handle(now, PartyHungUp{11});
  EXPECT_EQ(only<ParkEnded>().park, p);
}

TEST_F(EngineTest, P9_RetrievalAtWrongPoolIsRoutedToOwner) {
  ParkId p = park(11, dave);  // dave is homed on pool2
  OrbitNumber o = orbit_of(p);
  EXPECT_EQ(o.to_string(), "*8000");
  retrieve(21, carol, o, pool1);
  auto r = only<RouteToPool>();
  EXPECT_EQ(r.pool, pool2);
  EXPECT_EQ(count<Connect>(), 0u);  // never served locally
  EXPECT_EQ(engine.active_parks(), 1u);
  retrieve(21, carol, o, r.pool);
  EXPECT_EQ(only<Connect>().call, 11u);
}

TEST_F(EngineTest, V1_UserWithoutCallParkCanNeitherParkNorRetrieve) {
  clear();
  engine.park(now, {11, erin, std::nullopt});
  EXPECT_EQ(only<ParkRejected>().diagnostic.code, diag::kNotEnabled.code);
  ParkId p = park(12, alice);
  retrieve(21, erin, orbit_of(p), pool1);
  EXPECT_EQ(only<RetrieveRejected>().diagnostic.code, diag::kNotEnabled.code);
  EXPECT_EQ(engine.active_parks(), 1u);
}

TEST_F(EngineTest, S8_RetrievalFromOutsideRefused35003UnlessTrustedPeer) {
  ParkId p = park(11, alice);
  ASSERT_EQ(orbit_of(p).to_string(), "*7000");
  clear();
  engine.retrieve(now, {21, Caller{}, pool1, num("*7000"), 0});
  EXPECT_EQ(only<RetrieveRejected>().diagnostic.code, 35003);
  clear();
  engine.retrieve(now, {22, Caller{kNoUser, true}, pool1, *parse_orbit_number("*7000"), 0});
  EXPECT_EQ(only<Connect>().peer_call, 22u);
}

TEST_F(EngineTest, O10_DirectedParkNeedsFreeOrbitOwnedByPool) {
  clear();
  engine.park(now, {11, alice, num("*7002")});
  EXPECT_EQ(only<OrbitAssigned>().orbit.to_string(), "*7002");
  clear();
  engine.park(now, {12, bob, num("*7002")});
  EXPECT_EQ(only<ParkRejected>().diagnostic.code, diag::kOrbitBusy.code);
  clear();
  engine.park(now, {13, bob, num("*8001")});  // pool2's orbit
  EXPECT_EQ(only<ParkRejected>().diagnostic.code, diag::kOrbitNotOwned.code);
  clear();
  engine.park(now, {14, bob, num("#7100")});  // a group number
  EXPECT_EQ(only<ParkRejected>().diagnostic.code, diag::kOrbitNotOwned.code);
  check();
}

TEST_F(EngineTest, O9_NextChoiceDelaysReuse) {
  ParkId a = park(11, alice);
  retrieve(21, carol, orbit_of(a), pool1);
  ParkId b = park(12, alice);
  EXPECT_EQ(orbit_of(b).to_string(), "*7001");
}

TEST_F(EngineTest, C4_MusicOffMeansNoMusic) {
  Deployment d = test::small_deployment();
  d.settings[0].music_on_hold = false;
  load(d);
  park(11, alice);
  EXPECT_EQ(count<StartMusicOnHold>(), 0u);
}

TEST_F(EngineTest, C4_CustomMusicFilePerPool) {
  Deployment d = test::small_deployment();
  d.music.push_back({"pool1", "hold.wav", "abc", 100});
  load(d);
  park(11, alice);
  EXPECT_TRUE(only<StartMusicOnHold>().custom_file);
  park(12, dave);
  EXPECT_FALSE(only<StartMusicOnHold>().custom_file);
}

TEST_F(EngineTest, C5_ServiceScopeTimeoutAppliesToItsPool) {
  Deployment d = test::small_deployment();
  CallParkSettings s;
  s.scope = "service:pool2";
  s.timeout_seconds = 30;
  d.settings.push_back(s);
  load(d);
  park(11, dave);
  EXPECT_EQ(engine.next_deadline(), seconds(30));
}

TEST_F(EngineTest, O7_RetypingRangeInUseRefusedWithoutForce) {
  park(11, alice);
  Deployment d = test::small_deployment();
  d.find_range("park1")->type = RangeType::GroupPickup;
  auto r = engine.apply_deployment(now, d);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.message().find("(O7, O8)"), std::string::npos);
  EXPECT_EQ(engine.active_parks(), 1u);
  check();
}

TEST_F(EngineTest, O8_ForcedRemovalEndsParksByFallbackAndFreesNumbers) {
  park(11, alice);
  park(12, bob);
  Deployment d = test::small_deployment();
  d.ranges.erase(d.ranges.begin());
  EXPECT_FALSE(engine.apply_deployment(now, d).ok());
  clear();
  auto r = engine.apply_deployment(now, d, true);
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(count<RingFallback>(), 2u);
  EXPECT_EQ(count<ParkEnded>(), 2u);
  EXPECT_EQ(engine.active_parks(), 0u);
  check();
}

TEST_F(EngineTest, O8_UnrelatedChangeKeepsParksOnTheirOrbits) {
  ParkId p = park(11, alice);
  Deployment d = test::small_deployment();
  d.ranges[0].end = "*7005";  // grow the range: the park keeps *7000
  ASSERT_TRUE(engine.apply_deployment(now, d).ok());
  EXPECT_EQ(engine.busy_orbits(pool1), 1u);
  retrieve(21, carol, num("*7000"), pool1, p);
  EXPECT_EQ(only<Connect>().call, 11u);
  check();
}

}  // namespace
}  // namespace cpark
