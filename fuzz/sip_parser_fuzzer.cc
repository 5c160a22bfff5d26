// libFuzzer target for everything in cpark::sip that reads untrusted bytes: the message
// parser and validator (a message that parses must serialize and re-parse to the same
// key fields), the TCP stream framer, the SDP parser and the transaction layer's receive
// path. Built with clang-14 -fsanitize=fuzzer,address,undefined (fuzz/CMakeLists.txt).
// Differential: the optimised parser must agree with the straightforward one it replaced
// (fuzz/reference_parser.cc) on every verdict, reason and split, and the typed parsers
// (URI, name-addr, Via, CSeq, header names) on every value.
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/message_builder.h"
#include "sip/parser.h"
#include "sip/sdp.h"
#include "sip/serializer.h"
#include "sip/stream_framer.h"
#include "sip/transaction_layer.h"
#include "reference_parser.h"

using namespace cpark::sip;

namespace {

void check(bool condition) {
  if (!condition) __builtin_trap();
}

std::size_t counted_headers(const Message& m) {
  std::size_t n = 0;
  for (const Header& h : m.headers()) n += h.kind != HeaderKind::content_length;
  return n;
}

void round_trip(const Message& m) {
  static std::string wire, plain;
  static Message again;
  serialize(m, wire);
  // The serializer's shortcuts (the whole datagram when it is already in serialized
  // form, runs of it otherwise) must write exactly what the old field-by-field
  // serializer wrote.
  reference::serialize(m, plain);
  check(wire == plain);
  ParseError error;
  check(parse_and_validate(wire, again, error));
  check(again.is_request() == m.is_request());
  check(again.method_text() == m.method_text());
  check(again.request_uri() == m.request_uri());
  check(again.status() == m.status());
  check(again.call_id() == m.call_id());
  check(again.cseq()->number == m.cseq()->number);
  check(again.from_tag() == m.from_tag());
  check(again.to_tag() == m.to_tag());
  check(again.top_via()->branch == m.top_via()->branch);
  check(counted_headers(again) == counted_headers(m));
  check(again.body() == m.body());
}

// An edited parsed message (what a B2BUA relays): the serializer copies the untouched
// stretches of the datagram and writes the rest; the bytes must be the old serializer's.
void edited_round_trip(std::string_view input) {
  static Message m;
  static std::string wire, plain;
  ParseError error;
  if (!parse_message(input, m, error)) return;
  m.add_front(HeaderKind::via, "SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKfuzz");
  if (m.has(HeaderKind::max_forwards)) m.set(HeaderKind::max_forwards, "69");
  if (m.headers().size() > 4) m.remove_at(3);
  if (m.headers().size() > 6) m.set_value_at(5, m.headers()[5].value);
  serialize(m, wire);
  reference::serialize(m, plain);
  check(wire == plain);
}

void typed_accessors(const Message& m) {
  (void)m.from();
  (void)m.to();
  (void)m.first_contact();
  (void)m.max_forwards();
  (void)m.expires();
  (void)m.refer_to();
  (void)m.parsed_request_uri();
  (void)m.has_token(HeaderKind::supported, "replaces");
  m.for_each_value(HeaderKind::route, [](std::string_view v) {
    NameAddress na;
    if (parse_name_address(v, na)) {
      std::string out;
      format_name_address(na, out);
    }
    return true;
  });
}

bool same_uri(const Uri& a, const Uri& b) {
  return a.scheme == b.scheme && a.scheme_text == b.scheme_text && a.user == b.user &&
         a.password == b.password && a.has_password == b.has_password && a.host == b.host &&
         a.host_kind == b.host_kind && a.port == b.port && a.params.raw() == b.params.raw() &&
         a.headers == b.headers && a.opaque == b.opaque && a.text == b.text;
}

// The typed parsers against the reference on one piece of text: same verdict, and the
// same views when both accept.
void compare_typed(std::string_view text) {
  {
    Uri a, b;
    const bool fa = parse_uri(text, a), fb = reference::parse_uri(text, b);
    check(fa == fb);
    if (fa) check(same_uri(a, b));
  }
  {
    NameAddress a, b;
    const bool fa = parse_name_address(text, a), fb = reference::parse_name_address(text, b);
    check(fa == fb);
    if (fa) {
      check(a.display_name == b.display_name && a.is_wildcard == b.is_wildcard &&
            a.has_angle_brackets == b.has_angle_brackets && a.params.raw() == b.params.raw());
      check(same_uri(a.uri, b.uri));
    }
  }
  {
    Via a, b;
    const bool fa = parse_via(text, a), fb = reference::parse_via(text, b);
    check(fa == fb);
    if (fa) {
      check(a.protocol_name == b.protocol_name && a.protocol_version == b.protocol_version &&
            a.transport == b.transport && a.host == b.host && a.port == b.port &&
            a.params.raw() == b.params.raw() && a.branch == b.branch && a.received == b.received &&
            a.maddr == b.maddr && a.ttl == b.ttl && a.has_rport == b.has_rport && a.rport == b.rport);
    }
  }
  {
    CSeq a, b;
    const bool fa = parse_cseq(text, a), fb = reference::parse_cseq(text, b);
    check(fa == fb);
    if (fa) check(a.number == b.number && a.method == b.method && a.method_text == b.method_text);
  }
  if (text.size() < 64) check(header_kind_from_name(text) == reference::header_kind_from_name(text));
}

void same_message(const Message& m, const reference::RefMessage& r) {
  check(m.is_request() == r.is_request && m.method() == r.method && m.method_text() == r.method_text &&
        m.request_uri() == r.request_uri && m.status() == r.status && m.reason_phrase() == r.reason &&
        m.body() == r.body && m.headers().size() == r.headers.size());
  for (std::size_t i = 0; i < r.headers.size(); ++i) {
    const Header& a = m.headers()[i];
    const Header& b = r.headers[i];
    // DIFFERENCE: the old parser trimmed values only once the header block had ended, so
    // a block refused midway kept untrimmed values; the new one trims while splitting.
    check(a.kind == b.kind && a.name == b.name && a.value == trim_value(b.value));
  }
}

void same_error(const ParseError& a, const ParseError& b) {
  check(a.status == b.status && a.reason == b.reason && a.header == b.header &&
        a.start_line_parsed == b.start_line_parsed);
}

void differential(std::string_view input) {
  static Message fast;
  static reference::RefMessage ref;
  ParseError fast_error, ref_error;
  check(parse_and_validate(input, fast, fast_error) == reference::parse_and_validate(input, ref, ref_error));
  same_error(fast_error, ref_error);
  same_message(fast, ref);
  check(parse_message(input, fast, fast_error) == reference::parse_message(input, ref, ref_error));
  same_error(fast_error, ref_error);
  same_message(fast, ref);
  // validate_message on its own agrees with the second tier of the reference.
  if (fast_error.status == 0) {
    ParseError alone, both;
    reference::RefMessage again;
    check(validate_message(fast, alone) == reference::parse_and_validate(input, again, both));
    check(alone.status == both.status && alone.reason == both.reason && alone.header == both.header);
  }
  for (const Header& h : ref.headers) {
    compare_typed(h.value);
    compare_typed(h.name);
  }
  compare_typed(ref.request_uri);
  compare_typed(input);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

  differential(input);
  edited_round_trip(input);

  static Message message;
  ParseError error;
  if (parse_and_validate(input, message, error)) {
    typed_accessors(message);
    round_trip(message);
  } else {
    check(error.status == 400 || error.status == 505 || error.status == 513);
    check(!error.reason.empty());
    (void)can_answer_bad_request(message, error);
  }

  StreamFramer framer;
  framer.append(input.substr(0, size / 2));
  framer.append(input.substr(size / 2));
  std::string_view framed;
  ParseError frame_error;
  for (int i = 0; i < 64 && framer.next(framed, frame_error) == StreamFramer::Status::message; ++i) {
    static Message m;
    ParseError e;
    (void)parse_and_validate(framed, m, e);
  }

  SessionDescription sdp;
  if (parse_sdp(input, sdp)) {
    std::string text;
    serialize_sdp(sdp, text);
    SessionDescription again;
    check(parse_sdp(text, again));
    check(again.media.size() == sdp.media.size());
    SessionDescription answer;
    (void)make_answer(sdp, MediaEndpoint{"192.0.2.1", 4000}, Origin{}, answer);
  }

  // The layer's receive path. Half the requests are answered, half are left to the
  // layer's own bound (server_*_timeout answers them); time then jumps past every timer,
  // after which nothing may be left: state is bounded however the TU behaves.
  static TransactionLayer layer;
  static std::int64_t now = 0;
  now += 1000000;
  layer.receive(Milliseconds{now}, Address(Transport::udp, "192.0.2.9", 5060), input);
  const bool answer = size % 2 == 0;
  while (auto e = layer.poll_event()) {
    if (e->kind == EventKind::request_received && answer) {
      static Message response;
      make_response(*e->message, 180, {}, "fuzztag", response);
      layer.send_response(Milliseconds{now}, e->server, response);
      make_response(*e->message, e->message->method() == Method::invite ? 486 : 200, {}, "fuzztag", response);
      layer.send_response(Milliseconds{now}, e->server, response);
    }
  }
  while (layer.poll_transmit()) {
  }
  for (const std::int64_t later : {200000, 500000}) {
    layer.handle_timeout(Milliseconds{now + later});
    while (layer.poll_event()) {
    }
    while (layer.poll_transmit()) {
    }
  }
  check(layer.counters().live_server_transactions == 0 && layer.counters().live_client_transactions == 0);
  check(!layer.next_deadline());
  return 0;
}
