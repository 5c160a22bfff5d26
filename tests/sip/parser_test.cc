// URI and name-addr parsing, header splitting, the serializer, the builder and the TCP
// framer: the message model every other part of the SIP layer stands on.
#include <gtest/gtest.h>

#include <cctype>

#include "sip/message_builder.h"
#include "sip/serializer.h"
#include "sip/stream_framer.h"
#include "test_support.h"

namespace cpark::sip {
namespace {

using test::crlf;
using test::ParsedMessage;

const std::string invite_text = crlf(
    "INVITE sip:bob@biloxi.example.com SIP/2.0\n"
    "Via: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds;rport\n"
    "v: SIP/2.0/TCP proxy.example.com;branch=z9hG4bKproxy, SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKthird\n"
    "Max-Forwards: 70\n"
    "t: Bob <sip:bob@biloxi.example.com>\n"
    "f: \"Alice, Liddell\" <sip:alice@atlanta.example.com>;tag=1928301774\n"
    "i: a84b4c76e66710@pc33.atlanta.example.com\n"
    "CSeq: 314159 INVITE\n"
    "m: <sip:alice@pc33.atlanta.example.com;transport=tcp>;expires=60;q=0.5, sip:alt@192.0.2.9\n"
    "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\n"
    "Referred-By: <sip:carol@example.com>\n"
    "X-Folded: first\n"
    "  second\n"
    "c: application/sdp\n"
    "l: 4\n"
    "\n"
    "v=0\n");

TEST(Uri, ParsesEveryComponentOfASipUri) {
  Uri u;
  ASSERT_TRUE(parse_uri("sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr;park-id=42?Replaces=abc%40host&Require=replaces", u));
  EXPECT_EQ(u.scheme, UriScheme::sips);
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "[2001:db8::1]");
  EXPECT_EQ(u.host_kind, HostKind::ipv6);
  EXPECT_EQ(u.port, 5061);
  EXPECT_EQ(u.param("transport"), "tls");
  EXPECT_TRUE(u.has_lr());
  EXPECT_EQ(u.param("park-id"), "42");
  EXPECT_EQ(u.header("Replaces"), "abc%40host");
  EXPECT_EQ(u.header("require"), "replaces");
  std::string formatted;
  format_uri(u, formatted);
  EXPECT_EQ(formatted, u.text);
}

TEST(Uri, TelAndOpaqueSchemes) {
  Uri tel;
  ASSERT_TRUE(parse_uri("tel:+1-201-555-0123;phone-context=example.com", tel));
  EXPECT_EQ(tel.scheme, UriScheme::tel);
  EXPECT_EQ(tel.user, "+1-201-555-0123");
  EXPECT_EQ(tel.param("phone-context"), "example.com");
  Uri urn;
  ASSERT_TRUE(parse_uri("urn:service:sos", urn));
  EXPECT_EQ(urn.scheme, UriScheme::other);
  EXPECT_EQ(urn.opaque, "service:sos");
  Uri ipv4;
  ASSERT_TRUE(parse_uri("sip:10.1.2.3:5060", ipv4));
  EXPECT_EQ(ipv4.host_kind, HostKind::ipv4);
  EXPECT_TRUE(ipv4.user.empty());
}

TEST(Uri, RefusesMalformedUris) {
  Uri u;
  for (std::string_view bad : {"sip:", "sip:host:0", "sip:host:65536", "sip:us er@host", "sip:a@host;;x",
                               "<sip:a@b>", "sip:a@[::1", "sip:a@host?", "sip:%zz@host", ":nothing"})
    EXPECT_FALSE(parse_uri(bad, u)) << bad;
}

TEST(Uri, Rfc3261_19_1_4_EquivalentUris) {
  const std::pair<std::string_view, std::string_view> equal[] = {
      {"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"},
      {"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
       "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"},
      {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
       "sip:alice@atlanta.com?priority=urgent&subject=project%20x"},
  };
  for (const auto& [a, b] : equal) {
    Uri x, y;
    ASSERT_TRUE(parse_uri(a, x) && parse_uri(b, y)) << a;
    EXPECT_TRUE(uri_equivalent(x, y)) << a << " vs " << b;
    EXPECT_TRUE(uri_equivalent(y, x)) << b << " vs " << a;
  }
}

TEST(Uri, Rfc3261_19_1_4_NonEquivalentUris) {
  const std::pair<std::string_view, std::string_view> different[] = {
      {"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"},
      {"sip:carol@chicago.com;security=on", "sip:carol@chicago.com;security=off"},
  };
  for (const auto& [a, b] : different) {
    Uri x, y;
    ASSERT_TRUE(parse_uri(a, x) && parse_uri(b, y)) << a;
    EXPECT_FALSE(uri_equivalent(x, y)) << a << " vs " << b;
  }
}

TEST(NameAddress, DisplayNamesParamsAndAddrSpecForm) {
  NameAddress na;
  ASSERT_TRUE(parse_name_address("\"Park \\\"Orbit\\\"\" <sip:701@pbx.example.com;park-id=9>;tag=abc;expires=30", na));
  EXPECT_EQ(na.display_name_text(), "Park \"Orbit\"");
  EXPECT_EQ(na.uri.param("park-id"), "9");
  EXPECT_EQ(na.tag(), "abc");
  EXPECT_EQ(na.params.find("expires"), "30");
  ASSERT_TRUE(parse_name_address("sip:bob@example.com;tag=xyz", na));
  EXPECT_EQ(na.tag(), "xyz");
  EXPECT_TRUE(na.uri.params.empty());  // addr-spec: the parameter belongs to the header
  ASSERT_TRUE(parse_name_address("Bob Smith <sip:bob@example.com>", na));
  EXPECT_EQ(na.display_name_text(), "Bob Smith");
  ASSERT_TRUE(parse_name_address("*", na));
  EXPECT_TRUE(na.is_wildcard);
  std::string out;
  ASSERT_TRUE(parse_name_address("<sip:a@b>;tag=1", na));
  format_name_address(na, out);
  EXPECT_EQ(out, "<sip:a@b>;tag=1");
  EXPECT_FALSE(parse_name_address("\"unterminated <sip:a@b>", na));
  EXPECT_FALSE(parse_name_address("<sip:a@b", na));
}

TEST(Parser, CompactFormsListsAndFoldingAreUnderstood) {
  ParsedMessage p(invite_text);
  ASSERT_TRUE(p.ok) << p.error.reason;
  const Message& m = p.message;
  EXPECT_EQ(m.method(), Method::invite);
  EXPECT_EQ(m.via_count(), 3u);
  EXPECT_EQ(m.top_via()->host, "pc33.atlanta.example.com");
  EXPECT_EQ(m.top_via()->port, 5060);
  EXPECT_TRUE(m.top_via()->has_rport);
  EXPECT_TRUE(m.top_via()->has_rfc3261_branch());
  EXPECT_EQ(m.to()->display_name_text(), "Bob");
  EXPECT_EQ(m.from()->display_name_text(), "Alice, Liddell");  // comma inside quotes
  EXPECT_EQ(m.from_tag(), "1928301774");
  EXPECT_EQ(m.call_id(), "a84b4c76e66710@pc33.atlanta.example.com");
  EXPECT_EQ(m.cseq()->number, 314159u);
  std::vector<std::string> contacts;
  m.for_each_value(HeaderKind::contact, [&](std::string_view v) {
    contacts.emplace_back(v);
    return true;
  });
  ASSERT_EQ(contacts.size(), 2u);
  EXPECT_EQ(m.first_contact()->params.find("expires"), "60");
  EXPECT_EQ(m.first_contact()->params.find("q"), "0.5");
  EXPECT_EQ(m.count(HeaderKind::record_route), 1u);
  EXPECT_TRUE(m.referred_by().has_value());
  const Header* folded = m.find("x-folded");
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(trim_value(folded->value.substr(5)), "second");
  EXPECT_EQ(m.body(), "v=0\r");  // Content-Length 4 cuts the body
  // Header order is kept, unknown headers included.
  EXPECT_EQ(m.headers()[0].kind, HeaderKind::via);
  EXPECT_EQ(m.headers()[9].kind, HeaderKind::referred_by);
  EXPECT_EQ(m.headers()[10].kind, HeaderKind::other);
}

TEST(Parser, HeaderNamesAreCaseInsensitiveAndCompact) {
  EXPECT_EQ(header_kind_from_name("cAlL-iD"), HeaderKind::call_id);
  EXPECT_EQ(header_kind_from_name("I"), HeaderKind::call_id);
  EXPECT_EQ(header_kind_from_name("r"), HeaderKind::refer_to);
  EXPECT_EQ(header_kind_from_name("b"), HeaderKind::referred_by);
  EXPECT_EQ(header_kind_from_name("o"), HeaderKind::event);
  EXPECT_EQ(header_kind_from_name("u"), HeaderKind::allow_events);
  EXPECT_EQ(header_kind_from_name("x"), HeaderKind::session_expires);
  EXPECT_EQ(header_kind_from_name("e"), HeaderKind::content_encoding);
  EXPECT_EQ(header_kind_from_name("WWW-AUTHENTICATE"), HeaderKind::www_authenticate);
  EXPECT_EQ(header_kind_from_name("P-Asserted-Identity"), HeaderKind::p_asserted_identity);
  EXPECT_EQ(header_kind_from_name("X-Unknown"), HeaderKind::other);
  for (int k = 1; k < int(HeaderKind::count_); ++k)
    EXPECT_EQ(header_kind_from_name(header_name(HeaderKind(k))), HeaderKind(k)) << header_name(HeaderKind(k));
}

TEST(Parser, SplitFirstFieldSyntaxSecond) {
  // A malformed Contact does not stop the split (forwarding needs nothing more), but
  // validation names it.
  std::string text = invite_text;
  text.replace(text.find("m: <sip:alice"), 13, "m: <sip:al ice");
  Message m;
  ParseError e;
  EXPECT_TRUE(parse_message(text, m, e));
  EXPECT_FALSE(validate_message(m, e));
  EXPECT_EQ(e.header, HeaderKind::contact);
  e.clear();
  EXPECT_FALSE(parse_and_validate(text, m, e));
  EXPECT_EQ(e.status, 400);
}

TEST(Parser, OversizedMessageIsRefusedWith513) {
  std::string big = invite_text;
  big.insert(big.find("\r\n\r\n") + 2, "X-Pad: " + std::string(2000, 'a') + "\r\n");
  Message m;
  ParseError e;
  ParseLimits limits;
  limits.max_message_bytes = 1500;
  EXPECT_FALSE(parse_message(big, m, e, limits));
  EXPECT_EQ(e.status, 513);
  EXPECT_TRUE(can_answer_bad_request(m, e));
}

TEST(Parser, HeaderCountIsBounded) {
  std::string many = invite_text;
  std::string pad;
  for (int i = 0; i < 200; ++i) pad += "X-H: 1\r\n";
  many.insert(many.find("\r\n") + 2, pad);
  Message m;
  ParseError e;
  EXPECT_FALSE(parse_message(many, m, e));
  EXPECT_EQ(e.status, 400);
  EXPECT_NE(e.reason.find("too many header fields"), std::string::npos);
}

TEST(Parser, TruncatedMessagesAreRefusedNotCrashed) {
  for (std::size_t n = 0; n < invite_text.size(); n += 7) {
    Message m;
    ParseError e;
    const std::string cut = invite_text.substr(0, n);
    EXPECT_FALSE(parse_message(cut, m, e)) << n;
    EXPECT_NE(e.status, 0);
  }
}

TEST(Parser, FirstTierReasonWinsOverAnEarlierFieldSyntaxProblem) {
  // parse_and_validate checks both tiers in one pass, but reports as if they ran one
  // after the other: a first-tier problem (CSeq) before a second-tier one (the From
  // that comes earlier in the message), and among second-tier ones the first in order.
  std::string both = invite_text;
  both.replace(both.find("f: \"Alice, Liddell\" <sip:"), 27, "f: Alice, Liddell <sip:");
  both.replace(both.find("CSeq: 314159 INVITE"), 19, "CSeq: 314159 BYE");
  Message m;
  ParseError e;
  EXPECT_FALSE(parse_and_validate(both, m, e));
  EXPECT_EQ(e.header, HeaderKind::cseq);
  std::string two = invite_text;
  two.replace(two.find("m: <sip:alice"), 13, "m: <sip:al ice");
  two.replace(two.find("f: \"Alice, Liddell\" <sip:"), 27, "f: Alice, Liddell <sip:");
  EXPECT_FALSE(parse_and_validate(two, m, e));
  EXPECT_EQ(e.header, HeaderKind::from);  // From comes before Contact
}

TEST(Parser, ViaSentByInBracketsMustBeAnIpv6Reference) {
  // §25.1: sent-by = host [COLON port], host = hostname / IPv4address / IPv6reference.
  Via via;
  EXPECT_TRUE(parse_via("SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bK1", via));
  EXPECT_EQ(via.host, "[2001:db8::1]");
  EXPECT_EQ(via.port, 5060);
  EXPECT_FALSE(parse_via("SIP/2.0/UDP [a,b]:5060;branch=z9hG4bK1", via));
  EXPECT_FALSE(parse_via("SIP/2.0/UDP [x]", via));
  EXPECT_FALSE(parse_via("SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1", via));
}

TEST(Parser, ValuesAreTrimmedEvenWhenTheHeaderBlockIsRefused) {
  // The 400 answer copies fields of a refused request: they are trimmed of folding and
  // white space like those of an accepted one.
  const std::string cut = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID:  \r\n  abc  \r\nVia: SIP/2.0/UDP h\r\n";
  Message m;
  ParseError e;
  EXPECT_FALSE(parse_message(cut, m, e));
  EXPECT_EQ(m.call_id(), "abc");
  EXPECT_EQ(m.value(HeaderKind::via), "SIP/2.0/UDP h");
}

TEST(HeaderNames, EveryNameInAnyCaseAndNothingElse) {
  for (std::size_t k = 1; k < std::size_t(HeaderKind::count_); ++k) {
    const std::string name(header_name(HeaderKind(k)));
    std::string upper = name, lower = name;
    for (char& c : upper) c = char(std::toupper(static_cast<unsigned char>(c)));
    for (char& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(header_kind_from_name(name), HeaderKind(k)) << name;
    EXPECT_EQ(header_kind_from_name(upper), HeaderKind(k)) << upper;
    EXPECT_EQ(header_kind_from_name(lower), HeaderKind(k)) << lower;
    // As the parser sees it, inside a datagram with bytes after the name.
    const std::string line = upper + ": x\r\n" + std::string(32, ' ');
    ParsedMessage p("OPTIONS sip:a@b SIP/2.0\r\n" + line);
    ASSERT_FALSE(p.message.headers().empty());
    EXPECT_EQ(p.message.headers()[0].kind, HeaderKind(k)) << upper;
    // One byte more, less or different is another header.
    EXPECT_EQ(header_kind_from_name(name + "x"), HeaderKind::other) << name;
    if (name.size() > 2) {  // "T" is To's compact form
      EXPECT_NE(header_kind_from_name(name.substr(0, name.size() - 1)), HeaderKind(k)) << name;
    }
    std::string changed = name;
    changed[changed.size() / 2] = changed[changed.size() / 2] == '-' ? '_' : '-';
    EXPECT_NE(header_kind_from_name(changed), HeaderKind(k)) << changed;
  }
  EXPECT_EQ(header_kind_from_name("v"), HeaderKind::via);
  EXPECT_EQ(header_kind_from_name("V"), HeaderKind::via);
  EXPECT_EQ(header_kind_from_name("Call\rID"), HeaderKind::other);  // no case-folding of CR to '-'
  EXPECT_EQ(header_kind_from_name(""), HeaderKind::other);
  EXPECT_EQ(header_kind_from_name(std::string(40, 'a')), HeaderKind::other);
}

TEST(Serializer, UneditedDatagramInSerializedFormIsWrittenAsReceived) {
  const std::string canonical = crlf(
      "INVITE sip:bob@example.com SIP/2.0\n"
      "Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKx\n"
      "From: <sip:a@example.com>;tag=1\n"
      "To: <sip:bob@example.com>\n"
      "Call-ID: c@192.0.2.1\n"
      "CSeq: 1 INVITE\n"
      "Subject: folded\n  on two lines\n"
      "Content-Length: 5\n"
      "\n"
      "v=0\n");
  ParsedMessage p(canonical);
  ASSERT_TRUE(p.ok);
  std::string wire;
  serialize(p.message, wire);
  EXPECT_EQ(wire, canonical);
  // Any edit falls back to writing field by field, from the edited message.
  p.message.set(HeaderKind::subject, "edited");
  serialize(p.message, wire);
  EXPECT_NE(wire.find("\r\nSubject: edited\r\n"), std::string::npos);
  EXPECT_EQ(wire.find("on two lines"), std::string::npos);
  // Forms the serializer rewrites are rewritten: compact names stay as received, but a
  // missing space after the colon and an odd Content-Length are normalised.
  const std::string odd = crlf(
      "OPTIONS sip:bob@example.com SIP/2.0\n"
      "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKy\n"
      "f:<sip:a@example.com>;tag=1\n"
      "t: <sip:bob@example.com>\n"
      "i: d@192.0.2.1\n"
      "CSeq: 2 OPTIONS\n"
      "l: 000\n"
      "\n");
  ParsedMessage q(odd);
  ASSERT_TRUE(q.ok);
  serialize(q.message, wire);
  EXPECT_EQ(wire, crlf("OPTIONS sip:bob@example.com SIP/2.0\n"
                       "v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKy\n"
                       "f: <sip:a@example.com>;tag=1\n"
                       "t: <sip:bob@example.com>\n"
                       "i: d@192.0.2.1\n"
                       "CSeq: 2 OPTIONS\n"
                       "Content-Length: 0\n"
                       "\n"));
}

TEST(Serializer, RoundTripKeepsEveryHeaderAndFixesContentLength) {
  ParsedMessage p(invite_text);
  ASSERT_TRUE(p.ok);
  std::string wire;
  serialize(p.message, wire);
  ParsedMessage again(wire);
  ASSERT_TRUE(again.ok) << again.error.reason << "\n" << wire;
  ASSERT_EQ(again.message.headers().size(), p.message.headers().size());
  for (std::size_t i = 0; i < p.message.headers().size(); ++i) {
    EXPECT_EQ(again.message.headers()[i].kind, p.message.headers()[i].kind);
    EXPECT_EQ(again.message.headers()[i].value, p.message.headers()[i].value);
  }
  EXPECT_EQ(again.message.body(), p.message.body());
  EXPECT_EQ(again.message.content_length(), 4u);
  // Editing the body rewrites Content-Length.
  p.message.set_body("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n", "application/sdp");
  serialize(p.message, wire);
  ParsedMessage edited(wire);
  ASSERT_TRUE(edited.ok);
  EXPECT_EQ(edited.message.content_length(), edited.message.body().size());
}

TEST(Serializer, ReusedBufferKeepsItsCapacity) {
  ParsedMessage p(invite_text);
  std::string wire;
  serialize(p.message, wire);
  const auto capacity = wire.capacity();
  const char* data = wire.data();
  for (int i = 0; i < 10; ++i) serialize(p.message, wire);
  EXPECT_EQ(wire.capacity(), capacity);
  EXPECT_EQ(wire.data(), data);
}

TEST(Builder, Rfc3261_8_2_6_ResponseCopiesViaFromToCallIdCSeqAndAddsToTag) {
  ParsedMessage p(invite_text);
  Message response;
  make_response(p.message, 180, {}, "totag1", response);
  EXPECT_EQ(response.status(), 180);
  EXPECT_EQ(response.reason_phrase(), "Ringing");
  EXPECT_EQ(response.via_count(), 3u);
  EXPECT_EQ(response.to_tag(), "totag1");
  EXPECT_EQ(response.from_tag(), "1928301774");
  EXPECT_EQ(response.call_id(), p.message.call_id());
  EXPECT_EQ(response.cseq()->number, 314159u);
  EXPECT_EQ(response.count(HeaderKind::record_route), 1u);  // §12.1.1 dialog-creating
  make_response(p.message, 100, {}, "ignored", response);
  EXPECT_TRUE(response.to_tag().empty());  // 100 Trying carries no tag
  EXPECT_EQ(response.count(HeaderKind::record_route), 0u);
  make_response(p.message, 486, {}, "t2", response);
  EXPECT_EQ(response.count(HeaderKind::record_route), 0u);
}

TEST(Builder, RequestEditingAddsReplacesAndRemovesHeaders) {
  Message m;
  RequestFields f;
  f.method = Method::refer;
  f.request_uri = "sip:bob@192.0.2.4";
  f.from = "<sip:alice@example.com>;tag=a1";
  f.to = "<sip:bob@example.com>;tag=b1";
  f.call_id = "c1@example.com";
  f.cseq = 7;
  f.contact = "<sip:alice@192.0.2.3>";
  make_request(f, m);
  m.add_front(HeaderKind::via, "SIP/2.0/UDP 192.0.2.3;branch=z9hG4bKrefer1");
  m.add(HeaderKind::refer_to, "<sip:park@example.com>");
  m.add("Referred-By", "<sip:alice@example.com>");
  m.add("X-Custom", "1");
  m.set(HeaderKind::max_forwards, "10");
  EXPECT_EQ(m.remove("x-custom"), 1u);
  std::string wire;
  serialize(m, wire);
  ParsedMessage p(wire);
  ASSERT_TRUE(p.ok) << p.error.reason << "\n" << wire;
  EXPECT_EQ(p.message.method(), Method::refer);
  EXPECT_EQ(p.message.cseq()->method, Method::refer);
  EXPECT_EQ(p.message.max_forwards(), 10);
  EXPECT_EQ(p.message.refer_to()->uri.user, "park");
  EXPECT_EQ(p.message.referred_by()->uri.user, "alice");
  EXPECT_EQ(p.message.find("X-Custom"), nullptr);
}

TEST(StreamFramer, Rfc3261_18_3_ContentLengthDelimitsAndKeepalivesAreSkipped) {
  StreamFramer framer;
  const std::string stream = "\r\n\r\n" + invite_text + "\r\n" + invite_text;
  std::string_view msg;
  ParseError e;
  // Byte by byte: never a message before all of it is there.
  int messages = 0;
  for (char c : stream) {
    framer.append(std::string_view(&c, 1));
    while (framer.next(msg, e) == StreamFramer::Status::message) {
      ParsedMessage p(msg);
      EXPECT_TRUE(p.ok) << p.error.reason;
      EXPECT_EQ(p.message.body(), "v=0\r");
      ++messages;
    }
  }
  EXPECT_EQ(messages, 2);
  // Two before the first message, one between; each message also leaves the fifth
  // octet of its "v=0\r\n" body (Content-Length is 4) as a line break.
  EXPECT_EQ(framer.take_keepalive_count(), 5u);
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(StreamFramer, OversizedBodyIsRefusedWith513) {
  ParseLimits limits;
  limits.max_message_bytes = 4096;
  StreamFramer framer(limits);
  std::string huge = invite_text;
  const auto pos = huge.find("l: 4");
  huge.replace(pos, 4, "l: 100000");
  framer.append(huge);
  std::string_view msg;
  ParseError e;
  EXPECT_EQ(framer.next(msg, e), StreamFramer::Status::error);
  EXPECT_EQ(e.status, 513);
}

TEST(StreamFramer, UnterminatedHeaderBlockBeyondLimitIsRefused) {
  ParseLimits limits;
  limits.max_message_bytes = 1024;
  StreamFramer framer(limits);
  framer.append("INVITE sip:a@b SIP/2.0\r\n" + std::string(2000, 'x'));
  std::string_view msg;
  ParseError e;
  EXPECT_EQ(framer.next(msg, e), StreamFramer::Status::error);
  EXPECT_EQ(e.status, 513);
}

}  // namespace
}  // namespace cpark::sip
