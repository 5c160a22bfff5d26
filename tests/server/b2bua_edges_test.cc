// The B2BUA where things go differently: refusals (S7, S8), a caller who gives up, a
// phone putting the call on hold (re-INVITE passed through), a fallback that answers
// (P6), a call nobody answers (G8), and a user with two phones (forks).
#include <gtest/gtest.h>

#include "tests/server/b2bua_harness.h"

namespace cpark::server::test {
namespace {

using std::chrono::seconds;

struct EdgeFixture : ::testing::Test {
  Harness h;
  Phone alice{h, "alice", 5090, 6000}, bob{h, "bob", 5080, 6002}, carol{h, "carol", 5100, 6004};
  void SetUp() override {
    for (Phone* p : {&alice, &bob, &carol}) {
      p->register_phone();
      ASSERT_NE(Harness::find(p->inbox(), 200), nullptr);
    }
  }
};

TEST_F(EdgeFixture, S8_AnUnknownSourceIsRefused403) {
  Phone mallory{h, "mallory", 5200, 7000};
  mallory.invite("1002");
  const auto& got = mallory.inbox();
  const sip::Message* r = Harness::find(got, 403);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(header(*r, "Warning").find("not a user of this deployment"), std::string::npos);
  EXPECT_TRUE(bob.inbox().empty()) << "nothing may ring for an unknown caller";
}

TEST_F(EdgeFixture, S8_RetrievalFromOutsideIsRefusedWith35003) {
  Phone outside{h, "outsider", 5210, 7002};
  outside.invite("*7000");
  const auto& got = outside.inbox();
  const sip::Message* r = Harness::find(got, 403);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(header(*r, "ms-diagnostics").find("35003"), std::string::npos);
}

TEST_F(EdgeFixture, S7_AnUnknownMethodIs501AndTheServerGoesOn) {
  h.send(udp(5090), "FROBNICATE sip:example.test SIP/2.0\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-frob\n"
                    "From: <sip:alice@example.test>;tag=x\nTo: <sip:example.test>\n"
                    "Call-ID: frob\nCSeq: 1 FROBNICATE\nContent-Length: 0\n\n");
  const auto& got = alice.inbox();
  const sip::Message* r = Harness::find(got, 501);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(header(*r, "Allow").find("REFER"), std::string::npos);
  alice.invite("1002");
  EXPECT_NE(Harness::find(bob.inbox(), "INVITE"), nullptr);
}

TEST_F(EdgeFixture, S7_AMalformedRequestIs400NamingTheProblem) {
  h.send(udp(5090), "INVITE sip:1002@example.test SIP/2.0\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-bad\n"
                    "From: <sip:alice@example.test>;tag=x\nTo: <sip:1002@example.test>\n"
                    "Call-ID: bad\nCSeq: not-a-number INVITE\nContent-Length: 0\n\n",
         false);
  const auto& got = alice.inbox();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].bytes.rfind("SIP/2.0 400 ", 0), 0u) << got[0].bytes;
  EXPECT_NE(got[0].bytes.find("Warning: 399 cpark \"CSeq"), std::string::npos) << got[0].bytes;
}

TEST_F(EdgeFixture, S1_ACallerWhoGivesUpCancelsTheCalleesPhone) {
  PhoneDialog d = alice.invite("1002");
  const auto& ringing = bob.inbox();
  const sip::Message* invite = Harness::find(ringing, "INVITE");
  ASSERT_NE(invite, nullptr);
  bob.answer(*invite, 180, false);
  alice.inbox();
  h.send(udp(5090), "CANCEL sip:1002@example.test SIP/2.0\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-" + d.call_id + "\n"
                    "From: \"alice\" <sip:alice@example.test>;tag=" + d.local_tag + "\n"
                    "To: <sip:1002@example.test>\nCall-ID: " + d.call_id + "\nCSeq: 1 CANCEL\nContent-Length: 0\n\n");
  const auto& to_alice = alice.inbox();
  EXPECT_NE(Harness::find(to_alice, 200), nullptr) << "CANCEL not answered";
  EXPECT_NE(Harness::find(to_alice, 487), nullptr) << "INVITE not ended with 487";
  EXPECT_NE(Harness::find(bob.inbox(), "CANCEL"), nullptr) << "bob's phone kept ringing";
  EXPECT_EQ(h.server().engine().ringing_calls(), 0u);
}

