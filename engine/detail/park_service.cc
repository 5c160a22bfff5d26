#include "engine/detail/park_service.h"

namespace cpark {

namespace {
constexpr int kSlotBits = 24;  // a ParkId is (serial << 24) | slot: unique and O(1) to find
constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
}  // namespace

ParkService::Park* ParkService::find(ParkId id) {
  const auto slot = std::size_t(id & kSlotMask);
  if (slot >= parks_.size() || parks_[slot].id != id || parks_[slot].phase == Phase::Free)
    return nullptr;
  return &parks_[slot];
}

ParkService::Park* ParkService::find_in(ParkId id, Phase phase) {
  Park* p = find(id);
  if (p && p->phase == phase) return p;
  ++s_.counters.stale_inputs;  // a late answer for a park that moved on: ignored
  return nullptr;
}

void ParkService::stop_timer(Park& p) {
  s_.timers.cancel(p.timer);
  p.timer = kNoTimer;
}

std::uint32_t ParkService::new_slot() {
  if (!free_slots_.empty()) {
    auto slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  parks_.emplace_back();
  return std::uint32_t(parks_.size() - 1);
}

void ParkService::reject(const ParkRequest& r, Diagnostic d) {
  ++s_.counters.park_rejected;
  // P2: the call stays with the parker, untouched: nothing but the rejection goes out.
  s_.outputs.emplace_back(ParkRejected{r.call, r.parker, d});
}

void ParkService::park(Time now, const ParkRequest& r) {
  if (!s_.valid_user(r.parker)) return reject(r, diag::kUnknownParker);
  const UserState& parker = s_.users[r.parker];
  if (!parker.call_park_enabled) return reject(r, diag::kNotEnabled);              // V1
  if (by_call_.count(r.call)) return reject(r, diag::kDoublePark);                 // P2
  PoolState& pool = s_.pools[parker.pool];
  if (!pool.present || !pool.call_park_enabled) return reject(r, diag::kPoolWithoutFeature);
  std::uint32_t index;
  if (r.orbit) {                                                                    // O10
    auto i = pool.orbits.index_of(*r.orbit);
    if (!i) return reject(r, diag::kOrbitNotOwned);
    if (!pool.orbits.take(*i)) return reject(r, diag::kOrbitBusy);
    index = *i;
  } else {                                                                          // O9
    auto i = pool.orbits.allocate(pool.orbit_choice, s_.rng);
    if (!i) return reject(r, diag::kNoMoreOrbits);                                  // P2
    index = *i;
  }
  const std::uint32_t slot = new_slot();
  Park& p = parks_[slot];
  p.id = (++serial_ << kSlotBits) | slot;
  p.call = r.call;
  p.parker = r.parker;
  p.pool = parker.pool;
  p.orbit_index = index;
  p.orbit = pool.orbits.number_at(index);
  p.phase = Phase::Parked;
  p.attempts = 0;
  p.music = pool.settings.music_on_hold;
  p.fallback_uri.clear();
  p.timer = s_.timers.schedule(now + seconds(pool.settings.timeout_seconds),   // C1
                               timer_owner(TimerKind::Park, slot));
  pool.park_at[index] = slot;
  by_call_.emplace(r.call, slot);
  ++s_.counters.parks;
  s_.outputs.emplace_back(OrbitAssigned{p.id, p.call, p.parker, p.pool, p.orbit});  // P1
  if (p.music) s_.outputs.emplace_back(StartMusicOnHold{p.call, p.pool, pool.custom_music});  // C4
}

void ParkService::retrieve(Time now, const RetrieveRequest& r) {
  auto reject = [&](Diagnostic d) {
    ++s_.counters.retrieve_rejected;
    s_.outputs.emplace_back(RetrieveRejected{r.retriever_call, d});
  };
  PoolId owner = 0;
  const OrbitRange* range = s_.owner_of(r.orbit, &owner);
  if (!range || range->type != RangeType::CallPark) return reject(diag::kOrbitNotFound);  // P4
  if (owner != r.at_pool) {                                                               // P9
    ++s_.counters.routed;
    s_.outputs.emplace_back(RouteToPool{r.retriever_call, owner, r.orbit});
    return;
  }
  if (r.from.user == kNoUser) {
    if (!r.from.trusted_peer) return reject(diag::kOutsideEnterprise);                    // S8
  } else if (!s_.valid_user(r.from.user) || !s_.users[r.from.user].call_park_enabled) {
    return reject(diag::kNotEnabled);                                                     // V1
  }
  PoolState& pool = s_.pools[owner];
  auto index = pool.orbits.index_of(r.orbit);
  if (!index || pool.park_at[*index] == kNoSlot) return reject(diag::kOrbitNotFound);     // P4
  const std::uint32_t slot = pool.park_at[*index];
  Park& p = parks_[slot];
  if (r.park_id != 0 && r.park_id != p.id) return reject(diag::kSafeRetrieveFailed);      // P4
  if (p.phase == Phase::RingingBack) s_.outputs.emplace_back(StopRingback{p.id, p.parker});
  if (p.music) s_.outputs.emplace_back(StopMusicOnHold{p.call});
  s_.outputs.emplace_back(Connect{p.call, r.retriever_call, r.from.user, {}, false});      // P3
  ++s_.counters.retrievals;
  end_park(now, slot, EndReason::Retrieved, r.from.user);
}

void ParkService::end_park(Time, std::uint32_t slot, EndReason reason, UserId by) {
  Park& p = parks_[slot];
  stop_timer(p);  // P10: no timer fires for an ended park
  if (p.orbit_index != kNoSlot) {
    PoolState& pool = s_.pools[p.pool];
    pool.orbits.release(p.orbit_index);
    pool.park_at[p.orbit_index] = kNoSlot;
    p.orbit_index = kNoSlot;
  }
  s_.outputs.emplace_back(ParkEnded{p.id, p.call, p.parker, p.pool, p.orbit, reason, by});  // P8
  if (reason == EndReason::Fallback) return;  // the slot lives on as the fallback leg
  by_call_.erase(p.call);
  free_slot(slot);
}

void ParkService::free_slot(std::uint32_t slot) {
  parks_[slot].phase = Phase::Free;
  parks_[slot].id = 0;
  free_slots_.push_back(slot);
}

void ParkService::on_timer(Time at, std::uint32_t slot) {
  Park& p = parks_[slot];
  p.timer = kNoTimer;
  const CallParkSettings& cfg = s_.pools[p.pool].settings;
  switch (p.phase) {
    case Phase::Parked: {  // P5: C1 elapsed, ring the parker back
      p.phase = Phase::RingingBack;
      const Time until = at + seconds(cfg.ring_seconds);  // C6
      p.timer = s_.timers.schedule(until, timer_owner(TimerKind::Park, slot));
      ++s_.counters.ringbacks;
      s_.outputs.emplace_back(RingParker{p.id, p.call, p.parker, p.attempts + 1, until});
      break;
    }
    case Phase::RingingBack:
      s_.outputs.emplace_back(StopRingback{p.id, p.parker});
      ringback_failed(at, slot);
      break;
    case Phase::RingingFallback:
      s_.outputs.emplace_back(StopFallback{p.id});
      finish_fallback(slot, false);
      break;
    case Phase::Free: break;
  }
}

void ParkService::ringback_answered(Time now, ParkId id) {
  Park* p = find_in(id, Phase::RingingBack);
  if (!p) return;
  if (p->music) s_.outputs.emplace_back(StopMusicOnHold{p->call});
  s_.outputs.emplace_back(Connect{p->call, 0, p->parker, {}, false});
  ++s_.counters.ringback_answered;
  end_park(now, std::uint32_t(id & kSlotMask), EndReason::Ringback, p->parker);
}

void ParkService::ringback_unanswered(Time now, ParkId id) {
  Park* p = find_in(id, Phase::RingingBack);
  if (!p) return;
  stop_timer(*p);
  ringback_failed(now, std::uint32_t(id & kSlotMask));
}

void ParkService::ringback_failed(Time now, std::uint32_t slot) {
  Park& p = parks_[slot];
  const CallParkSettings& cfg = s_.pools[p.pool].settings;
  ++p.attempts;
  if (p.attempts < cfg.max_attempts) {  // P5: stays parked at the same orbit; C1 restarts
    p.phase = Phase::Parked;
    p.timer = s_.timers.schedule(now + seconds(cfg.timeout_seconds), timer_owner(TimerKind::Park, slot));
    return;
  }
  leave_orbit(now, slot, diag::kParkTimeExpired);  // P6
}

// P6 and O8: the call leaves its orbit, to the fallback URI when C3 names one, otherwise
// it is disconnected with `no_fallback`. The orbit is freed either way.
void ParkService::leave_orbit(Time now, std::uint32_t slot, Diagnostic no_fallback) {
  Park& p = parks_[slot];
  const CallParkSettings& cfg = s_.pools[p.pool].settings;
  if (p.music) s_.outputs.emplace_back(StopMusicOnHold{p.call});
  if (cfg.fallback_uri.empty()) {
    s_.outputs.emplace_back(Disconnect{p.call, no_fallback});
    ++s_.counters.disconnected;
    end_park(now, slot, EndReason::Disconnected, kNoUser);
    return;
  }
  ++s_.counters.fallbacks;
  end_park(now, slot, EndReason::Fallback, kNoUser);
  p.phase = Phase::RingingFallback;
  p.fallback_uri = cfg.fallback_uri;
  ++fallback_legs_;
  const Time until = now + seconds(cfg.ring_seconds);  // C6 applies to the fallback too
  p.timer = s_.timers.schedule(until, timer_owner(TimerKind::Park, slot));
  s_.outputs.emplace_back(RingFallback{p.id, p.call, p.fallback_uri, until});
}

void ParkService::fallback_answered(Time, ParkId id) {
  Park* p = find_in(id, Phase::RingingFallback);
  if (!p) return;
  stop_timer(*p);
  s_.outputs.emplace_back(Connect{p->call, 0, kNoUser, p->fallback_uri, false});
  finish_fallback(std::uint32_t(id & kSlotMask), true);
}

void ParkService::fallback_unanswered(Time, ParkId id) {
  Park* p = find_in(id, Phase::RingingFallback);
  if (!p) return;
  stop_timer(*p);
  finish_fallback(std::uint32_t(id & kSlotMask), false);
}

void ParkService::finish_fallback(std::uint32_t slot, bool answered) {
  Park& p = parks_[slot];
  if (answered) {
    ++s_.counters.fallback_answered;
  } else {  // P6: nobody answered the fallback within C6
    ++s_.counters.fallback_unanswered;
    s_.outputs.emplace_back(Disconnect{p.call, diag::kFallbackUnanswered});
  }
  by_call_.erase(p.call);
  --fallback_legs_;
  free_slot(slot);
}

bool ParkService::party_hung_up(Time now, CallId call) {
  auto it = by_call_.find(call);
  if (it == by_call_.end()) return false;
  const std::uint32_t slot = it->second;
  Park& p = parks_[slot];
  if (p.phase == Phase::RingingFallback) {
    stop_timer(p);
    s_.outputs.emplace_back(StopFallback{p.id});
    by_call_.erase(it);
    --fallback_legs_;
    free_slot(slot);
    return true;
  }
  if (p.phase == Phase::RingingBack) s_.outputs.emplace_back(StopRingback{p.id, p.parker});
  ++s_.counters.abandoned;
  end_park(now, slot, EndReason::Abandoned, kNoUser);  // P7
  return true;
}

std::vector<std::uint32_t> ParkService::displaced_by(const std::vector<PoolState>& pools) const {
  std::vector<std::uint32_t> out;
  for (std::uint32_t slot = 0; slot < parks_.size(); ++slot) {
    const Park& p = parks_[slot];
    if (p.phase != Phase::Parked && p.phase != Phase::RingingBack) continue;
    if (p.pool >= pools.size() || !pools[p.pool].present || !pools[p.pool].orbits.index_of(p.orbit))
      out.push_back(slot);
  }
  return out;
}

void ParkService::rebind(std::vector<PoolState>& pools, const std::vector<std::uint32_t>& displaced) {
  std::size_t next_displaced = 0;
  for (std::uint32_t slot = 0; slot < parks_.size(); ++slot) {
    Park& p = parks_[slot];
    if (p.phase != Phase::Parked && p.phase != Phase::RingingBack) continue;
    if (next_displaced < displaced.size() && displaced[next_displaced] == slot) {
      ++next_displaced;
      p.orbit_index = kNoSlot;  // its old allocator goes away with the old pool table
      continue;
    }
    PoolState& pool = pools[p.pool];
    p.orbit_index = *pool.orbits.index_of(p.orbit);
    pool.orbits.take(p.orbit_index);
    pool.park_at[p.orbit_index] = slot;
  }
}

void ParkService::end_displaced(Time now, const std::vector<std::uint32_t>& displaced) {
  for (auto slot : displaced) {
    Park& p = parks_[slot];
    if (p.phase == Phase::RingingBack) s_.outputs.emplace_back(StopRingback{p.id, p.parker});
    stop_timer(p);
    leave_orbit(now, slot, diag::kRangeRemoved);  // O8: fallback or disconnect, cleanly
  }
}

std::string ParkService::check_invariants() const {
  std::size_t parked = 0, fallback = 0;
  for (std::uint32_t slot = 0; slot < parks_.size(); ++slot) {
    const Park& p = parks_[slot];
    if (p.phase == Phase::Free) continue;
    auto it = by_call_.find(p.call);
    if (it == by_call_.end() || it->second != slot)
      return "park " + std::to_string(p.id) + " is not indexed by its call";
    if (p.timer == kNoTimer) return "park " + std::to_string(p.id) + " has no pending timer";
    if (p.phase == Phase::RingingFallback) {
      ++fallback;
      if (p.orbit_index != kNoSlot) return "fallback leg still holds an orbit";
      continue;
    }
    ++parked;
    const PoolState& pool = s_.pools[p.pool];
    if (p.orbit_index == kNoSlot || pool.park_at[p.orbit_index] != slot || pool.orbits.is_free(p.orbit_index))
      return "park " + std::to_string(p.id) + " does not hold its orbit " + p.orbit.to_string();
  }
  if (fallback != fallback_legs_ || parked + fallback != by_call_.size())
    return "call index out of step with parks";
  std::size_t busy = 0;
  for (auto& pool : s_.pools) {
    busy += pool.orbits.busy();
    for (std::uint32_t i = 0; i < pool.park_at.size(); ++i)
      if ((pool.park_at[i] == kNoSlot) != pool.orbits.is_free(i))
        return "orbit " + pool.orbits.number_at(i).to_string() + " busy without a park (P10)";
  }
  if (busy != parked) return "busy orbits " + std::to_string(busy) + " != parked calls " + std::to_string(parked);
  return {};
}

}  // namespace cpark
