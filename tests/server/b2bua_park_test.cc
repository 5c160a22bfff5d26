// S2-S6 on simulated time: park by REFER with the orbit in the NOTIFY's sipfrag, music on
// hold, retrieval (with and without park-id), ringback, fallback/disconnect, abandon,
// group pickup and the MESSAGE notifications, each as the phones see it on the wire.
#include <gtest/gtest.h>

#include "tests/server/b2bua_harness.h"

namespace cpark::server::test {
namespace {

using std::chrono::seconds;

struct Established {
  PhoneDialog caller_side, callee_side;
};

// alice calls bob's extension through the server; bob answers; alice ACKs.
Established call(Harness& h, Phone& caller, Phone& callee, const std::string& dialled) {
  Established e;
  e.caller_side = caller.invite(dialled);
  const auto& to_callee = callee.inbox();
  const sip::Message* invite = Harness::find(to_callee, "INVITE");
  EXPECT_NE(invite, nullptr) << "the call did not reach " << callee.user();
  if (!invite) return e;
  e.callee_side = callee.answer(*invite, 200, true);
  const auto& to_caller = caller.inbox();
  const sip::Message* ok = Harness::find(to_caller, 200);
  EXPECT_NE(ok, nullptr) << "the caller got no 200";
  if (ok) caller.ack(e.caller_side, *ok);
  callee.inbox();  // the server's ACK
  (void)h;
  return e;
}

struct ParkFixture : ::testing::Test {
  Harness h;
  Phone alice{h, "alice", 5090, 6000}, bob{h, "bob", 5080, 6002}, carol{h, "carol", 5100, 6004};
  void SetUp() override {
    for (Phone* p : {&alice, &bob, &carol}) {
      p->register_phone();
      ASSERT_NE(Harness::find(p->inbox(), 200), nullptr);
    }
  }
  // alice calls bob, bob parks alice by REFER to `target`. Returns the orbit's Contact.
  std::string park(const std::string& target = "sip:park@example.test") {
    auto c = call(h, alice, bob, "1002");
    bob.refer(c.callee_side, target);
    const auto& to_bob = bob.inbox();
    EXPECT_NE(Harness::find(to_bob, 202), nullptr) << "REFER not accepted";
    std::string contact;
    for (auto& r : to_bob)
      if (r.message->is_request() && r.message->method_text() == "NOTIFY" &&
          header(*r.message, "Subscription-State").rfind("terminated", 0) == 0)
        contact = std::string(r.message->body());
    bob_side = c.callee_side;
    alice_side = c.caller_side;
    return contact;
  }
  // park(), alice answers the hold re-INVITE, bob hangs up, and C1 runs out: the
  // ringback INVITE bob's phone gets, or null.
  const sip::Message* ring_back_after_park() {
    park();
    alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);
    bob.bye(bob_side);
    bob.inbox();
    h.advance(h.now() + seconds(61));  // C1 is 60 s in the flow deployment
    return Harness::find(bob.inbox(), "INVITE");
  }
  PhoneDialog alice_side, bob_side;
};

TEST_F(ParkFixture, S2_ReferParksTheOtherPartyAndTheNotifyCarriesTheOrbit) {
  const std::string frag = park();
  // RFC 5359-style sipfrag: the final status and the orbit with the park's id (P4).
  EXPECT_EQ(frag.rfind("SIP/2.0 200 OK\r\n", 0), 0u) << frag;
  EXPECT_NE(frag.find("Contact: <sip:*7000@example.test;park-id="), std::string::npos) << frag;
  // The parked party is put on hold with the server's music (C4): re-INVITE, sendonly.
  const auto& to_alice = alice.inbox();
  const sip::Message* hold = Harness::find(to_alice, "INVITE");
  ASSERT_NE(hold, nullptr) << "alice was not re-INVITEd on hold";
  EXPECT_NE(std::string(hold->body()).find("a=sendonly"), std::string::npos);
  EXPECT_NE(std::string(hold->body()).find("m=audio 40000 "), std::string::npos) << "not the music port";
  alice.answer(*hold, 200, true);
  ASSERT_FALSE(h.media.empty()) << "music did not start";
  EXPECT_EQ(h.media.back().kind, MediaCommand::Kind::start);
  EXPECT_EQ(h.media.back().port, 6000);
  EXPECT_EQ(h.server().engine().active_parks(), 1u);
  ASSERT_EQ(h.server().parked(h.now()).size(), 1u);
  EXPECT_EQ(h.server().parked(h.now())[0].orbit, "*7000");
  EXPECT_EQ(h.server().parked(h.now())[0].parker, "bob");
}

TEST_F(ParkFixture, S2_DirectedParkToAChosenOrbit) {
  const std::string frag = park("sip:*7005@example.test");
  EXPECT_NE(frag.find("Contact: <sip:*7005@example.test;park-id="), std::string::npos) << frag;
}

TEST_F(ParkFixture, S3_RetrievalConnectsTheRetrieverAndTellsTheParker) {
  park();
  alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);
  bob.bye(bob_side);
  bob.inbox();
  auto retriever = carol.invite("*7000");
  // The parked party is re-INVITEd towards the retriever's media...
  const auto& to_alice = alice.inbox();
  const sip::Message* connect = Harness::find(to_alice, "INVITE");
  ASSERT_NE(connect, nullptr);
  EXPECT_NE(std::string(connect->body()).find("m=audio 6004 "), std::string::npos) << connect->body();
  alice.answer(*connect, 200, true);
  // ...and the retriever is answered with the parked party's media.
  const auto& to_carol = carol.inbox();
  const sip::Message* ok = Harness::find(to_carol, 200);
  ASSERT_NE(ok, nullptr);
  EXPECT_NE(std::string(ok->body()).find("m=audio 6000 "), std::string::npos);
  carol.ack(retriever, *ok);
  // S5: the parker gets a MESSAGE with words for people and a header for machines.
  const sip::Message* note = Harness::find(bob.inbox(), "MESSAGE");
  ASSERT_NE(note, nullptr) << "the parker was not told";
  EXPECT_NE(std::string(note->body()).find("retrieved by carol"), std::string::npos) << note->body();
  EXPECT_NE(header(*note, "X-Cpark-Notification").find("reason=Retrieved"), std::string::npos);
  EXPECT_EQ(h.server().engine().active_parks(), 0u);
  EXPECT_EQ(h.media.back().kind, MediaCommand::Kind::stop);
}

