// Checks a UAS or B2BUA core runs on a new request before acting on it: Max-Forwards
// (RFC 3261 §16.3 step 3, §8.1.1.6) and loop / merged-request detection (§8.2.2.2, §16.3
// step 4). A B2BUA is a UAS on one leg and a UAC on the other and so is not bound by the
// proxy rules, but it can loop just like a proxy (a park orbit forwarded to a user who
// forwards back), so it should: answer 483 when an INVITE to forward arrives with
// Max-Forwards 0, and put the incoming value minus one on the outgoing leg.
#pragma once
#include <optional>
#include <string_view>

#include "sip/message.h"

namespace cpark::sip {

// 483 Too Many Hops for a request that would be forwarded with Max-Forwards 0; nullopt
// otherwise (OPTIONS may be answered by the element itself, §16.3; a request to this
// UA itself is never refused for Max-Forwards 0, RFC 4475 §3.3.11).
std::optional<int> check_max_forwards(const Message& request, bool will_forward);
// The Max-Forwards to put on the forwarded (other-leg) request: incoming - 1, or 70
// when the incoming request had none.
int forwarded_max_forwards(const Message& incoming);
// §16.3 step 4 loop detection for an element that adds its own Via with sent-by
// `own_host:own_port`: true when the request already carries that Via (482).
bool has_own_via(const Message& request, std::string_view own_host, std::uint16_t own_port);

}  // namespace cpark::sip
