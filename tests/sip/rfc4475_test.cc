// Every RFC 4475 torture message (tests/sip/rfc4475/, CRLF line ends as in the RFC's
// bit-exact archive) with what the layer must do with it: parse with these values, be
// answered 400/505 naming the problem, or be dropped — never crash.
#include <gtest/gtest.h>

#include <functional>

#include "sip/request_checks.h"
#include "sip/transaction_layer.h"
#include "test_support.h"

namespace cpark::sip {
namespace {

using test::ParsedMessage;
using test::read_data_file;

enum class Outcome { parsed, answered, dropped };

struct Torture {
  const char* file;
  const char* section;
  Outcome outcome;
  int status = 0;              // for answered
  const char* reason = "";     // substring of the Warning text, for answered
  std::function<void(const Message&)> check = nullptr;
};

std::string decoded(std::string_view s) {
  std::string out;
  EXPECT_TRUE(decode(s, out));
  return out;
}

const std::vector<Torture>& torture_messages() {
  static const std::vector<Torture> all = {
      // §3.1.1 valid messages
      {"wsinv.dat", "3.1.1.1", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.method(), Method::invite);
         EXPECT_EQ(m.request_uri(), "sip:vivekg@chair-dnrc.example.com;unknownparam");
         EXPECT_EQ(m.to_tag(), "1918181833n");
         EXPECT_EQ(m.from_tag(), "98asjd8");
         EXPECT_EQ(m.from()->display_name_text(), "J Rosenberg \\\"");
         EXPECT_EQ(m.max_forwards(), 68);
         EXPECT_EQ(m.call_id(), "wsinv.ndaksdj@192.0.2.1");
         EXPECT_EQ(m.cseq()->number, 9u);
         EXPECT_EQ(m.cseq()->method, Method::invite);
         EXPECT_EQ(m.content_length(), 150u);
         EXPECT_EQ(m.body().size(), 150u);
         EXPECT_EQ(m.via_count(), 3u);  // one Via line, then "v:" with two values
         EXPECT_EQ(m.top_via()->branch, "390skdjuw");
         EXPECT_EQ(m.top_via()->host, "192.0.2.2");
         EXPECT_EQ(m.top_via()->transport, "UDP");
         const Header* unknown = m.find("NewFangledHeader");
         ASSERT_NE(unknown, nullptr);
         EXPECT_NE(unknown->value.find("continued newfangled value"), std::string_view::npos);
         EXPECT_EQ(m.value(HeaderKind::subject), "");
         NameAddress route;
         ASSERT_TRUE(parse_name_address(m.value(HeaderKind::route), route));
         EXPECT_TRUE(route.uri.has_lr());
         EXPECT_TRUE(route.uri.params.has("unknown-no-value"));
         const auto contact = m.first_contact();
         ASSERT_TRUE(contact);
         EXPECT_EQ(contact->display_name_text(), "Quoted string \"\"");
         EXPECT_EQ(contact->params.find("q"), "0.33");
         EXPECT_EQ(contact->params.find("newparam"), "newvalue");
       }},
      {"intmeth.dat", "3.1.1.2", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.method(), Method::unknown);
         EXPECT_EQ(m.method_text(), "!interesting-Method0123456789_*+`.%indeed'~");
         EXPECT_EQ(m.cseq()->number, 139122385u);
         const auto uri = m.parsed_request_uri();
         ASSERT_TRUE(uri);
         EXPECT_EQ(uri->host, "example.com");
         EXPECT_TRUE(uri->has_password);
         EXPECT_EQ(m.from_tag(), "_token~1'+`*%!-.");
         EXPECT_EQ(m.top_via()->branch, "z9hG4bK-.!%66*_+`'~");
       }},
      {"esc01.dat", "3.1.1.3", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(decoded(m.parsed_request_uri()->user), "sips:user@example.com");
         Uri plain;
         ASSERT_TRUE(parse_uri("sip:user@example.com", plain));
         EXPECT_TRUE(uri_equivalent(m.to()->uri, plain));  // %75se%72 is "user"
         EXPECT_EQ(decoded(m.from()->uri.user), "I have spaces");
         EXPECT_EQ(m.call_id(), "esc01.239409asdfakjkn23onasd0-3234");
         EXPECT_EQ(m.content_type(), "application/sdp");
       }},
      {"escnull.dat", "3.1.1.4", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(decoded(m.to()->uri.user), std::string("null-\0-null", 11));
         EXPECT_EQ(m.count(HeaderKind::contact), 2u);
         EXPECT_EQ(m.content_length(), 0u);
       }},
      {"esc02.dat", "3.1.1.5", Outcome::parsed, 0, "", [](const Message& m) {
         // "RE%47IST%45R" is an unknown method, not REGISTER.
         EXPECT_EQ(m.method(), Method::unknown);
         EXPECT_EQ(m.method_text(), "RE%47IST%45R");
       }},
      {"lwsdisp.dat", "3.1.1.6", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.from()->display_name_text(), "caller");
         EXPECT_EQ(m.from_tag(), "323");
       }},
      {"longreq.dat", "3.1.1.7", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.method(), Method::invite);
         EXPECT_GT(m.via_count(), 10u);
         EXPECT_EQ(m.body().size(), 150u);
       }},
      {"dblreq.dat", "3.1.1.8", Outcome::parsed, 0, "", [](const Message& m) {
         // The INVITE after the REGISTER is datagram noise (§18.3).
         EXPECT_EQ(m.method(), Method::register_);
         EXPECT_TRUE(m.body().empty());
       }},
      {"semiuri.dat", "3.1.1.9", Outcome::parsed, 0, "", [](const Message& m) {
         const auto uri = m.parsed_request_uri();
         ASSERT_TRUE(uri);
         EXPECT_EQ(uri->user, "user;par=u%40example.net");
         EXPECT_EQ(uri->host, "example.com");
         EXPECT_TRUE(uri->params.empty());
       }},
      {"transports.dat", "3.1.1.10", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.via_count(), 5u);
         EXPECT_EQ(m.top_via()->transport, "UDP");
       }},
      {"mpart01.dat", "3.1.1.11", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.method(), Method::message);
         EXPECT_EQ(m.body().size(), 553u);
       }},
      {"unreason.dat", "3.1.1.12", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.status(), 200);
         EXPECT_EQ(m.reason_phrase().substr(0, 14), "= 2**3 * 5**2 ");
       }},
      {"noreason.dat", "3.1.1.13", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.status(), 100);
         EXPECT_EQ(m.reason_phrase(), "");
       }},
      // §3.1.2 invalid messages
      {"badinv01.dat", "3.1.2.1", Outcome::answered, 400, "Via"},
      {"clerr.dat", "3.1.2.2", Outcome::answered, 400, "Content-Length: larger than"},
      {"ncl.dat", "3.1.2.3", Outcome::answered, 400, "Content-Length"},
      {"scalar02.dat", "3.1.2.4", Outcome::answered, 400, "CSeq"},
      {"scalarlg.dat", "3.1.2.5", Outcome::dropped},  // a response: never answered
      {"quotbal.dat", "3.1.2.6", Outcome::answered, 400, "To"},
      {"ltgtruri.dat", "3.1.2.7", Outcome::answered, 400, "Request-URI"},
      {"lwsruri.dat", "3.1.2.8", Outcome::answered, 400, "request line"},
      {"lwsstart.dat", "3.1.2.9", Outcome::answered, 400, "request line"},
      {"trws.dat", "3.1.2.10", Outcome::answered, 400, "request line"},
      {"escruri.dat", "3.1.2.11", Outcome::answered, 400, "escaped headers"},
      // §3.1.2.12 allows accepting a Date with a non-GMT zone; Date is not interpreted.
      {"baddate.dat", "3.1.2.12", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.value(HeaderKind::date), "Fri, 01 Jan 2010 16:00:00 EST");
       }},
      {"regbadct.dat", "3.1.2.13", Outcome::answered, 400, "Contact"},
      {"badaspec.dat", "3.1.2.14", Outcome::answered, 400, "To"},
      {"baddn.dat", "3.1.2.15", Outcome::answered, 400, "From"},
      {"badvers.dat", "3.1.2.16", Outcome::answered, 505, "version"},
      {"mismatch01.dat", "3.1.2.17", Outcome::answered, 400, "CSeq: method does not match"},
      {"mismatch02.dat", "3.1.2.18", Outcome::answered, 400, "CSeq: method does not match"},
      {"bigcode.dat", "3.1.2.19", Outcome::dropped},
      // §3.2 transaction layer: a bare magic cookie falls back to RFC 2543 matching.
      {"badbranch.dat", "3.2.1", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_FALSE(m.top_via()->has_rfc3261_branch());
       }},
      // §3.3 application layer
      {"insuf.dat", "3.3.1", Outcome::dropped},  // no From/To/Call-ID to answer with
      {"unkscm.dat", "3.3.2", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.parsed_request_uri()->scheme, UriScheme::other);  // the UAS answers 416
       }},
      {"novelsc.dat", "3.3.3", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.parsed_request_uri()->scheme_text, "soap.beep");
       }},
      {"unksm2.dat", "3.3.4", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.to()->uri.scheme_text, "isbn");
         EXPECT_EQ(m.first_contact()->uri.scheme_text, "name");
       }},
      {"bext01.dat", "3.3.5", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_TRUE(m.has_token(HeaderKind::require, "nothingSupportsThisEither"));
       }},
      {"invut.dat", "3.3.6", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.content_type(), "application/unknownformat");
       }},
      {"regaut01.dat", "3.3.7", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_TRUE(m.has(HeaderKind::authorization));
       }},
      {"multi01.dat", "3.3.8", Outcome::answered, 400, "more than once"},
      {"mcl01.dat", "3.3.9", Outcome::answered, 400, "Content-Length: appears more than once"},
      {"bcast.dat", "3.3.10", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.status(), 200);
         EXPECT_EQ(m.via_count(), 2u);
       }},
      {"zeromf.dat", "3.3.11", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.max_forwards(), 0);
         EXPECT_EQ(check_max_forwards(m, false), std::nullopt);  // to this UA: answer it
       }},
      {"cparam01.dat", "3.3.12", Outcome::parsed, 0, "", [](const Message& m) {
         const auto c = m.first_contact();
         EXPECT_TRUE(c->params.has("unknownparam"));  // a Contact parameter
         EXPECT_FALSE(c->uri.params.has("unknownparam"));
       }},
      {"cparam02.dat", "3.3.13", Outcome::parsed, 0, "", [](const Message& m) {
         const auto c = m.first_contact();
         EXPECT_TRUE(c->uri.params.has("unknownparam"));  // a URI parameter
         EXPECT_FALSE(c->params.has("unknownparam"));
       }},
      {"regescrt.dat", "3.3.14", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_TRUE(m.first_contact()->uri.header("Route").has_value());
       }},
      {"sdp01.dat", "3.3.15", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_EQ(m.value(HeaderKind::accept), "text/nobodyKnowsThis");
       }},
      // §3.4 backward compatibility
      {"inv2543.dat", "3.4.1", Outcome::parsed, 0, "", [](const Message& m) {
         EXPECT_TRUE(m.top_via()->branch.empty());
         EXPECT_FALSE(m.max_forwards().has_value());
         EXPECT_EQ(m.body().size(), 105u);  // no Content-Length: the rest of the datagram
       }},
  };
  return all;
}

