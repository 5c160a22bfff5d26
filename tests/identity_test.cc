// The one mapping between store user names and SIP identities (engine/identity.h), which
// the server and the simulator share: bare names live in the serving domain, user@host
// names are their own address, numbers name their user, RFC 3261 §19.1.4 comparison.
#include <gtest/gtest.h>

#include "engine/identity.h"
#include "engine/validated_deployment.h"
#include "tests/engine_fixture.h"

namespace cpark {
namespace {

TEST(S1_Identity, BareNamesLiveInTheServingDomainFullNamesAreTheirOwn) {
  EXPECT_EQ(sip_uri_of("alice", "contoso.com"), "sip:alice@contoso.com");
  EXPECT_EQ(sip_uri_of("alice@fabrikam.com", "contoso.com"), "sip:alice@fabrikam.com");
}

TEST(S1_Identity, SplitReadsEveryWayAPartyIsWritten) {
  for (const char* text : {"alice@contoso.com", "sip:alice@contoso.com", "SIP:alice@contoso.com;transport=tcp",
                           "\"Alice\" <sip:alice@contoso.com:5061>", "<sips:alice:secret@contoso.com>"}) {
    auto p = split_identity(text);
    ASSERT_TRUE(p) << text;
    EXPECT_EQ(p->user, "alice") << text;
    EXPECT_EQ(p->host, "contoso.com") << text;
  }
  auto bare = split_identity("alice");
  ASSERT_TRUE(bare);
  EXPECT_EQ(bare->host, "");
  auto v6 = split_identity("sip:bob@[2001:db8::5]:5060");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "[2001:db8::5]");
  auto tel = split_identity("tel:+14255550100");
  ASSERT_TRUE(tel);
  EXPECT_EQ(tel->user, "+14255550100");
  for (const char* none : {"", "sip:", "<>", "sip:@contoso.com"}) EXPECT_FALSE(split_identity(none)) << none;
}

TEST(S1_Identity, SameIdentityComparesUserExactlyAndHostWithoutCase) {
  EXPECT_TRUE(same_identity("sip:alice@Contoso.COM;transport=udp", "\"A\" <sip:alice@contoso.com:5060>", "x"));
  EXPECT_TRUE(same_identity("alice", "sip:alice@contoso.com", "contoso.com"));
  EXPECT_FALSE(same_identity("alice", "sip:alice@contoso.com", "fabrikam.com"));
  EXPECT_FALSE(same_identity("sip:Alice@contoso.com", "sip:alice@contoso.com", "contoso.com"));  // user part
  EXPECT_FALSE(same_identity("", "sip:alice@contoso.com", "contoso.com"));
}

TEST(S1_Identity, ResolveFindsTheUserByAorBareNameOrNumber) {
  Deployment d = test::small_deployment();
  d.users[3].name = "dave@fabrikam.com";  // stored with its own host
  auto v = validate_deployment(std::move(d));
  ASSERT_TRUE(v) << v.message();
  const ValidatedDeployment& vd = **v;
  const auto alice = vd.find_user("alice"), dave = vd.find_user("dave@fabrikam.com");
  ASSERT_TRUE(alice && dave);
  EXPECT_EQ(resolve_user(vd, "sip:alice@contoso.com", "contoso.com"), alice);
  EXPECT_EQ(resolve_user(vd, "Alice <sip:alice@CONTOSO.com:5060>", "contoso.com"), alice);
  EXPECT_EQ(resolve_user(vd, "alice", "contoso.com"), alice);
  EXPECT_EQ(resolve_user(vd, "sip:1001@contoso.com", "contoso.com"), alice);  // her extension
  EXPECT_EQ(resolve_user(vd, "sip:dave@FABRIKAM.com", "contoso.com"), dave);
  EXPECT_FALSE(resolve_user(vd, "sip:alice@fabrikam.com", "contoso.com"));  // someone else's alice
  EXPECT_FALSE(resolve_user(vd, "sip:dave@contoso.com", "contoso.com"));    // dave is fabrikam's
  EXPECT_FALSE(resolve_user(vd, "sip:mallory@contoso.com", "contoso.com"));
  EXPECT_FALSE(resolve_user(vd, "<>", "contoso.com"));
}

}  // namespace
}  // namespace cpark
