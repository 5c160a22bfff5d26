// State the park and pickup services share inside one Engine: the deployment being
// served, the engine's stable ids for its users and pools, per-pool orbit tables, the
// deadline queue, the output queue and the counters (S9). Not part of the public API.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/counters.h"
#include "engine/detail/orbit_allocator.h"
#include "common/random.h"
#include "engine/detail/timer_queue.h"
#include "engine/events.h"
#include "engine/output_queue.h"
#include "engine/validated_deployment.h"

namespace cpark::detail {

inline constexpr std::uint32_t kNoIndex = ~std::uint32_t{0};

struct PoolState {
  bool present = false;               // false once the pool left the deployment
  std::uint32_t index = kNoIndex;     // in the served deployment
  bool call_park_enabled = true;      // G7 / P1
  OrbitChoice orbit_choice = OrbitChoice::Next;
  CallParkSettings settings;          // effective settings (C5 resolved)
  bool custom_music = false;          // C4
  OrbitAllocator orbits;
  std::vector<SlotId> park_at;        // orbit index -> the park holding it, null when free
};

struct EngineState {
  DeploymentPtr deployment;
  std::string domain;
  std::vector<PoolState> pools;                 // indexed by PoolId
  std::vector<std::uint32_t> user_index;        // UserId -> index in deployment, kNoIndex if gone
  std::vector<UserId> user_of_index;            // index in deployment -> UserId
  std::vector<PoolId> pool_of_index;            // pool index in deployment -> PoolId
  // Names of ids whose user or pool left the deployment (kept so the id stays stable).
  std::unordered_map<std::string, UserId> departed_users;
  std::unordered_map<std::string, PoolId> departed_pools;
  TimerQueue timers;
  OutputQueue outputs;
  Random rng;
  Counters counters;

  bool valid_user(UserId u) const { return u < user_index.size() && user_index[u] != kNoIndex; }
  const ValidatedDeployment::UserInfo& user_info(UserId u) const { return deployment->user_info(user_index[u]); }
  const User& user(UserId u) const { return deployment->user(user_index[u]); }
  PoolId pool_of(UserId u) const { return pool_of_index[user_info(u).pool]; }
  // The range holding `n` and the pool that owns it (P9), or nullptr.
  const OrbitRange* owner_of(const OrbitNumber& n, PoolId* pool) const {
    const std::uint32_t r = deployment->range_index(n);
    if (r == ValidatedDeployment::kNoRange) return nullptr;
    if (pool) *pool = pool_of_index[deployment->range_pool(r)];
    return &deployment->range(r);
  }
};

}  // namespace cpark::detail
