// SIP URI and name-addr parsing, formatting and comparison (RFC 3261 §19.1, §20.10, §25).
#include "sip/uri.h"

#include <cstring>

#include "sip/detail/header_params.h"
#include "sip/detail/text.h"

namespace cpark::sip {
namespace {

using detail::is;
using detail::is_ws;
using detail::view;

const char* find_char(const char* p, const char* end, char c) {
  // Most spans searched here (a user part, a URI) are short: a loop beats memchr's call.
  if (end - p <= 16) {
    for (; p < end; ++p)
      if (*p == c) return p;
    return nullptr;
  }
  return static_cast<const char*>(std::memchr(p, c, std::size_t(end - p)));
}

// IPv4address (§25.1): four decimal octets of one to three digits, each at most 255.
bool is_ipv4(const char* p, const char* end) {
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (p == end || *p != '.') return false;
      ++p;
    }
    const char* const digits = p;
    unsigned value = 0;
    while (p < end && detail::is_digit(*p) && p - digits < 3) value = value * 10 + unsigned(*p++ - '0');
    if (p == digits || value > 255) return false;
  }
  return p == end;
}

// IPv6reference, loosely: "[" HEXDIG / ":" / "." "]" with at least two characters inside.
bool is_ipv6_reference(std::string_view h) {
  if (h.size() < 4 || h.front() != '[' || h.back() != ']') return false;
  for (char c : h.substr(1, h.size() - 2))
    if (!is(c, detail::k_ipv6)) return false;
  return true;
}

// uri-parameters = *( ";" pname [ "=" pvalue ] ), paramchars or escapes, pname not empty.
// Returns where the run stops (at '?', at the end, or at a character that cannot follow);
// ok turns false on an empty name or a bad escape.
const char* scan_uri_params(const char* p, const char* end, bool& ok) {
  while (p < end && *p == ';') {
    const char* const name = p + 1;
    p = detail::skip_escaped(name, end, detail::k_param, ok);
    if (!ok) return p;
    if (p == name) {
      ok = false;
      return p;
    }
    if (p < end && *p == '=') {
      p = detail::skip_escaped(p + 1, end, detail::k_param, ok);
      if (!ok) return p;
    }
  }
  return p;
}

// headers = hname "=" hvalue *( "&" hname "=" hvalue ), hname not empty (§19.1.1).
bool valid_uri_headers(const char* p, const char* end) {
  bool ok = true;
  while (true) {
    const char* const name = p;
    p = detail::skip_escaped(p, end, detail::k_header, ok);
    if (!ok || p == name || p == end || *p != '=') return false;
    p = detail::skip_escaped(p + 1, end, detail::k_header, ok);
    if (!ok) return false;
    if (p == end) return true;
    if (*p != '&') return false;
    ++p;
  }
}

}  // namespace

bool detail::valid_header_params(std::string_view raw) {
  return scan_header_params(raw, [](std::string_view, std::string_view, bool) {});
}

namespace {

bool unescaped_equal(std::string_view a, std::string_view b, bool case_insensitive) {
  std::string x, y;
  if (!decode(a, x) || !decode(b, y)) return a == b;
  return case_insensitive ? detail::iequals(x, y) : x == y;
}

}  // namespace

namespace detail {

bool next_param(std::string_view& rest, std::string_view& name, std::string_view& value,
                bool& has_value) {
  const char* p = skip_ws(rest.data(), rest.data() + rest.size());
  const char* const end = rest.data() + rest.size();
  if (p == end || *p != ';') return false;
  p = skip_ws(p + 1, end);
  const char* const name_begin = p;
  while (p < end && !is_ws(*p) && *p != '=' && *p != ';') ++p;
  name = view(name_begin, p);
  p = skip_ws(p, end);
  has_value = false;
  value = {};
  if (p < end && *p == '=') {
    has_value = true;
    const char* const value_begin = skip_ws(p + 1, end);
    const char* value_end = value_begin;
    if (value_begin < end && *value_begin == '"') {
      value_end = skip_quoted(value_begin, end);
      if (!value_end) value_end = end;
    } else {
      while (value_end < end && !is_ws(*value_end) && *value_end != ';') ++value_end;
    }
    value = view(value_begin, value_end);
    p = value_end;
  }
  rest = view(p, end);
  return true;
}

}  // namespace detail

