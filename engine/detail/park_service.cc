#include "engine/detail/park_service.h"

#include "engine/engine.h"

namespace cpark::detail {

ParkService::Park* ParkService::find_in(ParkId id, Phase phase) {
  Park* p = parks_.find(SlotId::from_bits(id));
  if (p && p->phase == phase) return p;
  ++s_.counters.stale_inputs;  // a late answer for a park that moved on: ignored
  return nullptr;
}

void ParkService::stop_timer(Park& p) {
  if (!p.timer) return;
  p.timer = 0;  // forgotten first: the queue asks the park whether the token is live
  s_.timers.cancelled();
}

void ParkService::reject(const ParkRequest& r, Diagnostic d) {
  ++s_.counters.park_rejected;
  // P2: the call stays with the parker, untouched: nothing but the rejection goes out.
  s_.outputs.push(ParkRejected{r.call, r.parker, d});
}

void ParkService::park(Time now, const ParkRequest& r) {
  if (!s_.valid_user(r.parker)) return reject(r, diag::kUnknownParker);
  if (!s_.user_info(r.parker).call_park_enabled) return reject(r, diag::kNotEnabled);  // V1
  if (by_call_.contains(r.call)) return reject(r, diag::kDoublePark);                    // P2
  const PoolId pool_id = s_.pool_of(r.parker);
  PoolState& pool = s_.pools[pool_id];
  if (!pool.present || !pool.call_park_enabled) return reject(r, diag::kPoolWithoutFeature);
  std::uint32_t index;
  if (r.orbit) {                                                                          // O10
    index = pool.orbits.index_of(*r.orbit);
    if (index == kNoOrbit) return reject(r, diag::kOrbitNotOwned);
    if (!pool.orbits.take(index)) return reject(r, diag::kOrbitBusy);
  } else {                                                                                // O9
    index = pool.orbits.allocate(pool.orbit_choice, s_.rng);
    if (index == kNoOrbit) return reject(r, diag::kNoMoreOrbits);                         // P2
  }
  const SlotId id = parks_.emplace();
  Park& park = parks_.at_index(id.index());
  park.call = r.call;
  park.parker = r.parker;
  park.pool = pool_id;
  park.orbit_index = index;
  park.orbit = pool.orbits.number_at(index);
  park.music = pool.settings.music_on_hold;
  park.parked_at = now;
  park.timer = schedule(now + seconds(pool.settings.timeout_seconds), id);  // C1
  pool.park_at[index] = id;
  by_call_.emplace(r.call, id);
  ++s_.counters.parks;
  s_.outputs.push(OrbitAssigned{id.bits(), park.call, park.parker, park.pool, park.orbit});      // P1
  if (park.music) s_.outputs.push(StartMusicOnHold{park.call, park.pool, pool.custom_music});  // C4
}

void ParkService::retrieve(Time now, const RetrieveRequest& r) {
  auto reject = [&](Diagnostic d) {
    ++s_.counters.retrieve_rejected;
    s_.outputs.push(RetrieveRejected{r.retriever_call, d});
  };
  PoolId owner = 0;
  const OrbitRange* range = s_.owner_of(r.orbit, &owner);
  if (!range || range->type != RangeType::CallPark) return reject(diag::kOrbitNotFound);  // P4
  if (owner != r.at_pool) {                                                               // P9
    ++s_.counters.routed;
    s_.outputs.push(RouteToPool{r.retriever_call, owner, r.orbit, RoutedRequest::Retrieve, r.from, r.park_id});
    return;
  }
  if (r.from.user == kNoUser) {
    if (!r.from.trusted_peer) return reject(diag::kOutsideEnterprise);                    // S8
  } else if (!s_.valid_user(r.from.user) || !s_.user_info(r.from.user).call_park_enabled) {
    return reject(diag::kNotEnabled);                                                     // V1
  }
  PoolState& pool = s_.pools[owner];
  const std::uint32_t index = pool.orbits.index_of(r.orbit);
  if (index == kNoOrbit || !pool.park_at[index]) return reject(diag::kOrbitNotFound);   // P4
  const SlotId id = pool.park_at[index];
  Park& p = *parks_.find(id);
  if (r.park_id != 0 && r.park_id != id.bits()) return reject(diag::kSafeRetrieveFailed); // P4
  if (p.phase == Phase::RingingBack) s_.outputs.push(StopRingback{id.bits(), p.parker});
  if (p.music) s_.outputs.push(StopMusicOnHold{p.call});
  s_.outputs.push(Connect{p.call, r.retriever_call, r.from.user, {}, false});             // P3
  ++s_.counters.retrievals;
  end_park(now, id, EndReason::Retrieved, r.from.user);
}

void ParkService::end_park(Time, SlotId id, EndReason reason, UserId by) {
  Park& p = *parks_.find(id);
  stop_timer(p);  // P10: no timer fires for an ended park
  if (p.orbit_index != kNoIndex) {
    PoolState& pool = s_.pools[p.pool];
    pool.orbits.release(p.orbit_index);
    pool.park_at[p.orbit_index] = {};
    p.orbit_index = kNoIndex;
  }
  s_.outputs.push(ParkEnded{id.bits(), p.call, p.parker, p.pool, p.orbit, reason, by});  // P8
  if (reason == EndReason::Fallback) return;  // the park lives on as the fallback leg
  by_call_.erase(p.call);
  parks_.erase(id);
}

void ParkService::on_timer(Time at, SlotId id) {
  Park* found = parks_.find(id);
  if (!found) return;  // cannot happen: ending a park cancels its timer (P10)
  Park& p = *found;
  p.timer = {};
  const CallParkSettings& cfg = s_.pools[p.pool].settings;
  switch (p.phase) {
    case Phase::Parked: {  // P5: C1 elapsed, ring the parker back
      p.phase = Phase::RingingBack;
      const Time until = at + seconds(cfg.ring_seconds);  // C6
      p.timer = schedule(until, id);
      ++s_.counters.ringbacks;
      s_.outputs.push(RingParker{id.bits(), p.call, p.parker, p.attempts + 1, until});
      break;
    }
    case Phase::RingingBack:
      s_.outputs.push(StopRingback{id.bits(), p.parker});
      ringback_failed(at, id);
      break;
    case Phase::RingingFallback:
      s_.outputs.push(StopFallback{id.bits()});
      finish_fallback(id, false);
      break;
  }
}

void ParkService::ringback_answered(Time now, ParkId id) {
  Park* p = find_in(id, Phase::RingingBack);
  if (!p) return;
  if (p->music) s_.outputs.push(StopMusicOnHold{p->call});
  s_.outputs.push(Connect{p->call, 0, p->parker, {}, false});
  ++s_.counters.ringback_answered;
  end_park(now, SlotId::from_bits(id), EndReason::Ringback, p->parker);
}

void ParkService::ringback_unanswered(Time now, ParkId id) {
  Park* p = find_in(id, Phase::RingingBack);
  if (!p) return;
  stop_timer(*p);
  ringback_failed(now, SlotId::from_bits(id));
}

void ParkService::ringback_failed(Time now, SlotId id) {
  Park& p = *parks_.find(id);
  const CallParkSettings& cfg = s_.pools[p.pool].settings;
  ++p.attempts;
  if (p.attempts < cfg.max_attempts) {  // P5: stays parked at the same orbit; C1 restarts
    p.phase = Phase::Parked;
    p.timer = schedule(now + seconds(cfg.timeout_seconds), id);
    return;
  }
  leave_orbit(now, id, diag::kParkTimeExpired);  // P6
}

// P6 and O8: the call leaves its orbit, to the fallback URI when C3 names one, otherwise
// it is disconnected with `no_fallback`. The orbit is freed either way.
void ParkService::leave_orbit(Time now, SlotId id, Diagnostic no_fallback) {
  Park& p = *parks_.find(id);
  const CallParkSettings& cfg = s_.pools[p.pool].settings;
  if (p.music) s_.outputs.push(StopMusicOnHold{p.call});
  if (cfg.fallback_uri.empty()) {
    s_.outputs.push(Disconnect{p.call, no_fallback});
    ++s_.counters.disconnected;
    end_park(now, id, EndReason::Disconnected, kNoUser);
    return;
  }
  ++s_.counters.fallbacks;
  end_park(now, id, EndReason::Fallback, kNoUser);
  p.phase = Phase::RingingFallback;
  fallback_uri_[id.bits()] = cfg.fallback_uri;
  ++fallback_legs_;
  const Time until = now + seconds(cfg.ring_seconds);  // C6 applies to the fallback too
  p.timer = schedule(until, id);
  s_.outputs.push(RingFallback{id.bits(), p.call, cfg.fallback_uri, until});
}

void ParkService::fallback_answered(Time, ParkId id) {
  Park* p = find_in(id, Phase::RingingFallback);
  if (!p) return;
  stop_timer(*p);
  s_.outputs.push(Connect{p->call, 0, kNoUser, fallback_uri_.at(id), false});
  finish_fallback(SlotId::from_bits(id), true);
}

void ParkService::fallback_unanswered(Time, ParkId id) {
  Park* p = find_in(id, Phase::RingingFallback);
  if (!p) return;
  stop_timer(*p);
  finish_fallback(SlotId::from_bits(id), false);
}

void ParkService::finish_fallback(SlotId id, bool answered) {
  Park& p = *parks_.find(id);
  if (answered) {
    ++s_.counters.fallback_answered;
  } else {  // P6: nobody answered the fallback within C6
    ++s_.counters.fallback_unanswered;
    s_.outputs.push(Disconnect{p.call, diag::kFallbackUnanswered});
  }
  by_call_.erase(p.call);
  fallback_uri_.erase(id.bits());
  --fallback_legs_;
  parks_.erase(id);
}

bool ParkService::party_hung_up(Time now, CallId call) {
  auto it = by_call_.find(call);
  if (it == by_call_.end()) return false;
  const SlotId id = it->second;
  Park& p = *parks_.find(id);
  if (p.phase == Phase::RingingFallback) {
    stop_timer(p);
    s_.outputs.push(StopFallback{id.bits()});
    by_call_.erase(it);
    fallback_uri_.erase(id.bits());
    --fallback_legs_;
    parks_.erase(id);
    return true;
  }
  if (p.phase == Phase::RingingBack) s_.outputs.push(StopRingback{id.bits(), p.parker});
  ++s_.counters.abandoned;
  end_park(now, id, EndReason::Abandoned, kNoUser);  // P7
  return true;
}

std::vector<SlotId> ParkService::displaced_by(const std::vector<PoolState>& pools) const {
  std::vector<SlotId> out;
  parks_.for_each([&](SlotId id, const Park& p) {
    if (p.phase == Phase::RingingFallback) return;
    if (p.pool >= pools.size() || !pools[p.pool].present || pools[p.pool].orbits.index_of(p.orbit) == kNoOrbit)
      out.push_back(id);
  });
  return out;
}

void ParkService::rebind(std::vector<PoolState>& pools, const std::vector<SlotId>& displaced) {
  std::size_t next_displaced = 0;
  parks_.for_each([&](SlotId id, Park& p) {
    if (p.phase == Phase::RingingFallback) return;
    if (next_displaced < displaced.size() && displaced[next_displaced] == id) {
      ++next_displaced;
      p.orbit_index = kNoIndex;  // its old allocator goes away with the old pool table
      return;
    }
    PoolState& pool = pools[p.pool];
    p.orbit_index = pool.orbits.index_of(p.orbit);
    pool.orbits.take(p.orbit_index);
    pool.park_at[p.orbit_index] = id;
  });
}

void ParkService::end_displaced(Time now, const std::vector<SlotId>& displaced) {
  for (SlotId id : displaced) {
    Park& p = *parks_.find(id);
    if (p.phase == Phase::RingingBack) s_.outputs.push(StopRingback{id.bits(), p.parker});
    stop_timer(p);
    leave_orbit(now, id, diag::kRangeRemoved);  // O8: fallback or disconnect, cleanly
  }
}

void ParkService::end_all(Time now, Diagnostic no_fallback) {
  std::vector<SlotId> all;
  parks_.for_each([&](SlotId id, const Park& p) {
    if (p.phase != Phase::RingingFallback) all.push_back(id);
  });
  for (SlotId id : all) {
    Park& p = *parks_.find(id);
    if (p.phase == Phase::RingingBack) s_.outputs.push(StopRingback{id.bits(), p.parker});
    stop_timer(p);
    leave_orbit(now, id, no_fallback);
  }
}

std::string ParkService::describe(Time now, const std::vector<SlotId>& ids) const {
  std::string out;
  for (SlotId id : ids) {
    const Park& p = *parks_.find(id);
    if (!out.empty()) out += ", ";
    const auto held = std::chrono::duration_cast<std::chrono::seconds>(now - p.parked_at).count();
    out += "orbit " + p.orbit.to_string() + " (parked by " +
           (s_.valid_user(p.parker) ? s_.user(p.parker).name : std::string("a departed user")) + " for " +
           std::to_string(held) + " s)";
  }
  return out;
}

void ParkService::list(std::vector<ParkView>& out) const {
  parks_.for_each([&](SlotId id, const Park& p) {
    if (p.phase == Phase::RingingFallback) return;
    out.push_back(ParkView{id.bits(), p.call, p.parker, p.pool, p.orbit, p.parked_at, p.attempts,
                           p.phase == Phase::RingingBack});
  });
}

std::string ParkService::check_invariants() const {
  std::size_t parked = 0, fallback = 0;
  std::string error;
  parks_.for_each([&](SlotId id, const Park& p) {
    if (!error.empty()) return;
    auto it = by_call_.find(p.call);
    if (it == by_call_.end() || it->second != id) {
      error = "park " + std::to_string(id.bits()) + " is not indexed by its call";
      return;
    }
    if (!p.timer) {
      error = "park " + std::to_string(id.bits()) + " has no pending timer";
      return;
    }
    if (p.phase == Phase::RingingFallback) {
      ++fallback;
      if (p.orbit_index != kNoIndex) error = "fallback leg still holds an orbit";
      return;
    }
    ++parked;
    const PoolState& pool = s_.pools[p.pool];
    if (p.orbit_index == kNoIndex || pool.park_at[p.orbit_index] != id || pool.orbits.is_free(p.orbit_index))
      error = "park " + std::to_string(id.bits()) + " does not hold its orbit " + p.orbit.to_string();
  });
  if (!error.empty()) return error;
  if (fallback != fallback_legs_ || parked + fallback != by_call_.size()) return "call index out of step with parks";
  if (fallback_uri_.size() != fallback_legs_) return "fallback URIs out of step with fallback legs";
  std::size_t busy = 0;
  for (auto& pool : s_.pools) {
    busy += pool.orbits.busy();
    for (std::uint32_t i = 0; i < pool.park_at.size(); ++i)
      if (!pool.park_at[i] != pool.orbits.is_free(i))
        return "orbit " + pool.orbits.number_at(i).to_string() + " busy without a park (P10)";
  }
  if (busy != parked) return "busy orbits " + std::to_string(busy) + " != parked calls " + std::to_string(parked);
  return {};
}

}  // namespace cpark::detail
