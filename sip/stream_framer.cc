// Stream framing: find the blank line, read Content-Length from the header block, wait
// for the body.
#include "sip/stream_framer.h"

#include "sip/detail/text.h"

namespace cpark::sip {

void StreamFramer::append(std::string_view bytes) {
  // Drop consumed bytes before growing, so the buffer stays about one message large.
  if (start_ > 0 && (start_ >= buffer_.size() / 2 || buffer_.size() + bytes.size() > buffer_.capacity())) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  buffer_.append(bytes);
}

StreamFramer::Status StreamFramer::next(std::string_view& message, ParseError& error) {
  error.clear();
  // Keep-alives: any CRLFs before a message.
  std::size_t i = start_;
  while (i < buffer_.size() && (buffer_[i] == '\r' || buffer_[i] == '\n')) {
    if (buffer_[i] == '\n') ++keepalives_;
    ++i;
  }
  start_ = i;
  if (start_ == buffer_.size()) {
    buffer_.clear();
    start_ = 0;
    return Status::need_more;
  }
  const std::string_view data(buffer_.data() + start_, buffer_.size() - start_);
  // End of the header block: an empty line (CRLF CRLF, or bare LF LF from lax peers).
  std::size_t header_end = std::string_view::npos, body_start = 0;
  for (std::size_t p = data.find('\n'); p != std::string_view::npos; p = data.find('\n', p + 1)) {
    if (p + 1 < data.size() && data[p + 1] == '\n') {
      header_end = p + 1;
      body_start = p + 2;
      break;
    }
    if (p + 2 < data.size() && data[p + 1] == '\r' && data[p + 2] == '\n') {
      header_end = p + 1;
      body_start = p + 3;
      break;
    }
  }
  if (header_end == std::string_view::npos) {
    if (data.size() > limits_.max_message_bytes) {
      error.status = 513;
      error.reason = "header block larger than the configured limit";
      return Status::error;
    }
    return Status::need_more;
  }
  // Content-Length (or "l") from the header block; absent means no body on a stream.
  std::uint64_t length = 0;
  std::size_t line = 0;
  while (line < header_end) {
    std::size_t eol = data.find('\n', line);
    if (eol == std::string_view::npos || eol > header_end) eol = header_end;
    const std::string_view text = data.substr(line, eol - line);
    const std::size_t colon = text.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = detail::trim(text.substr(0, colon));
      if (detail::iequals(name, "content-length") || detail::iequals(name, "l")) {
        const auto v = detail::parse_decimal(detail::trim(text.substr(colon + 1)), 0xffffffffULL);
        if (!v) {
          error.status = 400;
          error.header = HeaderKind::content_length;
          error.reason = "Content-Length: not a non-negative decimal number";
          return Status::error;
        }
        length = *v;
      }
    }
    line = eol + 1;
  }
  if (body_start + length > limits_.max_message_bytes) {
    message = data.substr(0, body_start);  // the header block, to build the 513 from
    error.status = 513;
    error.header = HeaderKind::content_length;
    error.reason = "message larger than the configured limit";
    return Status::error;
  }
  if (data.size() < body_start + length) return Status::need_more;
  message = data.substr(0, body_start + std::size_t(length));
  start_ += message.size();
  return Status::message;
}

}  // namespace cpark::sip