TEST_F(ParkFixture, S3_EmptyOrbitIs404WithTheLyncDiagnostic) {
  carol.invite("*7003");
  const sip::Message* r = Harness::find(carol.inbox(), 404);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(header(*r, "ms-diagnostics").find("35000"), std::string::npos);
  EXPECT_NE(header(*r, "Warning").find("Orbit not found"), std::string::npos);
}

TEST_F(ParkFixture, S3_StaleParkIdIs410AndConnectsNobody) {
  park();
  alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);
  carol.invite("*7000;park-id=12345");
  const sip::Message* r = Harness::find(carol.inbox(), 410);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(header(*r, "ms-diagnostics").find("35010"), std::string::npos);
  EXPECT_EQ(h.server().engine().active_parks(), 1u);
}

TEST_F(ParkFixture, P5_S4_RingbackCallsTheParkerShowingTheParkedParty) {
  const sip::Message* ringback = ring_back_after_park();
  ASSERT_NE(ringback, nullptr) << "no ringback";
  EXPECT_NE(std::string(ringback->value(sip::HeaderKind::from)).find("Parked:"), std::string::npos);
  EXPECT_NE(std::string(ringback->value(sip::HeaderKind::from)).find("sip:alice@example.test"), std::string::npos);
  bob.answer(*ringback, 200, true);
  // Answered: the parked party is connected to the parker.
  const sip::Message* connect = Harness::find(alice.inbox(), "INVITE");
  ASSERT_NE(connect, nullptr);
  EXPECT_NE(std::string(connect->body()).find("m=audio 6002 "), std::string::npos);
  EXPECT_EQ(h.server().engine().counters().ringback_answered, 1u);
}

