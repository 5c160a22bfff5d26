// The SIP message model (RFC 3261 §7): a request or response whose start line, headers and
// body are views — into the datagram it was parsed from, or into the message's own arena
// for values a builder added. Headers stay in wire order, unknown ones included, so a
// B2BUA can pass them through; typed accessors parse a value when asked.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sip/headers.h"
#include "sip/method.h"
#include "sip/uri.h"

namespace cpark::sip {
namespace detail {
struct MessageAccess;
}

// Header fields the layer knows by name. Everything else is `other` and kept verbatim.
enum class HeaderKind : std::uint8_t {
  other, accept, accept_encoding, accept_language, alert_info, allow, allow_events,
  authentication_info, authorization, call_id, call_info, contact, content_disposition,
  content_encoding, content_language, content_length, content_type, cseq, date, error_info,
  event, expires, from, in_reply_to, max_forwards, min_expires, mime_version, organization,
  p_asserted_identity, priority, proxy_authenticate, proxy_authorization, proxy_require,
  rack, reason, record_route, refer_to, referred_by, replaces, reply_to, require,
  retry_after, route, rseq, server, session_expires, subject, subscription_state,
  supported, timestamp, to, unsupported, user_agent, via, warning, www_authenticate,
  count_
};
// Case-insensitive lookup of a full or compact (RFC 3261 §7.3.3, RFC 3515, RFC 3892,
// RFC 6665, RFC 4028) header name.
HeaderKind header_kind_from_name(std::string_view name);
std::string_view header_name(HeaderKind kind);  // canonical spelling; "" for other
// Headers whose values may be comma-separated lists (RFC 3261 §7.3.1).
bool is_list_header(HeaderKind kind);

struct Header {
  HeaderKind kind = HeaderKind::other;
  std::string_view name;   // as received, or canonical when built
  std::string_view value;  // trimmed; may contain folded line breaks (treated as LWS)
};

// Storage for values a builder adds. Blocks never move, so views into them stay valid
// while the message lives; clear() keeps the first block for reuse.
class Arena {
 public:
  std::string_view store(std::string_view text);
  char* allocate(std::size_t size);
  void clear();

 private:
  struct Block {
    std::unique_ptr<char[]> data;
    std::size_t size = 0;
    std::size_t used = 0;
  };
  std::vector<Block> blocks_;
};

class Message {
 public:
  Message() = default;
  Message(Message&&) = default;
  Message& operator=(Message&&) = default;
  // Views may point into this message's arena; a copy would alias it. Use copy_from().
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  // --- start line ---
  bool is_request() const { return is_request_; }
  bool is_response() const { return !is_request_; }
  Method method() const { return method_; }
  std::string_view method_text() const { return method_text_; }
  std::string_view request_uri() const { return request_uri_; }
  int status() const { return status_; }
  std::string_view reason_phrase() const { return reason_; }
  bool is_provisional() const { return !is_request_ && status_ < 200; }
  bool is_final() const { return !is_request_ && status_ >= 200; }
  bool is_success() const { return !is_request_ && status_ >= 200 && status_ < 300; }

  // --- headers ---
  std::span<const Header> headers() const { return headers_; }
  const Header* find(HeaderKind kind) const;
  const Header* find(std::string_view name) const;  // any header, by name
  // The first value of a header ("" when absent).
  std::string_view value(HeaderKind kind) const;
  std::size_t count(HeaderKind kind) const;
  bool has(HeaderKind kind) const { return find(kind) != nullptr; }
  // Calls f(value) for every comma-separated element of every line of `kind`, in order;
  // stops early when f returns false.
  template <class F>
  void for_each_value(HeaderKind kind, F&& f) const;

  // --- typed accessors (parse on demand; nullopt when absent or malformed) ---
  std::optional<Via> top_via() const;
  std::size_t via_count() const;
  std::optional<NameAddress> from() const;
  std::optional<NameAddress> to() const;
  std::string_view from_tag() const;
  std::string_view to_tag() const;
  std::string_view call_id() const { return value(HeaderKind::call_id); }
  std::optional<CSeq> cseq() const;
  std::optional<int> max_forwards() const;
  std::optional<std::uint32_t> content_length() const;
  std::optional<std::uint32_t> expires() const;
  std::string_view content_type() const { return value(HeaderKind::content_type); }
  std::optional<NameAddress> first_contact() const;
  std::optional<NameAddress> refer_to() const;
  std::optional<NameAddress> referred_by() const;
  std::optional<Uri> parsed_request_uri() const;
  // True when `token` is among the comma-separated values of Allow/Supported/Require/…
  bool has_token(HeaderKind kind, std::string_view token) const;
  std::string_view body() const { return body_; }

  // --- building and editing ---
  void clear();
  void set_request_line(Method method, std::string_view request_uri);
  void set_request_line(std::string_view method, std::string_view request_uri);
  void set_status_line(int status, std::string_view reason = {});
  // Values are copied into the message's arena.
  void add(HeaderKind kind, std::string_view value);
  void add(std::string_view name, std::string_view value);
  void add_front(HeaderKind kind, std::string_view value);  // e.g. a new top Via
  // Replaces every `kind` header by one with `value` (at the first one's position).
  void set(HeaderKind kind, std::string_view value);
  std::size_t remove(HeaderKind kind);
  std::size_t remove(std::string_view name);
  void set_value_at(std::size_t index, std::string_view value);
  void remove_at(std::size_t index);
  void set_body(std::string_view body, std::string_view content_type = {});
  // Deep copy: every view of the result points into this message's arena.
  void copy_from(const Message& other);
  // Copies text into the arena and returns a view that lives as long as the message.
  std::string_view store(std::string_view text) { return arena_.store(text); }

 private:
  friend struct detail::MessageAccess;  // the parser fills the fields in place
  // The bytes parse_message read this message from (empty for built messages): the
  // serializer copies unchanged stretches of them in one piece.
  std::string_view source_;
  // The message's exact wire form, when the parser found the datagram already written
  // the way serialize() writes (canonical "Name: value" lines, one canonical
  // Content-Length): serialize() then copies it whole. Every editing call empties it.
  std::string_view wire_;
  bool is_request_ = true;
  Method method_ = Method::unknown;
  std::string_view method_text_;
  std::string_view request_uri_;
  int status_ = 0;
  std::string_view reason_;
  std::vector<Header> headers_;
  std::string_view body_;
  Arena arena_;
};

// Splits a header value at commas that are outside quotes and angle brackets
// (RFC 3261 §7.3.1). Calls f(trimmed element); stops when f returns false.
template <class F>
bool for_each_list_element(std::string_view value, F&& f) {
  std::size_t start = 0;
  bool in_quotes = false;
  int angle = 0;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const char c = value[i];
    if (in_quotes) {
      if (c == '\\') ++i;
      else if (c == '"') in_quotes = false;
    } else if (c == '"') {
      in_quotes = true;
    } else if (c == '<') {
      ++angle;
    } else if (c == '>') {
      if (angle > 0) --angle;
    } else if (c == ',' && angle == 0) {
      if (!f(trim_value(value.substr(start, i - start)))) return false;
      start = i + 1;
    }
  }
  return f(trim_value(value.substr(start)));
}

template <class F>
void Message::for_each_value(HeaderKind kind, F&& f) const {
  for (const Header& h : headers_) {
    if (h.kind != kind) continue;
    if (!for_each_list_element(h.value, f)) return;
  }
}

}  // namespace cpark::sip
