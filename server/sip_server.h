// `cpark serve`: the B2BUA core (b2bua.h) on real sockets with the real clock. One
// Boost.Asio thread runs SIP over UDP (recvmmsg / sendmmsg batches) and TCP (framed
// streams, reused connections), the core's timer and the control endpoint; a worker
// thread polls the store's revision and loads changes (validation and music decoding
// stay off the SIP thread); the music player has a thread of its own. SIGTERM drains.
#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "server/config.h"
#include "server/control/event_log.h"
#include "sip/transport.h"

namespace cpark::server {

struct ListenSpec {
  sip::Transport transport = sip::Transport::udp;
  std::string host = "127.0.0.1";
  std::uint16_t port = 5060;
};

struct ServeOptions {
  std::string store_path = "./cpark.db";
  std::vector<ListenSpec> listen;            // default: UDP and TCP on 127.0.0.1:5060
  std::string control = "127.0.0.1:0";       // the control / metrics endpoint ("" = none)
  std::string version;                       // reported by /status and the discovery file
  LogFormat log_format = LogFormat::text;
  bool verbose = false;                      // debug-level lines too
  bool realtime_media = false;               // SCHED_FIFO for the music thread
  std::chrono::seconds drain_grace{10};      // SIGTERM: how long calls may go on
  std::chrono::milliseconds store_poll{250}; // how often the store's revision is read
  std::uint16_t rtp_port = 0;                // music on hold; 0 = any free port
};

// Runs a server until it is drained by SIGTERM/SIGINT (exit 0) or cannot start (the
// error says why; the caller prints it).
Result<int> run_server(ServeOptions options, ServerConfig config);

}  // namespace cpark::server
