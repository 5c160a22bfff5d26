// Typed views of the header values the transaction and dialog layers read: Via, CSeq,
// "value;params" headers (Event, Subscription-State, Content-Type, Reason, Replaces …)
// and Warning. Each parse is a pass over one value with no allocation.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/method.h"
#include "sip/uri.h"

namespace cpark::sip {

// Trims linear white space, folded line breaks included.
std::string_view trim_value(std::string_view value);

// RFC 3261 §3.6 / §17.2.3: branches that start with this are RFC 3261 transaction ids.
inline constexpr std::string_view magic_cookie = "z9hG4bK";

// One via-parm (RFC 3261 §20.42): "SIP/2.0/UDP host:port;branch=…;received=…;rport".
struct Via {
  std::string_view protocol_name;     // "SIP"
  std::string_view protocol_version;  // "2.0"
  std::string_view transport;         // "UDP", "TCP", "TLS", … as written
  std::string_view host;              // sent-by host (IPv6 with brackets)
  std::uint16_t port = 0;             // 0: absent (5060 / 5061 implied)
  Params params;
  std::string_view branch;
  std::string_view received;
  std::string_view maddr;
  std::string_view ttl;
  bool has_rport = false;             // RFC 3581
  std::uint16_t rport = 0;            // 0: "rport" without a value

  bool has_rfc3261_branch() const {
    return branch.size() > magic_cookie.size() && branch.substr(0, magic_cookie.size()) == magic_cookie;
  }
};
bool parse_via(std::string_view value, Via& out);

struct CSeq {
  std::uint32_t number = 0;
  Method method = Method::unknown;
  std::string_view method_text;
};
// Rejects numbers of 2^31 and above (RFC 3261 §8.1.1.5) and non-token methods.
bool parse_cseq(std::string_view value, CSeq& out);

// "token;param=value…" headers: Event (RFC 6665), Subscription-State, Content-Type,
// Content-Disposition, Reason (RFC 3326), Replaces (RFC 3891), Session-Expires, …
struct ParameterizedValue {
  std::string_view value;
  Params params;
};
bool parse_parameterized(std::string_view text, ParameterizedValue& out);

// Replaces: call-id;to-tag=…;from-tag=…[;early-only] (RFC 3891 §6.1).
struct Replaces {
  std::string_view call_id;
  std::string_view to_tag;
  std::string_view from_tag;
  bool early_only = false;
};
bool parse_replaces(std::string_view text, Replaces& out);

// Warning: 3DIGIT SP agent SP quoted-text (RFC 3261 §20.43).
struct Warning {
  int code = 0;
  std::string_view agent;
  std::string_view text;  // with its quotes
};
bool parse_warning(std::string_view text, Warning& out);

}  // namespace cpark::sip
