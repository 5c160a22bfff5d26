#include "engine/engine.h"

#include <algorithm>
#include <numeric>
#include <type_traits>

#include "engine/detail/engine_state.h"
#include "engine/detail/park_service.h"
#include "engine/detail/pickup_service.h"

namespace cpark {

namespace detail {

class EngineCore {
 public:
  EngineCore(std::uint64_t seed, std::string domain) {
    s.rng = Random(seed);
    s.domain = std::move(domain);
    s.timers.set_liveness(&timer_live, this);  // the core lives on the heap: `this` stays
  }
  EngineCore(const EngineCore&) = delete;
  EngineCore& operator=(const EngineCore&) = delete;
  static bool timer_live(const void* core, TimerKind kind, SlotId id, TimerToken token) {
    const auto* c = static_cast<const EngineCore*>(core);
    return kind == TimerKind::Park ? c->parks.holds_timer(id, token) : c->pickups.holds_timer(id, token);
  }

  Status apply(Time now, DeploymentPtr d, bool force);
  // The pool table `d` would give, with the ids it would assign (nothing is committed).
  struct Plan {
    std::vector<UserId> user_of_index;
    std::vector<PoolId> pool_of_index;
    std::uint32_t user_count = 0;
    std::vector<PoolState> pools;
  };
  Plan plan(const DeploymentPtr& d) const;
  std::optional<UserId> user_id(std::string_view name) const;
  std::optional<PoolId> pool_id(std::string_view name) const;
  std::string user_name(UserId u) const;
  std::string pool_name(PoolId p) const;
  Time advance(Time now) {
    if (now > last_now) last_now = now;
    return last_now;
  }

  EngineState s;
  ParkService parks{s};
  PickupService pickups{s};
  Time last_now{};