std::optional<std::string_view> Params::find(std::string_view wanted) const {
  std::string_view rest = raw_, name, value;
  bool has_value = false;
  while (detail::next_param(rest, name, value, has_value))
    if (detail::iequals(name, wanted)) return value;
  return std::nullopt;
}

std::optional<std::string_view> Uri::header(std::string_view name) const {
  std::size_t i = 0;
  while (i < headers.size()) {
    std::size_t j = headers.find('&', i);
    if (j == std::string_view::npos) j = headers.size();
    std::string_view h = headers.substr(i, j - i);
    const std::size_t eq = h.find('=');
    if (detail::iequals(h.substr(0, eq), name))
      return eq == std::string_view::npos ? std::string_view{} : h.substr(eq + 1);
    i = j + 1;
  }
  return std::nullopt;
}

bool parse_uri(std::string_view text, Uri& out) {
  out = Uri{};
  out.text = text;
  const char* p = text.data();
  const char* const end = p + text.size();
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':' (§25.1).
  if (p == end || !is(*p, detail::k_alnum) || detail::is_digit(*p)) return false;
  const char* const colon = detail::skip_class(p + 1, end, detail::k_scheme);
  if (colon == end || *colon != ':') return false;
  const std::string_view scheme = view(p, colon);
  out.scheme_text = scheme;
  p = colon + 1;
  if (p == end) return false;
  bool ok = true;

  if (detail::iequals_lower(scheme, "sip")) {
    out.scheme = UriScheme::sip;
  } else if (detail::iequals_lower(scheme, "sips")) {
    out.scheme = UriScheme::sips;
  } else if (detail::iequals_lower(scheme, "tel")) {
    // RFC 3966: telephone-subscriber with ';' parameters.
    out.scheme = UriScheme::tel;
    const char* semi = find_char(p, end, ';');
    if (!semi) semi = end;
    out.user = view(p, semi);
    if (semi == p || detail::skip_escaped(p, semi, detail::k_user, ok) != semi || !ok) return false;
    if (semi != end) {
      if (scan_uri_params(semi, end, ok) != end || !ok) return false;
      out.params = Params(view(semi, end));
    }
    return true;
  } else {
    // Schemes we do not parse are kept opaque so the server can answer 416, not 400.
    out.scheme = UriScheme::other;
    if (detail::skip_class(p, end, detail::k_opaque) != end) return false;
    out.opaque = view(p, end);
    return true;
  }

  // sip / sips: [userinfo "@"] hostport uri-parameters [headers]. '@' cannot appear
  // unescaped after the userinfo, so the first one ends it (RFC 4475 §3.1.1.2, §3.1.1.9).
  if (const char* at = find_char(p, end, '@')) {
    const char* const password = find_char(p, at, ':');
    const char* const user_end = password ? password : at;
    out.user = view(p, user_end);
    if (user_end == p || detail::skip_escaped(p, user_end, detail::k_user, ok) != user_end || !ok)
      return false;
    if (password) {
      out.has_password = true;
      out.password = view(password + 1, at);
      if (detail::skip_escaped(password + 1, at, detail::k_user, ok) != at || !ok) return false;
    }
    p = at + 1;
  }
  const char* const host = p;
  if (p < end && *p == '[') {
    const char* const close = find_char(p, end, ']');
    if (!close) return false;
    p = close + 1;
    out.host = view(host, p);
    if (!is_ipv6_reference(out.host)) return false;
    out.host_kind = HostKind::ipv6;
  } else {
    p = detail::skip_class(p, end, detail::k_host);
    out.host = view(host, p);
    if (p == host || *host == '.' || *host == '-') return false;
    out.host_kind = is_ipv4(host, p) ? HostKind::ipv4 : HostKind::name;
  }
  if (p < end && *p == ':') {
    const char* const digits = p + 1;
    p = digits;
    while (p < end && detail::is_digit(*p)) ++p;
    const auto port = detail::parse_decimal(view(digits, p), 65535);
    if (!port || *port == 0) return false;
    out.port = std::uint16_t(*port);
  }
  if (p < end && *p == ';') {
    const char* const params = p;
    p = scan_uri_params(p, end, ok);
    if (!ok) return false;
    out.params = Params(view(params, p));
  }
  if (p < end) {
    // Only headers may follow (§19.1.1), after '?'.
    if (*p != '?') return false;
    out.headers = view(p + 1, end);
    if (!valid_uri_headers(p + 1, end)) return false;
  }
  return true;
}

