// Whole-deployment rules: O1, O4, O5 (per pool), O6, C1-C6, V1-V2, G2, G7.
#include <gtest/gtest.h>

#include "engine/deployment_rules.h"
#include "engine/validated_deployment.h"
#include "tests/engine_fixture.h"

namespace cpark {
namespace {

using test::small_deployment;

std::string first_error(Deployment d) {
  auto v = validate_deployment(d);
  return v ? "" : v.message();
}

TEST(M1_Deployment, SmallDeploymentIsValid) { EXPECT_EQ(first_error(small_deployment()), ""); }

TEST(O1_RangeNamesAreUnique, DuplicateNameRejected) {
  auto d = small_deployment();
  d.ranges[1].name = d.ranges[0].name;
  EXPECT_NE(first_error(d).find("used twice (O1"), std::string::npos);
}

TEST(O4_NoOverlap, CallParkRangesOverlap) {
  auto d = small_deployment();
  d.ranges[1].start = "*7002";
  d.ranges[1].end = "*7005";
  d.ranges[1].pool = "pool1";
  EXPECT_NE(first_error(d).find("overlaps"), std::string::npos);
  EXPECT_NE(first_error(d).find("(O4"), std::string::npos);
}

TEST(O4_NoOverlap, CallParkAndGroupPickupShareOneNumberSpace) {
  auto d = small_deployment();
  d.ranges[2].start = "*7001";
  d.ranges[2].end = "*7009";
  EXPECT_NE(first_error(d).find("(O4: ranges never overlap, whatever their type)"), std::string::npos);
}

TEST(O4_NoOverlap, SameDigitsDifferentPrefixDoNotOverlap) {
  auto d = small_deployment();
  d.ranges[2].start = "#7000";
  d.ranges[2].end = "#7002";
  for (auto& u : d.users) if (!u.pickup_group.empty()) u.pickup_group = "#7000";
  EXPECT_EQ(first_error(d), "");
}

TEST(O5_PoolLimit, AtMost50000NumbersPerPool) {
  auto d = small_deployment();
  d.ranges.clear();
  d.users.clear();
  for (int i = 0; i < 6; ++i) {
    OrbitRange r;
    r.name = "r" + std::to_string(i);
    r.start = std::to_string(100000 + i * 10000);
    r.end = std::to_string(100000 + i * 10000 + 9999);
    r.pool = "pool1";
    d.ranges.push_back(r);
  }
  EXPECT_NE(first_error(d).find("50,000 allowed per pool (O5)"), std::string::npos);
  d.ranges.pop_back();
  EXPECT_EQ(first_error(d), "");
}

TEST(O5_PoolLimit, WarnsAbove100PerRange) {
  auto d = small_deployment();
  d.ranges[0].end = "*7200";
  auto v = validate_deployment(d);
  ASSERT_TRUE(v.ok());
  ASSERT_EQ((*v)->warnings().size(), 1u);
  EXPECT_NE((*v)->warnings()[0].find("100 or fewer are recommended (O5)"), std::string::npos);
}

TEST(O6_VirtualExtensions, UserExtensionInsideRangeRejected) {
  auto d = small_deployment();
  d.users[2].extension = "*7001";
  EXPECT_NE(first_error(d).find("falls inside range \"park1\""), std::string::npos);
  EXPECT_NE(first_error(d).find("(O6"), std::string::npos);
}

TEST(O6_VirtualExtensions, NewRangeOverUserLineRejected) {
  auto d = small_deployment();
  d.users[2].line = "5500";
  OrbitRange r;
  r.name = "new";
  r.start = "5000";
  r.end = "5999";
  r.pool = "pool1";
  d.ranges.push_back(r);
  EXPECT_NE(first_error(d).find("line 5500 falls inside range \"new\""), std::string::npos);
}

TEST(C1_Timeout, Between10SecondsAnd10Minutes) {
  auto d = small_deployment();
  d.settings[0].timeout_seconds = 9;
  EXPECT_NE(first_error(d).find("(C1 CallPickupTimeoutThreshold)"), std::string::npos);
  d.settings[0].timeout_seconds = 601;
  EXPECT_NE(first_error(d).find("(C1"), std::string::npos);
  d.settings[0].timeout_seconds = 600;
  EXPECT_EQ(first_error(d), "");
  EXPECT_EQ(CallParkSettings{}.timeout_seconds, 90);
}

TEST(C2_MaxAttempts, Between1And10) {
  auto d = small_deployment();
  d.settings[0].max_attempts = 0;
  EXPECT_NE(first_error(d).find("(C2 MaxCallPickupAttempts)"), std::string::npos);
  d.settings[0].max_attempts = 11;
  EXPECT_NE(first_error(d).find("(C2"), std::string::npos);
  EXPECT_EQ(CallParkSettings{}.max_attempts, 1);
}

TEST(C3_Fallback, MustBeSipUriOrEmpty) {
  auto d = small_deployment();
  d.settings[0].fallback_uri = "tel:+14255550100";
  EXPECT_NE(first_error(d).find("(C3 OnTimeoutURI)"), std::string::npos);
  d.settings[0].fallback_uri = "";
  EXPECT_EQ(first_error(d), "");
}

TEST(C4_MusicOnHold, DefaultOnAndFileNeedsKnownPool) {
  EXPECT_TRUE(CallParkSettings{}.music_on_hold);
  auto d = small_deployment();
  d.music.push_back({"nowhere", "hold.wav", "", 10});
  EXPECT_NE(first_error(d).find("(C4)"), std::string::npos);
}

TEST(C5_Scopes, MostSpecificScopeWins) {
  auto d = small_deployment();
  CallParkSettings site;
  site.scope = "site:redmond";
  site.timeout_seconds = 60;
  CallParkSettings service;
  service.scope = "service:pool1";
  service.timeout_seconds = 30;
  d.settings.push_back(site);
  EXPECT_EQ(d.effective_settings("pool1").timeout_seconds, 60);
  EXPECT_EQ(d.effective_settings("pool2").timeout_seconds, 90);  // dublin: global
  d.settings.push_back(service);
  EXPECT_EQ(d.effective_settings("pool1").timeout_seconds, 30);
  EXPECT_EQ(first_error(d), "");
  d.settings.clear();
  EXPECT_EQ(d.effective_settings("pool1"), CallParkSettings{});  // global defaults
}

TEST(C5_Scopes, ScopeSyntaxAndKnownPool) {
  auto d = small_deployment();
  CallParkSettings bad;
  bad.scope = "pool:pool1";
  d.settings.push_back(bad);
  EXPECT_NE(first_error(d).find("must be global, site:NAME or service:POOL (C5)"), std::string::npos);
  d.settings.back().scope = "service:nowhere";
  EXPECT_NE(first_error(d).find("not a known pool (C5)"), std::string::npos);
}

TEST(C6_RingTime, DefaultThirtySecondsAndBounded) {
  EXPECT_EQ(CallParkSettings{}.ring_seconds, 30);
  auto d = small_deployment();
  d.settings[0].ring_seconds = 2;
  EXPECT_NE(first_error(d).find("(C6)"), std::string::npos);
}

TEST(V1_VoicePolicy, DefaultOffAndUserOverSiteOverGlobal) {
  auto d = small_deployment();
  EXPECT_FALSE(VoicePolicy{}.enable_call_park);
  const User& carol = *d.find_user("carol");
  EXPECT_TRUE(d.call_park_enabled_for(carol));               // global on
  d.policies.push_back({"site:redmond", false});
  EXPECT_FALSE(d.call_park_enabled_for(carol));              // site beats global
  d.policies.push_back({"park-on", true});
  d.find_user("carol")->policy = "park-on";
  EXPECT_TRUE(d.call_park_enabled_for(*d.find_user("carol")));  // user beats site
  d.policies.clear();
  EXPECT_FALSE(d.call_park_enabled_for(carol));              // no policy: off
}

TEST(V2_SeveralPolicies, UserPolicyMustExist) {
  auto d = small_deployment();
  d.users[0].policy = "missing";
  EXPECT_NE(first_error(d).find("does not exist (V2"), std::string::npos);
}

TEST(G2_Membership, GroupNumberMustBeInGroupPickupRange) {
  auto d = small_deployment();
  d.users[0].pickup_group = "*7001";  // a CallPark orbit
  EXPECT_NE(first_error(d).find("not inside a GroupPickup range (G2)"), std::string::npos);
  d.users[0].pickup_group = "#9999";
  EXPECT_NE(first_error(d).find("(G2)"), std::string::npos);
}

TEST(G7_Membership, OnlineUsersAndPoolsWithoutFeatureCannotBeMembers) {
  auto d = small_deployment();
  d.users[0].homed_online = true;
  EXPECT_NE(first_error(d).find("homed online"), std::string::npos);
  d = small_deployment();
  d.find_pool("pool1")->call_park_enabled = false;
  EXPECT_NE(first_error(d).find("without the Call Park / Group Pickup feature (G7)"), std::string::npos);
}

TEST(M1_Users, UniqueNamesExtensionsAndKnownPool) {
  auto d = small_deployment();
  d.users[1].extension = d.users[0].extension;
  EXPECT_NE(first_error(d).find("extensions are unique"), std::string::npos);
  d = small_deployment();
  d.users[1].pool = "nowhere";
  EXPECT_NE(first_error(d).find("not a known pool"), std::string::npos);
}

}  // namespace
}  // namespace cpark
