// Frozen copy of the pre-optimisation parser (see reference_parser.h): the old
// sip/detail/text.h helpers, sip/uri.cc, sip/headers.cc (Via, CSeq), the header-name
// table of sip/message.cc and sip/parser.cc, moved into cpark::sip::reference and made to
// fill a RefMessage. The logic is unchanged except where marked DIFFERENCE: places where
// the optimised parser is deliberately stricter, each with its reason.
#include "reference_parser.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <charconv>
#include <optional>

namespace cpark::sip::reference {
namespace detail {

enum char_class : std::uint8_t {
  k_token = 1,       // RFC 3261 token: alphanum / "-" "." "!" "%" "*" "_" "+" "`" "'" "~"
  k_alnum = 2,
  k_ws = 4,          // SP / HTAB / CR / LF: linear white space once lines are folded
  k_unreserved = 8,  // alphanum / mark
  k_host = 16,       // hostname and IPv4 characters
  k_param = 32,      // paramchar minus escapes: param-unreserved / unreserved
  k_user = 64,       // user-unreserved / unreserved
  k_header = 128,    // hnv-unreserved / unreserved
};

constexpr std::array<std::uint8_t, 256> make_char_table() {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    std::uint8_t v = 0;
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    const std::string_view mark = "-_.!~*'()";
    const bool is_mark = c < 128 && mark.find(char(c)) != std::string_view::npos;
    if (alnum) v |= k_alnum | k_host;
    if (alnum || (c < 128 && std::string_view("-.!%*_+`'~").find(char(c)) != std::string_view::npos))
      v |= k_token;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') v |= k_ws;
    if (alnum || is_mark) v |= k_unreserved | k_param | k_user | k_header;
    if (c == '-' || c == '.') v |= k_host;
    if (c < 128 && std::string_view("[]/:&+$").find(char(c)) != std::string_view::npos) v |= k_param;
    if (c < 128 && std::string_view("&=+$,;?/").find(char(c)) != std::string_view::npos) v |= k_user;
    if (c < 128 && std::string_view("[]/?:+$").find(char(c)) != std::string_view::npos) v |= k_header;
    t[std::size_t(c)] = v;
  }
  return t;
}
inline constexpr std::array<std::uint8_t, 256> char_table = make_char_table();

constexpr bool is(char c, char_class k) { return char_table[std::uint8_t(c)] & k; }
constexpr bool is_token_char(char c) { return is(c, k_token); }
constexpr bool is_ws(char c) { return is(c, k_ws); }
constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr int hex_value(char c) {
  return is_digit(c) ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : c - 'A' + 10;
}
constexpr char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c + 32) : c; }

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (to_lower(a[i]) != to_lower(b[i])) return false;
  return true;
}

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
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    const std::uint64_t d = std::uint64_t(c - '0');
    if (v > (max - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}


}  // namespace detail
namespace {

using namespace detail;

bool next_param(std::string_view& rest, std::string_view& name, std::string_view& value,
                bool& has_value);

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && is_ws(s[i])) ++i;
  return i;
}

