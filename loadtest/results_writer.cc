#include "loadtest/results_writer.h"

#include <cmath>
#include <filesystem>

#include "simulator/report.h"

namespace cpark::loadtest {

namespace fs = std::filesystem;
using nlohmann::ordered_json;
using sim::csv_number;
using sim::json_number;

ordered_json summary_json(const Profile& p, const LoadTestRun& r, const RunInfo& info) {
  ordered_json j;
  j["format"] = sim::kResultsFormat;
  j["kind"] = "loadtest";
  j["software"] = {{"name", "cpark"}, {"version", info.software_version}};
  ordered_json profile;
  profile["name"] = p.name;
  profile["file"] = p.file;
  profile["text"] = p.text;
  profile["scenario"] = info.scenario.empty() ? ordered_json(nullptr) : ordered_json(info.scenario);
  profile["call_rate_per_second"] = json_number(r.target_rate > 0 ? r.target_rate : p.call_rate());
  const auto duration = p.duration();
  profile["duration_seconds"] = duration ? json_number(*duration) : ordered_json(nullptr);
  const auto calls = p.max_calls();
  profile["max_calls"] = calls ? ordered_json(*calls) : ordered_json(nullptr);
  profile["transport"] = p.transport;
  profile["time_compression"] = json_number(info.time_compression);
  j["profile"] = profile;
  j["started_at"] = r.started_at;
  j["wall_seconds"] = json_number(r.wall_seconds);
  j["interrupted"] = r.interrupted;
  j["calls"] = {{"attempted", r.attempted}, {"succeeded", r.succeeded}, {"failed", r.failed}};
  j["call_rate"] = {{"target_per_second", json_number(r.target_rate)},
                    {"achieved_per_second", json_number(r.achieved_rate)}};
  j["retransmissions"] = r.retransmissions;
  ordered_json times = ordered_json::array();
  for (auto& t : r.response_times)
    times.push_back({{"transaction", t.transaction}, {"unit", "ms"}, {"count", t.count}, {"p50", json_number(t.p50)},
                     {"p90", json_number(t.p90)}, {"p99", json_number(t.p99)}, {"max", json_number(t.max)}});
  j["response_times"] = times;
  ordered_json server;
  server["cpu_seconds"] = json_number(r.server_cpu_seconds);
  server["peak_rss_bytes"] = r.server_peak_rss;
  server["exit"] = r.server_exit;
  server["exit_code"] = r.server_exit_code ? ordered_json(*r.server_exit_code) : ordered_json(nullptr);
  server["counters_before"] = r.counters_before;
  server["counters_after"] = r.counters_after;
  j["server"] = server;
  j["busy_orbits_after"] = r.busy_orbits_after;
  ordered_json sipp = ordered_json::array();
  for (auto& s : r.sipp)
    sipp.push_back({{"role", s.role}, {"scenario", s.scenario}, {"exit_code", s.exit_code}, {"trace_stat", s.trace_stat},
                    {"client", s.client}, {"attempted", s.attempted}, {"succeeded", s.succeeded},
                    {"failed", s.failed}, {"retransmissions", s.retransmissions}});
  j["sipp"] = sipp;
  ordered_json checks;
  checks["no_failed_calls"] = r.no_failed_calls();
  checks["no_leaked_orbits"] = r.no_leaked_orbits();
  checks["server_survived"] = r.server_survived();
  if (r.restart) {
    checks["store_intact_after_kill"] = r.restart->store_intact;
    checks["served_after_restart"] = r.restart->served_after_restart;
  }
  checks["passed"] = r.passed();
  j["checks"] = checks;
  // Additions of cpark-results/1 for load tests (docs/results.md): present when they apply.
  if (r.phone_failures > 0) j["phone_failures"] = r.phone_failures;
  if (!r.failure.empty()) j["failure"] = r.failure;
  if (!r.search.empty()) {
    ordered_json steps = ordered_json::array();
    for (auto& s : r.search)
      steps.push_back({{"rate_per_second", json_number(s.rate)}, {"achieved_per_second", json_number(s.achieved_rate)},
                       {"attempted", s.attempted}, {"succeeded", s.succeeded}, {"failed", s.failed},
                       {"p99_invite_ms", json_number(s.p99_invite_ms)},
                       {"server_cpu_percent", json_number(s.server_cpu_percent)}, {"passed", s.passed}});
    j["rate_search"] = {{"flow", std::string(flow_name(p.search->flow))},
                        {"p99_invite_limit_ms", json_number(p.search->p99_invite_limit_ms)},
                        {"max_rate_per_second", r.max_rate ? json_number(*r.max_rate) : ordered_json(nullptr)},
                        {"max_rate_no_failed_calls_per_second",
                         r.max_rate_no_failures ? json_number(*r.max_rate_no_failures) : ordered_json(nullptr)},
                        {"steps", steps}};
  }
  if (r.restart)
    j["restart"] = {{"killed_after_seconds", json_number(r.restart->killed_after_seconds)},
                    {"calls_cut", r.restart->calls_cut},
                    {"store_intact", r.restart->store_intact},
                    {"served_after_restart", r.restart->served_after_restart}};
  if (p.faults) {
    ordered_json f = {{"sipp_lost_share", json_number(p.faults->sipp_lost)}, {"drop_share", json_number(p.faults->drop)},
                      {"duplicate_share", json_number(p.faults->duplicate)},
                      {"reorder_share", json_number(p.faults->reorder)}, {"delay_ms", json_number(p.faults->delay_ms)},
                      {"jitter_ms", json_number(p.faults->jitter_ms)}, {"seed", p.faults->seed}};
    if (r.faults)
      f["relay"] = {{"forwarded", r.faults->forwarded}, {"dropped", r.faults->dropped},
                    {"duplicated", r.faults->duplicated}, {"reordered", r.faults->reordered}};
    j["faults"] = f;
  }
  return j;
}

std::string timeseries_csv(const LoadTestRun& r) {
  std::string out =
      "time_s,call_rate_per_s,calls_succeeded,calls_failed,retransmissions,response_time_p50_ms,"
      "response_time_p90_ms,response_time_p99_ms,busy_orbits,server_cpu_percent,server_rss_bytes\n";
  for (auto& t : r.timeseries) {
    out += std::to_string(t.time_s) + "," + csv_number(t.call_rate) + "," + std::to_string(t.succeeded) + "," +
           std::to_string(t.failed) + "," + std::to_string(t.retransmissions) + "," + csv_number(t.p50) + "," +
           csv_number(t.p90) + "," + csv_number(t.p99) + "," +
           (t.busy_orbits ? std::to_string(*t.busy_orbits) : std::string()) + "," + csv_number(t.cpu_percent) + "," +
           (t.rss_bytes ? std::to_string(*t.rss_bytes) : std::string()) + "\n";
  }
  return out;
}

void write_results(const std::string& dir, const Profile& p, const LoadTestRun& r, const RunInfo& info) {
  fs::create_directories(dir);
  sim::write_file_atomically(fs::path(dir) / "timeseries.csv", timeseries_csv(r));
  sim::write_file_atomically(fs::path(dir) / "summary.json", summary_json(p, r, info).dump(2) + "\n");
}

void print_summary(std::ostream& out, const Profile& p, const LoadTestRun& r) {
  char line[256];
  out << "Load test \"" << p.name << "\"" << (r.interrupted ? " (interrupted)" : "") << "\n";
  std::snprintf(line, sizeof line, "  calls: %lld attempted, %lld succeeded, %lld failed; %.1f calls/s over %.1f s\n",
                static_cast<long long>(r.attempted), static_cast<long long>(r.succeeded),
                static_cast<long long>(r.failed), r.achieved_rate, r.wall_seconds);
  out << line;
  if (r.phone_failures > 0) out << "  the phones saw " << r.phone_failures << " failed call(s)\n";
  out << "  retransmissions: " << r.retransmissions << "\n";
  for (auto& t : r.response_times) {
    std::snprintf(line, sizeof line, "  %-9s %7lld responses, p50 %g ms, p90 %g ms, p99 %g ms, max %g ms\n",
                  t.transaction.c_str(), static_cast<long long>(t.count), t.p50, t.p90, t.p99, t.max);
    out << line;
  }
  std::snprintf(line, sizeof line, "  server: %.2f CPU s, peak RSS %.1f MB, exit %s\n", r.server_cpu_seconds,
                double(r.server_peak_rss) / 1e6, r.server_exit.c_str());
  out << line;
  for (auto& s : r.search) {
    std::snprintf(line, sizeof line, "  step %6.0f/s: achieved %.0f/s, %lld calls, %lld failed, p99 INVITE %g ms, server CPU %.0f%%%s\n",
                  s.rate, s.achieved_rate, static_cast<long long>(s.attempted), static_cast<long long>(s.failed),
                  s.p99_invite_ms, s.server_cpu_percent, s.passed ? "" : "  <- over the limit");
    out << line;
  }
  if (!r.search.empty()) {
    out << "  highest rate with no failed call and p99 INVITE under the limit: "
        << (r.max_rate ? std::to_string(std::llround(*r.max_rate)) + " calls/s" : std::string("none")) << "\n";
    out << "  highest rate with no failed call: "
        << (r.max_rate_no_failures ? std::to_string(std::llround(*r.max_rate_no_failures)) + " calls/s" : std::string("none"))
        << "\n";
  }
  if (r.restart)
    out << "  server killed after " << std::llround(r.restart->killed_after_seconds) << " s (" << r.restart->calls_cut
        << " calls cut); store intact: " << (r.restart->store_intact ? "yes" : "NO")
        << "; served new calls after restart: " << (r.restart->served_after_restart ? "yes" : "NO") << "\n";
  if (r.faults)
    out << "  fault relay: " << r.faults->forwarded << " forwarded, " << r.faults->dropped << " dropped, "
        << r.faults->duplicated << " duplicated, " << r.faults->reordered << " reordered\n";
  out << "  orbits busy after the run:";
  if (!r.busy_orbits_read) out << " not read";
  for (auto& [pool, n] : r.busy_orbits_after) out << " " << pool << "=" << n;
  out << "\n";
  if (!r.failure.empty()) out << "  problem: " << r.failure << "\n";
  out << "  checks: " << (r.passed() ? "passed" : "FAILED") << "\n";
}

}  // namespace cpark::loadtest
