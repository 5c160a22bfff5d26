// Digest computation and verification over OpenSSL EVP (MD5, SHA-256, HMAC-SHA256).
#include "sip/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <cstring>

#include "sip/detail/text.h"
#include "sip/message.h"
#include "sip/uri.h"

namespace cpark::sip {
namespace {

void append_hex(const unsigned char* data, std::size_t size, std::string& out) {
  static constexpr char hex[] = "0123456789abcdef";
  for (std::size_t i = 0; i < size; ++i) {
    out += hex[data[i] >> 4];
    out += hex[data[i] & 15];
  }
}

// Constant-time comparison of two hex strings (no early exit on the first difference).
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= std::uint8_t(detail::to_lower(a[i]) ^ detail::to_lower(b[i]));
  return diff == 0;
}

std::string nonce_mac(std::string_view secret, std::string_view stamp) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), int(secret.size()), reinterpret_cast<const unsigned char*>(stamp.data()),
       stamp.size(), mac, &size);
  std::string out;
  append_hex(mac, 16, out);
  return out;
}

std::string_view unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
  return v;
}

// Calls f(name, value) for each auth-param of "Digest a=b, c="d"".
template <class F>
bool for_each_auth_param(std::string_view value, std::string_view& scheme, F&& f) {
  const std::string_view t = detail::trim(value);
  std::size_t i = 0;
  while (i < t.size() && detail::is_token_char(t[i])) ++i;
  scheme = t.substr(0, i);
  if (scheme.empty()) return false;
  std::string_view rest = t.substr(i);
  while (true) {
    rest = detail::trim_left(rest);
    if (rest.empty()) return true;
    std::size_t j = 0;
    while (j < rest.size() && detail::is_token_char(rest[j])) ++j;
    const std::string_view name = rest.substr(0, j);
    rest = detail::trim_left(rest.substr(j));
    if (name.empty() || rest.empty() || rest[0] != '=') return false;
    rest = detail::trim_left(rest.substr(1));
    std::size_t k = 0;
    if (!rest.empty() && rest[0] == '"') {
      for (k = 1; k < rest.size() && rest[k] != '"'; ++k)
        if (rest[k] == '\\') ++k;
      if (k >= rest.size()) return false;
      ++k;
    } else {
      while (k < rest.size() && rest[k] != ',' && !detail::is_ws(rest[k])) ++k;
    }
    f(name, rest.substr(0, k));
    rest = detail::trim_left(rest.substr(k));
    if (!rest.empty()) {
      if (rest[0] != ',') return false;
      rest = rest.substr(1);
    }
  }
}

bool algorithm_from(std::string_view v, DigestAlgorithm& a) {
  v = unquote(v);
  if (detail::iequals(v, "MD5")) a = DigestAlgorithm::md5;
  else if (detail::iequals(v, "SHA-256")) a = DigestAlgorithm::sha256;
  else return false;
  return true;
}

}  // namespace

std::string_view algorithm_name(DigestAlgorithm a) { return a == DigestAlgorithm::md5 ? "MD5" : "SHA-256"; }

std::string digest_hex(DigestAlgorithm a, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), md, &size, a == DigestAlgorithm::md5 ? EVP_md5() : EVP_sha256(), nullptr);
  std::string out;
  append_hex(md, size, out);
  return out;
}

std::string compute_ha1(DigestAlgorithm a, std::string_view username, std::string_view realm,
                        std::string_view password) {
  std::string s;
  s.reserve(username.size() + realm.size() + password.size() + 2);
  s.append(username).append(":").append(realm).append(":").append(password);
  return digest_hex(a, s);
}

std::string compute_response(DigestAlgorithm a, std::string_view ha1, std::string_view nonce,
                             std::string_view nc, std::string_view cnonce, std::string_view qop,
                             std::string_view method, std::string_view uri) {
  std::string a2;
  a2.append(method).append(":").append(uri);
  const std::string ha2 = digest_hex(a, a2);
  std::string s;
  s.append(ha1).append(":").append(nonce).append(":");
  if (!qop.empty()) s.append(nc).append(":").append(cnonce).append(":").append(qop).append(":");
  s.append(ha2);
  return digest_hex(a, s);
}

std::string make_nonce(std::string_view secret, std::chrono::milliseconds issued_at) {
  char stamp[24];
  const auto end = std::to_chars(stamp, stamp + sizeof stamp, std::uint64_t(issued_at.count()), 16).ptr;
  std::string out(stamp, std::size_t(end - stamp));
  const std::string mac = nonce_mac(secret, out);
  out += '.';
  out += mac;
  return out;
}

NonceCheck check_nonce(std::string_view nonce, std::string_view secret, std::chrono::milliseconds now,
                       std::chrono::milliseconds lifetime) {
  const std::size_t dot = nonce.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot > 16) return NonceCheck::invalid;
  const std::string_view stamp = nonce.substr(0, dot);
  if (!same_secret(nonce_mac(secret, stamp), nonce.substr(dot + 1))) return NonceCheck::invalid;
  std::uint64_t issued = 0;
  const auto r = std::from_chars(stamp.data(), stamp.data() + stamp.size(), issued, 16);
  if (r.ec != std::errc{} || r.ptr != stamp.data() + stamp.size()) return NonceCheck::invalid;
  const auto issued_at = std::chrono::milliseconds(std::int64_t(issued));
  if (issued_at > now || now - issued_at > lifetime) return NonceCheck::stale;
  return NonceCheck::valid;
}

