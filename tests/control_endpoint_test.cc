// S9, S11: the control endpoint of `cpark serve`, started on 127.0.0.1:0 with fake
// handlers and driven with the HTTP client the CLI uses and with raw bytes: the answers
// of each path, keep-alive, and hostile input (garbage, huge headers and bodies, slow
// clients, too many connections) answered or cut off while everyone else is served.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/post.hpp>
#include <thread>

#include "config/deployment_file.h"
#include "server/control/control_endpoint.h"
#include "server/control/http_client.h"
#include "server/control/status_json.h"

namespace cpark::server {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

// A plain blocking TCP client for bytes no HTTP library would send.
class RawClient {
 public:
  explicit RawClient(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void send(std::string_view bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  // What arrives until the server closes the connection or `timeout` passes.
  struct Read {
    std::string bytes;
    bool closed = false;
  };
  Read read_until_close(std::chrono::milliseconds timeout) {
    Read r;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return r;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, int(left.count())) <= 0) return r;
      char buf[4096];
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) {
        r.closed = true;
        return r;
      }
      r.bytes.append(buf, std::size_t(n));
    }
  }

 private:
  int fd_;
  bool connected_ = false;
};

Deployment proposed_deployment() {
  Deployment d;
  d.pools = {{"pool1", "", true, OrbitChoice::Next}};
  OrbitRange r;
  r.name = "park1";
  r.start = "*7000";
  r.end = "*7009";
  r.pool = "pool1";
  d.ranges = {r};
  d.settings = {CallParkSettings{}};
  return d;
}

class ControlEndpointTest : public ::testing::Test {
 protected:
  static ControlLimits short_limits() {
    ControlLimits l;
    l.request_timeout = 400ms;
    l.write_timeout = 400ms;
    return l;
  }
  void start(ControlLimits limits = short_limits()) {
    ControlHandlers h;
    h.metrics = [this] {
      ++metrics_calls;
      if (fail_metrics) throw std::runtime_error("the engine is gone");
      MetricsSnapshot m;
      m.engine.parks = 3;
      m.pools = {{"pool1", 10, 1}};
      return m;
    };
    h.parked = [] {
      return std::vector<ParkedCallRow>{{"*7001", "pool1", 17, "sip:bob@contoso.com", "alice@contoso.com", 42, 0, false}};
    };
    h.status = [] {
      ServerStatus s;
      s.domain = "contoso.com";
      s.parked_calls = 1;
      return s;
    };
    h.check_deployment = [this](const Deployment& d) -> Status {
      checked_ranges = d.ranges.size();
      if (d.find_range("park1")) return {};
      return fail("1 parked call(s) would lose their orbit: orbit *7001 (parked by alice for 42 s)");
    };
    h.reload = [this](bool force) -> Status {
      ++reloads;
      last_force = force;
      return {};
    };
    if (without_status) h.status = nullptr;
    endpoint = std::make_unique<ControlEndpoint>(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0),
                                                 std::move(h), limits);
    port = endpoint->local_endpoint().port();
    server = "127.0.0.1:" + std::to_string(port);
    runner = std::thread([this] { io.run(); });
  }
  void stop() {
    if (!runner.joinable()) return;
    asio::post(io, [this] { endpoint->stop(); });
    runner.join();  // returns only once the acceptor and every connection are closed
  }
  void TearDown() override { stop(); }

  HttpResponse get(const std::string& target) {
    auto r = http_request("GET", server, target);
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? *r : HttpResponse{};
  }
  HttpResponse post(const std::string& target, const std::string& body = {}) {
    auto r = http_request("POST", server, target, body, "application/toml");
    EXPECT_TRUE(r.ok()) << r.message();
    return r.ok() ? *r : HttpResponse{};
  }
  // The endpoint still answers a well-formed request.
  void still_serving() {
    auto r = get("/status");
    EXPECT_EQ(r.status, 200u);
  }

  asio::io_context io;
  std::unique_ptr<ControlEndpoint> endpoint;
  std::thread runner;
  std::uint16_t port = 0;
  std::string server;
  std::atomic<int> metrics_calls{0}, reloads{0};
  std::atomic<bool> last_force{false}, fail_metrics{false};
  std::atomic<std::size_t> checked_ranges{0};
  bool without_status = false;
};

TEST_F(ControlEndpointTest, S9_MetricsArePrometheusText) {
  start();
  auto r = get("/metrics");
  EXPECT_EQ(r.status, 200u);
  EXPECT_EQ(r.content_type.rfind("text/plain; version=0.0.4", 0), 0u) << r.content_type;
  EXPECT_NE(r.body.find("\ncpark_parks_total 3\n"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("cpark_orbits_busy{pool=\"pool1\"} 1\n"), std::string::npos);
}

TEST_F(ControlEndpointTest, S11_ParkedAndStatusAreTheJsonTheCliReads) {
  start();
  auto parked = get("/parked");
  EXPECT_EQ(parked.status, 200u);
  EXPECT_EQ(parked.content_type, "application/json");
  auto rows = nlohmann::json::parse(parked.body).get<std::vector<ParkedCallRow>>();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].orbit, "*7001");
  EXPECT_EQ(rows[0].parker, "alice@contoso.com");
  auto status = nlohmann::json::parse(get("/status").body).get<ServerStatus>();
  EXPECT_EQ(status.domain, "contoso.com");
  EXPECT_EQ(status.parked_calls, 1u);
}

