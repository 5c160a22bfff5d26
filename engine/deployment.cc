#include "engine/deployment.h"

#include <algorithm>
#include <cctype>

namespace cpark {

const char* to_string(OrbitChoice c) {
  switch (c) {
    case OrbitChoice::Next: return "next";
    case OrbitChoice::First: return "first";
    case OrbitChoice::Random: return "random";
  }
  return "next";
}

std::optional<OrbitChoice> parse_orbit_choice(std::string_view s) {
  if (s == "next") return OrbitChoice::Next;
  if (s == "first") return OrbitChoice::First;
  if (s == "random") return OrbitChoice::Random;
  return std::nullopt;
}

namespace {

bool iequals_prefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

// The name without a sip: or sips: scheme.
std::string_view without_scheme(std::string_view name) {
  if (iequals_prefix(name, "sips:")) return name.substr(5);
  if (iequals_prefix(name, "sip:")) return name.substr(4);
  return name;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Dotted-quad IPv4, each part 0-255 without leading zeros (which some parsers read as
// octal: "010" would be ambiguous).
bool parse_ipv4(std::string_view s, std::uint8_t* out) {
  int part = 0;
  std::size_t i = 0;
  while (part < 4) {
    if (i >= s.size() || !is_digit(s[i])) return false;
    unsigned value = 0;
    std::size_t digits = 0;
    for (; i < s.size() && is_digit(s[i]); ++i, ++digits) value = value * 10 + unsigned(s[i] - '0');
    if (digits > 3 || value > 255 || (digits > 1 && s[i - digits] == '0')) return false;
    out[part++] = std::uint8_t(value);
    if (part < 4) {
      if (i >= s.size() || s[i] != '.') return false;
      ++i;
    }
  }
  return i == s.size();
}

// RFC 4291 §2.2 text forms: eight groups of 1-4 hex digits, one "::" for a run of zero
// groups, and an IPv4 dotted quad in place of the last two groups. No zone ids.
bool parse_ipv6(std::string_view s, std::uint8_t* out) {
  std::uint16_t head[8], tail[8];
  int n_head = 0, n_tail = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
  } else if (!s.empty() && s[0] == ':') {
    return false;
  }
  std::uint8_t v4[4];
  bool has_v4 = false;
  while (i < s.size()) {
    const std::size_t start = i;
    unsigned value = 0;
    std::size_t digits = 0;
    for (; i < s.size() && hex_value(s[i]) >= 0 && digits < 5; ++i, ++digits) value = value * 16 + unsigned(hex_value(s[i]));
    if (i < s.size() && s[i] == '.') {  // the rest is an IPv4 dotted quad
      if (!parse_ipv4(s.substr(start), v4)) return false;
      has_v4 = true;
      i = s.size();
      break;
    }
    if (digits == 0 || digits > 4) return false;
    if (n_head + n_tail == 8) return false;  // a ninth group
    (compressed ? tail[n_tail++] : head[n_head++]) = std::uint16_t(value);
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;  // only one "::"
      compressed = true;
      ++i;
    } else if (i == s.size()) {
      return false;  // a trailing single ':'
    }
  }
  const int groups = n_head + n_tail + (has_v4 ? 2 : 0);
  if (compressed ? groups > 7 : groups != 8) return false;
  std::uint16_t all[8] = {};
  for (int k = 0; k < n_head; ++k) all[k] = head[k];
  const int tail_start = 8 - n_tail - (has_v4 ? 2 : 0);
  for (int k = 0; k < n_tail; ++k) all[tail_start + k] = tail[k];
  for (int k = 0; k < 8; ++k) {
    out[2 * k] = std::uint8_t(all[k] >> 8);
    out[2 * k + 1] = std::uint8_t(all[k] & 0xff);
  }
  if (has_v4) std::copy(v4, v4 + 4, out + 12);
  return true;
}

std::optional<std::uint16_t> parse_port(std::string_view s) {
  if (s.empty() || s.size() > 5) return std::nullopt;
  unsigned value = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    value = value * 10 + unsigned(c - '0');
  }
  if (value == 0 || value > 65535) return std::nullopt;
  return std::uint16_t(value);
}

bool is_host_name(std::string_view s) {
  if (s.empty() || !std::isalnum(static_cast<unsigned char>(s[0]))) return false;
  for (char c : s)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  return true;
}

}  // namespace

std::string digest_username(std::string_view user_name) {
  std::string_view rest = without_scheme(user_name);
  return std::string(rest.substr(0, rest.find('@')));
}

std::string default_digest_realm(std::string_view user_name) {
  std::string_view rest = without_scheme(user_name);
  const std::size_t at = rest.find('@');
  if (at == std::string_view::npos) return {};
  rest = rest.substr(at + 1);
  return std::string(rest.substr(0, rest.find_first_of(":;?>")));
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  IpAddress a;
  if (text.find(':') == std::string_view::npos) {
    if (!parse_ipv4(text, a.bytes.data() + 12)) return std::nullopt;
    a.bytes[10] = a.bytes[11] = 0xff;  // IPv4-mapped
    return a;
  }
  if (!parse_ipv6(text, a.bytes.data())) return std::nullopt;
  return a;
}

