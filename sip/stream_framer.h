// Cuts SIP messages out of a byte stream (TCP), RFC 3261 §18.3: the header block ends at
// the first empty line and Content-Length delimits the body. CRLF keep-alives between
// messages (RFC 5626 §3.5.1 "\r\n\r\n" pings and "\r\n" pongs) are skipped. One framer
// per connection; its buffer is reused.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "sip/parser.h"

namespace cpark::sip {

class StreamFramer {
 public:
  enum class Status { need_more, message, error };

  explicit StreamFramer(ParseLimits limits = {}) : limits_(limits) {}

  // Copies received bytes in.
  void append(std::string_view bytes);
  // The next complete message (view valid until the next append() or next() call), or
  // need_more. `error` says why on Status::error (a header block or Content-Length
  // beyond the size limit → 513, a malformed Content-Length → 400): the stream cannot be
  // resynchronised after that, so the driver answers if it can and closes the connection.
  Status next(std::string_view& message, ParseError& error);
  // Keep-alive CRLFs seen since the last call (a "\r\n\r\n" ping wants a "\r\n" pong).
  std::size_t take_keepalive_count() {
    const std::size_t n = keepalives_;
    keepalives_ = 0;
    return n;
  }
  std::size_t buffered() const { return buffer_.size() - start_; }
  void reset() {
    buffer_.clear();
    start_ = 0;
    keepalives_ = 0;
  }

 private:
  ParseLimits limits_;
  std::string buffer_;
  std::size_t start_ = 0;
  std::size_t keepalives_ = 0;
};

}  // namespace cpark::sip
