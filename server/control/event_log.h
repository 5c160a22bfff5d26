// The server's structured event log: one line per park, retrieval, ringback, fallback
// and pickup outcome and per refused request, plus plain messages, as text
//   2026-11-23T21:14:03.512Z info park orbit=*7001 parker=alice@contoso.com park_id=17
// or as JSON lines
//   {"time":"2026-11-23T21:14:03.512Z","level":"info","event":"park","orbit":"*7001",...}
// chosen at startup (`cpark serve --log-format text|json`). Lines go to a spdlog sink.
// Field values come from the network (a From display name is anyone's to choose), so
// every byte is escaped: a line is always one line, and a JSON line is always valid JSON
// (invalid UTF-8 becomes U+FFFD). A disabled level costs one comparison.
#pragma once
#include <chrono>
#include <concepts>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace spdlog {
class logger;
namespace sinks { class sink; }
}  // namespace spdlog

namespace cpark::server {

enum class LogFormat : std::uint8_t { text, json };
// "text" or "json" (the --log-format values).
std::optional<LogFormat> parse_log_format(std::string_view s);

enum class LogLevel : std::uint8_t { debug, info, warn, error };
std::string_view to_string(LogLevel l);  // "debug", "info", "warn", "error"
std::optional<LogLevel> parse_log_level(std::string_view s);

// A field's value: text, a whole number, a number or a switch. Text is viewed, not
// copied: it must outlive the call that logs it (a temporary in the call does).
class FieldValue {
 public:
  using Value = std::variant<std::string_view, std::int64_t, std::uint64_t, double, bool>;
  FieldValue(std::string_view v) : v_(v) {}
  FieldValue(const char* v) : v_(std::string_view(v)) {}
  FieldValue(const std::string& v) : v_(std::string_view(v)) {}
  FieldValue(bool v) : v_(v) {}
  FieldValue(double v) : v_(v) {}
  template <std::signed_integral I>
    requires(!std::same_as<I, char>)
  FieldValue(I v) : v_(std::int64_t{v}) {}
  template <std::unsigned_integral I>
    requires(!std::same_as<I, bool>)
  FieldValue(I v) : v_(std::uint64_t{v}) {}
  const Value& value() const { return v_; }

 private:
  Value v_;
};

using LogField = std::pair<std::string_view, FieldValue>;
using LogFields = std::initializer_list<LogField>;
using LogFieldSpan = std::span<const LogField>;  // fields built at run time

class EventLog {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;

  // Lines go to `sink`, which gets spdlog's plain "%v" pattern (the line is formatted
  // here); every line is flushed, so a crash loses none.
  EventLog(LogFormat format, std::shared_ptr<spdlog::sinks::sink> sink, LogLevel level = LogLevel::info);
  // Lines go to `out` (tests, or a stream the caller owns and keeps alive).
  EventLog(LogFormat format, std::ostream& out, LogLevel level = LogLevel::info);
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  bool enabled(LogLevel l) const { return l >= level_; }
  void set_level(LogLevel l) { level_ = l; }
  // The time stamped on lines (default: the system clock); tests fix it.
  void set_clock(Clock clock) { clock_ = std::move(clock); }

  // An outcome: `name` is the event ("park", "retrieve", "ringback", "fallback",
  // "pickup", "refused", …), the fields say what and who.
  void event(LogLevel level, std::string_view name, LogFields fields = {}) {
    if (enabled(level)) write(level, "event", name, span(fields));
  }
  void event(LogLevel level, std::string_view name, LogFieldSpan fields) {
    if (enabled(level)) write(level, "event", name, fields);
  }
  // A plain message with optional fields.
  void debug(std::string_view message, LogFields fields = {}) { message_at(LogLevel::debug, message, fields); }
  void info(std::string_view message, LogFields fields = {}) { message_at(LogLevel::info, message, fields); }
  void warn(std::string_view message, LogFields fields = {}) { message_at(LogLevel::warn, message, fields); }
  void error(std::string_view message, LogFields fields = {}) { message_at(LogLevel::error, message, fields); }
  void flush();

  // One line as it is written, without the line feed. `kind` is "event" (the name is an
  // event name) or "message" (free text). Pure: the format's tests use it directly.
  static std::string format_line(LogFormat format, std::chrono::system_clock::time_point time, LogLevel level,
                                 std::string_view kind, std::string_view name, LogFieldSpan fields);
  static std::string format_line(LogFormat format, std::chrono::system_clock::time_point time, LogLevel level,
                                 std::string_view kind, std::string_view name, LogFields fields) {
    return format_line(format, time, level, kind, name, span(fields));
  }

 private:
  void message_at(LogLevel level, std::string_view message, LogFields fields) {
    if (enabled(level)) write(level, "message", message, span(fields));
  }
  static LogFieldSpan span(LogFields f) { return LogFieldSpan(f.begin(), f.size()); }
  void write(LogLevel level, std::string_view kind, std::string_view name, LogFieldSpan fields);

  LogFormat format_;
  LogLevel level_;
  Clock clock_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace cpark::server