 private:
  // Ids for every user and pool of `d`: kept for names the engine has seen, new ones after.
  template <class DepartedMap, class FindOld, class OfIndex>
  std::vector<std::uint32_t> assign_ids(std::size_t count, const DepartedMap& departed, FindOld find_old,
                                        OfIndex name_of, std::uint32_t& next_id) const;
};

template <class DepartedMap, class FindOld, class OfIndex>
std::vector<std::uint32_t> EngineCore::assign_ids(std::size_t count, const DepartedMap& departed, FindOld find_old,
                                                  OfIndex name_of, std::uint32_t& next_id) const {
  std::vector<std::uint32_t> ids(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::string& name = name_of(i);
    if (auto old = find_old(name)) ids[i] = *old;
    else if (auto it = departed.find(name); it != departed.end()) ids[i] = it->second;
    else ids[i] = next_id++;
  }
  return ids;
}

EngineCore::Plan EngineCore::plan(const DeploymentPtr& d) const {
  // Ids: on the first deployment an id is the index (nothing to look up); afterwards a
  // name keeps the id it had, and new names get new ids.
  Plan p;
  p.user_count = std::uint32_t(s.user_index.size());
  auto pool_count = std::uint32_t(s.pools.size());
  if (!s.deployment) {
    p.user_of_index.resize(d->user_count());
    std::iota(p.user_of_index.begin(), p.user_of_index.end(), 0u);
    p.pool_of_index.resize(d->pool_count());
    std::iota(p.pool_of_index.begin(), p.pool_of_index.end(), 0u);
    p.user_count = std::uint32_t(d->user_count());
    pool_count = std::uint32_t(d->pool_count());
  } else {
    p.user_of_index = assign_ids(
        d->user_count(), s.departed_users, [&](const std::string& n) { return user_id(n); },
        [&](std::uint32_t i) -> const std::string& { return d->user(i).name; }, p.user_count);
    p.pool_of_index = assign_ids(
        d->pool_count(), s.departed_pools, [&](const std::string& n) { return pool_id(n); },
        [&](std::uint32_t i) -> const std::string& { return d->pool(i).name; }, pool_count);
  }
  p.pools.resize(pool_count);
  for (std::uint32_t i = 0; i < d->pool_count(); ++i) {
    PoolState& ps = p.pools[p.pool_of_index[i]];
    const Pool& pool = d->pool(i);
    const auto& info = d->pool_info(i);
    ps.present = true;
    ps.index = i;
    ps.call_park_enabled = pool.call_park_enabled;
    ps.orbit_choice = pool.orbit_choice;
    ps.settings = info.settings;
    ps.custom_music = info.custom_music;
    ps.orbits = OrbitAllocator(*d, i);
    ps.park_at.assign(ps.orbits.capacity(), SlotId{});
  }
  return p;
}

Status EngineCore::apply(Time now, DeploymentPtr d, bool force) {
  now = advance(now);
  Plan p = plan(d);
  std::vector<PoolState>& pools = p.pools;
  std::vector<UserId>& user_of_index = p.user_of_index;
  std::vector<PoolId>& pool_of_index = p.pool_of_index;
  const std::uint32_t user_count = p.user_count;
  std::vector<SlotId> displaced = parks.displaced_by(pools);
  if (!displaced.empty() && !force)
    return fail(std::to_string(displaced.size()) + " parked call(s) would lose their orbit: " +
                parks.describe(now, displaced) +
                "; a range in use can be removed, retyped or moved only with force, which ends "
                "them by fallback or disconnect (O7, O8)");

  // Remember the names of users and pools that leave, so their ids stay theirs.
  if (s.deployment) {
    for (std::uint32_t i = 0; i < s.deployment->user_count(); ++i)
      if (!d->find_user(s.deployment->user(i).name))
        s.departed_users.emplace(s.deployment->user(i).name, s.user_of_index[i]);
    for (std::uint32_t i = 0; i < s.deployment->pool_count(); ++i)
      if (!d->find_pool(s.deployment->pool(i).name))
        s.departed_pools.emplace(s.deployment->pool(i).name, s.pool_of_index[i]);
  }
  for (std::uint32_t i = 0; i < d->user_count(); ++i) s.departed_users.erase(d->user(i).name);
  for (std::uint32_t i = 0; i < d->pool_count(); ++i) s.departed_pools.erase(d->pool(i).name);

  parks.rebind(pools, displaced);
  s.pools = std::move(pools);
  s.user_index.assign(user_count, kNoIndex);
  for (std::uint32_t i = 0; i < user_of_index.size(); ++i) s.user_index[user_of_index[i]] = i;
  s.user_of_index = std::move(user_of_index);
  s.pool_of_index = std::move(pool_of_index);
  s.deployment = std::move(d);
  pickups.regroup();
  parks.end_displaced(now, displaced);
  // A park takes an orbit, so the orbits bound the parks: sized once here, the tables
  // never double (and move every park) in the middle of traffic. Unused room is address
  // space only; the pages are touched as parks arrive.
  std::size_t orbits = 0;
  for (const PoolState& pool : s.pools) orbits += pool.orbits.capacity();
  parks.reserve(orbits);
  s.timers.reserve(orbits);
  return {};
}

std::optional<UserId> EngineCore::user_id(std::string_view name) const {
  if (!s.deployment) return std::nullopt;
  if (auto i = s.deployment->find_user(name)) return s.user_of_index[*i];
  return std::nullopt;
}

std::optional<PoolId> EngineCore::pool_id(std::string_view name) const {
  if (!s.deployment) return std::nullopt;
  if (auto i = s.deployment->find_pool(name)) return s.pool_of_index[*i];
  return std::nullopt;
}

std::string EngineCore::user_name(UserId u) const {
  if (s.valid_user(u)) return s.user(u).name;
  for (auto& [name, id] : s.departed_users)
    if (id == u) return name;
  return {};
}

std::string EngineCore::pool_name(PoolId p) const {
  if (p < s.pools.size() && s.pools[p].present) return s.deployment->pool(s.pools[p].index).name;
  for (auto& [name, id] : s.departed_pools)
    if (id == p) return name;
  return {};
}

}  // namespace detail

Engine::Engine(std::uint64_t seed, std::string domain)
    : core_(std::make_unique<detail::EngineCore>(seed, std::move(domain))) {}
Engine::~Engine() = default;
Engine::Engine(Engine&&) noexcept = default;
Engine& Engine::operator=(Engine&&) noexcept = default;

Status Engine::apply_deployment(Time now, DeploymentPtr d, bool force) {
  return core_->apply(now, std::move(d), force);
}

Status Engine::check_deployment(Time now, const DeploymentPtr& d) const {
  now = std::max(now, core_->last_now);
  const auto p = core_->plan(d);
  const std::vector<SlotId> displaced = core_->parks.displaced_by(p.pools);
  if (displaced.empty()) return {};
  return fail(std::to_string(displaced.size()) + " parked call(s) would lose their orbit: " +
              core_->parks.describe(now, displaced) +
              "; a range in use can be removed, retyped or moved only with force, which ends "
              "them by fallback or disconnect (O7, O8)");
}

void Engine::end_all_parks(Time now, Diagnostic diagnostic) {
  core_->parks.end_all(core_->advance(now), diagnostic);
}

Status Engine::apply_deployment(Time now, Deployment d, bool force) {
  auto v = validate_deployment(std::move(d));
  if (!v) return v.error();
  return core_->apply(now, std::move(*v), force);
}

const ValidatedDeployment& Engine::deployment() const { return *core_->s.deployment; }
const DeploymentPtr& Engine::shared_deployment() const { return core_->s.deployment; }
std::optional<UserId> Engine::user_id(std::string_view name) const { return core_->user_id(name); }
std::optional<PoolId> Engine::pool_id(std::string_view name) const { return core_->pool_id(name); }
std::string Engine::user_name(UserId u) const { return core_->user_name(u); }
std::string Engine::pool_name(PoolId p) const { return core_->pool_name(p); }
std::size_t Engine::pool_count() const { return core_->s.pools.size(); }
const std::string& Engine::domain() const { return core_->s.domain; }

void Engine::park(Time now, const ParkRequest& r) { core_->parks.park(core_->advance(now), r); }
void Engine::retrieve(Time now, const RetrieveRequest& r) { core_->parks.retrieve(core_->advance(now), r); }
void Engine::pickup(Time now, const PickupRequest& r) { core_->pickups.pickup(core_->advance(now), r); }

void Engine::handle(Time now, const Input& in) {
  now = core_->advance(now);
  auto& parks = core_->parks;
  auto& pickups = core_->pickups;
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ParkRequest>) parks.park(now, e);
        else if constexpr (std::is_same_v<T, RetrieveRequest>) parks.retrieve(now, e);
        else if constexpr (std::is_same_v<T, RingbackAnswered>) parks.ringback_answered(now, e.park);
        else if constexpr (std::is_same_v<T, RingbackUnanswered>) parks.ringback_unanswered(now, e.park);
        else if constexpr (std::is_same_v<T, FallbackAnswered>) parks.fallback_answered(now, e.park);
        else if constexpr (std::is_same_v<T, FallbackUnanswered>) parks.fallback_unanswered(now, e.park);
        else if constexpr (std::is_same_v<T, PartyHungUp>) {
          if (!parks.party_hung_up(now, e.call)) ++core_->s.counters.stale_inputs;
        }
        else if constexpr (std::is_same_v<T, CallRinging>) pickups.ringing(now, e);
        else if constexpr (std::is_same_v<T, CallAnswered>) pickups.answered(e.call);
        else if constexpr (std::is_same_v<T, CallEnded>) pickups.ended(e.call);
        else if constexpr (std::is_same_v<T, PickupRequest>) pickups.pickup(now, e);
      },
      in);
}

