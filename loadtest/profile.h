// A load profile (L2): which SIP flows `cpark loadtest` drives with SIPp, how fast and
// for how long, on what deployment, and what goes wrong on purpose (packet loss, delay,
// duplication, reordering, a server killed and restarted). Read from TOML in
// sipp/profiles/ with the project's one TOML reader: errors name file, line and key.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cpark::loadtest {

// The SIP flows a profile can drive; each is one SIPp client scenario in sipp/load/.
enum class Flow : std::uint8_t {
  register_,      // REGISTER and unREGISTER (S1)
  call,           // plain call through the B2BUA (S1)
  park,           // park by REFER to park@, retrieve by INVITE to the orbit with park-id (S2, S3)
  directed_park,  // the same with Refer-To a chosen orbit (O10)
  pickup,         // a call rings a group member, a colleague dials the group number (S6)
};
std::string_view flow_name(Flow f);
std::optional<Flow> flow_from_name(std::string_view name);
// The SIPp scenario file of a flow, relative to sipp/load/.
std::string_view flow_scenario(Flow f);

// One SIPp client instance: `calls` calls at `rate` calls/s (or for `duration` s).
struct FlowLoad {
  Flow flow = Flow::call;
  double rate = 10;              // new calls per second (SIPp -r)
  std::int64_t calls = 0;        // stop after this many (SIPp -m); 0: run for `duration`
  double duration = 0;           // seconds; 0: until `calls`
  std::int64_t hold_ms = 0;      // talk time (call), time parked (park), before the pickup (pickup)
  std::int64_t max_concurrent = 0;  // SIPp -l; 0: SIPp's default
};

// Park-max / calls-max: raise the rate step by step; the answer is the highest rate
// with no failed call and the p99 INVITE response under the limit.
struct RateSearch {
  Flow flow = Flow::park;
  double start = 100, step = 100, max = 1000;  // calls/s
  double step_seconds = 10;
  double p99_invite_limit_ms = 10;
  std::int64_t hold_ms = 0;
};

// Faults between SIPp and the server (L3 under loss): SIPp's own -lost, plus the fault
// relay (fault_relay.h) on the client's path. Shares are 0..1.
struct Faults {
  double sipp_lost = 0;          // SIPp -lost: share of its own messages SIPp drops
  double drop = 0, duplicate = 0, reorder = 0;
  double delay_ms = 0, jitter_ms = 0;
  std::uint64_t seed = 1;
};

// The deployment served: a deployment file (M4) with the pools, ranges, settings and
// policies, plus users the profile generates: `users` answering phones (extensions from
// `extension_start`), and `members` ringing phones spread over `pickup_groups`.
struct ProfileDeployment {
  std::string file;              // resolved against the profile's folder
  int users = 20;
  long extension_start = 1000;
  int members = 0;
  std::vector<std::string> pickup_groups;
};

struct Profile {
  std::string name, description;
  std::string file, text;        // where it was read, and the file as read
  std::string transport = "udp";
  double timeout = 300;          // the whole run's deadline, seconds
  bool parallel = false;         // flows run together (true) or one after another
  ProfileDeployment deployment;
  std::vector<FlowLoad> flows;
  std::optional<RateSearch> search;
  std::optional<Faults> faults;
  std::optional<double> restart_at;  // SIGKILL the server this many seconds into the load, restart it
  int t1_ms = 500;               // the server's RFC 3261 T1
  std::int64_t max_transactions = 0;  // cpark serve --max-transactions (0: its default)
  // The target rate (flows running together: the sum of their rates; one after another:
  // the highest, as no two run at once; a search: its start) and planned calls, for the
  // summary.
  double call_rate() const;
  std::optional<std::int64_t> max_calls() const;
  std::optional<double> duration() const;
};

// Reads and validates a profile. Throws cpark::FileError("file:line: key: problem").
Profile read_profile(const std::string& path);
Profile parse_profile(const std::string& text, const std::string& path);

}  // namespace cpark::loadtest
