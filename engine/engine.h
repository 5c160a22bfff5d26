// The park-and-pickup engine: every rule of SPEC §1-§5 behind one sans-IO interface.
// It never reads a clock, touches a socket, starts a thread or draws a random number
// it was not given: inputs come with an explicit `now`, outputs are pulled out one at a
// batch with drain(), and next_deadline() says when it wants handle_timeout(). The
// simulator and the SIP server drive the same object. Same seed and same inputs give
// the same outputs.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "engine/counters.h"
#include "engine/events.h"
#include "engine/output_queue.h"
#include "engine/validated_deployment.h"

namespace cpark {

namespace detail { class EngineCore; }

// A parked call as an operator sees it (S11, like Asterisk's `parkedcalls show`).
struct ParkView {
  ParkId park = 0;
  CallId call = 0;
  UserId parker = kNoUser;
  PoolId pool = 0;
  OrbitNumber orbit{};
  Time parked_at{};
  int attempts = 0;           // unanswered ringbacks so far (P5)
  bool ringing_back = false;  // the parker's phone is ringing now
};

class Engine {
 public:
  // `seed` drives the O9 `random` orbit choice; `domain` is the serving SIP domain, the
  // host a bare identity stands for (engine/identity.h).
  explicit Engine(std::uint64_t seed = 0, std::string domain = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;
  Engine(Engine&&) noexcept;
  Engine& operator=(Engine&&) noexcept;

  // Serves `d` from now on (M1 changes reach a running engine this way); `d` was
  // validated once and is taken as it is. Parks whose orbit would lose its CallPark
  // range (removed, shrunk, retyped, moved: O7/O8) make the change fail, naming them,
  // unless `force`, which ends them by fallback or disconnect.
  Status apply_deployment(Time now, DeploymentPtr d, bool force = false);
  // Validates `d` first (tests and tools; drivers validate once and share the result).
  Status apply_deployment(Time now, Deployment d, bool force = false);
  // What apply_deployment(now, d) without force would say, changing nothing: a server
  // asks this before an administrator's change is committed (O7/O8 for live parks).
  Status check_deployment(Time now, const DeploymentPtr& d) const;
  // Ends every park by fallback or disconnect (P6, as if its range were removed; O8),
  // with `diagnostic` where nobody takes the call. A server going down does this.
  void end_all_parks(Time now, Diagnostic diagnostic);
  const ValidatedDeployment& deployment() const;
  const DeploymentPtr& shared_deployment() const;

  // Ids are stable per name for the engine's lifetime (a user removed and added back
  // gets its old id). Names are returned by value: safe to keep across admin changes.
  std::optional<UserId> user_id(std::string_view name) const;
  std::optional<PoolId> pool_id(std::string_view name) const;
  std::string user_name(UserId u) const;
  std::string pool_name(PoolId p) const;
  std::size_t pool_count() const;
  const std::string& domain() const;

  // Inputs. `now` must not go backwards; an earlier `now` is treated as the latest seen.
  void handle(Time now, const Input& in);
  void park(Time now, const ParkRequest& r);
  void retrieve(Time now, const RetrieveRequest& r);
  void pickup(Time now, const PickupRequest& r);
  // Fires, in deadline order (ties first-in-first-out), every timer due at or before now.
  void handle_timeout(Time now);
  std::optional<Time> next_deadline() const;

  // Hands every output to f(const Output&), oldest first, by reference (valid during the
  // call). f may call inputs; their outputs follow in the same drain. Allocates nothing
  // once warm. A driver that queues outputs elsewhere copies them in f.
  template <class F>
  void drain(F&& f) {
    output_queue().drain(std::forward<F>(f));
  }
  bool has_output() const;

  // Monitoring (S9), operators (S11) and checks (P10).
  const Counters& counters() const;
  std::uint32_t busy_orbits(PoolId p) const;
  std::uint32_t orbit_capacity(PoolId p) const;
  std::size_t active_parks() const;
  std::size_t ringing_calls() const;
  std::size_t pending_timers() const;
  std::vector<ParkView> parked_calls() const;
  std::string check_invariants() const;

 private:
  OutputQueue& output_queue();
  std::unique_ptr<detail::EngineCore> core_;
};

}  // namespace cpark