void Engine::handle_timeout(Time now) {
  now = core_->advance(now);
  while (auto fired = core_->s.timers.pop_due(now)) {
    if (fired->owner.kind == detail::TimerKind::Park) core_->parks.on_timer(fired->at, fired->owner.id);
    else core_->pickups.on_timer(fired->at, fired->owner.id);
  }
}

std::optional<Time> Engine::next_deadline() const { return core_->s.timers.next_deadline(); }
OutputQueue& Engine::output_queue() { return core_->s.outputs; }
bool Engine::has_output() const { return !core_->s.outputs.empty(); }

const Counters& Engine::counters() const { return core_->s.counters; }
std::uint32_t Engine::busy_orbits(PoolId p) const { return core_->s.pools.at(p).orbits.busy(); }
std::uint32_t Engine::orbit_capacity(PoolId p) const { return core_->s.pools.at(p).orbits.capacity(); }
std::size_t Engine::active_parks() const { return core_->parks.active_parks(); }
std::size_t Engine::ringing_calls() const { return core_->pickups.ringing_calls(); }
std::size_t Engine::pending_timers() const { return core_->s.timers.size(); }

std::vector<ParkView> Engine::parked_calls() const {
  std::vector<ParkView> out;
  core_->parks.list(out);
  return out;
}

std::string Engine::check_invariants() const {
  if (auto e = core_->parks.check_invariants(); !e.empty()) return e;
  if (auto e = core_->pickups.check_invariants(); !e.empty()) return e;
  const std::size_t expected =
      core_->parks.active_parks() + core_->parks.fallback_legs() + core_->pickups.ringing_calls();
  if (core_->s.timers.size() != expected)
    return "pending timers " + std::to_string(core_->s.timers.size()) + " != live parks and ringing calls " +
           std::to_string(expected);
  return {};
}

}  // namespace cpark
