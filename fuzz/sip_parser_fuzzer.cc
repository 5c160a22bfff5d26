// libFuzzer target for everything in cpark::sip that reads untrusted bytes: the message
// parser and validator (a message that parses must serialize and re-parse to the same
// key fields), the TCP stream framer, the SDP parser and the transaction layer's receive
// path. Built with clang-14 -fsanitize=fuzzer,address,undefined (fuzz/CMakeLists.txt).
#include <cstdint>
#include <string>
#include <string_view>

#include "sip/message_builder.h"
#include "sip/parser.h"
#include "sip/sdp.h"
#include "sip/serializer.h"
#include "sip/stream_framer.h"
#include "sip/transaction_layer.h"

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
  static std::string wire;
  static Message again;
  serialize(m, wire);
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);

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

  // The layer's receive path, with time jumping past every timer so state stays bounded.
  static TransactionLayer layer;
  static std::int64_t now = 0;
  now += 100000;
  layer.receive(Milliseconds{now}, Address(Transport::udp, "192.0.2.9", 5060), input);
  while (auto e = layer.poll_event()) {
    if (e->kind == EventKind::request_received) {
      // A provisional then a final answer: every server transaction can end, so the
      // layer's state stays bounded across millions of inputs.
      static Message response;
      make_response(*e->message, 180, {}, "fuzztag", response);
      layer.send_response(Milliseconds{now}, e->server, response);
      make_response(*e->message, e->message->method() == Method::invite ? 486 : 200, {}, "fuzztag", response);
      layer.send_response(Milliseconds{now}, e->server, response);
    }
  }
  while (layer.poll_transmit()) {
  }
  layer.handle_timeout(Milliseconds{now + 50000});
  while (layer.poll_event()) {
  }
  while (layer.poll_transmit()) {
  }
  return 0;
}