// After an answered ringback, the answerer's hang-up must reach the parked party, in
// either order against the connect. (The load-test replay's parked parties left connected
// were SIPp reusing one Via branch for every ringback BYE: see the transaction tests
// Rfc3261_8_1_1_7_*.)
TEST_F(ParkFixture, P5_HangingUpAnAnsweredRingbackHangsUpTheParkedParty) {
  const sip::Message* ringback = ring_back_after_park();
  ASSERT_NE(ringback, nullptr) << "no ringback";
  PhoneDialog bob_ringback = bob.answer(*ringback, 200, true);
  const sip::Message* connect = Harness::find(alice.inbox(), "INVITE");
  ASSERT_NE(connect, nullptr);
  alice.answer(*connect, 200, true);
  alice.inbox();  // the server's ACK
  bob.inbox();
  bob.bye(bob_ringback);
  EXPECT_NE(Harness::find(bob.inbox(), 200), nullptr) << "bob's BYE was not answered";
  EXPECT_NE(Harness::find(alice.inbox(), "BYE"), nullptr) << "alice was left connected to nobody";
  EXPECT_EQ(h.server().legs(), 0u);
}

// The same while the parked party's connect re-INVITE is still out.
TEST_F(ParkFixture, P5_HangingUpARingbackBeforeTheConnectCompletesHangsUpTheParkedParty) {
  const sip::Message* ringback = ring_back_after_park();
  ASSERT_NE(ringback, nullptr) << "no ringback";
  PhoneDialog bob_ringback = bob.answer(*ringback, 200, true);
  bob.inbox();
  bob.bye(bob_ringback);  // before alice has answered the re-INVITE
  const sip::Message* connect = Harness::find(alice.inbox(), "INVITE");
  ASSERT_NE(connect, nullptr);
  alice.answer(*connect, 200, true);
  h.advance(h.now() + seconds(1));
  bool bye = Harness::find(alice.inbox(), "BYE") != nullptr;
  for (int i = 0; i < 40 && !bye; ++i) {
    h.advance(h.now() + seconds(1));
    bye = Harness::find(alice.inbox(), "BYE") != nullptr;
  }
  EXPECT_TRUE(bye) << "alice was left connected to nobody";
  EXPECT_EQ(h.server().engine().active_parks(), 0u);
}

TEST_F(ParkFixture, S4_RingbackNamesAParkedCalleeByItsUserName) {
  // bob calls alice and parks her: her leg is one the server called, with no display
  // name of its own; the ringback still says who is waiting.
  auto c = call(h, bob, alice, "1001");
  bob.refer(c.caller_side, "sip:park@example.test");
  bob.inbox();
  alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);  // the hold
  bob.bye(c.caller_side);
  bob.inbox();
  h.advance(h.now() + seconds(61));
  const sip::Message* ringback = Harness::find(bob.inbox(), "INVITE");
  ASSERT_NE(ringback, nullptr) << "no ringback";
  EXPECT_NE(std::string(ringback->value(sip::HeaderKind::from)).find("\"Parked: alice\" <sip:alice@example.test>"),
            std::string::npos)
      << ringback->value(sip::HeaderKind::from);
}

TEST_F(ParkFixture, P6_UnansweredRingbackWithoutFallbackDisconnects) {
  park();
  alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);
  bob.bye(bob_side);
  bob.inbox();
  h.advance(h.now() + seconds(61));
  const auto& to_bob = bob.inbox();
  const sip::Message* ringback = Harness::find(to_bob, "INVITE");
  ASSERT_NE(ringback, nullptr);
  bob.respond(*ringback, 486);  // busy: unanswered (P5); one attempt (C2), no fallback (C3)
  const auto& to_alice = alice.inbox();
  const sip::Message* bye = Harness::find(to_alice, "BYE");
  std::string seen;
  for (auto& r : to_alice) seen += r.bytes + "----\n";
  ASSERT_NE(bye, nullptr) << "the parked party was not disconnected; alice got:\n" << seen;
  EXPECT_NE(header(*bye, "Reason").find("35014"), std::string::npos) << header(*bye, "Reason");
  EXPECT_EQ(h.server().engine().counters().disconnected, 1u);
}

