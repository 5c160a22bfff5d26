// SIP, SIPS and tel URIs (RFC 3261 §19.1, §25; RFC 3966) and the name-addr / addr-spec
// forms that carry them in From, To, Contact, Route and friends (§20.10, §25.1).
// Parsed values are views into the text they came from: nothing is copied or allocated.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cpark::sip {

enum class UriScheme : std::uint8_t { sip, sips, tel, other };
enum class HostKind : std::uint8_t { none, name, ipv4, ipv6 };

// A run of ";name[=value]" parameters, kept as text and searched on demand. URI parameters
// have no white space; header parameters may have linear white space around ';' and '='
// and quoted values. Names compare case-insensitively (RFC 3261 §7.3.1).
class Params {
 public:
  Params() = default;
  explicit Params(std::string_view raw) : raw_(raw) {}
  // The value of `name`: "" for a parameter without value, nullopt when absent. Quoted
  // values come back with their quotes.
  std::optional<std::string_view> find(std::string_view name) const;
  bool has(std::string_view name) const { return find(name).has_value(); }
  std::string_view raw() const { return raw_; }
  bool empty() const { return raw_.empty(); }
  // Calls f(name, value, has_value) for each parameter in order.
  template <class F>
  void for_each(F&& f) const;

 private:
  std::string_view raw_;
};

struct Uri {
  UriScheme scheme = UriScheme::other;
  std::string_view scheme_text;  // as written ("sip", "SIP", "tel", "urn", …)
  std::string_view user;         // still escaped; see decode()
  std::string_view password;
  bool has_password = false;
  std::string_view host;         // IPv6 references keep their brackets
  HostKind host_kind = HostKind::none;
  std::uint16_t port = 0;        // 0: no port given
  Params params;                 // ";transport=tcp;lr;park-id=7"
  std::string_view headers;      // after '?', "Replaces=...&Require=replaces"
  std::string_view opaque;       // for other schemes: everything after the colon
  std::string_view text;         // the whole URI as parsed

  bool is_sip() const { return scheme == UriScheme::sip || scheme == UriScheme::sips; }
  bool is_secure() const { return scheme == UriScheme::sips; }
  bool has_port() const { return port != 0; }
  bool has_lr() const { return params.has("lr"); }
  std::optional<std::string_view> param(std::string_view name) const { return params.find(name); }
  // The value of one URI header ("Replaces"), still escaped.
  std::optional<std::string_view> header(std::string_view name) const;
};

// Parses one URI. Unknown schemes are accepted as opaque ("urn:…", "isbn:…") so that a
// server can answer 416 rather than 400. Returns false on a syntax error.
bool parse_uri(std::string_view text, Uri& out);

// Appends the URI in canonical form (lower-case scheme, components as stored).
void format_uri(const Uri& uri, std::string& out);

// RFC 3261 §19.1.4 equivalence: escapes decoded, host and parameter names
// case-insensitive, transport/user/ttl/method/maddr must agree when either side has
// them, other parameters only when both do, headers must all agree.
bool uri_equivalent(const Uri& a, const Uri& b);

// Percent-decoding (RFC 3261 §19.1.2). Appends to out; false on a malformed escape.
bool decode(std::string_view escaped, std::string& out);
// Percent-encodes every byte that is not in the unreserved set or `also_allowed`.
void encode(std::string_view raw, std::string_view also_allowed, std::string& out);

// From, To, Contact, Route, Record-Route, Refer-To, Referred-By, Reply-To values:
// `"Display" <uri>;params`, `Display Name <uri>;params` or `uri;params` (addr-spec form,
// where ';' starts header parameters and the URI may not contain ',', ';' or '?').
struct NameAddress {
  std::string_view display_name;  // unquoted token run, or the quoted string with quotes
  Uri uri;
  Params params;                   // header parameters: tag, expires, q, …
  bool is_wildcard = false;        // Contact: *
  bool has_angle_brackets = false;

  std::string_view tag() const { return params.find("tag").value_or(std::string_view{}); }
  // The display name without quotes and backslash escapes.
  std::string display_name_text() const;
};

bool parse_name_address(std::string_view text, NameAddress& out);
void format_name_address(const NameAddress& value, std::string& out);

// --- implementation of the template ---------------------------------------------------

namespace detail {
// Splits the next parameter off `rest` (which starts at or before a ';'); returns false
// at the end. Tolerates linear white space around ';' and '='.
bool next_param(std::string_view& rest, std::string_view& name, std::string_view& value,
                bool& has_value);
// ";token[=gen-value]" runs with optional white space (header parameters, §25.1).
bool valid_header_params(std::string_view raw);
}  // namespace detail

template <class F>
void Params::for_each(F&& f) const {
  std::string_view rest = raw_, name, value;
  bool has_value = false;
  while (detail::next_param(rest, name, value, has_value)) f(name, value, has_value);
}

}  // namespace cpark::sip
