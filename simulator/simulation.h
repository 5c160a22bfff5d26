// One replication: the DES kernel, the engine the server uses (same rules, no copy), and
// synthetic phones that react to the engine's outputs: a ringing call is answered, or
// picked up by a colleague, after drawn delays; a parked call is retrieved, rung back,
// answered at the fallback or abandoned as the traffic model says.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>

#include "engine/validated_deployment.h"
#include "simulator/replication_result.h"
#include "simulator/scenario.h"

namespace cpark::sim {

// Shared with the runner for progress and Ctrl-C.
struct Progress {
  std::atomic<std::uint64_t> events{0};
  std::atomic<std::int64_t> sim_ms{0};  // summed over replications in flight
  std::atomic<bool> stop{false};
};

// What every replication of one configuration shares, built once from the validated
// deployment: who the synthetic phones call, who parks, who picks up for whom.
struct PhoneBook;
std::shared_ptr<const PhoneBook> make_phone_book(const Scenario& s, DeploymentPtr deployment);

// Every random stream of a run comes from (scenario seed, purpose, point, replication)
// through this one function, so no two streams share a seed: sweep points and planning
// rounds are different stages, the engine and the phones different purposes.
enum class SeedPurpose : std::uint8_t { Phones = 1, Engine = 2 };
struct PointId {
  enum class Stage : std::uint8_t { Sweep = 1, Planning = 2 };
  Stage stage = Stage::Sweep;
  std::uint32_t index = 0;
};
std::uint64_t derive_seed(std::uint64_t scenario_seed, SeedPurpose purpose, PointId point, std::uint64_t replication);

// Runs replication `replication` of configuration `point` of `s` (its seeds come from
// derive_seed). Returns completed = false if stopped early.
ReplicationResult run_replication(const Scenario& s, const PhoneBook& book, PointId point,
                                  std::uint64_t replication, Progress* progress = nullptr);

}  // namespace cpark::sim
