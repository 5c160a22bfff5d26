#include "server/sip_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <unordered_map>
#include <iostream>
#include <memory>
#include <mutex>
#include <charconv>
#include <random>
#include <spdlog/sinks/stdout_sinks.h>
#include <thread>

#include "media/music.h"
#include "server/b2bua.h"
#include "server/control/control_endpoint.h"
#include "server/control/serve_file.h"
#include "server/control/utc_time.h"
#include "server/music_player.h"
#include "sip/stream_framer.h"
#include "store/store.h"

namespace cpark::server {

namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

namespace {

using Clock = std::chrono::steady_clock;

// The text of an IPv4/IPv6 socket address and its port.
void describe(const sockaddr_storage& sa, char (&host)[INET6_ADDRSTRLEN], std::uint16_t& port) {
  if (sa.ss_family == AF_INET6) {
    auto& a = reinterpret_cast<const sockaddr_in6&>(sa);
    inet_ntop(AF_INET6, &a.sin6_addr, host, sizeof host);
    port = ntohs(a.sin6_port);
  } else {
    auto& a = reinterpret_cast<const sockaddr_in&>(sa);
    inet_ntop(AF_INET, &a.sin_addr, host, sizeof host);
    port = ntohs(a.sin_port);
  }
}

bool to_sockaddr(std::string_view host, std::uint16_t port, sockaddr_storage& out, socklen_t& length) {
  std::memset(&out, 0, sizeof out);
  const std::string h(host);
  auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
  if (inet_pton(AF_INET, h.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
  if (inet_pton(AF_INET6, h.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

// "HOST:PORT" or "[V6]:PORT" as a TCP endpoint.
std::optional<tcp::endpoint> parse_endpoint(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  unsigned port = 0;
  const std::string p = text.substr(colon + 1);
  auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), port);
  if (ec != std::errc() || end != p.data() + p.size() || port > 65535) return std::nullopt;
  boost::system::error_code bad;
  const auto address = asio::ip::make_address(host, bad);
  if (bad) return std::nullopt;
  return tcp::endpoint(address, std::uint16_t(port));
}

std::string endpoint_text(const tcp::endpoint& e) {
  const std::string host = e.address().to_string();
  return (e.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(e.port());
}

}  // namespace

class SipServer {
 public:
  SipServer(ServeOptions options, ServerConfig config)
      : options_(std::move(options)), config_(std::move(config)), music_(config_.seed, options_.realtime_media) {}

  Result<int> run();

 private:
  struct UdpEndpoint {
    std::unique_ptr<udp::socket> socket;
    bool ipv6 = false;
  };
  struct Connection {
    std::uint64_t id = 0;
    tcp::socket socket;
    sip::StreamFramer framer;
    std::array<char, 65536> buffer{};
    std::deque<std::string> writes;
    bool writing = false, connected = true;
    std::string host;
    std::uint16_t port = 0;
    explicit Connection(asio::io_context& io) : socket(io) {}
  };

  Time now() const { return std::chrono::duration_cast<Time>(Clock::now() - origin_); }
  Status bind_all();
  void read_udp(UdpEndpoint& e);
  void accept(tcp::acceptor& a);
  void read_tcp(std::shared_ptr<Connection> c);
  void write_tcp(std::shared_ptr<Connection> c);
  void connect_tcp(const sip::Address& to, std::string bytes);
  void flush();
  void arm_timer();
  void on_log(const LogEvent& e);
  Status start_control();
  ServerStatus status();
  void start_store_worker();
  void apply_from_store(DeploymentPtr d, std::int64_t revision, bool force);
  void on_signal();
  void finish();

  ServeOptions options_;
  ServerConfig config_;
  asio::io_context io_;
  Clock::time_point origin_ = Clock::now();
  std::unique_ptr<B2bua> core_;
  MusicPlayer music_;
  std::vector<UdpEndpoint> udp_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::unordered_map<std::uint64_t, std::shared_ptr<Connection>> connections_;
  std::map<std::pair<std::string, std::uint16_t>, std::uint64_t> connection_to_;
  std::uint64_t next_connection_ = 1;
  asio::steady_timer timer_{io_};
  std::optional<Time> armed_;
  asio::steady_timer drain_timer_{io_};
  asio::signal_set signals_{io_, SIGTERM, SIGINT};
  int signals_seen_ = 0;
  bool stopping_ = false;
  // UDP batches: datagrams in and out without a system call each.
  static constexpr int kBatch = 64;
  std::array<mmsghdr, kBatch> in_msgs_{};
  std::array<iovec, kBatch> in_iov_{};
  std::array<sockaddr_storage, kBatch> in_addr_{};
  std::vector<std::array<char, 65536>> in_buffers_ = std::vector<std::array<char, 65536>>(kBatch);
  std::vector<std::string> out_bytes_;
  std::vector<sockaddr_storage> out_addr_;
  std::vector<socklen_t> out_len_;
  // The store worker.
  std::thread worker_;
  std::mutex worker_mutex_;
  std::condition_variable worker_wake_;
  bool worker_stop_ = false, worker_reload_ = false, worker_force_ = false;
  std::int64_t served_revision_ = 0;
  std::unique_ptr<EventLog> log_;
  std::unique_ptr<ControlEndpoint> control_;
  std::string control_address_;
  bool serve_file_written_ = false;
};

// --- start-up ----------------------------------------------------------------------------

Status SipServer::bind_all() {
  for (const ListenSpec& l : options_.listen) {
    boost::system::error_code ec;
    const auto address = asio::ip::make_address(l.host, ec);
    if (ec) return fail("--listen: \"" + l.host + "\" is not an IP address");
    const std::string where = l.host + ":" + std::to_string(l.port);
    if (l.transport == sip::Transport::udp) {
      UdpEndpoint e;
      e.ipv6 = address.is_v6();
      e.socket = std::make_unique<udp::socket>(io_);
      e.socket->open(address.is_v6() ? udp::v6() : udp::v4(), ec);
      if (!ec) e.socket->bind({address, l.port}, ec);
      if (ec) return fail("cannot listen on UDP " + where + ": " + ec.message());
      // Large buffers: a burst of SIPp traffic must not overflow the kernel's queue
      // (the research notes saw drops at 5,000 calls/s with default buffers).
      e.socket->set_option(asio::socket_base::receive_buffer_size(4 << 20), ec);
      e.socket->set_option(asio::socket_base::send_buffer_size(4 << 20), ec);
      e.socket->non_blocking(true, ec);
      udp_.push_back(std::move(e));
    } else {
      auto a = std::make_unique<tcp::acceptor>(io_);
      a->open(address.is_v6() ? tcp::v6() : tcp::v4(), ec);
      if (!ec) a->set_option(tcp::acceptor::reuse_address(true), ec);
      if (!ec) a->bind({address, l.port}, ec);
      if (!ec) a->listen(asio::socket_base::max_listen_connections, ec);
      if (ec) return fail("cannot listen on TCP " + where + ": " + ec.message());
      acceptors_.push_back(std::move(a));
    }
  }
  if (udp_.empty() && acceptors_.empty()) return fail("nothing to listen on: give --listen ADDRESS:PORT");
  return {};
}

Result<int> SipServer::run() {
  log_ = std::make_unique<EventLog>(options_.log_format, std::make_shared<spdlog::sinks::stderr_sink_mt>(),
                                    options_.verbose ? LogLevel::debug : LogLevel::info);
  // The deployment first: a server that cannot serve its store does not start.
  {
    Store store(options_.store_path);
    served_revision_ = store.revision();
    auto d = store.load_validated();
    if (!d) return fail("the store's deployment breaks a rule: " + d.message());
    if (config_.pool.empty()) {
      if ((*d)->pool_count() != 1)
        return fail("the store has " + std::to_string((*d)->pool_count()) +
                    " pools; say which this server serves with --pool");
      config_.pool = (*d)->pool(0).name;
    } else if (!(*d)->find_pool(config_.pool)) {
      return fail("--pool \"" + config_.pool + "\" is not a pool of the store");
    }
    for (std::uint32_t p = 0; p < (*d)->pool_count(); ++p) {
      const std::string& pool = (*d)->pool(p).name;
      if (auto bytes = store.music_bytes(pool)) {
        auto music = media::decode_music(*bytes);
        if (music) music_.set_music(pool, *music);
        else std::cerr << "cpark serve: pool " << pool << ": " << music.message() << "; playing the built-in hold tone\n";
      }
    }
    if (Status s = music_.start(config_.rtp_host, options_.rtp_port); !s) return s.error();
    config_.rtp_port = music_.port();
    if (Status s = bind_all(); !s) return s.error();
    if (!udp_.empty()) config_.advertised_port = udp_.front().socket->local_endpoint().port();
    else config_.advertised_port = acceptors_.front()->local_endpoint().port();
    core_ = std::make_unique<B2bua>(config_);
    core_->set_log([this](const LogEvent& e) { on_log(e); });
    if (Status s = core_->serve(now(), std::move(*d), false, served_revision_); !s) return s.error();
    if (Status s = start_control(); !s) return s.error();
  }
  for (auto& e : udp_) read_udp(e);
  for (auto& a : acceptors_) accept(*a);
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) on_signal();
  });
  start_store_worker();
  {
    LogEvent started;
    started.name = "started";
    for (auto& e : udp_) {
      auto ep = e.socket->local_endpoint();
      started.fields.push_back({"udp", ep.address().to_string() + ":" + std::to_string(ep.port())});
    }
    for (auto& a : acceptors_) {
      auto ep = a->local_endpoint();
      started.fields.push_back({"tcp", ep.address().to_string() + ":" + std::to_string(ep.port())});
    }
    started.fields.push_back({"domain", config_.domain});
    started.fields.push_back({"pool", config_.pool});
    started.fields.push_back({"rtp", config_.rtp_host + ":" + std::to_string(config_.rtp_port)});
    started.fields.push_back({"revision", std::to_string(served_revision_)});
    if (control_) started.fields.push_back({"control", control_address_});
    on_log(started);
  }
  arm_timer();
  io_.run();
  finish();
  return 0;
}

// --- UDP ---------------------------------------------------------------------------------

void SipServer::read_udp(UdpEndpoint& e) {
  e.socket->async_wait(udp::socket::wait_read, [this, &e](const boost::system::error_code& ec) {
    if (ec) return;
    const int fd = e.socket->native_handle();
    // Up to a few batches per wake-up, then let the timer and TCP have a turn.
    for (int round = 0; round < 8; ++round) {
      for (int i = 0; i < kBatch; ++i) {
        in_iov_[i] = {in_buffers_[i].data(), in_buffers_[i].size()};
        in_msgs_[i].msg_hdr = {};
        in_msgs_[i].msg_hdr.msg_name = &in_addr_[i];
        in_msgs_[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        in_msgs_[i].msg_hdr.msg_iov = &in_iov_[i];
        in_msgs_[i].msg_hdr.msg_iovlen = 1;
      }
      const int n = ::recvmmsg(fd, in_msgs_.data(), kBatch, MSG_DONTWAIT, nullptr);
      if (n <= 0) break;
      const Time t = now();
      for (int i = 0; i < n; ++i) {
        char host[INET6_ADDRSTRLEN];
        std::uint16_t port = 0;
        describe(in_addr_[i], host, port);
        if (in_msgs_[i].msg_hdr.msg_flags & MSG_TRUNC) continue;  // over 64 KiB: not SIP over UDP
        core_->receive(t, sip::Address(sip::Transport::udp, host, port),
                       std::string_view(in_buffers_[i].data(), in_msgs_[i].msg_len));
      }
      flush();
      if (n < kBatch) break;
    }
    arm_timer();
    read_udp(e);
  });
}

// --- TCP ---------------------------------------------------------------------------------

void SipServer::accept(tcp::acceptor& a) {
  a.async_accept([this, &a](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec) return;
    if (connections_.size() >= 4096 || stopping_) {
      boost::system::error_code ignored;
      socket.close(ignored);
    } else {
      auto c = std::make_shared<Connection>(io_);
      c->socket = std::move(socket);
      c->id = next_connection_++;
      c->framer = sip::StreamFramer(config_.sip.limits);
      boost::system::error_code ignored;
      const auto peer = c->socket.remote_endpoint(ignored);
      c->host = peer.address().to_string();
      c->port = peer.port();
      c->socket.set_option(tcp::no_delay(true), ignored);
      connections_[c->id] = c;
      read_tcp(c);
    }
    accept(a);
  });
}

void SipServer::read_tcp(std::shared_ptr<Connection> c) {
  c->socket.async_read_some(asio::buffer(c->buffer), [this, c](const boost::system::error_code& ec, std::size_t n) {
    if (ec) {
      connections_.erase(c->id);
      connection_to_.erase({c->host, c->port});
      return;
    }
    c->framer.append(std::string_view(c->buffer.data(), n));
    const Time t = now();
    for (;;) {
      std::string_view message;
      sip::ParseError error;
      const auto status = c->framer.next(message, error);
      if (status == sip::StreamFramer::Status::need_more) break;
      if (status == sip::StreamFramer::Status::error) {
        // The stream cannot be resynchronised (RFC 3261 §18.3): close it.
        boost::system::error_code ignored;
        c->socket.close(ignored);
        connections_.erase(c->id);
        connection_to_.erase({c->host, c->port});
        flush();
        arm_timer();
        return;
      }
      core_->receive(t, sip::Address(sip::Transport::tcp, c->host, c->port, c->id), message);
    }
    if (c->framer.take_keepalive_count() > 0) {  // RFC 5626 §3.5.1: "\r\n\r\n" ping, "\r\n" pong
      c->writes.push_back("\r\n");
      write_tcp(c);
    }
    flush();
    arm_timer();
    read_tcp(c);
  });
}

void SipServer::write_tcp(std::shared_ptr<Connection> c) {
  if (c->writing || c->writes.empty() || !c->connected) return;
  c->writing = true;
  asio::async_write(c->socket, asio::buffer(c->writes.front()), [this, c](const boost::system::error_code& ec, std::size_t) {
    c->writing = false;
    if (ec) {
      connections_.erase(c->id);
      connection_to_.erase({c->host, c->port});
      return;
    }
    c->writes.pop_front();
    write_tcp(c);
  });
}

void SipServer::connect_tcp(const sip::Address& to, std::string bytes) {
  const auto key = std::make_pair(std::string(to.host()), to.port);
  if (auto it = connection_to_.find(key); it != connection_to_.end())
    if (auto c = connections_.find(it->second); c != connections_.end()) {
      c->second->writes.push_back(std::move(bytes));
      write_tcp(c->second);
      return;
    }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(std::string(to.host()), ec);
  if (ec) return;
  auto c = std::make_shared<Connection>(io_);
  c->id = next_connection_++;
  c->host = key.first;
  c->port = key.second;
  c->connected = false;
  c->framer = sip::StreamFramer(config_.sip.limits);
  c->writes.push_back(std::move(bytes));
  connections_[c->id] = c;
  connection_to_[key] = c->id;
  c->socket.async_connect({address, to.port}, [this, c](const boost::system::error_code& connect_ec) {
    if (connect_ec) {
      connections_.erase(c->id);
      connection_to_.erase({c->host, c->port});
      return;
    }
    c->connected = true;
    boost::system::error_code ignored;
    c->socket.set_option(tcp::no_delay(true), ignored);
    write_tcp(c);
    read_tcp(c);
  });
}

// --- output ------------------------------------------------------------------------------

// Sends everything the core has to send: UDP in sendmmsg batches, TCP per connection;
// then hands music commands to the music thread.
void SipServer::flush() {
  std::size_t count = 0;
  auto send_batch = [&] {
    if (count == 0 || udp_.empty()) return;
    std::vector<mmsghdr> msgs(count);
    std::vector<iovec> iov(count);
    for (std::size_t i = 0; i < count; ++i) {
      iov[i] = {out_bytes_[i].data(), out_bytes_[i].size()};
      msgs[i].msg_hdr = {};
      msgs[i].msg_hdr.msg_name = &out_addr_[i];
      msgs[i].msg_hdr.msg_namelen = out_len_[i];
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t done = 0;
    while (done < count) {
      const int n = ::sendmmsg(udp_.front().socket->native_handle(), msgs.data() + done, unsigned(count - done), 0);
      if (n <= 0) {
        if (errno == EINTR) continue;
        ++done;  // this datagram is lost; UDP retransmission covers it
        continue;
      }
      done += std::size_t(n);
    }
    count = 0;
  };
  while (auto t = core_->poll_transmit()) {
    if (t->destination.transport == sip::Transport::udp) {
      if (count == out_bytes_.size()) {
        out_bytes_.emplace_back();
        out_addr_.emplace_back();
        out_len_.emplace_back();
      }
      socklen_t length = 0;
      if (!to_sockaddr(t->destination.host(), t->destination.port, out_addr_[count], length)) {
        core_->report_transport_error(now(), t->client, t->server);
        continue;
      }
      out_len_[count] = length;
      out_bytes_[count].assign(t->bytes);
      if (++count == std::size_t(kBatch)) send_batch();
      continue;
    }
    const std::string bytes(t->bytes);
    if (t->destination.connection != 0) {
      auto it = connections_.find(t->destination.connection);
      if (it == connections_.end()) {
        core_->report_transport_error(now(), t->client, t->server);
        continue;
      }
      it->second->writes.push_back(bytes);
      write_tcp(it->second);
    } else {
      connect_tcp(t->destination, bytes);
    }
  }
  send_batch();
  while (auto m = core_->poll_media()) music_.post(std::move(*m));
}

void SipServer::arm_timer() {
  const auto deadline = core_->next_deadline();
  if (!deadline) return;
  if (armed_ && *armed_ <= *deadline) return;  // an earlier wake-up is already set
  armed_ = deadline;
  timer_.expires_at(origin_ + *deadline);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    armed_.reset();
    core_->handle_timeout(now());
    flush();
    if (stopping_ && core_->drained()) {
      io_.stop();
      return;
    }
    arm_timer();
  });
}

// --- logs --------------------------------------------------------------------------------

void SipServer::on_log(const LogEvent& e) {
  static constexpr LogLevel kLevels[] = {LogLevel::debug, LogLevel::info, LogLevel::warn, LogLevel::error};
  const LogLevel level = kLevels[int(e.level)];
  if (!log_->enabled(level)) return;
  std::vector<LogField> fields;
  fields.reserve(e.fields.size());
  for (const auto& [k, v] : e.fields) fields.emplace_back(k, FieldValue(v));
  log_->event(level, e.name, fields);
}

// --- the control endpoint (S9, S11) --------------------------------------------------------

Status SipServer::start_control() {
  if (options_.control.empty()) return {};
  const auto at = parse_endpoint(options_.control);
  if (!at) return fail("--metrics \"" + options_.control + "\" is not ADDRESS:PORT (e.g. 127.0.0.1:9090)");
  ControlHandlers h;
  h.metrics = [this] {
    MetricsSnapshot m = core_->metrics(now());
    m.rtp_packets_sent = music_.packets_sent();
    return m;
  };
  h.parked = [this] { return core_->parked(now()); };
  h.status = [this] { return status(); };
  h.check_deployment = [this](const Deployment& proposed) -> Status {
    auto d = validate_deployment(proposed);
    if (!d) return fail(d.message());
    return core_->engine().check_deployment(now(), *d);
  };
  h.reload = [this](bool force) -> Status {
    {
      std::lock_guard lock(worker_mutex_);
      worker_reload_ = true;
      worker_force_ = worker_force_ || force;
    }
    worker_wake_.notify_all();
    return {};
  };
  try {
    control_ = std::make_unique<ControlEndpoint>(io_, *at, std::move(h));
  } catch (const ControlError& e) {
    return fail(std::string(e.what()) + " (--metrics)");
  }
  control_address_ = endpoint_text(control_->local_endpoint());
  ServeFile f;
  f.pid = ::getpid();
  f.control = control_address_;
  f.domain = config_.domain;
  f.version = options_.version;
  f.started = format_utc_iso8601(std::chrono::system_clock::now());
  if (Status s = write_serve_file(options_.store_path, f); !s)
    log_->warn("cpark parked and cpark status will not find this server: " + s.message(), {});
  else
    serve_file_written_ = true;
  return {};
}

ServerStatus SipServer::status() {
  ServerStatus s;
  core_->fill_status(now(), s);
  s.version = options_.version;
  s.store = options_.store_path;
  s.control = control_address_;
  s.pid = ::getpid();
  for (auto& e : udp_) {
    const auto ep = e.socket->local_endpoint();
    s.listening.push_back({"udp", endpoint_text(tcp::endpoint(ep.address(), ep.port()))});
  }
  for (auto& a : acceptors_) s.listening.push_back({"tcp", endpoint_text(a->local_endpoint())});
  return s;
}

// --- admin changes (S11) -----------------------------------------------------------------

void SipServer::start_store_worker() {
  worker_ = std::thread([this] {
    std::unique_ptr<Store> store;
    std::int64_t seen = served_revision_;
    std::unique_lock lock(worker_mutex_);
    while (!worker_stop_) {
      worker_wake_.wait_for(lock, options_.store_poll, [&] { return worker_stop_ || worker_reload_; });
      if (worker_stop_) break;
      const bool forced = std::exchange(worker_force_, false);
      const bool asked = std::exchange(worker_reload_, false);
      lock.unlock();
      try {
        if (!store) store = std::make_unique<Store>(options_.store_path);
        const std::int64_t revision = store->revision();
        if (revision != seen || asked) {
          auto d = store->load_validated();
          if (d) {
            // Music of every pool, decoded here, not on the SIP thread (C4).
            for (std::uint32_t p = 0; p < (*d)->pool_count(); ++p) {
              const std::string& pool = (*d)->pool(p).name;
              if (auto bytes = store->music_bytes(pool))
                if (auto music = media::decode_music(*bytes)) music_.set_music(pool, *music);
            }
            seen = revision;
            asio::post(io_, [this, dp = std::move(*d), revision, forced]() mutable {
              apply_from_store(std::move(dp), revision, forced);
            });
          }
        }
      } catch (const std::exception& e) {
        LogEvent err;
        err.level = LogEvent::Level::error;
        err.name = "store_unreadable";
        err.fields = {{"store", options_.store_path}, {"why", e.what()}};
        asio::post(io_, [this, err] { on_log(err); });
        store.reset();
      }
      lock.lock();
    }
  });
}

void SipServer::apply_from_store(DeploymentPtr d, std::int64_t revision, bool force) {
  const Status s = core_->serve(now(), std::move(d), force, revision);
  if (s) {
    served_revision_ = revision;
    LogEvent e;
    e.name = "admin_change_applied";
    e.fields = {{"revision", std::to_string(revision)}, {"forced", force ? "true" : "false"}};
    on_log(e);
  }
  flush();
  arm_timer();
}

// --- shutdown ----------------------------------------------------------------------------

void SipServer::on_signal() {
  if (++signals_seen_ > 1 || options_.drain_grace.count() == 0) {
    core_->end_all(now());
    flush();
    io_.stop();
    return;
  }
  // SIGTERM drains (S11): new requests get 503, parks end by fallback or disconnect,
  // calls get `drain_grace` to end by themselves; then everything left is ended.
  stopping_ = true;
  core_->begin_drain(now());
  flush();
  signals_.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) on_signal();
  });
  drain_timer_.expires_after(options_.drain_grace);
  drain_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    core_->end_all(now());
    flush();
    io_.stop();
  });
  if (core_->drained()) {
    io_.stop();
    return;
  }
  arm_timer();
}

