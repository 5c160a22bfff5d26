// The SIP message parser: one pass over a datagram (or a framed stream message) that
// splits the start line and header fields into views, then checks the fields every SIP
// element depends on. Zero-copy in the style of Boost.Beast's basic_parser: the Message
// refers into `data`, which must outlive it. Why our own parser and not libosip2 or
// sofia-sip is in sip/README.md, with the measurements.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "sip/message.h"

namespace cpark::sip {

struct ParseLimits {
  // Larger messages are refused with 513 Message Too Large (RFC 3261 §21.5.14). The
  // default is the largest UDP payload; servers usually lower it.
  std::size_t max_message_bytes = 65535;
  // More header fields than this is refused with 400 (bounds work per message).
  std::size_t max_headers = 128;
};

// Why a message was refused, in words, and the status a UAS answers it with. `header`
// names the offending field when there is one.
struct ParseError {
  int status = 0;                          // 400, 505 or 513; 0 when parsing succeeded
  std::string reason;                      // "CSeq: sequence number is not below 2^31"
  HeaderKind header = HeaderKind::other;
  bool start_line_parsed = false;          // a request or response line was recognised
  void clear() {
    status = 0;
    reason.clear();
    header = HeaderKind::other;
    start_line_parsed = false;
  }
};

// Parses `data` as one SIP message with datagram semantics (RFC 3261 §18.3): the body is
// Content-Length octets when that header is present — extra octets are ignored — and
// the rest of the datagram otherwise. Returns false and fills `error` on a refusal; even
// then `out` holds the start line and headers that were split, so a UAS can still build
// the 400/505/513 answer (see can_answer_bad_request).
bool parse_message(std::string_view data, Message& out, ParseError& error,
                   const ParseLimits& limits = {});

// The second tier: full syntax of every Via, From, To, Contact, Route and Record-Route
// value and of the Request-URI. parse_message checks only what transaction matching and
// response routing depend on (start line, top Via, CSeq, Call-ID, Content-Length,
// Max-Forwards, required and singleton fields) so that forwarding a message costs a
// split; the transaction layer runs both on everything it receives.
bool validate_message(const Message& message, ParseError& error);
// parse_message then validate_message, with the first problem as the reason.
bool parse_and_validate(std::string_view data, Message& out, ParseError& error,
                        const ParseLimits& limits = {});

// True when a refused request still has what a response needs (RFC 3261 §8.2.6.2): a
// request line (not ACK) and Via, From, To, Call-ID and CSeq fields to copy.
bool can_answer_bad_request(const Message& partial, const ParseError& error);

}  // namespace cpark::sip