// A quoted-string starting at s[i] == '"'; returns the index after the closing quote, or
// npos when it is unterminated (RFC 4475 §3.1.2.6).
std::size_t skip_quoted(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      if (++i >= s.size()) return std::string_view::npos;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

bool is_ipv4(std::string_view h) {
  int parts = 0;
  std::size_t i = 0;
  while (i <= h.size()) {
    std::size_t j = i;
    while (j < h.size() && detail::is_digit(h[j])) ++j;
    if (j == i || j - i > 3) return false;
    if (!detail::parse_decimal(h.substr(i, j - i), 255)) return false;
    ++parts;
    if (j == h.size()) break;
    if (h[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

bool is_ipv6_reference(std::string_view h) {
  if (h.size() < 4 || h.front() != '[' || h.back() != ']') return false;
  for (char c : h.substr(1, h.size() - 2))
    if (!detail::is_hex(c) && c != ':' && c != '.') return false;
  return true;
}

// URI parameters: ";pname[=pvalue]" with paramchar (param-unreserved / unreserved / escaped).
bool valid_uri_params(std::string_view raw) {
  std::size_t i = 0;
  while (i < raw.size()) {
    if (raw[i] != ';') return false;
    std::size_t j = i + 1;
    while (j < raw.size() && raw[j] != ';') ++j;
    std::string_view p = raw.substr(i + 1, j - i - 1);
    const std::size_t eq = p.find('=');
    std::string_view name = p.substr(0, eq);
    if (name.empty() || !detail::is_escaped_run(name, detail::k_param)) return false;
    if (eq != std::string_view::npos &&
        !detail::is_escaped_run(p.substr(eq + 1), detail::k_param))
      return false;
    i = j;
  }
  return true;
}

bool valid_uri_headers(std::string_view raw) {
  std::size_t i = 0;
  while (i <= raw.size()) {
    std::size_t j = raw.find('&', i);
    if (j == std::string_view::npos) j = raw.size();
    std::string_view h = raw.substr(i, j - i);
    const std::size_t eq = h.find('=');
    if (eq == 0 || eq == std::string_view::npos) return false;
    if (!detail::is_escaped_run(h.substr(0, eq), detail::k_header) ||
        !detail::is_escaped_run(h.substr(eq + 1), detail::k_header))
      return false;
    i = j + 1;
  }
  return true;
}

// Header parameter value: token / host / quoted-string (RFC 3261 §25.1 gen-value); IPv6
// addresses appear bare in Via received.
bool valid_gen_value(std::string_view v) {
  if (v.empty()) return false;
  if (v.front() == '"') return skip_quoted(v, 0) == v.size();
  for (char c : v)
    if (!detail::is_token_char(c) && c != ':' && c != '[' && c != ']') return false;
  return true;
}

bool valid_header_params(std::string_view raw) {
  std::string_view rest = raw, name, value;
  bool has_value = false;
  while (true) {
    std::size_t i = skip_ws(rest, 0);
    if (i == rest.size()) return true;
    if (rest[i] != ';') return false;
    if (!next_param(rest, name, value, has_value)) return false;
    if (!detail::is_token(name)) return false;
    if (has_value && !valid_gen_value(value)) return false;
  }
}


bool next_param(std::string_view& rest, std::string_view& name, std::string_view& value,
                bool& has_value) {
  std::size_t i = skip_ws(rest, 0);
  if (i >= rest.size() || rest[i] != ';') return false;
  i = skip_ws(rest, i + 1);
  std::size_t j = i;
  while (j < rest.size() && !is_ws(rest[j]) && rest[j] != '=' && rest[j] != ';') ++j;
  name = rest.substr(i, j - i);
  j = skip_ws(rest, j);
  has_value = false;
  value = {};
  if (j < rest.size() && rest[j] == '=') {
    has_value = true;
    std::size_t k = skip_ws(rest, j + 1);
    std::size_t e = k;
    if (k < rest.size() && rest[k] == '"') {
      e = skip_quoted(rest, k);
      if (e == std::string_view::npos) e = rest.size();
    } else {
      while (e < rest.size() && !is_ws(rest[e]) && rest[e] != ';') ++e;
    }
    value = rest.substr(k, e - k);
    j = e;
  }
  rest = rest.substr(j);
  return true;
}


// The old for_each_list_element (sip/message.h).
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
      if (!f(trim(value.substr(start, i - start)))) return false;
      start = i + 1;
    }
  }
  return f(trim(value.substr(start)));
}

std::string_view first_value(const RefMessage& m, HeaderKind kind) {
  for (const Header& h : m.headers)
    if (h.kind == kind) return h.value;
  return {};
}

std::size_t token_end(std::string_view s, std::size_t i) {
  while (i < s.size() && detail::is_token_char(s[i])) ++i;
  return i;
}


constexpr std::string_view canonical_names[] = {
    "", "Accept", "Accept-Encoding", "Accept-Language", "Alert-Info", "Allow", "Allow-Events",
    "Authentication-Info", "Authorization", "Call-ID", "Call-Info", "Contact",
    "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Length",
    "Content-Type", "CSeq", "Date", "Error-Info", "Event", "Expires", "From", "In-Reply-To",
    "Max-Forwards", "Min-Expires", "MIME-Version", "Organization", "P-Asserted-Identity",
    "Priority", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Require", "RAck", "Reason",
    "Record-Route", "Refer-To", "Referred-By", "Replaces", "Reply-To", "Require", "Retry-After",
    "Route", "RSeq", "Server", "Session-Expires", "Subject", "Subscription-State", "Supported",
    "Timestamp", "To", "Unsupported", "User-Agent", "Via", "Warning", "WWW-Authenticate",
};
static_assert(std::size(canonical_names) == std::size_t(HeaderKind::count_));

struct CompactName {
  char letter;
  HeaderKind kind;
};
// RFC 3261 §7.3.3 and the extensions' compact forms (RFC 3515 r, RFC 3892 b, RFC 6665
// o/u, RFC 4028 x).
constexpr CompactName compact_names[] = {
    {'i', HeaderKind::call_id},        {'m', HeaderKind::contact},
    {'f', HeaderKind::from},           {'t', HeaderKind::to},
    {'v', HeaderKind::via},            {'l', HeaderKind::content_length},
    {'c', HeaderKind::content_type},   {'k', HeaderKind::supported},
    {'e', HeaderKind::content_encoding}, {'s', HeaderKind::subject},
    {'r', HeaderKind::refer_to},       {'b', HeaderKind::referred_by},
    {'o', HeaderKind::event},          {'u', HeaderKind::allow_events},
    {'x', HeaderKind::session_expires},
};

// Open-addressed table of canonical names keyed by length and the first two and last
// characters (case-folded): a few operations per header name instead of a hash over every
// byte; hits are confirmed with a case-insensitive compare.
inline std::size_t name_slot(std::string_view n) {
  const std::size_t len = n.size();
  return (len * 131 + std::size_t(detail::to_lower(n[0])) * 31 + std::size_t(detail::to_lower(n[1])) * 7 +
          std::size_t(detail::to_lower(n[len - 1]))) & 511;
}

struct NameTable {
  static constexpr std::size_t size = 512;
  std::array<std::uint8_t, size> slots{};  // HeaderKind + 1; 0 = empty
  std::array<HeaderKind, 128> compact{};
  NameTable() {
    for (std::size_t k = 1; k < std::size(canonical_names); ++k) {
      std::size_t i = name_slot(canonical_names[k]);
      while (slots[i]) i = (i + 1) % size;
      slots[i] = std::uint8_t(k + 1);
    }
    for (const auto& c : compact_names) {
      compact[std::size_t(c.letter)] = c.kind;
      compact[std::size_t(c.letter - 32)] = c.kind;
    }
  }
};
const NameTable name_table;

bool fail(ParseError& error, int status, HeaderKind header, std::string_view what) {
  if (error.status != 0) return false;  // keep the first reason
  error.status = status;
  error.header = header;
  error.reason.clear();
  if (header != HeaderKind::other) {
    error.reason += header_name(header);
    error.reason += ": ";
  }
  error.reason += what;
  return false;
}

// "SIP/2.0": the literal is case-insensitive (RFC 3261 §25.1, ABNF strings).
// Returns 0 for 2.0, 505 for another well-formed version, 400 otherwise.
int check_version(std::string_view v) {
  if (v.size() < 7 || !iequals(v.substr(0, 4), "SIP/")) return 400;
  const std::string_view n = v.substr(4);
  const std::size_t dot = n.find('.');
  if (dot == 0 || dot == std::string_view::npos || dot + 1 == n.size()) return 400;
  for (std::size_t i = 0; i < n.size(); ++i)
    if (i != dot && !is_digit(n[i])) return 400;
  return n == "2.0" ? 0 : 505;
}

const char* find_line_end(const char* p, const char* end) {
  const void* nl = std::memchr(p, '\n', std::size_t(end - p));
  return nl ? static_cast<const char*>(nl) : nullptr;
}

bool validate_name_address_list(const RefMessage& m, HeaderKind kind, std::string_view value,
                                ParseError& error, bool allow_wildcard) {
  bool ok = true;
  for_each_list_element(value, [&](std::string_view element) {
    NameAddress na;
    if (!reference::parse_name_address(element, na) || (na.is_wildcard && !allow_wildcard)) {
      ok = fail(error, 400, kind, "malformed name-addr or addr-spec");
      return false;
    }
    return true;
  });
  (void)m;
  return ok;
}


}  // namespace

bool parse_uri(std::string_view text, Uri& out) {
  out = Uri{};
  out.text = text;
  const std::size_t colon = text.find(':');
  if (colon == 0 || colon == std::string_view::npos) return false;
  const std::string_view scheme = text.substr(0, colon);
  if (!((scheme[0] >= 'a' && scheme[0] <= 'z') || (scheme[0] >= 'A' && scheme[0] <= 'Z')))
    return false;
  for (char c : scheme)
    if (!is(c, detail::k_alnum) && c != '+' && c != '-' && c != '.') return false;
  out.scheme_text = scheme;
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) return false;

  if (detail::iequals(scheme, "sip")) {
    out.scheme = UriScheme::sip;
  } else if (detail::iequals(scheme, "sips")) {
    out.scheme = UriScheme::sips;
  } else if (detail::iequals(scheme, "tel")) {
    // RFC 3966: telephone-subscriber with ';' parameters.
    out.scheme = UriScheme::tel;
    const std::size_t semi = rest.find(';');
    out.user = rest.substr(0, semi);
    if (out.user.empty() || !detail::is_escaped_run(out.user, detail::k_user)) return false;
    if (semi != std::string_view::npos) {
      out.params = Params(rest.substr(semi));
      if (!valid_uri_params(out.params.raw())) return false;
    }
    return true;
  } else {
    out.scheme = UriScheme::other;
    for (char c : rest)
      if (std::uint8_t(c) <= ' ' || c == '<' || c == '>' || c == '"' || c == 0x7f) return false;
    out.opaque = rest;
    return true;
  }

  // sip / sips: [userinfo "@"] hostport uri-parameters [headers]. '@' cannot appear
  // unescaped after the userinfo, so the first one ends it (RFC 4475 §3.1.1.2, §3.1.1.9).
  const std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    const std::size_t pc = userinfo.find(':');
    out.user = userinfo.substr(0, pc);
    if (pc != std::string_view::npos) {
      out.has_password = true;
      out.password = userinfo.substr(pc + 1);
      if (!detail::is_escaped_run(out.password, detail::k_user)) return false;
    }
    if (out.user.empty() || !detail::is_escaped_run(out.user, detail::k_user)) return false;
    rest = rest.substr(at + 1);
  }
  std::size_t i = 0;
  if (!rest.empty() && rest[0] == '[') {
    i = rest.find(']');
    if (i == std::string_view::npos) return false;
    ++i;
    out.host = rest.substr(0, i);
    if (!is_ipv6_reference(out.host)) return false;
    out.host_kind = HostKind::ipv6;
  } else {
    while (i < rest.size() && is(rest[i], detail::k_host)) ++i;
    out.host = rest.substr(0, i);
    if (out.host.empty() || out.host.front() == '.' || out.host.front() == '-') return false;
    out.host_kind = is_ipv4(out.host) ? HostKind::ipv4 : HostKind::name;
  }
  if (i < rest.size() && rest[i] == ':') {
    std::size_t j = i + 1;
    while (j < rest.size() && detail::is_digit(rest[j])) ++j;
    const auto port = detail::parse_decimal(rest.substr(i + 1, j - i - 1), 65535);
    if (!port || *port == 0) return false;
    out.port = std::uint16_t(*port);
    i = j;
  }
  std::size_t q = rest.find('?', i);
  if (q == std::string_view::npos) q = rest.size();
  if (i < q) {
    if (rest[i] != ';') return false;
    out.params = Params(rest.substr(i, q - i));
    if (!valid_uri_params(out.params.raw())) return false;
  }
  if (q < rest.size()) {
    out.headers = rest.substr(q + 1);
    if (!valid_uri_headers(out.headers)) return false;
  }
  return true;
}


