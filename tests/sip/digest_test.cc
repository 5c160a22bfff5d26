// Digest authentication: RFC 2617 §3.5 and RFC 7616 §3.9.1 vectors (MD5 and SHA-256,
// the algorithms RFC 8760 brings to SIP), stateless nonces, stale, and verification.
#include <gtest/gtest.h>

#include "sip/digest.h"

namespace cpark::sip {
namespace {

using ms = std::chrono::milliseconds;

TEST(Digest, Rfc2617_3_5_ExampleResponse) {
  const std::string ha1 = compute_ha1(DigestAlgorithm::md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
  EXPECT_EQ(compute_response(DigestAlgorithm::md5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001",
                             "0a4f113b", "auth", "GET", "/dir/index.html"),
            "6629fae49393a05397450978507c4ef1");
}

TEST(Digest, Rfc7616_3_9_1_Sha256AndMd5Vectors) {
  const char* nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
  const char* cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
  const std::string ha1_sha = compute_ha1(DigestAlgorithm::sha256, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(compute_response(DigestAlgorithm::sha256, ha1_sha, nonce, "00000001", cnonce, "auth", "GET", "/dir/index.html"),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
  const std::string ha1_md5 = compute_ha1(DigestAlgorithm::md5, "Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(compute_response(DigestAlgorithm::md5, ha1_md5, nonce, "00000001", cnonce, "auth", "GET", "/dir/index.html"),
            "8ca523f5e9506fed4657c9700eebdbec");
}

TEST(Digest, Rfc2069_ResponseWithoutQop) {
  // H(HA1:nonce:HA2), what SIPp and older UAs send when no qop is offered.
  const std::string ha1 = compute_ha1(DigestAlgorithm::md5, "alice", "cpark", "secret");
  const std::string ha2 = digest_hex(DigestAlgorithm::md5, "REGISTER:sip:cpark.example.com");
  EXPECT_EQ(compute_response(DigestAlgorithm::md5, ha1, "n1", "", "", "", "REGISTER", "sip:cpark.example.com"),
            digest_hex(DigestAlgorithm::md5, ha1 + ":n1:" + ha2));
}

class DigestServer : public ::testing::Test {
 protected:
  const std::string secret = "server-secret";
  const std::string realm = "cpark.example.com";
  const std::string ha1 = compute_ha1(DigestAlgorithm::sha256, "alice", realm, "wonderland");
  const ms lifetime{30000};

  std::string authorization_for(ms issued, std::string_view method, std::string_view uri, std::string_view password_ha1,
                                DigestAlgorithm a = DigestAlgorithm::sha256) {
    const std::string nonce = make_nonce(secret, issued);
    challenge_text = make_challenge(realm, nonce, a);
    DigestChallenge c;
    EXPECT_TRUE(parse_challenge(challenge_text, c));
    return make_authorization(c, "alice", password_ha1, method, uri, "cn0nce", 1);
  }
  DigestVerdict verify(const std::string& header, ms now, std::string_view method = "REGISTER",
                       std::string_view uri = "sip:cpark.example.com") {
    DigestCredentials c;
    if (!parse_credentials(header, c)) return DigestVerdict::malformed;
    return verify_credentials(c, ha1, realm, method, uri, secret, now, lifetime);
  }
  std::string challenge_text;
};

TEST_F(DigestServer, Rfc3261_22_CorrectCredentialsAreAccepted) {
  const std::string auth = authorization_for(ms{1000}, "REGISTER", "sip:cpark.example.com", ha1);
  EXPECT_NE(challenge_text.find("algorithm=SHA-256"), std::string::npos);
  EXPECT_NE(challenge_text.find("qop=\"auth\""), std::string::npos);
  EXPECT_EQ(verify(auth, ms{2000}), DigestVerdict::ok);
}

TEST_F(DigestServer, WrongPasswordMethodOrUriIsRefused) {
  const std::string wrong = compute_ha1(DigestAlgorithm::sha256, "alice", realm, "guess");
  EXPECT_EQ(verify(authorization_for(ms{1000}, "REGISTER", "sip:cpark.example.com", wrong), ms{2000}),
            DigestVerdict::wrong_response);
  const std::string auth = authorization_for(ms{1000}, "REGISTER", "sip:cpark.example.com", ha1);
  EXPECT_EQ(verify(auth, ms{2000}, "INVITE"), DigestVerdict::wrong_response);
  EXPECT_EQ(verify(auth, ms{2000}, "REGISTER", "sip:other.example.com"), DigestVerdict::uri_mismatch);
}

TEST_F(DigestServer, ExpiredNonceIsStaleOnlyWhenTheDigestIsRight) {
  const std::string auth = authorization_for(ms{1000}, "REGISTER", "sip:cpark.example.com", ha1);
  EXPECT_EQ(verify(auth, ms{1000} + lifetime + ms{1}), DigestVerdict::stale_nonce);
  EXPECT_NE(make_challenge(realm, make_nonce(secret, ms{50000}), DigestAlgorithm::md5, true).find("stale=true"),
            std::string::npos);
  const std::string wrong = compute_ha1(DigestAlgorithm::sha256, "alice", realm, "guess");
  EXPECT_EQ(verify(authorization_for(ms{1000}, "REGISTER", "sip:cpark.example.com", wrong), ms{1000} + lifetime * 2),
            DigestVerdict::wrong_response);
}

TEST_F(DigestServer, ForgedNonceIsRefused) {
  std::string auth = authorization_for(ms{1000}, "REGISTER", "sip:cpark.example.com", ha1);
  const auto pos = auth.find("nonce=\"") + 7;
  auth[pos] = auth[pos] == '1' ? '2' : '1';  // change the timestamp: the MAC no longer fits
  EXPECT_EQ(verify(auth, ms{2000}), DigestVerdict::bad_nonce);
  EXPECT_EQ(check_nonce("garbage", secret, ms{0}, lifetime), NonceCheck::invalid);
  EXPECT_EQ(check_nonce(make_nonce("other-secret", ms{0}), secret, ms{0}, lifetime), NonceCheck::invalid);
}

TEST_F(DigestServer, Md5CredentialsFromAnMd5Challenge) {
  const std::string md5_ha1 = compute_ha1(DigestAlgorithm::md5, "alice", realm, "wonderland");
  const std::string auth = authorization_for(ms{0}, "INVITE", "sip:700@cpark.example.com", md5_ha1, DigestAlgorithm::md5);
  DigestCredentials c;
  ASSERT_TRUE(parse_credentials(auth, c));
  EXPECT_EQ(c.algorithm, DigestAlgorithm::md5);
  EXPECT_EQ(verify_credentials(c, md5_ha1, realm, "INVITE", "sip:700@cpark.example.com", secret, ms{5}, lifetime),
            DigestVerdict::ok);
}

TEST(Digest, ParsesCredentialsTheWaySippSendsThem) {
  // SIPp 3.6.1's [authentication] output shape (MD5, no qop when none was offered).
  const char* header =
      "Digest username=\"alice\",realm=\"cpark\",uri=\"sip:127.0.0.1:5060\",nonce=\"abc.def\","
      "response=\"0123456789abcdef0123456789abcdef\",algorithm=MD5";
  DigestCredentials c;
  ASSERT_TRUE(parse_credentials(header, c));
  EXPECT_EQ(c.username, "alice");
  EXPECT_EQ(c.uri, "sip:127.0.0.1:5060");
  EXPECT_EQ(c.algorithm, DigestAlgorithm::md5);
  EXPECT_TRUE(c.qop.empty());
  EXPECT_FALSE(parse_credentials("Basic dXNlcjpwYXNz", c));
  EXPECT_FALSE(parse_credentials("Digest username=\"unterminated", c));
}

}  // namespace
}  // namespace cpark::sip
