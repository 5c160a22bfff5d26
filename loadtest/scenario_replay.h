// L4: a capacity-planning scenario played as real SIP traffic and simulated with the same
// arrival process. `cpark loadtest --scenario X.toml --time-scale K` serves the
// scenario's deployment unchanged, with the server's engine clock K times faster
// (`cpark serve --engine-time-scale`: the deployment keeps its legal durations, C1 >= 10 s,
// while SIP's own timers stay real), plays the scenario's parks through SIPp at K times
// their rate with delays divided by K, then simulates the scenario with deterministic
// arrivals (what SIPp's -r produces) and writes both side by side (docs/results.md,
// comparison folder).
#pragma once
#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "loadtest/load_test.h"
#include "simulator/runner.h"
#include "simulator/scenario.h"

namespace cpark::loadtest {

struct ReplaySettings {
  std::string scenario_file;
  double time_scale = 60;            // scenario seconds per wall second
  std::optional<double> duration;    // scenario seconds to play (default: the scenario's run.duration)
  RunOptions run;                    // binaries, folders, progress, Ctrl-C (out_dir: the load-test folder)
  std::string software_version;
};

// What the server did, read from its event log, in scenario time.
struct ServedFigures {
  double park_attempts = 0, parks_blocked = 0, parks_ended = 0;
  double ended_retrieved = 0, ended_ringback = 0, ended_fallback = 0, ended_disconnected = 0, ended_abandoned = 0;
  double time_in_orbit_sum = 0;      // s, of parks ended in the measured time
  double busy_mean = 0, busy_peak = 0;
  std::vector<std::pair<double, double>> busy_samples;  // (scenario time, orbits busy)
};

struct ReplayResult {
  Profile profile;                   // the synthetic profile: what was played
  LoadTestRun run;
  sim::Scenario scenario;            // as simulated (deterministic arrivals, no warm-up)
  sim::ScenarioRun simulation;
  ServedFigures served;
  nlohmann::ordered_json comparison; // comparison/summary.json
  bool agrees = false;
};

// Refuses, naming the scenario and the feature, what cannot be played faithfully yet.
// Throws FileError.
void check_replayable(const sim::Scenario& s, double time_scale);

ReplayResult run_replay(const ReplaySettings& settings);
// Writes the load-test folder, the simulation folder (simulation/) and comparison/.
void write_replay_results(const ReplaySettings& settings, const ReplayResult& r);

}  // namespace cpark::loadtest