TEST_F(EdgeFixture, S1_HoldByAPhoneIsPassedToTheOtherPhone) {
  PhoneDialog caller = alice.invite("1002");
  const auto& at_bob = bob.inbox();
  PhoneDialog callee = bob.answer(*Harness::find(at_bob, "INVITE"), 200, true);
  const auto& at_alice = alice.inbox();
  alice.ack(caller, *Harness::find(at_alice, 200));
  bob.inbox();
  // alice re-INVITEs (e.g. hold, or a new address): bob's phone gets the offer...
  const std::string body = alice.sdp();
  h.send(udp(5090), "INVITE " + caller.remote_target + " SIP/2.0\n"
                    "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK-reinv\n"
                    "From: <sip:alice@example.test>;tag=" + caller.local_tag + "\n"
                    "To: <sip:1002@example.test>;tag=" + caller.remote_tag + "\n"
                    "Call-ID: " + caller.call_id + "\nCSeq: 2 INVITE\nContact: <sip:alice@127.0.0.1:5090>\n"
                    "Content-Type: application/sdp\nContent-Length: " + std::to_string(body.size()) + "\n\n" + body);
  const auto& relayed = bob.inbox();
  const sip::Message* reinvite = Harness::find(relayed, "INVITE");
  ASSERT_NE(reinvite, nullptr) << "the re-INVITE was not passed on";
  EXPECT_NE(std::string(reinvite->body()).find("m=audio 6000 "), std::string::npos);
  // ...and alice gets bob's answer.
  bob.answer(*reinvite, 200, true);
  const auto& back = alice.inbox();
  const sip::Message* ok = Harness::find(back, 200);
  ASSERT_NE(ok, nullptr);
  EXPECT_NE(std::string(ok->body()).find("m=audio 6002 "), std::string::npos);
  (void)callee;
}

TEST_F(EdgeFixture, G8_ACallNobodyAnswersEndsAfterTheRingTimeout) {
  alice.invite("1002");
  const auto& at_bob = bob.inbox();
  bob.answer(*Harness::find(at_bob, "INVITE"), 180, false);
  alice.inbox();
  h.advance(h.now() + seconds(21));  // the user's ring timeout is 20 s
  EXPECT_NE(Harness::find(bob.inbox(), "CANCEL"), nullptr);
  const auto& to_alice = alice.inbox();
  const sip::Message* r = Harness::find(to_alice, 480);
  ASSERT_NE(r, nullptr) << "no voicemail server: the caller hears the call was not answered";
  EXPECT_EQ(h.server().engine().counters().no_answer, 1u);
}

TEST_F(EdgeFixture, S1_EveryPhoneOfTheUserRingsAndTheFirstAnswerWins) {
  Phone bob_desk{h, "bob", 5082, 6010};
  bob_desk.register_phone();
  bob_desk.inbox();
  PhoneDialog caller = alice.invite("bob");
  const auto& at_mobile = bob.inbox();
  const auto& at_desk = bob_desk.inbox();
  const sip::Message* mobile_invite = Harness::find(at_mobile, "INVITE");
  const sip::Message* desk_invite = Harness::find(at_desk, "INVITE");
  ASSERT_NE(mobile_invite, nullptr);
  ASSERT_NE(desk_invite, nullptr);
  bob.answer(*mobile_invite, 180, false);
  bob_desk.answer(*desk_invite, 200, true);
  EXPECT_NE(Harness::find(bob.inbox(), "CANCEL"), nullptr) << "the other phone kept ringing";
  const auto& to_alice = alice.inbox();
  const sip::Message* ok = Harness::find(to_alice, 200);
  ASSERT_NE(ok, nullptr);
  EXPECT_NE(std::string(ok->body()).find("m=audio 6010 "), std::string::npos);
  (void)caller;
}

TEST(FallbackFixture, P6_AnUnansweredParkRingsTheFallbackWhichTakesTheCall) {
  Deployment d = flow_deployment();
  d.settings[0].fallback_uri = "sip:carol@example.test";
  Harness h(d);
  Phone alice{h, "alice", 5090, 6000}, bob{h, "bob", 5080, 6002}, carol{h, "carol", 5100, 6004};
  for (Phone* p : {&alice, &bob, &carol}) p->register_phone();
  for (Phone* p : {&alice, &bob, &carol}) p->inbox();
  PhoneDialog caller = alice.invite("1002");
  const auto& at_bob = bob.inbox();
  PhoneDialog callee = bob.answer(*Harness::find(at_bob, "INVITE"), 200, true);
  const auto& at_alice = alice.inbox();
  alice.ack(caller, *Harness::find(at_alice, 200));
  bob.inbox();
  bob.refer(callee, "sip:park@example.test");
  bob.inbox();
  alice.answer(*Harness::find(alice.inbox(), "INVITE"), 200, true);  // the hold
  bob.bye(callee);
  bob.inbox();
  h.advance(h.now() + seconds(61));  // C1
  const auto& ringback = bob.inbox();
  ASSERT_NE(Harness::find(ringback, "INVITE"), nullptr);
  h.advance(h.now() + seconds(21));  // C6: nobody answers the ringback
  const auto& at_carol = carol.inbox();
  const sip::Message* fallback = Harness::find(at_carol, "INVITE");
  ASSERT_NE(fallback, nullptr) << "the fallback was not called";
  EXPECT_NE(std::string(fallback->value(sip::HeaderKind::from)).find("sip:alice@example.test"), std::string::npos);
  carol.answer(*fallback, 200, true);
  const sip::Message* connect = Harness::find(alice.inbox(), "INVITE");
  ASSERT_NE(connect, nullptr);
  EXPECT_NE(std::string(connect->body()).find("m=audio 6004 "), std::string::npos);
  EXPECT_EQ(h.server().engine().counters().fallback_answered, 1u);
}

}  // namespace
}  // namespace cpark::server::test