bool parse_name_address(std::string_view text, NameAddress& out) {
  out = NameAddress{};
  const std::string_view t = detail::trim(text);
  if (t.empty()) return false;
  if (t == "*") {
    out.is_wildcard = true;
    return true;
  }
  std::size_t lt = std::string_view::npos;
  if (t.front() == '"') {
    const std::size_t end = skip_quoted(t, 0);
    if (end == std::string_view::npos) return false;
    out.display_name = t.substr(0, end);
    lt = skip_ws(t, end);
    if (lt >= t.size() || t[lt] != '<') return false;
  } else {
    lt = t.find('<');
    if (lt != std::string_view::npos) {
      // display-name = *(token LWS): RFC 4475 §3.1.2.15 rejects "Bell, Alexander".
      const std::string_view display = detail::trim(t.substr(0, lt));
      for (char c : display)
        if (!detail::is_token_char(c) && !is_ws(c)) return false;
      out.display_name = display;
    }
  }
  std::string_view uri_text, rest;
  if (lt != std::string_view::npos) {
    const std::size_t gt = t.find('>', lt);
    if (gt == std::string_view::npos) return false;
    uri_text = t.substr(lt + 1, gt - lt - 1);
    // No white space inside the brackets (RFC 4475 §3.1.2.14).
    for (char c : uri_text)
      if (is_ws(c)) return false;
    out.has_angle_brackets = true;
    rest = t.substr(gt + 1);
  } else {
    // addr-spec: header parameters start at the first ';' and the URI may not carry
    // ',', ';' or '?' (§20; RFC 4475 §3.1.2.13).
    const std::size_t semi = t.find(';');
    uri_text = detail::trim(t.substr(0, semi));
    for (char c : uri_text)
      if (is_ws(c) || c == '?' || c == ',') return false;
    rest = semi == std::string_view::npos ? std::string_view{} : t.substr(semi);
  }
  if (!reference::parse_uri(uri_text, out.uri)) return false;
  if (!valid_header_params(rest)) return false;
  out.params = Params(detail::trim(rest));
  return true;
}


