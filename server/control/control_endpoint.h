// The control endpoint of `cpark serve` (S9, S11): HTTP/1.1 on the server's own
// io_context (one thread, no locks), for monitoring and operators:
//   GET  /metrics        Prometheus text format 0.0.4 (prometheus.h)
//   GET  /parked         the parked calls, JSON (status_json.h)
//   GET  /status         the server's state, JSON
//   POST /admin/check    body: a proposed deployment as TOML (deployment_to_toml); 200, or
//                        409 with the sentence naming the parks it would strand (O7/O8)
//   POST /admin/reload?force=0|1   apply the store now; force ends stranded parks (O8)
// /admin/* answers loopback peers only (403 otherwise): the endpoint has no other
// authentication, so admin rights are "can run a process on this host".
// Hostile input is bounded: header and body sizes, a deadline for each request and each
// answer (a slow client cannot hold a connection open), a cap on open connections.
// Malformed HTTP gets 400 and the connection is closed; nothing else is affected.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <stdexcept>
#include <vector>

#include "common/result.h"
#include "engine/deployment.h"
#include "server/status.h"

namespace cpark::server {

namespace detail {
struct ControlState;  // the acceptor and the open connections (control_endpoint.cc)
}

// What the endpoint asks the server. Each runs on the io_context's thread; an empty one
// makes its path answer 503. An exception becomes 500 and the endpoint keeps serving.
// check_deployment gets a deployment that passed every rule (validate_deployment); its
// refusal is the one sentence the CLI shows, e.g. "1 parked call(s) would lose their
// orbit: orbit *7001 (parked by alice for 42 s)". It runs while the CLI holds the
// store's write lock: it must not write to the store.
struct ControlHandlers {
  std::function<MetricsSnapshot()> metrics;                            // GET /metrics
  std::function<std::vector<ParkedCallRow>()> parked;                  // GET /parked
  std::function<ServerStatus()> status;                                // GET /status
  std::function<Status(const Deployment& proposed)> check_deployment;  // POST /admin/check
  std::function<Status(bool force)> reload;                            // POST /admin/reload
};

struct ControlLimits {
  std::size_t max_connections = 256;           // more are closed at once
  std::size_t max_header_bytes = 16 * 1024;    // beyond: 431
  std::size_t max_body_bytes = 4 * 1024 * 1024;  // beyond: 413 (a deployment of ~20,000 users)
  std::chrono::milliseconds request_timeout{10'000};  // a whole request, or an idle keep-alive wait
  std::chrono::milliseconds write_timeout{10'000};    // a whole answer
};

// The endpoint cannot listen where it was asked to.
struct ControlError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// S11: who may use /admin/*: 127.0.0.0/8, ::1, and IPv4 loopback seen on a dual-stack
// socket (::ffff:127.x.y.z).
bool is_loopback_peer(const boost::asio::ip::address& a);

// Lives on one io_context, which must outlive it.
class ControlEndpoint {
 public:
  // Listens on `at` (port 0: the system picks one; see local_endpoint()). Throws
  // ControlError naming the address and the cause.
  ControlEndpoint(boost::asio::io_context& io, const boost::asio::ip::tcp::endpoint& at, ControlHandlers handlers,
                  ControlLimits limits = {});
  ~ControlEndpoint();  // stop()
  ControlEndpoint(const ControlEndpoint&) = delete;
  ControlEndpoint& operator=(const ControlEndpoint&) = delete;

  boost::asio::ip::tcp::endpoint local_endpoint() const;
  // Closes the acceptor and every connection. Call it on the io_context's thread (or
  // while the io_context is not running).
  void stop();

 private:
  std::shared_ptr<detail::ControlState> state_;
};

}  // namespace cpark::server
