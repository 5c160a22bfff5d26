#include "cli/live_server.h"

#include <iostream>

#include "config/deployment_file.h"
#include "server/control/http_client.h"

namespace cpark::cli {

namespace {

// A server's one-sentence answer on one line.
std::string one_line(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

void warn(const std::string& text) { std::cerr << "cpark: warning: " << text << "\n"; }

}  // namespace

std::optional<server::ServeFile> running_server(const std::string& store_path) {
  auto f = server::read_serve_file(store_path);
  if (!f) return std::nullopt;
  return *f;
}

std::string control_address(const Context& ctx, const std::string& server_option) {
  if (!server_option.empty()) return server_option;
  auto f = server::read_serve_file(ctx.store_path);
  if (!f)
    throw CommandError(kIoFailure, f.message() + "; start one with `cpark serve --store " + ctx.store_path +
                                       "`, or name one with --server HOST:PORT");
  return f->control;
}

std::string get_from_server(const std::string& address, const std::string& target) {
  auto r = server::http_request("GET", address, target);
  if (!r) throw CommandError(kIoFailure, r.message());
  if (r->status != 200)
    throw CommandError(kIoFailure, "the server at " + address + " answered " + std::to_string(r->status) + " to " +
                                       target + ": " + one_line(r->body));
  return std::move(r->body);
}

Store::Guard live_park_guard(const std::string& store_path, bool force, bool offers_force) {
  auto server = running_server(store_path);
  if (!server) return {};
  const std::string address = server->control, pid = std::to_string(server->pid);
  return [=](const Deployment& proposed) -> Status {
    auto r = server::http_request("POST", address, "/admin/check", deployment_to_toml(proposed), "application/toml");
    if (!r) {
      warn("the running server (pid " + pid + ") could not check the change: " + r.message() +
           "; it applies the change when it next reads the store and refuses it there if parked calls would lose "
           "their orbit (O7/O8)");
      return {};
    }
    if (r->status == 200) return {};
    const std::string why = one_line(r->body);
    if (r->status == 409) {
      if (force) {
        warn("forced: " + why + "; the server ends those parked calls by fallback or disconnect (O8)");
        return {};
      }
      return fail("the running server refuses the change: " + why +
                  (offers_force ? "; add --force to end those parked calls (fallback or disconnect) and apply it (O8)"
                                : " (O7/O8)"));
    }
    warn("the running server (pid " + pid + ") answered " + std::to_string(r->status) + " to the check: " + why +
         "; the change goes ahead and the server checks it again when it applies it (O7/O8)");
    return {};
  };
}

void tell_server_to_reload(const std::string& store_path, bool force) {
  auto server = running_server(store_path);
  if (!server) return;
  const std::string target = std::string("/admin/reload?force=") + (force ? "1" : "0");
  auto r = server::http_request("POST", server->control, target);
  if (!r) {
    warn("the change is saved, but the running server (pid " + std::to_string(server->pid) +
         ") could not be told: " + r.message() + "; it picks the change up within a second by polling the store" +
         (force ? ", without --force (O8)" : ""));
    return;
  }
  if (r->status != 200)
    warn("the change is saved, but the running server did not apply it: " + one_line(r->body));
}

}  // namespace cpark::cli
