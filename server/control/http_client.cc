#include "server/control/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <optional>

namespace cpark::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

struct HostPort {
  std::string host, port;
};

std::optional<HostPort> split_host_port(const std::string& s) {
  std::string host, port;
  if (!s.empty() && s.front() == '[') {  // [IPv6]:port
    const auto close = s.find(']');
    if (close == std::string::npos || close + 1 >= s.size() || s[close + 1] != ':') return std::nullopt;
    host = s.substr(1, close - 1);
    port = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string::npos || s.find(':') != colon) return std::nullopt;
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.size() > 5) return std::nullopt;
  unsigned n = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + unsigned(c - '0');
  }
  if (n == 0 || n > 65535) return std::nullopt;
  return HostPort{host, port};
}

std::string seconds(std::chrono::milliseconds d) {
  const auto ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

Result<HttpResponse> http_request(std::string_view method, const std::string& server, const std::string& target,
                                  const std::string& body, std::string_view content_type, HttpTimeouts timeouts) {
  auto where = split_host_port(server);
  if (!where) return fail("server address \"" + server + "\" must be HOST:PORT, e.g. 127.0.0.1:5099");
  asio::io_context io;
  beast::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(where->host, where->port, tcp::resolver::numeric_service, ec);
  if (ec) return fail("cannot find the server at " + server + ": " + ec.message());

  beast::tcp_stream stream(io);
  stream.expires_after(timeouts.connect);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  io.run();
  if (ec == beast::error::timeout)
    return fail("the server at " + server + " did not accept a connection within " + seconds(timeouts.connect));
  if (ec) return fail("cannot connect to the server at " + server + ": " + ec.message());

  http::request<http::string_body> req{http::string_to_verb(method), target, 11};
  req.set(http::field::host, server);
  req.set(http::field::user_agent, "cpark");
  req.set(http::field::connection, "close");
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  req.body() = body;
  req.prepare_payload();

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(std::uint64_t{256} << 20);  // a server with very many parked calls
  stream.expires_after(timeouts.read);
  http::async_write(stream, req, [&](beast::error_code e, std::size_t) {
    ec = e;
    if (!e) http::async_read(stream, buffer, parser, [&](beast::error_code r, std::size_t) { ec = r; });
  });
  io.restart();
  io.run();
  if (ec == beast::error::timeout)
    return fail("the server at " + server + " did not answer within " + seconds(timeouts.read));
  if (ec) return fail("the server at " + server + " broke off the answer: " + ec.message());
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  auto res = parser.release();
  HttpResponse out;
  out.status = res.result_int();
  out.content_type = std::string(res[http::field::content_type]);
  out.body = std::move(res.body());
  return out;
}

}  // namespace cpark::server
