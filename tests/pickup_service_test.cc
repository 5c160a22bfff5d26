// Group call pickup through the engine: G1-G9.
#include "tests/engine_fixture.h"

namespace cpark {
namespace {

using test::EngineTest;
using test::num;

class PickupTest : public EngineTest {
 protected:
  void ring(CallId call, UserId callee, const char* caller = "sip:x@fabrikam.com", const char* dialed = "",
            RouteKind route = RouteKind::Direct, bool video = false) {
    engine.handle(now, CallRinging{call, callee, caller, dialed, route, video});
  }
  void pick(CallId call, UserId who, const char* group = "#7100", PoolId at = 0) {
    clear();
    engine.pickup(now, {call, Caller{who}, at == 0 ? pool1 : at, num(group)});
  }
};

TEST_F(PickupTest, G1_GroupNumbersAreGroupPickupRanges) {
  pick(90, carol, "*7000");  // a CallPark orbit is not a group number
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kNotAGroupNumber.code);
  pick(91, carol, "#7500");  // in no range
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kNotAGroupNumber.code);
}

TEST_F(PickupTest, G3_RingingAGroupMemberRingsNobodyElse) {
  clear();
  ring(1, alice);
  EXPECT_TRUE(outputs().empty()) << dump();
  EXPECT_EQ(engine.ringing_calls(), 1u);
}

TEST_F(PickupTest, G4_AnyoneEligiblePicksUpTheLongestRinging) {
  now = seconds(1);
  ring(1, alice);
  now = seconds(2);
  ring(2, bob);
  now = seconds(3);
  ring(3, alice);
  pick(90, carol);  // carol is in no group: non-members may pick up
  auto p = only<CallPickedUp>();
  EXPECT_EQ(p.call, 1u);
  EXPECT_EQ(p.picker_call, 90u);
  pick(91, bob);
  EXPECT_EQ(only<CallPickedUp>().call, 2u);
  engine.handle(now, CallAnswered{3});  // the callee answers the last one herself
  pick(92, bob);
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kNothingToPickUp.code);
  check();
}

TEST_F(PickupTest, G4_OnlyTheDialledGroupsCalls) {
  ring(1, dave);  // dave is in #7101
  pick(90, carol);
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kNothingToPickUp.code);
  pick(91, carol, "#7101");
  EXPECT_EQ(only<CallPickedUp>().call, 1u);
}

TEST_F(PickupTest, G5_CalleeIsToldWhoPickedUp) {
  ring(1, alice);
  pick(90, carol);
  auto p = only<CallPickedUp>();
  EXPECT_EQ(p.callee, alice);
  EXPECT_EQ(p.picker, carol);
}

TEST_F(PickupTest, G6_PrivateLineAndFriendsAndFamilyAreNotPickable) {
  Deployment d = test::small_deployment();
  d.find_user("alice")->private_line = "4255550199";
  d.find_user("alice")->friends_family = {"sip:mom@family.com"};
  load(d);
  ring(1, alice, "sip:x@fabrikam.com", "4255550199");
  ring(2, alice, "sip:mom@family.com", "1001");
  pick(90, carol);
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kNothingToPickUp.code);
  ring(3, alice, "sip:x@fabrikam.com", "1001");
  pick(91, carol);
  EXPECT_EQ(only<CallPickedUp>().call, 3u);
}

TEST_F(PickupTest, G6_DelegateResponseGroupAndTeamCallLegsAreNotPickable) {
  ring(1, alice, "", "", RouteKind::Delegate);
  ring(2, alice, "", "", RouteKind::ResponseGroup);
  ring(3, alice, "", "", RouteKind::TeamCall);
  pick(90, carol);
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kNothingToPickUp.code);
  ring(4, alice, "", "", RouteKind::SimultaneousRing);  // ordinary sim-ring still works
  pick(91, carol);
  EXPECT_EQ(only<CallPickedUp>().call, 4u);
}

TEST_F(PickupTest, G6_VideoCallIsPickedUpAudioOnly) {
  ring(1, alice, "", "", RouteKind::Direct, true);
  pick(90, carol);
  EXPECT_TRUE(only<CallPickedUp>().audio_only);
}

TEST_F(PickupTest, G7_OnlineUsersAndPoolsWithoutFeatureCannotPickUp) {
  Deployment d = test::small_deployment();
  d.find_user("carol")->homed_online = true;
  User frank;
  frank.name = "frank";
  frank.extension = "3001";
  frank.pool = "pool3";
  d.pools.push_back({"pool3", "", false, OrbitChoice::Next});
  d.users.push_back(frank);
  load(d);
  ring(1, alice);
  pick(90, carol);
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kPickupNotAllowed.code);
  pick(91, id("frank"));
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kPickupNotAllowed.code);
  clear();
  engine.pickup(now, {92, Caller{}, pool1, num("#7100")});  // from outside
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kPickupNotAllowed.code);
  EXPECT_EQ(engine.ringing_calls(), 1u);
}

TEST_F(PickupTest, G8_UnansweredCallFollowsCalleesOwnSettings) {
  Deployment d = test::small_deployment();
  d.find_user("alice")->ring_timeout_seconds = 15;
  d.find_user("alice")->no_answer_target = "sip:alice-cell@contoso.com";
  load(d);
  ring(1, alice);
  ring(2, bob);  // bob: default 20 s to voicemail
  clear();
  advance_to(seconds(15));
  auto f = only<ForwardNoAnswer>();
  EXPECT_EQ(f.call, 1u);
  EXPECT_EQ(f.target, "sip:alice-cell@contoso.com");
  clear();
  advance_to(seconds(20));
  EXPECT_EQ(only<ForwardNoAnswer>().target, "voicemail");
  pick(90, carol);
  EXPECT_EQ(only<PickupRejected>().diagnostic.code, diag::kNothingToPickUp.code);
  check();
}

TEST_F(PickupTest, G9_NothingToPickUpFailsCleanly) {
  pick(90, carol);
  auto r = only<PickupRejected>();
  EXPECT_EQ(r.diagnostic.code, diag::kNothingToPickUp.code);
  EXPECT_EQ(outputs().size(), 1u);  // nothing rings
}

TEST_F(PickupTest, G2_MembershipChangeRefilesRingingCallsInOrder) {
  ring(1, alice);
  ring(2, bob);
  ring(3, alice);
  Deployment d = test::small_deployment();
  d.find_user("bob")->pickup_group = "#7102";
  load(d);
  pick(90, carol);
  EXPECT_EQ(only<CallPickedUp>().call, 1u);
  pick(91, carol);
  EXPECT_EQ(only<CallPickedUp>().call, 3u);
  pick(92, carol, "#7102");
  EXPECT_EQ(only<CallPickedUp>().call, 2u);
  check();
}

TEST_F(PickupTest, CallerHangingUpLeavesTheQueue) {
  ring(1, alice);
  ring(2, bob);
  engine.handle(now, CallEnded{1});
  pick(90, carol);
  EXPECT_EQ(only<CallPickedUp>().call, 2u);
  check();
}

TEST_F(PickupTest, P9_PickupAtWrongPoolIsRouted) {
  ring(1, alice);
  pick(90, carol, "#7100", pool2);
  EXPECT_EQ(only<RouteToPool>().pool, pool1);
  EXPECT_EQ(engine.ringing_calls(), 1u);
}

}  // namespace
}  // namespace cpark
