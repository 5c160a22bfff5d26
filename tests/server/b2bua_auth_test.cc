// S10 on simulated time: digest challenges, their order and the algorithms the server
// accepts (--digest-algorithms).
#include "sip/digest.h"
#include "tests/server/b2bua_harness.h"

namespace cpark::server::test {
namespace {

Deployment with_password(const std::string& user, const std::string& password) {
  Deployment d = flow_deployment();
  for (User& u : d.users)
    if (u.name == user) {
      u.digest_realm = "example.test";
      u.ha1_md5 = sip::compute_ha1(sip::DigestAlgorithm::md5, user, "example.test", password);
      u.ha1_sha256 = sip::compute_ha1(sip::DigestAlgorithm::sha256, user, "example.test", password);
    }
  return d;
}

std::string register_request(int cseq, const std::string& authorization = {}) {
  return "REGISTER sip:example.test SIP/2.0\n"
         "Via: SIP/2.0/UDP 127.0.0.1:5092;branch=z9hG4bK-auth-" + std::to_string(cseq) + "\n"
         "From: <sip:bob@example.test>;tag=regbob\n"
         "To: <sip:bob@example.test>\n"
         "Call-ID: reg-bob\n"
         "CSeq: " + std::to_string(cseq) + " REGISTER\n"
         "Contact: <sip:bob@127.0.0.1:5092>\n" +
         (authorization.empty() ? "" : "Authorization: " + authorization + "\n") +
         "Expires: 3600\n"
         "Content-Length: 0\n\n";
}

std::vector<std::string> challenges(const sip::Message& m) {
  std::vector<std::string> out;
  for (const sip::Header& h : m.headers())  // whole values: a challenge has commas inside
    if (h.kind == sip::HeaderKind::www_authenticate) out.emplace_back(h.value);
  return out;
}

// The Authorization a phone sends for the challenge `value`.
std::string answer(const std::string& value, const std::string& password) {
  sip::DigestChallenge c;
  EXPECT_TRUE(sip::parse_challenge(value, c)) << value;
  const std::string ha1 = sip::compute_ha1(c.algorithm, "bob", c.realm, password);
  return sip::make_authorization(c, "bob", ha1, "REGISTER", "sip:example.test", "c0ffee", 1);
}

TEST(DigestAuth, S10_ChallengesOfferSha256FirstThenMd5ByDefault) {
  Harness h(with_password("bob", "secret"));
  h.send(udp(5092), register_request(1));
  auto got = h.take(udp(5092));
  const sip::Message* challenge = Harness::find(got, 401);
  ASSERT_NE(challenge, nullptr);
  const auto offered = challenges(*challenge);
  ASSERT_EQ(offered.size(), 2u);
  EXPECT_NE(offered[0].find("algorithm=SHA-256"), std::string::npos) << offered[0];
  EXPECT_NE(offered[1].find("algorithm=MD5"), std::string::npos) << offered[1];
  h.send(udp(5092), register_request(2, answer(offered[1], "secret")));
  auto ok = h.take(udp(5092));
  EXPECT_NE(Harness::find(ok, 200), nullptr) << "MD5 is accepted by default";
}

TEST(DigestAuth, S10_Md5AloneIsTheOnlyChallengeForPhonesThatReadTheFirstOne) {
  ServerConfig config = Harness::default_config();
  config.digest_algorithms = {sip::DigestAlgorithm::md5};
  Harness h(with_password("bob", "secret"), config);
  h.send(udp(5092), register_request(1));
  auto got = h.take(udp(5092));
  const sip::Message* challenge = Harness::find(got, 401);
  ASSERT_NE(challenge, nullptr);
  const auto offered = challenges(*challenge);
  ASSERT_EQ(offered.size(), 1u);
  EXPECT_NE(offered[0].find("algorithm=MD5"), std::string::npos) << offered[0];
  h.send(udp(5092), register_request(2, answer(offered[0], "wrong")));
  auto refused = h.take(udp(5092));
  EXPECT_NE(Harness::find(refused, 403), nullptr) << "a wrong password is refused";
}

TEST(DigestAuth, S10_AnAlgorithmTheServerDoesNotOfferIsRefused) {
  ServerConfig config = Harness::default_config();
  config.digest_algorithms = {sip::DigestAlgorithm::sha256};
  Harness h(with_password("bob", "secret"), config);
  h.send(udp(5092), register_request(1));
  auto got = h.take(udp(5092));
  const sip::Message* challenge = Harness::find(got, 401);
  ASSERT_NE(challenge, nullptr);
  std::string md5 = challenges(*challenge).at(0);
  md5.replace(md5.find("SHA-256"), 7, "MD5");  // a phone that insists on MD5
  h.send(udp(5092), register_request(2, answer(md5, "secret")));
  auto refused = h.take(udp(5092));
  EXPECT_NE(Harness::find(refused, 403), nullptr);
  EXPECT_EQ(Harness::find(refused, 200), nullptr);
}

}  // namespace
}  // namespace cpark::server::test
