// Serialization: one pass computing the exact size, one pass copying, so the output
// buffer grows at most once.
#include "sip/serializer.h"

#include <charconv>
#include <cstring>

namespace cpark::sip {
namespace {

struct Writer {
  char* p;
  void put(std::string_view s) {
    // An empty view may hold a null pointer, which memcpy must not get (found by fuzzing).
    if (s.empty()) return;
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void put(char c) { *p++ = c; }
};

}  // namespace

void serialize_append(const Message& m, std::string& out) {
  std::string_view status_text;
  char status_buffer[4] = {};
  if (m.is_response()) {
    const int s = m.status();
    status_buffer[0] = char('0' + (s / 100) % 10);
    status_buffer[1] = char('0' + (s / 10) % 10);
    status_buffer[2] = char('0' + s % 10);
    status_text = std::string_view(status_buffer, 3);
  }
  const std::size_t body_size = m.body().size();
  char length_buffer[24];
  const auto length_end = std::to_chars(length_buffer, length_buffer + sizeof length_buffer, body_size).ptr;
  const std::string_view length_text(length_buffer, std::size_t(length_end - length_buffer));
  constexpr std::string_view version = "SIP/2.0";
  constexpr std::string_view content_length = "Content-Length";

  std::size_t size = m.is_request()
                         ? m.method_text().size() + 1 + m.request_uri().size() + 1 + version.size() + 2
                         : version.size() + 1 + 3 + 1 + m.reason_phrase().size() + 2;
  bool wrote_length = false;
  for (const Header& h : m.headers()) {
    if (h.kind == HeaderKind::content_length) {
      if (wrote_length) continue;
      wrote_length = true;
      size += content_length.size() + 2 + length_text.size() + 2;
    } else {
      size += h.name.size() + 2 + h.value.size() + 2;
    }
  }
  if (!wrote_length) size += content_length.size() + 2 + length_text.size() + 2;
  size += 2 + body_size;

  const std::size_t start = out.size();
  out.resize(start + size);
  Writer w{out.data() + start};
  if (m.is_request()) {
    w.put(m.method_text());
    w.put(' ');
    w.put(m.request_uri());
    w.put(' ');
    w.put(version);
  } else {
    w.put(version);
    w.put(' ');
    w.put(status_text);
    w.put(' ');
    w.put(m.reason_phrase());
  }
  w.put("\r\n");
  wrote_length = false;
  for (const Header& h : m.headers()) {
    if (h.kind == HeaderKind::content_length) {
      if (wrote_length) continue;
      wrote_length = true;
      w.put(content_length);
      w.put(": ");
      w.put(length_text);
    } else {
      w.put(h.name);
      w.put(": ");
      w.put(h.value);
    }
    w.put("\r\n");
  }
  if (!wrote_length) {
    w.put(content_length);
    w.put(": ");
    w.put(length_text);
    w.put("\r\n");
  }
  w.put("\r\n");
  w.put(m.body());
}

void serialize(const Message& m, std::string& out) {
  out.clear();
  serialize_append(m, out);
}

}  // namespace cpark::sip
