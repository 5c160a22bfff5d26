// Whole-deployment rules: O1, O4, O5 (per pool), O6, C1-C6, V1-V2, G2, G7, and what the
// server needs of the store: pool addresses (P9), digest credentials (S10), trusted peers (S8).
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

TEST(P9_PoolAddress, EmptyOrASipUriWithAHost) {
  auto d = small_deployment();
  for (const char* ok : {"", "sip:pool2.contoso.com", "sip:pool2.contoso.com:5060", "sips:pool2.contoso.com",
                         "sip:127.0.0.1:5070;transport=tcp", "sip:[2001:db8::5]:5060", "SIP:Pool2.Contoso.com",
                         "sip:park@pool2.contoso.com"}) {
    d.pools[1].address = ok;
    EXPECT_EQ(first_error(d), "") << ok;
  }
  for (const char* bad : {"pool2.contoso.com", "tel:+14255550100", "sip:", "sip::5060", "sip:pool2:0",
                          "sip:pool2:70000", "sip:pool2:", "sip:[2001:db8::5", "sip:[nothex]", "sip:pool 2",
                          "sip:@pool2", "sip:-pool2", "http://pool2", "sip:pool2;"}) {
    d.pools[1].address = bad;
    EXPECT_NE(first_error(d).find("pool \"pool2\" address \"" + std::string(bad) + "\" must be a sip: URI with a host"),
              std::string::npos) << bad << ": " << first_error(d);
    EXPECT_NE(first_error(d).find("(P9)"), std::string::npos);
  }
}

// Well-formed HA1 values (the rules check their shape; sip/digest.h computes real ones).
constexpr const char* kMd5 = "0123456789abcdef0123456789abcdef";
constexpr const char* kSha256 = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

TEST(S10_DigestCredentials, RealmAndBothHa1sComeTogether) {
  auto d = small_deployment();
  User& u = d.users[0];
  u.digest_realm = "contoso.com";
  u.ha1_md5 = kMd5;
  u.ha1_sha256 = kSha256;
  EXPECT_EQ(first_error(d), "");
  EXPECT_TRUE(u.has_password());
  u.ha1_sha256.clear();
  EXPECT_NE(first_error(d).find("user \"alice\" has only part of its digest credentials"), std::string::npos);
  EXPECT_NE(first_error(d).find("(S10)"), std::string::npos);
  u.ha1_sha256 = kSha256;
  u.digest_realm.clear();
  EXPECT_NE(first_error(d).find("only part"), std::string::npos);
}

TEST(S10_DigestCredentials, Ha1sAreLowerCaseHexOfTheirLength) {
  auto d = small_deployment();
  User& u = d.users[0];
  u.digest_realm = "contoso.com";
  u.ha1_sha256 = kSha256;
  u.ha1_md5 = "0123456789ABCDEF0123456789ABCDEF";
  EXPECT_NE(first_error(d).find("ha1_md5 \"0123456789ABCDEF0123456789ABCDEF\" must be 32 lower-case hex digits"),
            std::string::npos);
  u.ha1_md5 = std::string(kMd5) + "00";
  EXPECT_NE(first_error(d).find("must be 32 lower-case hex digits"), std::string::npos);
  u.ha1_md5 = kMd5;
  u.ha1_sha256 = kMd5;
  EXPECT_NE(first_error(d).find("ha1_sha256"), std::string::npos);
  EXPECT_NE(first_error(d).find("must be 64 lower-case hex digits"), std::string::npos);
  u.ha1_sha256 = kSha256;
  u.digest_realm = "contoso\".com";  // would break the WWW-Authenticate header
  EXPECT_NE(first_error(d).find("may not hold quotes"), std::string::npos);
}

TEST(S10_DigestCredentials, UsernameAndDefaultRealmComeFromTheUsersName) {
  EXPECT_EQ(digest_username("alice@contoso.com"), "alice");
  EXPECT_EQ(digest_username("sip:alice@contoso.com"), "alice");
  EXPECT_EQ(digest_username("alice"), "alice");
  EXPECT_EQ(default_digest_realm("alice@contoso.com"), "contoso.com");
  EXPECT_EQ(default_digest_realm("sip:alice@contoso.com:5060;transport=tcp"), "contoso.com");
  EXPECT_EQ(default_digest_realm("alice"), "");
}

