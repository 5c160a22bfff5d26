// What a running `cpark serve` tells operators (S9, S11): a snapshot of its counters and
// gauges for Prometheus, the parked calls (like Asterisk's `parkedcalls show`) and its
// state. Plain data: the B2BUA core fills it, the control endpoint (control_endpoint.h)
// renders it as Prometheus text or JSON, `cpark parked` / `cpark status` print it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "engine/counters.h"
#include "sip/transaction_layer.h"

namespace cpark::server {

struct PoolGauge {
  std::string pool;
  std::uint32_t orbits = 0;       // CallPark orbits the pool owns
  std::uint32_t busy_orbits = 0;  // parked calls on them now
};

// Everything /metrics exports. Counters are monotonic since the server started; gauges
// are the value now.
struct MetricsSnapshot {
  Counters engine;                     // parks, retrievals, ringbacks, fallbacks, pickups...
  sip::TransactionCounters sip;        // SIP transactions and messages
  std::vector<PoolGauge> pools;
  std::uint64_t registrations = 0;     // AORs with at least one live binding
  std::uint64_t bindings = 0;          // live contact bindings
  std::uint64_t active_calls = 0;      // legs in a call (ringing or established)
  std::uint64_t ringing_calls = 0;
  std::uint64_t moh_streams = 0;       // music-on-hold RTP streams playing
  std::uint64_t rtp_packets_sent = 0;  // music on hold
  std::uint64_t requests_refused = 0;  // 403/404/410/484/488/5xx the server chose to send
  std::uint64_t auth_challenges = 0;   // 401/407 sent
  std::uint64_t auth_failures = 0;     // credentials that did not verify
  std::int64_t store_revision = 0;     // the store revision being served
  std::uint64_t admin_changes_applied = 0;
  std::uint64_t admin_changes_refused = 0;  // refused by O7/O8 (live parks), see the log
  double uptime_seconds = 0;
  bool draining = false;               // SIGTERM received: new requests get 503
};

// One parked call (S11).
struct ParkedCallRow {
  std::string orbit;          // "*7001"
  std::string pool;
  std::uint64_t park_id = 0;  // the park-id of the sipfrag Contact (P4)
  std::string parked_party;   // SIP identity of the caller on hold
  std::string parker;         // user name of who parked it
  double parked_seconds = 0;
  int attempts = 0;           // unanswered ringbacks so far (P5)
  bool ringing_back = false;  // the parker's phones ring now
};

struct ListenAddress {
  std::string transport;      // "udp" or "tcp"
  std::string address;        // "127.0.0.1:5060"
};

struct ServerStatus {
  std::string version;
  std::string domain;         // the SIP domain served
  std::string pool;           // the pool served
  std::string store;          // the store path
  std::vector<ListenAddress> listening;
  std::string control;        // the control/metrics endpoint "127.0.0.1:5099"
  std::int64_t pid = 0;
  double uptime_seconds = 0;
  std::int64_t store_revision = 0;
  bool draining = false;
  bool require_auth = false;
  std::uint64_t registrations = 0, bindings = 0, active_calls = 0, parked_calls = 0, ringing_calls = 0;
};

}  // namespace cpark::server