bool parse_via(std::string_view value, Via& out) {
  out = Via{};
  const std::string_view v = detail::trim(value);
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport, with LWS
  // allowed around the slashes (RFC 4475 §3.1.1.1).
  std::size_t i = token_end(v, 0);
  out.protocol_name = v.substr(0, i);
  if (out.protocol_name.empty()) return false;
  i = skip_ws(v, i);
  if (i >= v.size() || v[i] != '/') return false;
  i = skip_ws(v, i + 1);
  std::size_t j = token_end(v, i);
  out.protocol_version = v.substr(i, j - i);
  if (out.protocol_version.empty()) return false;
  i = skip_ws(v, j);
  if (i >= v.size() || v[i] != '/') return false;
  i = skip_ws(v, i + 1);
  j = token_end(v, i);
  out.transport = v.substr(i, j - i);
  if (out.transport.empty()) return false;
  i = skip_ws(v, j);
  if (i == j) return false;  // LWS before sent-by is required
  // sent-by = host [COLON port]
  if (i < v.size() && v[i] == '[') {
    j = v.find(']', i);
    if (j == std::string_view::npos) return false;
    ++j;
    // DIFFERENCE: the old parser took anything between the brackets as the sent-by host.
    // RFC 3261 §25.1 has IPv6reference there; the optimised parser checks it like a URI's
    // host, which also keeps ',' '<' '"' out of a valid via-parm (its list fast path
    // depends on that).
    if (!is_ipv6_reference(v.substr(i, j - i))) return false;
  } else {
    j = i;
    while (j < v.size() && detail::is(v[j], detail::k_host)) ++j;
  }
  out.host = v.substr(i, j - i);
  if (out.host.empty()) return false;
  i = skip_ws(v, j);
  if (i < v.size() && v[i] == ':') {
    i = skip_ws(v, i + 1);
    j = i;
    while (j < v.size() && detail::is_digit(v[j])) ++j;
    const auto port = detail::parse_decimal(v.substr(i, j - i), 65535);
    if (!port || *port == 0) return false;
    out.port = std::uint16_t(*port);
    i = skip_ws(v, j);
  }
  const std::string_view params = v.substr(i);
  if (!valid_header_params(params)) return false;
  out.params = Params(params);
  bool ok = true;
  std::string_view rest_params = params, name, val;
  bool has_value = false;
  while (next_param(rest_params, name, val, has_value)) {
    if (detail::iequals(name, "branch")) {
      if (!has_value || val.empty()) ok = false;
      out.branch = val;
    } else if (detail::iequals(name, "received")) {
      out.received = val;
    } else if (detail::iequals(name, "maddr")) {
      out.maddr = val;
    } else if (detail::iequals(name, "ttl")) {
      out.ttl = val;
    } else if (detail::iequals(name, "rport")) {
      out.has_rport = true;
      if (has_value) {
        const auto p = detail::parse_decimal(val, 65535);
        if (!p) ok = false;
        else out.rport = std::uint16_t(*p);
      }
    }
  }
  return ok;
}

