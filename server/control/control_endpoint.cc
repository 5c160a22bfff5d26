#include "server/control/control_endpoint.h"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <nlohmann/json.hpp>
#include <array>
#include <optional>
#include <toml++/toml.h>

#include "config/deployment_file.h"
#include "engine/validated_deployment.h"
#include "server/control/prometheus.h"
#include "server/control/status_json.h"

namespace cpark::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

class Session;

}  // namespace

bool is_loopback_peer(const asio::ip::address& a) {
  if (a.is_loopback()) return true;
  // An IPv4 loopback peer on a dual-stack socket shows as ::ffff:127.x.y.z.
  return a.is_v6() && a.to_v6().is_v4_mapped() &&
         asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).is_loopback();
}

namespace detail {

struct ControlState {
  ControlState(asio::io_context& io, ControlHandlers h, ControlLimits l)
      : acceptor(io), retry(io), handlers(std::move(h)), limits(l) {}
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // after an accept error such as EMFILE
  ControlHandlers handlers;
  ControlLimits limits;
  bool stopped = false;
  // Open connections, to close them on stop(); each removes itself when it ends.
  boost::unordered_flat_map<Session*, std::weak_ptr<Session>> sessions;
};

}  // namespace detail

namespace {

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// One HTTP connection: read a request, answer it, again while the client keeps it alive.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, std::shared_ptr<detail::ControlState> state)
      : stream_(std::move(socket)), state_(std::move(state)) {
    beast::error_code ec;
    peer_ = stream_.socket().remote_endpoint(ec).address();
  }
  ~Session() { state_->sessions.erase(this); }

  void start() {
    state_->sessions.emplace(this, weak_from_this());
    read();
  }
  void close() {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  void read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->limits.max_header_bytes));
    parser_->body_limit(state_->limits.max_body_bytes);
    // One deadline for the whole request (or the idle wait before it): a client that
    // trickles bytes is cut off when it passes, whatever it sent so far.
    stream_.expires_after(state_->limits.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
        ec == asio::error::connection_reset || ec == asio::error::eof || state_->stopped)
      return close();
    if (ec == http::error::header_limit) return answer_and_close(http::status::request_header_fields_too_large,
                                                                 "request header too large\n");
    if (ec == http::error::body_limit) return answer_and_close(http::status::payload_too_large,
                                                               "request body too large\n");
    if (ec && ec != http::error::partial_message && ec.category() == http::make_error_code(http::error::bad_target).category())
      return answer_and_close(http::status::bad_request, "malformed HTTP request: " + ec.message() + "\n");
    if (ec) return close();
    Request req = parser_->release();
    Response res = handle(req);
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    write(std::move(res));
  }

  void answer_and_close(http::status status, std::string text) {
    Response res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(text);
    res.keep_alive(false);
    write(std::move(res));
  }

  void write(Response res) {
    res_ = std::move(res);
    res_.prepare_payload();
    stream_.expires_after(state_->limits.write_timeout);
    http::async_write(stream_, res_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || self->state_->stopped) return self->close();
      if (!self->res_.keep_alive()) return self->linger();
      self->read();
    });
  }

  // Closing with unread bytes in the socket makes the kernel send RST, and the client may
  // lose the answer it has not read yet (a 431 after a huge header). So: send FIN, then
  // read and drop what still comes until the client closes or a short deadline passes.
  void linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(std::min<std::chrono::milliseconds>(state_->limits.write_timeout, std::chrono::seconds(2)));
    drain();
  }
  void drain() {
    stream_.async_read_some(asio::buffer(scratch_), [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec || self->state_->stopped) return self->close();
      self->drain();
    });
  }

  Response text(http::status status, std::string body) const {
    Response res{status, 11};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.body() = std::move(body);
    return res;
  }
  Response json(const nlohmann::json& j) const {
    Response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = j.dump() + "\n";
    return res;
  }

  Response handle(const Request& req) {
    try {
      return route(req);
    } catch (const std::exception& e) {  // a handler failed: this request only
      return text(http::status::internal_server_error, std::string("internal error: ") + e.what() + "\n");
    }
  }

  Response route(const Request& req) {
    const std::string_view target = req.target();
    const std::size_t q = target.find('?');
    const std::string_view path = target.substr(0, q);
    const std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q + 1);
    const ControlHandlers& h = state_->handlers;
    struct Route {
      std::string_view path;
      http::verb method;
    };
    static constexpr Route routes[] = {{"/metrics", http::verb::get},      {"/parked", http::verb::get},
                                       {"/status", http::verb::get},       {"/admin/check", http::verb::post},
                                       {"/admin/reload", http::verb::post}};
    const Route* route = nullptr;
    for (auto& r : routes)
      if (r.path == path) route = &r;
    if (!route) return text(http::status::not_found, "no such path: " + std::string(path) + "\n");
    if (req.method() != route->method) {
      Response res = text(http::status::method_not_allowed,
                          std::string(path) + " answers " + std::string(http::to_string(route->method)) + " only\n");
      res.set(http::field::allow, http::to_string(route->method));
      return res;
    }
    const bool admin = path.substr(0, 7) == "/admin/";
    if (admin && !is_loopback_peer(peer_))
      return text(http::status::forbidden, std::string(path) + " answers loopback clients only (S11)\n");
    auto unavailable = [&] { return text(http::status::service_unavailable, std::string(path) + " is not available on this server\n"); };

    if (path == "/metrics") {
      if (!h.metrics) return unavailable();
      Response res{http::status::ok, 11};
      res.set(http::field::content_type, kPrometheusContentType);
      res.body() = render_prometheus(h.metrics());
      return res;
    }
    if (path == "/parked") {
      if (!h.parked) return unavailable();
      return json(h.parked());
    }
    if (path == "/status") {
      if (!h.status) return unavailable();
      return json(h.status());
    }
    if (path == "/admin/check") {
      if (!h.check_deployment) return unavailable();
      DeploymentFile proposed;
      try {
        const std::string source = "POST /admin/check";
        proposed = read_deployment(parse_toml(req.body(), source), TomlReader(source));
      } catch (const FileError& e) {
        return text(http::status::bad_request, std::string("the body is not a deployment: ") + e.what() + "\n");
      }
      // The handler sees only deployments that pass every rule, as the store holds them.
      if (auto v = validate_deployment(proposed.deployment); !v)
        return text(http::status::bad_request, "the proposed deployment breaks a rule: " + v.message() + "\n");
      if (Status s = h.check_deployment(proposed.deployment); !s) return text(http::status::conflict, s.message() + "\n");
      return text(http::status::ok, "ok\n");
    }
    // /admin/reload
    if (!h.reload) return unavailable();
    bool force = false;
    if (query == "force=1") force = true;
    else if (!query.empty() && query != "force=0")
      return text(http::status::bad_request, "query \"" + std::string(query) + "\" must be force=0 or force=1\n");
    if (Status s = h.reload(force); !s) return text(http::status::conflict, s.message() + "\n");
    return text(http::status::ok, "ok\n");
  }

  beast::tcp_stream stream_;
  std::shared_ptr<detail::ControlState> state_;
  asio::ip::address peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  Response res_;
  std::array<char, 4096> scratch_;
};

