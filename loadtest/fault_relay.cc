#include "loadtest/fault_relay.h"

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <map>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>
#include <vector>

#include "common/random.h"

namespace cpark::loadtest {

namespace asio = boost::asio;
using udp = asio::ip::udp;

namespace {

std::string_view call_id_of(std::string_view datagram) {
  for (std::string_view name : {"\nCall-ID:", "\ni:", "\ncall-id:", "\nCALL-ID:"}) {
    auto p = datagram.find(name);
    if (p == std::string_view::npos) continue;
    p += name.size();
    auto end = datagram.find('\r', p);
    return datagram.substr(p, end == std::string_view::npos ? 0 : end - p);
  }
  return {};
}

}  // namespace

struct FaultRelay::Impl {
  // One direction of one client's path: the socket that sends and where to.
  struct Held {
    std::string bytes;
    std::string call_id;
    std::shared_ptr<asio::steady_timer> timer;
  };
  struct Path {
    std::unique_ptr<udp::socket> upstream;  // towards the server, one per client (NAT)
    udp::endpoint client;
    std::array<char, 65536> buffer{};
    udp::endpoint from;
    std::optional<Held> held[2];            // [0] client->server, [1] server->client
  };

  asio::io_context io;
  udp::socket front{io};
  udp::endpoint server;
  FaultSettings settings;
  Random rng;
  std::map<udp::endpoint, std::unique_ptr<Path>> paths;
  std::array<char, 65536> buffer{};
  udp::endpoint from;
  std::atomic<std::uint64_t> forwarded{0}, dropped{0}, duplicated{0}, reordered{0};
  std::thread thread;

  double uniform() { return double(rng.next() >> 11) * 0x1.0p-53; }
  bool chance(double p) { return p > 0 && uniform() < p; }

  void send_now(Path& path, int direction, const std::string& bytes) {
    boost::system::error_code ec;
    if (direction == 0) path.upstream->send_to(asio::buffer(bytes), server, 0, ec);
    else front.send_to(asio::buffer(bytes), path.client, 0, ec);
    ++forwarded;
  }

  void send_later(Path& path, int direction, std::string bytes) {
    double ms = settings.delay_ms + (settings.jitter_ms > 0 ? uniform() * settings.jitter_ms : 0);
    if (ms <= 0) return send_now(path, direction, bytes);
    auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::microseconds(std::int64_t(ms * 1000)));
    timer->async_wait([this, &path, direction, b = std::move(bytes), timer](const boost::system::error_code& ec) {
      if (!ec) send_now(path, direction, b);
    });
  }

  void release_held(Path& path, int direction) {
    if (!path.held[direction]) return;
    Held h = std::move(*path.held[direction]);
    path.held[direction].reset();
    h.timer->cancel();
    send_later(path, direction, std::move(h.bytes));
  }

  void pass(Path& path, int direction, std::string bytes) {
    if (chance(settings.drop)) {
      ++dropped;
      return;
    }
    const std::string call_id(call_id_of(bytes));
    auto& held = path.held[direction];
    if (held && held->call_id != call_id) {
      // The held datagram goes after this one of another call: reordered.
      const bool dup = chance(settings.duplicate);
      send_later(path, direction, bytes);
      if (dup) ++duplicated, send_later(path, direction, bytes);
      release_held(path, direction);
      return;
    }
    if (!held && chance(settings.reorder)) {
      ++reordered;
      auto timer = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(50));
      held = Held{bytes, call_id, timer};
      timer->async_wait([this, &path, direction](const boost::system::error_code& ec) {
        if (!ec) release_held(path, direction);
      });
      return;
    }
    if (chance(settings.duplicate)) ++duplicated, send_later(path, direction, bytes);
    send_later(path, direction, std::move(bytes));
  }

  Path& path_for(const udp::endpoint& client) {
    auto& p = paths[client];
    if (!p) {
      p = std::make_unique<Path>();
      p->client = client;
      p->upstream = std::make_unique<udp::socket>(io, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
      p->upstream->set_option(asio::socket_base::receive_buffer_size(4 << 20));
      receive_upstream(*p);
    }
    return *p;
  }

  void receive_front() {
    front.async_receive_from(asio::buffer(buffer), from, [this](const boost::system::error_code& ec, std::size_t n) {
      if (ec == asio::error::operation_aborted) return;
      if (!ec) pass(path_for(from), 0, std::string(buffer.data(), n));
      receive_front();
    });
  }

  void receive_upstream(Path& p) {
    p.upstream->async_receive_from(asio::buffer(p.buffer), p.from,
                                   [this, &p](const boost::system::error_code& ec, std::size_t n) {
                                     if (ec == asio::error::operation_aborted) return;
                                     if (!ec) pass(p, 1, std::string(p.buffer.data(), n));
                                     receive_upstream(p);
                                   });
  }
};

FaultRelay::FaultRelay(std::uint16_t listen_port, const std::string& server_host, std::uint16_t server_port,
                       FaultSettings settings)
    : impl_(std::make_unique<Impl>()) {
  impl_->settings = settings;
  impl_->rng = Random(settings.seed);
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(server_host, ec);
  if (ec) throw std::runtime_error("fault relay: \"" + server_host + "\" is not an IP address");
  impl_->server = udp::endpoint(address, server_port);
  impl_->front.open(udp::v4());
  impl_->front.bind(udp::endpoint(asio::ip::make_address("127.0.0.1"), listen_port), ec);
  if (ec) throw std::runtime_error("fault relay: cannot listen on 127.0.0.1:" + std::to_string(listen_port) + ": " + ec.message());
  impl_->front.set_option(asio::socket_base::receive_buffer_size(4 << 20));
  impl_->receive_front();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

FaultRelay::~FaultRelay() {
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

std::uint16_t FaultRelay::port() const { return impl_->front.local_endpoint().port(); }

FaultCounts FaultRelay::counts() const {
  return {impl_->forwarded.load(), impl_->dropped.load(), impl_->duplicated.load(), impl_->reordered.load()};
}

}  // namespace cpark::loadtest
