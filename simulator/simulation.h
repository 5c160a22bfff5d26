// One replication: the DES kernel, the engine the server uses (same rules, no copy), and
// synthetic phones that react to the engine's outputs: a ringing call is answered, or
// picked up by a colleague, after drawn delays; a parked call is retrieved, rung back,
// answered at the fallback or abandoned as the traffic model says.
#pragma once
#include <atomic>
#include <cstdint>

#include "simulator/replication_result.h"
#include "simulator/scenario.h"

namespace cpark::sim {

// Shared with the runner for progress and Ctrl-C.
struct Progress {
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::int64_t> sim_ms{0};  // summed over replications in flight
  std::atomic<bool> stop{false};
};

// Runs one replication of `s` served by `deployment` (build_deployment(s)). `seed` is
// this replication's own seed. Returns completed = false if stopped early.
ReplicationResult run_replication(const Scenario& s, const Deployment& deployment, std::uint64_t seed,
                                  Progress* progress = nullptr);

// The seed of replication `rep` of sweep point `point` (independent of --jobs).
std::uint64_t replication_seed(std::uint64_t scenario_seed, std::size_t point, std::size_t rep);

}  // namespace cpark::sim
