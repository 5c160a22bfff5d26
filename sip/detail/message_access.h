// The friend through which the parser fills a Message in place and the serializer reads
// which bytes it was parsed from. Internal to cpark::sip.
#pragma once
#include <string_view>

#include "sip/message.h"
#include "sip/parser.h"

namespace cpark::sip::detail {

struct MessageAccess {
  // parse_message (full = false) and parse_and_validate (full = true).
  static bool parse(std::string_view data, Message& m, ParseError& error, const ParseLimits& limits,
                    bool full);
  static std::string_view source(const Message& m) { return m.source_; }
  static std::string_view wire(const Message& m) { return m.wire_; }
};

}  // namespace cpark::sip::detail