TEST_F(ControlEndpointTest, O8_AdminCheckReadsTheProposedDeploymentAndNamesStrandedParks) {
  start();
  Deployment d = proposed_deployment();
  auto ok = post("/admin/check", deployment_to_toml(d));
  EXPECT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(checked_ranges, 1u);
  d.ranges.clear();
  auto refused = post("/admin/check", deployment_to_toml(d));
  EXPECT_EQ(refused.status, 409u);
  EXPECT_EQ(refused.body, "1 parked call(s) would lose their orbit: orbit *7001 (parked by alice for 42 s)\n");
  auto bad = post("/admin/check", "[[pools]]\nnmae = \"p\"\n");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.body.find("POST /admin/check:2: nmae: unknown key"), std::string::npos) << bad.body;
  d = proposed_deployment();
  d.ranges.push_back(d.ranges[0]);  // O1: the same name twice
  checked_ranges = 99;
  auto invalid = post("/admin/check", deployment_to_toml(d));
  EXPECT_EQ(invalid.status, 400u);
  EXPECT_NE(invalid.body.find("the proposed deployment breaks a rule: range name \"park1\" is used twice (O1"),
            std::string::npos) << invalid.body;
  EXPECT_EQ(checked_ranges, 99u) << "the handler never saw it";
}

TEST_F(ControlEndpointTest, O8_ReloadCarriesTheForceBit) {
  start();
  EXPECT_EQ(post("/admin/reload?force=1").status, 200u);
  EXPECT_TRUE(last_force);
  EXPECT_EQ(post("/admin/reload?force=0").status, 200u);
  EXPECT_FALSE(last_force);
  EXPECT_EQ(post("/admin/reload").status, 200u);
  EXPECT_FALSE(last_force);
  EXPECT_EQ(reloads, 3);
  auto bad = post("/admin/reload?force=yes");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(reloads, 3);
}