std::string make_challenge(std::string_view realm, std::string_view nonce, DigestAlgorithm a, bool stale,
                           std::string_view opaque) {
  std::string out = "Digest realm=\"";
  out.append(realm).append("\", nonce=\"").append(nonce).append("\", algorithm=");
  out.append(algorithm_name(a)).append(", qop=\"auth\"");
  if (!opaque.empty()) out.append(", opaque=\"").append(opaque).append("\"");
  if (stale) out.append(", stale=true");
  return out;
}

bool parse_credentials(std::string_view value, DigestCredentials& out) {
  out = DigestCredentials{};
  std::string_view scheme;
  const bool ok = for_each_auth_param(value, scheme, [&](std::string_view name, std::string_view v) {
    if (detail::iequals(name, "username")) out.username = unquote(v);
    else if (detail::iequals(name, "realm")) out.realm = unquote(v);
    else if (detail::iequals(name, "nonce")) out.nonce = unquote(v);
    else if (detail::iequals(name, "uri")) out.uri = unquote(v);
    else if (detail::iequals(name, "response")) out.response = unquote(v);
    else if (detail::iequals(name, "cnonce")) out.cnonce = unquote(v);
    else if (detail::iequals(name, "opaque")) out.opaque = unquote(v);
    else if (detail::iequals(name, "qop")) out.qop = unquote(v);
    else if (detail::iequals(name, "nc")) out.nc = unquote(v);
    else if (detail::iequals(name, "algorithm")) out.algorithm_known = algorithm_from(v, out.algorithm);
  });
  return ok && detail::iequals(scheme, "Digest") && !out.username.empty() && !out.nonce.empty() &&
         !out.response.empty() && !out.uri.empty();
}

bool parse_challenge(std::string_view value, DigestChallenge& out) {
  out = DigestChallenge{};
  std::string_view scheme;
  bool algorithm_ok = true;
  const bool ok = for_each_auth_param(value, scheme, [&](std::string_view name, std::string_view v) {
    if (detail::iequals(name, "realm")) out.realm = unquote(v);
    else if (detail::iequals(name, "nonce")) out.nonce = unquote(v);
    else if (detail::iequals(name, "opaque")) out.opaque = unquote(v);
    else if (detail::iequals(name, "qop")) out.qop = unquote(v);
    else if (detail::iequals(name, "stale")) out.stale = detail::iequals(unquote(v), "true");
    else if (detail::iequals(name, "algorithm")) algorithm_ok = algorithm_from(v, out.algorithm);
  });
  return ok && algorithm_ok && detail::iequals(scheme, "Digest") && !out.nonce.empty();
}

std::string make_authorization(const DigestChallenge& c, std::string_view username, std::string_view ha1,
                               std::string_view method, std::string_view uri, std::string_view cnonce,
                               std::uint32_t nonce_count) {
  // qop=auth when the server offers it (the qop list may hold "auth,auth-int").
  bool auth = false;
  for_each_list_element(c.qop, [&](std::string_view q) {
    if (detail::iequals(q, "auth")) auth = true;
    return !auth;
  });
  char nc[9];
  for (int i = 7; i >= 0; --i, nonce_count >>= 4) nc[i] = "0123456789abcdef"[nonce_count & 15];
  nc[8] = 0;
  const std::string response = compute_response(c.algorithm, ha1, c.nonce, auth ? std::string_view(nc, 8) : "",
                                                auth ? cnonce : "", auth ? "auth" : "", method, uri);
  std::string out = "Digest username=\"";
  out.append(username).append("\", realm=\"").append(c.realm).append("\", nonce=\"").append(c.nonce);
  out.append("\", uri=\"").append(uri).append("\", response=\"").append(response).append("\", algorithm=");
  out.append(algorithm_name(c.algorithm));
  if (auth) out.append(", qop=auth, nc=").append(nc, 8).append(", cnonce=\"").append(cnonce).append("\"");
  if (!c.opaque.empty()) out.append(", opaque=\"").append(c.opaque).append("\"");
  return out;
}

DigestVerdict verify_credentials(const DigestCredentials& c, std::string_view ha1, std::string_view realm,
                                 std::string_view method, std::string_view request_uri,
                                 std::string_view secret, std::chrono::milliseconds now,
                                 std::chrono::milliseconds nonce_lifetime) {
  if (!c.algorithm_known || c.response.empty()) return DigestVerdict::malformed;
  if (!c.qop.empty() && (!detail::iequals(c.qop, "auth") || c.nc.empty() || c.cnonce.empty()))
    return DigestVerdict::malformed;
  if (c.realm != realm) return DigestVerdict::wrong_realm;
  // §22.4: the uri must name the Request-URI (compared as URIs: case of host, escapes).
  if (c.uri != request_uri) {
    Uri a, b;
    if (!parse_uri(c.uri, a) || !parse_uri(request_uri, b) || !uri_equivalent(a, b))
      return DigestVerdict::uri_mismatch;
  }
  const NonceCheck nonce = check_nonce(c.nonce, secret, now, nonce_lifetime);
  if (nonce == NonceCheck::invalid) return DigestVerdict::bad_nonce;
  const std::string expected =
      compute_response(c.algorithm, ha1, c.nonce, c.nc, c.cnonce, c.qop, method, c.uri);
  if (!same_secret(expected, c.response)) return DigestVerdict::wrong_response;
  // RFC 2617 §3.2.1: stale only when the digest itself was right for the old nonce.
  return nonce == NonceCheck::stale ? DigestVerdict::stale_nonce : DigestVerdict::ok;
}

}  // namespace cpark::sip
