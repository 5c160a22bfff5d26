// S1 on simulated time: REGISTER binds contacts, a call to a user's extension or AOR
// rings its phones through the B2BUA and is connected and hung up end to end.
#include <gtest/gtest.h>

#include "tests/server/b2bua_harness.h"

namespace cpark::server::test {
namespace {

std::string register_text(const char* user, std::uint16_t port, int expires = 3600, int cseq = 1) {
  return "REGISTER sip:example.test SIP/2.0\n"
         "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port) + ";branch=z9hG4bK-reg" + std::to_string(port) + "-" + std::to_string(cseq) + "\n"
         "From: <sip:" + std::string(user) + "@example.test>;tag=r" + std::to_string(port) + "\n"
         "To: <sip:" + std::string(user) + "@example.test>\n"
         "Call-ID: reg-" + std::to_string(port) + "\n"
         "CSeq: " + std::to_string(cseq) + " REGISTER\n"
         "Contact: <sip:" + std::string(user) + "@127.0.0.1:" + std::to_string(port) + ">\n"
         "Expires: " + std::to_string(expires) + "\n"
         "Content-Length: 0\n\n";
}

std::string sdp(std::uint16_t rtp) {
  return "v=0\no=- 1 1 IN IP4 127.0.0.1\ns=-\nc=IN IP4 127.0.0.1\nt=0 0\nm=audio " + std::to_string(rtp) +
         " RTP/AVP 0\na=rtpmap:0 PCMU/8000\n";
}

std::string invite_text(const char* from_user, std::uint16_t port, const std::string& to, const std::string& call_id,
                        std::uint16_t rtp) {
  const std::string body = sdp(rtp);
  std::string crlf_body;
  for (char c : body) crlf_body += c == '\n' ? std::string("\r\n") : std::string(1, c);
  return "INVITE sip:" + to + "@example.test SIP/2.0\n"
         "Via: SIP/2.0/UDP 127.0.0.1:" + std::to_string(port) + ";branch=z9hG4bK-" + call_id + "\n"
         "From: <sip:" + std::string(from_user) + "@example.test>;tag=f" + call_id + "\n"
         "To: <sip:" + to + "@example.test>\n"
         "Call-ID: " + call_id + "\n"
         "CSeq: 1 INVITE\n"
         "Contact: <sip:" + std::string(from_user) + "@127.0.0.1:" + std::to_string(port) + ">\n"
         "Max-Forwards: 70\n"
         "Content-Type: application/sdp\n"
         "Content-Length: " + std::to_string(crlf_body.size()) + "\n\n" + body;
}

TEST(S1_Register, BindsTheContactAndAnswersWithIt) {
  Harness h;
  h.send(udp(5080), register_text("bob", 5080));
  auto got = h.take(udp(5080));
  const sip::Message* ok = Harness::find(got, 200);
  ASSERT_NE(ok, nullptr) << (got.empty() ? "nothing" : got[0].bytes);
  EXPECT_NE(std::string(ok->value(sip::HeaderKind::contact)).find("sip:bob@127.0.0.1:5080"), std::string::npos);
  EXPECT_EQ(h.server().metrics(h.now()).bindings, 1u);
}

TEST(S1_Call, ToAnExtensionRingsTheUsersPhone) {
  Harness h;
  h.send(udp(5080), register_text("bob", 5080));
  h.take(udp(5080));
  h.send(udp(5090), invite_text("alice", 5090, "1002", "call1", 6000));
  auto to_bob = h.take(udp(5080));
  const sip::Message* invite = Harness::find(to_bob, "INVITE");
  ASSERT_NE(invite, nullptr) << "alice's call did not reach bob's phone";
  EXPECT_EQ(invite->request_uri(), "sip:bob@127.0.0.1:5080");
}

}  // namespace
}  // namespace cpark::server::test
