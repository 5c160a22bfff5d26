#include "server/control/event_log.h"

#include <spdlog/logger.h>
#include <spdlog/sinks/ostream_sink.h>

#include <charconv>
#include <cmath>

#include "server/control/utc_time.h"

namespace cpark::server {

std::optional<LogFormat> parse_log_format(std::string_view s) {
  if (s == "text") return LogFormat::text;
  if (s == "json") return LogFormat::json;
  return std::nullopt;
}

std::string_view to_string(LogLevel l) {
  switch (l) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
  }
  return "info";
}

std::optional<LogLevel> parse_log_level(std::string_view s) {
  for (LogLevel l : {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error})
    if (s == to_string(l)) return l;
  return std::nullopt;
}

namespace {

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629 §4: no overlong forms,
// no surrogates, nothing above U+10FFFF), or 0 when the byte there starts none.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  auto cont = [&](std::size_t k, unsigned char lo = 0x80, unsigned char hi = 0xbf) {
    return k < s.size() && byte(k) >= lo && byte(k) <= hi;
  };
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c == 0xe0) return cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c == 0xed) return cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
  if (c == 0xf0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c == 0xf4) return cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

void append_hex(std::string& out, unsigned value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int d = digits - 1; d >= 0; --d) out += kHex[(value >> (4 * d)) & 0xf];
}

// A JSON string (RFC 8259 §7), quotes included: valid for any input bytes.
void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      out += "\\u";
      append_hex(out, c, 4);
    } else if (c < 0x80) {
      out += char(c);
    } else if (const std::size_t n = utf8_sequence(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    } else {
      out += "\\ufffd";  // not UTF-8: the replacement character
    }
    ++i;
  }
  out += '"';
}

// Text format: a value goes bare when it is plain printable ASCII without '"', '=' or
// '\'; otherwise quoted, with controls and bytes that are not UTF-8 escaped, so a value
// can never end the line or fake another field.
bool is_bare(std::string_view s) {
  if (s.empty()) return false;
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c >= 0x7f || c == '"' || c == '=' || c == '\\') return false;
  }
  return true;
}

void append_text_escaped(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"') out += "\\\"";
    else if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      append_hex(out, c, 2);
    } else if (c < 0x80) {
      out += char(c);
    } else if (const std::size_t n = utf8_sequence(s, i); n > 0) {
      out.append(s.substr(i, n));
      i += n;
      continue;
    } else {
      out += "\\x";
      append_hex(out, c, 2);
    }
    ++i;
  }
}

void append_text_value(std::string& out, std::string_view s) {
  if (is_bare(s)) {
    out.append(s);
    return;
  }
  out += '"';
  append_text_escaped(out, s);
  out += '"';
}

// Numbers and switches, the same in both formats (JSON has no NaN or infinity: null).
void append_scalar(std::string& out, const FieldValue::Value& v, LogFormat format) {
  char buf[32];
  if (auto* i = std::get_if<std::int64_t>(&v)) out.append(buf, std::to_chars(buf, buf + sizeof buf, *i).ptr);
  else if (auto* u = std::get_if<std::uint64_t>(&v)) out.append(buf, std::to_chars(buf, buf + sizeof buf, *u).ptr);
  else if (auto* b = std::get_if<bool>(&v)) out += *b ? "true" : "false";
  else if (auto* d = std::get_if<double>(&v)) {
    if (std::isfinite(*d)) out.append(buf, std::to_chars(buf, buf + sizeof buf, *d).ptr);
    else out += format == LogFormat::json ? "null" : (std::isnan(*d) ? "nan" : (*d > 0 ? "inf" : "-inf"));
  }
}

}  // namespace

std::string EventLog::format_line(LogFormat format, std::chrono::system_clock::time_point time, LogLevel level,
                                  std::string_view kind, std::string_view name, LogFieldSpan fields) {
  std::string out;
  out.reserve(128);
  const std::string stamp = format_utc_iso8601(time);
  if (format == LogFormat::json) {
    out += "{\"time\":\"";
    out += stamp;
    out += "\",\"level\":\"";
    out += to_string(level);
    out += "\",";
    append_json_string(out, kind);
    out += ':';
    append_json_string(out, name);
    for (auto& [key, value] : fields) {
      out += ',';
      append_json_string(out, key);
      out += ':';
      if (auto* s = std::get_if<std::string_view>(&value.value())) append_json_string(out, *s);
      else append_scalar(out, value.value(), format);
    }
    out += '}';
    return out;
  }
  out += stamp;
  out += ' ';
  out += to_string(level);
  out += ' ';
  if (kind == "event") append_text_value(out, name);  // an event name is one word
  else append_text_escaped(out, name);                // a message is free text on one line
  for (auto& [key, value] : fields) {
    out += ' ';
    append_text_escaped(out, key);
    out += '=';
    if (auto* s = std::get_if<std::string_view>(&value.value())) append_text_value(out, *s);
    else append_scalar(out, value.value(), format);
  }
  return out;
}

EventLog::EventLog(LogFormat format, std::shared_ptr<spdlog::sinks::sink> sink, LogLevel level)
    : format_(format), level_(level), clock_([] { return std::chrono::system_clock::now(); }),
      logger_(std::make_shared<spdlog::logger>("cpark", std::move(sink))) {
  logger_->set_pattern("%v");
  logger_->set_level(spdlog::level::trace);  // levels are filtered here, before formatting
  logger_->flush_on(spdlog::level::trace);
}

EventLog::EventLog(LogFormat format, std::ostream& out, LogLevel level)
    : EventLog(format, std::make_shared<spdlog::sinks::ostream_sink_mt>(out, true), level) {}

EventLog::~EventLog() { logger_->flush(); }

void EventLog::flush() { logger_->flush(); }

void EventLog::write(LogLevel level, std::string_view kind, std::string_view name, LogFieldSpan fields) {
  static constexpr spdlog::level::level_enum kLevels[] = {spdlog::level::debug, spdlog::level::info,
                                                          spdlog::level::warn, spdlog::level::err};
  const std::string line = format_line(format_, clock_(), level, kind, name, fields);
  logger_->log(kLevels[static_cast<int>(level)], spdlog::string_view_t(line.data(), line.size()));
}

}  // namespace cpark::server