TEST_F(ControlEndpointTest, UnknownPathsAre404AndWrongMethods405) {
  start();
  auto missing = get("/nothing");
  EXPECT_EQ(missing.status, 404u);
  auto wrong = post("/metrics");
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(http_request("GET", server, "/admin/reload")->status, 405u);
  EXPECT_EQ(http_request("DELETE", server, "/parked")->status, 405u);
  RawClient c(port);
  c.send("POST /status HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  auto r = c.read_until_close(2s);
  EXPECT_EQ(r.bytes.rfind("HTTP/1.1 405", 0), 0u) << r.bytes;
  EXPECT_NE(r.bytes.find("\r\nAllow: GET\r\n"), std::string::npos) << r.bytes;
}

TEST_F(ControlEndpointTest, AFailingHandlerIs500AndAMissingOne503) {
  without_status = true;
  start();
  fail_metrics = true;
  auto r = get("/metrics");
  EXPECT_EQ(r.status, 500u);
  EXPECT_NE(r.body.find("the engine is gone"), std::string::npos);
  EXPECT_EQ(get("/status").status, 503u);
  fail_metrics = false;
  EXPECT_EQ(get("/metrics").status, 200u);
}

TEST_F(ControlEndpointTest, S11_AdminAnswersLoopbackPeersOnly) {
  using asio::ip::make_address;
  for (const char* a : {"127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"})
    EXPECT_TRUE(is_loopback_peer(make_address(a))) << a;
  for (const char* a : {"10.0.0.5", "192.0.2.1", "::ffff:10.0.0.5", "2001:db8::1", "0.0.0.0", "::"})
    EXPECT_FALSE(is_loopback_peer(make_address(a))) << a;
}

TEST_F(ControlEndpointTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  start();
  RawClient c(port);
  c.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\nGET /parked HTTP/1.1\r\nHost: x\r\n\r\n"
         "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto r = c.read_until_close(2s);
  EXPECT_TRUE(r.closed);
  std::size_t answers = 0;
  for (std::size_t at = 0; (at = r.bytes.find("HTTP/1.1 200 OK\r\n", at)) != std::string::npos; ++at) ++answers;
  EXPECT_EQ(answers, 3u) << r.bytes;
}

TEST_F(ControlEndpointTest, S7_GarbageGets400AndTheEndpointKeepsServing) {
  start();
  for (const char* junk : {"GARBAGE\r\n\r\n", "GET /status HTTP/1\r\n\r\n", "GET /status HTTP/2.0\r\n\r\n", "GET  HTTP/1.1\r\n\r\n",
                           "GET /status HTTP/1.1\r\nBad Header\r\n\r\n",
                           "POST /admin/check HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
                           "POST /admin/check HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
                           "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 tls hello\r\n\r\n"}) {
    RawClient c(port);
    c.send(junk);
    auto r = c.read_until_close(2s);
    EXPECT_TRUE(r.closed) << junk;
    EXPECT_EQ(r.bytes.rfind("HTTP/1.1 400 Bad Request\r\n", 0), 0u) << junk << "\n" << r.bytes;
    still_serving();
  }
  {
    RawClient half(port);  // a request cut off mid-header by the client
    half.send("GET /sta");
  }
  still_serving();
}

TEST_F(ControlEndpointTest, HugeHeadersAre431AndHugeBodies413) {
  start();
  {
    RawClient c(port);
    c.send("GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'a') + "\r\n\r\n");
    auto r = c.read_until_close(2s);
    EXPECT_EQ(r.bytes.rfind("HTTP/1.1 431", 0), 0u) << r.bytes.substr(0, 200);
    EXPECT_TRUE(r.closed);
  }
  {
    RawClient c(port);
    c.send("POST /admin/check HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(5 << 20) + "\r\n\r\n");
    auto r = c.read_until_close(2s);
    EXPECT_EQ(r.bytes.rfind("HTTP/1.1 413", 0), 0u) << r.bytes.substr(0, 200);
  }
  still_serving();
}

TEST_F(ControlEndpointTest, SlowClientsAreCutOffWhileOthersAreServed) {
  start();  // requests must arrive whole within 400 ms
  RawClient slow(port);
  slow.send("GET /status HTTP/1.1\r\nHo");
  const auto began = std::chrono::steady_clock::now();
  still_serving();  // meanwhile
  std::this_thread::sleep_for(100ms);
  slow.send("st: x\r\n");  // trickling bytes does not extend the deadline
  auto r = slow.read_until_close(3s);
  EXPECT_TRUE(r.closed);
  EXPECT_EQ(r.bytes, "");
  EXPECT_LT(std::chrono::steady_clock::now() - began, 2s);
  RawClient idle(port);  // an idle keep-alive connection ends the same way
  EXPECT_TRUE(idle.read_until_close(3s).closed);
  still_serving();
}

TEST_F(ControlEndpointTest, ConnectionsBeyondTheCapAreClosedAndTheRestServed) {
  ControlLimits limits = short_limits();
  limits.max_connections = 4;
  limits.request_timeout = 5s;
  start(limits);
  std::vector<std::unique_ptr<RawClient>> held;
  for (int i = 0; i < 4; ++i) {
    held.push_back(std::make_unique<RawClient>(port));
    held.back()->send("GET /status HTTP/1.1\r\n");  // open, never finished
  }
  std::this_thread::sleep_for(100ms);
  RawClient extra(port);
  auto r = extra.read_until_close(2s);
  EXPECT_TRUE(r.closed) << "the fifth connection is closed at once";
  held.clear();  // the held ones go away: room again
  std::this_thread::sleep_for(100ms);
  still_serving();
}

TEST_F(ControlEndpointTest, ManyConcurrentClientsAreAllAnswered) {
  start();
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int i = 0; i < 16; ++i)
    clients.emplace_back([&] {
      for (int k = 0; k < 5; ++k)
        if (auto r = http_request("GET", server, "/metrics"); r && r->status == 200) ++ok;
    });
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok, 80);
  EXPECT_EQ(metrics_calls, 80);
}

TEST_F(ControlEndpointTest, StopClosesTheAcceptorAndEveryConnection) {
  start();
  RawClient open(port);
  open.send("GET /status HTTP/1.1\r\n");
  std::this_thread::sleep_for(50ms);
  stop();  // joins: nothing keeps the io_context busy
  EXPECT_TRUE(open.read_until_close(1s).closed);
  auto r = http_request("GET", server, "/status");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("cannot connect to the server at " + server), std::string::npos) << r.message();
}

TEST(S11_HttpClient, ErrorsNameTheServerAndWhatHappened) {
  auto bad = http_request("GET", "localhost", "/status");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "server address \"localhost\" must be HOST:PORT, e.g. 127.0.0.1:5099");
  // A listener that never answers.
  asio::io_context io;
  tcp::acceptor mute(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string where = "127.0.0.1:" + std::to_string(mute.local_endpoint().port());
  auto silent = http_request("GET", where, "/status", {}, {}, HttpTimeouts{1000ms, 200ms});
  ASSERT_FALSE(silent.ok());
  EXPECT_EQ(silent.message(), "the server at " + where + " did not answer within 200 ms");
  mute.close();
  auto refused = http_request("GET", where, "/status");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.message().rfind("cannot connect to the server at " + where + ": ", 0), 0u) << refused.message();
}

TEST(S11_ControlEndpoint, AnAddressInUseIsNamed) {
  asio::io_context io;
  tcp::acceptor taken(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const auto at = taken.local_endpoint();
  try {
    ControlEndpoint e(io, at, {});
    FAIL() << "listened on a port in use";
  } catch (const ControlError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:" + std::to_string(at.port())), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cpark::server