bool parse_cseq(std::string_view value, CSeq& out) {
  out = CSeq{};
  const std::string_view v = detail::trim(value);
  std::size_t i = 0;
  while (i < v.size() && detail::is_digit(v[i])) ++i;
  // RFC 3261 §8.1.1.5: the sequence number MUST be less than 2**31.
  const auto number = detail::parse_decimal(v.substr(0, i), 0x7fffffffULL);
  if (!number) return false;
  const std::size_t m = skip_ws(v, i);
  if (m == i) return false;
  out.method_text = v.substr(m);
  if (!detail::is_token(out.method_text)) return false;
  out.number = std::uint32_t(*number);
  out.method = method_from_name(out.method_text);
  return true;
}


HeaderKind header_kind_from_name(std::string_view name) {
  if (name.size() == 1) {
    const auto c = std::uint8_t(name[0]);
    return c < 128 ? name_table.compact[c] : HeaderKind::other;
  }
  if (name.empty()) return HeaderKind::other;
  std::size_t i = name_slot(name);
  while (const std::uint8_t s = name_table.slots[i]) {
    if (detail::iequals(canonical_names[s - 1], name)) return HeaderKind(s - 1);
    i = (i + 1) % NameTable::size;
  }
  return HeaderKind::other;
}


bool parse_message(std::string_view data, RefMessage& m, ParseError& error,
                          const ParseLimits& limits) {
  m = RefMessage{};
  error.clear();
  if (data.size() > limits.max_message_bytes)
    fail(error, 513, HeaderKind::other, "message larger than the configured limit");

  const char* p = data.data();
  const char* const end = p + data.size();
  // RFC 3261 §7.5: CRLFs before the start line are ignored.
  while (p < end && (*p == '\r' || *p == '\n')) ++p;
  const char* nl = find_line_end(p, end);
  if (!nl) return fail(error, 400, HeaderKind::other, "no line break after the start line");
  std::string_view line(p, std::size_t(nl - p));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

  // Start line: Request-Line = Method SP Request-URI SP SIP-Version, one SP exactly
  // between elements (RFC 4475 §3.1.2.9, §3.1.2.10 are refused rather than repaired).
  if (line.size() >= 4 && iequals(line.substr(0, 4), "SIP/")) {
    m.is_request = false;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return fail(error, 400, HeaderKind::other, "status line has no status code");
    const int version = check_version(line.substr(0, sp1));
    if (version == 400) return fail(error, 400, HeaderKind::other, "status line: malformed SIP version");
    std::string_view rest = line.substr(sp1 + 1);
    const std::size_t sp2 = rest.find(' ');
    const std::string_view code = rest.substr(0, sp2);
    if (code.size() != 3 || !is_digit(code[0]) || !is_digit(code[1]) || !is_digit(code[2]) ||
        code[0] < '1' || code[0] > '6')
      return fail(error, 400, HeaderKind::other, "status line: status code is not 100-699");
    m.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    m.reason = sp2 == std::string_view::npos ? std::string_view{} : rest.substr(sp2 + 1);
    error.start_line_parsed = true;
    if (version == 505) fail(error, 505, HeaderKind::other, "SIP version is not 2.0");
  } else {
    m.is_request = true;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0)
      return fail(error, 400, HeaderKind::other, "request line has no Request-URI");
    m.method_text = line.substr(0, sp1);
    if (!is_token(m.method_text)) return fail(error, 400, HeaderKind::other, "request line: method is not a token");
    m.method = method_from_name(m.method_text);
    // From here on the method is known, so even a refused request line leaves enough to
    // answer 400 once the header fields are split (RFC 4475 §3.1.2.8-10).
    error.start_line_parsed = true;
    const std::string_view rest = line.substr(sp1 + 1);
    const std::size_t sp2 = rest.find(' ');
    m.request_uri = rest.substr(0, sp2);
    const std::string_view version_text =
        sp2 == std::string_view::npos ? std::string_view{} : rest.substr(sp2 + 1);
    const int version = check_version(version_text);
    if (sp2 == 0 || m.request_uri.empty() || version == 400)
      fail(error, 400, HeaderKind::other,
           "request line: expected Method SP Request-URI SP SIP-Version, single spaces");
    else if (version == 505)
      fail(error, 505, HeaderKind::other, "SIP version is not 2.0");
  }
  p = nl + 1;

  // Header fields. Folded lines (leading SP/HT) extend the previous value in place: the
  // value view simply grows over the line break, which typed parsers treat as LWS.
  bool terminated = false;
  while (p < end) {
    nl = find_line_end(p, end);
    const char* line_end = nl ? nl : end;
    const char* content_end = (line_end > p && line_end[-1] == '\r') ? line_end - 1 : line_end;
    if (content_end == p) {  // empty line: end of headers
      p = nl ? nl + 1 : end;
      terminated = true;
      break;
    }
    if (!nl) break;  // a header line with no line break: the header block never ended
    if (*p == ' ' || *p == '\t') {
      if (m.headers.empty())
        return fail(error, 400, HeaderKind::other, "continuation line before any header field");
      Header& h = m.headers.back();
      h.value = std::string_view(h.value.data(), std::size_t(content_end - h.value.data()));
      p = nl + 1;
      continue;
    }
    const char* q = p;
    while (q < content_end && is_token_char(*q)) ++q;
    const std::string_view name(p, std::size_t(q - p));
    while (q < content_end && (*q == ' ' || *q == '\t')) ++q;
    if (name.empty() || q == content_end || *q != ':')
      return fail(error, 400, HeaderKind::other, "malformed header line (no name or no colon)");
    ++q;
    while (q < content_end && (*q == ' ' || *q == '\t')) ++q;
    if (m.headers.size() >= limits.max_headers)
      return fail(error, 400, HeaderKind::other, "too many header fields");
    m.headers.push_back(Header{header_kind_from_name(name), name,
                                std::string_view(q, std::size_t(content_end - q))});
    p = nl + 1;
  }
  if (!terminated) return fail(error, 400, HeaderKind::other, "header fields not ended by an empty line");
  for (Header& h : m.headers) h.value = trim(h.value);

  // Validation: one pass over the fields every element relies on.
  int count[std::size_t(HeaderKind::count_)] = {};
  for (const Header& h : m.headers) {
    ++count[std::size_t(h.kind)];
    switch (h.kind) {
      case HeaderKind::via:
        // The top Via is what matching and response routing need; the rest are checked
        // by validate_message.
        if (count[std::size_t(HeaderKind::via)] == 1) {
          bool ok = true;
          for_each_list_element(h.value, [&](std::string_view v) {
            Via via;
            if (!reference::parse_via(v, via)) ok = fail(error, 400, HeaderKind::via, "malformed via-parm");
            return false;
          });
        }
        break;
      case HeaderKind::cseq: {
        CSeq c;
        if (!reference::parse_cseq(h.value, c))
          fail(error, 400, HeaderKind::cseq, "sequence number must be below 2^31, followed by a method");
        else if (m.is_request && c.method_text != m.method_text)
          fail(error, 400, HeaderKind::cseq, "method does not match the request line");
        break;
      }
      case HeaderKind::call_id:
        if (h.value.empty()) fail(error, 400, HeaderKind::call_id, "empty");
        for (char c : h.value)
          if (is_ws(c)) {
            fail(error, 400, HeaderKind::call_id, "white space inside the Call-ID");
            break;
          }
        break;
      case HeaderKind::content_length:
        if (!parse_decimal(h.value, 0xffffffffULL))
          fail(error, 400, HeaderKind::content_length, "not a non-negative decimal number");
        break;
      case HeaderKind::max_forwards:
        if (!parse_decimal(h.value, 255))
          fail(error, 400, HeaderKind::max_forwards, "not a number from 0 to 255");
        break;
      default:
        break;
    }
  }
  // Singleton fields may appear once (RFC 4475 §3.3.8, §3.3.9).
  static constexpr HeaderKind singletons[] = {HeaderKind::from, HeaderKind::to, HeaderKind::call_id,
                                              HeaderKind::cseq, HeaderKind::content_length,
                                              HeaderKind::max_forwards, HeaderKind::content_type};
  for (HeaderKind k : singletons)
    if (count[std::size_t(k)] > 1) fail(error, 400, k, "appears more than once");
  static constexpr HeaderKind required[] = {HeaderKind::via, HeaderKind::from, HeaderKind::to,
                                            HeaderKind::call_id, HeaderKind::cseq};
  for (HeaderKind k : required)
    if (count[std::size_t(k)] == 0) fail(error, 400, k, "missing");

  // Body: Content-Length octets when given (extra datagram octets are ignored, §18.3),
  // the rest otherwise.
  const std::string_view rest(p, std::size_t(end - p));
  m.body = rest;
  if (count[std::size_t(HeaderKind::content_length)] == 1) {
    const auto cl = parse_decimal(first_value(m, HeaderKind::content_length), 0xffffffffULL);
    if (cl) {
      if (*cl > rest.size())
        fail(error, 400, HeaderKind::content_length, "larger than the message body");
      else
        m.body = rest.substr(0, std::size_t(*cl));
    }
  }
  return error.status == 0;
}


