#include "engine/identity.h"

#include "engine/validated_deployment.h"

namespace cpark {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = char(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool starts_with_nocase(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && iequals(s.substr(0, p.size()), p);
}

}  // namespace

std::string sip_uri_of(std::string_view user_name, std::string_view domain) {
  std::string uri = "sip:";
  uri += user_name;
  if (user_name.find('@') == std::string_view::npos) {
    uri += '@';
    uri += domain;
  }
  return uri;
}

std::optional<IdentityParts> split_identity(std::string_view text) {
  // A name-addr: the URI is between the angle brackets; a display name comes before.
  if (auto open = text.find('<'); open != std::string_view::npos) {
    auto close = text.find('>', open);
    text = text.substr(open + 1, close == std::string_view::npos ? std::string_view::npos : close - open - 1);
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  for (std::string_view scheme : {"sips:", "sip:", "tel:"})
    if (starts_with_nocase(text, scheme)) {
      text.remove_prefix(scheme.size());
      break;
    }
  // URI parameters and headers do not name the party.
  text = text.substr(0, text.find_first_of(";?"));
  IdentityParts parts;
  if (auto at = text.rfind('@'); at != std::string_view::npos) {
    parts.user = text.substr(0, at);
    parts.host = text.substr(at + 1);
    // The port is not part of the identity ("alice@10.0.0.1:5060" is alice@10.0.0.1);
    // an IPv6 reference keeps its colons inside brackets.
    if (auto colon = parts.host.rfind(':');
        colon != std::string_view::npos && parts.host.find(']') == std::string_view::npos)
      parts.host = parts.host.substr(0, colon);
    else if (auto bracket = parts.host.find(']'); bracket != std::string_view::npos)
      parts.host = parts.host.substr(0, bracket + 1);
  } else {
    parts.user = text;
  }
  if (auto colon = parts.user.find(':'); colon != std::string_view::npos)
    parts.user = parts.user.substr(0, colon);  // user:password
  if (parts.user.empty()) return std::nullopt;
  return parts;
}

bool same_identity(std::string_view a, std::string_view b, std::string_view domain) {
  auto x = split_identity(a), y = split_identity(b);
  if (!x || !y) return false;
  const std::string_view hx = x->host.empty() ? domain : x->host;
  const std::string_view hy = y->host.empty() ? domain : y->host;
  return x->user == y->user && iequals(hx, hy);
}

std::optional<std::uint32_t> resolve_user(const ValidatedDeployment& d, std::string_view identity,
                                          std::string_view domain) {
  auto parts = split_identity(identity);
  if (!parts) return std::nullopt;
  if (!parts->host.empty()) {
    // Stored as "user@host" (the whole AOR is the name). Hosts compare without case
    // (RFC 3261 §19.1.4), so the lower-case host a store normally holds matches too.
    std::string aor = std::string(parts->user) + "@" + std::string(parts->host);
    if (auto u = d.find_user(aor)) return u;
    for (std::size_t i = parts->user.size() + 1; i < aor.size(); ++i)
      if (aor[i] >= 'A' && aor[i] <= 'Z') aor[i] = char(aor[i] - 'A' + 'a');
    if (auto u = d.find_user(aor)) return u;
    if (!iequals(parts->host, domain)) return std::nullopt;  // someone else's domain
  }
  if (auto u = d.find_user(parts->user)) return u;
  return d.find_user_by_number(parts->user);
}

}  // namespace cpark
