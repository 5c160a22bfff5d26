// The registrar (S1, RFC 3261 §10.3): which contacts each user is reachable at, until
// when. A binding remembers the address its REGISTER came from, so requests to it go back
// the way the phone registered (NAT-friendly, and right for SIPp and baresip on
// loopback). Sans-IO: time comes in.
#pragma once
#include <boost/unordered/unordered_flat_map.hpp>
#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/string_hash.h"
#include "engine/time.h"
#include "server/config.h"
#include "sip/message.h"
#include "sip/transport.h"

namespace cpark::server {

struct Binding {
  std::string contact;      // the Contact URI as registered
  sip::Address source;      // where the REGISTER came from: where requests to it go
  std::string call_id;      // §10.3 step 7: a refresh must come with the same Call-ID...
  std::uint32_t cseq = 0;   // ...and a higher CSeq
  Time expires_at{};
};

struct RegisterOutcome {
  int status = 200;
  std::string reason;       // for a failure: what was wrong, in words
  std::chrono::seconds min_expires{0};  // for 423 Interval Too Brief
};

class Registrar {
 public:
  // Applies the Contacts of one REGISTER for `user` (§10.3 steps 6-8): add, refresh,
  // remove (Expires 0), or remove all (`Contact: *` with Expires 0).
  RegisterOutcome apply(const std::string& user, const sip::Message& request, const sip::Address& source,
                        Time now, const ServerConfig& config);
  // The live bindings of `user` at `now` (expired ones are dropped as they are met).
  std::span<const Binding> bindings(std::string_view user, Time now);
  // Drops every expired binding (housekeeping).
  void expire(Time now);
  // The Contact values for a 200 to REGISTER: every live binding with its remaining time.
  std::vector<std::string> contact_values(std::string_view user, Time now);

  std::size_t users() const { return by_user_.size(); }
  std::size_t bindings_count() const;

 private:
  boost::unordered_flat_map<std::string, std::vector<Binding>, StringHash, StringEqual> by_user_;
};

}  // namespace cpark::server
