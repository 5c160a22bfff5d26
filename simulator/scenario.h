// A capacity-planning scenario (D2): a deployment (the M4 format, so a planned deployment
// can be imported and a served one simulated), synthetic users, a traffic model per pool,
// run settings and optional sweeps (D3). Read from TOML; errors name file, line and key.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/deployment.h"
#include "engine/validated_deployment.h"
#include "simulator/distribution.h"

namespace cpark::sim {

// The identity domain of synthetic users (a bare user name "sim0-17" is
// sip:sim0-17@sim.invalid, engine/identity.h) and the caller they mark Friends and Family.
inline constexpr const char* kSimulatedDomain = "sim.invalid";
inline constexpr const char* kFamilyContact = "family@home.invalid";

// What one run may ask for at most, checked before anything is generated (a scenario
// must fail in words, not exhaust memory).
inline constexpr std::size_t kMaxSweepPoints = 10'000;
inline constexpr double kMaxSampleBytes = 2e9;   // busy-orbit samples held for the report
inline constexpr int kMaxReplications = 10'000;

// Synthetic users of one pool (D2 "users per pool and group").
struct Population {
  std::string pool;
  int users = 0;
  long extension_start = 0;
  std::vector<std::string> pickup_groups;  // members are spread over these round-robin
  std::string policy;
  std::int64_t ring_timeout = 20;           // callee ring timeout before voicemail (G8)
};

// Shares of calls excluded from pickup, one per G6 reason.
struct Exclusions {
  double private_line = 0, friends_family = 0, delegate = 0, response_group = 0, team_call = 0;
  double total() const { return private_line + friends_family + delegate + response_group + team_call; }
};

// How arrivals are spaced: Poisson (exponential gaps, the default), or deterministic
// (fixed gaps of 1/rate), which is what SIPp's -r produces when `cpark loadtest
// --scenario` plays the scenario as SIP traffic (L4: same arrival process in both).
enum class Arrival : std::uint8_t { poisson, deterministic };

// The traffic of one pool (D2).
struct Traffic {
  std::string pool;
  Arrival arrival = Arrival::poisson;     // of calls and of parks
  double calls_per_hour = 0;              // calls ringing this pool's users (Poisson)
  std::vector<double> hourly_profile;     // optional 24 multipliers of the rates by hour
  double parks_per_hour = 0;              // parks of already established calls (Poisson)
  double park_share = 0;                  // share of answered calls that get parked
  Distribution talk_before_park = Distribution::exponential(30);
  Distribution retrieval_delay = Distribution::exponential(60);
  double never_retrieved = 0;             // share of parks nobody comes back for
  double retrieve_at_other_pool = 0;      // share of retrievals dialled at another pool (P9)
  double ringback_answer = 0.8;           // chance the parker answers a ringback
  Distribution ringback_answer_delay = Distribution::exponential(8);
  double fallback_answer = 0.8;           // chance the fallback answers
  Distribution fallback_answer_delay = Distribution::exponential(10);
  std::optional<Distribution> abandon;    // parked party's patience (P7)
  double callee_answer = 0.7;             // chance the callee answers before the timeout
  Distribution callee_answer_delay = Distribution::exponential(8);
  double pickup = 0.3;                    // chance a colleague dials the group number
  Distribution pickup_delay = Distribution::exponential(10);
  std::optional<Distribution> caller_patience;  // caller hangs up while ringing
  Exclusions excluded;
};

struct RunSettings {
  double duration = 3600;        // seconds measured, after the warm-up
  double warmup = 600;
  int replications = 10;
  std::uint64_t seed = 1;
  double sample_interval = 60;   // time series step
  std::optional<double> target_blocking;  // D6
};

struct SweepParameter {
  std::string name;              // orbits.<pool>, settings.<field>, traffic.<pool>.<field>
  std::vector<double> values;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string file;              // where it was read from
  std::string text;              // the file as read, echoed in summary.json
  Deployment deployment;
  std::vector<Population> populations;
  std::vector<Traffic> traffic;
  RunSettings run;
  std::vector<SweepParameter> sweep;
  // The deployment with its synthetic users, validated: set when read, cleared by any
  // change to `deployment` (apply_parameter), rebuilt by build_deployment().
  DeploymentPtr built;

  Traffic* find_traffic(std::string_view pool);
  const Traffic* find_traffic(std::string_view pool) const;
};

// Reads and validates a scenario. Throws cpark::FileError("file:line: key: problem").
Scenario read_scenario(const std::string& path);
Scenario parse_scenario(const std::string& text, const std::string& path);

// Adds the synthetic users to the deployment and validates it (O, C, V, G rules); the
// result of reading is reused when nothing changed since. Throws FileError naming the
// scenario file and the broken rule.
DeploymentPtr build_deployment(const Scenario& s);

// Sets one swept parameter.
Status apply_parameter(Scenario& s, const std::string& name, double value);

// Makes `pool` own exactly `orbits` CallPark orbits (D6, sweeps of orbits.<pool>),
// starting at its first CallPark range's first number.
Status resize_orbits(Deployment& d, const std::string& pool, long orbits);

// Refuses a run whose results would not fit in memory (samples x pools x replications x
// sweep points), naming the figures and what to change.
Status check_size(const Scenario& s);

// Every combination of the sweep's values (D3), first parameter varying slowest.
std::vector<std::vector<std::pair<std::string, double>>> sweep_points(const Scenario& s);
std::size_t sweep_point_count(const Scenario& s);

}  // namespace cpark::sim
