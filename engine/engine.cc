#include "engine/engine.h"

#include <type_traits>

namespace cpark {

Engine::Engine(std::uint64_t seed) { s_.rng = Random(seed); }

std::optional<UserId> Engine::user_id(std::string_view name) const {
  auto it = s_.user_ids.find(std::string(name));
  if (it == s_.user_ids.end() || !s_.users[it->second].present) return std::nullopt;
  return it->second;
}

std::optional<PoolId> Engine::pool_id(std::string_view name) const {
  auto it = s_.pool_ids.find(std::string(name));
  if (it == s_.pool_ids.end() || !s_.pools[it->second].present) return std::nullopt;
  return it->second;
}

std::vector<PoolState> Engine::build_pools(const Deployment& d) {
  // Pool ids are stable: a name keeps its id for the engine's life (parks refer to it).
  for (auto& p : d.pools)
    if (s_.pool_ids.emplace(p.name, PoolId(s_.pool_ids.size())).second) {}
  std::vector<PoolState> pools(s_.pool_ids.size());
  for (auto& [name, id] : s_.pool_ids) pools[id].name = name;
  for (auto& p : d.pools) {
    PoolState& ps = pools[s_.pool_ids.at(p.name)];
    ps.present = true;
    ps.call_park_enabled = p.call_park_enabled;
    ps.orbit_choice = p.orbit_choice;
    ps.settings = d.effective_settings(p.name);
    ps.custom_music = d.find_music(p.name) != nullptr;
    ps.orbits = OrbitAllocator(d.ranges, p.name);
    ps.park_at.assign(ps.orbits.capacity(), kNoSlot);
  }
  return pools;
}

void Engine::bind_users() {
  const Deployment& d = s_.deployment;
  for (auto& u : d.users)
    if (s_.user_ids.emplace(u.name, UserId(s_.user_ids.size())).second) {}
  s_.users.resize(s_.user_ids.size());
  for (auto& [name, id] : s_.user_ids) {
    s_.users[id] = UserState{};
    s_.users[id].name = name;
  }
  for (auto& u : d.users) {
    UserState& us = s_.users[s_.user_ids.at(u.name)];
    us.present = true;
    us.data = &u;
    us.pool = s_.pool_ids.at(u.pool);
    us.call_park_enabled = d.call_park_enabled_for(u);                          // V1
    const PoolState& pool = s_.pools[us.pool];
    us.can_use_pickup = !u.homed_online && pool.present && pool.call_park_enabled;  // G7
    if (auto g = parse_orbit_number(u.pickup_group)) us.group_key = g->key();
  }
}

Engine::AdminResult Engine::apply_deployment(Time now, Deployment d, bool force) {
  now = advance(now);
  AdminResult result;
  Validation v = validate_deployment(d);
  result.warnings = std::move(v.warnings);
  if (!v.ok()) {
    result.ok = false;
    result.error = v.errors.front();
    return result;
  }
  std::vector<PoolState> pools = build_pools(d);
  std::vector<std::uint32_t> displaced = parks_.displaced_by(pools);
  if (!displaced.empty() && !force) {
    result.ok = false;
    result.error = std::to_string(displaced.size()) +
                   " parked call(s) would lose their orbit; a range in use can be removed, "
                   "retyped or moved only with force, which ends them by fallback or "
                   "disconnect (O7, O8)";
    return result;
  }
  parks_.rebind(pools, displaced);
  s_.pools = std::move(pools);
  s_.deployment = std::move(d);
  bind_users();
  pickups_.regroup();
  parks_.end_displaced(now, displaced);
  return result;
}

Time Engine::advance(Time now) {
  if (now > last_now_) last_now_ = now;
  return last_now_;
}

void Engine::park(Time now, const ParkRequest& r) { parks_.park(advance(now), r); }
void Engine::retrieve(Time now, const RetrieveRequest& r) { parks_.retrieve(advance(now), r); }
void Engine::pickup(Time now, const PickupRequest& r) { pickups_.pickup(advance(now), r); }

void Engine::handle(Time now, const Input& in) {
  now = advance(now);
  std::visit(
      [&](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, ParkRequest>) parks_.park(now, e);
        else if constexpr (std::is_same_v<T, RetrieveRequest>) parks_.retrieve(now, e);
        else if constexpr (std::is_same_v<T, RingbackAnswered>) parks_.ringback_answered(now, e.park);
        else if constexpr (std::is_same_v<T, RingbackUnanswered>) parks_.ringback_unanswered(now, e.park);
        else if constexpr (std::is_same_v<T, FallbackAnswered>) parks_.fallback_answered(now, e.park);
        else if constexpr (std::is_same_v<T, FallbackUnanswered>) parks_.fallback_unanswered(now, e.park);
        else if constexpr (std::is_same_v<T, PartyHungUp>) {
          if (!parks_.party_hung_up(now, e.call)) ++s_.counters.stale_inputs;
        }
        else if constexpr (std::is_same_v<T, CallRinging>) pickups_.ringing(now, e);
        else if constexpr (std::is_same_v<T, CallAnswered>) pickups_.answered(e.call);
        else if constexpr (std::is_same_v<T, CallEnded>) pickups_.ended(e.call);
        else if constexpr (std::is_same_v<T, PickupRequest>) pickups_.pickup(now, e);
      },
      in);
}

void Engine::handle_timeout(Time now) {
  now = advance(now);
  while (auto fired = s_.timers.pop_due(now)) {
    const auto kind = TimerKind(fired->owner >> 56);
    const auto slot = std::uint32_t(fired->owner);
    if (kind == TimerKind::Park) parks_.on_timer(fired->at, slot);
    else pickups_.on_timer(fired->at, slot);
  }
}

std::vector<Output> Engine::take_outputs() {
  std::vector<Output> out;
  out.swap(s_.outputs);
  return out;
}

std::string Engine::check_invariants() const {
  if (auto e = parks_.check_invariants(); !e.empty()) return e;
  if (auto e = pickups_.check_invariants(); !e.empty()) return e;
  const std::size_t expected = parks_.active_parks() + parks_.fallback_legs() + pickups_.ringing_calls();
  if (s_.timers.size() != expected)
    return "pending timers " + std::to_string(s_.timers.size()) + " != live parks and ringing calls " +
           std::to_string(expected);
  return {};
}

}  // namespace cpark
