// Character classes and small text helpers shared by the SIP parsers (RFC 3261 §25.1).
// Table lookups rather than chains of comparisons: the parser runs them on every byte.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace cpark::sip::detail {

enum char_class : std::uint16_t {
  k_token = 1,       // RFC 3261 token: alphanum / "-" "." "!" "%" "*" "_" "+" "`" "'" "~"
  k_alnum = 2,
  k_ws = 4,          // SP / HTAB / CR / LF: linear white space once lines are folded
  k_unreserved = 8,  // alphanum / mark
  k_host = 16,       // hostname and IPv4 characters
  k_param = 32,      // paramchar minus escapes: param-unreserved / unreserved
  k_user = 64,       // user-unreserved / unreserved
  k_header = 128,    // hnv-unreserved / unreserved
  k_scheme = 256,    // scheme characters after the first: alphanum / "+" / "-" / "."
  k_gen_value = 512, // unquoted gen-value of a header parameter: token / host (":" "[" "]")
  k_ipv6 = 1024,     // inside an IPv6 reference: HEXDIG / ":" / "." (§25.1, loosely)
  k_opaque = 2048,   // URI text of a scheme we do not parse: no CTL, SP, "<", ">", '"'
  k_hex = 4096,
};

constexpr std::array<std::uint16_t, 256> make_char_table() {
  std::array<std::uint16_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint16_t v = 0;
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    const std::string_view mark = "-_.!~*'()";
    const bool is_mark = c < 128 && mark.find(char(c)) != std::string_view::npos;
    if (alnum) v |= k_alnum | k_host;
    if (alnum || (c < 128 && std::string_view("-.!%*_+`'~").find(char(c)) != std::string_view::npos))
      v |= k_token | k_gen_value;
    if (c == ':' || c == '[' || c == ']') v |= k_gen_value;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') v |= k_ws;
    if (alnum || is_mark) v |= k_unreserved | k_param | k_user | k_header;
    if (c == '-' || c == '.') v |= k_host;
    if (c < 128 && std::string_view("[]/:&+$").find(char(c)) != std::string_view::npos) v |= k_param;
    if (c < 128 && std::string_view("&=+$,;?/").find(char(c)) != std::string_view::npos) v |= k_user;
    if (c < 128 && std::string_view("[]/?:+$").find(char(c)) != std::string_view::npos) v |= k_header;
    if (alnum || c == '+' || c == '-' || c == '.') v |= k_scheme;
    if (hex) v |= k_hex | k_ipv6;
    if (c == ':' || c == '.') v |= k_ipv6;
    if (c > ' ' && c != '<' && c != '>' && c != '"' && c != 0x7f) v |= k_opaque;
    t[std::size_t(c)] = v;
  }
  return t;
}
inline constexpr std::array<std::uint16_t, 256> char_table = make_char_table();

// ASCII lower-casing by table: the header-name and scheme comparisons run it per byte,
// and it does not depend on the C locale (std::tolower does).
constexpr std::array<char, 256> make_lower_table() {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) t[std::size_t(c)] = char((c >= 'A' && c <= 'Z') ? c + 32 : c);
  return t;
}
inline constexpr std::array<char, 256> lower_table = make_lower_table();

constexpr bool is(char c, char_class k) { return char_table[std::uint8_t(c)] & k; }
constexpr bool is_token_char(char c) { return is(c, k_token); }
constexpr bool is_ws(char c) { return is(c, k_ws); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) { return is(c, k_hex); }
constexpr int hex_value(char c) {
  return is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}
constexpr char to_lower(char c) { return lower_table[std::uint8_t(c)]; }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}
// `lower` must already be lower case (a literal such as "branch"): one table load per byte.
inline bool iequals_lower(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i)
    if (to_lower(text[i]) != lower[i]) return false;
  return true;
}

// --- pointer scanners -----------------------------------------------------------------
// The typed parsers walk [p, end) with these: one table load per byte, no substr bounds
// checks, and no second pass over what was already classified.
inline const char* skip_ws(const char* p, const char* end) {
  while (p < end && is_ws(*p)) ++p;
  return p;
}
inline const char* skip_class(const char* p, const char* end, char_class k) {
  // Four bytes per bound check: the runs here (branches, tags, hosts, Call-IDs) are
  // mostly longer than that.
  while (end - p >= 4) {
    if (!is(p[0], k)) return p;
    if (!is(p[1], k)) return p + 1;
    if (!is(p[2], k)) return p + 2;
    if (!is(p[3], k)) return p + 3;
    p += 4;
  }
  while (p < end && is(*p, k)) ++p;
  return p;
}
// Characters of class k or %HH escapes (RFC 3261 §25.1 "escaped"); sets ok to false and
// stops at a '%' not followed by two hex digits.
inline const char* skip_escaped(const char* p, const char* end, char_class k, bool& ok) {
  while (p < end) {
    if (is(*p, k)) {
      ++p;
    } else if (*p == '%') {
      if (end - p < 3 || !is_hex(p[1]) || !is_hex(p[2])) {
        ok = false;
        return p;
      }
      p += 3;
    } else {
      break;
    }
  }
  return p;
}
// A quoted-string starting at *p == '"': the position after the closing quote, or null
// when it is unterminated (RFC 4475 §3.1.2.6). Backslash escapes any octet (§25.1).
inline const char* skip_quoted(const char* p, const char* end) {
  for (++p; p < end; ++p) {
    if (*p == '\\') {
      if (++p >= end) return nullptr;
    } else if (*p == '"') {
      return p + 1;
    }
  }
  return nullptr;
}
inline std::string_view view(const char* b, const char* e) { return {b, std::size_t(e - b)}; }

// Linear white space includes folded line breaks (RFC 3261 §7.3.1), which the parser
// leaves inside values; every typed parser therefore treats CR and LF as white space.
inline std::string_view trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && is_ws(s[b])) ++b;
  while (e > b && is_ws(s[e - 1])) --e;
  return s.substr(b, e - b);
}
inline std::string_view trim_left(std::string_view s) {
  std::size_t b = 0;
  while (b < s.size() && is_ws(s[b])) ++b;
  return s.substr(b);
}

inline bool all_of_class(std::string_view s, char_class k) {
  for (char c : s)
    if (!is(c, k)) return false;
  return true;
}
inline bool is_token(std::string_view s) { return !s.empty() && all_of_class(s, k_token); }

// Characters of class k, or %HH escapes.
inline bool is_escaped_run(std::string_view s, char_class k) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!is(s[i], k)) {
      return false;
    }
  }
  return true;
}

// Decimal number without sign; nullopt when empty, non-digit or above `max`.
inline std::optional<std::uint64_t> parse_decimal(std::string_view s, std::uint64_t max) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  if (s.size() <= 19) {
    // Nineteen digits cannot overflow 64 bits: check the bound once at the end.
    std::uint64_t v = 0;
    for (char c : s) {
      if (!is_digit(c)) return std::nullopt;
      v = v * 10 + std::uint64_t(c - '0');
    }
    if (v > max) return std::nullopt;
    return v;
  }
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const std::uint64_t d = std::uint64_t(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

// FNV-1a, case-folded when asked: the hash of the transaction and dialog indexes.
inline std::uint64_t hash_bytes(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (char c : s) h = (h ^ std::uint8_t(c)) * 1099511628211ULL;
  return h;
}
inline std::uint64_t hash_lower(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
  for (char c : s) h = (h ^ std::uint8_t(to_lower(c))) * 1099511628211ULL;
  return h;
}

}  // namespace cpark::sip::detail
