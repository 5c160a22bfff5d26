// How a `cpark serve` instance is set up: the SIP domain and pool it serves, timer
// settings, limits and security switches. Built from the command line by the CLI; the
// B2BUA core and the Asio driver read it.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "sip/digest.h"
#include "sip/transaction_layer.h"

namespace cpark::server {

struct ServerConfig {
  std::string domain;                     // the SIP domain served (bare users are user@domain)
  std::string pool;                       // the pool this server is (P9): its orbits and users
  std::string advertised_host;            // our address in Via, Contact and SDP ("" = first --listen)
  std::uint16_t advertised_port = 5060;
  std::string rtp_host;                   // where music on hold comes from (SDP c=; "" = advertised)
  std::uint16_t rtp_port = 0;             // the music-on-hold RTP socket's port
  bool require_auth = false;              // S10: users without a password are refused
  std::string nonce_secret;               // digest nonces (random per start)
  std::chrono::milliseconds nonce_lifetime{std::chrono::minutes(5)};
  // S10: the digest challenges offered, most preferred first (RFC 8760 §2.4), and the
  // only algorithms accepted. Phones that answer only the first challenge they see
  // (SIPp 3.6, older handsets) need MD5 alone.
  std::vector<sip::DigestAlgorithm> digest_algorithms{sip::DigestAlgorithm::sha256, sip::DigestAlgorithm::md5};
  std::uint64_t seed = 0;                 // ids (tags, branches, Call-IDs), SSRCs, O9 random
  sip::TransactionConfig sip;             // T1/T2/T4, 100 Trying delay, limits
  // Registrations (S1): the Expires a client gets when it asks for none, the shortest and
  // longest the server accepts (RFC 3261 §10.3: 423 Interval Too Brief below the minimum).
  std::chrono::seconds default_expires{3600}, min_expires{60}, max_expires{86400};
  // A parker still in the call this long after the park succeeded is hung up by the
  // server (a phone that does not end its leg after a blind transfer).
  std::chrono::milliseconds parker_hangup_grace{std::chrono::seconds(4)};
  std::string user_agent = "cpark";
  // Load tests only (`cpark loadtest --scenario`, L4): the engine's clock runs this many
  // times faster than the real one, so a scenario's park timeout, ring times and delays
  // keep their legal values (C1 >= 10 s) yet pass in 1/K of the time. SIP transaction
  // timers are not scaled: the network does not get faster.
  double engine_time_scale = 1;
};

}  // namespace cpark::server
