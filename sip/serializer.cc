// Serialization: one pass computing the exact size, one pass copying, so the output
// buffer grows at most once. A parsed message that reaches the serializer mostly
// unchanged (a relayed request, a response echoing the request's fields) is mostly its
// own datagram: the writer extends a run over the source bytes for as long as what it is
// asked to write is exactly what comes next there, and copies each run in one memcpy.
// The output is byte for byte what writing piece by piece gives.
#include "sip/serializer.h"

#include <charconv>
#include <cstdint>
#include <cstring>

#include "sip/detail/message_access.h"

namespace cpark::sip {
namespace {

struct Writer {
  char* p;
  const char* source_end;  // of the parsed bytes; null for a built message
  std::uintptr_t source_begin_address = 0, source_end_address = 0;
  const char* run_begin = nullptr;  // a pending stretch of the source, not yet copied
  const char* run_end = nullptr;

  Writer(char* out, std::string_view source)
      : p(out), source_end(source.data() + source.size()),
        source_begin_address(std::uintptr_t(source.data())),
        source_end_address(std::uintptr_t(source.data() + source.size())) {}

  bool in_source(std::string_view s) const {
    const auto a = std::uintptr_t(s.data());
    return a >= source_begin_address && a + s.size() <= source_end_address && source_begin_address != 0;
  }
  void flush() {
    if (run_begin != run_end) {
      std::memcpy(p, run_begin, std::size_t(run_end - run_begin));
      p += run_end - run_begin;
    }
    run_begin = run_end = nullptr;
  }
  // True when the source continues with exactly `s` after the pending run.
  bool continues_run(std::string_view s) const {
    if (!run_end || std::size_t(source_end - run_end) < s.size()) return false;
    if (s.data() == run_end) return true;
    if (s.size() <= 16) {
      for (std::size_t i = 0; i < s.size(); ++i)
        if (run_end[i] != s[i]) return false;
      return true;
    }
    return std::memcmp(run_end, s.data(), s.size()) == 0;
  }
  void put(std::string_view s) {
    // An empty view may hold a null pointer, which memcpy must not get (found by fuzzing).
    if (s.empty()) return;
    if (continues_run(s)) {
      run_end += s.size();
      return;
    }
    flush();
    if (in_source(s)) {
      run_begin = s.data();
      run_end = s.data() + s.size();
      return;
    }
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  // One "name: value\r\n" line that the source holds exactly so, right where the pending
  // run ends: the run grows over it. The common case of a relayed field, checked in a
  // few comparisons instead of four put calls.
  bool extend_over_line(const Header& h) {
    const char* const name_end = h.name.data() + h.name.size();
    const char* const value_end = h.value.data() + h.value.size();
    if (!run_end || h.name.data() != run_end || h.value.data() != name_end + 2 ||
        source_end - value_end < 2)
      return false;
    if (name_end[0] != ':' || name_end[1] != ' ' || value_end[0] != '\r' || value_end[1] != '\n')
      return false;
    run_end = value_end + 2;
    return true;
  }
  void put(char c) {
    if (run_end && run_end < source_end && *run_end == c) {
      ++run_end;
      return;
    }
    flush();
    *p++ = c;
  }
};

}  // namespace

void serialize_append(const Message& m, std::string& out) {
  // A parsed message nobody edited, whose datagram is already in this writer's form.
  if (const std::string_view wire = detail::MessageAccess::wire(m); !wire.empty()) {
    out.append(wire);
    return;
  }
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
  Writer w(out.data() + start, detail::MessageAccess::source(m));
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
      if (w.extend_over_line(h)) continue;
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
  w.flush();
}

void serialize(const Message& m, std::string& out) {
  out.clear();
  serialize_append(m, out);
}

}  // namespace cpark::sip
