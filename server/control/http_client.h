// A small synchronous HTTP/1.1 client for the control endpoint of a running server (S11):
// `cpark parked`, `cpark status` and the admin changes' /admin/check and /admin/reload use
// it, and so do the endpoint's tests. Boost.Beast over a plain TCP socket, with short
// timeouts so a wedged or absent server costs the operator at most a few seconds, and
// errors that say which server and what happened.
#pragma once
#include <chrono>
#include <string>
#include <string_view>

#include "common/result.h"

namespace cpark::server {

struct HttpTimeouts {
  std::chrono::milliseconds connect{1000};
  std::chrono::milliseconds read{5000};  // sending the request and reading the whole answer
};

struct HttpResponse {
  unsigned status = 0;
  std::string content_type;
  std::string body;
};

// Sends one request to `server` ("127.0.0.1:5099", "[::1]:5099", "localhost:5099") and
// reads the answer, whatever its status. Fails with one sentence: the address is not
// HOST:PORT, nothing listens there, or it did not answer in time.
Result<HttpResponse> http_request(std::string_view method, const std::string& server, const std::string& target,
                                  const std::string& body = {}, std::string_view content_type = {},
                                  HttpTimeouts timeouts = {});

}  // namespace cpark::server