void accept(const std::shared_ptr<detail::ControlState>& state) {
  state->acceptor.async_accept([state](beast::error_code ec, tcp::socket socket) {
    if (state->stopped) return;
    if (!ec) {
      if (state->sessions.size() >= state->limits.max_connections) {
        beast::error_code ignored;
        socket.close(ignored);  // full: refuse this one, keep serving the others
      } else {
        std::make_shared<Session>(std::move(socket), state)->start();
      }
    }
    if (!ec || ec == asio::error::connection_aborted) return accept(state);
    // Out of file descriptors or memory: accepting again at once would fail at once, in
    // a busy loop. Wait a little; the connections being served go on meanwhile.
    state->retry.expires_after(std::chrono::milliseconds(100));
    state->retry.async_wait([state](beast::error_code e) {
      if (!e && !state->stopped) accept(state);
    });
  });
}

}  // namespace

ControlEndpoint::ControlEndpoint(asio::io_context& io, const tcp::endpoint& at, ControlHandlers handlers,
                                 ControlLimits limits)
    : state_(std::make_shared<detail::ControlState>(io, std::move(handlers), limits)) {
  beast::error_code ec;
  auto& a = state_->acceptor;
  const auto where = [&] { return at.address().to_string() + ":" + std::to_string(at.port()); };
  if (a.open(at.protocol(), ec); ec) throw ControlError("control endpoint: cannot open a socket: " + ec.message());
  a.set_option(asio::socket_base::reuse_address(true), ec);
  if (a.bind(at, ec); ec) throw ControlError("control endpoint: cannot listen on " + where() + ": " + ec.message());
  if (a.listen(asio::socket_base::max_listen_connections, ec); ec)
    throw ControlError("control endpoint: cannot listen on " + where() + ": " + ec.message());
  accept(state_);
}

ControlEndpoint::~ControlEndpoint() { stop(); }

tcp::endpoint ControlEndpoint::local_endpoint() const {
  beast::error_code ec;
  return state_->acceptor.local_endpoint(ec);
}

void ControlEndpoint::stop() {
  if (state_->stopped) return;
  state_->stopped = true;
  beast::error_code ec;
  state_->acceptor.close(ec);
  state_->retry.cancel();
  // Copy first: closing ends sessions, which erase themselves from the map.
  std::vector<std::shared_ptr<Session>> open;
  for (auto& [raw, weak] : state_->sessions)
    if (auto s = weak.lock()) open.push_back(std::move(s));
  for (auto& s : open) s->close();
}

}  // namespace cpark::server
