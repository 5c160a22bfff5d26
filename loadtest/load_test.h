// `cpark loadtest PROFILE` (L2, L3): starts `cpark serve` on a free loopback port with a
// throw-away store holding the profile's deployment, runs the SIPp instances the profile
// needs, samples the server every second, stops everything it started (by PID, also on
// Ctrl-C and on failure) and returns what happened, for results_writer.h to write.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/deployment.h"
#include "loadtest/fault_relay.h"
#include "loadtest/profile.h"

namespace cpark::loadtest {

struct RunOptions {
  std::string cpark_binary;          // the `cpark` that serves (normally this one)
  std::string sipp_binary = "sipp";
  std::string scenarios_dir;         // sipp/load
  std::string out_dir;               // the results folder (its sipp/ is filled)
  std::string metrics;               // control endpoint to bind and scrape ("" = any free port)
  double engine_time_scale = 1;      // scenario replay (L4): the server's engine runs this much faster
  // Scenario replay (L4): the deployment to serve instead of the profile's, the phones'
  // port it routes to (0: any free port), more server-mode SIPp phones, JSON event log.
  std::optional<Deployment> deployment;
  std::uint16_t phones_port = 0;
  struct ExtraPhone {
    std::string role, scenario;
    std::uint16_t port = 0;
    std::vector<std::string> args;
  };
  std::vector<ExtraPhone> extra_phones;
  bool json_log = false;
  std::function<void(const std::string&)> on_progress;  // one line a second
  std::atomic<bool>* stop = nullptr;  // set by Ctrl-C: stop everything, keep what ran
  // Extra SIPp client instances a caller adds (the scenario replay): started with the
  // flows, their role, scenario and arguments given; the target is filled in.
  struct ExtraClient {
    std::string role, scenario;
    std::vector<std::string> args;
    double rate = 0;
  };
  std::vector<ExtraClient> extra_clients;
  std::vector<std::string> phone_args;  // extra arguments for the answering phones' SIPp
};

struct TransactionTimes {
  std::string transaction;   // SIPp rtd name
  std::int64_t count = 0;
  double p50 = 0, p90 = 0, p99 = 0, max = 0;  // NaN when count is 0
};

struct SippReport {
  std::string role, scenario, trace_stat;
  int exit_code = 0;
  bool client = true;
  std::int64_t attempted = 0, succeeded = 0, failed = 0, retransmissions = 0;
};

struct TimeseriesRow {
  int time_s = 0;
  double call_rate = 0;
  std::int64_t succeeded = 0, failed = 0, retransmissions = 0;
  double p50 = 0, p90 = 0, p99 = 0;         // NaN: no response that second
  std::optional<std::int64_t> busy_orbits;
  double cpu_percent = 0;                    // NaN: not sampled
  std::optional<std::int64_t> rss_bytes;
};

struct SearchStep {
  double rate = 0;
  std::int64_t attempted = 0, succeeded = 0, failed = 0;
  double p99_invite_ms = 0;
  double achieved_rate = 0;
  double server_cpu_percent = 0;
  bool passed = false;
};

struct RestartReport {
  double killed_after_seconds = 0;
  bool store_intact = false;
  bool served_after_restart = false;
  std::int64_t calls_cut = 0;   // calls in progress when the server was killed
};

struct LoadTestRun {
  std::string started_at;       // UTC ISO 8601
  double wall_seconds = 0;
  bool interrupted = false;
  std::int64_t attempted = 0, succeeded = 0, failed = 0, retransmissions = 0;
  std::int64_t phone_failures = 0;            // calls the phones' SIPp saw fail
  double target_rate = 0, achieved_rate = 0;
  std::vector<TransactionTimes> response_times;
  double server_cpu_seconds = 0;
  std::int64_t server_peak_rss = 0;
  std::string server_exit = "clean";
  std::optional<int> server_exit_code;
  std::map<std::string, std::int64_t> counters_before, counters_after;
  std::map<std::string, std::int64_t> busy_orbits_after;
  bool busy_orbits_read = false;
  std::vector<SippReport> sipp;
  std::vector<TimeseriesRow> timeseries;
  std::vector<SearchStep> search;             // park-max, calls-max
  std::optional<double> max_rate;             // the search's answer: 0 failed and p99 INVITE under the limit
  std::optional<double> max_rate_no_failures; // the highest step with 0 failed calls
  std::optional<RestartReport> restart;
  std::optional<FaultCounts> faults;
  std::string failure;                        // why the run could not complete, if it could not
  bool no_failed_calls() const { return failed == 0 && phone_failures == 0 && attempted == succeeded; }
  bool no_leaked_orbits() const;
  bool server_survived() const { return server_exit != "crashed"; }
  bool passed() const;
};

// A UDP port on 127.0.0.1 free a moment ago.
std::uint16_t free_udp_port();

// Runs the profile. Throws std::runtime_error when the server or SIPp cannot start at all.
LoadTestRun run_load_test(const Profile& profile, const RunOptions& options);

}  // namespace cpark::loadtest
