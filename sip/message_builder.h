// Building requests (RFC 3261 §8.1.1) and responses (§8.2.6) into a reusable Message.
// In-dialog requests come from sip/dialog.h, which knows the route set and remote target.
#pragma once
#include <cstdint>
#include <string_view>

#include "sip/message.h"

namespace cpark::sip {

// A request outside any dialog. `from` and `to` are full header values ("Alice
// <sip:alice@example.com>;tag=…"); the From tag is the caller's to choose (IdGenerator).
// The transaction layer adds the Via with a fresh branch when none is present.
struct RequestFields {
  Method method = Method::invite;
  std::string_view method_text;  // for extension methods (method == unknown)
  std::string_view request_uri;
  std::string_view from;
  std::string_view to;
  std::string_view call_id;
  std::uint32_t cseq = 1;
  std::string_view contact;  // a Contact value, required for dialog-creating requests
  int max_forwards = 70;
};
void make_request(const RequestFields& fields, Message& out);

// A response to `request` (§8.2.6.2): Via (all of them, in order), From, To, Call-ID and
// CSeq copied, a To tag added when the request had none and `to_tag` is given (every
// response but 100 needs one, §8.2.6.2), Timestamp echoed in 100 (§8.2.6.1), and
// Record-Route copied in dialog-creating responses (§12.1.1). An empty reason takes the
// RFC's text for the status.
void make_response(const Message& request, int status, std::string_view reason,
                   std::string_view to_tag, Message& out);

// The 400/505/513 answer to a request the parser refused: a response with a Warning
// (399, RFC 3261 §20.43) carrying the parser's reason in words. Fields are copied as
// received, the first of any duplicates; `to_tag` is added when the To has none.
void make_error_response(const Message& partial_request, int status, std::string_view reason_text,
                         std::string_view warning_agent, std::string_view to_tag, Message& out);

}  // namespace cpark::sip
