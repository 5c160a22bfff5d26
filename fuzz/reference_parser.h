// The SIP parser as it was before the receive-path optimisation (commit e5b4c0a), frozen
// as a differential oracle: the fuzzer checks that the optimised parse_message /
// parse_and_validate and the typed parsers (parse_uri, parse_name_address, parse_via,
// header_kind_from_name) accept and refuse exactly what this straightforward version
// does, with the same status, reason and values, and that serialize writes what the old
// field-by-field serializer wrote. Only the fuzzer links it; it is not
// part of cpark::sip. Deliberate differences are listed in reference_parser.cc.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "sip/headers.h"
#include "sip/message.h"
#include "sip/parser.h"
#include "sip/uri.h"

namespace cpark::sip::reference {

struct RefMessage {
  bool is_request = true;
  Method method = Method::unknown;
  std::string_view method_text;
  std::string_view request_uri;
  int status = 0;
  std::string_view reason;
  std::vector<Header> headers;
  std::string_view body;
};

HeaderKind header_kind_from_name(std::string_view name);
bool parse_uri(std::string_view text, Uri& out);
bool parse_name_address(std::string_view text, NameAddress& out);
bool parse_via(std::string_view value, Via& out);
bool parse_cseq(std::string_view value, CSeq& out);
bool parse_message(std::string_view data, RefMessage& out, ParseError& error, const ParseLimits& limits = {});
bool parse_and_validate(std::string_view data, RefMessage& out, ParseError& error,
                        const ParseLimits& limits = {});
// The old serializer: writes a cpark Message piece by piece.
void serialize(const Message& m, std::string& out);

}  // namespace cpark::sip::reference
