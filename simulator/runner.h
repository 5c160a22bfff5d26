// Runs a scenario: every sweep point (D3) times its replications, spread over `jobs`
// threads. Each replication has its own seeds derived from (scenario seed, purpose,
// point, replication), and results are kept by index, so the output is the same whatever
// `jobs` is. Ctrl-C (Progress::stop) keeps the replications that finished. A failure
// inside a worker stops the others and comes back as one SimulationError.
#pragma once
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "simulator/replication_result.h"
#include "simulator/scenario.h"
#include "simulator/simulation.h"
#include "simulator/statistics.h"

namespace cpark::sim {

// A replication could not run to the end (out of memory, an internal error); the
// message says which point and replication, and what went wrong.
struct SimulationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunOptions {
  int jobs = 1;
  // Called about four times a second from the calling thread while replications run.
  std::function<void(double fraction, double sim_seconds, double events_per_second)> on_progress;
};

struct PointResult {
  std::vector<std::pair<std::string, double>> parameters;  // empty without a sweep
  std::vector<std::string> pool_names;                     // in the order of the samples
  std::vector<ReplicationResult> replications;             // completed ones, in order
  Estimate figure(const std::string& name) const;
  const std::vector<std::string>& pools() const { return pool_names; }
};

// D6: per pool, the smallest orbit count whose simulated blocking meets the target.
struct PoolPlan {
  std::string pool;
  double offered_load = 0;
  long orbits_simulated = 0;          // the answer
  Estimate blocking;                  // at orbits_simulated
  long orbits_erlang_b = 0;           // Erlang B for the measured load, as a cross-check
  std::string note;
};

struct ScenarioRun {
  std::vector<PointResult> points;
  bool interrupted = false;
  std::optional<double> target_blocking;
  std::vector<PoolPlan> plan;
};

ScenarioRun run_scenario(const Scenario& s, const RunOptions& options, Progress& progress);

// Runs the replications of one configuration (used by sweeps and the planning search).
PointResult run_point(const Scenario& s, PointId point, const RunOptions& options, Progress& progress);

}  // namespace cpark::sim