bool validate_fields(const RefMessage& m, ParseError& error) {
  for (const Header& h : m.headers) {
    switch (h.kind) {
      case HeaderKind::via: {
        bool ok = true;
        for_each_list_element(h.value, [&](std::string_view v) {
          Via via;
          if (!reference::parse_via(v, via)) ok = fail(error, 400, HeaderKind::via, "malformed via-parm");
          return ok;
        });
        break;
      }
      case HeaderKind::from:
      case HeaderKind::to: {
        NameAddress na;
        if (!reference::parse_name_address(h.value, na) || na.is_wildcard)
          fail(error, 400, h.kind, "malformed name-addr or addr-spec");
        break;
      }
      case HeaderKind::contact:
        validate_name_address_list(m, h.kind, h.value, error, true);
        break;
      case HeaderKind::route:
      case HeaderKind::record_route:
        validate_name_address_list(m, h.kind, h.value, error, false);
        break;
      default:
        break;
    }
  }
  if (m.is_request && error.status == 0) {
    Uri uri;
    if (!reference::parse_uri(m.request_uri, uri))
      fail(error, 400, HeaderKind::other, "Request-URI is malformed");
    else if (uri.is_sip() && !uri.headers.empty())
      // §19.1.1: headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
      fail(error, 400, HeaderKind::other, "Request-URI carries escaped headers");
  }
  return error.status == 0;
}


bool parse_and_validate(std::string_view data, RefMessage& out, ParseError& error, const ParseLimits& limits) {
  const bool parsed = parse_message(data, out, error, limits);
  // Field syntax is checked even after a refusal so the reason names the first problem
  // in header order when the split itself succeeded.
  if (!parsed && error.status != 400) return false;
  const bool valid = validate_fields(out, error);
  return parsed && valid;
}


// The old serializer (sip/serializer.cc), field by field with no shortcuts.
namespace {
struct Writer {
  char* p;
  void put(std::string_view s) {
    if (s.empty()) return;
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
  void put(char c) { *p++ = c; }
};
}  // namespace

void serialize(const Message& m, std::string& out) {
  out.clear();
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

}  // namespace cpark::sip::reference
