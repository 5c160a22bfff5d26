// A flood of malformed datagrams through TransactionLayer::receive: every one is refused
// (answered 400/505/513 when it can be, dropped otherwise), counted, and leaves nothing
// behind: no transaction, no timer, no event. "Bad input never crashes, hangs or grows
// memory without bound."
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "sip/transaction_layer.h"

namespace cpark::sip {
namespace {

std::string valid_invite(std::uint32_t n) {
  const std::string id = std::to_string(n);
  return "INVITE sip:701@pbx.example.com SIP/2.0\r\n"
         "Via: SIP/2.0/UDP 198.51.100.7:5062;branch=z9hG4bK" + id + ";rport\r\n"
         "Max-Forwards: 70\r\n"
         "From: \"Alice\" <sip:alice@example.com>;tag=a" + id + "\r\n"
         "To: <sip:701@pbx.example.com>\r\n"
         "Call-ID: flood-" + id + "@198.51.100.7\r\n"
         "CSeq: 1 INVITE\r\n"
         "Contact: <sip:alice@198.51.100.7:5062>\r\n"
         "Content-Type: application/sdp\r\n"
         "Content-Length: 4\r\n"
         "\r\n"
         "v=0\n";
}

void replace(std::string& s, std::string_view what, std::string_view with) {
  const std::size_t at = s.find(what);
  ASSERT_NE(at, std::string::npos) << what;
  s.replace(at, what.size(), with);
}

// One malformed datagram of kind `kind` (each kind is refused by construction; the
// seeded generator varies ids, positions and garbage).
std::string malformed(int kind, std::mt19937& rng, std::size_t max_bytes) {
  std::string m = valid_invite(std::uint32_t(rng()));
  switch (kind) {
    case 0:  // header block never ends (RFC 3261 §7)
      m.resize(m.find("\r\n\r\n") + 2 - std::uniform_int_distribution<std::size_t>(1, 40)(rng));
      break;
    case 1:  // CSeq of 2^31 or more (§8.1.1.5)
      replace(m, "CSeq: 1 INVITE", "CSeq: " + std::to_string(2147483648ULL + rng() % 1000) + " INVITE");
      break;
    case 2:  // sent-protocol without its slashes (§20.42)
      replace(m, "SIP/2.0/UDP", "SIP/2.0 UDP");
      break;
    case 3:  // two spaces in the request line (RFC 4475 §3.1.2.9)
      replace(m, "INVITE sip:", "INVITE  sip:");
      break;
    case 4: {  // line noise without a single line break: nothing to answer
      std::string noise(std::uniform_int_distribution<std::size_t>(1, 1400)(rng), '\0');
      for (char& c : noise) {
        c = char(rng() & 0xff);
        if (c == '\n') c = 'x';
      }
      return noise;
    }
    case 5:  // Content-Length beyond the datagram (RFC 4475 §3.1.2.2)
      replace(m, "Content-Length: 4", "Content-Length: " + std::to_string(5 + rng() % 5000));
      break;
    case 6:  // a response with a status code out of range: responses are never answered
      m = "SIP/2.0 " + std::to_string(700 + rng() % 299) + " Odd\r\n" + m.substr(m.find("\r\n") + 2);
      break;
    case 7:  // no Call-ID: nothing to answer with (RFC 4475 §3.3.1)
      replace(m, "Call-ID: flood-", "X-Was-Call-ID: flood-");
      break;
    case 8:  // SIP/3.0 (505)
      replace(m, "SIP/2.0\r\n", "SIP/3.0\r\n");
      break;
    case 9:  // larger than the configured limit (513)
      replace(m, "Content-Type:", "X-Pad: " + std::string(max_bytes, 'p') + "\r\nContent-Type:");
      break;
    case 10: {  // a header line that lost its colon
      static constexpr std::string_view names[] = {"Max-Forwards:", "To:", "Contact:", "Content-Type:"};
      const std::string_view name = names[rng() % std::size(names)];
      replace(m, name, std::string(name.substr(0, name.size() - 1)) + " ");
      break;
    }
    default:  // a From that is no name-addr (RFC 4475 §3.1.2.15)
      replace(m, "\"Alice\" <sip:", "Alice, Bob <sip:");
      break;
  }
  return m;
}

TEST(Flood, TenThousandMalformedDatagramsLeaveNoStateAndAreAllCounted) {
  TransactionConfig config;
  config.limits.max_message_bytes = 1500;
  config.seed = 7;
  TransactionLayer layer(config);
  std::mt19937 rng(20240611);
  constexpr int total = 10000, kinds = 12;
  std::size_t transmits = 0;
  for (int i = 0; i < total; ++i) {
    const std::string bytes = malformed(i % kinds, rng, config.limits.max_message_bytes);
    const Address from(Transport::udp, "198.51.100." + std::to_string(1 + i % 200), std::uint16_t(1024 + i));
    const Milliseconds now{i};
    layer.receive(now, from, bytes);
    while (auto t = layer.poll_transmit()) {
      ++transmits;
      // The answer repeats the request's fields as received, malformed ones included
      // (RFC 4475 §3.1.2.4), so only its status line is read.
      const std::string_view status = t->bytes.substr(0, 12);
      EXPECT_TRUE(status == "SIP/2.0 400 " || status == "SIP/2.0 505 " || status == "SIP/2.0 513 ") << status;
      EXPECT_EQ(t->destination.host(), from.host());
    }
    ASSERT_FALSE(layer.poll_event()) << "kind " << i % kinds;
    ASSERT_EQ(layer.counters().parse_errors, std::uint64_t(i + 1)) << "kind " << i % kinds << " was accepted";
  }
  const TransactionCounters& c = layer.counters();
  EXPECT_EQ(c.parse_errors, std::uint64_t(total));
  EXPECT_EQ(c.bad_requests_answered + c.malformed_dropped, std::uint64_t(total));
  EXPECT_EQ(c.bad_requests_answered, transmits);
  EXPECT_GT(c.bad_requests_answered, 0u);
  EXPECT_GT(c.malformed_dropped, 0u);
  EXPECT_EQ(c.requests_in + c.responses_in, 0u);
  EXPECT_EQ(c.live_server_transactions, 0u);
  EXPECT_EQ(c.live_client_transactions, 0u);
  EXPECT_FALSE(layer.next_deadline());
}

}  // namespace
}  // namespace cpark::sip
