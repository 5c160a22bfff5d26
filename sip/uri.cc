// SIP URI and name-addr parsing, formatting and comparison (RFC 3261 §19.1, §20.10, §25).
#include "sip/uri.h"

#include "sip/detail/text.h"

namespace cpark::sip {
namespace {

using detail::is;
using detail::is_ws;

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

}  // namespace

bool detail::valid_header_params(std::string_view raw) {
  std::string_view rest = raw, name, value;
  bool has_value = false;
  while (true) {
    std::size_t i = skip_ws(rest, 0);
    if (i == rest.size()) return true;
    if (rest[i] != ';') return false;
    if (!detail::next_param(rest, name, value, has_value)) return false;
    if (!detail::is_token(name)) return false;
    if (has_value && !valid_gen_value(value)) return false;
  }
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
  if (!parse_uri(uri_text, out.uri)) return false;
  if (!detail::valid_header_params(rest)) return false;
  out.params = Params(detail::trim(rest));
  return true;
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