void format_uri(const Uri& uri, std::string& out) {
  switch (uri.scheme) {
    case UriScheme::sip: out += "sip:"; break;
    case UriScheme::sips: out += "sips:"; break;
    case UriScheme::tel:
      out += "tel:";
      out += uri.user;
      out += uri.params.raw();
      return;
    case UriScheme::other:
      out += uri.scheme_text;
      out += ':';
      out += uri.opaque;
      return;
  }
  if (!uri.user.empty()) {
    out += uri.user;
    if (uri.has_password) {
      out += ':';
      out += uri.password;
    }
    out += '@';
  }
  out += uri.host;
  if (uri.port) {
    out += ':';
    out += std::to_string(uri.port);
  }
  out += uri.params.raw();
  if (!uri.headers.empty()) {
    out += '?';
    out += uri.headers;
  }
}

bool decode(std::string_view s, std::string& out) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || !detail::is_hex(s[i + 1]) || !detail::is_hex(s[i + 2])) return false;
    out += char(detail::hex_value(s[i + 1]) * 16 + detail::hex_value(s[i + 2]));
    i += 2;
  }
  return true;
}

void encode(std::string_view raw, std::string_view also_allowed, std::string& out) {
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char c : raw) {
    if (is(c, detail::k_unreserved) || also_allowed.find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += hex[std::uint8_t(c) >> 4];
      out += hex[std::uint8_t(c) & 15];
    }
  }
}

bool uri_equivalent(const Uri& a, const Uri& b) {
  if (a.scheme != b.scheme) return false;
  if (a.scheme == UriScheme::other)
    return detail::iequals(a.scheme_text, b.scheme_text) && a.opaque == b.opaque;
  // §19.1.4: userinfo is case-sensitive, compared after unescaping.
  if (!unescaped_equal(a.user, b.user, false)) return false;
  if (a.has_password != b.has_password || !unescaped_equal(a.password, b.password, false))
    return false;
  if (a.scheme == UriScheme::tel) {
    // RFC 3966 §4: parameters compare as a set; treat like SIP's "both present" rule.
  } else {
    if (!detail::iequals(a.host, b.host)) return false;
    // A URI omitting a component with a default value does not match one that has it.
    if (a.port != b.port) return false;
  }
  static constexpr std::string_view must_match[] = {"transport", "user", "ttl", "method",
                                                    "maddr"};
  for (std::string_view name : must_match) {
    const auto x = a.params.find(name), y = b.params.find(name);
    if (x.has_value() != y.has_value()) return false;
    if (x && !unescaped_equal(*x, *y, true)) return false;
  }
  bool params_agree = true;
  a.params.for_each([&](std::string_view name, std::string_view value, bool) {
    const auto other = b.params.find(name);
    if (other && !unescaped_equal(value, *other, true)) params_agree = false;
  });
  if (!params_agree) return false;
  // Headers: every header in either must be present in both and equal.
  auto headers_contained = [](const Uri& x, const Uri& y) {
    std::size_t i = 0;
    while (i < x.headers.size()) {
      std::size_t j = x.headers.find('&', i);
      if (j == std::string_view::npos) j = x.headers.size();
      std::string_view h = x.headers.substr(i, j - i);
      const std::size_t eq = h.find('=');
      const auto other = y.header(h.substr(0, eq));
      if (!other) return false;
      if (!unescaped_equal(eq == std::string_view::npos ? std::string_view{} : h.substr(eq + 1),
                           *other, false))
        return false;
      i = j + 1;
    }
    return true;
  };
  return headers_contained(a, b) && headers_contained(b, a);
}

