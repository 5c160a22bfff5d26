// One SIPp process of a load test: its command line (UDP on loopback, 4 MB socket
// buffers, statistics every second, response times and errors traced), its files in the
// results folder's sipp/ (ROLE.stat.csv, ROLE.rtt.csv, ROLE.errors.log) and its exit.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "loadtest/detail/child_process.h"
#include "loadtest/sipp_stats.h"

namespace cpark::loadtest::detail {

struct SippLaunch {
  std::string role;                 // file stem of its outputs: letters, digits, - _ .
  std::string scenario;             // XML path
  std::string remote;               // client: "127.0.0.1:PORT"; empty: a server-mode phone
  std::uint16_t local_port = 0;
  std::vector<std::string> extra;   // -r, -m, -inf, -key, ...
  std::int64_t expected_calls = 0;  // how many calls it will make (0: a phone)
};

class SippInstance {
 public:
  static SippInstance start(const std::string& sipp_binary, const SippLaunch& launch, const std::string& folder);
  const std::string& role() const { return launch_.role; }
  const SippLaunch& launch() const { return launch_; }
  bool is_client() const { return !launch_.remote.empty(); }
  double started_at() const { return started_at_; }  // epoch seconds
  ChildProcess& process() { return process_; }
  // Soft stop (SIGUSR1: no new calls, ends when the calls in progress end), then SIGKILL
  // after `grace`; moves SIPp's rtt file to ROLE.rtt.csv.
  ChildExit stop(std::chrono::milliseconds grace);
  // After it ended: moves the rtt file and reads the statistics.
  void collect();
  const std::vector<SippStatRow>& stats() const { return stats_; }
  const std::vector<SippResponse>& responses() const { return responses_; }
  std::string stat_path() const { return "sipp/" + launch_.role + ".stat.csv"; }
  int exit_code() const;

 private:
  SippLaunch launch_;
  std::string folder_;
  double started_at_ = 0;
  ChildProcess process_;
  std::vector<SippStatRow> stats_;
  std::vector<SippResponse> responses_;
  bool collected_ = false;
};

}  // namespace cpark::loadtest::detail