void PrintTo(const Torture& t, std::ostream* os) { *os << t.section << " " << t.file; }

class Rfc4475 : public ::testing::TestWithParam<Torture> {};

TEST_P(Rfc4475, ParsedAnsweredOrDroppedAsTheRfcSays) {
  const Torture& t = GetParam();
  const std::string bytes = read_data_file(std::string("rfc4475/") + t.file);
  ASSERT_FALSE(bytes.empty()) << t.file;
  ParsedMessage parsed(bytes);
  if (t.outcome == Outcome::parsed) {
    ASSERT_TRUE(parsed.ok) << t.section << " " << t.file << ": " << parsed.error.reason;
    if (t.check) t.check(parsed.message);
  } else {
    EXPECT_FALSE(parsed.ok) << t.section << " " << t.file;
  }

  // Through the transaction layer, as a datagram from 192.0.2.200:5070.
  TransactionLayer layer;
  const Address source(Transport::udp, "192.0.2.200", 5070);
  layer.receive(Milliseconds{0}, source, bytes);
  const auto sent = layer.poll_transmit();
  const auto event = layer.poll_event();
  switch (t.outcome) {
    case Outcome::answered: {
      ASSERT_TRUE(sent) << t.file;
      // The answer repeats the request's fields as received, malformed ones included, so
      // it is checked as text rather than parsed.
      const std::string_view wire = sent->bytes;
      EXPECT_EQ(wire.substr(0, 12), "SIP/2.0 " + std::to_string(t.status) + " ") << t.file;
      const std::size_t warning = wire.find("\r\nWarning: 399 cpark \"");
      ASSERT_NE(warning, std::string_view::npos) << wire;
      const std::string_view warning_line = wire.substr(warning + 2, wire.find("\r\n", warning + 2) - warning - 2);
      EXPECT_NE(warning_line.find(t.reason), std::string_view::npos) << t.file << ": " << warning_line;
      EXPECT_EQ(sent->destination.host(), "192.0.2.200");
      EXPECT_FALSE(event);
      EXPECT_EQ(layer.counters().bad_requests_answered, 1u);
      break;
    }
    case Outcome::dropped:
      EXPECT_FALSE(sent) << t.file;
      EXPECT_FALSE(event);
      EXPECT_EQ(layer.counters().malformed_dropped + layer.counters().stray_responses, 1u);
      break;
    case Outcome::parsed:
      if (parsed.message.is_request()) {
        ASSERT_TRUE(event) << t.file;
        EXPECT_EQ(event->kind, EventKind::request_received);
        EXPECT_EQ(event->message->call_id(), parsed.message.call_id());
      } else {
        EXPECT_FALSE(event);  // no client transaction: a stray response
        EXPECT_EQ(layer.counters().stray_responses, 1u);
      }
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(AllMessages, Rfc4475, ::testing::ValuesIn(torture_messages()),
                         [](const ::testing::TestParamInfo<Torture>& param_info) {
                           std::string name = std::string("Rfc4475_") + param_info.param.section + "_" + param_info.param.file;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(Rfc4475, EveryArchiveFileHasAnExpectation) {
  EXPECT_EQ(torture_messages().size(), 49u);  // 13 + 19 + 1 + 15 + 1 messages in the RFC
}

}  // namespace
}  // namespace cpark::sip
