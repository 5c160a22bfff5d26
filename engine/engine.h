// The park-and-pickup engine: every rule of SPEC §1-§5 behind one sans-IO interface.
// It never reads a clock, touches a socket, starts a thread or draws a random number
// it was not given: inputs come with an explicit `now`, outputs are pulled out, and
// next_deadline() says when it wants handle_timeout(). The simulator and the SIP server
// drive the same object. Same seed and same inputs give the same outputs.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/deployment_rules.h"
#include "engine/detail/engine_state.h"
#include "engine/events.h"
#include "engine/detail/park_service.h"
#include "engine/detail/pickup_service.h"

namespace cpark {

class Engine {
 public:
  explicit Engine(std::uint64_t seed = 0);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Serves `d` from now on (M1 changes reach a running engine this way). Parks whose
  // orbit would lose its CallPark range (removed, shrunk, retyped, moved: O7/O8) make
  // the change fail unless `force`, which ends them by fallback or disconnect.
  struct AdminResult {
    bool ok = true;
    std::string error;                  // the first broken rule, in words
    std::vector<std::string> warnings;
  };
  AdminResult apply_deployment(Time now, Deployment d, bool force = false);
  const Deployment& deployment() const { return s_.deployment; }

  std::optional<UserId> user_id(std::string_view name) const;
  std::optional<PoolId> pool_id(std::string_view name) const;
  const std::string& user_name(UserId u) const { return s_.users.at(u).name; }
  const std::string& pool_name(PoolId p) const { return s_.pools.at(p).name; }
  std::size_t pool_count() const { return s_.pools.size(); }

  // Inputs. `now` must not go backwards; an earlier `now` is treated as the latest seen.
  void handle(Time now, const Input& in);
  void park(Time now, const ParkRequest& r);
  void retrieve(Time now, const RetrieveRequest& r);
  void pickup(Time now, const PickupRequest& r);
  // Fires, in deadline order (ties first-in-first-out), every timer due at or before now.
  void handle_timeout(Time now);
  std::optional<Time> next_deadline() const { return s_.timers.next_deadline(); }

  // Outputs, oldest first.
  const std::vector<Output>& outputs() const { return s_.outputs; }
  void clear_outputs() { s_.outputs.clear(); }
  std::vector<Output> take_outputs();

  // Monitoring (S9) and checks (P10).
  const Counters& counters() const { return s_.counters; }
  std::uint32_t busy_orbits(PoolId p) const { return s_.pools.at(p).orbits.busy(); }
  std::uint32_t orbit_capacity(PoolId p) const { return s_.pools.at(p).orbits.capacity(); }
  std::size_t active_parks() const { return parks_.active_parks(); }
  std::size_t ringing_calls() const { return pickups_.ringing_calls(); }
  std::size_t pending_timers() const { return s_.timers.size(); }
  std::string check_invariants() const;

 private:
  Time advance(Time now);
  std::vector<PoolState> build_pools(const Deployment& d);
  void bind_users();

  EngineState s_;
  ParkService parks_{s_};
  PickupService pickups_{s_};
  Time last_now_ = 0;
};

}  // namespace cpark