TEST_F(ParkFixture, P7_ParkedPartyHangingUpIsAbandoned) {
  park();
  alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);
  alice.bye(alice_side);
  EXPECT_NE(Harness::find(alice.inbox(), 200), nullptr);
  const sip::Message* note = Harness::find(bob.inbox(), "MESSAGE");
  ASSERT_NE(note, nullptr);
  EXPECT_NE(header(*note, "X-Cpark-Notification").find("reason=Abandoned"), std::string::npos);
  EXPECT_EQ(h.server().engine().active_parks(), 0u);
}

TEST_F(ParkFixture, S6_GroupPickupAnswersTheRingingCallAndCancelsTheCallee) {
  // alice calls bob (in group #7100); bob's phone rings; carol dials the group number.
  alice.invite("1002");
  const auto& ringing_at_bob = bob.inbox();
  const sip::Message* ringing = Harness::find(ringing_at_bob, "INVITE");
  ASSERT_NE(ringing, nullptr);
  PhoneDialog bob_leg = bob.answer(*ringing, 180, false);
  (void)bob_leg;
  auto picker = carol.invite("%237100");  // '#' is %23 in a SIP URI
  const auto& to_bob = bob.inbox();
  const sip::Message* cancel = Harness::find(to_bob, "CANCEL");
  std::string seen;
  for (auto& r : to_bob) seen += r.bytes + "----\n";
  ASSERT_NE(cancel, nullptr) << "bob's phone kept ringing; bob got:\n" << seen;
  EXPECT_NE(header(*cancel, "Reason").find("Picked up by carol"), std::string::npos) << header(*cancel, "Reason");
  const sip::Message* to_carol = Harness::find(carol.inbox(), 200);
  ASSERT_NE(to_carol, nullptr);
  EXPECT_NE(std::string(to_carol->body()).find("m=audio 6000 "), std::string::npos);
  const sip::Message* to_alice = Harness::find(alice.inbox(), 200);
  ASSERT_NE(to_alice, nullptr);
  EXPECT_NE(std::string(to_alice->body()).find("m=audio 6004 "), std::string::npos);
  // G5: bob learns who took his call.
  const sip::Message* note = Harness::find(to_bob, "MESSAGE");
  ASSERT_NE(note, nullptr);
  EXPECT_NE(std::string(note->body()).find("picked up by carol"), std::string::npos);
}

TEST_F(ParkFixture, G9_NothingToPickUpIs480) {
  carol.invite("%237100");
  const sip::Message* r = Harness::find(carol.inbox(), 480);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(header(*r, "ms-diagnostics").find("35103"), std::string::npos);
}

TEST_F(ParkFixture, O7_O8_AChangeThatStrandsALiveParkIsRefusedNamingIt) {
  park();
  Deployment d = flow_deployment();
  d.ranges.erase(d.ranges.begin());  // remove the CallPark range
  auto v = validate_deployment(d);
  ASSERT_TRUE(v.ok());
  const Status s = h.server().check(h.now(), *v);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("orbit *7000 (parked by bob"), std::string::npos) << s.message();
  EXPECT_FALSE(h.server().serve(h.now(), *v).ok());
  EXPECT_EQ(h.server().engine().active_parks(), 1u);
  // Forced: the park ends by fallback or disconnect (here: disconnect, no C3).
  EXPECT_TRUE(h.server().serve(h.now(), *v, true).ok());
  EXPECT_EQ(h.server().engine().active_parks(), 0u);
}

TEST_F(ParkFixture, S11_DrainDisconnectsParksAndRefusesNewCalls) {
  park();
  alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);
  h.server().begin_drain(h.now());
  EXPECT_EQ(h.server().engine().active_parks(), 0u);
  carol.invite("1001");
  const sip::Message* r = Harness::find(carol.inbox(), 503);
  ASSERT_NE(r, nullptr);
}

}  // namespace
}  // namespace cpark::server::test