std::string NameAddress::display_name_text() const {
  std::string out;
  std::string_view d = display_name;
  if (d.size() >= 2 && d.front() == '"' && d.back() == '"') {
    d = d.substr(1, d.size() - 2);
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (d[i] == '\\' && i + 1 < d.size()) ++i;
      out += d[i];
    }
    return out;
  }
  // Token runs separated by linear white space collapse to single spaces.
  bool space = false;
  for (char c : d) {
    if (is_ws(c)) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

namespace {

// parse_name_address without resetting out.uri, which parse_uri resets itself.
bool parse_name_address_fields(std::string_view text, NameAddress& out) {
  out.display_name = {};
  out.params = Params();
  out.is_wildcard = false;
  out.has_angle_brackets = false;
  const std::string_view t = detail::trim(text);
  if (t.empty()) return false;
  if (t.size() == 1 && t[0] == '*') {
    out.is_wildcard = true;
    out.uri = Uri{};
    return true;
  }
  const char* const begin = t.data();
  const char* const end = begin + t.size();
  const char* lt = nullptr;
  if (*begin == '"') {
    const char* const quoted_end = detail::skip_quoted(begin, end);
    if (!quoted_end) return false;
    out.display_name = view(begin, quoted_end);
    lt = detail::skip_ws(quoted_end, end);
    if (lt == end || *lt != '<') return false;
  } else {
    lt = find_char(begin, end, '<');
    if (lt) {
      // display-name = *(token LWS): RFC 4475 §3.1.2.15 rejects "Bell, Alexander".
      const std::string_view display = detail::trim(view(begin, lt));
      for (char c : display)
        if (!is(c, detail::char_class(detail::k_token | detail::k_ws))) return false;
      out.display_name = display;
    }
  }
  std::string_view uri_text, rest;
  if (lt) {
    const char* const gt = find_char(lt, end, '>');
    if (!gt) return false;
    // White space inside the brackets (RFC 4475 §3.1.2.14) fails parse_uri below: no
    // URI form admits it.
    uri_text = view(lt + 1, gt);
    out.has_angle_brackets = true;
    rest = view(gt + 1, end);
  } else {
    // addr-spec: header parameters start at the first ';' and the URI may not carry
    // ',', ';' or '?' (§20; RFC 4475 §3.1.2.13).
    const char* const semi = find_char(begin, end, ';');
    uri_text = detail::trim(view(begin, semi ? semi : end));
    for (char c : uri_text)
      if (is_ws(c) || c == '?' || c == ',') return false;
    if (semi) rest = view(semi, end);
  }
  if (!parse_uri(uri_text, out.uri)) return false;
  if (!detail::valid_header_params(rest)) return false;
  out.params = Params(detail::trim(rest));
  return true;
}

}  // namespace

bool parse_name_address(std::string_view text, NameAddress& out) {
  if (parse_name_address_fields(text, out)) return true;
  out = NameAddress{};  // no half-parsed values on failure
  return false;
}

void format_name_address(const NameAddress& value, std::string& out) {
  if (value.is_wildcard) {
    out += '*';
    return;
  }
  if (!value.display_name.empty()) {
    out += value.display_name;
    out += ' ';
  }
  out += '<';
  format_uri(value.uri, out);
  out += '>';
  out += value.params.raw();
}

}  // namespace cpark::sip
