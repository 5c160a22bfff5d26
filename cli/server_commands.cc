// `cpark parked` and `cpark status`: what a running `cpark serve` holds now (S11), read
// from its control endpoint — the parked calls like Asterisk's `parkedcalls show`, the
// server's state like the other `get` commands (Format-List).
#include <cstdio>

#include "cli/commands.h"
#include "cli/live_server.h"
#include "server/control/status_json.h"

namespace cpark::cli {

namespace {

// m:ss, minutes growing past 59 ("75:03"), as a parking lot display shows it.
std::string minutes_seconds(double seconds) {
  const long s = seconds > 0 ? static_cast<long>(seconds) : 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// h:mm:ss for uptimes.
std::string hours_minutes_seconds(double seconds) {
  const long s = seconds > 0 ? static_cast<long>(seconds) : 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  return buf;
}

// A table with a header row, columns as wide as their widest cell; `right` columns
// (numbers) are right-aligned.
std::string table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right) {
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (auto& r : rows)
    for (std::size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  std::string out;
  for (auto& r : rows) {
    std::string line;
    for (std::size_t c = 0; c < r.size(); ++c) {
      const std::string pad(width[c] - r[c].size(), ' ');
      line += right[c] ? pad + r[c] : r[c] + (c + 1 < r.size() ? pad : "");
      if (c + 1 < r.size()) line += "  ";
    }
    out += line + "\n";
  }
  return out;
}

template <class T>
T read_answer(const std::string& address, const std::string& target, const std::string& body) {
  try {
    return nlohmann::json::parse(body).get<T>();
  } catch (const nlohmann::json::exception& e) {
    throw CommandError(kIoFailure, "the server at " + address + " sent an answer to " + target +
                                       " that cpark cannot read (" + e.what() + ")");
  }
}

}  // namespace

void add_server_commands(CLI::App& app, Context& ctx) {
  {
    auto* cmd = app.add_subcommand("parked", "Calls parked on the running server now, like Asterisk's "
                                             "`parkedcalls show` (S11)");
    auto server = std::make_shared<std::string>();
    cmd->add_option("--server", *server, "Control endpoint HOST:PORT (default: the server running for --store)");
    cmd->callback([=, &ctx] {
      const std::string address = control_address(ctx, *server);
      const std::string body = get_from_server(address, "/parked");
      auto rows = read_answer<std::vector<server::ParkedCallRow>>(address, "/parked", body);
      if (ctx.json) {
        ctx.print(nlohmann::ordered_json::parse(body), "");
        return;
      }
      std::vector<std::vector<std::string>> cells = {
          {"Orbit", "Pool", "Parked party", "Parker", "Parked", "Ringbacks"}};
      for (auto& r : rows)
        cells.push_back({r.orbit, r.pool, r.parked_party, r.parker, minutes_seconds(r.parked_seconds),
                         std::to_string(r.attempts) + (r.ringing_back ? " (ringing back)" : "")});
      std::string out = rows.empty() ? "" : table(cells, {false, false, false, false, true, false});
      out += std::to_string(rows.size()) + " parked call(s) in total.\n";
      ctx.print({}, out);
    });
  }
  {
    auto* cmd = app.add_subcommand("status", "State of the running server: addresses, uptime, store revision, "
                                             "registrations, calls (S11)");
    auto server = std::make_shared<std::string>();
    cmd->add_option("--server", *server, "Control endpoint HOST:PORT (default: the server running for --store)");
    cmd->callback([=, &ctx] {
      const std::string address = control_address(ctx, *server);
      const std::string body = get_from_server(address, "/status");
      auto s = read_answer<server::ServerStatus>(address, "/status", body);
      if (ctx.json) {
        ctx.print(nlohmann::ordered_json::parse(body), "");
        return;
      }
      std::vector<std::string> listening;
      for (auto& l : s.listening) listening.push_back(l.transport + " " + l.address);
      nlohmann::ordered_json list = nlohmann::ordered_json::array();
      list.push_back({{"version", s.version},
                      {"domain", s.domain},
                      {"pool", s.pool},
                      {"store", s.store},
                      {"listening", listening},
                      {"control", s.control},
                      {"pid", s.pid},
                      {"uptime", hours_minutes_seconds(s.uptime_seconds)},
                      {"store_revision", s.store_revision},
                      {"draining", s.draining},
                      {"require_auth", s.require_auth},
                      {"registrations", s.registrations},
                      {"bindings", s.bindings},
                      {"active_calls", s.active_calls},
                      {"parked_calls", s.parked_calls},
                      {"ringing_calls", s.ringing_calls}});
      ctx.print({}, format_list(list));
    });
  }
}

}  // namespace cpark::cli
