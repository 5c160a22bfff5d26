// Helpers shared by the SIP tests: reading test data and parsing what a layer sent.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include "sip/parser.h"

namespace cpark::sip::test {

inline std::string read_data_file(const std::string& relative) {
  std::ifstream in(std::string(CPARK_SIP_TEST_DATA) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Owns the bytes a Message views.
struct ParsedMessage {
  std::string bytes;
  Message message;
  ParseError error;
  bool ok = false;
  explicit ParsedMessage(std::string_view b) : bytes(b) { ok = parse_and_validate(bytes, message, error); }
  ParsedMessage(const ParsedMessage&) = delete;
};

inline std::string crlf(std::string_view lf_text) {
  std::string out;
  for (char c : lf_text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

}  // namespace cpark::sip::test