TEST(S8_TrustedPeers, UniqueNamesAndValidAddresses) {
  auto d = small_deployment();
  d.trusted_peers = {{"gw1", "10.0.0.5"}, {"gw2", "10.0.0.6:5060"}, {"gw3", "[2001:db8::5]:5060"}, {"gw4", "2001:db8::6"}};
  EXPECT_EQ(first_error(d), "");
  d.trusted_peers.push_back({"gw1", "10.0.0.7"});
  EXPECT_NE(first_error(d).find("trusted peer \"gw1\" is defined twice (S8"), std::string::npos);
  d.trusted_peers.back() = {"gw5", "10.0.0.5"};
  EXPECT_NE(first_error(d).find("trusted peer \"gw5\" address \"10.0.0.5\" is already trusted peer \"gw1\" (S8)"),
            std::string::npos) << first_error(d);
  d.trusted_peers.back() = {"gw5", "10.0.0.5:5061"};  // another port of the same host is another peer
  EXPECT_EQ(first_error(d), "");
  for (const char* bad : {"10.0.0.256", "10.0.0", "gateway.contoso.com", "10.0.0.5:0", "10.0.0.5:", "[10.0.0.5]:5060",
                          "2001:db8::5:5060x", "[2001:db8::5", "2001:db8:::5", "010.0.0.5", ""}) {
    d.trusted_peers.back() = {"gw5", bad};
    EXPECT_NE(first_error(d).find("must be an IPv4 or IPv6 address, optionally with a port"), std::string::npos)
        << bad << ": " << first_error(d);
  }
  d.trusted_peers.back() = {"", "10.0.0.9"};
  EXPECT_NE(first_error(d).find("a trusted peer has an empty name (S8)"), std::string::npos);
}

TEST(S8_TrustedPeers, ServerFindsThePeerBySourceAddress) {
  auto d = small_deployment();
  d.trusted_peers = {{"any-port", "10.0.0.5"}, {"exact", "10.0.0.5:5070"}, {"v6", "[2001:db8::5]:5060"}};
  auto v = validate_deployment(d);
  ASSERT_TRUE(v.ok()) << v.message();
  const ValidatedDeployment& vd = **v;
  auto name = [&](std::string_view ip, std::uint16_t port) {
    const TrustedPeer* p = vd.find_trusted_peer(ip, port);
    return p ? p->name : std::string("(none)");
  };
  EXPECT_EQ(name("10.0.0.5", 5060), "any-port");   // no port: any port
  EXPECT_EQ(name("10.0.0.5", 5070), "exact");      // an exact port wins
  EXPECT_EQ(name("::ffff:10.0.0.5", 5060), "any-port");  // from a dual-stack socket
  EXPECT_EQ(name("10.0.0.6", 5060), "(none)");
  EXPECT_EQ(name("2001:DB8:0:0::5", 5060), "v6");  // compared as addresses, not as text
  EXPECT_EQ(name("[2001:db8::5]", 5060), "v6");
  EXPECT_EQ(name("2001:db8::5", 5061), "(none)");  // that peer has a port
  EXPECT_EQ(name("not an address", 5060), "(none)");
}

TEST(S8_TrustedPeers, AddressTextForms) {
  auto v4 = parse_ip_address("192.0.2.1");
  ASSERT_TRUE(v4);
  EXPECT_EQ(v4->bytes[10], 0xff);
  EXPECT_EQ(v4->bytes[12], 192);
  EXPECT_EQ(v4->bytes[15], 1);
  EXPECT_EQ(parse_ip_address("::ffff:192.0.2.1"), v4);
  auto a = parse_ip_address("2001:db8::1:0:0:1");
  auto b = parse_ip_address("2001:0db8:0000:0000:0001:0000:0000:0001");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  EXPECT_TRUE(parse_ip_address("::"));
  EXPECT_TRUE(parse_ip_address("::1"));
  EXPECT_TRUE(parse_ip_address("1::"));
  EXPECT_TRUE(parse_ip_address("1:2:3:4:5:6:7:8"));
  EXPECT_TRUE(parse_ip_address("1:2:3:4:5:6:1.2.3.4"));
  for (const char* bad : {"1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "1::2::3", ":1::", "1:", "12345::", "::g",
                          "1.2.3.4.5", "1.2.3", "256.1.1.1", "fe80::1%eth0", "1:2:3:4:5:6:7:1.2.3.4"})
    EXPECT_FALSE(parse_ip_address(bad)) << bad;
  auto p = parse_peer_address("[::1]:5060");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->port, 5060);
  EXPECT_EQ(parse_peer_address("10.0.0.5")->port, 0);
  EXPECT_EQ(parse_peer_address("10.0.0.5:65535")->port, 65535);
  EXPECT_FALSE(parse_peer_address("10.0.0.5:65536"));
}

}  // namespace
}  // namespace cpark
