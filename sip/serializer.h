// Writes a Message as wire bytes into a caller's reusable buffer: start line, headers in
// order under the names they carry, Content-Length set to the body's real size.
#pragma once
#include <string>

#include "sip/message.h"

namespace cpark::sip {

// Replaces `out`'s contents; its capacity is reused, so a warm buffer never allocates.
// Content-Length is written where the message had it (or after the last header) with
// the body's size; folded values are written as they are (still valid SIP).
void serialize(const Message& message, std::string& out);
// Appends instead of replacing (several messages into one stream buffer).
void serialize_append(const Message& message, std::string& out);

}  // namespace cpark::sip
