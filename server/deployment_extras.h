// What the server reads from the deployment beyond the engine's rules: a pool's SIP
// address (P9 redirects), a user's digest credentials (S10) and the trusted peers (S8).
// The store gains these fields in schema 3; until then every accessor says "none".
#pragma once
#include <string>
#include <string_view>

#include "engine/validated_deployment.h"

namespace cpark::server {

struct Credentials {
  std::string realm, ha1_md5, ha1_sha256;
  bool has_password() const { return !ha1_md5.empty() || !ha1_sha256.empty(); }
};
struct TrustedPeer {
  std::string name, address;
};

inline std::string pool_address(const Pool&) { return {}; }
inline Credentials credentials_of(const User&) { return {}; }
inline const TrustedPeer* find_trusted_peer(const ValidatedDeployment&, std::string_view, std::uint16_t) {
  return nullptr;
}

}  // namespace cpark::server