void SipServer::finish() {
  {
    std::lock_guard lock(worker_mutex_);
    worker_stop_ = true;
  }
  worker_wake_.notify_all();
  if (worker_.joinable()) worker_.join();
  music_.stop();
  if (control_) control_->stop();
  if (serve_file_written_) remove_serve_file(options_.store_path, ::getpid());
  LogEvent e;
  e.name = "stopped";
  e.fields = {{"calls_left", std::to_string(core_ ? core_->legs() : 0)}};
  on_log(e);
}

Result<int> run_server(ServeOptions options, ServerConfig config) {
  if (options.listen.empty()) {
    options.listen.push_back({sip::Transport::udp, "127.0.0.1", 5060});
    options.listen.push_back({sip::Transport::tcp, "127.0.0.1", 5060});
  }
  // What phones are told to send to: the first listening address, unless it is a
  // wildcard (then --advertise must say).
  const std::string& first = options.listen.front().host;
  if (config.advertised_host.empty()) config.advertised_host = first;
  if (config.rtp_host.empty()) config.rtp_host = config.advertised_host;
  if (config.advertised_host == "0.0.0.0" || config.advertised_host == "::")
    return fail("listening on " + first + " needs --advertise ADDRESS: the address phones reach this server at");
  if (config.nonce_secret.empty()) {
    std::random_device entropy;  // the server's one real source of randomness
    for (int i = 0; i < 4; ++i) config.nonce_secret += std::to_string(entropy());
    if (config.seed == 0) config.seed = (std::uint64_t(entropy()) << 32) | entropy();
  }
  try {
    SipServer server(std::move(options), std::move(config));
    return server.run();
  } catch (const StoreError& e) {
    return fail(e.what());
  }
}

}  // namespace cpark::server
