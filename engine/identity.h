// The one mapping between the store's user names and SIP identities; the SIP server and
// the simulator both use it. A user stored as "alice@contoso.com" is
// sip:alice@contoso.com; a user stored as a bare "alice" is sip:alice@DOMAIN for the
// serving domain; a number (an extension or a line) names the user it belongs to.
// Comparisons follow RFC 3261 §19.1.4 for the parts that name a party: the user part is
// case-sensitive, the host is not, and parameters, display names and ports do not count.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpark {

class ValidatedDeployment;

// The address of record of the user named `user_name` when serving `domain`.
std::string sip_uri_of(std::string_view user_name, std::string_view domain);

// The user part and host of an identity written any way a person or a SIP header writes
// it: "alice", "alice@contoso.com", "sip:alice@contoso.com;transport=tcp",
// "Alice <sip:alice@contoso.com:5061>", "tel:+14255550100". `host` is empty when the
// text has none. Returns nullopt for text that names no party (empty, "sip:", "<>").
struct IdentityParts {
  std::string_view user;
  std::string_view host;
};
std::optional<IdentityParts> split_identity(std::string_view text);

// Whether `a` and `b` name the same party; a missing host stands for `domain`.
bool same_identity(std::string_view a, std::string_view b, std::string_view domain);

// The user `identity` names in `d` when serving `domain`: the user stored as "user@host";
// else, when the host is the serving domain (or absent), the user stored as a bare "user",
// then the user whose extension or line number is the user part.
std::optional<std::uint32_t> resolve_user(const ValidatedDeployment& d, std::string_view identity,
                                          std::string_view domain);

}  // namespace cpark
