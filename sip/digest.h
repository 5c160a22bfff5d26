// SIP digest authentication (RFC 3261 §22, RFC 2617 with qop=auth, RFC 8760 SHA-256):
// HA1 computation (the server stores HA1, never the password), stateless nonces (an
// HMAC of a timestamp under a server secret, both given as inputs, so no nonce table
// and no clock), challenges with stale=true, and verification of Authorization /
// Proxy-Authorization. Hashes come from OpenSSL's libcrypto (EVP).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace cpark::sip {

enum class DigestAlgorithm : std::uint8_t { md5, sha256 };
std::string_view algorithm_name(DigestAlgorithm a);  // "MD5", "SHA-256"

// Lower-case hex of H(data).
std::string digest_hex(DigestAlgorithm a, std::string_view data);
// HA1 = H(username ":" realm ":" password) (RFC 2617 §3.2.2.2).
std::string compute_ha1(DigestAlgorithm a, std::string_view username, std::string_view realm,
                        std::string_view password);
// request-digest with qop=auth: H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" H(method ":" uri));
// without qop (RFC 2069 compatibility, empty qop): H(HA1 ":" nonce ":" HA2).
std::string compute_response(DigestAlgorithm a, std::string_view ha1, std::string_view nonce,
                             std::string_view nc, std::string_view cnonce, std::string_view qop,
                             std::string_view method, std::string_view uri);

// A nonce "<issue time, hex ms>.<HMAC-SHA256(secret, time) truncated, hex>": any server
// instance that knows the secret can check it, nothing is stored.
std::string make_nonce(std::string_view secret, std::chrono::milliseconds issued_at);
enum class NonceCheck : std::uint8_t { valid, stale, invalid };
NonceCheck check_nonce(std::string_view nonce, std::string_view secret, std::chrono::milliseconds now,
                       std::chrono::milliseconds lifetime);

// WWW-Authenticate / Proxy-Authenticate value:
// Digest realm="…", nonce="…", algorithm=MD5, qop="auth"[, stale=true]
std::string make_challenge(std::string_view realm, std::string_view nonce, DigestAlgorithm a,
                           bool stale = false, std::string_view opaque = {});

// Authorization / Proxy-Authorization credentials (views into the header value; quoted
// values without their quotes).
struct DigestCredentials {
  std::string_view username, realm, nonce, uri, response, cnonce, opaque, qop, nc;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  bool algorithm_known = true;
};
bool parse_credentials(std::string_view header_value, DigestCredentials& out);
// The challenge side, for a UAC answering a 401/407.
struct DigestChallenge {
  std::string_view realm, nonce, opaque, qop;
  DigestAlgorithm algorithm = DigestAlgorithm::md5;
  bool stale = false;
};
bool parse_challenge(std::string_view header_value, DigestChallenge& out);
// Authorization value a UAC sends for `challenge` (qop=auth when offered).
std::string make_authorization(const DigestChallenge& challenge, std::string_view username,
                               std::string_view ha1, std::string_view method, std::string_view uri,
                               std::string_view cnonce, std::uint32_t nonce_count);

enum class DigestVerdict : std::uint8_t {
  ok,
  stale_nonce,     // well-formed but expired: challenge again with stale=true
  bad_nonce,       // not one of ours
  wrong_response,  // wrong password (or tampered method/uri)
  wrong_realm,
  uri_mismatch,    // credentials for another Request-URI
  malformed,
};
// Verifies credentials against the stored HA1, the request method and Request-URI
// (§22.4: the uri parameter must be the Request-URI), the nonce secret and lifetime.
DigestVerdict verify_credentials(const DigestCredentials& credentials, std::string_view ha1,
                                 std::string_view realm, std::string_view method,
                                 std::string_view request_uri, std::string_view secret,
                                 std::chrono::milliseconds now, std::chrono::milliseconds nonce_lifetime);

}  // namespace cpark::sip