std::optional<PeerAddress> parse_peer_address(std::string_view text) {
  PeerAddress p;
  std::string_view host = text, port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = text.substr(1, close - 1);
    std::string_view after = text.substr(close + 1);
    if (host.find(':') == std::string_view::npos) return std::nullopt;  // brackets hold IPv6 only
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port = after.substr(1);
      if (port.empty()) return std::nullopt;
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {  // IPv4:port
    const std::size_t colon = text.find(':');
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (port.empty()) return std::nullopt;
  }
  auto ip = parse_ip_address(host);
  if (!ip) return std::nullopt;
  p.ip = *ip;
  if (!port.empty()) {
    auto n = parse_port(port);
    if (!n) return std::nullopt;
    p.port = *n;
  }
  return p;
}

bool is_pool_address(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;  // no white space or controls
  if (!iequals_prefix(text, "sip:") && !iequals_prefix(text, "sips:")) return false;
  std::string_view rest = without_scheme(text);
  const std::size_t end = rest.find_first_of(";?");
  std::string_view tail = end == std::string_view::npos ? std::string_view{} : rest.substr(end);
  rest = rest.substr(0, end);
  if (const std::size_t at = rest.rfind('@'); at != std::string_view::npos) {
    if (at == 0) return false;  // "sip:@host": an empty user part
    rest = rest.substr(at + 1);
  }
  std::string_view host = rest, port;
  if (!rest.empty() && rest.front() == '[') {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos) return false;
    host = rest.substr(0, close + 1);
    std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return false;
      port = after.substr(1);
      if (port.empty()) return false;
    }
    IpAddress unused;
    if (!parse_ipv6(host.substr(1, host.size() - 2), unused.bytes.data())) return false;
  } else {
    if (const std::size_t colon = rest.find(':'); colon != std::string_view::npos) {
      host = rest.substr(0, colon);
      port = rest.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (!is_host_name(host)) return false;
  }
  if (!port.empty() && !parse_port(port)) return false;
  return tail.empty() || tail.size() > 1;
}

namespace {
template <class V, class F>
auto find_by(V& v, F&& pred) -> decltype(&*v.begin()) {
  auto it = std::find_if(v.begin(), v.end(), pred);
  return it == v.end() ? nullptr : &*it;
}
}  // namespace

const Pool* Deployment::find_pool(std::string_view n) const {
  return find_by(pools, [&](auto& p) { return p.name == n; });
}
Pool* Deployment::find_pool(std::string_view n) {
  return find_by(pools, [&](auto& p) { return p.name == n; });
}
const OrbitRange* Deployment::find_range(std::string_view n) const {
  return find_by(ranges, [&](auto& r) { return r.name == n; });
}
OrbitRange* Deployment::find_range(std::string_view n) {
  return find_by(ranges, [&](auto& r) { return r.name == n; });
}
const CallParkSettings* Deployment::find_settings(std::string_view s) const {
  return find_by(settings, [&](auto& c) { return c.scope == s; });
}
const VoicePolicy* Deployment::find_policy(std::string_view n) const {
  return find_by(policies, [&](auto& p) { return p.name == n; });
}
const User* Deployment::find_user(std::string_view n) const {
  return find_by(users, [&](auto& u) { return u.name == n; });
}
User* Deployment::find_user(std::string_view n) {
  return find_by(users, [&](auto& u) { return u.name == n; });
}
const MusicFile* Deployment::find_music(std::string_view p) const {
  return find_by(music, [&](auto& m) { return m.pool == p; });
}
const TrustedPeer* Deployment::find_trusted_peer(std::string_view n) const {
  return find_by(trusted_peers, [&](auto& p) { return p.name == n; });
}

Pool& Deployment::ensure_pool(std::string_view name) {
  if (auto* p = find_pool(name)) return *p;
  Pool p;
  p.name = std::string(name);
  pools.push_back(std::move(p));
  return pools.back();
}

CallParkSettings Deployment::effective_settings(std::string_view pool) const {
  if (auto* s = find_settings("service:" + std::string(pool))) return *s;
  if (auto* p = find_pool(pool); p && !p->site.empty())
    if (auto* s = find_settings("site:" + p->site)) return *s;
  if (auto* s = find_settings("global")) return *s;
  return CallParkSettings{};
}

bool Deployment::call_park_enabled_for(const User& u) const {
  if (!u.policy.empty())
    if (auto* p = find_policy(u.policy)) return p->enable_call_park;
  if (auto* pool = find_pool(u.pool); pool && !pool->site.empty())
    if (auto* p = find_policy("site:" + pool->site)) return p->enable_call_park;
  if (auto* p = find_policy("global")) return p->enable_call_park;
  return false;
}

}  // namespace cpark
